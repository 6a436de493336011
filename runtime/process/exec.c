/* The last op: execve of the executable resolved at create, with
 * process.args and process.env (plus the HOME the lookup found in the
 * container's passwd file when the env has none, as runc does), built by
 * exec-args before the seccomp filter. On failure the message is runc's
 * ("exec /bin/app: exec format error"). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

/* The spec's string arrays are counted, not NULL-terminated; room is left
 * for `extra` more entries. */
static char **argv_of(const struct kk_strv *v, size_t extra)
{
	char **out = calloc(v->n + extra + 1, sizeof(*out));

	for (size_t i = 0; out != NULL && i < v->n; i++)
		out[i] = (char *)v->v[i];
	return out;
}

static bool has_home(const struct kk_strv *env)
{
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], "HOME=", 5) == 0)
			return true;
	return false;
}

/* Everything execve needs, made before the seccomp filter. The arrays
 * live until execve replaces the process (or the init exits on failure). */
static int prepare(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_process *p = op->ref;
	KK_AUTOFREE char **argv = argv_of(&p->args, 0);
	KK_AUTOFREE char **envp = argv_of(&p->env, 1);

	if (argv == NULL || envp == NULL ||
	    (!has_home(&p->env) && ctx->home[0] != '\0' &&
	     asprintf(&envp[p->env.n], "HOME=%s", ctx->home) < 0))
		return kk_error_sys(err, ENOMEM, "exec %s", p->args.v[0]);
	ctx->exec_argv = kk_steal_ptr(&argv);
	ctx->exec_envp = kk_steal_ptr(&envp);
	return 0;
}

/* After the filter: execve and nothing else, unless it fails. */
static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_process *p = op->ref;
	const char *path = ctx->exec_path[0] != '\0' ? ctx->exec_path : p->args.v[0];

	do
		execve(path, ctx->exec_argv, ctx->exec_envp);
	while (errno == EINTR);
	return kk_proc_go_error(err, errno, "exec %s", path);
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_process *p = op->ref;

	snprintf(buf, len, "execve %s (%zu args, %zu env)", p->args.v[0], p->args.n, p->env.n);
}

static void describe_prepare(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_process *p = op->ref;

	snprintf(buf, len, "execve arguments for %s, before any filter", p->args.v[0]);
}

static const struct kk_op_type exec_args_op = {
	.name = "exec-args",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = prepare,
	.describe = describe_prepare,
};

static const struct kk_op_type exec_op = {
	.name = "exec",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_exec_args(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &exec_args_op, .ref = p};

	return kk_plan_add(plan, &op, err);
}

int kk_proc_plan_exec(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &exec_op, .ref = p};

	return kk_plan_add(plan, &op, err);
}
