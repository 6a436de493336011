/* runtime/sys: the syscall seam. Every call of the executor that changes the
 * host (or the container's view of it) goes through kk_sys(), a table of
 * function pointers with the kernel's own signatures and conventions (-1 and
 * errno on failure). Tests swap in a recording or failing table with
 * kk_sys_set(); the release binary only ever uses kk_sys_linux.
 *
 * Reading calls (stat, read, getpid, ...) do not belong here: the seam is the
 * list of things that must be undone, or that a test must be able to fail. */
#ifndef KK_RUNTIME_SYS_H
#define KK_RUNTIME_SYS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct clone_args;
struct mount_attr;
union bpf_attr;
struct kk_dbus;
struct kk_dbus_request;
struct kk_dbus_reply;

struct kk_sys {
	/* mounts */
	int (*mount)(const char *source, const char *target, const char *fstype,
		     unsigned long flags, const void *data);
	int (*umount2)(const char *target, int flags);
	int (*pivot_root)(const char *new_root, const char *put_old);
	int (*mount_setattr)(int dirfd, const char *path, unsigned int flags,
			     struct mount_attr *attr, size_t size);
	/* a detached copy of a mount tree (idmapped mounts), and attaching it */
	int (*open_tree)(int dirfd, const char *path, unsigned int flags);
	int (*move_mount)(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path,
			  unsigned int flags);
	/* files and directories */
	int (*openat)(int dirfd, const char *path, int flags, mode_t mode);
	int (*openat2)(int dirfd, const char *path, struct open_how *how, size_t size);
	int (*mkdirat)(int dirfd, const char *path, mode_t mode);
	int (*unlinkat)(int dirfd, const char *path, int flags);
	/* flags: RENAME_EXCHANGE etc. (renameat2(2)); 0 is renameat */
	int (*renameat2)(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
			 unsigned int flags);
	int (*mknodat)(int dirfd, const char *path, mode_t mode, dev_t dev);
	int (*symlinkat)(const char *target, int dirfd, const char *linkpath);
	int (*fchownat)(int dirfd, const char *path, uid_t uid, gid_t gid, int flags);
	int (*fchmod)(int fd, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t count);
	int (*fsync)(int fd);
	int (*ftruncate)(int fd, off_t length);
	/* processes and namespaces */
	long (*clone3)(struct clone_args *args, size_t size);
	int (*setns)(int fd, int nstype);
	int (*unshare)(int flags);
	int (*kill)(pid_t pid, int sig);
	int (*pidfd_send_signal)(int pidfd, int sig, siginfo_t *info, unsigned int flags);
	int (*sethostname)(const char *name, size_t len);
	int (*setdomainname)(const char *name, size_t len);
	/* sockets */
	int (*socket)(int domain, int type, int protocol);
	int (*socketpair)(int domain, int type, int protocol, int sv[2]);
	int (*bind)(int fd, const struct sockaddr *addr, socklen_t len);
	int (*listen)(int fd, int backlog);
	int (*connect)(int fd, const struct sockaddr *addr, socklen_t len);
	/* bpf(2), every command: loading and attaching a cgroup device
	 * program change the host, and the queries around them go through the
	 * same entry so a test can stand in for the whole kernel side. */
	int (*bpf)(int cmd, union bpf_attr *attr, unsigned int size);
	/* One D-Bus method call to systemd (runtime/cgroup/systemd: start,
	 * change, kill or stop the container's unit): kk_dbus_call() of
	 * runtime/cgroup/systemd/dbus.h, waiting at most its timeout; -1 and
	 * errno on failure, reply holding systemd's answer when it refused
	 * (error_name) or why there was none (why). */
	int (*sd_call)(struct kk_dbus *bus, const struct kk_dbus_request *call,
		       struct kk_dbus_reply *reply);
};

/* The table in effect (never NULL). */
const struct kk_sys *kk_sys(void);

/* Replaces the table; returns the previous one. For tests. */
const struct kk_sys *kk_sys_set(const struct kk_sys *table);

/* The real system calls. */
extern const struct kk_sys kk_sys_linux;

#ifdef __cplusplus
}
#endif

#endif
