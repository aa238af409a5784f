/* paxta — signed notes kept in files: checkpoints a brand or an auditor
 * saved, evidence of a fork. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
read_small_file(const char *path, size_t cap, char **out, size_t *out_len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, got;
	int status = EXIT_ERROR;

	*out = NULL;
	if (!f)
		return fail("cannot read '%s': %s", path, strerror(errno));
	/* One byte past the cap tells "too large" from "exactly the cap". */
	if (!(buf = malloc(cap + 2))) {
		status = fail("out of memory");
		goto out;
	}
	while ((got = fread(buf + len, 1, cap + 1 - len, f)) > 0)
		len += got;
	if (ferror(f)) {
		status = fail("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (len > cap) {
		status = fail("'%s' is over %zu bytes: not what was asked for",
			      path, cap);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	buf = NULL;
	status = 0;
out:
	free(buf);
	if (f && f != stdin)
		fclose(f);
	return status;
}
