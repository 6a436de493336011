/* kakoi exec [flags] ID [COMMAND...]: run a process in a
 * created or running container; without --detach wait for it, relay
 * signals (and, with --tty, the terminal) to it, and exit with its status
 * (128+signal when killed). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cli/cli.h"
#include "runtime/cli/exec_flags.h"
#include "runtime/cli/relay.h"

static const int relayed[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

/* Blocked only once the process runs: it must not inherit a blocked mask. */
static int relay_signals(struct kk_error *err)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		sigaddset(&set, relayed[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return kk_error_sys(err, errno, "exec: block signals");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return kk_error_sys(err, errno, "exec: signalfd");
	return fd;
}

static int run(const struct kk_globals *g, int argc, char **argv, struct kk_error *err)
{
	struct kk_runtime_opts rt = kk_cli_runtime(g);
	struct kk_exec_flags f = {.o = {.rt = &rt}};
	KK_AUTOCLOSE int sfd = -1;
	KK_AUTOCLOSE int console = -1;
	int status = 0;
	pid_t pid;

	if (kk_cli_exec_flags(&f, argc, argv, err) < 0 ||
	    kk_container_exec(&f.o, &pid, &console, err) < 0)
		return -1;
	if (f.o.detach)
		return 0;
	/* With --tty, console is the pty master: the terminal is relayed as
	 * `run` does (raw mode, window size, SIGWINCH). */
	sfd = relay_signals(err);
	if (sfd < 0 || kk_relay_until_exit(sfd, pid, console, &status, err) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

const struct kk_verb kk_verb_exec = {
	.name = "exec",
	.operands = "ID [COMMAND [ARG...]]",
	.summary = "run a process (COMMAND or --process) in a created or running container",
	.flags = kk_cli_exec_table,
	.in_order = true,
	.first = KK_OPERAND_CONTAINER,
	.run = run,
};
