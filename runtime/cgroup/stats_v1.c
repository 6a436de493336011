/* cgroup v1 stats, as runc's libcontainer/cgroups/fs reads them: each
 * controller's files in its own hierarchy. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/cgroup/stats_read.h"

/* cpuacct.stat counts USER_HZ ticks; runc hard-codes 100 as well. */
#define CLOCK_TICKS 100ULL
#define NS_PER_SEC 1000000000ULL

/* <prefix>.{usage_in_bytes,max_usage_in_bytes,failcnt,limit_in_bytes};
 * absent (all zero) when the usage file is missing (no swap accounting). */
static int memory_entry(const struct st_dir *d, const char *prefix, struct kk_stats_memory_entry *e,
			struct kk_error *err)
{
	static const char *const names[] = {"usage_in_bytes", "max_usage_in_bytes", "failcnt",
					    "limit_in_bytes"};
	uint64_t *fields[] = {&e->usage, &e->max, &e->failcnt, &e->limit};
	char file[64];
	bool present;

	for (size_t i = 0; i < 4; i++) {
		snprintf(file, sizeof(file), "%s.%s", prefix, names[i]);
		if (st_u64(d, file, fields[i], &present, err) < 0)
			return -1;
		if (i == 0 && !present)
			return 0;
	}
	return 0;
}

static int read_memory(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	size_t before = s->memory.n_raw;

	if (st_memory_raw(d, s, err) < 0)
		return -1;
	if (s->memory.n_raw == before)
		return 0; /* no memory.stat: the controller is not there */
	for (size_t i = before; i < s->memory.n_raw; i++)
		if (strcmp(s->memory.raw[i].key, "cache") == 0)
			s->memory.cache = s->memory.raw[i].value;
	if (memory_entry(d, "memory", &s->memory.usage, err) < 0 ||
	    memory_entry(d, "memory.memsw", &s->memory.swap, err) < 0 ||
	    memory_entry(d, "memory.kmem", &s->memory.kernel, err) < 0)
		return -1;
	return memory_entry(d, "memory.kmem.tcp", &s->memory.kernel_tcp, err);
}

/* "user N\nsystem N" in ticks. */
static int cpuacct_stat(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;
	unsigned long long user, sys;

	if (st_read(d, "cpuacct.stat", &text, err) < 0)
		return -1;
	if (text == NULL)
		return 0;
	if (sscanf(text, "user %llu system %llu", &user, &sys) != 2)
		return st_malformed(d, "cpuacct.stat", "not \"user N system N\"", err);
	s->cpu.user = user * NS_PER_SEC / CLOCK_TICKS;
	s->cpu.kernel = sys * NS_PER_SEC / CLOCK_TICKS;
	return 0;
}

static int numbers(const struct st_dir *d, const char *file, const char *text,
		   struct kk_stats_u64s *out, struct kk_error *err)
{
	const char *p = text;
	uint64_t v;

	for (p += strspn(p, " \t\n"); *p != '\0'; p += strspn(p, " \t\n")) {
		if (st_parse_u64(&p, &v) < 0)
			return st_malformed(d, file, "not a list of numbers", err);
		if (st_u64s_add(out, v, err) < 0)
			return -1;
	}
	return 0;
}

/* "cpu user system" header, then one "N user system" line per cpu. */
static int usage_all(const struct st_dir *d, const char *text, struct kk_cgroup_stats *s,
		     struct kk_error *err)
{
	const char *p = strchr(text, '\n');

	while (p != NULL && *++p != '\0') {
		uint64_t cpu, user, sys;

		if (st_parse_u64(&p, &cpu) < 0 || *p++ != ' ' || st_parse_u64(&p, &user) < 0 ||
		    *p++ != ' ' || st_parse_u64(&p, &sys) < 0 || (*p != '\n' && *p != '\0'))
			return st_malformed(d, "cpuacct.usage_all", "not \"cpu user system\"", err);
		if (st_u64s_add(&s->cpu.percpu_kernel, sys, err) < 0 ||
		    st_u64s_add(&s->cpu.percpu_user, user, err) < 0)
			return -1;
		p = *p ? p : NULL;
	}
	return 0;
}

static int read_cpuacct(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	KK_AUTOFREE char *percpu = NULL;
	KK_AUTOFREE char *all = NULL;

	if (cpuacct_stat(d, s, err) < 0 || st_u64_opt(d, "cpuacct.usage", &s->cpu.total, err) < 0)
		return -1;
	if (st_read(d, "cpuacct.usage_percpu", &percpu, err) < 0 ||
	    (percpu != NULL && numbers(d, "cpuacct.usage_percpu", percpu, &s->cpu.percpu, err) < 0))
		return -1;
	if (st_read(d, "cpuacct.usage_all", &all, err) < 0)
		return -1;
	return all != NULL ? usage_all(d, all, s, err) : 0;
}

static int throttling(void *arg, const char *key, uint64_t v, struct kk_error *err)
{
	struct kk_cgroup_stats *s = arg;

	(void)err;
	if (strcmp(key, "nr_periods") == 0)
		s->cpu.periods = v;
	else if (strcmp(key, "nr_throttled") == 0)
		s->cpu.throttled_periods = v;
	else if (strcmp(key, "throttled_time") == 0)
		s->cpu.throttled_time = v;
	return 0;
}

int st_read_v1(const struct kk_cgroup *cg, const struct cg_hier *h, const struct st_dir *d,
	       struct kk_cgroup_stats *s, struct kk_error *err)
{
	bool present;

	(void)cg;
	if (cg_hier_has(h, "memory") && read_memory(d, s, err) < 0)
		return -1;
	if (cg_hier_has(h, "cpuacct") && read_cpuacct(d, s, err) < 0)
		return -1;
	if (cg_hier_has(h, "cpu") && st_each_kv(d, "cpu.stat", throttling, s, &present, err) < 0)
		return -1;
	if (cg_hier_has(h, "cpuset") && st_v1_cpuset(d, s, err) < 0)
		return -1;
	if (cg_hier_has(h, "pids") && st_read_pids(d, s, err) < 0)
		return -1;
	if (cg_hier_has(h, "blkio") && st_v1_blkio(d, s, err) < 0)
		return -1;
	if (cg_hier_has(h, "hugetlb") && st_hugetlb_read(d, false, s, err) < 0)
		return -1;
	return 0;
}
