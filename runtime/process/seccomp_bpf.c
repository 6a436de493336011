/* linux.seccomp as a program: the runtime finds it in the cache or has
 * libseccomp compile it (host-prepare, in the runtime, which can reach the
 * state root), and the process loads it raw with seccomp(2), the last
 * thing before execve (init-process). The program travels in this file's
 * static, which clone and fork copy into the init and the exec child.
 *
 * Loading it raw is what libseccomp's seccomp_load does with the same
 * program: the flags are the kernel's (the parser keeps them so), plus
 * NEW_LISTENER for a profile that notifies (and TSYNC_ESRCH beside TSYNC,
 * which the kernel wants with it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"
#include "runtime/process/seccomp_cache.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

static struct kk_bpf compiled;

static long load_raw(const struct kk_bpf *prog, unsigned long flags)
{
	struct sock_fprog f = {.len = (unsigned short)prog->n, .filter = prog->insns};

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &f);
}

/* A fresh compile goes into the cache only once the kernel took it, in a
 * child that exits right after. */
static bool loads(const struct kk_bpf *prog)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && load_raw(prog, 0) == 0 ? 0
											    : 1);
	if (pid < 0)
		return false;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void remember(int root, const uint8_t *key)
{
	struct kk_error err = {0};

	if (loads(&compiled) && kk_seccomp_cache_put(root, key, &compiled, &err) < 0)
		kk_warn("linux.seccomp: the compiled filter was not cached: %s", err.msg);
}

static int compile_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	uint8_t key[KK_SHA256_LEN];
	KK_AUTOCLOSE int root = -1;

	if (compiled.insns != NULL)
		return 0;
	if (ctx->state_dir_fd >= 0)
		root = openat(ctx->state_dir_fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	kk_seccomp_cache_key(op->ref, key);
	if (root >= 0 && kk_seccomp_cache_get(root, key, &compiled))
		return 0;
	if (kk_seccomp_compile(op->ref, &compiled, err) < 0)
		return -1;
	if (root >= 0)
		remember(root, key);
	return 0;
}

static void compile_describe(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "seccomp filter from the cache under the state root, or compiled there");
}

static const struct kk_op_type compile_op = {
	.name = "seccomp-compile",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = compile_apply,
	.describe = compile_describe,
};

static int load_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_seccomp *s = op->ref;
	unsigned long flags = (unsigned long)s->flags;
	bool notify = kk_seccomp_uses_notify(s);
	KK_AUTOCLOSE int notify_fd = -1;
	long r;

	if (compiled.insns == NULL)
		return kk_error_set(err, KK_ERR_INTERNAL, "linux.seccomp: no compiled filter");
	if (notify)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	if (notify && (flags & SECCOMP_FILTER_FLAG_TSYNC))
		flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	r = load_raw(&compiled, flags);
	if (r < 0)
		return kk_error_sys(err, errno, "linux.seccomp: loading the filter");
	if (!notify)
		return 0;
	notify_fd = (int)r;
	return kk_proc_seccomp_notify_send(ctx, s, notify_fd, err);
}

static size_t count_names(const struct kk_seccomp *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_syscalls; i++)
		n += s->syscalls[i].names.n;
	return n;
}

static void load_describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_seccomp *s = op->ref;
	const char *name = kk_vocab_name(&kk_vocab_seccomp_action, s->default_action);
	bool notify = kk_seccomp_uses_notify(s);
	char dflt[64];

	if (s->default_action == KK_SCMP_ACT_ERRNO || s->default_action == KK_SCMP_ACT_TRACE)
		snprintf(dflt, sizeof(dflt), "%s(%u)", name,
			 s->default_errno_ret.set ? s->default_errno_ret.value : EPERM);
	else
		snprintf(dflt, sizeof(dflt), "%s", name != NULL ? name : "?");
	snprintf(buf, len, "seccomp default=%s %zu rules%s%s", dflt, count_names(s),
		 notify ? " notify=" : "", notify ? s->listener_path : "");
}

static const struct kk_op_type load_op = {
	.name = "seccomp",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = load_apply,
	.describe = load_describe,
};

int kk_proc_plan_seccomp_bpf(struct kk_plan *plan, const struct kk_seccomp *s, struct kk_error *err)
{
	struct kk_op compile = {.type = &compile_op, .ref = s};
	struct kk_op load = {.type = &load_op, .ref = s};

	if (kk_plan_add(plan, &compile, err) < 0)
		return -1;
	return kk_plan_add(plan, &load, err);
}
