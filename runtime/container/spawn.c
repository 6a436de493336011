/* The clone of the container init. The child is a copy of the runtime with
 * the parsed spec already mapped read-only: it never reads the bundle. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/internal.h"
#include "runtime/container/namespaces.h"
#include "runtime/sys/sys.h"

struct init_undo {
	pid_t pid;
};

/* The init has not been reaped, so its pid cannot have been reused. */
static int kill_init(const void *arg, struct kk_error *err)
{
	const struct init_undo *u = arg;

	(void)err;
	kk_sys()->kill(u->pid, SIGKILL);
	while (waitpid(u->pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* In the joiner: enter the user namespace, then clone the init as the
 * runtime's child (CLONE_PARENT). Returns 0 in the init, the init's pid
 * or -errno in the joiner. */
static long join_and_clone(struct clone_args *args, const char *userns)
{
	int fd = open(userns, O_RDONLY | O_CLOEXEC);
	long pid;

	if (fd < 0 || kk_sys()->setns(fd, CLONE_NEWUSER) < 0)
		return -errno;
	close(fd);
	args->flags |= CLONE_PARENT;
	args->exit_signal = 0; /* the kernel takes the joiner's (SIGCHLD) */
	pid = kk_sys()->clone3(args, sizeof(*args));
	return pid < 0 ? -errno : pid;
}

/* The init's clone. A user namespace joined by path must own the
 * namespaces the clone creates (runc's nsexec joins, then unshares): but
 * setns into it would cost the runtime its host rights for good, so a
 * short-lived joiner enters it and clones the init for us. Returns the
 * init's pid (0 in the init) or -1 with errno. */
static long clone_init(struct clone_args *args, const char *userns)
{
	long pid = -EIO;
	int p[2];
	pid_t joiner;

	if (userns == NULL)
		return kk_sys()->clone3(args, sizeof(*args));
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	joiner = fork();
	if (joiner == 0) {
		close(p[0]);
		pid = join_and_clone(args, userns);
		if (pid == 0) {
			close(p[1]);
			return 0;
		}
		(void)!write(p[1], &pid, sizeof(pid));
		_exit(0);
	}
	close(p[1]);
	if (joiner > 0) {
		if (read(p[0], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
			pid = -EIO;
		while (waitpid(joiner, NULL, 0) < 0 && errno == EINTR)
			;
	} else {
		pid = -errno;
	}
	close(p[0]);
	if (pid < 0) {
		errno = (int)-pid;
		return -1;
	}
	return pid;
}

int kk_spawn_init(struct kk_ctx *ctx, const struct kk_plan *plan, uint64_t clone_flags,
		  int listen_fd, struct kk_error *err)
{
	struct clone_args args = {.flags = clone_flags, .exit_signal = SIGCHLD};
	int sv[2];
	long pid;

	if (kk_sys()->socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return kk_error_sys(err, errno, "socketpair to the init");
	pid = clone_init(&args, kk_ns_joined_userns(ctx->spec));
	if (pid < 0) {
		kk_error_sys(err, errno, "clone the container init");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		ctx->sync_fd = sv[1];
		kk_init_main(ctx, plan, listen_fd);
	}
	close(sv[1]);
	ctx->sync_fd = sv[0];
	ctx->init_pid = (pid_t)pid;
	return kk_undo_push(ctx->undo, "kill the container init", kill_init,
			    &(struct init_undo){(pid_t)pid}, sizeof(struct init_undo), err);
}
