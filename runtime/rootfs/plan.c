/* kk_plan_rootfs: the init-rootfs ops in runc's order. Before pivot_root:
 * propagation and the rootfs bound onto itself, the mounts, /dev. Then
 * pivot_root. After it (paths now the container's): the configured root
 * propagation, read-only tmpfs mounts, a read-only root, the uts names,
 * sysctls (before /proc/sys turns read-only), read-only and masked paths. */
#define _GNU_SOURCE
#include <sched.h>

#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"

bool kk_rootfs_has_ns(const struct kk_spec *spec, int type)
{
	const struct kk_linux *l = spec->linux_;

	for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == type)
			return true;
	return false;
}

/* Everything here mounts; in the host's (or a joined) mount namespace it
 * would change mounts someone else lives in, with nothing to undo it. */
static int check_mount_ns(const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_linux *l = spec->linux_;

	for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == CLONE_NEWNS && l->namespaces[i].path == NULL)
			return 0;
	return kk_error_set(err, KK_ERR_INVALID,
			    "linux.namespaces: a new mount namespace is required");
}

typedef int (*planner)(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

static const planner planners[] = {
	kk_rootfs_plan_prepare,		kk_rootfs_plan_mounts,
	kk_rootfs_plan_devices,		kk_rootfs_plan_dev_links,
	kk_rootfs_plan_pivot,		kk_rootfs_plan_root_propagation,
	kk_rootfs_plan_finalize_mounts, kk_rootfs_plan_root_readonly,
	kk_rootfs_plan_hostname,	kk_rootfs_plan_sysctl,
	kk_rootfs_plan_readonly,	kk_rootfs_plan_masked,
};

int kk_plan_rootfs(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	if (spec->root == NULL)
		return kk_error_set(err, KK_ERR_INVALID, "root: is required");
	if (check_mount_ns(spec, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(planners) / sizeof(planners[0]); i++)
		if (planners[i](plan, spec, err) < 0)
			return -1;
	return 0;
}
