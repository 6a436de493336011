/* process.scheduler: sched_setattr(2) on the init, inherited by the process.
 * Applied while still root: a real-time or deadline policy, or a lower nice
 * value, needs CAP_SYS_NICE. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/sched/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_scheduler *s = op->ref;
	struct sched_attr attr;

	(void)ctx;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.sched_policy = (uint32_t)s->policy;
	attr.sched_flags = s->flags;
	attr.sched_nice = s->nice.value;
	attr.sched_priority = (uint32_t)s->priority.value;
	attr.sched_runtime = s->runtime.value;
	attr.sched_deadline = s->deadline.value;
	attr.sched_period = s->period.value;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return kk_error_sys(err, errno, "process.scheduler: sched_setattr %s",
				    kk_vocab_name(&kk_vocab_sched_policy, s->policy));
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_scheduler *s = op->ref;

	snprintf(buf, len, "scheduler %s nice=%" PRId32 " priority=%" PRId32,
		 kk_vocab_name(&kk_vocab_sched_policy, s->policy), s->nice.value,
		 s->priority.value);
}

static const struct kk_op_type scheduler_op = {
	.name = "scheduler",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_scheduler(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &scheduler_op, .ref = p->scheduler};

	if (p->scheduler == NULL)
		return 0;
	return kk_plan_add(plan, &op, err);
}
