/* cgroup v2 stats, as runc's libcontainer/cgroups/fs2 reads them. In the
 * hybrid layout only the controllers the unified hierarchy holds are read
 * there (hugetlb on this project's hosts): the v1 ones own the rest. */
#define _GNU_SOURCE
#include <string.h>

#include "runtime/cgroup/stats_read.h"

static int raw_entry(void *arg, const char *key, uint64_t v, struct kk_error *err)
{
	return st_kv_add(arg, key, v, err);
}

int st_memory_raw(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	bool present;

	return st_each_kv(d, "memory.stat", raw_entry, s, &present, err);
}

/* memory.<name>.{current,max}; absent when current is missing. */
static int memory_entry(const struct st_dir *d, const char *prefix, struct kk_stats_memory_entry *e,
			struct kk_error *err)
{
	char file[64];
	bool present;

	snprintf(file, sizeof(file), "%s.current", prefix);
	if (st_u64(d, file, &e->usage, &present, err) < 0)
		return -1;
	if (!present)
		return 0;
	snprintf(file, sizeof(file), "%s.max", prefix);
	return st_u64_opt(d, file, &e->limit, err);
}

static int read_memory(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	struct kk_stats_memory_entry *u = &s->memory.usage, *sw = &s->memory.swap;

	if (st_memory_raw(d, s, err) < 0)
		return -1;
	for (size_t i = 0; i < s->memory.n_raw; i++)
		if (strcmp(s->memory.raw[i].key, "file") == 0)
			s->memory.cache = s->memory.raw[i].value;
	if (memory_entry(d, "memory", u, err) < 0 || memory_entry(d, "memory.swap", sw, err) < 0)
		return -1;
	/* v1 reports swap as memory+swap: runc adds memory to v2's numbers. */
	sw->usage += u->usage;
	if (sw->limit != UINT64_MAX)
		sw->limit += u->limit;
	return 0;
}

static int cpu_entry(void *arg, const char *key, uint64_t v, struct kk_error *err)
{
	struct kk_cgroup_stats *s = arg;

	(void)err;
	if (strcmp(key, "usage_usec") == 0)
		s->cpu.total = v * 1000;
	else if (strcmp(key, "user_usec") == 0)
		s->cpu.user = v * 1000;
	else if (strcmp(key, "system_usec") == 0)
		s->cpu.kernel = v * 1000;
	else if (strcmp(key, "nr_periods") == 0)
		s->cpu.periods = v;
	else if (strcmp(key, "nr_throttled") == 0)
		s->cpu.throttled_periods = v;
	else if (strcmp(key, "throttled_usec") == 0)
		s->cpu.throttled_time = v * 1000;
	return 0;
}

int st_read_v2(const struct kk_cgroup *cg, const struct cg_hier *h, const struct st_dir *d,
	       struct kk_cgroup_stats *s, struct kk_error *err)
{
	bool pure = cg->layout == KK_CGROUP_V2, present;

	if (cg_hier_has(h, "memory") && read_memory(d, s, err) < 0)
		return -1;
	/* cpu.stat exists without the cpu controller (usage only). */
	if ((pure || cg_hier_has(h, "cpu")) &&
	    st_each_kv(d, "cpu.stat", cpu_entry, s, &present, err) < 0)
		return -1;
	if (cg_hier_has(h, "pids") && st_read_pids(d, s, err) < 0)
		return -1;
	if (cg_hier_has(h, "io") && st_v2_io(d, s, err) < 0)
		return -1;
	if (cg_hier_has(h, "hugetlb") && st_hugetlb_read(d, true, s, err) < 0)
		return -1;
	return 0;
}
