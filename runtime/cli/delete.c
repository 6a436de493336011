/* kakoi delete [--force|-f] ID */
#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static const struct kk_flag flags[] = {
	{"force", no_argument, 'f', NULL,
	 "kill the container (SIGKILL) first if it is not stopped"},
	{0},
};

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	struct kk_runtime_opts rt;
	bool force = false;
	int c;

	kk_cli_getopt(&opts, &kk_verb_delete, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c != 'f')
			return kk_cli_bad_flag(err, &kk_verb_delete, argv);
		force = true;
	}
	if (argc - optind != 1)
		return kk_cli_usage(err, &kk_verb_delete, "give exactly one container ID");
	rt = kk_cli_runtime(g);
	return kk_container_delete(&rt, argv[optind], force, err);
}

const struct kk_verb kk_verb_delete = {
	.name = "delete",
	.operands = "ID",
	.summary = "remove a stopped container (--force: kill it first)",
	.flags = flags,
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
