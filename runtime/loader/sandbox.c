#define _GNU_SOURCE
#include "runtime/loader/sandbox.h"

#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "parser/limits.h"

/* Parsing the largest accepted input takes well under a second. */
#define SANDBOX_CPU_SECONDS 2
/* json-c's tree for a 4 MiB document plus the arena and the image. */
#define SANDBOX_ADDRESS_SPACE (1024ul * 1024 * 1024)

struct limit {
	int resource;
	const char *name;
	rlim_t soft;
	rlim_t hard;
};

int kk_sandbox_rlimits(struct kk_error *err)
{
	const struct limit limits[] = {
		/* SIGXCPU at the soft limit names the cause; SIGKILL backs it up. */
		{RLIMIT_CPU, "RLIMIT_CPU", SANDBOX_CPU_SECONDS, SANDBOX_CPU_SECONDS + 1},
		{RLIMIT_FSIZE, "RLIMIT_FSIZE", KK_LIMIT_IMAGE_BYTES, KK_LIMIT_IMAGE_BYTES},
		{RLIMIT_CORE, "RLIMIT_CORE", 0, 0},
		{RLIMIT_NOFILE, "RLIMIT_NOFILE", 0, 0},
		{RLIMIT_NPROC, "RLIMIT_NPROC", 0, 0},
#ifndef KK_SANITIZED /* ASan reserves terabytes of shadow address space. */
		{RLIMIT_AS, "RLIMIT_AS", SANDBOX_ADDRESS_SPACE, SANDBOX_ADDRESS_SPACE},
#endif
	};

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct rlimit rl = {limits[i].soft, limits[i].hard};

		if (setrlimit(limits[i].resource, &rl) < 0)
			return kk_error_sys(err, errno, "sandbox: setrlimit %s", limits[i].name);
	}
	return 0;
}

static bool has_setpcap(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (caps != NULL)
		cap_get_flag(caps, CAP_SETPCAP, CAP_EFFECTIVE, &v);
	cap_free(caps);
	return v == CAP_SET;
}

int kk_sandbox_drop_caps(struct kk_error *err)
{
	/* Asked once: PR_CAPBSET_DROP leaves the effective set (and so
	 * CAP_SETPCAP) as it is; asking per capability cost two capget()s each. */
	bool setpcap = has_setpcap();
	cap_t none;
	int r;

	/* Bounding set first: dropping from it needs CAP_SETPCAP, still held.
	 * Without it (kakoi run by an unprivileged user) there is nothing to
	 * gain back: no_new_privs and the seccomp filter forbid exec. */
	for (int cap = 0; cap <= CAP_LAST_CAP && setpcap; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return kk_error_sys(err, errno, "sandbox: dropping capability %d", cap);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "sandbox: clearing ambient capabilities");
	none = cap_init();
	if (none == NULL)
		return kk_error_sys(err, errno, "sandbox: cap_init");
	r = cap_set_proc(none);
	cap_free(none);
	if (r < 0)
		return kk_error_sys(err, errno, "sandbox: cap_set_proc");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "sandbox: prctl");
	return 0;
}

static int allow_memory(scmp_filter_ctx ctx)
{
	const int plain[] = {SCMP_SYS(brk),	    SCMP_SYS(munmap), SCMP_SYS(mremap),
			     SCMP_SYS(madvise),	    SCMP_SYS(exit),   SCMP_SYS(exit_group),
			     SCMP_SYS(rt_sigreturn)};
	int r = 0;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, plain[i], 0);
	/* Memory, yes; executable memory, never. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	return r;
}

int kk_sandbox_seccomp(const int *allowed_fds, struct kk_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r;

	if (ctx == NULL)
		return kk_error_set(err, KK_ERR_SYS, "sandbox: seccomp_init failed");
	r = allow_memory(ctx);
	for (const int *fd = allowed_fds; *fd >= 0 && r == 0; fd++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)*fd, 0));
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return kk_error_sys(err, -r, "sandbox: installing the seccomp filter");
	return 0;
}
