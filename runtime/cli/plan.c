/* kakoi plan [--bundle DIR] [ID]: print what create would do, touch nothing. */
#include <stdio.h>

#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static const struct kk_flag flags[] = {
	{"bundle", required_argument, 'b', "DIR",
	 "the bundle: the directory holding config.json (default: the current directory)"},
	{0},
};

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	const char *bundle = NULL;
	int c;

	kk_cli_getopt(&opts, &kk_verb_plan, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c != 'b')
			return kk_cli_bad_flag(err, &kk_verb_plan, argv);
		bundle = optarg;
	}
	if (argc - optind > 1)
		return kk_cli_usage(err, &kk_verb_plan, "give at most one container ID");
	return kk_container_plan(bundle, argc - optind == 1 ? argv[optind] : "ID",
				 g->systemd_cgroup, stdout, err);
}

const struct kk_verb kk_verb_plan = {
	.name = "plan",
	.operands = "[ID]",
	.summary = "print the steps create would execute for a config, touching nothing",
	.flags = flags,
	.first = KK_OPERAND_NEW_ID,
	.run = run,
};
