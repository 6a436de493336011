/* Which namespaces the init gets: created new by the clone, or joined by
 * path. Joining happens in two places because of how the kernel works: a
 * pid namespace (and a new time namespace, whose offsets must be written
 * before any process is in it) only applies to children, so the runtime
 * enters it just before the clone and leaves it once the init exists; every
 * other path is joined by the init itself (init-join phase). */
#ifndef KK_CONTAINER_NAMESPACES_H
#define KK_CONTAINER_NAMESPACES_H

#include <stdint.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/plan.h"

/* CLONE_NEW* flags of the namespaces to create with the clone (no path). */
uint64_t kk_ns_clone_flags(const struct kk_spec *spec);

/* Appends: host-prepare ops that enter a pid namespace by path and create
 * a time namespace with its offsets (both only affect later children), the
 * host-attach ops that return the runtime's later children (hooks) to its
 * own pid and time namespaces and write a new user namespace's id maps, the init-join ops for
 * the other namespaces given by path (each refuses a path that no longer
 * leads to the namespace the plan saw). Without a mount namespace of the
 * container's own, shared_mounts.h takes care of the mounts. Refuses what cannot
 * work: a type twice, a relative or missing path, a new user namespace
 * without mappings. A user namespace joined by path owns the namespaces
 * the clone creates: the init is cloned from inside it (spawn.c). */
int kk_plan_namespaces(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

/* Parts of the above, one file each. */
int kk_plan_timens(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_plan_idmap(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

/* Writes m as /proc/<pid>/<file> (uid_map, gid_map) in one write. */
int kk_idmap_write(pid_t pid, const char *file, const struct kk_id_mappings *m,
		   struct kk_error *err);

/* An unprivileged runtime's maps for the init pid (idmap_rootless.c): its
 * own uid and gid written directly (setgroups "deny" first), any other
 * mapping through newuidmap/newgidmap, a clear error naming the field when
 * they are missing or refuse. */
int kk_idmap_unprivileged(pid_t pid, const struct kk_linux *lx, struct kk_error *err);

/* The namespace's name as in config.json ("mount", "network", ...). */
const char *kk_ns_name(int clone_flag);

/* The path of the namespace of type clone_flag that the config joins, or
 * NULL (not listed, or created). */
const char *kk_ns_joined_path(const struct kk_spec *spec, int clone_flag);

/* The path of a user namespace the config joins that is not kakoi's own
 * (the init must be cloned inside it), or NULL. */
const char *kk_ns_joined_userns(const struct kk_spec *spec);

#endif
