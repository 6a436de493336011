/* kakoi plan [--bundle DIR] [ID]: print what create would do, touch nothing. */
#include <getopt.h>
#include <stdio.h>

#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'}, {0}};
	const char *bundle = NULL;
	int c;

	(void)g;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
		if (c != 'b')
			return kk_cli_bad_flag(err, &kk_verb_plan, argv);
		bundle = optarg;
	}
	if (argc - optind > 1)
		return kk_cli_usage(err, &kk_verb_plan, "give at most one container ID");
	return kk_container_plan(bundle, argc - optind == 1 ? argv[optind] : "ID", stdout, err);
}

const struct kk_verb kk_verb_plan = {
	"plan",
	"plan [--bundle DIR] [ID]",
	"print the steps create would execute for a config, touching nothing",
	run,
};
