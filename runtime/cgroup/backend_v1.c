/* The cgroup v1 dialect: one hierarchy per controller (or comma-joined
 * set), the file names and value forms runc uses on v1. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/warn.h"
#include "runtime/cgroup/cgroup_backend.h"

/* Unreadable counts as set: a directory we did not make is not ours to
 * judge unless it plainly cannot hold a process. */
static bool cpuset_empty(const char *file)
{
	struct kk_error ignored = {0};
	char value[8];

	return cg_read(file, value, sizeof(value), &ignored) == 0 && value[0] == '\0';
}

/* A new v1 cpuset directory starts with empty cpus and mems, and nothing
 * can join it (or be limited in it) until both are set: copy the parent's,
 * as the kernel would with cgroup.clone_children. A directory that already
 * existed is filled too when it is still empty (runc's cpusetEnsureParent):
 * a concurrent create may have made kakoi's shared /kakoi a moment ago and
 * not yet copied into it, and a child of an empty cpuset would be empty. */
static int cpuset_copy(const char *parent, const char *dir, bool created, const struct cg_hier *h,
		       uint64_t flags, struct kk_undo *undo, struct kk_error *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	(void)h;
	(void)undo;
	if (!(flags & CG_CREATE_CPUSET_COPY))
		return 0;
	for (size_t i = 0; i < 2; i++) {
		char from[PATH_MAX], to[PATH_MAX], value[4096];

		snprintf(from, sizeof(from), "%s/%s", parent, files[i]);
		snprintf(to, sizeof(to), "%s/%s", dir, files[i]);
		if (!created && !cpuset_empty(to))
			continue;
		if (cg_read(from, value, sizeof(value), err) < 0 || cg_write(to, value, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_create(const struct kk_cgroup *cg, const struct cg_hier *h, uint64_t flags,
		     struct kk_undo *undo, struct kk_error *err)
{
	return cg_mkdir_p(h, cg->path, cpuset_copy, flags, undo, err);
}

/* The kernel keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes
 * at every step, so which of the two goes first depends on the current
 * limit (runc's setMemoryAndSwap): memsw first when it is being made
 * unlimited or raised above the current memory limit. A directory not
 * made yet (create's plan) reads as unlimited. */
static bool memsw_first(const struct cg_writes *w, const struct kk_memory *m)
{
	char path[PATH_MAX], value[64];
	struct kk_error ignored = {0};
	unsigned long long current = ULLONG_MAX;

	if (!m->limit.set || !m->swap.set || m->limit.value == 0 || m->swap.value == 0)
		return false;
	if (m->swap.value == -1)
		return true;
	snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", w->cg->h[w->hier].dir);
	if (cg_read(path, value, sizeof(value), &ignored) == 0)
		current = strtoull(value, NULL, 10);
	return current < (unsigned long long)m->swap.value;
}

static int v1_memory_and_swap(struct cg_writes *w, const struct kk_memory *m, bool swap_first,
			      struct kk_error *err)
{
	for (int step = 0; step < 2; step++) {
		bool swap = (step == 0) == swap_first;

		if (swap && m->swap.set &&
		    cg_emit_i64(w, CGF_MEMORY_SWAP, "memory.memsw.limit_in_bytes", m->swap.value,
				err) < 0)
			return -1;
		if (!swap && m->limit.set &&
		    cg_emit_i64(w, CGF_MEMORY_LIMIT, "memory.limit_in_bytes", m->limit.value, err) <
			    0)
			return -1;
	}
	return 0;
}

/* Deprecated, and gone from kernels built without kernel memory
 * accounting: where the hierarchy has no such file the spec's limit cannot
 * be set, which is worth a warning, not a refused container. */
static int v1_kernel_tcp(struct cg_writes *w, int64_t limit, struct kk_error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/memory.kmem.tcp.limit_in_bytes", w->cg->h[w->hier].root);
	if (access(path, F_OK) < 0) {
		kk_warn("linux.resources.memory.kernelTCP: this kernel has no "
			"memory.kmem.tcp.limit_in_bytes, ignored");
		return 0;
	}
	return cg_emit_i64(w, CGF_MEMORY_KERNEL_TCP, "memory.kmem.tcp.limit_in_bytes", limit, err);
}

static int v1_memory(struct cg_writes *w, const struct kk_memory *m, struct kk_error *err)
{
	if (v1_memory_and_swap(w, m, memsw_first(w, m), err) < 0)
		return -1;
	if (m->reservation.set &&
	    cg_emit_i64(w, CGF_MEMORY_RESERVATION, "memory.soft_limit_in_bytes",
			m->reservation.value, err) < 0)
		return -1;
	if (m->swappiness.set && cg_emit_i64(w, CGF_MEMORY_SWAPPINESS, "memory.swappiness",
					     (int64_t)m->swappiness.value, err) < 0)
		return -1;
	if (m->disable_oom_killer.set && m->disable_oom_killer.value &&
	    cg_emit(w, CGF_MEMORY_OOM, 0, "memory.oom_control", "1", err) < 0)
		return -1;
	return m->kernel_tcp.set ? v1_kernel_tcp(w, m->kernel_tcp.value, err) : 0;
}

static int v1_cpu(struct cg_writes *w, const struct kk_cpu *c, struct kk_error *err)
{
	if (c->shares.set &&
	    cg_emit_i64(w, CGF_CPU_SHARES, "cpu.shares", (int64_t)c->shares.value, err) < 0)
		return -1;
	/* Periods first: the kernel checks each runtime against its period. */
	if (c->realtime_period.set && cg_emit_i64(w, CGF_CPU_RT_PERIOD, "cpu.rt_period_us",
						  (int64_t)c->realtime_period.value, err) < 0)
		return -1;
	if (c->realtime_runtime.set && cg_emit_i64(w, CGF_CPU_RT_RUNTIME, "cpu.rt_runtime_us",
						   c->realtime_runtime.value, err) < 0)
		return -1;
	if (c->period.set &&
	    cg_emit_i64(w, CGF_CPU_PERIOD, "cpu.cfs_period_us", (int64_t)c->period.value, err) < 0)
		return -1;
	if (c->quota.set &&
	    cg_emit_i64(w, CGF_CPU_QUOTA, "cpu.cfs_quota_us", c->quota.value, err) < 0)
		return -1;
	if (c->burst.set &&
	    cg_emit_i64(w, CGF_CPU_BURST, "cpu.cfs_burst_us", (int64_t)c->burst.value, err) < 0)
		return -1;
	if (c->idle.set && cg_emit_i64(w, CGF_CPU_IDLE, "cpu.idle", c->idle.value, err) < 0)
		return -1;
	return 0;
}

/* runc's rule form: "<type> <major>:<minor> <access>", * for absent numbers. */
static void rule_text(const struct kk_device_rule *r, char *buf, size_t len)
{
	char major[24] = "*", minor[24] = "*";

	if (r->major.set && r->major.value >= 0)
		snprintf(major, sizeof(major), "%" PRId64, r->major.value);
	if (r->minor.set && r->minor.value >= 0)
		snprintf(minor, sizeof(minor), "%" PRId64, r->minor.value);
	snprintf(buf, len, "%c %s:%s %s", r->type ? r->type : 'a', major, minor,
		 r->access && r->access[0] ? r->access : "rwm");
}

static int v1_devices(struct cg_writes *w, const struct kk_resources *res, struct kk_error *err)
{
	if (cg_emit(w, CGF_DEVICES_ALL, 0, "devices.deny", "a", err) < 0)
		return -1;
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct kk_device_rule *r = &res->devices[i];
		char rule[80];

		rule_text(r, rule, sizeof(rule));
		if (cg_emit(w, CGF_DEVICES, (uint32_t)i,
			    r->allow ? "devices.allow" : "devices.deny", rule, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < cg_n_default_device_rules; i++) {
		char rule[80];

		rule_text(&cg_default_device_rules[i], rule, sizeof(rule));
		if (cg_emit(w, CGF_DEVICES_DEFAULT, 0, "devices.allow", rule, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_hugetlb(struct cg_writes *w, const struct kk_resources *res, struct kk_error *err)
{
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const struct kk_hugepage_limit *l = &res->hugepage_limits[i];
		char file[128], value[32];

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", l->page_size);
		snprintf(value, sizeof(value), "%" PRIu64, l->limit);
		if (cg_emit(w, CGF_HUGEPAGE, (uint32_t)i, file, value, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_set(struct cg_writes *w, const struct cg_hier *h, enum cg_group g,
		  const struct kk_resources *res, struct kk_error *err)
{
	switch (g) {
	case CG_MEMORY:
		return v1_memory(w, res->memory, err);
	case CG_PIDS:
		return res->pids->limit > 0
			       ? cg_emit_i64(w, CGF_PIDS_LIMIT, "pids.max", res->pids->limit, err)
			       : cg_emit(w, CGF_PIDS_LIMIT, 0, "pids.max", "max", err);
	case CG_CPU:
		return v1_cpu(w, res->cpu, err);
	case CG_CPUSET:
		return cg_set_cpuset(w, res->cpu, err);
	case CG_HUGETLB:
		return v1_hugetlb(w, res, err);
	case CG_DEVICES:
		return v1_devices(w, res, err);
	case CG_BLKIO:
		return cg_v1_blkio(w, h, res->block_io, err);
	case CG_NET_CLS:
	case CG_NET_PRIO:
	case CG_RDMA:
		return cg_set_misc(w, g, res, err);
	case CG_UNIFIED:
	case CG_GROUP_COUNT:
		break;
	}
	return kk_error_set(err, KK_ERR_INTERNAL, "cgroup v1: no writer for group %d", (int)g);
}

const struct cg_backend cg_backend_v1 = {
	.name = "v1",
	.create = v1_create,
	.set = v1_set,
	.enter = cg_enter_procs,
	.remove = cg_remove_dir,
};
