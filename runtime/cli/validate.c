/* kakoi validate [--strict] [--bundle DIR | FILE]: check a config through
 * the same isolated path `create` uses, without touching the host. The
 * warnings create would give (what the spec says to warn about and go on)
 * are printed, one line each with its JSON path; with --strict any of them
 * fails the check, for CI pipelines that want no config kakoi had to bend. */
#include <stdbool.h>
#include <stdio.h>

#include "base/cleanup.h"
#include "parser/parser.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/paths.h"
#include "runtime/loader/loader.h"

/* Printed on stdout, made printable: they quote the config's own text. */
static void print_warnings(const struct kk_strv *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct kk_error line = {0};

		snprintf(line.msg, sizeof(line.msg), "%s", w->v[i]);
		kk_error_make_printable(&line);
		printf("warning: %s\n", line.msg);
	}
}

enum { OPT_STRICT = 256 };

static const struct kk_flag flags[] = {
	{"strict", no_argument, OPT_STRICT, NULL, "fail on any warning"},
	{"bundle", required_argument, 'b', "DIR",
	 "check DIR/config.json (default: ./config.json; or give a FILE instead)"},
	{0},
};

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	const char *bundle = NULL;
	bool strict = false;
	KK_AUTOFREE char *path = NULL;
	KK_AUTODOC const struct kk_spec *spec = NULL;
	int c;

	(void)g;
	kk_cli_getopt(&opts, &kk_verb_validate, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c == OPT_STRICT)
			strict = true;
		else if (c == 'b')
			bundle = optarg;
		else
			return kk_cli_bad_flag(err, &kk_verb_validate, argv);
	}
	if (argc - optind > 1 || (bundle && argc - optind == 1))
		return kk_cli_usage(err, &kk_verb_validate, "give either --bundle or one FILE");
	path = argc - optind == 1 ? kk_path_dup(argv[optind], err)
				  : kk_path_join(bundle ? bundle : ".", "config.json", err);
	if (path == NULL)
		return -1;
	spec = kk_loader_load_config(path, err);
	if (spec == NULL)
		return -1;
	print_warnings(&spec->warnings);
	if (strict && spec->warnings.n > 0)
		return kk_error_set(err, KK_ERR_INVALID, "%s: %zu warning%s (--strict)", path,
				    spec->warnings.n, spec->warnings.n == 1 ? "" : "s");
	printf("ok\n");
	return 0;
}

const struct kk_verb kk_verb_validate = {
	.name = "validate",
	.operands = "[FILE]",
	.summary = "check a config.json through the isolated parser: its warnings, then ok or the "
		   "error",
	.flags = flags,
	.in_order = true,
	.first = KK_OPERAND_FILE,
	.run = run,
};
