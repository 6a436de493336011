/* The hook's sandbox beyond its own process: rlimits (every profile), and
 * for the strict profile a reduced bounding set and a seccomp deny list.
 * These run in H after fork, before exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "hooks/hooks_int.h"

/* What a hook has no business doing, even as root with CAP_SYS_ADMIN:
 * loading kernel code, replacing the kernel, BPF, reading or writing other
 * processes, power and swap, the clock, the kernel keyrings, perf,
 * userfaultfd (a kernel-exploit primitive), handle-based open (escapes
 * mount confinement), raw port I/O, the host's names (CAP_SYS_ADMIN stays
 * for mount, and would allow them). mount stays: a GPU hook bind-mounts. */
static const char *const denied[] = {
	"init_module",
	"finit_module",
	"delete_module",
	"create_module",
	"kexec_load",
	"kexec_file_load",
	"bpf",
	"ptrace",
	"process_vm_readv",
	"process_vm_writev",
	"pidfd_getfd",
	"kcmp",
	"reboot",
	"swapon",
	"swapoff",
	"acct",
	"settimeofday",
	"stime",
	"clock_settime",
	"clock_adjtime",
	"adjtimex",
	"keyctl",
	"add_key",
	"request_key",
	"perf_event_open",
	"userfaultfd",
	"open_by_handle_at",
	"iopl",
	"ioperm",
	"lookup_dcookie",
	"quotactl",
	"quotactl_fd",
	"nfsservctl",
	"uselib",
	"vm86",
	"vm86old",
	"get_kernel_syms",
	"query_module",
	"_sysctl",
	"syslog",
	"pivot_root",
	"sethostname",
	"setdomainname",
};

static int deny_all(scmp_filter_ctx ctx, const char *const *names, size_t n, struct kk_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		int r;

		if (nr == __NR_SCMP_ERROR)
			continue; /* not a syscall on this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0 && r != -EEXIST)
			return kk_error_sys(err, -r, "hook seccomp filter: %s", names[i]);
	}
	return 0;
}

/* The 32-bit ABIs get the same list; without them a 32-bit syscall would
 * hit the filter's "bad architecture" action and kill 32-bit hooks. */
static void add_compat_arches(scmp_filter_ctx ctx)
{
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		seccomp_arch_add(ctx, SCMP_ARCH_X86);
		seccomp_arch_add(ctx, SCMP_ARCH_X32);
	}
}

int hk_deny_syscalls(const char *const *names, size_t n, struct kk_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (ctx == NULL)
		return kk_error_set(err, KK_ERR_SYS, "hook seccomp filter: seccomp_init failed");
	add_compat_arches(ctx);
	/* libseccomp would set no_new_privs itself; whether a hook has it is
	 * the profile's and the container process's call (CAP_SYS_ADMIN, held
	 * here, loads a filter without it). */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		r = kk_error_sys(err, -r, "hook seccomp filter: no_new_privs attribute");
	else
		r = deny_all(ctx, names, n, err);
	if (r == 0) {
		r = seccomp_load(ctx);
		if (r < 0)
			r = kk_error_sys(err, -r, "hook seccomp filter: loading");
	}
	seccomp_release(ctx);
	return r;
}

int hk_confine_seccomp(struct kk_error *err)
{
	return hk_deny_syscalls(denied, sizeof(denied) / sizeof(denied[0]), err);
}

/* Root's capabilities after exec are its bounding set (plus inheritable
 * and ambient), so emptying those two and dropping from the bounding set
 * is what limits a root hook. */
int hk_confine_caps(uint64_t keep, struct kk_error *err)
{
	cap_t caps;
	int r;

	/* PR_CAPBSET_READ fails past the kernel's last capability. */
	for (int cap = 0; cap <= 63; cap++) {
		if ((keep & (UINT64_C(1) << cap)) || prctl(PR_CAPBSET_READ, cap) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap) < 0)
			return kk_error_sys(err, errno, "hook bounding set: dropping capability %d",
					    cap);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return kk_error_sys(err, errno, "hook ambient capabilities");
	caps = cap_get_proc();
	if (caps == NULL)
		return kk_error_sys(err, errno, "hook capabilities");
	r = cap_clear_flag(caps, CAP_INHERITABLE) == 0 && cap_set_proc(caps) == 0 ? 0 : -1;
	if (r < 0)
		r = kk_error_sys(err, errno, "hook inheritable capabilities");
	cap_free(caps);
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = kk_error_sys(err, errno, "hook no_new_privs");
	return r;
}

/* A hook in a container's namespaces could otherwise open the init's fds
 * (/proc/1/fd/N: the host's audit log, sync socket) despite the init being
 * non-dumpable: CAP_SYS_PTRACE is what overrides that. Gone from every
 * set, so exec (root's caps come from the bounding and inheritable sets)
 * cannot bring it back. */
int hk_confine_no_ptrace(struct kk_error *err)
{
	cap_value_t ptrace_cap = CAP_SYS_PTRACE;
	cap_t caps;
	int r;

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE) < 0 && errno != EINVAL)
		return kk_error_sys(err, errno, "hook bounding set: dropping CAP_SYS_PTRACE");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_SYS_PTRACE, 0, 0) < 0 &&
	    errno != EINVAL)
		return kk_error_sys(err, errno, "hook ambient CAP_SYS_PTRACE");
	caps = cap_get_proc();
	if (caps == NULL)
		return kk_error_sys(err, errno, "hook capabilities");
	r = cap_set_flag(caps, CAP_EFFECTIVE, 1, &ptrace_cap, CAP_CLEAR) == 0 &&
			    cap_set_flag(caps, CAP_PERMITTED, 1, &ptrace_cap, CAP_CLEAR) == 0 &&
			    cap_set_flag(caps, CAP_INHERITABLE, 1, &ptrace_cap, CAP_CLEAR) == 0 &&
			    cap_set_proc(caps) == 0
		    ? 0
		    : kk_error_sys(err, errno, "hook capabilities: dropping CAP_SYS_PTRACE");
	cap_free(caps);
	return r;
}

/* Only lowers: without CAP_SYS_RESOURCE a limit cannot be raised, and a
 * host that set a tighter one meant it. */
static int lower(int resource, rlim_t value, const char *name, struct kk_error *err)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) < 0)
		return kk_error_sys(err, errno, "hook %s", name);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < value)
		value = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl) < 0)
		return kk_error_sys(err, errno, "hook %s", name);
	return 0;
}

int hk_confine_rlimits(long timeout_s, struct kk_error *err)
{
	/* CPU: several cores' worth of the wall-clock timeout, which is the
	 * real bound; the rest only stop a runaway hook or a fork bomb. */
	if (lower(RLIMIT_CPU, (rlim_t)timeout_s * 4 + 5, "RLIMIT_CPU", err) < 0 ||
	    lower(RLIMIT_CORE, 0, "RLIMIT_CORE", err) < 0 ||
	    lower(RLIMIT_NOFILE, 1024, "RLIMIT_NOFILE", err) < 0 ||
	    lower(RLIMIT_NPROC, 4096, "RLIMIT_NPROC", err) < 0)
		return -1;
	return lower(RLIMIT_AS, (rlim_t)16 << 30, "RLIMIT_AS", err);
}
