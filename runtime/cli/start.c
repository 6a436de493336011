/* kakoi start ID */
#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_runtime_opts rt = kk_cli_runtime(g);

	if (argc != 2 || argv[1][0] == '-')
		return kk_cli_usage(err, &kk_verb_start, "give exactly one container ID");
	return kk_container_start(&rt, argv[1], err);
}

const struct kk_verb kk_verb_start = {
	.name = "start",
	.operands = "ID",
	.summary = "run the process of a created container",
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
