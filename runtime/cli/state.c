/* kakoi state ID: the OCI state JSON. */
#include <stdio.h>

#include "base/cleanup.h"
#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	KK_AUTOFREE char *json = NULL;

	if (argc != 2 || argv[1][0] == '-')
		return kk_cli_usage(err, &kk_verb_state, "give exactly one container ID");
	json = kk_container_state(g->root, argv[1], err);
	if (json == NULL)
		return -1;
	printf("%s\n", json);
	return 0;
}

const struct kk_verb kk_verb_state = {
	.name = "state",
	.operands = "ID",
	.summary = "print the state of a container as JSON",
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
