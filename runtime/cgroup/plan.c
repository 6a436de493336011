/* kk_plan_cgroup: from linux.resources to ops. Each resource group goes to
 * the hierarchy holding its controller (in hybrid, a v1 one or the unified
 * one) and is written in that hierarchy's dialect. Every check happens
 * here, at plan time, so a missing controller fails the plan, not a
 * half-made container. On error the plan may hold some of the cgroup's ops:
 * the caller drops the whole plan. */
#define _GNU_SOURCE
#include <string.h>

#include "runtime/cgroup/cgroup_backend.h"

/* The controller of each group, by dialect (NULL: none exists there). */
static const struct {
	const char *v1, *v2;
} controllers[CG_GROUP_COUNT] = {
	[CG_MEMORY] = {"memory", "memory"},
	[CG_PIDS] = {"pids", "pids"},
	[CG_CPU] = {"cpu", "cpu"},
	[CG_CPUSET] = {"cpuset", "cpuset"},
	[CG_HUGETLB] = {"hugetlb", "hugetlb"},
	[CG_DEVICES] = {"devices", NULL},
	[CG_BLKIO] = {"blkio", "io"},
	[CG_NET_CLS] = {"net_cls", NULL},
	[CG_NET_PRIO] = {"net_prio", NULL},
	[CG_RDMA] = {"rdma", "rdma"},
	[CG_UNIFIED] = {NULL, NULL},
};

static const char *memory_field(const struct kk_memory *m)
{
	/* kernel is deprecated, useHierarchy and checkBeforeUpdate have no
	 * file: runc ignores them, so do we. kernelTCP is written where the
	 * kernel has the file (v1), warned about elsewhere. */
	if (m == NULL)
		return NULL;
	return m->limit.set		   ? "linux.resources.memory.limit"
	       : m->reservation.set	   ? "linux.resources.memory.reservation"
	       : m->swap.set		   ? "linux.resources.memory.swap"
	       : m->swappiness.set	   ? "linux.resources.memory.swappiness"
	       : m->disable_oom_killer.set ? "linux.resources.memory.disableOOMKiller"
	       : m->kernel_tcp.set	   ? "linux.resources.memory.kernelTCP"
					   : NULL;
}

static const char *cpu_field(const struct kk_cpu *c)
{
	if (c == NULL)
		return NULL;
	return c->shares.set		 ? "linux.resources.cpu.shares"
	       : c->quota.set		 ? "linux.resources.cpu.quota"
	       : c->period.set		 ? "linux.resources.cpu.period"
	       : c->burst.set		 ? "linux.resources.cpu.burst"
	       : c->realtime_runtime.set ? "linux.resources.cpu.realtimeRuntime"
	       : c->realtime_period.set	 ? "linux.resources.cpu.realtimePeriod"
	       : c->idle.set		 ? "linux.resources.cpu.idle"
					 : NULL;
}

static bool blkio_set(const struct kk_blkio *b)
{
	return b && (b->weight.set || b->leaf_weight.set || b->n_weight_device ||
		     b->throttle_read_bps.n || b->throttle_write_bps.n || b->throttle_read_iops.n ||
		     b->throttle_write_iops.n);
}

/* The spec field that asks for group g, or NULL when nothing does. */
static const char *requested(const struct kk_resources *r, enum cg_group g)
{
	const struct kk_cpu *c = r->cpu;

	switch (g) {
	case CG_MEMORY:
		return memory_field(r->memory);
	case CG_PIDS:
		return r->pids ? "linux.resources.pids.limit" : NULL;
	case CG_CPU:
		return cpu_field(c);
	case CG_CPUSET:
		return c && c->cpus && c->cpus[0]   ? "linux.resources.cpu.cpus"
		       : c && c->mems && c->mems[0] ? "linux.resources.cpu.mems"
						    : NULL;
	case CG_HUGETLB:
		return r->n_hugepage_limits ? "linux.resources.hugepageLimits" : NULL;
	case CG_DEVICES:
		return r->n_devices ? "linux.resources.devices" : NULL;
	case CG_BLKIO:
		return blkio_set(r->block_io) ? "linux.resources.blockIO" : NULL;
	case CG_NET_CLS:
		return r->network && r->network->class_id.set ? "linux.resources.network.classID"
							      : NULL;
	case CG_NET_PRIO:
		return r->network && r->network->n_priorities ? "linux.resources.network.priorities"
							      : NULL;
	case CG_RDMA:
		return r->n_rdma ? "linux.resources.rdma" : NULL;
	case CG_UNIFIED:
		return r->unified.n ? "linux.resources.unified" : NULL;
	case CG_GROUP_COUNT:
		break;
	}
	return NULL;
}

/* The hierarchy holding group g's controller, or -1. */
static int owner(const struct kk_cgroup *cg, enum cg_group g)
{
	for (size_t i = 0; i < cg->n; i++) {
		const struct cg_hier *h = &cg->h[i];
		const char *name = h->v2 ? controllers[g].v2 : controllers[g].v1;

		if (g == CG_UNIFIED ? h->v2 : name && cg_hier_has(h, name))
			return (int)i;
	}
	return -1;
}

static int missing(const struct kk_cgroup *cg, enum cg_group g, const char *field,
		   struct kk_error *err)
{
	const char *name = controllers[g].v1 ? controllers[g].v1 : controllers[g].v2;

	if (g == CG_UNIFIED)
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s: needs cgroup v2, but %s has only cgroup v1 hierarchies",
				    field, cg->mount_root);
	if (cg->layout == KK_CGROUP_V2)
		name = controllers[g].v2 ? controllers[g].v2 : controllers[g].v1;
	return kk_error_set(err, KK_ERR_INVALID, "%s: the %s controller is not available under %s",
			    field, name, cg->mount_root);
}

/* Each unified key's controller (the part before the first dot) must be
 * in the v2 hierarchy; the "cgroup." files are always there. */
static int unified_mask(const struct cg_hier *h, const struct kk_map *m, uint64_t *mask,
			struct kk_error *err)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *key = m->v[i].key;
		size_t len = strcspn(key, ".");
		char ctrl[64];
		int bit;

		if (strchr(key, '/') != NULL || key[len] == '\0' || len >= sizeof(ctrl))
			return kk_error_set(err, KK_ERR_INVALID,
					    "linux.resources.unified[\"%s\"]: not a control file "
					    "name of the form <controller>.<name>",
					    key);
		memcpy(ctrl, key, len);
		ctrl[len] = '\0';
		if (strcmp(ctrl, "cgroup") == 0)
			continue;
		if (!cg_hier_has(h, ctrl))
			return kk_error_set(err, KK_ERR_INVALID,
					    "linux.resources.unified[\"%s\"]: the %s controller is "
					    "not available in the cgroup v2 hierarchy %s",
					    key, ctrl, h->root);
		bit = cg_v2_controller_bit(ctrl);
		if (bit >= 0)
			*mask |= 1ULL << bit;
	}
	return 0;
}

int cg_route(const struct kk_cgroup *cg, const struct kk_resources *res, struct cg_routing *rt,
	     struct kk_error *err)
{
	if (cg->n > 64)
		return kk_error_set(err, KK_ERR_LIMIT, "cgroup: more than 64 hierarchies under %s",
				    cg->mount_root);
	memset(rt, 0, sizeof(*rt));
	for (int g = 0; g < CG_GROUP_COUNT; g++) {
		const char *field = requested(res, g);
		int i = owner(cg, g);

		/* Device rules: always on v1 (deny-all plus defaults, as runc);
		 * on v2 they are a program, not writes (cg_plan_devices). */
		if (g == CG_DEVICES && (i >= 0 || cg->layout == KK_CGROUP_V2))
			field = i >= 0 ? "linux.resources.devices" : NULL;
		rt->owner[g] = field ? i : -1;
		if (field == NULL)
			continue;
		if (i < 0)
			return missing(cg, g, field, err);
		if (g == CG_UNIFIED) {
			if (unified_mask(&cg->h[i], &res->unified, &rt->flags[i], err) < 0)
				return -1;
		} else if (cg->h[i].v2) {
			rt->flags[i] |= 1ULL << cg_v2_controller_bit(controllers[g].v2);
		}
	}
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2 && cg_hier_has(&cg->h[i], "cpuset"))
			rt->flags[i] |= CG_CREATE_CPUSET_COPY;
	return 0;
}

int cg_resource_writes(struct cg_writes *w, const struct kk_resources *res,
		       const struct cg_routing *rt, struct kk_error *err)
{
	for (int g = 0; g < CG_GROUP_COUNT; g++) {
		if (rt->owner[g] < 0)
			continue;
		w->hier = (uint32_t)rt->owner[g];
		if (w->cg->h[w->hier].be->set(w, &w->cg->h[w->hier], g, res, err) < 0)
			return -1;
	}
	return 0;
}

const char *kk_cgroup_asked(const struct kk_resources *res)
{
	for (int g = 0; res != NULL && g < CG_GROUP_COUNT; g++) {
		const char *field = g == CG_DEVICES ? NULL : requested(res, g);

		if (field != NULL)
			return field;
	}
	return NULL;
}

int kk_plan_cgroup(struct kk_plan *plan, struct kk_cgroup *cg, const struct kk_resources *res,
		   struct kk_error *err)
{
	static const struct kk_resources none;
	struct cg_routing rt;
	struct cg_writes w = {.plan = plan, .cg = cg};

	if (res == NULL)
		res = &none;
	if (cg_route(cg, res, &rt, err) < 0)
		return -1;
	if (cg->no_devices)
		rt.owner[CG_DEVICES] = -1;
	if (cg->sd != NULL && cg_sd_plan(plan, cg, res, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n; i++)
		if (cg_plan_create(plan, cg, (uint32_t)i, rt.flags[i], err) < 0)
			return -1;
	if (cg_resource_writes(&w, res, &rt, err) < 0 ||
	    (!cg->no_devices && cg_plan_devices(plan, cg, res, err) < 0))
		return -1;
	return cg_plan_enter(plan, cg, err);
}
