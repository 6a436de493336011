/* Bind-mount sources in a user namespace (runc's mount source fds).
 *
 * The init is cloned into its user namespace, so from its first
 * instruction it has no power over the host's files: a source that host
 * root can reach and the container's root cannot (under a 0700 directory,
 * say) would fail to mount, where runc and crun mount it. So the init asks
 * the runtime, still host root, to open each bind source, and binds from
 * the fds it gets back. The runtime opens them in the init's own mount
 * namespace (through /proc/<init>/root): the kernel binds only mounts of
 * the caller's namespace, and those copies keep the locks the kernel put on
 * them for a less privileged namespace (a host mount cloned from the
 * host's namespace would not). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/mount_sources.h"
#include "runtime/container/sync.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/sys/sys.h"

static bool has_userns(const struct kk_spec *spec)
{
	const struct kk_linux *l = spec->linux_;

	for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == CLONE_NEWUSER)
			return true;
	return false;
}

/* Receives one fd per bind mount, in mount order (the runtime walks the
 * same list). */
static int receive_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_spec *spec = ctx->spec;
	int *fds = calloc(spec->n_mounts + 1, sizeof(*fds));
	char path[PATH_MAX];

	(void)op;
	if (fds == NULL)
		return kk_error_sys(err, ENOMEM, "mount sources");
	for (size_t i = 0; i < spec->n_mounts; i++)
		fds[i] = -1;
	/* Owned by the init until execve: each mount closes its own. */
	ctx->mount_sources = fds;
	if (kk_msg_send(ctx->sync_fd, KK_MSG_MOUNT_SOURCES, -1, err) < 0)
		return -1;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		int r = kk_rootfs_bind_source(&spec->mounts[i], i, ctx->bundle, path, sizeof(path),
					      err);

		if (r <= 0) {
			if (r < 0)
				return -1;
			continue;
		}
		if (kk_msg_expect(ctx->sync_fd, KK_MSG_MOUNT_SOURCE, &fds[i], NULL, err) < 0)
			return -1;
		if (fds[i] < 0)
			return kk_error_set(err, KK_ERR_INTERNAL, "mounts[%zu]: no source fd", i);
	}
	return 0;
}

static void receive_describe(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len,
		 "get the bind sources, opened (idmapped ones cloned and idmapped) by "
		 "the runtime as host root");
}

static const struct kk_op_type receive_op = {
	.name = "mount-sources",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = receive_apply,
	.describe = receive_describe,
};

int kk_plan_mount_sources(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	struct kk_op op = {.type = &receive_op};
	char path[PATH_MAX];
	bool any = false;

	bool idmapped = false;

	for (size_t i = 0; i < spec->n_mounts; i++) {
		int r = kk_rootfs_bind_source(&spec->mounts[i], i, NULL, path, sizeof(path), err);
		bool tree_rec, idmap_rec;

		if (r < 0)
			return -1;
		any |= r > 0;
		r = r > 0 ? kk_rootfs_idmapped(&spec->mounts[i], i, &tree_rec, &idmap_rec, err) : 0;
		if (r < 0)
			return -1;
		if (r > 0 && geteuid() != 0)
			return kk_error_set(
				err, KK_ERR_INVALID,
				"mounts[%zu].options: an idmapped mount needs host root "
				"(mount_setattr on the source's file system); kakoi is "
				"rootless",
				i);
		idmapped |= r > 0;
	}
	/* An unprivileged runtime can open nothing the init (mapped to the
	 * same user) cannot, and could not enter its /proc/<pid>/root once
	 * the init is not dumpable: the init opens its sources itself. */
	if (!idmapped && (!has_userns(spec) || geteuid() != 0))
		return 0;
	return any ? kk_plan_insert_before(plan, "mount", &op, err) : 0;
}

static int send_one(const struct kk_ctx *ctx, int root, size_t i, struct kk_error *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
	char path[PATH_MAX];
	const char *rel = path;
	KK_AUTOCLOSE int fd = -1;
	int r = kk_rootfs_bind_source(&ctx->spec->mounts[i], i, ctx->bundle, path, sizeof(path),
				      err);

	bool tree_rec, idmap_rec;

	if (r <= 0)
		return r;
	r = kk_rootfs_idmapped(&ctx->spec->mounts[i], i, &tree_rec, &idmap_rec, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		fd = kk_idmapped_tree(ctx->spec, i, path, tree_rec, idmap_rec, err);
		return fd < 0 ? -1 : kk_msg_send(ctx->sync_fd, KK_MSG_MOUNT_SOURCE, fd, err);
	}
	while (*rel == '/')
		rel++;
	fd = kk_sys()->openat2(root, *rel != '\0' ? rel : ".", &how, sizeof(how));
	if (fd < 0)
		return kk_error_sys(err, errno, "source: open %s", path);
	return kk_msg_send(ctx->sync_fd, KK_MSG_MOUNT_SOURCE, fd, err);
}

int kk_mount_sources_send(const struct kk_ctx *ctx, struct kk_error *err)
{
	char proc[64];
	KK_AUTOCLOSE int root = -1;

	snprintf(proc, sizeof(proc), "/proc/%d/root", (int)ctx->init_pid);
	root = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return kk_error_sys(err, errno, "open %s", proc);
	for (size_t i = 0; i < ctx->spec->n_mounts; i++)
		if (send_one(ctx, root, i, err) < 0) {
			kk_error_prefix(err, "mounts[%zu]", i);
			return -1;
		}
	return 0;
}
