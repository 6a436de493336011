/* kakoi delete [--force|-f] ID */
#include <getopt.h>

#include "runtime/cli/cli.h"
#include "runtime/container/container.h"

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {0}};
	struct kk_runtime_opts rt;
	bool force = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
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
	"delete",
	"delete [--force] ID",
	"remove a stopped container (--force: kill it first)",
	run,
};
