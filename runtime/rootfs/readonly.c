/* linux.readonlyPaths, after pivot_root: each path is bound onto itself
 * and the new mount remounted read-only, keeping the nosuid, nodev and
 * noexec it had (runc's readonlyPath); a path that does not exist is
 * skipped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

static int make_readonly(int root_fd, const char *path, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd, path, O_PATH, err);
	char target[KK_FD_PATH_MAX];
	struct statfs st;

	if (fd < 0)
		return err->sys_errno == ENOENT ? (kk_error_clear(err), 0) : -1;
	kk_rootfs_fd_path(fd, target);
	if (kk_sys()->mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return kk_error_sys(err, errno, "bind %s onto itself", path);
	kk_closep(&fd);
	/* Reopened: the fd above is the covered directory, not the new mount. */
	if ((fd = kk_rootfs_open(root_fd, path, O_PATH, err)) < 0)
		return -1;
	if (fstatfs(fd, &st) < 0)
		return kk_error_sys(err, errno, "statfs %s", path);
	return kk_rootfs_remount_bind(
		root_fd, path,
		MS_RDONLY | (kk_rootfs_statfs_flags(&st) & (MS_NOSUID | MS_NODEV | MS_NOEXEC)),
		err);
}

static int readonly_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	if (make_readonly(ctx->rootfs_fd, op->path, err) < 0) {
		kk_error_prefix(err, "linux.readonlyPaths[%llu]", (unsigned long long)op->num);
		return -1;
	}
	return 0;
}

static void readonly_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "make %s read-only (skipped if missing)", op->path);
}

static const struct kk_op_type readonly_op = {
	.name = "readonly-path",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = readonly_apply,
	.describe = readonly_describe,
};

int kk_rootfs_plan_readonly(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_strv *paths = spec->linux_ != NULL ? &spec->linux_->readonly_paths : NULL;

	for (size_t i = 0; paths != NULL && i < paths->n; i++) {
		struct kk_op op = {.type = &readonly_op, .num = i};

		if ((op.path = kk_rootfs_clean(plan, paths->v[i], err)) == NULL ||
		    kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}
