/*
 * paxta — the options of the commands that write one document of a lot
 * into a file (paxta bundle, paxta report): LOT --out FILE [--at SIZE]
 * [--lang L] (--data DIR | --node URL).
 */
#ifndef PAXTA_LOT_FILE_H
#define PAXTA_LOT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "paxta/html.h"

struct lot_file_args {
	struct cli_common c; /* --data DIR or --node URL */
	const char *cmd;
	const char *out;   /* --out FILE */
	const char *lot;   /* the operand */
	uint64_t at;       /* --at SIZE; 0: the latest checkpoint */
	enum px_lang lang; /* --lang (with langs) */
};

/*
 * Parse command cmd's options into a: --out (named out_name in its usage
 * error), --at, --lang when langs, and one lot id. 0, -1 (help printed:
 * exit 0) or EXIT_ERROR (usage printed).
 */
int parse_lot_file(const char *cmd, const char *help, const char *out_name,
		   int langs, int argc, char **argv, struct lot_file_args *a);

/* Write bytes to path (replaced if it exists): 0, or EXIT_ERROR
 * printed ("cannot write 'PATH': why"). */
int write_file(const char *path, const void *bytes, size_t len);

#endif
