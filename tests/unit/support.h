/* Helpers shared by the unit tests. */
#ifndef PX_TEST_SUPPORT_H
#define PX_TEST_SUPPORT_H

#include <stddef.h>

/* A new empty folder under $TMPDIR (or /tmp); the returned string is
 * malloc'd. Aborts the test program when it cannot be made. */
char *pxt_tempdir(void);

/* Remove a folder and everything under it; accepts NULL. Frees path. */
void pxt_rmtree(char *path);

/* Path of a file in tests/vectors ($PX_VECTORS); malloc'd. */
char *pxt_vector_path(const char *name);

/* Read a whole file; malloc'd, NUL-terminated; NULL on failure. */
char *pxt_read_file(const char *path, size_t *out_len);

#endif
