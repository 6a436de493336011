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
#include "runtime/container/internal.h"
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
/* After the namespace fds: the init's root directory. */
#define ROOT_FD N_NS
#define N_FDS (N_NS + 1)

static void close_all(int *fds)
{
	for (size_t i = 0; i < N_FDS; i++)
		kk_closep(&fds[i]);
}

/* Only the namespaces the init does not share with us: setns into our
 * own user namespace is refused (EINVAL). */
static int open_ns(pid_t init_pid, int *fds, struct kk_error *err)
{
	char root[64];

	for (size_t i = 0; i < N_FDS; i++)
		fds[i] = -1;
	/* Where the init is chrooted (in a shared mount namespace) or
	 * pivoted: joining the mount namespace alone gives its root. */
	snprintf(root, sizeof(root), "/proc/%d/root", (int)init_pid);
	fds[ROOT_FD] = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fds[ROOT_FD] < 0)
		return kk_error_sys(err, errno, "exec: open %s", root);
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
	/* The init's root, not the mount namespace's: without a mount
	 * namespace of its own the container is a chroot in a shared one. */
	if (fchdir(fds[ROOT_FD]) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return kk_error_sys(err, errno, "exec: enter the container's root");
	close_all(fds);
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

/* The runtime's fds (the state directory and its lock, the console
 * socket) and the caller's leaks must not be open while the container's
 * paths are resolved; the child keeps its channel, the namespace fds and
 * the --preserve-fds range. */
static void close_inherited(const struct kk_ctx *ctx, const int *ns_fds)
{
	int keep[N_FDS + 2];

	for (size_t i = 0; i < N_FDS; i++)
		keep[i] = ns_fds[i];
	keep[N_FDS] = ctx->sync_fd;
	keep[N_FDS + 1] = ctx->seccomp_sock_fd;
	kk_close_fds_except(3 + ctx->preserve_fds, keep, N_FDS + 2);
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
	close_inherited(ctx, fds);
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

/* What the runtime hears from the exec child and the process. */
struct answer {
	pid_t pid;   /* the process's host pid, from the child's KK_MSG_CREATED */
	int console; /* the pty master, from the process (with a terminal) */
};

static int on_message(const struct kk_msg *m, int *fd, struct answer *a, struct kk_error *err)
{
	if (m->type == KK_MSG_CREATED && a->pid == 0 && m->code > 0) {
		a->pid = (pid_t)m->code;
		return 0;
	}
	if (m->type == KK_MSG_CONSOLE && *fd >= 0 && a->console < 0) {
		a->console = kk_steal_fd(fd);
		return 0;
	}
	if (m->type == KK_MSG_ERROR) {
		kk_error_set(err, m->code > 0 && m->code < KK_ERR_COUNT ? m->code : KK_ERR_INTERNAL,
			     "%s", m->text);
		err->sys_errno = m->sys_errno;
		return -1;
	}
	return kk_error_set(err, KK_ERR_INTERNAL, "exec: unexpected message from the process");
}

/* Messages until EOF. The process's pty master may come before the child's
 * "created" (they run at once). EOF once both the child has exited and the
 * process reached execve (CLOEXEC): success if the pid is known. */
static int await_exec(int sock, struct answer *a, struct kk_error *err)
{
	for (;;) {
		KK_AUTOCLOSE int fd = -1;
		struct kk_msg m;
		char peek;
		ssize_t n;

		do
			n = recv(sock, &peek, 1, MSG_PEEK);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return kk_error_sys(err, errno, "exec: receive from the process");
		if (n == 0)
			return a->pid > 0 ? 0
					  : kk_error_set(err, KK_ERR_INTERNAL,
							 "exec: the exec child exited early");
		if (kk_msg_recv(sock, &m, &fd, err) < 0 || on_message(&m, &fd, a, err) < 0)
			return -1;
	}
}

/* The runtime's side once the child exists. */
static int drive(int sock, pid_t child, struct kk_cgroup *cg, struct answer *a,
		 struct kk_error *err)
{
	int rc = -1;

	/* cg is NULL for a rootless container without a cgroup. */
	if ((cg == NULL || kk_cgroup_enter(cg, child, err) == 0) &&
	    kk_msg_send(sock, KK_MSG_GO, -1, err) == 0)
		rc = await_exec(sock, a, err);
	reap(child, rc < 0);
	if (rc < 0 && a->pid > 0) {
		/* We are its subreaper: it is ours to reap. */
		reap(a->pid, true);
		a->pid = 0;
	}
	if (rc < 0)
		kk_closep(&a->console);
	return rc;
}

int kk_exec_spawn(struct kk_ctx *ctx, const struct kk_plan *plan, pid_t init_pid,
		  struct kk_cgroup *cg, pid_t *pid, int *console, struct kk_error *err)
{
	struct answer a = {.pid = 0, .console = -1};
	int fds[N_FDS];
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
	rc = drive(sv[0], child, cg, &a, err);
	close(sv[0]);
	*pid = a.pid;
	*console = a.console;
	return rc;
}
