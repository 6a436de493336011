/* What an op sees while it runs: the spec, who and where the container is,
 * and the undo stack. One context per operation (create, start, delete); the
 * init gets its own copy after the clone. */
#ifndef KK_RUNTIME_CTX_H
#define KK_RUNTIME_CTX_H

#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

#include "parser/spec.h"
#include "runtime/exec/undo.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kk_cgroup;
struct kk_hook_session;

struct kk_ctx {
	const struct kk_spec *spec;
	const char *id;
	const char *bundle;    /* absolute path of the bundle directory */
	const char *rootfs;    /* absolute host path of root.path */
	const char *state_dir; /* absolute path of this container's state directory */
	int state_dir_fd;

	/* Runtime side. */
	struct kk_undo *undo; /* host changes register their undo here */
	struct kk_cgroup *cgroup;
	pid_t init_pid; /* host pid of the container init, once it exists */

	/* Flags from the command line. */
	bool no_pivot;
	bool no_new_keyring;
	unsigned preserve_fds;
	bool userns; /* the init is in a user namespace of its own, new or joined by path */

	/* Init side. */
	int sync_fd;	     /* the socketpair end to the runtime */
	int rootfs_fd;	     /* O_PATH fd of the rootfs, opened by the first rootfs op */
	int console_sock_fd; /* connected --console-socket, or -1 */
	int seccomp_sock_fd; /* connected to linux.seccomp.listenerPath, or -1 */
	int *mount_sources;  /* bind sources the runtime opened, by mount index (-1: none) */
	const struct kk_hook_session *hooks; /* policy and audit log, when there are hooks */
	char exec_path[PATH_MAX]; /* resolved in init-created, executed in init-process */
	char home[PATH_MAX];	  /* HOME when process.env has none, from init-created */
	bool cwd_pending;	  /* the chdir as root was refused: again as the user */
	/* execve's arguments, built before the seccomp filter so that after it
	 * nothing but execve runs (no allocation, no syscall the profile may
	 * deny). */
	char **exec_argv, **exec_envp;
};

#define KK_CTX_INIT                                                                                \
	{                                                                                          \
		.state_dir_fd = -1, .sync_fd = -1, .rootfs_fd = -1, .console_sock_fd = -1,         \
		.seccomp_sock_fd = -1                                                              \
	}

/* The same as KK_CTX_INIT, for C++ tests (which warn on partial initializers). */
static inline void kk_ctx_init(struct kk_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->state_dir_fd = ctx->sync_fd = ctx->rootfs_fd = -1;
	ctx->console_sock_fd = ctx->seccomp_sock_fd = -1;
}

#ifdef __cplusplus
}
#endif

#endif
