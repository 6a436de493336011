/* kakoi kill [--all|-a] ID [SIGNAL] (default SIGTERM; names with or without
 * SIG, any case, and numbers) */
#include <getopt.h>
#include <signal.h>

#include "runtime/cli/cli.h"
#include "runtime/cli/signals.h"
#include "runtime/container/container.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
	bool all = false;
	int sig = SIGTERM, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
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
	"kill",
	"kill [--all] ID [SIGNAL]",
	"send a signal (default SIGTERM) to the container's init, or to all its processes",
	run,
};
