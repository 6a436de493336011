/* Idmapped bind mounts (mounts[].uidMappings/gidMappings, "idmap",
 * "ridmap"), made by the runtime as host root: mount_setattr(MOUNT_ATTR_IDMAP)
 * needs CAP_SYS_ADMIN where the source's file system was mounted, which the
 * init, in its user namespace, lacks. The runtime clones the source into a
 * detached tree (open_tree), idmaps it with a user namespace holding the
 * mappings, and hands the tree's fd to the init, which attaches it
 * (rootfs/mounts.c). A file on disk owned by containerID shows as hostID
 * through the mount, and one written by hostID lands as containerID.
 *
 * Nothing outlives the exchange on the host: the helper process that holds
 * the mappings' namespace is killed and reaped before this returns, and a
 * detached tree goes away with its last fd unless the init attaches it in
 * its own mount namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/mount_sources.h"
#include "runtime/container/namespaces.h"
#include "runtime/sys/sys.h"

/* A user namespace with these mappings, as an fd: a child is cloned into a
 * new one and waits while we write its maps and open its ns file, then
 * leaves. */
static int mappings_ns(const struct kk_id_mappings *uid, const struct kk_id_mappings *gid,
		       struct kk_error *err)
{
	struct clone_args args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	KK_AUTOCLOSE int hold = -1;
	char path[64];
	int p[2], fd = -1;
	long pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return kk_error_sys(err, errno, "pipe for the idmap namespace");
	pid = kk_sys()->clone3(&args, sizeof(args));
	if (pid == 0) {
		char c;

		close(p[1]);
		(void)!read(p[0], &c, 1); /* EOF: the runtime is done with us */
		_exit(0);
	}
	close(p[0]);
	hold = p[1];
	if (pid < 0)
		return kk_error_sys(err, errno, "clone a user namespace for the idmap");
	if (kk_idmap_write((pid_t)pid, "uid_map", uid, err) == 0 &&
	    kk_idmap_write((pid_t)pid, "gid_map", gid, err) == 0) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/user", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			kk_error_sys(err, errno, "open %s", path);
	}
	kk_closep(&hold);
	while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* The mount's own mappings, else the container's (runc's "idmap" alone). */
static int pick_mappings(const struct kk_spec *spec, const struct kk_mount *m, size_t index,
			 const struct kk_id_mappings **uid, const struct kk_id_mappings **gid,
			 struct kk_error *err)
{
	const struct kk_linux *lx = spec->linux_;

	*uid = &m->uid_mappings;
	*gid = &m->gid_mappings;
	if (m->uid_mappings.n > 0)
		return 0;
	if (lx == NULL || lx->uid_mappings.n == 0 || lx->gid_mappings.n == 0)
		return kk_error_set(err, KK_ERR_INVALID,
				    "mounts[%zu].options: idmap without mounts[%zu].uidMappings "
				    "takes the container's, and linux.uidMappings has none",
				    index, index);
	*uid = &lx->uid_mappings;
	*gid = &lx->gid_mappings;
	return 0;
}

int kk_idmapped_tree(const struct kk_spec *spec, size_t index, const char *source,
		     bool tree_recursive, bool idmap_recursive, struct kk_error *err)
{
	const struct kk_id_mappings *uid, *gid;
	KK_AUTOCLOSE int ns = -1, tree = -1;
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP};

	if (pick_mappings(spec, &spec->mounts[index], index, &uid, &gid, err) < 0)
		return -1;
	ns = mappings_ns(uid, gid, err);
	if (ns < 0)
		return -1;
	tree = kk_sys()->open_tree(AT_FDCWD, source,
				   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					   (tree_recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return kk_error_sys(err, errno, "source: open_tree %s", source);
	attr.userns_fd = (uint64_t)ns;
	if (kk_sys()->mount_setattr(tree, "", AT_EMPTY_PATH | (idmap_recursive ? AT_RECURSIVE : 0),
				    &attr, sizeof(attr)) < 0)
		return kk_error_sys(err, errno, "idmap %s (mount_setattr)", source);
	return kk_steal_fd(&tree);
}
