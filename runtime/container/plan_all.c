/* The whole plan: each feature appends its ops. Within a phase ops run in
 * the order added, so this order is the execution order (docs/lifecycle.md). */
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/internal.h"
#include "runtime/container/lifecycle_hooks.h"
#include "runtime/container/mount_sources.h"
#include "runtime/container/namespaces.h"
#include "runtime/container/shared_mounts.h"
#include "runtime/process/process.h"
#include "runtime/rootfs/rootfs.h"

int kk_container_build_plan(struct kk_plan *plan, const struct kk_spec *spec, struct kk_cgroup *cg,
			    struct kk_error *err)
{
	if (spec->process == NULL)
		return kk_error_set(err, KK_ERR_INVALID, "process: required to create a container");
	/* cg is NULL when a rootless create runs without a cgroup. */
	if ((cg != NULL &&
	     kk_plan_cgroup(plan, cg, spec->linux_ ? spec->linux_->resources : NULL, err) < 0) ||
	    kk_plan_namespaces(plan, spec, err) < 0 || kk_plan_shared_mounts(plan, spec, err) < 0 ||
	    kk_plan_rootfs(plan, spec, err) < 0 || kk_plan_mount_sources(plan, spec, err) < 0 ||
	    kk_plan_cwd_before_readonly(plan, spec, err) < 0 ||
	    kk_plan_hooks(plan, spec, err) < 0 || kk_plan_console(plan, spec, true, err) < 0 ||
	    kk_plan_process(plan, spec, err) < 0)
		return -1;
	return 0;
}
