#include "fuzz/host_trap.h"

#include <stdio.h>
#include <stdlib.h>

#include "runtime/sys/sys.h"

/* Each trap has the entry's exact type (UBSan checks calls through function
 * pointers) and ignores its arguments. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

static _Noreturn void touched(const char *call)
{
	fprintf(stderr, "fuzz property violated: planning called kk_sys()->%s\n", call);
	abort();
}

#define TRAP(ret, name, ...)                                                                       \
	static ret trap_##name(__VA_ARGS__)                                                        \
	{                                                                                          \
		touched(#name);                                                                    \
	}

TRAP(int, mount, const char *source, const char *target, const char *fstype, unsigned long flags,
     const void *data)
TRAP(int, umount2, const char *target, int flags)
TRAP(int, pivot_root, const char *new_root, const char *put_old)
TRAP(int, openat, int dirfd, const char *path, int flags, mode_t mode)
TRAP(int, openat2, int dirfd, const char *path, struct open_how *how, size_t size)
TRAP(int, mkdirat, int dirfd, const char *path, mode_t mode)
TRAP(int, unlinkat, int dirfd, const char *path, int flags)
TRAP(int, renameat2, int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
     unsigned int flags)
TRAP(int, mknodat, int dirfd, const char *path, mode_t mode, dev_t dev)
TRAP(int, symlinkat, const char *target, int dirfd, const char *linkpath)
TRAP(int, fchownat, int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
TRAP(int, fchmod, int fd, mode_t mode)
TRAP(ssize_t, write, int fd, const void *buf, size_t count)
TRAP(int, fsync, int fd)
TRAP(int, ftruncate, int fd, off_t length)
TRAP(long, clone3, struct clone_args *args, size_t size)
TRAP(int, setns, int fd, int nstype)
TRAP(int, unshare, int flags)
TRAP(int, kill, pid_t pid, int sig)
TRAP(int, pidfd_send_signal, int pidfd, int sig, siginfo_t *info, unsigned int flags)
TRAP(int, sethostname, const char *name, size_t len)
TRAP(int, setdomainname, const char *name, size_t len)
TRAP(int, socket, int domain, int type, int protocol)
TRAP(int, socketpair, int domain, int type, int protocol, int sv[2])
TRAP(int, bind, int fd, const struct sockaddr *addr, socklen_t len)
TRAP(int, listen, int fd, int backlog)
TRAP(int, connect, int fd, const struct sockaddr *addr, socklen_t len)
TRAP(int, bpf, int cmd, union bpf_attr *attr, unsigned int size)
TRAP(int, sd_call, struct kk_dbus *bus, const struct kk_dbus_request *call,
     struct kk_dbus_reply *reply)

static const struct kk_sys traps = {
	.mount = trap_mount,
	.umount2 = trap_umount2,
	.pivot_root = trap_pivot_root,
	.openat = trap_openat,
	.openat2 = trap_openat2,
	.mkdirat = trap_mkdirat,
	.unlinkat = trap_unlinkat,
	.renameat2 = trap_renameat2,
	.mknodat = trap_mknodat,
	.symlinkat = trap_symlinkat,
	.fchownat = trap_fchownat,
	.fchmod = trap_fchmod,
	.write = trap_write,
	.fsync = trap_fsync,
	.ftruncate = trap_ftruncate,
	.clone3 = trap_clone3,
	.setns = trap_setns,
	.unshare = trap_unshare,
	.kill = trap_kill,
	.pidfd_send_signal = trap_pidfd_send_signal,
	.sethostname = trap_sethostname,
	.setdomainname = trap_setdomainname,
	.socket = trap_socket,
	.socketpair = trap_socketpair,
	.bind = trap_bind,
	.listen = trap_listen,
	.connect = trap_connect,
	.bpf = trap_bpf,
	.sd_call = trap_sd_call,
};

void fz_forbid_host_changes(void)
{
	kk_sys_set(&traps);
}
