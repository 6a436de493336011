/* The global flags, runc's spellings plus kakoi's hook flags: one table
 * (flags.h) for the parse, `kakoi --help`, kakoi(8) and the completion. */
#include <string.h>

#include "runtime/cli/cli.h"

enum {
	OPT_ROOT = 256,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_ROOTLESS,
	OPT_SYSTEMD_CGROUP,
	OPT_HOOK_POLICY,
	OPT_HOOK_AUDIT,
};

const struct kk_flag kk_cli_global_flags[] = {
	{"root", required_argument, OPT_ROOT, "DIR",
	 "keep container state under DIR (default " KK_DEFAULT_ROOT
	 "; $XDG_RUNTIME_DIR/kakoi when rootless)"},
	{"log", required_argument, OPT_LOG, "FILE", "also write errors and warnings to FILE"},
	{"log-format", required_argument, OPT_LOG_FORMAT, "text|json",
	 "the format of the --log lines (default text)"},
	{"debug", no_argument, OPT_DEBUG, NULL,
	 "accepted for runc's command line; changes nothing"},
	{"rootless", optional_argument, OPT_ROOTLESS, "true|false|auto",
	 "runc's flag: anything but false makes spec write a rootless config"},
	{"systemd-cgroup", no_argument, OPT_SYSTEMD_CGROUP, NULL,
	 "create's cgroup is a systemd scope (cgroupsPath slice:prefix:name)"},
	{"hook-policy", required_argument, OPT_HOOK_POLICY, "FILE",
	 "the hook policy (default /etc/kakoi/hook-policy.json)"},
	{"hook-audit-log", required_argument, OPT_HOOK_AUDIT, "FILE",
	 "the hook audit log (default /var/log/kakoi/hooks.log)"},
	{"version", no_argument, 'v', NULL,
	 "print the versions of kakoi, the spec and the libraries"},
	{0},
};

static int set_global(int c, struct kk_globals *g, struct kk_error *err)
{
	switch (c) {
	case OPT_ROOT:
		g->root = optarg;
		return 0;
	case OPT_LOG:
		g->log_path = optarg;
		return 0;
	case OPT_LOG_FORMAT:
		if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
			return kk_error_set(err, KK_ERR_USAGE,
					    "--log-format: \"%s\" is not text or json", optarg);
		g->log_format = optarg;
		return 0;
	case OPT_DEBUG:
		g->debug = true;
		return 0;
	/* runc's --rootless takes a value (true|false|auto); accept it so engines' lines work. */
	case OPT_ROOTLESS:
		g->rootless = optarg == NULL || strcmp(optarg, "false") != 0;
		return 0;
	case OPT_SYSTEMD_CGROUP:
		g->systemd_cgroup = true;
		return 0;
	case OPT_HOOK_POLICY:
		g->hook_policy = optarg;
		return 0;
	case OPT_HOOK_AUDIT:
		g->hook_audit_log = optarg;
		return 0;
	default:
		return kk_error_set(err, KK_ERR_USAGE, "unknown global flag; see kakoi --help");
	}
}

int kk_cli_parse_globals(int argc, char **argv, struct kk_globals *g, struct kk_error *err)
{
	struct kk_getopt opts;
	const char *root = g->root;
	int c;

	/* In order: the verb and everything after it are the verb's. */
	kk_getopt_init(&opts, kk_cli_global_flags, true, argc, argv);
	while ((c = kk_getopt_next(&opts)) != -1) {
		if (c == 'v') {
			kk_cli_version(stdout);
			return 0;
		}
		if (c == KK_FLAG_HELP) {
			kk_cli_print_main_help(stdout);
			return 0;
		}
		if (set_global(c, g, err) < 0)
			return -1;
	}
	/* Without --root a rootless kakoi keeps its state where the user may
	 * write ($XDG_RUNTIME_DIR/kakoi), as runc does. */
	if (g->root == root)
		g->root = kk_default_root(root);
	if (optind >= argc)
		return kk_error_set(err, KK_ERR_USAGE, "no command given; see kakoi --help");
	return optind;
}
