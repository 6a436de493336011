/* process.oomScoreAdj: written to /proc/self/oom_score_adj, inherited by
 * the process across execve. Going below the value the init inherited
 * needs CAP_SYS_RESOURCE. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

#define OOM_FILE "/proc/self/oom_score_adj"

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_process *p = op->ref;
	char text[16];

	(void)ctx;
	snprintf(text, sizeof(text), "%d", (int)p->oom_score_adj.value);
	if (kk_proc_write_file("process.oomScoreAdj", OOM_FILE, text, err) == 0)
		return 0;
	if (err->sys_errno == EACCES && p->oom_score_adj.value < 0) {
		size_t n = strlen(err->msg);

		snprintf(err->msg + n, sizeof(err->msg) - n,
			 " (going below the inherited value needs CAP_SYS_RESOURCE)");
	}
	return -1;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_process *p = op->ref;

	snprintf(buf, len, "oom_score_adj %d", (int)p->oom_score_adj.value);
}

static const struct kk_op_type oom_op = {
	.name = "oom-score-adj",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_oom(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &oom_op, .ref = p};

	if (!p->oom_score_adj.set)
		return 0;
	return kk_plan_add(plan, &op, err);
}
