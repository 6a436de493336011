/* The resource groups both dialects write the same way (cpuset, rdma) and
 * the v1-only network ones (net_cls, net_prio: no v2 controller exists). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>

#include "runtime/cgroup/cgroup_backend.h"

int cg_set_cpuset(struct cg_writes *w, const struct kk_cpu *c, struct kk_error *err)
{
	if (c->cpus && c->cpus[0] && cg_emit(w, CGF_CPU_CPUS, 0, "cpuset.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems && c->mems[0] && cg_emit(w, CGF_CPU_MEMS, 0, "cpuset.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

static int rdma(struct cg_writes *w, const struct kk_resources *res, struct kk_error *err)
{
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct kk_rdma *r = &res->rdma[i];
		char value[512];
		int n = snprintf(value, sizeof(value), "%s", r->device);

		if (r->hca_handles.set)
			n += snprintf(value + n, sizeof(value) - (size_t)n, " hca_handle=%" PRIu32,
				      r->hca_handles.value);
		if (r->hca_objects.set)
			snprintf(value + n, sizeof(value) - (size_t)n, " hca_object=%" PRIu32,
				 r->hca_objects.value);
		if (cg_emit(w, CGF_RDMA, (uint32_t)i, "rdma.max", value, err) < 0)
			return -1;
	}
	return 0;
}

static int net_prio(struct cg_writes *w, const struct kk_network *n, struct kk_error *err)
{
	for (size_t i = 0; i < n->n_priorities; i++) {
		char value[300];

		snprintf(value, sizeof(value), "%s %" PRIu32, n->priorities[i].name,
			 n->priorities[i].priority);
		if (cg_emit(w, CGF_NET_PRIO, (uint32_t)i, "net_prio.ifpriomap", value, err) < 0)
			return -1;
	}
	return 0;
}

int cg_set_misc(struct cg_writes *w, enum cg_group g, const struct kk_resources *res,
		struct kk_error *err)
{
	if (g == CG_RDMA)
		return rdma(w, res, err);
	if (g == CG_NET_PRIO)
		return net_prio(w, res->network, err);
	return cg_emit_i64(w, CGF_NET_CLASSID, "net_cls.classid",
			   (int64_t)res->network->class_id.value, err);
}
