/* linux.rootfsPropagation, and the rootfs bound onto itself.
 *
 * In a mount namespace of the container's own: first every mount becomes
 * a slave of the host's, so nothing the init mounts travels back to the
 * host; then the mount holding the rootfs is made private (the kernel
 * refuses pivot_root under a shared parent) and the rootfs is bound onto
 * itself so it is a mount point.
 *
 * In a shared one (rootfs.h) neither "/" nor the parent is ours to
 * change: the rootfs is bound onto itself and that bind, the container's
 * own, made private, so nothing mounted under it reaches other namespaces.
 *
 * The configured propagation is applied to the new "/" after pivot_root
 * (or chroot), where it concerns the container's root and not the host's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

static int root_slave_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)op;
	(void)ctx;
	if (kk_sys()->mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return kk_error_sys(err, errno, "make / rslave");
	return 0;
}

static void root_slave_describe(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "make / rslave (no mount reaches the host)");
}

static const struct kk_op_type root_slave_op = {
	.name = "root-slave",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = root_slave_apply,
	.describe = root_slave_describe,
};

/* Walks up from the rootfs to the first mount point (EINVAL: not one). */
static int parent_mount_private(const char *rootfs, struct kk_error *err)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s", rootfs) >= (int)sizeof(path))
		return kk_error_set(err, KK_ERR_LIMIT, "%s: path too long", rootfs);
	for (;;) {
		char *slash;

		if (kk_sys()->mount(NULL, path, NULL, MS_PRIVATE, NULL) == 0)
			return 0;
		if (errno != EINVAL || strcmp(path, "/") == 0)
			return kk_error_sys(err, errno, "make %s private", path);
		slash = strrchr(path, '/');
		if (slash == path)
			slash[1] = '\0';
		else if (slash != NULL)
			*slash = '\0';
		else
			return kk_error_set(err, KK_ERR_INVALID, "%s: not absolute", rootfs);
	}
}

static int bind_rootfs_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	int fd;

	(void)op;
	if (ctx->rootfs == NULL || ctx->rootfs[0] != '/')
		return kk_error_set(err, KK_ERR_INTERNAL, "the rootfs path is not absolute");
	if (!op->num && parent_mount_private(ctx->rootfs, err) < 0)
		return -1;
	if (kk_sys()->mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return kk_error_sys(err, errno, "bind %s onto itself", ctx->rootfs);
	if (op->num && kk_sys()->mount(NULL, ctx->rootfs, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
		return kk_error_sys(err, errno, "make the bind of %s private", ctx->rootfs);
	fd = kk_sys()->openat(AT_FDCWD, ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", ctx->rootfs);
	if (ctx->rootfs_fd >= 0)
		close(ctx->rootfs_fd);
	ctx->rootfs_fd = fd;
	return 0;
}

static void bind_rootfs_describe(const struct kk_op *op, char *buf, size_t len)
{
	if (op->num)
		snprintf(buf, len,
			 "bind %s onto itself (rbind) in the shared mount namespace, "
			 "the bind private",
			 op->path);
	else
		snprintf(buf, len, "bind %s onto itself (rbind), its parent mount private",
			 op->path);
}

static const struct kk_op_type bind_rootfs_op = {
	.name = "bind-rootfs",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = bind_rootfs_apply,
	.describe = bind_rootfs_describe,
};

int kk_rootfs_plan_prepare(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	struct kk_op slave = {.type = &root_slave_op};
	struct kk_op bind = {.type = &bind_rootfs_op, .path = spec->root->path};
	const char *joined;

	bind.num = kk_rootfs_mount_ns_shared(spec, &joined);
	if (!bind.num && kk_plan_add(plan, &slave, err) < 0)
		return -1;
	return kk_plan_add(plan, &bind, err);
}

static int root_propagation_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)ctx;
	if (kk_sys()->mount(NULL, "/", NULL, (unsigned long)op->num, NULL) < 0)
		return kk_error_sys(err, errno, "linux.rootfsPropagation: mount /");
	return 0;
}

static void root_propagation_describe(const struct kk_op *op, char *buf, size_t len)
{
	const char *name = kk_vocab_name(&kk_vocab_propagation, (int64_t)op->num);

	snprintf(buf, len, "make / %s (linux.rootfsPropagation)", name != NULL ? name : "?");
}

static const struct kk_op_type root_propagation_op = {
	.name = "root-propagation",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = root_propagation_apply,
	.describe = root_propagation_describe,
};

int kk_rootfs_plan_root_propagation(struct kk_plan *plan, const struct kk_spec *spec,
				    struct kk_error *err)
{
	struct kk_op op = {.type = &root_propagation_op};

	if (spec->linux_ == NULL || spec->linux_->rootfs_propagation == 0)
		return 0;
	op.num = (uint64_t)spec->linux_->rootfs_propagation;
	return kk_plan_add(plan, &op, err);
}
