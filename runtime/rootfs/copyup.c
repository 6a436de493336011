/* "tmpcopyup" (runc's mount extension; Podman sends it for --tmpfs, --mount
 * type=tmpfs and the tmpfs of --read-only): the new tmpfs starts with a copy
 * of the directory it covers.
 *
 * The covered directory is opened before the mount, and that fd still reads
 * it afterwards, below the tmpfs. The copy walks it fd-relative with an
 * explicit stack (no recursion as deep as the container likes), never
 * follows a symlink and never resolves a name from "/": the tree is the
 * container's, so a link to a host path is copied as a link, not read
 * through. The walk stays on the covered directory's mount (a directory
 * with something mounted on it is copied empty). A tree bigger than the
 * tmpfs fails with the kernel's ENOSPC, named; hard links become separate
 * files and extended attributes are not copied (as runc). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

#define COPY_BUF_SIZE (64 * 1024)
/* Room for the label and every name the depth bound allows: a message path
 * is never cut. */
#define MSG_PATH_MAX (PATH_MAX + (KK_COPYUP_DEPTH_MAX + 1) * (NAME_MAX + 1))

/* One directory being copied: its entries are read from src and made in
 * dst; src's owner and mode go onto dst once they are all in, so a
 * read-only mode never blocks its own entries. */
struct frame {
	DIR *src;
	int dst;
	size_t path_len; /* of walk.path up to this directory */
	struct stat st;
};

struct walk {
	struct frame stack[KK_COPYUP_DEPTH_MAX + 1];
	size_t depth;
	unsigned long long mnt_id; /* of the covered directory */
	char buf[COPY_BUF_SIZE];
	char path[MSG_PATH_MAX]; /* for messages only, never resolved */
};

static void walk_free(struct walk **wp)
{
	struct walk *w = *wp;

	if (w == NULL)
		return;
	for (size_t i = 0; i < w->depth; i++) {
		int saved = errno;

		closedir(w->stack[i].src);
		close(w->stack[i].dst);
		errno = saved;
	}
	free(w);
}

/* walk.path becomes "<directory's path>/name". */
static void path_set(struct walk *w, const char *name)
{
	size_t len = w->stack[w->depth - 1].path_len;

	snprintf(w->path + len, sizeof(w->path) - len, "/%s", name);
}

/* Owner before mode: a chown clears the set-user-ID and set-group-ID bits. */
static int set_owner_mode(int fd, const struct stat *st, const char *path, struct kk_error *err)
{
	if (kk_sys()->fchownat(fd, "", st->st_uid, st->st_gid, AT_EMPTY_PATH) < 0)
		return kk_error_sys(err, errno, "chown %s", path);
	if (kk_sys()->fchmod(fd, st->st_mode & 07777) < 0)
		return kk_error_sys(err, errno, "chmod %s", path);
	return 0;
}

static int push(struct walk *w, DIR *src, int dst, const char *path, struct kk_error *err)
{
	struct frame *f = &w->stack[w->depth];

	if (fstat(dirfd(src), &f->st) < 0) {
		kk_error_sys(err, errno, "stat %s", path);
		closedir(src);
		close(dst);
		return -1;
	}
	f->src = src;
	f->dst = dst;
	f->path_len = strlen(w->path);
	w->depth++;
	return 0;
}

/* The directory's entries are all in: its owner and mode, then back up. */
static int pop(struct walk *w, struct kk_error *err)
{
	struct frame *f = &w->stack[w->depth - 1];
	int r;

	w->path[f->path_len] = '\0';
	r = set_owner_mode(f->dst, &f->st, w->path, err);
	closedir(f->src);
	close(f->dst);
	w->depth--;
	return r;
}

/* The mount ID of what fd is on, 0 (errno) when statx fails: IDs start
 * at 1. */
static unsigned long long mount_id(int fd)
{
	struct statx stx;

	return statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ? 0 : stx.stx_mnt_id;
}

/* 1 when the directory fd is on another mount than the covered directory,
 * 0 when not, -1 (errno) when statx fails. */
static int other_mount(const struct walk *w, int fd)
{
	unsigned long long id = mount_id(fd);

	return id == 0 ? -1 : id != w->mnt_id;
}

/* A directory on which something is mounted is copied empty, as cp -x
 * does: the walk stays on the covered file system, so a rootfs symlink that
 * makes the tmpfs cover "/" cannot pull proc or sysfs into the copy. */
static int copy_mount_point(const struct walk *w, int src, int dst, struct kk_error *err)
{
	struct stat st;

	if (fstat(src, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", w->path);
	return set_owner_mode(dst, &st, w->path, err);
}

static int copy_dir(struct walk *w, int src_parent, int dst_parent, const char *name,
		    struct kk_error *err)
{
	KK_AUTOCLOSE int src = -1;
	KK_AUTOCLOSE int dst = -1;
	DIR *dir;
	int r;

	if (w->depth > KK_COPYUP_DEPTH_MAX)
		return kk_error_set(err, KK_ERR_LIMIT, "copy %s: deeper than %d directories",
				    w->path, KK_COPYUP_DEPTH_MAX);
	src = openat(src_parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return kk_error_sys(err, errno, "open %s", w->path);
	if (kk_sys()->mkdirat(dst_parent, name, 0700) < 0)
		return kk_error_sys(err, errno, "mkdir %s", w->path);
	dst = kk_sys()->openat(dst_parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			       0);
	if (dst < 0)
		return kk_error_sys(err, errno, "open the copy of %s", w->path);
	if ((r = other_mount(w, src)) < 0)
		return kk_error_sys(err, errno, "stat %s", w->path);
	if (r > 0)
		return copy_mount_point(w, src, dst, err);
	if ((dir = fdopendir(src)) == NULL)
		return kk_error_sys(err, errno, "read %s", w->path);
	kk_steal_fd(&src);
	return push(w, dir, kk_steal_fd(&dst), w->path, err);
}

static int copy_bytes(struct walk *w, int src, int dst, struct kk_error *err)
{
	for (;;) {
		ssize_t n = read(src, w->buf, sizeof(w->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "read %s", w->path);
		if (n == 0)
			return 0;
		for (ssize_t done = 0; done < n;) {
			ssize_t m = kk_sys()->write(dst, w->buf + done, (size_t)(n - done));

			if (m < 0 && errno == EINTR)
				continue;
			if (m < 0)
				return kk_error_sys(err, errno, "copy %s", w->path);
			done += m;
		}
	}
}

/* O_NONBLOCK: an entry swapped for a fifo since the stat must not hang
 * the init; the fstat of what was opened decides. */
static int copy_file(struct walk *w, int src_parent, int dst_parent, const char *name,
		     struct kk_error *err)
{
	KK_AUTOCLOSE int src =
		openat(src_parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	KK_AUTOCLOSE int dst = -1;
	struct stat st;

	if (src < 0)
		return kk_error_sys(err, errno, "open %s", w->path);
	if (fstat(src, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", w->path);
	if (!S_ISREG(st.st_mode))
		return kk_error_set(err, KK_ERR_INVALID, "copy %s: changed while copied", w->path);
	dst = kk_sys()->openat(dst_parent, name,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return kk_error_sys(err, errno, "create the copy of %s", w->path);
	if (copy_bytes(w, src, dst, err) < 0)
		return -1;
	return set_owner_mode(dst, &st, w->path, err);
}

static int copy_symlink(struct walk *w, int src_parent, int dst_parent, const char *name,
			const struct stat *st, struct kk_error *err)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src_parent, name, target, sizeof(target) - 1);

	if (n < 0)
		return kk_error_sys(err, errno, "readlink %s", w->path);
	target[n] = '\0';
	if (kk_sys()->symlinkat(target, dst_parent, name) < 0)
		return kk_error_sys(err, errno, "symlink %s", w->path);
	if (kk_sys()->fchownat(dst_parent, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return kk_error_sys(err, errno, "chown %s", w->path);
	return 0;
}

/* A fifo or a device node. The seam has no fchmodat: the mode is set by
 * name, without following, on the node just made in the new tmpfs. */
static int copy_node(struct walk *w, int dst_parent, const char *name, const struct stat *st,
		     struct kk_error *err)
{
	if (kk_sys()->mknodat(dst_parent, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0)
		return kk_error_sys(err, errno, "mknod %s", w->path);
	if (kk_sys()->fchownat(dst_parent, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return kk_error_sys(err, errno, "chown %s", w->path);
	if (fchmodat(dst_parent, name, st->st_mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
		return kk_error_sys(err, errno, "chmod %s", w->path);
	return 0;
}

static int copy_entry(struct walk *w, const char *name, struct kk_error *err)
{
	struct frame *f = &w->stack[w->depth - 1];
	int src = dirfd(f->src);
	struct stat st;

	path_set(w, name);
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return kk_error_sys(err, errno, "stat %s", w->path);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_dir(w, src, f->dst, name, err);
	case S_IFREG:
		return copy_file(w, src, f->dst, name, err);
	case S_IFLNK:
		return copy_symlink(w, src, f->dst, name, &st, err);
	case S_IFIFO:
	case S_IFCHR:
	case S_IFBLK:
		return copy_node(w, f->dst, name, &st, err);
	default: /* a socket belongs to a process that is gone */
		return 0;
	}
}

/* The next entry of the innermost directory, or NULL (errno 0) at its end. */
static const char *next_name(struct walk *w)
{
	struct dirent *d;

	do {
		errno = 0;
		d = readdir(w->stack[w->depth - 1].src);
	} while (d != NULL && (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0));
	return d != NULL ? d->d_name : NULL;
}

/* "." opens a new description of the same directory (never a mount on it),
 * so the walk has its own read position and the caller keeps its fds. */
static int push_top(struct walk *w, int src_dir, int dst_dir, struct kk_error *err)
{
	KK_AUTOCLOSE int src = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dst;
	DIR *dir;

	if (src < 0 || (w->mnt_id = mount_id(src)) == 0)
		return kk_error_sys(err, errno, "open %s", w->path);
	if ((dir = fdopendir(src)) == NULL)
		return kk_error_sys(err, errno, "read %s", w->path);
	kk_steal_fd(&src);
	if ((dst = openat(dst_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		kk_error_sys(err, errno, "open the copy of %s", w->path);
		closedir(dir);
		return -1;
	}
	return push(w, dir, dst, w->path, err);
}

int kk_rootfs_copy_tree(int src_dir, int dst_dir, const char *label, struct kk_error *err)
{
	KK_CLEANUP(walk_free) struct walk *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return kk_error_sys(err, errno, "copy %s", label);
	snprintf(w->path, PATH_MAX, "%s", strcmp(label, "/") == 0 ? "" : label);
	if (push_top(w, src_dir, dst_dir, err) < 0)
		return -1;
	while (w->depth > 0) {
		const char *name = next_name(w);

		if (name != NULL) {
			if (copy_entry(w, name, err) < 0)
				return -1;
		} else if (errno != 0) {
			w->path[w->stack[w->depth - 1].path_len] = '\0';
			return kk_error_sys(err, errno, "read %s", w->path);
		} else if (pop(w, err) < 0) {
			return -1;
		}
	}
	return 0;
}

int kk_rootfs_copyup_open(int root_fd, const char *path, int *covered, struct kk_error *err)
{
	struct statfs fs;

	*covered = kk_rootfs_open(root_fd, path, O_RDONLY | O_DIRECTORY, err);
	/* Only a directory of the image is copied: never what a link in the
	 * rootfs leads to on procfs or sysfs (kernel files, read as root). */
	if (*covered >= 0 && fstatfs(*covered, &fs) == 0 && fs.f_type != PROC_SUPER_MAGIC &&
	    fs.f_type != SYSFS_MAGIC)
		return 0;
	if (*covered >= 0) {
		kk_closep(covered);
		return kk_error_set(err, KK_ERR_ISOLATION,
				    "tmpcopyup: %s is on procfs or sysfs: refusing to copy it",
				    path);
	}
	if (err->sys_errno != ENOENT) {
		kk_error_prefix(err, "tmpcopyup");
		return -1;
	}
	kk_error_clear(err);
	return 0;
}

/* What path reaches now must be the root of a tmpfs that sits where the
 * covered directory is (same parent, another mount): the copy goes nowhere
 * else even if the path changed since the mount. */
static int check_new_mount(int top, int covered, const char *path, struct kk_error *err)
{
	struct statx t, c;
	struct stat tp, cp;
	struct statfs fs;

	if (statx(top, "", AT_EMPTY_PATH, STATX_MNT_ID, &t) < 0 ||
	    statx(covered, "", AT_EMPTY_PATH, STATX_MNT_ID, &c) < 0 || fstatfs(top, &fs) < 0 ||
	    fstatat(top, "..", &tp, 0) < 0 || fstatat(covered, "..", &cp, 0) < 0)
		return kk_error_sys(err, errno, "stat %s", path);
	if (fs.f_type != TMPFS_MAGIC || !(t.stx_attributes & STATX_ATTR_MOUNT_ROOT) ||
	    t.stx_mnt_id == c.stx_mnt_id || tp.st_dev != cp.st_dev || tp.st_ino != cp.st_ino)
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s is not the new tmpfs on the covered directory", path);
	return 0;
}

int kk_rootfs_copyup(int root_fd, const char *path, int covered, struct kk_error *err)
{
	KK_AUTOCLOSE int top = kk_rootfs_open(root_fd, path, O_RDONLY | O_DIRECTORY, err);

	if (top < 0 || check_new_mount(top, covered, path, err) < 0 ||
	    kk_rootfs_copy_tree(covered, top, path, err) < 0) {
		kk_error_prefix(err, "tmpcopyup");
		return -1;
	}
	return 0;
}
