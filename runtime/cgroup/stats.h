/* runtime/cgroup stats: the numbers the kernel keeps for the container's
 * cgroup, read the way runc reads them (libcontainer/cgroups/fs and fs2),
 * for `kakoi events`. Reads only: nothing here changes the host. A
 * controller file that does not exist leaves its numbers absent (zero),
 * never an error; a file that is a symlink, larger than KK_STATS_FILE_MAX
 * or malformed is an error naming it. */
#ifndef KK_RUNTIME_CGROUP_STATS_H
#define KK_RUNTIME_CGROUP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "runtime/cgroup/cgroup.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest control file read (cpuacct.usage_all on a big machine is ~60 KiB). */
#define KK_STATS_FILE_MAX (256 * 1024)

/* runc's MemoryData: v1 <name>.{limit_in_bytes,usage_in_bytes,...}, v2
 * memory.{max,current} (swap as memory+swap, like v1's memsw). */
struct kk_stats_memory_entry {
	uint64_t limit, usage, max, failcnt;
};

struct kk_stats_kv {
	char key[64];
	uint64_t value;
};

/* One line of a blkio file ("8:0 Read 4096"); op is "" when it has none. */
struct kk_stats_blkio_entry {
	uint64_t major, minor;
	char op[16];
	uint64_t value;
};

/* runc's Blkio arrays, in its field order. */
enum kk_stats_blkio_kind {
	KK_BLKIO_SERVICE_BYTES,
	KK_BLKIO_SERVICED,
	KK_BLKIO_QUEUED,
	KK_BLKIO_SERVICE_TIME,
	KK_BLKIO_WAIT_TIME,
	KK_BLKIO_MERGED,
	KK_BLKIO_TIME,
	KK_BLKIO_SECTORS,
	KK_BLKIO_KIND_COUNT,
};

struct kk_stats_hugetlb {
	char size[16]; /* "2MB", "1GB" */
	uint64_t usage, max, failcnt;
};

struct kk_stats_u64s {
	uint64_t *v;
	size_t n;
};

struct kk_stats_u16s {
	uint16_t *v;
	size_t n;
};

struct kk_cgroup_stats {
	struct {
		uint64_t total, kernel, user; /* ns */
		struct kk_stats_u64s percpu, percpu_kernel, percpu_user;
		uint64_t periods, throttled_periods, throttled_time;
	} cpu;
	struct {
		struct kk_stats_u16s cpus, mems;
		uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate,
			memory_spread_page, memory_spread_slab, memory_pressure, sched_load_balance;
		int64_t sched_relax_domain_level;
	} cpuset;
	struct {
		uint64_t cache;
		struct kk_stats_memory_entry usage, swap, kernel, kernel_tcp;
		struct kk_stats_kv *raw; /* memory.stat, sorted by key */
		size_t n_raw;
	} memory;
	struct {
		uint64_t current, limit; /* limit 0: "max" */
	} pids;
	struct {
		struct kk_stats_blkio_entry *e[KK_BLKIO_KIND_COUNT];
		size_t n[KK_BLKIO_KIND_COUNT];
	} blkio;
	struct kk_stats_hugetlb *hugetlb; /* sorted by size name */
	size_t n_hugetlb;
};

/* Fills *out (zeroed first) from every hierarchy of cg. On failure *out
 * holds nothing to free. */
int kk_cgroup_stats(struct kk_cgroup *cg, struct kk_cgroup_stats *out, struct kk_error *err);
void kk_cgroup_stats_free(struct kk_cgroup_stats *s);

/* How many processes the kernel OOM-killed in the cgroup so far (v1
 * memory.oom_control, v2 memory.events "oom_kill"); 0 when the memory
 * controller or the counter is absent. */
int kk_cgroup_oom_kills(struct kk_cgroup *cg, uint64_t *count, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
