/* The symlinks runc puts in /dev: ptmx -> pts/ptmx (replacing any node,
 * so the container's devpts instance is the one used), fd, stdin, stdout,
 * stderr into /proc/self/fd, and core -> /proc/kcore when the kernel has
 * it. Like the devices, none when /dev is bound from elsewhere. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

enum {
	LINK_REPLACE = 1,   /* remove what is there first */
	LINK_IF_TARGET = 2, /* only when the target exists (checked on the host) */
};

static int link_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const char *target = op->ref, *base;
	KK_AUTOCLOSE int parent = -1;
	struct stat st;

	if ((op->num & LINK_IF_TARGET) && stat(target, &st) < 0)
		return 0;
	if ((parent = kk_rootfs_open_parent(ctx->rootfs_fd, op->path, &base, err)) < 0)
		return -1;
	if ((op->num & LINK_REPLACE) && kk_sys()->unlinkat(parent, base, 0) < 0 && errno != ENOENT)
		return kk_error_sys(err, errno, "remove %s", op->path);
	if (kk_sys()->symlinkat(target, parent, base) < 0 && errno != EEXIST)
		return kk_error_sys(err, errno, "symlink %s -> %s", op->path, target);
	return 0;
}

static void link_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "symlink %s -> %s%s%s", op->path, (const char *)op->ref,
		 (op->num & LINK_REPLACE) ? " (replacing)" : "",
		 (op->num & LINK_IF_TARGET) ? " (if the kernel has it)" : "");
}

static const struct kk_op_type link_op = {
	.name = "symlink",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = link_apply,
	.describe = link_describe,
};

static const struct {
	const char *path, *target;
	uint64_t flags;
} links[] = {
	{"/dev/ptmx", "pts/ptmx", LINK_REPLACE}, {"/dev/fd", "/proc/self/fd", 0},
	{"/dev/stdin", "/proc/self/fd/0", 0},	 {"/dev/stdout", "/proc/self/fd/1", 0},
	{"/dev/stderr", "/proc/self/fd/2", 0},	 {"/dev/core", "/proc/kcore", LINK_IF_TARGET},
};

int kk_rootfs_plan_dev_links(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	bool bound;

	if (kk_rootfs_binds_dev(plan, spec, &bound, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]) && !bound; i++) {
		struct kk_op op = {
			.type = &link_op,
			.ref = links[i].target,
			.path = links[i].path,
			.num = links[i].flags,
		};

		if (kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}
