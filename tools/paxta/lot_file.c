/*
 * paxta bundle, paxta report: the options of the commands that write one
 * document of a lot into a file, read one way for both.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lot_file.h"

enum {
	OPT_AT = 256,
	OPT_OUT,
	OPT_LANG,
};

static int
take(void *ctx, int opt, const char *arg)
{
	struct lot_file_args *a = ctx;

	switch (opt) {
	case OPT_OUT:
		a->out = arg;
		break;
	case OPT_LANG:
		if (px_lang_parse(&a->lang, arg))
			return usage_error(a->cmd, "--lang takes en, uz or ru");
		break;
	case OPT_AT:
		if (parse_u64(arg, &a->at) || a->at == 0)
			return usage_error(a->cmd, "--at takes a tree size (a "
						   "number of entries)");
		break;
	default:
		return usage_error(a->cmd, "unknown option");
	}
	return 0;
}

int
parse_lot_file(const char *cmd, const char *help, const char *out_name,
	       int langs, int argc, char **argv, struct lot_file_args *a)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "at", required_argument, NULL, OPT_AT },
		{ 0 },
	};
	const struct cli_parser p = {
		.cmd = cmd,
		.help = help,
		.shortopts = "d:h",
		.flags = CLI_SOURCE,
		/* Without languages, the table starts after --lang. */
		.own = langs ? opts : opts + 1,
		.take = take,
		.ctx = a,
	};
	int rc;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	if ((rc = parse_options(&p, argc, argv, &a->c)) != 0)
		return rc;
	if (!a->out)
		return usage_error(cmd, "give --out %s", out_name);
	if (argc - optind != 1)
		return usage_error(cmd, "give one lot id");
	a->lot = argv[optind];
	return 0;
}

int
write_file(const char *path, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return fail("cannot write '%s': %s", path, strerror(errno));
	if (fwrite(bytes, 1, len, f) != len || fflush(f) != 0) {
		int e = errno;

		fclose(f);
		return fail("cannot write '%s': %s", path, strerror(e));
	}
	if (fclose(f) != 0)
		return fail("cannot write '%s': %s", path, strerror(errno));
	return 0;
}
