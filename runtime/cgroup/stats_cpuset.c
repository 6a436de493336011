/* cgroup v1 cpuset stats (runc's CPUSetStats): the cpu and memory-node
 * lists expanded, and the flag files as numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/cgroup/stats_read.h"

/* More than any machine has; bounds what a hostile "0-4294967295" costs. */
#define CPUSET_MAX 8192

static int add_u16(struct kk_stats_u16s *a, uint64_t v, struct kk_error *err)
{
	if (a->n == 0 || (a->n >= 8 && (a->n & (a->n - 1)) == 0)) {
		uint16_t *nv = reallocarray(a->v, a->n ? a->n * 2 : 8, sizeof(*nv));

		if (nv == NULL)
			return kk_error_sys(err, ENOMEM, "cgroup stats");
		a->v = nv;
	}
	a->v[a->n++] = (uint16_t)v;
	return 0;
}

/* "0-3,8,10-11" -> 0 1 2 3 8 10 11; "" is the empty list. */
static int parse_list(const struct st_dir *d, const char *file, const char *text,
		      struct kk_stats_u16s *out, struct kk_error *err)
{
	const char *p = text + strspn(text, " \n");

	while (*p != '\0' && *p != '\n') {
		uint64_t lo, hi;

		if (st_parse_u64(&p, &lo) < 0)
			return st_malformed(d, file, "not a cpu list", err);
		hi = lo;
		if (*p == '-' && (p++, st_parse_u64(&p, &hi) < 0))
			return st_malformed(d, file, "not a cpu list", err);
		if (hi < lo || hi >= CPUSET_MAX || out->n + (hi - lo) >= CPUSET_MAX)
			return st_malformed(d, file, "cpu list out of range", err);
		for (uint64_t v = lo; v <= hi; v++)
			if (add_u16(out, v, err) < 0)
				return -1;
		if (*p == ',')
			p++;
		else if (*p != '\0' && *p != '\n')
			return st_malformed(d, file, "not a cpu list", err);
	}
	return 0;
}

static int read_list(const struct st_dir *d, const char *file, struct kk_stats_u16s *out,
		     struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;

	if (st_read(d, file, &text, err) < 0)
		return -1;
	return text != NULL ? parse_list(d, file, text, out, err) : 0;
}

int st_v1_cpuset(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	const struct {
		const char *file;
		uint64_t *v;
	} flags[] = {
		{"cpuset.cpu_exclusive", &s->cpuset.cpu_exclusive},
		{"cpuset.mem_hardwall", &s->cpuset.mem_hardwall},
		{"cpuset.mem_exclusive", &s->cpuset.mem_exclusive},
		{"cpuset.memory_migrate", &s->cpuset.memory_migrate},
		{"cpuset.memory_spread_page", &s->cpuset.memory_spread_page},
		{"cpuset.memory_spread_slab", &s->cpuset.memory_spread_slab},
		{"cpuset.memory_pressure", &s->cpuset.memory_pressure},
		{"cpuset.sched_load_balance", &s->cpuset.sched_load_balance},
	};

	if (read_list(d, "cpuset.cpus", &s->cpuset.cpus, err) < 0 ||
	    read_list(d, "cpuset.mems", &s->cpuset.mems, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (st_u64_opt(d, flags[i].file, flags[i].v, err) < 0)
			return -1;
	return st_i64_opt(d, "cpuset.sched_relax_domain_level", &s->cpuset.sched_relax_domain_level,
			  err);
}
