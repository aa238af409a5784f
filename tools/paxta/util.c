/* paxta — helpers shared by the commands. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "paxta/units.h"

int
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("paxta: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

int
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "paxta %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'paxta %s --help'\n", cmd);
	return EXIT_ERROR;
}

int
open_ledger(struct px_ledger **out, const char *dir, unsigned flags)
{
	return open_ledger_key(out, dir, NULL, flags);
}

int
open_ledger_key(struct px_ledger **out, const char *dir, const char *key_file,
		unsigned flags)
{
	int rc;

	if (!dir)
		return fail("no ledger given: pass --data DIR (a folder made "
			    "by 'paxta init') or --node URL (a running "
			    "paxtad)");
	rc = px_ledger_open_key(out, dir, key_file, flags);
	if (rc != PX_OK) {
		char why[512];

		px_ledger_open_words(why, sizeof(why), rc, dir, key_file);
		return fail("%s", why);
	}
	return 0;
}

void
print_json(json_t *j)
{
	if (!j) {
		fail("out of memory");
		return;
	}
	json_dumpf(j, stdout,
		   JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			   JSON_REAL_PRECISION(15));
	fputc('\n', stdout);
	json_decref(j);
}

int
out_is_tty(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	return cached;
}

int
err_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

const char *
style(const char *name)
{
	static const struct {
		const char *name, *code;
	} styles[] = {
		{ "bold", "\033[1m" },   { "red", "\033[31m" },
		{ "green", "\033[32m" }, { "yellow", "\033[33m" },
		{ "dim", "\033[2m" },    { "reset", "\033[0m" },
	};

	if (!out_is_tty())
		return "";
	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
		if (strcmp(styles[i].name, name) == 0)
			return styles[i].code;
	return "";
}

void
print_bar(double share, int width)
{
	/* Eighths of a cell, so small shares still show. */
	static const char *const parts[] = { "",  "▏", "▎", "▍",
					     "▌", "▋", "▊", "▉" };
	int eighths = (int)(share * width * 8 + 0.5), i;

	if (share > 0 && eighths == 0)
		eighths = 1;
	for (i = 0; i < eighths / 8; i++)
		fputs("█", stdout);
	if (eighths % 8) {
		fputs(parts[eighths % 8], stdout);
		i++;
	}
	for (; i < width; i++)
		fputs(out_is_tty() ? "·" : " ", stdout);
}

int
parse_u64(const char *text, uint64_t *out)
{
	uint64_t v = 0;

	/* Digits only: no sign, no white space, no wrap past UINT64_MAX. */
	if (!text || !*text)
		return -1;
	for (const char *p = text; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (*p < '0' || *p > '9' || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
parse_options(const struct cli_parser *p, int argc, char **argv,
	      struct cli_common *out)
{
	static const struct option common[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, CLI_OPT_NODE },
		{ "help", no_argument, NULL, 'h' },
	};
	static const struct option json = { "json", no_argument, NULL, 'j' };
	static const struct option node_key = { "node-key", required_argument,
						NULL, CLI_OPT_NODE_KEY };
	struct option opts[48];
	size_t n = 0;
	int c, rc;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		opts[n++] = common[i];
	if (p->flags & CLI_JSON)
		opts[n++] = json;
	if (p->flags & CLI_NODE_KEY)
		opts[n++] = node_key;
	for (size_t i = 0; p->own && p->own[i].name; i++) {
		if (n + 1 >= sizeof(opts) / sizeof(opts[0]))
			return fail("too many options for '%s'", p->cmd);
		opts[n++] = p->own[i];
	}
	memset(&opts[n], 0, sizeof(opts[n]));
	while ((c = getopt_long(argc, argv, p->shortopts, opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			out->data = optarg;
			break;
		case CLI_OPT_NODE:
			out->node = optarg;
			break;
		case CLI_OPT_NODE_KEY:
			out->node_key = optarg;
			break;
		case 'j':
			if (!(p->flags & CLI_JSON))
				return usage_error(p->cmd, "unknown option");
			out->json = 1;
			break;
		case 'h':
			fputs(p->help, stdout);
			return -1;
		case '?':
		case ':':
			return usage_error(p->cmd, "unknown option");
		default:
			if (!p->take)
				return usage_error(p->cmd, "unknown option");
			if ((rc = p->take(p->ctx, c, optarg)) != 0)
				return rc;
			break;
		}
	}
	return p->flags & CLI_CHECK_LATER ? 0 : check_source(p, out);
}

int
check_source(const struct cli_parser *p, const struct cli_common *c)
{
	if ((p->flags & CLI_SOURCE) && !c->data == !c->node)
		return usage_error(p->cmd, "give --data DIR or --node URL");
	if (c->data && c->node)
		return usage_error(p->cmd, "give --data DIR or --node URL, not "
					   "both");
	if (c->node_key && !c->data)
		return usage_error(p->cmd,
				   "--node-key signs checkpoints of a ledger "
				   "folder: give --data DIR");
	return 0;
}

/* ---- answers for people ---- */

const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

json_int_t
jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

double
jnum(json_t *o, const char *key)
{
	double v = json_number_value(json_object_get(o, key));

	return isfinite(v) ? v : 0;
}

void
jkg(char out[32], json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	double kg = json_number_value(v);

	/* Grams as the ledger keeps them; a node's nonsense prints as '?'. */
	if (!json_is_number(v) || !isfinite(kg) || kg < 0 || kg > 1e12) {
		snprintf(out, 32, "?");
		return;
	}
	px_format_kg(out, (uint64_t)llround(kg * 1000));
}
