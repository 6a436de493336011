/* Entering the rootfs: pivot_root the way runc does it (no put_old
 * directory in the rootfs: pivot onto "." and detach the old root, which
 * is stacked on it), or with --no-pivot (for a rootfs on a ramfs, where
 * pivot_root cannot work) MS_MOVE of the rootfs onto "/" and chroot.
 *
 * In a shared mount namespace (rootfs.h) both would move the root of
 * every process in it, the host's perhaps: chroot alone, whatever the
 * flag (runc does the same). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

static int pivot(struct kk_ctx *ctx, struct kk_error *err)
{
	KK_AUTOCLOSE int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (old_root < 0)
		return kk_error_sys(err, errno, "open /");
	if (fchdir(ctx->rootfs_fd) < 0)
		return kk_error_sys(err, errno, "chdir %s", ctx->rootfs);
	if (kk_sys()->pivot_root(".", ".") < 0)
		return kk_error_sys(err, errno, "pivot_root %s", ctx->rootfs);
	/* "." is now the old root, stacked on the new one. */
	if (fchdir(old_root) < 0)
		return kk_error_sys(err, errno, "chdir to the old root");
	/* Its unmount must not propagate to the host. */
	if (kk_sys()->mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return kk_error_sys(err, errno, "make the old root rslave");
	if (kk_sys()->umount2(".", MNT_DETACH) < 0)
		return kk_error_sys(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return kk_error_sys(err, errno, "chdir /");
	return 0;
}

static int chroot_root(struct kk_ctx *ctx, struct kk_error *err)
{
	if (fchdir(ctx->rootfs_fd) < 0)
		return kk_error_sys(err, errno, "chdir %s", ctx->rootfs);
	if (chroot(".") < 0)
		return kk_error_sys(err, errno, "chroot %s", ctx->rootfs);
	if (chdir("/") < 0)
		return kk_error_sys(err, errno, "chdir /");
	return 0;
}

/* The moved mount keeps rootfs_fd: chroot into it as in a shared namespace. */
static int move_root(struct kk_ctx *ctx, struct kk_error *err)
{
	if (fchdir(ctx->rootfs_fd) < 0)
		return kk_error_sys(err, errno, "chdir %s", ctx->rootfs);
	if (kk_sys()->mount(ctx->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return kk_error_sys(err, errno, "move %s to /", ctx->rootfs);
	return chroot_root(ctx, err);
}

static int pivot_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	if (ctx->rootfs_fd < 0)
		return kk_error_set(err, KK_ERR_INTERNAL, "the rootfs is not open");
	if (op->num)
		return chroot_root(ctx, err);
	return ctx->no_pivot ? move_root(ctx, err) : pivot(ctx, err);
}

static void pivot_describe(const struct kk_op *op, char *buf, size_t len)
{
	if (op->num)
		snprintf(buf, len, "chroot into %s (a shared mount namespace)", op->path);
	else
		snprintf(buf, len,
			 "pivot_root into %s and detach the old root (--no-pivot: MS_MOVE + "
			 "chroot)",
			 op->path);
}

static const struct kk_op_type pivot_op = {
	.name = "pivot-root",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = pivot_apply,
	.describe = pivot_describe,
};

int kk_rootfs_plan_pivot(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	struct kk_op op = {.type = &pivot_op, .path = spec->root->path};
	const char *joined;

	op.num = kk_rootfs_mount_ns_shared(spec, &joined);
	return kk_plan_add(plan, &op, err);
}
