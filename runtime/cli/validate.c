/* kakoi validate [--bundle DIR | FILE]: check a config through the same
 * isolated path `create` uses, without touching the host. */
#include <getopt.h>
#include <stdio.h>

#include "base/cleanup.h"
#include "parser/parser.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/paths.h"
#include "runtime/loader/loader.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'}, {0}};
	const char *bundle = NULL;
	KK_AUTOFREE char *path = NULL;
	KK_AUTODOC const struct kk_spec *spec = NULL;
	int c;

	(void)g;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c != 'b')
			return kk_cli_bad_flag(err, &kk_verb_validate, argv);
		bundle = optarg;
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
	printf("ok\n");
	return 0;
}

const struct kk_verb kk_verb_validate = {
	"validate",
	"validate [--bundle DIR | FILE]",
	"check a config.json through the isolated parser; prints ok or the error",
	run,
};
