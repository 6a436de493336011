/* The view of the kernel's knobs of a strict hook and of an image's hook
 * (where they are writable). A strict hook is still root in the host's
 * mount namespace, and root can write /proc/sys (e.g.
 * kernel.core_pattern, a classic escape), /proc/sysrq-trigger and /sys.
 * So H takes its own mount namespace in which those are read-only bind
 * mounts. /proc and /sys are made slaves first, there only, so the binds
 * never propagate to the host; "/" keeps its propagation, so what a hook
 * mounts elsewhere (a GPU hook binding into the rootfs) still reaches the
 * namespace it came from when that mount is shared. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hooks/hooks_int.h"

/* 1 when base is not procfs/sysfs at all (nothing to protect there), 0
 * when it is now a slave, -1 when it is the filesystem but not its own
 * mount: binding under it could propagate, so the hook does not run. */
static int make_slave(const char *base, long magic, struct kk_error *err)
{
	struct statfs fs;

	if (statfs(base, &fs) < 0 || fs.f_type != magic)
		return 1;
	if (mount(NULL, base, NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return kk_error_sys(err, errno, "hook mount namespace: making %s a slave", base);
	return 0;
}

/* /proc/sys without MS_REC: binfmt_misc, mounted under it, stays hidden.
 * /sys with it: the cgroup mounts under it stay usable. */
static int read_only(const char *path, bool recursive, struct kk_error *err)
{
	const unsigned long keep = MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if (access(path, F_OK) < 0)
		return 0;
	if (mount(path, path, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
		return kk_error_sys(err, errno, "hook mount namespace: binding %s", path);
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
		return kk_error_sys(err, errno, "hook mount namespace: %s read-only", path);
	return 0;
}

int hk_confine_mounts(struct kk_error *err)
{
	int proc, sys;

	if (unshare(CLONE_NEWNS) < 0)
		return kk_error_sys(err, errno, "hook mount namespace: unshare");
	proc = make_slave("/proc", PROC_SUPER_MAGIC, err);
	sys = proc < 0 ? -1 : make_slave("/sys", SYSFS_MAGIC, err);
	if (proc < 0 || sys < 0)
		return -1;
	if (proc == 0 && (read_only("/proc/sys", false, err) < 0 ||
			  read_only("/proc/sysrq-trigger", false, err) < 0))
		return -1;
	if (sys == 0 && read_only("/sys", true, err) < 0)
		return -1;
	return 0;
}

static bool writable_mount(const char *path, long magic)
{
	struct statfs fs;

	return statfs(path, &fs) == 0 && fs.f_type == magic && !(fs.f_flags & ST_RDONLY);
}

/* Inside a container configured as runc's default spec is, all three are
 * read-only already; before pivot_root they are the host's. */
bool hk_knobs_writable(void)
{
	return writable_mount("/proc/sys", PROC_SUPER_MAGIC) ||
	       writable_mount("/proc/sysrq-trigger", PROC_SUPER_MAGIC) ||
	       writable_mount("/sys", SYSFS_MAGIC);
}
