/* kakoi resume ID: thaw a paused container. */
#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	if (argc != 2 || argv[1][0] == '-')
		return kk_cli_usage(err, &kk_verb_resume, "give exactly one container ID");
	return kk_container_resume(g->root, argv[1], err);
}

const struct kk_verb kk_verb_resume = {
	.name = "resume",
	.operands = "ID",
	.summary = "thaw a paused container",
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
