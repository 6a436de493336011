/* kakoi kill [--all|-a] ID [SIGNAL] (default SIGTERM; names with or without
 * SIG, any case, and numbers) */
#include <signal.h>

#include "runtime/cli/cli.h"
#include "runtime/cli/signals.h"
#include "runtime/container/container.h"

static const struct kk_flag flags[] = {
	{"all", no_argument, 'a', NULL, "send the signal to every process of the container"},
	{0},
};

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt opts;
	bool all = false;
	int sig = SIGTERM, c;

	kk_cli_getopt(&opts, &kk_verb_kill, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c != 'a')
			return kk_cli_bad_flag(err, &kk_verb_kill, argv);
		all = true;
	}
	if (argc - optind < 1 || argc - optind > 2)
		return kk_cli_usage(err, &kk_verb_kill,
				    "give a container ID and at most one signal");
	if (argc - optind == 2 && kk_signal_parse(argv[optind + 1], &sig, err) < 0)
		return -1;
	return kk_container_kill(g->root, argv[optind], sig, all, err);
}

const struct kk_verb kk_verb_kill = {
	.name = "kill",
	.operands = "ID [SIGNAL]",
	.summary =
		"send a signal (default SIGTERM) to the container's init, or to all its processes",
	.flags = flags,
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
