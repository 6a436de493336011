/* exec's flags: runc's, into a kk_exec_opts with storage for the
 * repeatable ones. Own file so the fuzzer (fuzz/cli_fuzz.c) parses argvs
 * with the same code. */
#define _GNU_SOURCE
#include "runtime/cli/exec_flags.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cli/create_flags.h"

/* Refusals quote the caller's bytes. */
static int printable(struct kk_error *err, int rc)
{
	kk_error_make_printable(err);
	return rc;
}

enum {
	OPT_PROCESS = 256,
	OPT_PID_FILE,
	OPT_CONSOLE,
	OPT_CWD,
	OPT_CAP,
	OPT_NNP,
	OPT_PRESERVE,
	OPT_IGNORE_PAUSED,
	OPT_APPARMOR,
	OPT_LABEL,
	OPT_CGROUP,
};

/* runc's exec flags. */
const struct kk_flag kk_cli_exec_table[] = {
	{"process", required_argument, OPT_PROCESS, "FILE",
	 "the process to run, as a process.json (instead of COMMAND)"},
	{"detach", no_argument, 'd', NULL, "return once the process runs, without waiting for it"},
	{"pid-file", required_argument, OPT_PID_FILE, "FILE", "write the process's pid to FILE"},
	{"tty", no_argument, 't', NULL, "give the process a terminal"},
	{"console-socket", required_argument, OPT_CONSOLE, "SOCKET",
	 "send the terminal's pty master to this AF_UNIX socket"},
	{"cwd", required_argument, OPT_CWD, "DIR", "the working directory, inside the container"},
	{"env", required_argument, 'e', "K=V", "set an environment variable (repeatable)"},
	{"user", required_argument, 'u', "UID[:GID]", "the numeric user and group to run as"},
	{"additional-gids", required_argument, 'g', "GID",
	 "an additional numeric group (repeatable)"},
	{"cap", required_argument, OPT_CAP, "CAP", "add a capability to every set (repeatable)"},
	{"no-new-privs", no_argument, OPT_NNP, NULL, "set no_new_privs for the process"},
	{"preserve-fds", required_argument, OPT_PRESERVE, "N",
	 "pass N more fds (3 to 3+N-1) on to the process"},
	{"ignore-paused", no_argument, OPT_IGNORE_PAUSED, NULL,
	 "run the process even when the container is paused"},
	{"apparmor", required_argument, OPT_APPARMOR, "PROFILE",
	 "the process's AppArmor profile (with COMMAND)"},
	{"process-label", required_argument, OPT_LABEL, "LABEL",
	 "the process's SELinux label (with COMMAND)"},
	{"cgroup", required_argument, OPT_CGROUP, "[CTRL[,CTRL]:]PATH",
	 "run in this sub-cgroup of the container's (repeatable)"},
	{0},
};

static int parse_u32(const char *flag, const char *s, uint32_t *out, char **end,
		     struct kk_error *err)
{
	unsigned long v;

	errno = 0;
	v = strtoul(s, end, 10);
	if (s[0] < '0' || s[0] > '9' || errno != 0 || v > UINT32_MAX)
		return printable(err, kk_error_set(err, KK_ERR_USAGE,
						   "exec: %s: \"%s\" is not a number", flag, s));
	*out = (uint32_t)v;
	return 0;
}

/* uid[:gid]; without a gid, runc uses 0. */
static int parse_user(struct kk_exec_opts *o, const char *s, struct kk_error *err)
{
	char *end;

	if (parse_u32("--user", s, &o->uid, &end, err) < 0)
		return -1;
	o->gid = 0;
	if (*end == ':' && parse_u32("--user", end + 1, &o->gid, &end, err) < 0)
		return -1;
	if (*end != '\0')
		return printable(
			err, kk_error_set(err, KK_ERR_USAGE,
					  "exec: --user: \"%s\" is not uid[:gid] (numeric)", s));
	o->has_user = true;
	return 0;
}

static int add(const char **list, size_t *n, const char *flag, const char *v, struct kk_error *err)
{
	if (*n >= KK_EXEC_FLAGS_MAX)
		return kk_error_set(err, KK_ERR_USAGE, "exec: %s: too many", flag);
	list[(*n)++] = v;
	return 0;
}

static int add_gid(struct kk_exec_flags *f, const char *s, struct kk_error *err)
{
	char *end;

	if (f->o.n_additional_gids >= KK_EXEC_FLAGS_MAX)
		return kk_error_set(err, KK_ERR_USAGE, "exec: --additional-gids: too many");
	if (parse_u32("--additional-gids", s, &f->gids[f->o.n_additional_gids], &end, err) < 0)
		return -1;
	if (*end != '\0')
		return printable(
			err, kk_error_set(err, KK_ERR_USAGE,
					  "exec: --additional-gids: \"%s\" is not a number", s));
	f->o.n_additional_gids++;
	return 0;
}

static int set_flag(struct kk_exec_flags *f, int c, char **argv, struct kk_error *err)
{
	struct kk_exec_opts *o = &f->o;

	switch (c) {
	case OPT_PROCESS:
		o->process_file = optarg;
		return 0;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		return 0;
	case OPT_CONSOLE:
		o->console_socket = optarg;
		return 0;
	case OPT_CWD:
		o->cwd = optarg;
		return 0;
	case OPT_NNP:
		o->no_new_privs = true;
		return 0;
	case OPT_IGNORE_PAUSED:
		o->ignore_paused = true;
		return 0;
	case OPT_APPARMOR:
		o->apparmor = optarg;
		return 0;
	case OPT_LABEL:
		o->process_label = optarg;
		return 0;
	case OPT_CGROUP:
		return add(f->cgroups, &o->n_cgroups, "--cgroup", optarg, err);
	case 'd':
		o->detach = true;
		return 0;
	case 't':
		o->tty = true;
		return 0;
	case 'u':
		return parse_user(o, optarg, err);
	case 'g':
		return add_gid(f, optarg, err);
	case 'e':
		return add(f->env, &o->n_env, "--env", optarg, err);
	case OPT_CAP:
		return add(f->caps, &o->n_caps, "--cap", optarg, err);
	case OPT_PRESERVE:
		return kk_cli_uint(&kk_verb_exec, "--preserve-fds", optarg, &o->preserve_fds, err);
	}
	return kk_cli_bad_flag(err, &kk_verb_exec, argv);
}

int kk_cli_exec_flags(struct kk_exec_flags *f, int argc, char **argv, struct kk_error *err)
{
	struct kk_getopt g;
	int c;

	/* In order (kk_verb_exec.in_order): everything from the ID on is the
	 * container's and the process's. kk_getopt_init sets optind to 0, so
	 * glibc also forgets a half-read "-dt" of an earlier parse (the fuzzer
	 * parses many argvs in one process). */
	kk_cli_getopt(&g, &kk_verb_exec, argc, argv);
	while ((c = kk_getopt_next(&g)) != -1)
		if (set_flag(f, c, argv, err) < 0)
			return -1;
	if (optind >= argc)
		return kk_cli_usage(err, &kk_verb_exec, "give a container ID");
	f->o.id = argv[optind];
	f->o.args = argv + optind + 1;
	f->o.n_args = (size_t)(argc - optind - 1);
	if (f->o.process_file != NULL && f->o.n_args > 0)
		return kk_cli_usage(err, &kk_verb_exec, "give --process or args, not both");
	if (f->o.process_file == NULL && f->o.n_args == 0)
		return kk_cli_usage(err, &kk_verb_exec, "give args or --process");
	f->o.env = f->env;
	f->o.caps = f->caps;
	f->o.cgroups = f->cgroups;
	f->o.additional_gids = f->gids;
	return 0;
}
