/* Whether a namespace the config lists is the container's own. A path may
 * lead back to the host's namespace (/proc/1/ns/net, /proc/self/ns/uts of
 * any host process): joining it is allowed, but then whatever the config
 * would change in it (net.* and IPC sysctls, the uts names) is refused, by
 * the same rule as when the namespace is not listed at all. runc refuses
 * only the network case; a container that writes the host's hostname or
 * shm limits harms the host just the same.
 *
 * "The host's" is kakoi's own namespace or PID 1's (where it can be read):
 * the same nsfs inode (st_dev and st_ino). This runs at plan time, in the
 * runtime, before anything is created; a path that cannot be read counts as
 * the host's, since nothing shows that it is not. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"

struct ns_names {
	int type;
	const char *file;  /* under /proc/<pid>/ns */
	const char *label; /* in messages, as config.json spells the type */
};

static const struct ns_names names[] = {
	{CLONE_NEWNET, "net", "network"}, {CLONE_NEWIPC, "ipc", "ipc"},
	{CLONE_NEWUTS, "uts", "uts"},	  {CLONE_NEWNS, "mnt", "mount"},
	{CLONE_NEWPID, "pid", "pid"},	  {CLONE_NEWCGROUP, "cgroup", "cgroup"},
	{CLONE_NEWUSER, "user", "user"},
};

static const struct ns_names *find_names(int type)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return &names[i];
	return NULL;
}

/* 1 same, 0 not, -1 unreadable (errno). */
static int same_as(const struct stat *st, const char *pid, const char *file)
{
	char path[64];
	struct stat other;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, file);
	if (stat(path, &other) < 0)
		return -1;
	return st->st_dev == other.st_dev && st->st_ino == other.st_ino;
}

/* Is the namespace at path the host's? Says why in why when it is (or may be). */
static bool is_hosts(const struct ns_names *n, const char *path, char *why, size_t len)
{
	struct stat st;
	int self, init;

	if (stat(path, &st) < 0) {
		snprintf(why, len, "cannot tell whether the %s namespace at %s is the host's: %s",
			 n->label, path, strerror(errno));
		return true;
	}
	self = same_as(&st, "self", n->file);
	if (self < 0) {
		snprintf(why, len,
			 "cannot tell whether the %s namespace at %s is the host's: "
			 "/proc/self/ns/%s: %s",
			 n->label, path, n->file, strerror(errno));
		return true;
	}
	/* PID 1's may be unreadable (a restricted /proc): kakoi's own still counts. */
	init = same_as(&st, "1", n->file);
	if (self == 1 || init == 1) {
		snprintf(why, len, "the %s namespace at %s is the host's", n->label, path);
		return true;
	}
	return false;
}

bool kk_rootfs_own_ns(const struct kk_spec *spec, int type, char *why, size_t len)
{
	const struct kk_linux *l = spec->linux_;
	const struct ns_names *n = find_names(type);

	why[0] = '\0';
	for (size_t i = 0; l != NULL && i < l->n_namespaces; i++) {
		const struct kk_namespace *ns = &l->namespaces[i];

		if (ns->type != type)
			continue;
		if (ns->path == NULL)
			return true;
		return n != NULL && !is_hosts(n, ns->path, why, len);
	}
	return false;
}

bool kk_rootfs_mount_ns_shared(const struct kk_spec *spec, const char **path)
{
	const struct kk_linux *l = spec->linux_;

	*path = NULL;
	for (size_t i = 0; l != NULL && i < l->n_namespaces; i++) {
		if (l->namespaces[i].type != CLONE_NEWNS)
			continue;
		*path = l->namespaces[i].path;
		return *path != NULL;
	}
	return true;
}
