/* Paths inside the container's rootfs: the one place they are resolved.
 *
 * Everything goes through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 * relative to an fd of the rootfs, so ".." and symlinks (absolute ones
 * included) resolve as if the rootfs were "/", and mounts then target the
 * O_PATH fd through /proc/self/fd: what was checked is what is mounted on
 * (CVE-2021-30465). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "base/cleanup.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

/* -1 with errno, no err: callers decide whether ENOENT is an error. */
static int open_in_root(int root_fd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = resolve,
	};

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	return kk_sys()->openat2(root_fd, path, &how, sizeof(how));
}

int kk_rootfs_open(int root_fd, const char *path, int flags, struct kk_error *err)
{
	int fd = open_in_root(root_fd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);

	if (fd < 0)
		return kk_error_sys(err, errno, "open %s in the rootfs", path);
	return fd;
}

void kk_rootfs_fd_path(int fd, char buf[KK_FD_PATH_MAX])
{
	snprintf(buf, KK_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

#define REDIRECTED (-2)

/* An entry that exists although the lookup said ENOENT is a dangling
 * symlink: as runc (filepath-securejoin) does, the walk goes on at its
 * target, inside the root. Rewrites buf to "<dir of link>/<target>/<rest>".
 * Returns REDIRECTED, or 0 when the entry is not a symlink (a racing mkdir). */
static int redirect(int parent_fd, char *buf, char *comp, const char *rest, const char *path,
		    struct kk_error *err)
{
	char link[PATH_MAX], next[PATH_MAX];
	ssize_t n = readlinkat(parent_fd, comp, link, sizeof(link) - 1);

	if (n < 0 && errno == EINVAL)
		return 0;
	if (n < 0)
		return kk_error_sys(err, errno, "readlink %s in the rootfs", path);
	link[n] = '\0';
	comp[0] = '\0';
	if (snprintf(next, sizeof(next), "%s/%s/%s", link[0] == '/' ? "" : buf, link, rest) >=
	    (int)sizeof(next))
		return kk_error_set(err, KK_ERR_LIMIT, "%s: longer than %d bytes", path, PATH_MAX);
	memcpy(buf, next, sizeof(next));
	return REDIRECTED;
}

/* One missing component: created by name in its parent, then opened with
 * no symlink allowed, so a swap between the two calls fails closed. */
static int make_dir(int parent_fd, char *buf, char *comp, const char *rest, mode_t mode,
		    const char *path, struct kk_error *err)
{
	int fd;

	if (kk_sys()->mkdirat(parent_fd, comp, mode) < 0) {
		int r;

		if (errno != EEXIST)
			return kk_error_sys(err, errno, "mkdir %s in the rootfs", path);
		if ((r = redirect(parent_fd, buf, comp, rest, path, err)) != 0)
			return r;
	}
	fd = open_in_root(parent_fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW,
			  RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return kk_error_sys(err, errno, "open %s in the rootfs", path);
	return fd;
}

/* Walks buf ("a/b/c", no leading "/"): the existing prefix is resolved from
 * the root each time (symlinks followed inside it), the rest is created. */
static int walk_create(int root_fd, char *buf, mode_t mode, const char *path, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT);
	bool creating = false;
	char *comp = buf;

	if (fd < 0)
		return kk_error_sys(err, errno, "open the rootfs");
	while (*comp != '\0') {
		char *end = comp + strcspn(comp, "/");
		bool last = *end == '\0';
		int next = -1;

		*end = '\0';
		if (!creating) {
			next = open_in_root(root_fd, buf, O_PATH | O_DIRECTORY,
					    RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
			if (next < 0 && errno != ENOENT)
				return kk_error_sys(err, errno, "open %s in the rootfs", buf);
			creating = next < 0;
		}
		if (creating) {
			next = make_dir(fd, buf, comp, last ? "" : end + 1, mode, path, err);
			if (next < 0)
				return next;
		}
		kk_closep(&fd);
		fd = next;
		if (!last)
			*end = '/';
		comp = last ? end : end + 1;
	}
	return kk_steal_fd(&fd);
}

/* Lexical cleaning into out (absolute, no trailing "/"). */
static int clean_path(const char *path, char *out, size_t len)
{
	size_t n = 0;

	if (len < 2)
		return -1;
	for (const char *c = path; *c != '\0';) {
		size_t clen;

		while (*c == '/')
			c++;
		clen = strcspn(c, "/");
		if (clen == 0 || (clen == 1 && c[0] == '.')) {
			c += clen;
			continue;
		}
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && out[--n] != '/')
				;
			c += clen;
			continue;
		}
		if (n + 1 + clen >= len)
			return -1;
		out[n++] = '/';
		memcpy(out + n, c, clen);
		n += clen;
		c += clen;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

const char *kk_rootfs_clean(struct kk_plan *plan, const char *path, struct kk_error *err)
{
	char buf[PATH_MAX];

	if (clean_path(path, buf, sizeof(buf)) < 0) {
		kk_error_set(err, KK_ERR_LIMIT, "path longer than %d bytes", PATH_MAX);
		return NULL;
	}
	return kk_plan_strdup(plan, buf, err);
}

/* The kernel's own bound on symlinks in one lookup. */
#define MAX_LINKS 40

int kk_rootfs_mkdir_all(int root_fd, const char *path, mode_t mode, struct kk_error *err)
{
	char buf[PATH_MAX], cleaned[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return kk_error_set(err, KK_ERR_LIMIT, "%s: longer than %d bytes", path, PATH_MAX);
	for (int links = 0; links <= MAX_LINKS; links++) {
		int fd;

		if (clean_path(buf, cleaned, sizeof(cleaned)) < 0)
			return kk_error_set(err, KK_ERR_LIMIT, "%s: longer than %d bytes", path,
					    PATH_MAX);
		memcpy(buf, cleaned + 1, sizeof(cleaned) - 1);
		fd = walk_create(root_fd, buf, mode, path, err);
		if (fd != REDIRECTED)
			return fd;
	}
	return kk_error_sys(err, ELOOP, "mkdir %s in the rootfs", path);
}

int kk_rootfs_open_parent(int root_fd, const char *path, const char **base, struct kk_error *err)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (slash == NULL || slash[1] == '\0' || (size_t)(slash - path) >= sizeof(dir))
		return kk_error_set(err, KK_ERR_INVALID, "%s: not a path to a file", path);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	*base = slash + 1;
	return kk_rootfs_mkdir_all(root_fd, dir, 0755, err);
}

/* One step of kk_rootfs_follow: sets *linked when path's last component
 * is a symlink, and rewrites path to "<dir>/<target>" (an absolute target
 * from the root). A missing parent or entry is no link. */
static int follow_once(int root_fd, char *path, bool *linked, struct kk_error *err)
{
	char *slash = strrchr(path, '/'), link[PATH_MAX], next[PATH_MAX];
	KK_AUTOCLOSE int parent = -1;
	ssize_t n;

	*linked = false;
	if (slash == NULL || slash[1] == '\0')
		return 0;
	*slash = '\0';
	parent = open_in_root(root_fd, path, O_PATH | O_DIRECTORY,
			      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	*slash = '/';
	if (parent < 0)
		return errno == ENOENT ? 0
				       : kk_error_sys(err, errno, "open %s in the rootfs", path);
	n = readlinkat(parent, slash + 1, link, sizeof(link) - 1);
	if (n < 0)
		return errno == EINVAL || errno == ENOENT
			       ? 0
			       : kk_error_sys(err, errno, "readlink %s in the rootfs", path);
	link[n] = '\0';
	*slash = '\0';
	if (snprintf(next, sizeof(next), "%s/%s", link[0] == '/' ? "" : path, link) >=
		    (int)sizeof(next) ||
	    clean_path(next, path, PATH_MAX) < 0)
		return kk_error_set(err, KK_ERR_LIMIT, "%s: longer than %d bytes", link, PATH_MAX);
	*linked = true;
	return 0;
}

int kk_rootfs_follow(int root_fd, const char *path, char *out, struct kk_error *err)
{
	if (clean_path(path, out, PATH_MAX) < 0)
		return kk_error_set(err, KK_ERR_LIMIT, "%s: longer than %d bytes", path, PATH_MAX);
	for (int links = 0; links <= MAX_LINKS; links++) {
		bool linked;

		if (follow_once(root_fd, out, &linked, err) < 0)
			return -1;
		if (!linked)
			return 0;
	}
	return kk_error_sys(err, ELOOP, "resolve %s in the rootfs", path);
}

/* O_EXCL never follows a symlink: a dangling link is followed first (inside
 * the root) so the file is made where it points, as runc's securejoin
 * does; any other existing entry is left alone and the reopen decides. */
static int make_file(int root_fd, const char *path, struct kk_error *err)
{
	const char *base;
	char real[PATH_MAX];
	KK_AUTOCLOSE int parent = -1;
	KK_AUTOCLOSE int fd = -1;

	if (kk_rootfs_follow(root_fd, path, real, err) < 0)
		return -1;
	parent = kk_rootfs_open_parent(root_fd, real, &base, err);
	if (parent < 0)
		return -1;
	fd = kk_sys()->openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
			      0644);
	if (fd < 0 && errno != EEXIST)
		return kk_error_sys(err, errno, "create %s in the rootfs", path);
	return 0;
}

/* The destination's text is checked against /proc (check_proc_dest), but
 * a link in the rootfs can lead any other path there (an image with
 * /tmp -> /proc): the resolved target is checked too, as runc's
 * checkProcMount does. */
static int check_proc_target(int fd, const char *path, struct kk_error *err)
{
	struct statfs st;

	if (fstatfs(fd, &st) < 0)
		return kk_error_sys(err, errno, "statfs %s", path);
	if (st.f_type != PROC_SUPER_MAGIC || strcmp(path, "/proc") == 0 ||
	    kk_rootfs_proc_allowed(path))
		return 0;
	return kk_error_set(err, KK_ERR_ISOLATION,
			    "%s resolves into /proc inside the rootfs: refusing to mount there",
			    path);
}

int kk_rootfs_mount_target(int root_fd, const char *path, bool file, struct kk_error *err)
{
	int fd = open_in_root(root_fd, path, O_PATH, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);

	if (fd >= 0 && check_proc_target(fd, path, err) < 0) {
		close(fd);
		return -1;
	}
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return kk_error_sys(err, errno, "open %s in the rootfs", path);
	if (!file)
		return kk_rootfs_mkdir_all(root_fd, path, 0755, err);
	if (make_file(root_fd, path, err) < 0)
		return -1;
	return kk_rootfs_open(root_fd, path, O_PATH, err);
}

int kk_rootfs_mount_on(int root_fd, const char *path, const char *source, const char *fstype,
		       unsigned long flags, const char *data, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd, path, O_PATH, err);
	char target[KK_FD_PATH_MAX];

	if (fd < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	if (kk_sys()->mount(source, target, fstype, flags, data) < 0)
		return kk_error_sys(err, errno, "mount on %s", path);
	return 0;
}

unsigned long kk_rootfs_statfs_flags(const struct statfs *st)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ST_RDONLY, MS_RDONLY},	    {ST_NOSUID, MS_NOSUID},
		{ST_NODEV, MS_NODEV},	    {ST_NOEXEC, MS_NOEXEC},
		{ST_NOATIME, MS_NOATIME},   {ST_NODIRATIME, MS_NODIRATIME},
		{ST_RELATIME, MS_RELATIME},
	};
	unsigned long flags = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((unsigned long)st->f_flags & map[i].st)
			flags |= map[i].ms;
	return flags;
}

int kk_rootfs_remount_bind(int root_fd, const char *path, unsigned long flags, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd, path, O_PATH, err);
	char target[KK_FD_PATH_MAX];
	struct statfs st;
	unsigned long locked;

	if (fd < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	flags |= MS_BIND | MS_REMOUNT;
	if (kk_sys()->mount(NULL, target, NULL, flags, NULL) == 0)
		return 0;
	if (errno != EPERM || fstatfs(fd, &st) < 0)
		return kk_error_sys(err, errno, "remount %s", path);
	locked = kk_rootfs_statfs_flags(&st);
	flags |= locked;
	/* A locked atime mode cannot be changed either: keep the existing one. */
	if (locked & (MS_NOATIME | MS_RELATIME))
		flags &= ~(unsigned long)MS_STRICTATIME;
	if (kk_sys()->mount(NULL, target, NULL, flags, NULL) < 0)
		return kk_error_sys(err, errno, "remount %s", path);
	return 0;
}
