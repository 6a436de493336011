/* root.readonly, after pivot_root: "/" remounted read-only as a bind
 * (only this mount, not the file system), keeping the flags the kernel
 * will not let a user namespace drop (runc's setReadonly). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

static int root_readonly_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
	struct statfs st;

	(void)op;
	(void)ctx;
	if (kk_sys()->mount(NULL, "/", NULL, flags, NULL) == 0)
		return 0;
	if (errno != EPERM || statfs("/", &st) < 0)
		return kk_error_sys(err, errno, "root.readonly: remount /");
	flags |= kk_rootfs_statfs_flags(&st);
	if (kk_sys()->mount(NULL, "/", NULL, flags, NULL) < 0)
		return kk_error_sys(err, errno, "root.readonly: remount /");
	return 0;
}

static void root_readonly_describe(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "remount / read-only");
}

static const struct kk_op_type root_readonly_op = {
	.name = "root-readonly",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = root_readonly_apply,
	.describe = root_readonly_describe,
};

int kk_rootfs_plan_root_readonly(struct kk_plan *plan, const struct kk_spec *spec,
				 struct kk_error *err)
{
	struct kk_op op = {.type = &root_readonly_op, .path = "/"};

	if (!spec->root->readonly)
		return 0;
	return kk_plan_add(plan, &op, err);
}
