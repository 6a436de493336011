/* linux.resources -> systemd unit properties, as runc's systemd driver maps
 * them (libcontainer/cgroups/systemd v1.go and v2.go). Pure: the scope
 * code sends what this returns; the cgroupfs writers still write every
 * value afterwards (as runc's driver does), so what systemd rounds or
 * cannot express ends up exact in the files. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/cgroup_backend.h"
#include "runtime/cgroup/systemd/systemd.h"

#define INFINITY_U64 UINT64_MAX /* systemd's "infinity" (USEC_INFINITY, CGROUP_LIMIT_MAX) */
#define DEFAULT_PERIOD 100000	/* µs, the kernel's default cfs period */

bool kk_sd_props_add(struct kk_sd_props *p, const struct kk_sd_prop *prop)
{
	if (p->n >= KK_SD_PROPS_MAX)
		return false;
	p->v[p->n++] = *prop;
	return true;
}

static int add_u64(struct kk_sd_props *p, const char *name, uint64_t v, const char *field,
		   struct kk_error *err)
{
	struct kk_sd_prop prop = {.name = name, .type = KK_SD_U64, .u64 = v, .field = field};

	if (!kk_sd_props_add(p, &prop))
		return kk_error_set(err, KK_ERR_INTERNAL, "systemd: more than %d properties",
				    KK_SD_PROPS_MAX);
	return 0;
}

/* A limit where -1 is "no limit"; other negatives cannot be sent. */
static int add_limit(struct kk_sd_props *p, const char *name, int64_t v, const char *field,
		     struct kk_error *err)
{
	if (v < -1)
		return kk_error_set(err, KK_ERR_INVALID, "%s: %" PRId64 " is not a limit", field,
				    v);
	return add_u64(p, name, v == -1 ? INFINITY_U64 : (uint64_t)v, field, err);
}

static int memory_props(const struct kk_memory *m, enum kk_sd_dialect d, struct kk_sd_props *p,
			struct kk_error *err)
{
	int64_t swap = 0;

	if (m->limit.set && m->limit.value != 0 &&
	    add_limit(p, d == KK_SD_UNIFIED ? "MemoryMax" : "MemoryLimit", m->limit.value,
		      "linux.resources.memory.limit", err) < 0)
		return -1;
	if (d == KK_SD_LEGACY)
		return 0; /* runc's legacy driver leaves the rest to the files */
	if (m->reservation.set && m->reservation.value != 0 &&
	    add_limit(p, "MemoryLow", m->reservation.value, "linux.resources.memory.reservation",
		      err) < 0)
		return -1;
	if ((m->swap.set || (m->limit.set && m->limit.value == -1)) &&
	    cg_v2_swap(m, &swap, err) < 0)
		return -1;
	if (swap != 0 &&
	    add_limit(p, "MemorySwapMax", swap, "linux.resources.memory.swap", err) < 0)
		return -1;
	return 0;
}

/* runc's addCpuQuota: CPUQuotaPerSecUSec is the quota per second of
 * time, rounded up to systemd's 1% steps so the file gets at least the
 * quota asked for. */
static int quota_props(const struct kk_cpu *c, struct kk_sd_props *p, struct kk_error *err)
{
	int64_t quota = c->quota.set ? c->quota.value : 0;
	uint64_t period = c->period.set ? c->period.value : 0, per_sec = INFINITY_U64;

	if (period != 0 &&
	    add_u64(p, "CPUQuotaPeriodUSec", period, "linux.resources.cpu.period", err) < 0)
		return -1;
	if (quota == 0 && period == 0)
		return 0;
	if (quota > 0) {
		if (period == 0)
			period = DEFAULT_PERIOD;
		if ((uint64_t)quota > UINT64_MAX / 1000000)
			return kk_error_set(err, KK_ERR_INVALID,
					    "linux.resources.cpu.quota: %" PRId64 " is too large",
					    quota);
		per_sec = (uint64_t)quota * 1000000 / period;
		if (per_sec % 10000 != 0)
			per_sec = (per_sec / 10000 + 1) * 10000;
	}
	return add_u64(p, "CPUQuotaPerSecUSec", per_sec, "linux.resources.cpu.quota", err);
}

static int add_mask(struct kk_sd_props *p, const char *name, const char *list, const char *field,
		    struct kk_error *err)
{
	struct kk_sd_prop prop = {.name = name, .type = KK_SD_BYTES, .field = field};

	if (kk_sd_cpu_mask(list, prop.bytes, &prop.n_bytes, field, err) < 0)
		return -1;
	if (!kk_sd_props_add(p, &prop))
		return kk_error_set(err, KK_ERR_INTERNAL, "systemd: more than %d properties",
				    KK_SD_PROPS_MAX);
	return 0;
}

static int cpu_props(const struct kk_cpu *c, enum kk_sd_dialect d, struct kk_sd_props *p,
		     struct kk_error *err)
{
	uint64_t shares = c->shares.set ? c->shares.value : 0;

	if (shares != 0 && d == KK_SD_LEGACY &&
	    add_u64(p, "CPUShares", shares, "linux.resources.cpu.shares", err) < 0)
		return -1;
	/* runc's ConvertCPUSharesToCgroupV2Value: [2, 262144] onto [1, 10000]. */
	if (shares != 0 && d == KK_SD_UNIFIED &&
	    add_u64(p, "CPUWeight", shares < 2 ? 1 : 1 + ((shares - 2) * 9999) / 262142,
		    "linux.resources.cpu.shares", err) < 0)
		return -1;
	if (quota_props(c, p, err) < 0)
		return -1;
	if (c->cpus != NULL && c->cpus[0] != '\0' &&
	    add_mask(p, "AllowedCPUs", c->cpus, "linux.resources.cpu.cpus", err) < 0)
		return -1;
	if (c->mems != NULL && c->mems[0] != '\0' &&
	    add_mask(p, "AllowedMemoryNodes", c->mems, "linux.resources.cpu.mems", err) < 0)
		return -1;
	return 0;
}

static int io_props(const struct kk_blkio *b, enum kk_sd_dialect d, struct kk_sd_props *p,
		    struct kk_error *err)
{
	uint64_t w = b->weight.set ? b->weight.value : 0;

	if (w == 0)
		return 0;
	if (d == KK_SD_LEGACY)
		return add_u64(p, "BlockIOWeight", w, "linux.resources.blockIO.weight", err);
	/* runc's ConvertBlkIOToIOWeightValue: [10, 1000] onto [1, 10000]. */
	return add_u64(p, "IOWeight", w < 10 ? 1 : 1 + (w - 10) * 9999 / 990,
		       "linux.resources.blockIO.weight", err);
}

static int add(struct kk_sd_props *p, const struct kk_sd_prop *prop, struct kk_error *err)
{
	if (!kk_sd_props_add(p, prop))
		return kk_error_set(err, KK_ERR_INTERNAL, "systemd: more than %d properties",
				    KK_SD_PROPS_MAX);
	return 0;
}

int kk_sd_scope_props(const struct kk_sd_unit *u, pid_t pid, enum kk_sd_dialect d,
		      const struct kk_resources *res, struct kk_sd_props *out, struct kk_error *err)
{
	const struct kk_sd_prop fixed[] = {
		{.name = "Description", .type = KK_SD_STR, .str = "kakoi container"},
		{.name = "Slice", .type = KK_SD_STR, .str = u->slice},
		/* The container may make sub-cgroups; systemd keeps out. */
		{.name = "Delegate", .type = KK_SD_BOOL, .u64 = 1},
		/* No ordering against shutdown.target: the engine decides. */
		{.name = "DefaultDependencies", .type = KK_SD_BOOL, .u64 = 0},
		{.name = "PIDs", .type = KK_SD_PIDS, .u64 = (uint64_t)pid},
		{.name = "MemoryAccounting", .type = KK_SD_BOOL, .u64 = 1},
		{.name = "CPUAccounting", .type = KK_SD_BOOL, .u64 = 1},
		{.name = d == KK_SD_UNIFIED ? "IOAccounting" : "BlockIOAccounting",
		 .type = KK_SD_BOOL,
		 .u64 = 1},
		{.name = "TasksAccounting", .type = KK_SD_BOOL, .u64 = 1},
	};

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (add(out, &fixed[i], err) < 0)
			return -1;
	return kk_sd_resource_props(res, d, out, err);
}

int kk_sd_resource_props(const struct kk_resources *res, enum kk_sd_dialect d,
			 struct kk_sd_props *out, struct kk_error *err)
{
	if (res == NULL)
		return 0;
	if (res->memory != NULL && memory_props(res->memory, d, out, err) < 0)
		return -1;
	if (res->cpu != NULL && cpu_props(res->cpu, d, out, err) < 0)
		return -1;
	/* runc: a positive limit or -1; 0 means none. */
	if (res->pids != NULL && res->pids->limit != 0 &&
	    add_limit(out, "TasksMax", res->pids->limit, "linux.resources.pids.limit", err) < 0)
		return -1;
	if (res->block_io != NULL && io_props(res->block_io, d, out, err) < 0)
		return -1;
	return 0;
}

static int not_a_list(const char *field, const char *list, struct kk_error *err)
{
	return kk_error_set(err, KK_ERR_INVALID, "%s: \"%s\" is not a list like \"0-3,8\"", field,
			    list);
}

/* One number of a cpuset list, at most 1023 (KK_SD_MASK_MAX bytes). */
static int number(const char **s, unsigned *out, const char *field, const char *list,
		  struct kk_error *err)
{
	char *end;
	unsigned long v;

	if (**s < '0' || **s > '9')
		return not_a_list(field, list, err);
	errno = 0;
	v = strtoul(*s, &end, 10);
	if (errno != 0 || v >= KK_SD_MASK_MAX * 8)
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s: \"%s\": CPUs and nodes above %d are not supported", field,
				    list, KK_SD_MASK_MAX * 8 - 1);
	*s = end;
	*out = (unsigned)v;
	return 0;
}

int kk_sd_cpu_mask(const char *list, uint8_t *mask, size_t *n, const char *field,
		   struct kk_error *err)
{
	const char *s = list;

	memset(mask, 0, KK_SD_MASK_MAX);
	*n = 0;
	while (*s != '\0') {
		unsigned lo, hi;

		if (number(&s, &lo, field, list, err) < 0)
			return -1;
		hi = lo;
		if (*s == '-' && (s++, number(&s, &hi, field, list, err) < 0))
			return -1;
		if (hi < lo || (*s != ',' && *s != '\0'))
			return not_a_list(field, list, err);
		for (unsigned i = lo; i <= hi; i++)
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
		if (hi / 8 + 1 > *n)
			*n = hi / 8 + 1;
		if (*s == ',' && *++s == '\0')
			return not_a_list(field, list, err);
	}
	return 0;
}

void kk_sd_prop_format(const struct kk_sd_prop *p, char *buf, size_t len)
{
	size_t at;

	switch (p->type) {
	case KK_SD_BOOL:
		snprintf(buf, len, "%s=%s", p->name, p->u64 ? "yes" : "no");
		return;
	case KK_SD_U64:
		if (p->u64 == INFINITY_U64)
			snprintf(buf, len, "%s=infinity", p->name);
		else
			snprintf(buf, len, "%s=%" PRIu64, p->name, p->u64);
		return;
	case KK_SD_STR:
		snprintf(buf, len, "%s=%s", p->name, p->str);
		return;
	case KK_SD_PIDS:
		if (p->u64 == 0)
			snprintf(buf, len, "%s=<the init>", p->name);
		else
			snprintf(buf, len, "%s=%" PRIu64, p->name, p->u64);
		return;
	case KK_SD_BYTES:
		at = (size_t)snprintf(buf, len, "%s=0x", p->name);
		/* Most significant byte first, as a number reads. */
		for (size_t i = p->n_bytes; i > 0 && at < len; i--)
			at += (size_t)snprintf(buf + at, len - at, "%02x", p->bytes[i - 1]);
		return;
	}
}
