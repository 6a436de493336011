/* Private to runtime/rootfs: the planner of each feature file, called in
 * order by plan.c, and the helpers they share (path resolution inside the
 * rootfs, the mount option table). */
#ifndef KK_RUNTIME_ROOTFS_OPS_H
#define KK_RUNTIME_ROOTFS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kk_ctx;

/* Planners, in the order plan.c calls them. */
int kk_rootfs_plan_prepare(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_rootfs_plan_mounts(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_rootfs_plan_devices(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_rootfs_plan_dev_links(struct kk_plan *plan, const struct kk_spec *spec,
			     struct kk_error *err);
int kk_rootfs_plan_pivot(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_rootfs_plan_root_propagation(struct kk_plan *plan, const struct kk_spec *spec,
				    struct kk_error *err);
int kk_rootfs_plan_finalize_mounts(struct kk_plan *plan, const struct kk_spec *spec,
				   struct kk_error *err);
int kk_rootfs_plan_root_readonly(struct kk_plan *plan, const struct kk_spec *spec,
				 struct kk_error *err);
int kk_rootfs_plan_hostname(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_rootfs_plan_sysctl(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_rootfs_plan_readonly(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_rootfs_plan_masked(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

/* Sets *yes when a mount binds something on /dev: runc then leaves /dev
 * alone (no devices, no symlinks). */
int kk_rootfs_binds_dev(struct kk_plan *plan, const struct kk_spec *spec, bool *yes,
			struct kk_error *err);

/* True when the container's namespace of this CLONE_NEW* type is its own:
 * linux.namespaces lists it, new or by a path that leads neither to
 * kakoi's namespace nor to PID 1's (own_ns.c). When false, why says why
 * if a path was given ("the network namespace at /proc/1/ns/net is the
 * host's") and is empty when the type is not listed. Reads /proc. */
bool kk_rootfs_own_ns(const struct kk_spec *spec, int type, char *why, size_t len);

/* Room for kk_rootfs_own_ns's why. */
#define KK_OWN_NS_WHY_MAX 512

/* Paths. */

/* Cleans a path lexically (runc's CleanPath: "//", "." and ".." folded,
 * ".." never above "/"; a relative path is taken from "/") into a
 * plan-owned, absolute string. */
const char *kk_rootfs_clean(struct kk_plan *plan, const char *path, struct kk_error *err);

/* "/proc/self/fd/<fd>": the name that reaches exactly what fd refers to. */
/* runc's checkProcMount list: the /proc files lxcfs emulates, the only
 * mount destinations allowed inside /proc (besides /proc itself). */
bool kk_rootfs_proc_allowed(const char *dest);

#define KK_FD_PATH_MAX 32
void kk_rootfs_fd_path(int fd, char buf[KK_FD_PATH_MAX]);

/* Creates the directories of path inside root_fd that are missing (mode
 * before umask) and returns an O_PATH fd of the last. A component that
 * does not exist is created with mkdirat on the fd of its parent and then
 * opened without following symlinks, so a racing swap cannot lead out. */
int kk_rootfs_mkdir_all(int root_fd, const char *path, mode_t mode, struct kk_error *err);

/* The O_PATH fd of a mount target inside root_fd, creating it when missing:
 * an empty file when file is true, else directories. */
int kk_rootfs_mount_target(int root_fd, const char *path, bool file, struct kk_error *err);

/* The path a create should use for path: while its last component is a
 * symlink (a dangling one, typically), its target, taken inside the root
 * (an absolute target from the root, ".." never above it), cleaned, into
 * out (PATH_MAX bytes). At most 40 links. */
int kk_rootfs_follow(int root_fd, const char *path, char *out, struct kk_error *err);

/* Splits "/a/b/c" into the O_PATH fd of "/a/b" (created when missing) and
 * the pointer to "c" inside path. */
int kk_rootfs_open_parent(int root_fd, const char *path, const char **base, struct kk_error *err);

/* mount(source, <path resolved inside root_fd>, ...) through
 * /proc/self/fd: the target is opened afresh, so a pass after an earlier
 * mount on the same path acts on the new mount, not on what it covers. */
int kk_rootfs_mount_on(int root_fd, const char *path, const char *source, const char *fstype,
		       unsigned long flags, const char *data, struct kk_error *err);

/* A bind remount (MS_BIND | MS_REMOUNT | flags) of path. Retries once with
 * the flags the mount already has (statfs) when the kernel refuses to drop
 * a locked flag (EPERM in a user namespace), as runc does. */
int kk_rootfs_remount_bind(int root_fd, const char *path, unsigned long flags,
			   struct kk_error *err);

/* The MS_* flags of a mount from statfs's ST_* f_flags (which differ for
 * relatime). */
struct statfs;
unsigned long kk_rootfs_statfs_flags(const struct statfs *st);

/* Mount options. */

#define KK_MOUNT_DATA_MAX 4096
#define KK_MOUNT_PROPAGATION_MAX 4

struct kk_mount_opts {
	unsigned long flags; /* MS_* for the mount call (MS_BIND, MS_REC included) */
	unsigned long propagation[KK_MOUNT_PROPAGATION_MAX]; /* one mount call each */
	size_t n_propagation;
	bool bind;
	bool copyup; /* "tmpcopyup": the tmpfs starts with a copy of what it covers */
	/* "idmap"/"ridmap", or mounts[].uidMappings: the bind is a detached
	 * idmapped tree the runtime made (container/idmap_mounts.c), attached
	 * with move_mount; ridmap idmaps the mounts under it too. */
	bool idmap, idmap_recursive;
	/* The recursive words ("rro", "rnosuid", ...): MOUNT_ATTR_* for
	 * mount_setattr(AT_RECURSIVE), applied last. */
	uint64_t attr_set, attr_clr;
	char data[KK_MOUNT_DATA_MAX]; /* options the table does not know, comma-joined */
};

/* Turns mounts[index] into flags and data; refuses what runc refuses,
 * "tmpcopyup" on anything but a tmpfs and idmap on anything but a bind. */
int kk_rootfs_mount_opts(const struct kk_mount *m, size_t index, struct kk_mount_opts *opts,
			 struct kk_error *err);

/* "tmpcopyup" (copyup.c). */

/* Before the tmpfs is mounted on path: opens the directory it will cover,
 * resolved inside root_fd as the mount target is. *covered is an O_RDONLY
 * O_DIRECTORY fd, or -1 when path does not exist yet (nothing to copy). */
int kk_rootfs_copyup_open(int root_fd, const char *path, int *covered, struct kk_error *err);

/* After the tmpfs is mounted on path: checks that path now reaches the root
 * of a new tmpfs stacked on the covered directory, and copies the covered
 * tree into it. */
int kk_rootfs_copyup(int root_fd, const char *path, int covered, struct kk_error *err);

/* The copy: every entry under src_dir into dst_dir (empty), fd-relative and
 * without following symlinks: directories, regular files, symlinks, fifos
 * and device nodes with their mode and owner; sockets are skipped, and a
 * directory on another mount than src_dir is copied empty. Then
 * src_dir's own mode and owner go onto dst_dir. label names src_dir in
 * messages ("copy /etc/a/b: ..."). At most KK_COPYUP_DEPTH_MAX levels. */
#define KK_COPYUP_DEPTH_MAX 128
int kk_rootfs_copy_tree(int src_dir, int dst_dir, const char *label, struct kk_error *err);

/* The mount type "cgroup": cgroup2 on a v2 host, else a tmpfs holding the
 * host's hierarchies bound read-only. */
int kk_rootfs_mount_cgroup(struct kk_ctx *ctx, size_t index, const char *dest,
			   const struct kk_mount_opts *opts, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
