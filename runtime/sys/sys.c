/* The real table: thin adapters from the seam to libc and raw syscalls. */
#define _GNU_SOURCE
#include "runtime/sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cgroup/systemd/dbus.h"

static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static int sys_mount_setattr(int dirfd, const char *path, unsigned int flags,
			     struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
}

static int sys_open_tree(int dirfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static int sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path,
			  unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

static int sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return openat(dirfd, path, flags, mode);
}

static int sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, size);
}

static long sys_clone3(struct clone_args *args, size_t size)
{
	return syscall(SYS_clone3, args, size);
}

static int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

static int sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return (int)syscall(SYS_bpf, cmd, attr, size);
}

const struct kk_sys kk_sys_linux = {
	.mount = mount,
	.umount2 = umount2,
	.pivot_root = sys_pivot_root,
	.mount_setattr = sys_mount_setattr,
	.open_tree = sys_open_tree,
	.move_mount = sys_move_mount,
	.openat = sys_openat,
	.openat2 = sys_openat2,
	.mkdirat = mkdirat,
	.unlinkat = unlinkat,
	.renameat2 = renameat2,
	.mknodat = mknodat,
	.symlinkat = symlinkat,
	.fchownat = fchownat,
	.fchmod = fchmod,
	.write = write,
	.fsync = fsync,
	.ftruncate = ftruncate,
	.clone3 = sys_clone3,
	.setns = setns,
	.unshare = unshare,
	.kill = kill,
	.pidfd_send_signal = sys_pidfd_send_signal,
	.sethostname = sethostname,
	.setdomainname = setdomainname,
	.socket = socket,
	.socketpair = socketpair,
	.bind = bind,
	.listen = listen,
	.connect = connect,
	.bpf = sys_bpf,
	.sd_call = kk_dbus_call,
};

static const struct kk_sys *current = &kk_sys_linux;

const struct kk_sys *kk_sys(void)
{
	return current;
}

const struct kk_sys *kk_sys_set(const struct kk_sys *table)
{
	const struct kk_sys *old = current;

	current = table != NULL ? table : &kk_sys_linux;
	return old;
}
