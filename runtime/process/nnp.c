/* process.noNewPrivileges: after it, execve cannot grant privileges
 * (setuid bits, file capabilities), and seccomp filters load without
 * CAP_SYS_ADMIN. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)op;
	(void)ctx;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "process.noNewPrivileges: PR_SET_NO_NEW_PRIVS");
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "no_new_privs");
}

static const struct kk_op_type nnp_op = {
	.name = "no-new-privileges",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_nnp(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &nnp_op, .ref = p};

	if (!p->no_new_privileges)
		return 0;
	return kk_plan_add(plan, &op, err);
}
