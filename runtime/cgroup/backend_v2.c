/* The cgroup v2 dialect: one hierarchy, controllers enabled top-down
 * through cgroup.subtree_control, runc's v2 file names and conversions.
 * Device rules are an eBPF program, not writes (devices.c); the planner
 * does not ask this back-end for them. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/warn.h"
#include "runtime/cgroup/cgroup_backend.h"

const char *const cg_v2_controllers[] = {
	"cpu", "cpuset", "io", "memory", "pids", "hugetlb", "rdma", "misc", NULL,
};

int cg_v2_controller_bit(const char *name)
{
	for (int i = 0; cg_v2_controllers[i] != NULL; i++)
		if (strcmp(cg_v2_controllers[i], name) == 0)
			return i;
	return -1;
}

static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += len)
		if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
			return true;
	return false;
}

struct subtree_undo {
	char file[PATH_MAX];
	char value[32];
};

/* Turning a controller off again fails with EBUSY when some other cgroup
 * below has come to use it meanwhile; leaving it on then is harmless. */
static int subtree_undo(const void *arg, struct kk_error *err)
{
	const struct subtree_undo *u = arg;

	if (cg_write(u->file, u->value, err) == 0)
		return 0;
	if (err->sys_errno != EBUSY)
		return -1;
	kk_error_clear(err);
	return 0;
}

/* Enables the wanted controllers in dir's parent so dir gets them. */
static int enable_in_parent(const char *parent, const char *dir, bool created,
			    const struct cg_hier *h, uint64_t flags, struct kk_undo *undo,
			    struct kk_error *err)
{
	struct subtree_undo u;
	char current[1024] = "";

	(void)dir;
	(void)created;
	(void)h;
	snprintf(u.file, sizeof(u.file), "%s/cgroup.subtree_control", parent);
	if (flags != 0 && cg_read(u.file, current, sizeof(current), err) < 0)
		return -1;
	for (int i = 0; cg_v2_controllers[i] != NULL; i++) {
		char what[PATH_MAX + 64];

		if (!(flags & (1ULL << i)) || has_word(current, cg_v2_controllers[i]))
			continue;
		snprintf(u.value, sizeof(u.value), "+%s", cg_v2_controllers[i]);
		if (cg_write(u.file, u.value, err) < 0)
			return -1;
		u.value[0] = '-';
		snprintf(what, sizeof(what), "disable %s in %s", cg_v2_controllers[i], u.file);
		if (kk_undo_push(undo, what, subtree_undo, &u, sizeof(u), err) < 0)
			return -1;
	}
	return 0;
}

static int v2_create(const struct kk_cgroup *cg, const struct cg_hier *h, uint64_t flags,
		     struct kk_undo *undo, struct kk_error *err)
{
	return cg_mkdir_p(h, cg->path, enable_in_parent, flags & ~CG_CREATE_CPUSET_COPY, undo, err);
}

/* -1 is "no limit", spelled "max" on v2. */
static int emit_limit(struct cg_writes *w, enum cg_field f, const char *file, int64_t v,
		      struct kk_error *err)
{
	return v == -1 ? cg_emit(w, f, 0, file, "max", err) : cg_emit_i64(w, f, file, v, err);
}

/* runc's ConvertMemorySwapToCgroupV2Value: v1's swap is memory+swap, v2's
 * memory.swap.max is swap alone. */
int cg_v2_swap(const struct kk_memory *m, int64_t *out, struct kk_error *err)
{
	int64_t swap = m->swap.value, limit = m->limit.set ? m->limit.value : 0;

	*out = 0;
	if (swap == -1 || (swap == 0 && limit == -1))
		return *out = -1, 0;
	if (swap == 0)
		return 0;
	if (limit <= 0)
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.resources.memory.swap: a swap limit needs a memory "
				    "limit on cgroup v2");
	if (swap < limit)
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.resources.memory.swap: %" PRId64
				    " is below memory.limit %" PRId64,
				    swap, limit);
	return *out = swap - limit, 0;
}

static int v2_swap(struct cg_writes *w, const struct kk_memory *m, struct kk_error *err)
{
	int64_t v;

	if (cg_v2_swap(m, &v, err) < 0)
		return -1;
	if (v == -1)
		return cg_emit(w, CGF_MEMORY_SWAP, 0, "memory.swap.max", "max", err);
	return v == 0 ? 0 : cg_emit_i64(w, CGF_MEMORY_SWAP, "memory.swap.max", v, err);
}

/* swappiness and disableOOMKiller have no v2 file; runc ignores them too. */
static int v2_memory(struct cg_writes *w, const struct kk_memory *m, struct kk_error *err)
{
	if (m->limit.set && emit_limit(w, CGF_MEMORY_LIMIT, "memory.max", m->limit.value, err) < 0)
		return -1;
	if (m->swap.set && v2_swap(w, m, err) < 0)
		return -1;
	if (m->reservation.set &&
	    emit_limit(w, CGF_MEMORY_RESERVATION, "memory.low", m->reservation.value, err) < 0)
		return -1;
	/* cgroup v2 has no separate TCP memory limit (runc ignores it too). */
	if (m->kernel_tcp.set)
		kk_warn("linux.resources.memory.kernelTCP: cgroup v2 has no TCP memory limit, "
			"ignored");
	return 0;
}

/* runc's shares -> weight: [2, 262144] onto [1, 10000]. */
static uint64_t cpu_weight(uint64_t shares)
{
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static int v2_cpu_max(struct cg_writes *w, const struct kk_cpu *c, struct kk_error *err)
{
	uint64_t period = c->period.set && c->period.value ? c->period.value : 100000;
	bool limited = c->quota.set && c->quota.value > 0;
	char value[64];

	if (!limited && !(c->period.set && c->period.value))
		return 0;
	if (limited)
		snprintf(value, sizeof(value), "%" PRId64 " %" PRIu64, c->quota.value, period);
	else
		snprintf(value, sizeof(value), "max %" PRIu64, period);
	return cg_emit(w, c->quota.set ? CGF_CPU_QUOTA : CGF_CPU_PERIOD, 0, "cpu.max", value, err);
}

/* v2 has no realtime group scheduling: a value asks for what cannot be had
 * (crun refuses it too), a 0 asks for nothing (crun and runc go on). */
static int v2_cpu(struct cg_writes *w, const struct kk_cpu *c, struct kk_error *err)
{
	bool runtime = c->realtime_runtime.set && c->realtime_runtime.value != 0;

	if (runtime || (c->realtime_period.set && c->realtime_period.value != 0))
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.resources.cpu.%s: not supported on "
				    "cgroup v2 (no realtime group scheduling)",
				    runtime ? "realtimeRuntime" : "realtimePeriod");
	if (c->shares.set && c->shares.value != 0 &&
	    cg_emit_i64(w, CGF_CPU_SHARES, "cpu.weight", (int64_t)cpu_weight(c->shares.value),
			err) < 0)
		return -1;
	if (v2_cpu_max(w, c, err) < 0)
		return -1;
	if (c->burst.set &&
	    cg_emit_i64(w, CGF_CPU_BURST, "cpu.max.burst", (int64_t)c->burst.value, err) < 0)
		return -1;
	if (c->idle.set && cg_emit_i64(w, CGF_CPU_IDLE, "cpu.idle", c->idle.value, err) < 0)
		return -1;
	return 0;
}

static int v2_hugetlb(struct cg_writes *w, const struct kk_resources *res, struct kk_error *err)
{
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const struct kk_hugepage_limit *l = &res->hugepage_limits[i];
		char file[128], value[32];

		snprintf(file, sizeof(file), "hugetlb.%s.max", l->page_size);
		snprintf(value, sizeof(value), "%" PRIu64, l->limit);
		if (cg_emit(w, CGF_HUGEPAGE, (uint32_t)i, file, value, err) < 0)
			return -1;
	}
	return 0;
}

static int v2_unified(struct cg_writes *w, const struct kk_map *m, struct kk_error *err)
{
	for (size_t i = 0; i < m->n; i++)
		if (cg_emit(w, CGF_UNIFIED, (uint32_t)i, m->v[i].key, m->v[i].value, err) < 0)
			return -1;
	return 0;
}

static int v2_set(struct cg_writes *w, const struct cg_hier *h, enum cg_group g,
		  const struct kk_resources *res, struct kk_error *err)
{
	(void)h;
	switch (g) {
	case CG_MEMORY:
		return v2_memory(w, res->memory, err);
	case CG_PIDS:
		return res->pids->limit > 0
			       ? cg_emit_i64(w, CGF_PIDS_LIMIT, "pids.max", res->pids->limit, err)
			       : cg_emit(w, CGF_PIDS_LIMIT, 0, "pids.max", "max", err);
	case CG_CPU:
		return v2_cpu(w, res->cpu, err);
	case CG_CPUSET:
		return cg_set_cpuset(w, res->cpu, err);
	case CG_HUGETLB:
		return v2_hugetlb(w, res, err);
	case CG_BLKIO:
		return cg_v2_io(w, res->block_io, err);
	case CG_RDMA:
		return cg_set_misc(w, g, res, err);
	case CG_UNIFIED:
		return v2_unified(w, &res->unified, err);
	case CG_DEVICES:
	case CG_NET_CLS:
	case CG_NET_PRIO:
	case CG_GROUP_COUNT:
		break;
	}
	return kk_error_set(err, KK_ERR_INTERNAL, "cgroup v2: no writer for group %d", (int)g);
}

const struct cg_backend cg_backend_v2 = {
	.name = "v2",
	.create = v2_create,
	.set = v2_set,
	.enter = cg_enter_procs,
	.remove = cg_remove_dir,
};
