/* The container init: the cloned child. It does what belongs inside the new
 * namespaces (join, rootfs, terminal, checks), reports "created", waits on
 * the start socket, then becomes the container's process.
 *
 * It is not dumpable from the first instruction: until execve its memory
 * and /proc/<pid>/exe are the runtime's, and nothing in the container may
 * open them (the CVE-2019-5736 class; see docs/security.md). It dies with
 * the runtime until create has finished. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/internal.h"
#include "runtime/container/lifecycle_hooks.h"
#include "runtime/container/sync.h"

/* In a new user namespace the init still has the host's ids, which map to
 * nothing there until it takes the mapped root. */
static int become_ns_root(const struct kk_ctx *ctx, struct kk_error *err)
{
	if (!ctx->userns)
		return 0;
	if (setresgid(0, 0, 0) < 0)
		return kk_error_sys(err, errno, "setresgid to the user namespace's root");
	if (setresuid(0, 0, 0) < 0)
		return kk_error_sys(err, errno, "setresuid to the user namespace's root");
	return 0;
}

/* The init inherits every fd of the runtime: the state directory and its
 * lock (held by flock: keeping it would deadlock `start`), and whatever
 * the caller leaked to kakoi. It keeps only its own channels and the
 * --preserve-fds range; the rest is closed before any setup. */
static void close_inherited(const struct kk_ctx *ctx, int listen_fd)
{
	int keep[] = {ctx->sync_fd, listen_fd, ctx->seccomp_sock_fd,
		      ctx->hooks != NULL ? ctx->hooks->audit_fd : -1};

	kk_close_fds_except(3 + ctx->preserve_fds, keep, sizeof(keep) / sizeof(keep[0]));
}

/* An unprivileged runtime writes our uid_map and gid_map (or has newuidmap
 * do it) while we wait for GO; /proc/<pid> of a process that is not
 * dumpable belongs to root, so until then we stay dumpable, as runc's
 * nsexec does. Nothing of the container has run yet: only the user who
 * runs kakoi could reach us. */
static bool dumpable_until_go(const struct kk_ctx *ctx)
{
	return ctx->userns && geteuid() != 0;
}

static int setup(struct kk_ctx *ctx, const struct kk_plan *plan, struct kk_error *err)
{
	if ((!dumpable_until_go(ctx) && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return kk_error_sys(err, errno, "init: prctl");
	/* Had the runtime died before the prctl, its end of the socket is
	 * closed and the wait for GO fails. */
	int32_t host_pid = 0;

	if (kk_msg_expect(ctx->sync_fd, KK_MSG_GO, NULL, &host_pid, err) < 0)
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "init: prctl(PR_SET_DUMPABLE)");
	if (become_ns_root(ctx, err) < 0)
		return -1;
	/* Our own pid as the host sees it (the seccomp agent wants it). */
	ctx->init_pid = (pid_t)host_pid;
	if (kk_plan_run(plan, KK_PHASE_INIT_JOIN, ctx, err) < 0 ||
	    kk_plan_run(plan, KK_PHASE_INIT_ROOTFS, ctx, err) < 0 ||
	    kk_plan_run(plan, KK_PHASE_INIT_CREATED, ctx, err) < 0)
		return -1;
	/* From here the init outlives `create`. */
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		return kk_error_sys(err, errno, "init: prctl");
	return kk_msg_send(ctx->sync_fd, KK_MSG_CREATED, -1, err);
}

/* Blocks until `kakoi start` connects and asks; returns the connection. */
static int wait_for_start(int listen_fd, struct kk_error *err)
{
	for (;;) {
		KK_AUTOCLOSE int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		struct kk_error ignored = {0};

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return kk_error_sys(err, errno, "init: accept on the start socket");
		}
		/* Only the state directory's owner can reach the socket (0700). */
		if (kk_msg_expect(conn, KK_MSG_START, NULL, NULL, &ignored) == 0)
			return kk_steal_fd(&conn);
	}
}

void kk_init_main(struct kk_ctx *ctx, const struct kk_plan *plan, int listen_fd)
{
	struct kk_error err = {0};
	int conn;

	close_inherited(ctx, listen_fd);
	if (setup(ctx, plan, &err) < 0) {
		kk_msg_send_error(ctx->sync_fd, &err);
		_exit(1);
	}
	close(ctx->sync_fd);
	conn = wait_for_start(listen_fd, &err);
	if (conn < 0)
		_exit(1);
	close(listen_fd);
	/* Errors of the process phase go to `start`; success closes conn at execve. */
	ctx->sync_fd = conn;
	if (kk_plan_run(plan, KK_PHASE_INIT_PROCESS, ctx, &err) < 0)
		kk_msg_send_error(conn, &err);
	else
		kk_error_set(&err, KK_ERR_INTERNAL, "init: the process phase returned");
	_exit(1);
}
