/* The mount type "cgroup" (runc's special case). On a cgroup v2 host it is
 * a cgroup2 mount. On a v1 or hybrid host it is a tmpfs holding one bind
 * mount per host hierarchy under /sys/fs/cgroup (the container's cgroup in
 * it when that directory exists, else the hierarchy), plus the host's
 * symlinks ("cpu" -> "cpu,cpuacct"); all read-only when the mount is.
 * The container's cgroup comes from the plan, not /proc/self/cgroup: in a
 * new cgroup namespace that says "/", which would bind the host's whole
 * hierarchy, every other container's cgroups included.
 *
 * The host side is read before pivot_root, through the init's copy of the
 * host's mounts. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

#define HOST_CGROUP "/sys/fs/cgroup"
#define PER_MOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

static void fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

static bool host_is_v2(void)
{
	struct statfs st;

	return statfs(HOST_CGROUP, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

static bool has_token(const char *list, const char *tok, size_t len)
{
	for (const char *c = list; *c != '\0';) {
		size_t n = strcspn(c, ",");

		if (n == len && strncmp(c, tok, len) == 0)
			return true;
		c += n + (c[n] == ',');
	}
	return false;
}

/* The init's cgroup in the hierarchy with these super options, from
 * /proc/self/cgroup ("4:memory:/a/b", "0::/a"); "" when not found. */
static void own_cgroup(const char *superopts, bool v2, char *out, size_t len)
{
	KK_CLEANUP(fclosep) FILE *f = fopen("/proc/self/cgroup", "re");
	KK_AUTOFREE char *line = NULL;
	size_t cap = 0;

	out[0] = '\0';
	while (f != NULL && getline(&line, &cap, f) > 0) {
		char *ctrls = strchr(line, ':'), *path;

		if (ctrls == NULL || (path = strchr(++ctrls, ':')) == NULL)
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		if (v2 ? ctrls[0] == '\0'
		       : ctrls[0] != '\0' && has_token(superopts, ctrls, strcspn(ctrls, ","))) {
			snprintf(out, len, "%s", strcmp(path, "/") == 0 ? "" : path);
			return;
		}
	}
}

static int bind_hierarchy(struct kk_ctx *ctx, const char *dest, const char *name,
			  const char *superopts, bool v2, unsigned long flags, struct kk_error *err)
{
	char sub[PATH_MAX], source[PATH_MAX * 2], own[PATH_MAX], target[KK_FD_PATH_MAX];
	KK_AUTOCLOSE int fd = -1;
	struct stat st;

	if (ctx->cgroup != NULL)
		snprintf(own, sizeof(own), "%s", kk_cgroup_path(ctx->cgroup));
	else
		own_cgroup(superopts, v2, own, sizeof(own));
	snprintf(source, sizeof(source), HOST_CGROUP "/%s%s", name, own);
	if (stat(source, &st) < 0 || !S_ISDIR(st.st_mode))
		snprintf(source, sizeof(source), HOST_CGROUP "/%s", name);
	if (snprintf(sub, sizeof(sub), "%s/%s", dest, name) >= (int)sizeof(sub))
		return kk_error_set(err, KK_ERR_LIMIT, "%s/%s: path too long", dest, name);
	if ((fd = kk_rootfs_mkdir_all(ctx->rootfs_fd, sub, 0755, err)) < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	if (kk_sys()->mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return kk_error_sys(err, errno, "bind %s on %s", source, sub);
	return kk_rootfs_remount_bind(ctx->rootfs_fd, sub, flags & PER_MOUNT_FLAGS, err);
}

/* One mountinfo line: "... <mountpoint> <opts> [optional...] - <fstype> <source> <superopts>". */
static int mountinfo_line(struct kk_ctx *ctx, const char *dest, char *line, unsigned long flags,
			  struct kk_error *err)
{
	char mnt[PATH_MAX], fstype[64], superopts[512], *sep = strstr(line, " - ");
	const char *name;

	if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
	    sscanf(sep + 3, "%63s %*s %511s", fstype, superopts) != 2)
		return 0;
	if (strcmp(fstype, "cgroup") != 0 && strcmp(fstype, "cgroup2") != 0)
		return 0;
	if (strncmp(mnt, HOST_CGROUP "/", sizeof(HOST_CGROUP)) != 0)
		return 0;
	name = mnt + sizeof(HOST_CGROUP);
	if (name[0] == '\0' || strchr(name, '/') != NULL)
		return 0;
	return bind_hierarchy(ctx, dest, name, superopts, strcmp(fstype, "cgroup2") == 0, flags,
			      err);
}

static int bind_hierarchies(struct kk_ctx *ctx, const char *dest, unsigned long flags,
			    struct kk_error *err)
{
	KK_CLEANUP(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
	KK_AUTOFREE char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return kk_error_sys(err, errno, "open /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0)
		if (mountinfo_line(ctx, dest, line, flags, err) < 0)
			return -1;
	return 0;
}

static void closedirp(DIR **d)
{
	if (*d != NULL)
		closedir(*d);
}

static int copy_links(struct kk_ctx *ctx, const char *dest, struct kk_error *err)
{
	KK_CLEANUP(closedirp) DIR *d = opendir(HOST_CGROUP);
	KK_AUTOCLOSE int dir = kk_rootfs_open(ctx->rootfs_fd, dest, O_PATH | O_DIRECTORY, err);
	struct dirent *e;

	if (dir < 0)
		return -1;
	if (d == NULL)
		return kk_error_sys(err, errno, "open " HOST_CGROUP);
	while ((e = readdir(d)) != NULL) {
		char link[PATH_MAX];
		ssize_t n;

		if (e->d_type != DT_LNK)
			continue;
		n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
		if (n < 0)
			return kk_error_sys(err, errno, "readlink " HOST_CGROUP "/%s", e->d_name);
		link[n] = '\0';
		if (kk_sys()->symlinkat(link, dir, e->d_name) < 0 && errno != EEXIST)
			return kk_error_sys(err, errno, "symlink %s/%s", dest, e->d_name);
	}
	return 0;
}

static int mount_v1(struct kk_ctx *ctx, const char *dest, unsigned long flags, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_mount_target(ctx->rootfs_fd, dest, false, err);
	char target[KK_FD_PATH_MAX];

	if (fd < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	if (kk_sys()->mount("tmpfs", target, "tmpfs", flags & ~(unsigned long)MS_RDONLY,
			    "mode=755") < 0)
		return kk_error_sys(err, errno, "mount tmpfs on %s", dest);
	if (bind_hierarchies(ctx, dest, flags, err) < 0 || copy_links(ctx, dest, err) < 0)
		return -1;
	if (!(flags & MS_RDONLY))
		return 0;
	return kk_rootfs_remount_bind(ctx->rootfs_fd, dest, flags & PER_MOUNT_FLAGS, err);
}

static int mount_v2(struct kk_ctx *ctx, const char *dest, const struct kk_mount_opts *o,
		    struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_mount_target(ctx->rootfs_fd, dest, false, err);
	char target[KK_FD_PATH_MAX];

	if (fd < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	if (kk_sys()->mount("cgroup2", target, "cgroup2", o->flags,
			    o->data[0] != '\0' ? o->data : NULL) < 0)
		return kk_error_sys(err, errno, "mount cgroup2 on %s", dest);
	return 0;
}

int kk_rootfs_mount_cgroup(struct kk_ctx *ctx, size_t index, const char *dest,
			   const struct kk_mount_opts *o, struct kk_error *err)
{
	int r = host_is_v2() ? mount_v2(ctx, dest, o, err) : mount_v1(ctx, dest, o->flags, err);

	for (size_t i = 0; i < o->n_propagation && r == 0; i++)
		r = kk_rootfs_mount_on(ctx->rootfs_fd, dest, NULL, NULL, o->propagation[i], NULL,
				       err);
	if (r < 0)
		kk_error_prefix(err, "mounts[%zu]", index);
	return r;
}
