/* The failing table: every seam function counts the call and, at the chosen
 * one, fails with the chosen errno (or, with the crash action, SIGKILLs the
 * runtime process) instead of reaching the kernel. */
#define _GNU_SOURCE
#include "runtime/fault/fault.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "runtime/fault/fault_report.h"

static struct kk_fault_config config;
static long calls;
static bool fired;
/* The runtime process: the one that armed the table. */
static pid_t armed_pid;

long kk_fault_calls(void)
{
	return calls;
}

bool kk_fault_fired(void)
{
	return fired;
}

/* kakoi killed at this moment. Plain kill(2), not the seam: it is the test
 * harness acting, not the runtime. The report line is already in the shared
 * mapping, which outlives the process. */
static _Noreturn void kk_fault_crash(void)
{
	for (;;) {
		kill(getpid(), SIGKILL);
		pause();
	}
}

/* Forks of the runtime (the parser child, the container init) neither count
 * nor crash: only kakoi itself is killed, and N numbers its own calls
 * whatever its children do. getpid() is not cached by glibc, so it is right
 * in a child made by clone3 too. */
static bool kk_fault_counts_here(void)
{
	return !config.crash || getpid() == armed_pid;
}

/* Whether the call of seam function name is the one to fail. One failure per
 * process (per run with scope "run"): the undo that follows must run on the
 * real calls. A crash does not return. */
static bool kk_fault_hit(const char *name)
{
	long n;

	if (config.match != NULL && strcmp(config.match, name) != 0)
		return false;
	if (!kk_fault_counts_here())
		return false;
	n = ++calls;
	if (config.per_run)
		n = kk_fault_report_next_call();
	if (fired || config.at <= 0 || n != config.at)
		return false;
	if (config.per_run && !kk_fault_report_claim())
		return false;
	fired = true;
	kk_fault_report_fired(n, name, config.crash ? "crash" : NULL);
	if (config.crash)
		kk_fault_crash();
	errno = config.err;
	return true;
}

void kk_fault_arm(const struct kk_fault_config *cfg, const char *report_path)
{
	config = *cfg;
	calls = 0;
	fired = false;
	armed_pid = getpid();
	kk_fault_report_open(report_path);
	/* Without the shared mapping there is no run-wide count; a crash counts
	 * only the runtime's own calls. */
	if (!kk_fault_report_mapped() || config.crash)
		config.per_run = false;
	kk_sys_set(&kk_fault_sys);
}

/* One wrapper per seam function: count, maybe fail, else the real call. */
#define KK_FAULT_WRAP(ret, name, params, args)                                                     \
	static ret kk_fault_##name params                                                          \
	{                                                                                          \
		if (kk_fault_hit(#name))                                                           \
			return -1;                                                                 \
		return kk_sys_linux.name args;                                                     \
	}

KK_FAULT_WRAP(int, mount,
	      (const char *s, const char *t, const char *fs, unsigned long f, const void *d),
	      (s, t, fs, f, d))
KK_FAULT_WRAP(int, umount2, (const char *t, int f), (t, f))
KK_FAULT_WRAP(int, pivot_root, (const char *n, const char *o), (n, o))
KK_FAULT_WRAP(int, mount_setattr,
	      (int d, const char *p, unsigned int f, struct mount_attr *a, size_t s),
	      (d, p, f, a, s))
KK_FAULT_WRAP(int, open_tree, (int d, const char *p, unsigned int f), (d, p, f))
KK_FAULT_WRAP(int, move_mount, (int fd, const char *fp, int td, const char *tp, unsigned int f),
	      (fd, fp, td, tp, f))
KK_FAULT_WRAP(int, openat, (int d, const char *p, int f, mode_t m), (d, p, f, m))
KK_FAULT_WRAP(int, openat2, (int d, const char *p, struct open_how *h, size_t s), (d, p, h, s))
KK_FAULT_WRAP(int, mkdirat, (int d, const char *p, mode_t m), (d, p, m))
KK_FAULT_WRAP(int, unlinkat, (int d, const char *p, int f), (d, p, f))
KK_FAULT_WRAP(int, renameat2, (int od, const char *op, int nd, const char *np, unsigned int f),
	      (od, op, nd, np, f))
KK_FAULT_WRAP(int, mknodat, (int d, const char *p, mode_t m, dev_t dev), (d, p, m, dev))
KK_FAULT_WRAP(int, symlinkat, (const char *t, int d, const char *l), (t, d, l))
KK_FAULT_WRAP(int, fchownat, (int d, const char *p, uid_t u, gid_t g, int f), (d, p, u, g, f))
KK_FAULT_WRAP(int, fchmod, (int fd, mode_t m), (fd, m))
KK_FAULT_WRAP(ssize_t, write, (int fd, const void *b, size_t n), (fd, b, n))
KK_FAULT_WRAP(int, fsync, (int fd), (fd))
KK_FAULT_WRAP(int, ftruncate, (int fd, off_t len), (fd, len))
KK_FAULT_WRAP(long, clone3, (struct clone_args * a, size_t s), (a, s))
KK_FAULT_WRAP(int, setns, (int fd, int t), (fd, t))
KK_FAULT_WRAP(int, unshare, (int f), (f))
KK_FAULT_WRAP(int, kill, (pid_t p, int s), (p, s))
KK_FAULT_WRAP(int, pidfd_send_signal, (int fd, int s, siginfo_t *i, unsigned int f), (fd, s, i, f))
KK_FAULT_WRAP(int, sethostname, (const char *n, size_t l), (n, l))
KK_FAULT_WRAP(int, setdomainname, (const char *n, size_t l), (n, l))
KK_FAULT_WRAP(int, socket, (int d, int t, int p), (d, t, p))
KK_FAULT_WRAP(int, socketpair, (int d, int t, int p, int sv[2]), (d, t, p, sv))
KK_FAULT_WRAP(int, bind, (int fd, const struct sockaddr *a, socklen_t l), (fd, a, l))
KK_FAULT_WRAP(int, listen, (int fd, int b), (fd, b))
KK_FAULT_WRAP(int, connect, (int fd, const struct sockaddr *a, socklen_t l), (fd, a, l))
KK_FAULT_WRAP(int, bpf, (int cmd, union bpf_attr *a, unsigned int s), (cmd, a, s))
KK_FAULT_WRAP(int, sd_call,
	      (struct kk_dbus * b, const struct kk_dbus_request *c, struct kk_dbus_reply *r),
	      (b, c, r))

const struct kk_sys kk_fault_sys = {
	.mount = kk_fault_mount,
	.umount2 = kk_fault_umount2,
	.pivot_root = kk_fault_pivot_root,
	.mount_setattr = kk_fault_mount_setattr,
	.open_tree = kk_fault_open_tree,
	.move_mount = kk_fault_move_mount,
	.openat = kk_fault_openat,
	.openat2 = kk_fault_openat2,
	.mkdirat = kk_fault_mkdirat,
	.unlinkat = kk_fault_unlinkat,
	.renameat2 = kk_fault_renameat2,
	.mknodat = kk_fault_mknodat,
	.symlinkat = kk_fault_symlinkat,
	.fchownat = kk_fault_fchownat,
	.fchmod = kk_fault_fchmod,
	.write = kk_fault_write,
	.fsync = kk_fault_fsync,
	.ftruncate = kk_fault_ftruncate,
	.clone3 = kk_fault_clone3,
	.setns = kk_fault_setns,
	.unshare = kk_fault_unshare,
	.kill = kk_fault_kill,
	.pidfd_send_signal = kk_fault_pidfd_send_signal,
	.sethostname = kk_fault_sethostname,
	.setdomainname = kk_fault_setdomainname,
	.socket = kk_fault_socket,
	.socketpair = kk_fault_socketpair,
	.bind = kk_fault_bind,
	.listen = kk_fault_listen,
	.connect = kk_fault_connect,
	.bpf = kk_fault_bpf,
	.sd_call = kk_fault_sd_call,
};
