/* From a flag table to getopt_long's arguments, and to the two ways a
 * flag is written out (flags.h). */
#define _GNU_SOURCE
#include "runtime/cli/flags.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

const struct kk_flag kk_flag_help = {"help", no_argument, KK_FLAG_HELP, NULL, "show this help"};

static void add_option(struct kk_getopt *g, size_t *n, size_t *s, const struct kk_flag *f)
{
	g->longs[(*n)++] = (struct option){f->name, f->has_arg, NULL, f->val};
	if (f->val <= 0 || f->val > 0x7f)
		return;
	g->shorts[(*s)++] = (char)f->val;
	if (f->has_arg != no_argument)
		g->shorts[(*s)++] = ':';
	if (f->has_arg == optional_argument)
		g->shorts[(*s)++] = ':';
}

void kk_getopt_init(struct kk_getopt *g, const struct kk_flag *flags, bool in_order, int argc,
		    char **argv)
{
	size_t n = 0, s = 0;

	memset(g, 0, sizeof(*g));
	if (in_order)
		g->shorts[s++] = '+';
	/* A table too long for the arrays is a bug tests/cli catches: cut it. */
	for (size_t i = 0; flags != NULL && flags[i].name != NULL && i < KK_FLAGS_MAX; i++)
		add_option(g, &n, &s, &flags[i]);
	add_option(g, &n, &s, &kk_flag_help);
	g->argc = argc;
	g->argv = argv;
	optind = 0;
	opterr = 0;
}

int kk_getopt_next(struct kk_getopt *g)
{
	return getopt_long(g->argc, g->argv, g->shorts, g->longs, NULL);
}

bool kk_flags_ask_help(const struct kk_flag *flags, bool in_order, int argc, char **argv)
{
	struct kk_getopt g;
	int c;

	kk_getopt_init(&g, flags, in_order, argc, argv);
	while ((c = kk_getopt_next(&g)) != -1) {
		if (c == KK_FLAG_HELP)
			return true;
		if (c == '?' || c == ':')
			return false;
	}
	return false;
}

static void append(char *buf, size_t len, const char *fmt, ...) KK_PRINTF(3, 4);

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* " DIR", "[=DIR]" or "". */
static void value(const struct kk_flag *f, char *buf, size_t len)
{
	buf[0] = '\0';
	if (f->has_arg == required_argument)
		snprintf(buf, len, " %s", f->arg ? f->arg : "VALUE");
	else if (f->has_arg == optional_argument)
		snprintf(buf, len, "[=%s]", f->arg ? f->arg : "VALUE");
}

void kk_flag_spelling(const struct kk_flag *f, char *buf, size_t len)
{
	char v[64];

	value(f, v, sizeof(v));
	snprintf(buf, len, "--%s%s", f->name, v);
	if (f->val > 0 && f->val <= 0x7f)
		append(buf, len, ", -%c%s", f->val, f->has_arg == required_argument ? v : "");
}

void kk_flags_synopsis(const struct kk_flag *flags, char *buf, size_t len)
{
	char v[64];

	for (size_t i = 0; flags != NULL && flags[i].name != NULL; i++) {
		if (flags[i].help == NULL)
			continue;
		value(&flags[i], v, sizeof(v));
		append(buf, len, " [--%s%s]", flags[i].name, v);
	}
}
