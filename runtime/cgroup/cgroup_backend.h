/* runtime/cgroup internals: the detected hierarchies, the back-end table
 * (cgroup v1 and v2 dialects), the resource groups they map, and the file
 * helpers every back-end shares. Not a public header. */
#ifndef KK_RUNTIME_CGROUP_BACKEND_H
#define KK_RUNTIME_CGROUP_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/exec/plan.h"
#include "runtime/exec/undo.h"

/* Longest cgroups path accepted: leaves room under PATH_MAX for the mount
 * root and the longest control file name. */
#define KK_CGROUP_PATH_MAX 1024

/* kakoi's own prefix for the default path (/kakoi/<id>). A delete never
 * removes a parent, this one included (cg_remove_dir says why); only the
 * rollback of the create that made it does. */
#define KK_CGROUP_PREFIX "/kakoi"

struct cg_backend;

/* One mounted hierarchy and the container's directory in it. */
struct cg_hier {
	char *name; /* "pids", "cpu,cpuacct", "unified" (hybrid), "cgroup2" (v2) */
	char *root; /* the mount directory */
	char *dir;  /* root + the cgroup path */
	bool v2;
	char **ctrl; /* the controllers it holds */
	size_t n_ctrl;
	const struct cg_backend *be;
};

struct kk_cgroup {
	enum kk_cgroup_layout layout;
	char *mount_root;
	char *path; /* "/kakoi/<id>": absolute, checked */
	struct cg_hier *h;
	size_t n;
	bool no_devices; /* rootless: no device rules (kk_cgroup_skip_devices) */
	/* The systemd driver's unit (systemd/driver.c); NULL: cgroupfs only. */
	struct kk_sd_unit *sd;
};

/* What limits are grouped by: one controller each (cpu and cpuset apart,
 * as the kernel has them). */
enum cg_group {
	CG_MEMORY,
	CG_PIDS,
	CG_CPU,
	CG_CPUSET,
	CG_HUGETLB,
	CG_DEVICES,
	CG_BLKIO,
	CG_NET_CLS,
	CG_NET_PRIO,
	CG_RDMA,
	CG_UNIFIED,
	CG_GROUP_COUNT,
};

/* The spec field a write comes from, for describe and errors. */
enum cg_field {
	CGF_MEMORY_LIMIT,
	CGF_MEMORY_RESERVATION,
	CGF_MEMORY_SWAP,
	CGF_MEMORY_SWAPPINESS,
	CGF_MEMORY_OOM,
	CGF_MEMORY_KERNEL_TCP,
	CGF_PIDS_LIMIT,
	CGF_CPU_SHARES,
	CGF_CPU_QUOTA,
	CGF_CPU_PERIOD,
	CGF_CPU_BURST,
	CGF_CPU_RT_RUNTIME,
	CGF_CPU_RT_PERIOD,
	CGF_CPU_IDLE,
	CGF_CPU_CPUS,
	CGF_CPU_MEMS,
	CGF_HUGEPAGE,	     /* indexed */
	CGF_DEVICES_ALL,     /* the deny-all that starts the device list */
	CGF_DEVICES,	     /* indexed */
	CGF_DEVICES_DEFAULT, /* kakoi's default allow rules, after the spec's */
	CGF_BLKIO_WEIGHT,
	CGF_BLKIO_LEAF_WEIGHT,
	CGF_BLKIO_WEIGHT_DEVICE, /* indexed */
	CGF_BLKIO_READ_BPS,	 /* indexed */
	CGF_BLKIO_WRITE_BPS,	 /* indexed */
	CGF_BLKIO_READ_IOPS,	 /* indexed */
	CGF_BLKIO_WRITE_IOPS,	 /* indexed */
	CGF_NET_CLASSID,
	CGF_NET_PRIO, /* indexed */
	CGF_RDMA,     /* indexed */
	CGF_UNIFIED,  /* named by the file */
	CGF_COUNT,
};

/* Formats "linux.resources.<field>" (with [index] or ["key"]) into buf. */
void cg_field_name(enum cg_field f, uint32_t index, const char *file, char *buf, size_t len);

/* Where the (field, file, value) writes for a kk_resources go. Both paths
 * produce them with the same writers (cg_resource_writes): create collects
 * them as cgroup-set ops in plan; update (update.c) passes apply, which
 * makes each write at once. */
struct cg_writes {
	struct kk_plan *plan; /* when apply is NULL */
	int (*apply)(struct cg_writes *w, enum cg_field f, uint32_t index, const char *file,
		     const char *value, struct kk_error *err);
	void *arg; /* apply's */
	const struct kk_cgroup *cg;
	uint32_t hier; /* index into cg->h of the hierarchy being written */
};

/* Which hierarchy writes each resource group, and what its directories
 * need when made. */
struct cg_routing {
	int owner[CG_GROUP_COUNT]; /* hierarchy index, -1: not written */
	uint64_t flags[64];	   /* create flags per hierarchy */
};

/* Routes res onto cg's hierarchies; a limit whose controller is missing is
 * an error naming the field. At most 64 hierarchies. */
int cg_route(const struct kk_cgroup *cg, const struct kk_resources *res, struct cg_routing *rt,
	     struct kk_error *err);

/* Emits every write res asks for, each group in its owner's dialect. */
int cg_resource_writes(struct cg_writes *w, const struct kk_resources *res,
		       const struct cg_routing *rt, struct kk_error *err);

/* Append the cgroup-create op of hierarchy i and the one cgroup-enter op. */
int cg_plan_create(struct kk_plan *plan, const struct kk_cgroup *cg, uint32_t i, uint64_t flags,
		   struct kk_error *err);
int cg_plan_enter(struct kk_plan *plan, const struct kk_cgroup *cg, struct kk_error *err);

/* The cgroup-devices op (devices.c): where the layout has a cgroup2
 * hierarchy, attach the device program compiled from res's rules and the
 * defaults to the container's directory there. */
int cg_plan_devices(struct kk_plan *plan, const struct kk_cgroup *cg,
		    const struct kk_resources *res, struct kk_error *err);

/* update's device step: replaces the program with one from res's rules
 * (nothing on a v1-only host). All or nothing by itself, so it pushes no
 * undo; update runs it last. */
int cg_devices_update(const struct kk_cgroup *cg, const struct kk_resources *res,
		      struct kk_error *err);

/* kakoi's default device rules, after the config's in both layers. */
extern const struct kk_device_rule cg_default_device_rules[];
extern const size_t cg_n_default_device_rules;

/* Replaces control characters with '?' (op descriptions quote the spec). */
void cg_printable(char *s);

/* One write of value to <dir>/<file>: a cgroup-set op, or w->apply. */
int cg_emit(struct cg_writes *w, enum cg_field f, uint32_t index, const char *file,
	    const char *value, struct kk_error *err);
int cg_emit_i64(struct cg_writes *w, enum cg_field f, const char *file, int64_t v,
		struct kk_error *err);

/* A back-end: one dialect of cgroupfs. enter, pids and remove are the same
 * for both today; they sit in the table so a systemd driver can differ. */
struct cg_backend {
	const char *name;
	/* mkdir -p h->dir (mode 0755), an undo per directory made, and the
	 * preparation new directories need before limits can be written. */
	int (*create)(const struct kk_cgroup *cg, const struct cg_hier *h, uint64_t flags,
		      struct kk_undo *undo, struct kk_error *err);
	/* Emits the writes of one resource group in this dialect. */
	int (*set)(struct cg_writes *w, const struct cg_hier *h, enum cg_group g,
		   const struct kk_resources *res, struct kk_error *err);
	int (*enter)(const struct cg_hier *h, pid_t pid, struct kk_error *err);
	int (*remove)(const struct kk_cgroup *cg, const struct cg_hier *h, struct kk_error *err);
};

extern const struct cg_backend cg_backend_v1;
extern const struct cg_backend cg_backend_v2;

/* create() flags, kept in the op so the plan shows them. */
#define CG_CREATE_CPUSET_COPY                                                                      \
	(1ULL << 63) /* v1: copy the parent's cpus/mems into new and empty dirs */
/* The low bits are the v2 controllers to enable, indexed by cg_v2_controllers. */
extern const char *const cg_v2_controllers[];
int cg_v2_controller_bit(const char *name); /* -1 when not a known v2 controller */

/* Writers shared by the dialects, or one dialect's that live apart. */
int cg_set_cpuset(struct cg_writes *w, const struct kk_cpu *c, struct kk_error *err);
int cg_set_misc(struct cg_writes *w, enum cg_group g, const struct kk_resources *res,
		struct kk_error *err);
int cg_v1_blkio(struct cg_writes *w, const struct cg_hier *h, const struct kk_blkio *b,
		struct kk_error *err);
int cg_v2_io(struct cg_writes *w, const struct kk_blkio *b, struct kk_error *err);

bool cg_hier_has(const struct cg_hier *h, const char *controller);

/* runc's ConvertMemorySwapToCgroupV2Value: v2's swap limit excludes the
 * memory limit; *out is -1 for unlimited, 0 for nothing to set. Shared by
 * the v2 writer and the systemd driver's MemorySwapMax. */
int cg_v2_swap(const struct kk_memory *m, int64_t *out, struct kk_error *err);

/* Shared file helpers; every change goes through kk_sys(). */
int cg_write(const char *path, const char *value, struct kk_error *err);
int cg_read(const char *path, char *buf, size_t len, struct kk_error *err);
/* A back-end's step after each directory of the path exists (created says
 * whether this call made it). */
typedef int (*cg_made_fn)(const char *parent, const char *dir, bool created,
			  const struct cg_hier *h, uint64_t flags, struct kk_undo *undo,
			  struct kk_error *err);
int cg_mkdir_p(const struct cg_hier *h, const char *path, cg_made_fn made, uint64_t flags,
	       struct kk_undo *undo, struct kk_error *err);
/* rmdir, retried briefly while busy; ENOENT is success. Returns -1 with
 * errno kept for the caller to judge (no err: callers word it). */
int cg_rmdir(const char *dir);
int cg_undo_rmdir(const void *arg, struct kk_error *err);
int cg_enter_procs(const struct cg_hier *h, pid_t pid, struct kk_error *err);
int cg_remove_dir(const struct kk_cgroup *cg, const struct cg_hier *h, struct kk_error *err);

/* Visits dir and every cgroup below it (tree.c): pre before a directory's
 * children, post after them; either may be NULL. A missing dir is empty. */
struct cg_tree_visit {
	int (*pre)(const char *dir, void *arg, struct kk_error *err);
	int (*post)(const char *dir, void *arg, struct kk_error *err);
	void *arg;
};
int cg_tree_walk(const char *dir, const struct cg_tree_visit *v, struct kk_error *err);
/* Removes every cgroup below dir, deepest first (not dir itself). */
int cg_remove_subtree(const char *dir, struct kk_error *err);

/* Checks and normalises a cgroups path (NULL: the default for id). */
int cg_path_resolve(const char *cgroups_path, const char *id, char **out, struct kk_error *err);

/* Detects the hierarchies under cg->mount_root. */
int cg_detect(struct kk_cgroup *cg, struct kk_error *err);

/* The systemd driver's steps (systemd/driver.c): the systemd-scope op that
 * starts the unit (planned first, host-attach), stopping it on remove, and
 * update's property change. */
int cg_sd_plan(struct kk_plan *plan, const struct kk_cgroup *cg, const struct kk_resources *res,
	       struct kk_error *err);
int cg_sd_remove(const struct kk_cgroup *cg, struct kk_error *err);
int cg_sd_update(const struct kk_cgroup *cg, const struct kk_resources *res, struct kk_error *err);

#endif
