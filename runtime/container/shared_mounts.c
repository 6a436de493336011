/* Mounts in a shared mount namespace (issue 11, item 12).
 *
 * The spec: a namespace that is not listed is inherited from the runtime,
 * and one given by path is joined; the container process MUST be there.
 * So without a mount namespace of its own the init makes its mounts (the
 * rootfs bound onto itself, /proc, /dev, the config's) in a namespace others
 * share, often the host's, and enters the rootfs by chroot (runtime/rootfs:
 * pivot_root would move the root of everyone in the namespace). The bind
 * of the rootfs is made private first, so nothing mounted under it travels
 * to other namespaces, and all of it hangs from that one bind.
 *
 * runc leaves those mounts behind. Here the runtime notes, before the init
 * exists, which mount is at the rootfs in that namespace (statx's mount
 * id), in the state file "mounts", and registers the undo: unmount (lazily)
 * whatever is stacked above it, until the recorded mount is on top again.
 * A rootfs that was itself a mount point (a manager's overlay) stays.
 * Delete does the same from the file. A namespace joined by path is
 * entered by a short-lived child (setns needs a process of its own). */
#define _GNU_SOURCE
#include "runtime/container/shared_mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/sys/sys.h"

/* A bound on the layers to take away: more than this many stacked on one
 * rootfs is not ours. */
#define MAX_LAYERS 64

static int mount_id_at(const char *path, uint64_t *id, struct kk_error *err)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) < 0)
		return kk_error_sys(err, errno, "statx %s", path);
	if (!(stx.stx_mask & STATX_MNT_ID))
		return kk_error_set(err, KK_ERR_SYS,
				    "statx %s: the kernel gives no mount id (Linux 5.8)", path);
	*id = stx.stx_mnt_id;
	return 0;
}

typedef int (*in_ns_fn)(const struct kk_mounts_record *r, uint64_t *out, struct kk_error *err);

static int note_mount(const struct kk_mounts_record *r, uint64_t *out, struct kk_error *err)
{
	return mount_id_at(r->rootfs, out, err);
}

/* Unmounts the top of the rootfs until the recorded mount is on top. */
static int detach_stacked(const struct kk_mounts_record *r, uint64_t *out, struct kk_error *err)
{
	*out = 0;
	for (int i = 0; i < MAX_LAYERS; i++) {
		uint64_t id;

		if (mount_id_at(r->rootfs, &id, err) < 0) {
			if (err->sys_errno != ENOENT)
				return -1;
			kk_error_clear(err); /* the rootfs is gone, and its mounts */
			return 0;
		}
		if (id == r->mnt_id)
			return 0;
		if (kk_sys()->umount2(r->rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
			return kk_error_sys(err, errno, "unmount %s", r->rootfs);
		(*out)++;
	}
	return kk_error_set(err, KK_ERR_SYS, "%s: more than %d mounts stacked on it", r->rootfs,
			    MAX_LAYERS);
}

struct reply {
	int rc;
	uint64_t out;
	struct kk_error err;
};

static int read_reply(int fd, struct reply *rep, struct kk_error *err)
{
	size_t got = 0;

	while (got < sizeof(*rep)) {
		ssize_t n = read(fd, (char *)rep + got, sizeof(*rep) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kk_error_set(err, KK_ERR_INTERNAL,
					    "the mount namespace helper died");
		got += (size_t)n;
	}
	return 0;
}

__attribute__((noreturn)) static void in_ns_child(int ns_fd, int out_fd, in_ns_fn fn,
						  const struct kk_mounts_record *r)
{
	struct reply rep = {0};

	if (kk_sys()->setns(ns_fd, CLONE_NEWNS) < 0)
		rep.rc = kk_error_sys(&rep.err, errno, "enter mount namespace %s", r->ns_path);
	else
		rep.rc = fn(r, &rep.out, &rep.err);
	(void)!write(out_fd, &rep, sizeof(rep));
	_exit(0);
}

/* fn in the namespace of ns_fd (-1: here), from a child of our own. */
static int run_in_ns(int ns_fd, in_ns_fn fn, const struct kk_mounts_record *r, uint64_t *out,
		     struct kk_error *err)
{
	KK_AUTOCLOSE int rd = -1, wr = -1;
	struct reply rep;
	int p[2], rc;
	pid_t pid;

	if (ns_fd < 0)
		return fn(r, out, err);
	if (pipe2(p, O_CLOEXEC) < 0)
		return kk_error_sys(err, errno, "pipe");
	rd = p[0];
	wr = p[1];
	pid = fork();
	if (pid < 0)
		return kk_error_sys(err, errno, "fork");
	if (pid == 0)
		in_ns_child(ns_fd, wr, fn, r);
	kk_closep(&wr);
	rc = read_reply(rd, &rep, err);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return -1;
	if (rep.rc < 0) {
		*err = rep.err;
		return -1;
	}
	*out = rep.out;
	return 0;
}

static bool same_ns(const struct stat *st, const struct kk_mounts_record *r)
{
	return (uint64_t)st->st_dev == r->ns_dev && (uint64_t)st->st_ino == r->ns_ino;
}

/* The recorded namespace: *fd to enter it, -1 when it is ours; *here
 * false when it cannot be reached (gone, or not the one recorded), with
 * the reason in why. */
static int open_recorded_ns(const struct kk_mounts_record *r, int *fd, bool *here, char *why,
			    size_t len, struct kk_error *err)
{
	struct stat st;

	*fd = -1;
	*here = false;
	if (r->ns_path[0] == '\0') {
		if (stat("/proc/self/ns/mnt", &st) < 0)
			return kk_error_sys(err, errno, "stat /proc/self/ns/mnt");
		*here = same_ns(&st, r);
		if (!*here)
			snprintf(why, len, "kakoi runs in another mount namespace than at create");
		return 0;
	}
	*fd = open(r->ns_path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT) {
		snprintf(why, len, "%s is gone", r->ns_path);
		return 0;
	}
	if (*fd < 0)
		return kk_error_sys(err, errno, "open %s", r->ns_path);
	if (fstat(*fd, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", r->ns_path);
	*here = same_ns(&st, r);
	if (!*here)
		snprintf(why, len, "%s is another namespace now", r->ns_path);
	return 0;
}

int kk_shared_mounts_release(const struct kk_mounts_record *r, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = -1;
	char why[PATH_MAX + 64];
	uint64_t n = 0;
	bool here;

	if (open_recorded_ns(r, &fd, &here, why, sizeof(why), err) < 0)
		return -1;
	if (!here) {
		/* A path that is gone: so is the namespace, or it is held only
		 * elsewhere; either way we cannot reach it. */
		kk_warn("the container's mounts on %s were not removed: %s", r->rootfs, why);
		return 0;
	}
	if (run_in_ns(fd, detach_stacked, r, &n, err) < 0) {
		kk_error_prefix(err, "remove the container's mounts");
		return -1;
	}
	return 0;
}

static int release_undo(const void *arg, struct kk_error *err)
{
	return kk_shared_mounts_release(arg, err);
}

int kk_shared_mounts_delete(int dir_fd, struct kk_error *err)
{
	struct kk_mounts_record r;
	bool found;

	if (kk_mounts_record_read(dir_fd, &r, &found, err) < 0)
		return -1;
	return found ? kk_shared_mounts_release(&r, err) : 0;
}

static int fill_record(const struct kk_op *op, const struct kk_ctx *ctx, struct kk_mounts_record *r,
		       int *fd, struct kk_error *err)
{
	struct stat st;

	if (snprintf(r->rootfs, sizeof(r->rootfs), "%s", ctx->rootfs) >= (int)sizeof(r->rootfs) ||
	    (op->path != NULL &&
	     snprintf(r->ns_path, sizeof(r->ns_path), "%s", op->path) >= (int)sizeof(r->ns_path)))
		return kk_error_set(err, KK_ERR_LIMIT, "the rootfs or namespace path is too long");
	if (op->path == NULL) {
		if (stat("/proc/self/ns/mnt", &st) < 0)
			return kk_error_sys(err, errno, "stat /proc/self/ns/mnt");
	} else {
		*fd = open(op->path, O_RDONLY | O_CLOEXEC);
		if (*fd < 0 || fstat(*fd, &st) < 0)
			return kk_error_sys(err, errno, "linux.namespaces: open %s", op->path);
	}
	r->ns_dev = (uint64_t)st.st_dev;
	r->ns_ino = (uint64_t)st.st_ino;
	return 0;
}

static int record_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	struct kk_mounts_record r = {.magic = KK_MOUNTS_MAGIC, .version = KK_MOUNTS_VERSION};
	KK_AUTOCLOSE int fd = -1;

	if (ctx->rootfs == NULL || ctx->rootfs[0] != '/')
		return kk_error_set(err, KK_ERR_INTERNAL, "the rootfs path is not absolute");
	if (fill_record(op, ctx, &r, &fd, err) < 0 ||
	    run_in_ns(fd, note_mount, &r, &r.mnt_id, err) < 0)
		return -1;
	/* The file before the mounts it describes: a create killed after
	 * the init mounted leaves what delete needs. */
	if (kk_mounts_record_write(ctx->state_dir_fd, &r, err) < 0)
		return -1;
	return kk_undo_push(ctx->undo, "remove the container's mounts from the shared namespace",
			    release_undo, &r, sizeof(r), err);
}

static void record_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len,
		 "note the mount at the rootfs in %s, so the container's mounts there are "
		 "removed on failure and delete",
		 op->path != NULL ? op->path : "kakoi's mount namespace");
}

static const struct kk_op_type record_op = {
	.name = "shared-mounts",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = record_apply,
	.describe = record_describe,
};

int kk_plan_shared_mounts(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	struct kk_op op = {.type = &record_op};

	if (!kk_rootfs_mount_ns_shared(spec, &op.path))
		return 0;
	return kk_plan_add(plan, &op, err);
}
