/* kakoi run ID [create's flags] [--detach | --keep]: create and start;
 * without --detach, wait, relay signals (and the terminal), delete (unless
 * --keep), and exit with the container's status (128+signal when it was
 * killed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/create_flags.h"
#include "runtime/cli/relay.h"
#include "runtime/sys/sys.h"

static const int relayed[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

/* Blocked only after create: the init must not inherit a blocked mask. */
static int relay_signals(sigset_t *set, struct kk_error *err)
{
	int fd;

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		sigaddset(set, relayed[i]);
	sigaddset(set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		return kk_error_sys(err, errno, "run: block signals");
	fd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return kk_error_sys(err, errno, "run: signalfd");
	return fd;
}

static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* A run whose start failed leaves nothing: not the container, and not the
 * pid file its create half wrote. */
static void abandon(const struct kk_create_opts *opts)
{
	struct kk_error ignored = {0};

	kk_container_delete(opts->rt, opts->id, true, &ignored);
	if (opts->pid_file != NULL)
		kk_sys()->unlinkat(AT_FDCWD, opts->pid_file, 0);
}

static int foreground(const struct kk_create_opts *opts, struct kk_created *c, bool keep,
		      struct kk_error *err)
{
	sigset_t set;
	KK_AUTOCLOSE int sfd = relay_signals(&set, err);
	KK_AUTOCLOSE int console = c->console_fd;
	int status = 0;

	if (sfd < 0 || kk_container_start(opts->rt, opts->id, err) < 0) {
		abandon(opts);
		return -1;
	}
	if (kk_relay_until_exit(sfd, c->pid, console, &status, err) < 0)
		return -1;
	if (!keep && kk_container_delete(opts->rt, opts->id, true, err) < 0)
		return -1;
	/* 0 would read as success of the verb, which it also is. */
	return exit_code(status);
}

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_runtime_opts rt = kk_cli_runtime(g);
	struct kk_create_opts opts = {.rt = &rt};
	struct kk_created created;
	struct kk_run_flags flags = {0};

	if (kk_cli_create_flags(&kk_verb_run, argc, argv, &opts, &flags, err) < 0)
		return -1;
	opts.foreground = !flags.detach;
	if (kk_container_create(&opts, &created, err) < 0)
		return -1;
	if (!flags.detach)
		return foreground(&opts, &created, flags.keep, err);
	if (kk_container_start(&rt, opts.id, err) < 0) {
		abandon(&opts);
		return -1;
	}
	return 0;
}

const struct kk_verb kk_verb_run = {
	.name = "run",
	.operands = "ID",
	.summary = "create and start a container; without --detach wait and exit with its status",
	.flags = kk_cli_run_table,
	.first = KK_OPERAND_NEW_ID,
	.run = run,
};
