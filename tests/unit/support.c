/* Helpers shared by the unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

char *
pxt_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/paxta-test-XXXXXX", base) < 0)
		abort();
	if (!mkdtemp(path)) {
		perror("mkdtemp");
		abort();
	}
	return path;
}

void
pxt_rmtree(char *path)
{
	char *cmd;

	if (!path)
		return;
	if (asprintf(&cmd, "rm -rf '%s'", path) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", path);
		free(cmd);
	}
	free(path);
}

char *
pxt_vector_path(const char *name)
{
	const char *dir = getenv("PX_VECTORS");
	char *path;

	if (!dir)
		dir = "tests/vectors";
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	return path;
}

char *
pxt_read_file(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)n + 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	if (out_len)
		*out_len = (size_t)n;
out:
	fclose(f);
	return buf;
}
