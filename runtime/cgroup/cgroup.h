/* runtime/cgroup: the container's control groups, with the cgroupfs driver
 * over cgroup v1, v2 and the hybrid layout (v1 controllers plus a cgroup2
 * mount at <root>/unified). The layout is detected once; the back-ends sit
 * behind one small table (cgroup_backend.h) so a systemd driver can be added.
 *
 * Every host change goes through the syscall seam (runtime/sys) and registers
 * its undo; nothing here prints or exits. */
#ifndef KK_RUNTIME_CGROUP_H
#define KK_RUNTIME_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/plan.h"
#include "runtime/exec/undo.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kk_cgroup_layout {
	KK_CGROUP_V1,	  /* controllers each mounted under <root>/<name> */
	KK_CGROUP_V2,	  /* <root> is a cgroup2 mount */
	KK_CGROUP_HYBRID, /* v1 controllers, plus cgroup2 at <root>/unified */
};

#define KK_CGROUP_ROOT "/sys/fs/cgroup"

struct kk_cgroup;

/* Resolves where the container's cgroup lives: cgroups_path from the spec
 * (relative paths are under the hierarchy roots, as runc does; NULL means
 * the default "/kakoi/<id>"), checked (no "..", no empty or dot components),
 * in every hierarchy of the layout detected under mount_root (KK_CGROUP_ROOT
 * outside tests). Touches nothing. */
int kk_cgroup_open(const char *mount_root, const char *cgroups_path, const char *id,
		   struct kk_cgroup **out, struct kk_error *err);
void kk_cgroup_free(struct kk_cgroup *cg);

enum kk_cgroup_layout kk_cgroup_layout(const struct kk_cgroup *cg);

/* --- the systemd driver (owner: runtime/cgroup/systemd/) -----------------
 * kk_cgroup_open for `--systemd-cgroup`: cgroups_path is "slice:prefix:name"
 * (NULL: ":kakoi:<id>"), the cgroup is the transient scope systemd makes
 * for it ("/system.slice/kakoi-<id>.scope"). The plan then starts the scope
 * holding the init (Delegate=yes, the limits as unit properties), writes
 * every limit to the files as well, and its undo stops the unit. Errors
 * name linux.cgroupsPath. Touches nothing. */
int kk_cgroup_open_systemd(const char *mount_root, const char *cgroups_path, const char *id,
			   struct kk_cgroup **out, struct kk_error *err);
/* Marks an opened cgroup (a container's recorded path, "/<slice path>/<unit>")
 * as the systemd driver's: remove then stops the unit, update changes its
 * properties too. */
int kk_cgroup_use_systemd(struct kk_cgroup *cg, struct kk_error *err);
/* The unit name, or NULL for the cgroupfs driver. */
const char *kk_cgroup_unit(const struct kk_cgroup *cg);

/* The cgroup's path relative to the hierarchy roots ("/kakoi/<id>"). */
const char *kk_cgroup_path(const struct kk_cgroup *cg);

/* Appends the host-prepare ops (create the directory in each hierarchy,
 * write each resource limit) and the host-attach op (move the init in) for
 * this spec's resources. A limit whose controller is missing is an error
 * here, naming the field, before anything is touched. */
int kk_plan_cgroup(struct kk_plan *plan, struct kk_cgroup *cg, const struct kk_resources *res,
		   struct kk_error *err);

/* --- rootless (owner: runtime/cgroup/rootless.c, plan.c) -----------------
 * Drops the hierarchies where this process could not make or enter the
 * cgroup (no write permission on it or on its nearest existing parent);
 * dropped gets the first one's directory ("" when none). Returns how many
 * are kept. Touches nothing on the host. */
size_t kk_cgroup_keep_writable(struct kk_cgroup *cg, char *dropped, size_t len);
/* Drops the hierarchies where the cgroup's directory does not exist (a
 * rootless container's cgroup, made only where it was delegated). */
size_t kk_cgroup_keep_existing(struct kk_cgroup *cg);
/* The first linux.resources field that asks for a limit, or NULL. Device
 * rules do not count: an unprivileged runtime cannot set them (runc skips
 * them in a user namespace), and the user namespace already keeps the
 * container from devices its user could not open. */
const char *kk_cgroup_asked(const struct kk_resources *res);
/* Plan no device rules for this cgroup (rootless: writing devices.deny or
 * attaching a device program needs CAP_SYS_ADMIN on the host). */
void kk_cgroup_skip_devices(struct kk_cgroup *cg);

/* Puts pid into the container's cgroup in every hierarchy. */
int kk_cgroup_enter(struct kk_cgroup *cg, pid_t pid, struct kk_error *err);

/* The pids in the container's cgroup and its sub-cgroups (for kill --all,
 * delete --force and ps). *pids is malloc'ed. */
int kk_cgroup_pids(struct kk_cgroup *cg, pid_t **pids, size_t *n, struct kk_error *err);

/* Freezes (frozen) or thaws every process of the cgroup, through the v1
 * freezer controller or v2's cgroup.freeze, and waits (at most 10 s) until
 * the kernel reports it done. */
int kk_cgroup_freeze(struct kk_cgroup *cg, bool frozen, struct kk_error *err);

/* Whether the cgroup is frozen (false when it has no freezer directory). */
int kk_cgroup_frozen(struct kk_cgroup *cg, bool *frozen, struct kk_error *err);

/* Sends sig to every process of the cgroup (and its sub-cgroups) while it
 * is frozen, then thaws it unless it was paused before (a SIGKILL thaws it
 * anyway); *n is how many were signalled. */
int kk_cgroup_signal_all(struct kk_cgroup *cg, int sig, size_t *n, struct kk_error *err);

/* Removes the container's directories, sub-cgroups first, in every
 * hierarchy; missing ones are fine, busy ones an error. */
int kk_cgroup_remove(struct kk_cgroup *cg, struct kk_error *err);

/* --- exec --cgroup (owner: runtime/cgroup/subgroup.c) ---------------------
 * runc's `exec --cgroup`: args are "PATH" (alone: every hierarchy) or
 * "CTRL[,CTRL]:PATH" (those controllers' hierarchies), PATH relative to
 * the container's cgroup, no "..", made beforehand by the caller. *out is a
 * copy of cg whose chosen hierarchies point at the sub-cgroups (the others
 * at the container's), for kk_cgroup_enter; free with kk_cgroup_free.
 * Errors name --cgroup. Reads only. */
int kk_cgroup_open_sub(const struct kk_cgroup *cg, const char *const *args, size_t n,
		       struct kk_cgroup **out, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
