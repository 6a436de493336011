/* kakoi create ID --bundle DIR [--pid-file F] [--console-socket S]
 *   [--no-pivot] [--no-new-keyring] [--preserve-fds N] */
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
	"create",
	"create ID [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] "
	"[--no-new-keyring] [--preserve-fds N]",
	"create a container; its process waits for start",
	run,
};
