/* mounts[]: each entry in config order, onto a target resolved inside the
 * rootfs (created when missing: a directory, or an empty file for the bind
 * of a file), then the second passes a single mount call cannot do: the
 * bind remount that applies ro/nosuid/nodev/noexec, and one call per
 * propagation option. A read-only tmpfs (and /dev) is mounted writable and
 * made read-only after pivot_root, once devices are in place (runc's
 * finalizeRootfs). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

static bool is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* Mounted writable first, made read-only by the finalize op. */
static bool delays_readonly(const struct kk_mount *m, const char *dest)
{
	return is(m->type, "tmpfs") || strcmp(dest, "/dev") == 0;
}

/* proc and sysfs never go through a symlink, even one inside the rootfs: a
 * container must not choose where the host's kernel views appear. */
static int check_fs_target(int root_fd, const char *dest, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd, dest, O_PATH | O_NOFOLLOW, err);
	struct stat st;

	if (fd < 0)
		return err->sys_errno == ENOENT ? (kk_error_clear(err), 0) : -1;
	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", dest);
	if (!S_ISDIR(st.st_mode))
		return kk_error_set(err, KK_ERR_INVALID, "%s must be mounted on a directory", dest);
	return 0;
}

static int mount_fs(const struct kk_mount *m, const char *dest, const struct kk_mount_opts *o,
		    struct kk_ctx *ctx, struct kk_error *err)
{
	unsigned long flags = o->flags;
	KK_AUTOCLOSE int fd = -1;
	KK_AUTOCLOSE int covered = -1;
	char target[KK_FD_PATH_MAX];

	if ((is(m->type, "proc") || is(m->type, "sysfs")) &&
	    check_fs_target(ctx->rootfs_fd, dest, err) < 0)
		return -1;
	if (delays_readonly(m, dest))
		flags &= ~(unsigned long)MS_RDONLY;
	/* tmpcopyup: what the tmpfs covers is reachable only through an fd
	 * opened before the mount. */
	if (o->copyup && kk_rootfs_copyup_open(ctx->rootfs_fd, dest, &covered, err) < 0)
		return -1;
	fd = kk_rootfs_mount_target(ctx->rootfs_fd, dest, false, err);
	if (fd < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	if (kk_sys()->mount(m->source != NULL ? m->source : "none", target, m->type, flags,
			    o->data[0] != '\0' ? o->data : NULL) < 0)
		return kk_error_sys(err, errno, "mount %s on %s",
				    m->type != NULL ? m->type : "none", dest);
	if (covered >= 0 && kk_rootfs_copyup(ctx->rootfs_fd, dest, covered, err) < 0)
		return -1;
	return 0;
}

/* runc: a relative bind source is relative to the bundle. */
int kk_rootfs_bind_source(const struct kk_mount *m, size_t index, const char *bundle, char *buf,
			  size_t len, struct kk_error *err)
{
	struct kk_mount_opts o;
	int n;

	if (kk_rootfs_mount_opts(m, index, &o, err) < 0)
		return -1;
	if (!o.bind || m->source == NULL)
		return 0;
	n = m->source[0] == '/' || bundle == NULL ? snprintf(buf, len, "%s", m->source)
						  : snprintf(buf, len, "%s/%s", bundle, m->source);
	if (n < 0 || (size_t)n >= len)
		return kk_error_set(err, KK_ERR_LIMIT, "source: longer than %zu bytes", len - 1);
	return 1;
}

/* In a user namespace the runtime opened the source (host root can read
 * what the container's root may not): the bind then reads from that fd,
 * closed once used so no host fd outlives the mount. */
static int take_source_fd(struct kk_ctx *ctx, size_t index)
{
	int fd;

	if (ctx->mount_sources == NULL || ctx->mount_sources[index] < 0)
		return -1;
	fd = ctx->mount_sources[index];
	ctx->mount_sources[index] = -1;
	return fd;
}

/* An idmapped bind is a detached tree the runtime made and idmapped as
 * host root (mount_setattr needs that on the source's file system); the
 * init, owner of its mount namespace, attaches it onto the checked target
 * fd, never a path. */
static int attach_tree(int tree_fd, int target_fd, const char *source, const char *dest,
		       struct kk_error *err)
{
	if (tree_fd < 0)
		return kk_error_set(err, KK_ERR_INTERNAL, "no idmapped tree of %s from the runtime",
				    source);
	if (kk_sys()->move_mount(tree_fd, "", target_fd, "",
				 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return kk_error_sys(err, errno, "attach the idmapped %s on %s", source, dest);
	return 0;
}

static int mount_bind(const struct kk_mount *m, size_t index, const char *dest,
		      const struct kk_mount_opts *o, struct kk_ctx *ctx, struct kk_error *err)
{
	unsigned long extra = o->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
	KK_AUTOCLOSE int src_fd = take_source_fd(ctx, index);
	KK_AUTOCLOSE int fd = -1;
	char source[PATH_MAX], target[KK_FD_PATH_MAX], from[KK_FD_PATH_MAX];
	struct stat st;

	if (kk_rootfs_bind_source(m, index, ctx->bundle, source, sizeof(source), err) < 0)
		return -1;
	if (src_fd >= 0 ? fstat(src_fd, &st) < 0 : stat(source, &st) < 0)
		return kk_error_sys(err, errno, "source: stat %s", source);
	fd = kk_rootfs_mount_target(ctx->rootfs_fd, dest, !S_ISDIR(st.st_mode), err);
	if (fd < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	if (src_fd >= 0)
		kk_rootfs_fd_path(src_fd, from);
	if (o->idmap) {
		if (attach_tree(src_fd, fd, source, dest, err) < 0)
			return -1;
	} else if (kk_sys()->mount(src_fd >= 0 ? from : source, target, NULL,
				   o->flags & (MS_BIND | MS_REC), NULL) < 0) {
		return kk_error_sys(err, errno, "bind %s on %s", source, dest);
	}
	/* A bind ignores every other flag: they take a remount of the new mount. */
	if (extra != 0 && kk_rootfs_remount_bind(ctx->rootfs_fd, dest, extra, err) < 0)
		return -1;
	return 0;
}

/* The recursive words, on the new mount and every mount under it. */
static int set_recursive(const char *dest, const struct kk_mount_opts *o, struct kk_ctx *ctx,
			 struct kk_error *err)
{
	struct mount_attr attr = {.attr_set = o->attr_set, .attr_clr = o->attr_clr};
	KK_AUTOCLOSE int fd = -1;

	if (o->attr_set == 0 && o->attr_clr == 0)
		return 0;
	fd = kk_rootfs_open(ctx->rootfs_fd, dest, O_PATH | O_NOFOLLOW, err);
	if (fd < 0)
		return -1;
	if (kk_sys()->mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return kk_error_sys(err, errno, "set the recursive options on %s", dest);
	return 0;
}

static int mount_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_mount *m = op->ref;
	struct kk_mount_opts o;
	int r;

	if (kk_rootfs_mount_opts(m, (size_t)op->num, &o, err) < 0)
		return -1;
	if (!o.bind && is(m->type, "cgroup"))
		return kk_rootfs_mount_cgroup(ctx, (size_t)op->num, op->path, &o, err);
	r = o.bind ? mount_bind(m, (size_t)op->num, op->path, &o, ctx, err)
		   : mount_fs(m, op->path, &o, ctx, err);
	for (size_t i = 0; i < o.n_propagation && r == 0; i++)
		r = kk_rootfs_mount_on(ctx->rootfs_fd, op->path, NULL, NULL, o.propagation[i], NULL,
				       err);
	if (r == 0)
		r = set_recursive(op->path, &o, ctx, err);
	if (r < 0)
		kk_error_prefix(err, "mounts[%zu]", (size_t)op->num);
	return r;
}

static void join_options(const struct kk_mount *m, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->options.n && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? "," : "", m->options.v[i]);

		if (n < 0)
			return;
		used += (size_t)n;
	}
}

static void mount_describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_mount *m = op->ref;
	char opts[512];

	join_options(m, opts, sizeof(opts));
	snprintf(buf, len, "mount %s on %s type %s%s%s%s", m->source != NULL ? m->source : "none",
		 op->path, m->type != NULL ? m->type : "none", opts[0] ? " (" : "", opts,
		 opts[0] ? ")" : "");
}

static const struct kk_op_type mount_op = {
	.name = "mount",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = mount_apply,
	.describe = mount_describe,
};

/* runc's checkProcMount: under /proc only what lxcfs emulates. */
static const char *const proc_mounts_allowed[] = {
	"/proc/cpuinfo",
	"/proc/diskstats",
	"/proc/meminfo",
	"/proc/stat",
	"/proc/swaps",
	"/proc/uptime",
	"/proc/loadavg",
	"/proc/slabinfo",
	"/proc/sys/kernel/ns_last_pid",
	"/proc/sys/crypto/fips_enabled",
};

bool kk_rootfs_proc_allowed(const char *dest)
{
	for (size_t i = 0; i < sizeof(proc_mounts_allowed) / sizeof(proc_mounts_allowed[0]); i++)
		if (strcmp(dest, proc_mounts_allowed[i]) == 0)
			return true;
	return false;
}

static int check_proc_dest(const char *dest, size_t index, struct kk_error *err)
{
	if (strncmp(dest, "/proc/", 6) != 0 || kk_rootfs_proc_allowed(dest))
		return 0;
	return kk_error_set(err, KK_ERR_INVALID,
			    "mounts[%zu].destination: %s cannot be mounted because it is inside "
			    "/proc",
			    index, dest);
}

static int check_mount(const struct kk_mount *m, size_t i, const char *dest, struct kk_error *err)
{
	struct kk_mount_opts o;

	if (strcmp(dest, "/") == 0)
		return kk_error_set(err, KK_ERR_INVALID,
				    "mounts[%zu].destination: mounting over the root is not "
				    "supported",
				    i);
	if (check_proc_dest(dest, i, err) < 0 || kk_rootfs_mount_opts(m, i, &o, err) < 0)
		return -1;
	if (o.bind && m->source == NULL)
		return kk_error_set(err, KK_ERR_INVALID,
				    "mounts[%zu].source: required for a bind mount", i);
	if (!o.bind && m->type == NULL && !(o.flags & MS_REMOUNT))
		return kk_error_set(err, KK_ERR_INVALID,
				    "mounts[%zu].type: required unless the mount is a bind mount",
				    i);
	return 0;
}

int kk_rootfs_plan_mounts(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct kk_mount *m = &spec->mounts[i];
		struct kk_op op = {.type = &mount_op, .ref = m, .num = i};

		/* config.md: a relative destination "MUST be interpreted as
		 * relative to "/""; runc warns that it is deprecated. */
		if (m->destination[0] != '/')
			kk_warn("mounts[%zu].destination: \"%s\" is relative, taken from \"/\" "
				"(deprecated)",
				i, m->destination);
		if ((op.path = kk_rootfs_clean(plan, m->destination, err)) == NULL)
			return -1;
		if (check_mount(m, i, op.path, err) < 0 || kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}

/* After pivot_root: the read-only tmpfs and /dev mounts become read-only. */
static int finalize_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_mount *m = op->ref;
	struct kk_mount_opts o;

	if (kk_rootfs_mount_opts(m, (size_t)op->num, &o, err) < 0)
		return -1;
	o.flags &= ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
	if (kk_rootfs_remount_bind(ctx->rootfs_fd, op->path, o.flags | MS_RDONLY, err) < 0) {
		kk_error_prefix(err, "mounts[%zu]", (size_t)op->num);
		return -1;
	}
	return 0;
}

static void finalize_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "remount %s read-only", op->path);
}

static const struct kk_op_type finalize_op = {
	.name = "remount-ro",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = finalize_apply,
	.describe = finalize_describe,
};

int kk_rootfs_plan_finalize_mounts(struct kk_plan *plan, const struct kk_spec *spec,
				   struct kk_error *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct kk_mount *m = &spec->mounts[i];
		struct kk_op op = {.type = &finalize_op, .ref = m, .num = i};
		struct kk_mount_opts o;

		if (kk_rootfs_mount_opts(m, i, &o, err) < 0)
			return -1;
		if (o.bind || !(o.flags & MS_RDONLY))
			continue;
		if ((op.path = kk_rootfs_clean(plan, m->destination, err)) == NULL)
			return -1;
		if (delays_readonly(m, op.path) && kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}
