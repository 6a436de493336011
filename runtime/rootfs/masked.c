/* linux.maskedPaths, after pivot_root: a directory is covered by an empty
 * read-only tmpfs, anything else by a bind of /dev/null; a path that does
 * not exist is skipped (runc). The /dev/null used is checked to be the
 * null device, so a container-made /dev/null (a symlink, a file) cannot
 * turn the mask into a bind of something else (CVE-2025-31133). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

static int open_null(int root_fd, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd, "/dev/null", O_PATH | O_NOFOLLOW, err);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "stat /dev/null");
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		return kk_error_set(err, KK_ERR_INVALID, "/dev/null is not the null device");
	return kk_steal_fd(&fd);
}

static int mask(int root_fd, int fd, const char *path, struct kk_error *err)
{
	char target[KK_FD_PATH_MAX], source[KK_FD_PATH_MAX];
	KK_AUTOCLOSE int null = -1;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", path);
	kk_rootfs_fd_path(fd, target);
	if (S_ISDIR(st.st_mode)) {
		if (kk_sys()->mount("tmpfs", target, "tmpfs", MS_RDONLY, NULL) < 0)
			return kk_error_sys(err, errno, "mount tmpfs on %s", path);
		return 0;
	}
	if ((null = open_null(root_fd, err)) < 0)
		return -1;
	kk_rootfs_fd_path(null, source);
	if (kk_sys()->mount(source, target, NULL, MS_BIND, NULL) < 0)
		return kk_error_sys(err, errno, "bind /dev/null on %s", path);
	return 0;
}

static int mask_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_open(ctx->rootfs_fd, op->path, O_PATH, err);

	if (fd < 0 && err->sys_errno == ENOENT) {
		kk_error_clear(err);
		return 0;
	}
	if (fd < 0 || mask(ctx->rootfs_fd, fd, op->path, err) < 0) {
		kk_error_prefix(err, "linux.maskedPaths[%llu]", (unsigned long long)op->num);
		return -1;
	}
	return 0;
}

static void mask_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "mask %s (empty tmpfs or /dev/null; skipped if missing)", op->path);
}

static const struct kk_op_type mask_op = {
	.name = "mask",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = mask_apply,
	.describe = mask_describe,
};

int kk_rootfs_plan_masked(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_strv *paths = spec->linux_ != NULL ? &spec->linux_->masked_paths : NULL;

	for (size_t i = 0; paths != NULL && i < paths->n; i++) {
		struct kk_op op = {.type = &mask_op, .num = i};

		if ((op.path = kk_rootfs_clean(plan, paths->v[i], err)) == NULL ||
		    kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}
