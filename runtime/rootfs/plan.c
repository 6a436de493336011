/* kk_plan_rootfs: the init-rootfs ops in runc's order. Before pivot_root:
 * propagation and the rootfs bound onto itself, the mounts, /dev. Then
 * pivot_root. After it (paths now the container's): read-only tmpfs
 * mounts, a read-only root, the uts names, sysctls (before /proc/sys turns
 * read-only), read-only and masked paths, and last the configured root
 * propagation (runc applies it before the paths; "runbindable" would then
 * refuse their binds). */
#define _GNU_SOURCE
#include <sched.h>

#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"

typedef int (*planner)(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

static const planner planners[] = {
	kk_rootfs_plan_prepare,
	kk_rootfs_plan_mounts,
	kk_rootfs_plan_devices,
	kk_rootfs_plan_dev_links,
	kk_rootfs_plan_pivot,
	kk_rootfs_plan_finalize_mounts,
	kk_rootfs_plan_root_readonly,
	kk_rootfs_plan_hostname,
	kk_rootfs_plan_sysctl,
	kk_rootfs_plan_readonly,
	kk_rootfs_plan_masked,
	/* Last: read-only and masked paths bind from the container's own
	 * mounts, which "runbindable" would refuse. */
	kk_rootfs_plan_root_propagation,
};

int kk_plan_rootfs(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	if (spec->root == NULL)
		return kk_error_set(err, KK_ERR_INVALID, "root: is required");
	for (size_t i = 0; i < sizeof(planners) / sizeof(planners[0]); i++)
		if (planners[i](plan, spec, err) < 0)
			return -1;
	return 0;
}
