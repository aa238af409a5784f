/* paxta — a command's backend: the two sides behind one table (backend.h). */
#include <stdarg.h>
#include <stdio.h>

#include "backend.h"
#include "text.h"

int
backend_open(struct backend **out, const struct cli_common *c,
	     enum backend_mode mode)
{
	*out = NULL;
	if (c->node)
		return backend_node_open(out, c->node);
	return backend_local_open(out, c, mode);
}

void
backend_close(struct backend *b)
{
	if (b)
		b->ops->close(b);
}

int
backend_fail(struct backend *b)
{
	return fail("%s", b->error[0] ? b->error : "the ledger failed");
}

int
backend_error(struct backend *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->error, sizeof(b->error), fmt, ap);
	va_end(ap);
	text_clean(b->error);
	return EXIT_ERROR;
}

int
backend_bad_answer(struct backend *b, const char *what)
{
	return backend_error(b, "%s answered %s", b->who, what);
}
