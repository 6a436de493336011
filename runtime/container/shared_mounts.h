/* Mounts in a shared mount namespace (shared_mounts.c). */
#ifndef KK_CONTAINER_SHARED_MOUNTS_H
#define KK_CONTAINER_SHARED_MOUNTS_H

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/plan.h"
#include "runtime/state/state.h"

/* When the container has no mount namespace of its own (none listed, or
 * one joined by path): a host-prepare op that records, before the init
 * mounts anything, the mount now at the rootfs in that namespace (the
 * "mounts" state file) and registers their removal on undo. */
int kk_plan_shared_mounts(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

/* Takes away every mount stacked on the recorded rootfs since create, in
 * the recorded namespace. A namespace that is gone took them with it; one
 * that is not the recorded one (another namespace behind the path, or
 * delete run from another mount namespace) is left alone with a warning. */
int kk_shared_mounts_release(const struct kk_mounts_record *r, struct kk_error *err);

/* For delete: reads the container's "mounts" file, if it has one, and
 * releases what it records. */
int kk_shared_mounts_delete(int dir_fd, struct kk_error *err);

#endif
