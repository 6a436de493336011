/* kk_cgroup_update: runc's `update` on a live cgroup. The writes come from
 * cg_resource_writes, the producer create's plan uses, with an apply hook
 * that makes each write at once, after reading the value it replaces and
 * before pushing the undo that writes that value back. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup_backend.h"
#include "runtime/cgroup/update.h"

/* Control files of interest are short; one that fills this could not be
 * restored whole, so it is refused before it is changed. */
#define OLD_VALUE_MAX 4096

struct restore {
	char path[PATH_MAX];
	char value[OLD_VALUE_MAX];
};

static int restore(const void *arg, struct kk_error *err)
{
	const struct restore *r = arg;

	return cg_write(r->path, r->value, err);
}

static int fail_field(struct kk_error *err, enum cg_field f, uint32_t index, const char *file)
{
	char field[256];

	cg_field_name(f, index, file, field, sizeof(field));
	kk_error_prefix(err, "%s", field);
	return -1;
}

static int apply_now(struct cg_writes *w, enum cg_field f, uint32_t index, const char *file,
		     const char *value, struct kk_error *err)
{
	struct kk_undo *undo = w->arg;
	KK_AUTOFREE struct restore *r = calloc(1, sizeof(*r));
	char what[PATH_MAX + 32];

	if (r == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup update");
	snprintf(r->path, sizeof(r->path), "%s/%s", w->cg->h[w->hier].dir, file);
	if (cg_read(r->path, r->value, sizeof(r->value), err) < 0)
		return fail_field(err, f, index, file);
	if (strlen(r->value) + 1 >= sizeof(r->value)) {
		kk_error_set(err, KK_ERR_LIMIT, "%s: too long to restore on failure", r->path);
		return fail_field(err, f, index, file);
	}
	if (cg_write(r->path, value, err) < 0)
		return fail_field(err, f, index, file);
	snprintf(what, sizeof(what), "restore %s", r->path);
	return kk_undo_push(undo, what, restore, r, sizeof(*r), err);
}

/* The part of res runc's update applies, with its zeros dropped. */
struct wanted {
	struct kk_resources res;
	struct kk_memory memory;
	struct kk_cpu cpu;
	struct kk_pids pids;
	struct kk_blkio block_io;
};

#define KEEP_NONZERO(dst, src, field)                                                              \
	do {                                                                                       \
		if ((src)->field.set && (src)->field.value != 0)                                   \
			(dst)->field = (src)->field;                                               \
	} while (0)

static void want_memory(struct wanted *w, const struct kk_memory *m)
{
	if (m == NULL)
		return;
	KEEP_NONZERO(&w->memory, m, limit);
	KEEP_NONZERO(&w->memory, m, reservation);
	KEEP_NONZERO(&w->memory, m, swap);
	if (w->memory.limit.set || w->memory.reservation.set || w->memory.swap.set)
		w->res.memory = &w->memory;
}

static void want_cpu(struct wanted *w, const struct kk_cpu *c)
{
	if (c == NULL)
		return;
	KEEP_NONZERO(&w->cpu, c, shares);
	KEEP_NONZERO(&w->cpu, c, quota);
	KEEP_NONZERO(&w->cpu, c, period);
	KEEP_NONZERO(&w->cpu, c, realtime_runtime);
	KEEP_NONZERO(&w->cpu, c, realtime_period);
	/* burst and idle: 0 is a value runc writes (no burst, not idle). */
	w->cpu.burst = c->burst;
	w->cpu.idle = c->idle;
	w->cpu.cpus = c->cpus && c->cpus[0] ? c->cpus : NULL;
	w->cpu.mems = c->mems && c->mems[0] ? c->mems : NULL;
	w->res.cpu = &w->cpu;
}

static void want(struct wanted *w, const struct kk_resources *res)
{
	memset(w, 0, sizeof(*w));
	want_memory(w, res->memory);
	want_cpu(w, res->cpu);
	if (res->pids && res->pids->limit != 0) {
		w->pids = *res->pids;
		w->res.pids = &w->pids;
	}
	if (res->block_io && res->block_io->weight.set && res->block_io->weight.value != 0) {
		w->block_io.weight = res->block_io->weight;
		w->res.block_io = &w->block_io;
	}
	w->res.unified = res->unified;
}

/* runc: memory.limit -1 without a swap means both unlimited, when the
 * kernel accounts swap at all (the file exists). */
static void unlimited_swap(struct wanted *w, const struct kk_cgroup *cg,
			   const struct cg_routing *rt)
{
	const struct cg_hier *h;
	char path[PATH_MAX];

	if (!w->memory.limit.set || w->memory.limit.value != -1 || w->memory.swap.set ||
	    rt->owner[CG_MEMORY] < 0)
		return;
	h = &cg->h[rt->owner[CG_MEMORY]];
	snprintf(path, sizeof(path), "%s/%s", h->dir,
		 h->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
	if (access(path, F_OK) == 0)
		w->memory.swap = (struct kk_opt_i64){.set = true, .value = -1};
}

/* Field n (0-based, space-separated) of a v2 file, "max" as -1; false
 * when unreadable or not a number. */
static bool read_v2_field(const char *path, int n, int64_t *out)
{
	char buf[128], *end, *at = buf;
	struct kk_error ignored = {0};

	if (cg_read(path, buf, sizeof(buf), &ignored) < 0)
		return false;
	for (; n > 0 && at != NULL; n--)
		at = (at = strchr(at, ' ')) != NULL ? at + 1 : NULL;
	if (at == NULL)
		return false;
	if (strncmp(at, "max", 3) == 0) {
		*out = -1;
		return true;
	}
	errno = 0;
	*out = strtoll(at, &end, 10);
	return errno == 0 && end != at;
}

/* v2 keeps a pair in one file (cpu.max is "quota period") and derives swap
 * from the memory limit; runc fills what the update leaves out from its
 * saved config, kakoi from the cgroup itself, so a quota-only update keeps
 * the period and a swap-only one keeps the limit. */
static void fill_v2_pairs(struct wanted *w, const struct kk_cgroup *cg, const struct cg_routing *rt)
{
	char path[PATH_MAX];
	int64_t v;

	if (w->res.cpu != NULL && rt->owner[CG_CPU] >= 0 && cg->h[rt->owner[CG_CPU]].v2 &&
	    w->cpu.quota.set != w->cpu.period.set) {
		snprintf(path, sizeof(path), "%s/cpu.max", cg->h[rt->owner[CG_CPU]].dir);
		if (!w->cpu.quota.set && read_v2_field(path, 0, &v))
			w->cpu.quota = (struct kk_opt_i64){.set = true, .value = v};
		if (!w->cpu.period.set && read_v2_field(path, 1, &v) && v > 0)
			w->cpu.period = (struct kk_opt_u64){.set = true, .value = (uint64_t)v};
	}
	if (w->res.memory != NULL && rt->owner[CG_MEMORY] >= 0 && cg->h[rt->owner[CG_MEMORY]].v2 &&
	    w->memory.swap.set && !w->memory.limit.set) {
		snprintf(path, sizeof(path), "%s/memory.max", cg->h[rt->owner[CG_MEMORY]].dir);
		if (read_v2_field(path, 0, &v))
			w->memory.limit = (struct kk_opt_i64){.set = true, .value = v};
	}
}

int kk_cgroup_update(struct kk_cgroup *cg, const struct kk_resources *res, struct kk_undo *undo,
		     struct kk_error *err)
{
	KK_AUTOFREE struct wanted *w = calloc(1, sizeof(*w));
	struct cg_routing rt;
	struct cg_writes writes = {.apply = apply_now, .arg = undo, .cg = cg};

	if (w == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup update");
	want(w, res);
	if (cg_route(cg, &w->res, &rt, err) < 0)
		return -1;
	/* runc's update never touches the v1 device list (an extra plugin may
	 * have added its own on top of the config's). */
	rt.owner[CG_DEVICES] = -1;
	unlimited_swap(w, cg, &rt);
	fill_v2_pairs(w, cg, &rt);
	/* The unit's properties first, then the files (runc's order): systemd
	 * rounds some values (the quota to 1%), the files get them exact. */
	if (cg->sd != NULL && cg_sd_update(cg, &w->res, err) < 0)
		return -1;
	if (cg_resource_writes(&writes, &w->res, &rt, err) < 0)
		return -1;
	/* Last, because it is all or nothing by itself and has no undo. */
	return res->n_devices ? cg_devices_update(cg, res, err) : 0;
}
