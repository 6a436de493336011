/* /dev: the devices every container has (runc's list: null, zero, full,
 * random, urandom, tty, all 0666) unless linux.devices lists the same
 * path, then linux.devices in order. As runc, nothing is created when /dev
 * is bound from elsewhere, /dev/ptmx is left to the ptmx symlink, an
 * existing node is kept, and in a user namespace (or when mknod is refused)
 * the host's device is bound onto an empty file instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"

#define DEFAULT_DEVICE(p, maj, min)                                                                \
	{                                                                                          \
		.type = 'c', .path = p, .file_mode = {0666, true}, .major = {maj, true},           \
		.minor = {min, true}, .uid = {0, true}, .gid = {0, true},                          \
	}

static const struct kk_device default_devices[] = {
	DEFAULT_DEVICE("/dev/null", 1, 3),    DEFAULT_DEVICE("/dev/zero", 1, 5),
	DEFAULT_DEVICE("/dev/full", 1, 7),    DEFAULT_DEVICE("/dev/random", 1, 8),
	DEFAULT_DEVICE("/dev/urandom", 1, 9), DEFAULT_DEVICE("/dev/tty", 5, 0),
};

#define NOT_CONFIGURED UINT64_MAX

static mode_t type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default: /* 'c' and 'u' (unbuffered character device) */
		return S_IFCHR;
	}
}

static mode_t device_mode(const struct kk_device *d)
{
	return (d->file_mode.set ? d->file_mode.value & 07777 : 0666) | type_bits(d->type);
}

static dev_t device_number(const struct kk_device *d)
{
	return makedev(d->major.set ? (unsigned)d->major.value : 0,
		       d->minor.set ? (unsigned)d->minor.value : 0);
}

static int bind_device(const struct kk_device *d, const char *path, struct kk_ctx *ctx,
		       struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_rootfs_mount_target(ctx->rootfs_fd, path, true, err);
	char target[KK_FD_PATH_MAX];

	if (fd < 0)
		return -1;
	kk_rootfs_fd_path(fd, target);
	if (kk_sys()->mount(d->path, target, NULL, MS_BIND, NULL) < 0)
		return kk_error_sys(err, errno, "bind %s on %s", d->path, path);
	return 0;
}

/* The node goes where path leads inside the rootfs: a dangling link is
 * followed there, missing parents are created (runc's securejoin). */
static int make_node(const struct kk_device *d, const char *path, struct kk_ctx *ctx,
		     struct kk_error *err)
{
	const char *base;
	char real[PATH_MAX];
	KK_AUTOCLOSE int parent = -1;
	mode_t old;
	int r, saved;

	if (kk_rootfs_follow(ctx->rootfs_fd, path, real, err) < 0 ||
	    (parent = kk_rootfs_open_parent(ctx->rootfs_fd, real, &base, err)) < 0)
		return -1;
	/* The configured mode exactly, not masked by the init's umask. */
	old = umask(0);
	r = kk_sys()->mknodat(parent, base, device_mode(d), device_number(d));
	saved = errno;
	umask(old);
	if (r < 0 && saved == EEXIST)
		return 0;
	if (r < 0 && saved == EPERM)
		return bind_device(d, path, ctx, err);
	if (r < 0)
		return kk_error_sys(err, saved, "mknod %s", path);
	if (kk_sys()->fchownat(parent, base, d->uid.set ? d->uid.value : 0,
			       d->gid.set ? d->gid.value : 0, AT_SYMLINK_NOFOLLOW) < 0)
		return kk_error_sys(err, errno, "chown %s", path);
	return 0;
}

static int device_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_device *d = op->ref;
	int r = ctx->userns ? bind_device(d, op->path, ctx, err) : make_node(d, op->path, ctx, err);

	if (r < 0 && op->num != NOT_CONFIGURED)
		kk_error_prefix(err, "linux.devices[%llu]", (unsigned long long)op->num);
	return r;
}

static void device_describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_device *d = op->ref;

	snprintf(buf, len, "mknod %s %c %u:%u %04o %u:%u%s", op->path, d->type,
		 major(device_number(d)), minor(device_number(d)), device_mode(d) & 07777,
		 d->uid.set ? d->uid.value : 0, d->gid.set ? d->gid.value : 0,
		 op->num == NOT_CONFIGURED ? " (default)" : "");
}

static const struct kk_op_type device_op = {
	.name = "mknod",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = device_apply,
	.describe = device_describe,
};

/* runc's needsSetupDev: a /dev bound from elsewhere is left as it is.
 * (plan.c has checked every mount already.) */
int kk_rootfs_binds_dev(struct kk_plan *plan, const struct kk_spec *spec, bool *yes,
			struct kk_error *err)
{
	*yes = false;
	for (size_t i = 0; i < spec->n_mounts && !*yes; i++) {
		const struct kk_mount *m = &spec->mounts[i];
		struct kk_mount_opts o;
		const char *dest;

		if (kk_rootfs_mount_opts(m, i, &o, err) < 0 ||
		    (dest = kk_rootfs_clean(plan, m->destination, err)) == NULL)
			return -1;
		*yes = o.bind && strcmp(dest, "/dev") == 0;
	}
	return 0;
}

static bool configured(const char *const *paths, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], path) == 0)
			return true;
	return false;
}

static int add_device(struct kk_plan *plan, const struct kk_device *d, const char *path,
		      uint64_t index, struct kk_error *err)
{
	struct kk_op op = {.type = &device_op, .ref = d, .path = path, .num = index};

	return kk_plan_add(plan, &op, err);
}

/* Cleaned paths of linux.devices. The spec lets a device be anywhere in
 * the container ("MAY be anywhere"): it is made inside the rootfs like any
 * other path. Only the root itself names no file (runc refuses it too). */
static int device_paths(struct kk_plan *plan, const struct kk_linux *l, const char **paths,
			struct kk_error *err)
{
	for (size_t i = 0; i < l->n_devices; i++) {
		paths[i] = kk_rootfs_clean(plan, l->devices[i].path, err);
		if (paths[i] == NULL)
			return -1;
		if (l->devices[i].path[0] != '/' || strcmp(paths[i], "/") == 0)
			return kk_error_set(
				err, KK_ERR_INVALID,
				"linux.devices[%zu].path: \"%s\" is not a valid device path", i,
				l->devices[i].path);
	}
	return 0;
}

int kk_rootfs_plan_devices(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_linux *l = spec->linux_;
	size_t n = l != NULL ? l->n_devices : 0;
	KK_AUTOFREE const char **paths = calloc(n + 1, sizeof(*paths));
	bool bound;

	if (paths == NULL)
		return kk_error_sys(err, ENOMEM, "linux.devices");
	if ((n > 0 && device_paths(plan, l, paths, err) < 0) ||
	    kk_rootfs_binds_dev(plan, spec, &bound, err) < 0)
		return -1;
	if (bound)
		return 0;
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		const struct kk_device *d = &default_devices[i];

		if (!configured(paths, n, d->path) &&
		    add_device(plan, d, d->path, NOT_CONFIGURED, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], "/dev/ptmx") != 0 &&
		    add_device(plan, &l->devices[i], paths[i], i, err) < 0)
			return -1;
	return 0;
}
