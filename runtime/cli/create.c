/* kakoi create ID: make a container whose init waits for start (the flags
 * are create_flags.c's). */
#include "runtime/cli/cli.h"
#include "runtime/cli/create_flags.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_runtime_opts rt = kk_cli_runtime(g);
	struct kk_create_opts opts = {.rt = &rt};
	struct kk_created created;

	if (kk_cli_create_flags(&kk_verb_create, argc, argv, &opts, NULL, err) < 0)
		return -1;
	return kk_container_create(&opts, &created, err);
}

const struct kk_verb kk_verb_create = {
	.name = "create",
	.operands = "ID",
	.summary = "create a container; its process waits for start",
	.flags = kk_cli_create_table,
	.first = KK_OPERAND_NEW_ID,
	.run = run,
};
