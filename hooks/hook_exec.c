/* H: the hook process between fork and exec. It takes its own process
 * group, keeps only stdin (the state), stdout and stderr (S's pipes) and
 * the executable's fd, takes the hook's cwd, confines itself as the
 * profile says, tells S it is ready, and waits for S's go: the audit
 * "start" record is on disk before exec. Nothing of the runtime's signal
 * dispositions or signal mask survives; its environment only where the
 * profile lets a hook without env inherit it (hk_limits.env). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hooks/hooks_int.h"

enum { FD_EXE = 3, FD_GO = 4, FD_REPORT = 5, FD_FIRST_FREE = 6 };

/* H -> S on FD_REPORT: 'R' when confined, or 'F'/'E' and a reason. */
__attribute__((noreturn)) static void die(char tag, const char *what, int errnum)
{
	char msg[HK_MSG_REASON];
	int n;

	msg[0] = tag;
	n = snprintf(msg + 1, sizeof(msg) - 1, "%s%s%s", what, errnum ? ": " : "",
		     errnum ? strerror(errnum) : "");
	if (n > (int)sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	if (write(FD_REPORT, msg, (size_t)n + 1) < 0)
		_exit(127);
	_exit(127);
}

static void reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* fails harmlessly for KILL, STOP, libc's own */
}

/* Moves every fd H keeps to its fixed number, then closes all others. */
static void arrange_fds(const struct hk_job *job, int out_fd, int err_fd, int go_fd, int report_fd)
{
	int src[] = {job->stdin_fd, out_fd, err_fd, job->exe->fd, go_fd, report_fd};
	int tmp[6];

	for (int i = 0; i < 6; i++) {
		tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 16);
		if (tmp[i] < 0)
			_exit(127); /* S reports H's silent death */
	}
	for (int i = 0; i < 6; i++)
		if (dup2(tmp[i], i) < 0)
			_exit(127);
	if (close_range(FD_FIRST_FREE, ~0U, 0) < 0)
		_exit(127);
	if (fcntl(FD_REPORT, F_SETFD, FD_CLOEXEC) < 0)
		die('F', "hook report fd", errno);
}

static void confine(const struct hk_job *job)
{
	struct kk_error err = {0};
	bool strict = job->limits->profile == KK_HOOK_PROFILE_STRICT;
	const struct kk_process *as = job->limits->as_process;

	/* Before chdir: the cwd must be looked up in the hook's own namespace.
	 * An image's hook needs one only where the knobs are writable (before
	 * pivot_root, or a config without readonlyPaths); elsewhere it stays
	 * in the container's, as the process does. */
	if ((strict || (as != NULL && hk_knobs_writable())) && hk_confine_mounts(&err) < 0)
		die('F', err.msg, 0);
	if (chdir(job->cwd) < 0)
		die('F', job->cwd, errno);
	if (job->container_ns && hk_confine_no_ptrace(&err) < 0)
		die('F', err.msg, 0);
	if (strict &&
	    (hk_confine_caps(job->limits->keep_caps, &err) < 0 || hk_confine_seccomp(&err) < 0))
		die('F', err.msg, 0);
	/* After strict's cuts, which need capabilities the process may lack. */
	if (as != NULL && hk_confine_as_process(as, strict, &err) < 0)
		die('F', err.msg, 0);
	/* Last: the limits must not starve the confinement steps above. */
	if (hk_confine_rlimits(job->limits->timeout_s, &err) < 0)
		die('F', err.msg, 0);
}

void hk_hook_exec(const struct hk_job *job, int out_fd, int err_fd, int go_fd, int report_fd)
{
	char go;

	setpgid(0, 0);
	reset_signals();
	arrange_fds(job, out_fd, err_fd, go_fd, report_fd);
	confine(job);
	if (write(FD_REPORT, "R", 1) != 1)
		_exit(127);
	if (read(FD_GO, &go, 1) != 1)
		_exit(126); /* not released: R could not write the audit record */
	close(FD_GO);
	/* A script's interpreter opens /dev/fd/3, so its fd must stay open;
	 * a binary's is closed by exec. */
	if (!job->exe->script && fcntl(FD_EXE, F_SETFD, FD_CLOEXEC) < 0)
		die('E', "exec", errno);
	syscall(SYS_execveat, FD_EXE, "", job->argv, job->envp, AT_EMPTY_PATH);
	die('E', "exec", errno);
}
