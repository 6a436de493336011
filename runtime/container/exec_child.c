/* The exec child: forked by the runtime, put in the container's cgroup,
 * it joins the init's namespaces (opened by the runtime before the fork:
 * user first, mount last) and forks the process, because a pid namespace
 * only applies to children. It reports the process's host pid and exits;
 * the process runs the checks (executable, cwd) and the process phase, and
 * its errors travel over the same socket, whose close at execve (CLOEXEC)
 * is the runtime's sign of success, as with start.
 *
 * Not dumpable from the first instruction: until execve its memory is the
 * runtime's (see init.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/exec_internal.h"
#include "runtime/container/sync.h"
#include "runtime/sys/sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int type;
} ns_order[] = {
	{"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
	{"net", CLONE_NEWNET},	 {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP},
	{"time", CLONE_NEWTIME}, {"mnt", CLONE_NEWNS},
};
#define N_NS (sizeof(ns_order) / sizeof(ns_order[0]))

static void close_all(int *fds)
{
	for (size_t i = 0; i < N_NS; i++)
		kk_closep(&fds[i]);
}

/* Only the namespaces the init does not share with us: setns into our
 * own user namespace is refused (EINVAL). */
static int open_ns(pid_t init_pid, int *fds, struct kk_error *err)
{
	for (size_t i = 0; i < N_NS; i++)
		fds[i] = -1;
	for (size_t i = 0; i < N_NS; i++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)init_pid, ns_order[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_order[i].name);
		if (stat(ours, &b) < 0 && errno == ENOENT)
			continue; /* a kernel without this namespace type */
		if (stat(theirs, &a) < 0)
			return kk_error_sys(err, errno, "exec: stat %s", theirs);
		if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return kk_error_sys(err, errno, "exec: open %s", theirs);
	}
	return 0;
}

static int join_ns(struct kk_ctx *ctx, int *fds, struct kk_error *err)
{
	for (size_t i = 0; i < N_NS; i++) {
		if (fds[i] < 0)
			continue;
		if (kk_sys()->setns(fds[i], ns_order[i].type) < 0)
			return kk_error_sys(err, errno, "exec: join the %s namespace",
					    ns_order[i].name);
		/* In the user namespace our host ids map to nothing yet. */
		if (ns_order[i].type == CLONE_NEWUSER) {
			ctx->userns = true;
			if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
				return kk_error_sys(err, errno,
						    "exec: become the user namespace's root");
		}
	}
	close_all(fds);
	/* The mount namespace's root is the container's; be there. */
	if (chdir("/") < 0)
		return kk_error_sys(err, errno, "exec: chdir / in the container");
	return 0;
}

__attribute__((noreturn)) static void run_process(struct kk_ctx *ctx, const struct kk_plan *plan)
{
	struct kk_error err = {0};

	if (kk_plan_run(plan, KK_PHASE_INIT_CREATED, ctx, &err) == 0 &&
	    kk_plan_run(plan, KK_PHASE_INIT_PROCESS, ctx, &err) == 0)
		kk_error_set(&err, KK_ERR_INTERNAL, "exec: the process phase returned");
	kk_msg_send_error(ctx->sync_fd, &err);
	_exit(1);
}

__attribute__((noreturn)) static void child_main(struct kk_ctx *ctx, const struct kk_plan *plan,
						 int *fds)
{
	struct kk_error err = {0};
	pid_t pid;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		kk_error_sys(&err, errno, "exec: prctl");
		goto fail;
	}
	if (kk_msg_expect(ctx->sync_fd, KK_MSG_GO, NULL, NULL, &err) < 0 ||
	    join_ns(ctx, fds, &err) < 0)
		goto fail;
	pid = fork();
	if (pid < 0) {
		kk_error_sys(&err, errno, "exec: fork the process");
		goto fail;
	}
	if (pid == 0)
		run_process(ctx, plan);
	kk_msg_send_code(ctx->sync_fd, KK_MSG_CREATED, (int32_t)pid, &err);
	_exit(0);
fail:
	kk_msg_send_error(ctx->sync_fd, &err);
	_exit(1);
}

static void reap(pid_t pid, bool kill_it)
{
	if (kill_it)
		kk_sys()->kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* EOF: the process reached execve; a message: it failed before. */
static int await_exec(int sock, struct kk_error *err)
{
	struct kk_msg m;
	ssize_t n;

	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(m) || m.magic != KK_MSG_MAGIC || m.type != KK_MSG_ERROR)
		return kk_error_set(err, KK_ERR_INTERNAL,
				    "exec: malformed answer from the process");
	m.text[sizeof(m.text) - 1] = '\0';
	kk_error_set(err, m.code > 0 && m.code < KK_ERR_COUNT ? m.code : KK_ERR_INTERNAL, "%s",
		     m.text);
	err->sys_errno = m.sys_errno;
	return -1;
}

/* The runtime's side once the child exists. */
static int drive(int sock, pid_t child, struct kk_cgroup *cg, pid_t *pid, struct kk_error *err)
{
	int32_t grandchild = 0;

	if (kk_cgroup_enter(cg, child, err) < 0 || kk_msg_send(sock, KK_MSG_GO, -1, err) < 0 ||
	    kk_msg_expect(sock, KK_MSG_CREATED, NULL, &grandchild, err) < 0) {
		reap(child, true);
		return -1;
	}
	reap(child, false);
	*pid = (pid_t)grandchild;
	if (await_exec(sock, err) < 0) {
		/* We are its subreaper: it is ours to reap. */
		reap(*pid, true);
		*pid = 0;
		return -1;
	}
	return 0;
}

int kk_exec_spawn(struct kk_ctx *ctx, const struct kk_plan *plan, pid_t init_pid,
		  struct kk_cgroup *cg, pid_t *pid, struct kk_error *err)
{
	int fds[N_NS];
	int sv[2];
	pid_t child;
	int rc;

	if (open_ns(init_pid, fds, err) < 0) {
		close_all(fds);
		return -1;
	}
	if (kk_sys()->socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		close_all(fds);
		return kk_error_sys(err, errno, "exec: socketpair");
	}
	child = fork();
	if (child == 0) {
		close(sv[0]);
		ctx->sync_fd = sv[1];
		child_main(ctx, plan, fds);
	}
	close(sv[1]);
	close_all(fds);
	if (child < 0) {
		close(sv[0]);
		return kk_error_sys(err, errno, "exec: fork");
	}
	rc = drive(sv[0], child, cg, pid, err);
	close(sv[0]);
	return rc;
}
