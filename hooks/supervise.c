/* S: the hook's supervisor, a child of the runtime that is a subreaper
 * for the hook's whole tree. Because every orphan of the tree comes back
 * to S, a hook that forks a daemon (even one that leaves the process group
 * with setsid) cannot outlive it: when H ends or its time is up, S kills
 * the group, then every child it has, repeatedly, until none is left. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks/hooks_int.h"

#define READY_TIMEOUT_MS 10000

struct sup {
	const struct hk_job *job;
	int64_t reap_deadline; /* CLOCK_MONOTONIC: the hook's deadline + HK_REAP_MARGIN_S */
	int chan;
	pid_t pid;
	int pidfd;
	int out, err, report;
	struct hk_result res;
};

int64_t hk_now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* SIGKILLs one child named by the procfs S reads. Its numbers are those of
 * that procfs's pid namespace (the host's, for a createContainer hook run
 * before pivot_root), not necessarily S's, so the child is signalled
 * through its /proc directory, not kill(pid): an unreaped child's number
 * cannot be reused, so the directory is that child. */
static void kill_child(long pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld", pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	close(fd);
}

/* SIGKILLs every current child of S. thread-self, not task/<gettid()>:
 * gettid() is S's number in its own pid namespace, which the procfs may
 * not be. -1 when the list cannot be read. */
static int kill_children(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *p = buf, *end;

		buf[n] = '\0';
		for (long pid; (pid = strtol(p, &end, 10)) > 0; p = end)
			kill_child(pid);
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Kills H's group and everything that was ever H's descendant, reaping
 * until none is left or the deadline passes: whatever could not be listed
 * or killed by then is left to S's reaper rather than hang the lifecycle
 * (R stops waiting for S at its own deadline anyway). */
static void kill_tree(pid_t pgid, int64_t deadline)
{
	kill(-pgid, SIGKILL);
	for (;;) {
		pid_t r;

		if (kill_children() < 0)
			kill(-pgid, SIGKILL);
		r = waitpid(-1, NULL, __WALL | WNOHANG);
		if (r < 0 && errno == ECHILD)
			break;
		if (r > 0 || (r < 0 && errno == EINTR))
			continue;
		if (hk_now_ns(CLOCK_MONOTONIC) > deadline)
			break;
		usleep(5000);
	}
}

__attribute__((noreturn)) static void fail(struct sup *s, const char *reason)
{
	struct hk_msg msg = {.type = HK_MSG_FAIL};

	snprintf(msg.reason, sizeof(msg.reason), "%s", reason);
	if (s->pid > 0)
		kill_tree(s->pid, s->reap_deadline);
	send(s->chan, &msg, sizeof(msg), MSG_NOSIGNAL);
	_exit(1);
}

static void drain(int *fd, uint64_t *total, char *keep, uint32_t *kept, uint32_t cap)
{
	char buf[16384];
	ssize_t n;
	int rounds = 0;

	/* Bounded per call, so a hook flooding its output cannot keep S
	 * from checking the clock. */
	while (*fd >= 0 && rounds++ < 64 && (n = read(*fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				break;
			return;
		}
		if (keep != NULL && *kept < cap) {
			uint32_t take = (uint32_t)n < cap - *kept ? (uint32_t)n : cap - *kept;

			memcpy(keep + *kept, buf, take);
			*kept += take;
		}
		*total += (uint64_t)n;
	}
	if (rounds > 64)
		return;
	close(*fd);
	*fd = -1;
}

static void drain_both(struct sup *s)
{
	drain(&s->out, &s->res.stdout_bytes, NULL, NULL, 0);
	drain(&s->err, &s->res.stderr_bytes, s->res.stderr_head, &s->res.stderr_len,
	      sizeof(s->res.stderr_head));
}

/* H says 'R' once confined, or why it could not be. */
static void await_ready(struct sup *s)
{
	struct pollfd p = {.fd = s->report, .events = POLLIN};
	char msg[HK_MSG_REASON + 1];
	ssize_t n;

	if (poll(&p, 1, READY_TIMEOUT_MS) <= 0)
		fail(s, "the hook process did not get ready");
	n = read(s->report, msg, sizeof(msg) - 1);
	if (n == 1 && msg[0] == 'R')
		return;
	if (n <= 1)
		fail(s, "the hook process died while confining itself");
	msg[n] = '\0';
	fail(s, msg + 1);
}

/* R answers the pid with "go" once the start record is on disk; anything
 * else (R gone, or no record) and the hook never runs. */
static void await_go(struct sup *s, int go_fd)
{
	struct hk_msg msg = {.type = HK_MSG_PID, .pid = s->pid};
	char go = 0;

	if (send(s->chan, &msg, sizeof(msg), MSG_NOSIGNAL) < 0 || recv(s->chan, &go, 1, 0) != 1 ||
	    go != 'g') {
		kill_tree(s->pid, s->reap_deadline);
		_exit(1);
	}
	s->res.start_ns = hk_now_ns(CLOCK_REALTIME);
	if (write(go_fd, &go, 1) != 1)
		fail(s, "releasing the hook process");
	close(go_fd);
}

/* Until H ends or its deadline passes. Returns true when it ended. */
static bool watch(struct sup *s, int64_t deadline)
{
	for (;;) {
		struct pollfd p[4] = {{s->pidfd, POLLIN, 0},
				      {s->out, POLLIN, 0},
				      {s->err, POLLIN, 0},
				      {s->chan, POLLIN, 0}};
		int64_t left = (deadline - hk_now_ns(CLOCK_MONOTONIC)) / 1000000;

		if (left <= 0)
			return false;
		if (poll(p, 4, left > 1000 ? 1000 : (int)left + 1) < 0 && errno != EINTR)
			return false;
		if (p[0].revents)
			return true;
		if (p[3].revents) { /* R is gone: nobody to report to */
			kill_tree(s->pid, s->reap_deadline);
			_exit(1);
		}
		if (p[1].revents)
			drain(&s->out, &s->res.stdout_bytes, NULL, NULL, 0);
		if (p[2].revents)
			drain(&s->err, &s->res.stderr_bytes, s->res.stderr_head, &s->res.stderr_len,
			      sizeof(s->res.stderr_head));
	}
}

/* EOF: exec succeeded; otherwise H says why it did not. */
static void read_exec_failure(struct sup *s)
{
	char msg[HK_MSG_REASON + 1];
	ssize_t n = read(s->report, msg, sizeof(msg) - 1);

	if (n > 1) {
		msg[n] = '\0';
		snprintf(s->res.reason, sizeof(s->res.reason), "%s", msg + 1);
	}
}

/* H's end (kept a zombie with WNOWAIT so its pid, the group's id, cannot
 * be reused before the group is killed). */
static void collect(struct sup *s, bool ended, int64_t start_mono)
{
	siginfo_t si = {0};

	if (!ended) {
		s->res.timed_out = true;
		kill(-s->pid, SIGKILL);
	}
	while (waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	s->res.duration_ns = hk_now_ns(CLOCK_MONOTONIC) - start_mono;
	s->res.exit_code = si.si_code == CLD_EXITED ? si.si_status : -1;
	s->res.signal = si.si_code == CLD_EXITED ? 0 : si.si_status;
	kill_tree(s->pid, s->reap_deadline);
	drain_both(s);
	read_exec_failure(s);
}

static int pipe_pair(int fds[2], bool nonblock_read)
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	return nonblock_read ? fcntl(fds[0], F_SETFL, O_NONBLOCK) : 0;
}

void hk_supervise(const struct hk_job *job, int chan)
{
	int64_t timeout_ns = (int64_t)job->limits->timeout_s * 1000000000;
	struct sup s = {.job = job, .chan = chan, .out = -1, .err = -1, .report = -1};
	struct hk_msg msg = {.type = HK_MSG_RESULT};
	int out[2], err[2], go[2], rep[2];
	int64_t start_mono;

	/* Until the hook is released: R gives up on S after HK_REPLY_MARGIN_S. */
	s.reap_deadline = hk_now_ns(CLOCK_MONOTONIC) + (int64_t)HK_REAP_MARGIN_S * 1000000000;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		fail(&s, "PR_SET_CHILD_SUBREAPER failed");
	if (pipe_pair(out, true) < 0 || pipe_pair(err, true) < 0 || pipe_pair(go, false) < 0 ||
	    pipe_pair(rep, false) < 0)
		fail(&s, "creating the hook's pipes failed");
	s.pid = fork();
	if (s.pid < 0)
		fail(&s, "fork failed");
	if (s.pid == 0)
		hk_hook_exec(job, out[1], err[1], go[0], rep[1]);
	setpgid(s.pid, s.pid); /* also done by H: whichever runs first */
	close(out[1]), close(err[1]), close(go[0]), close(rep[1]);
	s.out = out[0], s.err = err[0], s.report = rep[0];
	s.pidfd = (int)syscall(SYS_pidfd_open, s.pid, 0);
	if (s.pidfd < 0)
		fail(&s, "pidfd_open failed");
	await_ready(&s);
	await_go(&s, go[1]);
	start_mono = hk_now_ns(CLOCK_MONOTONIC);
	s.reap_deadline = start_mono + timeout_ns + (int64_t)HK_REAP_MARGIN_S * 1000000000;
	collect(&s, watch(&s, start_mono + timeout_ns), start_mono);
	msg.result = s.res;
	send(chan, &msg, sizeof(msg), MSG_NOSIGNAL);
	_exit(0);
}
