/* kakoi: the command line. Global flags, then one verb (cli/). The only
 * place that prints an error and the only place that exits. */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/warn.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/selfclone.h"

static const struct kk_verb *const verbs[] = {
	&kk_verb_create,   &kk_verb_start,  &kk_verb_run,   &kk_verb_state,    &kk_verb_kill,
	&kk_verb_delete,   &kk_verb_list,   &kk_verb_plan,  &kk_verb_validate, &kk_verb_spec,
	&kk_verb_features, &kk_verb_ps,	    &kk_verb_pause, &kk_verb_resume,   &kk_verb_exec,
	&kk_verb_update,   &kk_verb_events,
};

static void print_usage(FILE *out)
{
	fprintf(out, "usage: kakoi [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
		     "             [--hook-policy FILE] [--hook-audit-log FILE] COMMAND [ARGS]\n   "
		     "    kakoi --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-50s %s\n", verbs[i]->usage, verbs[i]->summary);
}

enum global_opt {
	OPT_ROOT = 256,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_ROOTLESS,
	OPT_SYSTEMD_CGROUP,
	OPT_VERSION,
	OPT_HELP,
	OPT_HOOK_POLICY,
	OPT_HOOK_AUDIT
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

/* Returns the index of the verb's name in argv, 0 for --version/--help handled here. */
static int parse_globals(int argc, char **argv, struct kk_globals *g, struct kk_error *err)
{
	static const struct option opts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"log", required_argument, NULL, OPT_LOG},
		{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
		{"debug", no_argument, NULL, OPT_DEBUG},
		{"rootless", optional_argument, NULL, OPT_ROOTLESS},
		{"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
		{"hook-policy", required_argument, NULL, OPT_HOOK_POLICY},
		{"hook-audit-log", required_argument, NULL, OPT_HOOK_AUDIT},
		{"version", no_argument, NULL, OPT_VERSION},
		{"help", no_argument, NULL, OPT_HELP},
		{0}};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		if (c == OPT_VERSION || c == 'v') {
			kk_cli_version(stdout);
			return 0;
		}
		if (c == OPT_HELP || c == 'h') {
			print_usage(stdout);
			return 0;
		}
		if (set_global(c, g, err) < 0)
			return -1;
	}
	if (optind >= argc)
		return kk_error_set(err, KK_ERR_USAGE, "no command given; see kakoi --help");
	return optind;
}

static const struct kk_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i]->name, name) == 0)
			return verbs[i];
	return NULL;
}

/* The verb being run, for its exit status on failure. */
static const struct kk_verb *verb;

static int run(struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	int at = parse_globals(argc, argv, g, err);

	if (at <= 0)
		return at;
	if (kk_cli_log_create(g, err) < 0)
		return -1;
	verb = find_verb(argv[at]);
	if (verb == NULL)
		return kk_error_set(err, KK_ERR_USAGE, "unknown command \"%s\"; see kakoi --help",
				    argv[at]);
	/* Accepted so engines' command lines parse; refused where it would matter. */
	if ((verb == &kk_verb_create || verb == &kk_verb_run || verb == &kk_verb_exec) &&
	    kk_ensure_sealed_binary(argv, err) < 0)
		return -1;
	if (g->systemd_cgroup && (verb == &kk_verb_create || verb == &kk_verb_run))
		return kk_error_set(err, KK_ERR_USAGE,
				    "--systemd-cgroup: the systemd cgroup driver is not supported "
				    "yet; use the cgroupfs driver");
	return verb->run(g, argc - at, argv + at, err);
}

static struct kk_globals globals = {.root = KK_DEFAULT_ROOT, .log_format = "text"};

/* Warnings from anywhere below go where errors go, marked as warnings. */
static void print_warning(const char *msg)
{
	fprintf(stderr, "kakoi: warning: %s\n", msg);
	kk_cli_log(&globals, "warning", msg);
}

int main(int argc, char **argv)
{
	struct kk_error err = {0};
	struct kk_globals *g = &globals;
	int rc;

	/* An inherited SIG_IGN would let the kernel reap our children before
	 * we can read how they ended (the parser child, later the container). */
	signal(SIGCHLD, SIG_DFL);
	kk_warn_set_sink(print_warning);
	rc = run(g, argc, argv, &err);
	if (rc < 0) {
		kk_error_make_printable(&err);
		fprintf(stderr, "kakoi: %s\n", err.msg);
		kk_cli_log(g, "error", err.msg);
		/* runc's exec exits 255 when the process could not be started
		 * (a usage error is 1): managers read it that way. */
		if (verb == &kk_verb_exec && err.code != KK_ERR_USAGE)
			return 255;
		return 1;
	}
	return rc;
}
