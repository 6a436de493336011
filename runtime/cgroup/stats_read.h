/* runtime/cgroup stats internals: reading control files of one cgroup
 * directory safely (no symlinks, bounded size), and the per-dialect
 * readers. Not a public header. Readers return 0, or -1 with err set; a
 * missing file is 0 with nothing filled. */
#ifndef KK_RUNTIME_CGROUP_STATS_READ_H
#define KK_RUNTIME_CGROUP_STATS_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/cgroup/cgroup_backend.h"
#include "runtime/cgroup/stats.h"

/* The container's directory in one hierarchy, open for reading. */
struct st_dir {
	int fd;		  /* O_PATH directory */
	const char *path; /* for messages: h->dir */
};

/* Opens h's directory for the cgroup: *present false (and fd -1) when it
 * does not exist. No component below the hierarchy root may be a symlink. */
int st_dir_open(const struct kk_cgroup *cg, const struct cg_hier *h, struct st_dir *d,
		bool *present, struct kk_error *err);

/* The whole file, NUL-terminated, in *buf (malloc'ed); *buf NULL when the
 * file does not exist. */
int st_read(const struct st_dir *d, const char *file, char **buf, struct kk_error *err);

/* A file holding one number: "max" is UINT64_MAX, a negative number 0
 * (runc's GetCgroupParamUint). *present says whether the file exists. */
int st_u64(const struct st_dir *d, const char *file, uint64_t *v, bool *present,
	   struct kk_error *err);
/* The same, leaving *v alone when the file is missing. */
int st_u64_opt(const struct st_dir *d, const char *file, uint64_t *v, struct kk_error *err);

/* pids.current and pids.max: the same files in v1 and v2. */
int st_read_pids(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err);
int st_i64_opt(const struct st_dir *d, const char *file, int64_t *v, struct kk_error *err);

/* "key value" lines; fn is called for each. *present as above. */
typedef int (*st_kv_fn)(void *arg, const char *key, uint64_t value, struct kk_error *err);
int st_each_kv(const struct st_dir *d, const char *file, st_kv_fn fn, void *arg, bool *present,
	       struct kk_error *err);

/* Parses a decimal number (or "max") at *s, advancing past it. */
int st_parse_u64(const char **s, uint64_t *v);

int st_u64s_add(struct kk_stats_u64s *a, uint64_t v, struct kk_error *err);
int st_kv_add(struct kk_cgroup_stats *s, const char *key, uint64_t v, struct kk_error *err);
int st_blkio_add(struct kk_cgroup_stats *s, enum kk_stats_blkio_kind k,
		 const struct kk_stats_blkio_entry *e, struct kk_error *err);
/* The entry for a huge page size, added (zeroed) if new. */
struct kk_stats_hugetlb *st_hugetlb(struct kk_cgroup_stats *s, const char *size,
				    struct kk_error *err);

/* The malformed-file error: "<dir>/<file>: <what>". */
int st_malformed(const struct st_dir *d, const char *file, const char *what, struct kk_error *err);

/* One hierarchy's numbers, in its dialect. */
int st_read_v1(const struct kk_cgroup *cg, const struct cg_hier *h, const struct st_dir *d,
	       struct kk_cgroup_stats *s, struct kk_error *err);
int st_read_v2(const struct kk_cgroup *cg, const struct cg_hier *h, const struct st_dir *d,
	       struct kk_cgroup_stats *s, struct kk_error *err);

/* memory.stat into the raw map (the same format on v1 and v2). */
int st_memory_raw(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err);
int st_v1_cpuset(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err);
int st_v1_blkio(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err);
int st_v2_io(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err);
/* Every page size the directory has hugetlb files for. */
int st_hugetlb_read(const struct st_dir *d, bool v2, struct kk_cgroup_stats *s,
		    struct kk_error *err);

#endif
