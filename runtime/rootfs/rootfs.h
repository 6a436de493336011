/* runtime/rootfs: everything the init does to give the container its own
 * filesystem view, in config order: rootfs propagation and the bind of the
 * rootfs onto itself, the mounts, /dev (default and configured devices, the
 * standard symlinks, ptmx), pivot_root (or MS_MOVE + chroot with
 * --no-pivot), masked and read-only paths, a read-only root, sysctls, the
 * hostname and the domain name.
 *
 * All of it runs in the init. In a mount namespace of the container's own
 * it needs no undo: the namespace dies with the init. Without one (none
 * listed, or one joined by path: kk_rootfs_mount_ns_shared) the host's "/"
 * and the rootfs' parent keep their propagation, the bind of the rootfs is
 * made private so every later mount hangs from it unseen by others, the
 * rootfs is entered by chroot, and the runtime takes the bind away on
 * failure and delete (runtime/container/shared_mounts.c). Paths inside the
 * rootfs are resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 * through kk_rootfs_open, so a symlink in an attacker-controlled rootfs
 * never leads out of it. */
#ifndef KK_RUNTIME_ROOTFS_H
#define KK_RUNTIME_ROOTFS_H

#include <stdbool.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends the init-rootfs ops for spec. Refuses, before anything runs, what
 * can only fail later (a mount option runc does not know, a relative
 * destination, a sysctl that needs a namespace the
 * container does not have), naming the field. */
int kk_plan_rootfs(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

/* True when the clone makes no mount namespace for the container: none is
 * listed (the runtime's is inherited), or one is joined by path (*path). */
bool kk_rootfs_mount_ns_shared(const struct kk_spec *spec, const char **path);

/* Opens path (taken relative to root_fd even when absolute) without leaving
 * root_fd: no "..", symlink or magic link resolves outside it. */
int kk_rootfs_open(int root_fd, const char *path, int flags, struct kk_error *err);

/* When mounts[index] is a bind mount: its source as a host path (runc: a
 * relative one is relative to bundle) into buf, and 1; 0 when it is not a
 * bind mount. */
int kk_rootfs_bind_source(const struct kk_mount *m, size_t index, const char *bundle, char *buf,
			  size_t len, struct kk_error *err);

/* Is mounts[index] an idmapped bind ("idmap", "ridmap", or mappings of its
 * own)? 1 and *tree_recursive (rbind: the copy takes the mounts under the
 * source), *idmap_recursive (ridmap: they are idmapped too); 0 when not;
 * -1 with err when its options are refused. */
int kk_rootfs_idmapped(const struct kk_mount *m, size_t index, bool *tree_recursive,
		       bool *idmap_recursive, struct kk_error *err);

/* The mount option words kakoi applies itself (flags, propagation and
 * tmpcopyup), by index; NULL past the last. For `kakoi features`. */
const char *kk_mount_option_name(size_t i);

#ifdef __cplusplus
}
#endif

#endif
