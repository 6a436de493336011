/* kakoi pause ID: freeze every process of the container. */
#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	if (argc != 2 || argv[1][0] == '-')
		return kk_cli_usage(err, &kk_verb_pause, "give exactly one container ID");
	return kk_container_pause(g->root, argv[1], err);
}

const struct kk_verb kk_verb_pause = {
	.name = "pause",
	.operands = "ID",
	.summary = "freeze every process of a container",
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
