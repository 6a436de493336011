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

int kk_spawn_init(struct kk_ctx *ctx, const struct kk_plan *plan, uint64_t clone_flags,
		  int listen_fd, struct kk_error *err)
{
	struct clone_args args = {.flags = clone_flags, .exit_signal = SIGCHLD};
	int sv[2];
	long pid;

	if (kk_sys()->socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return kk_error_sys(err, errno, "socketpair to the init");
	pid = kk_sys()->clone3(&args, sizeof(args));
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
