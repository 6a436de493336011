/* process.ioPriority: ioprio_set(2) on the init, inherited by the process.
 * The real-time class needs CAP_SYS_ADMIN, hence before the user change. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/ioprio.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_io_priority *io = op->ref;
	int value = (io->klass << IOPRIO_CLASS_SHIFT) | io->priority;

	(void)ctx;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
		return kk_error_sys(err, errno, "process.ioPriority: ioprio_set %s %" PRId32,
				    kk_vocab_name(&kk_vocab_ioprio_class, io->klass), io->priority);
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_io_priority *io = op->ref;

	snprintf(buf, len, "ioprio %s %" PRId32, kk_vocab_name(&kk_vocab_ioprio_class, io->klass),
		 io->priority);
}

static const struct kk_op_type ioprio_op = {
	.name = "ioprio",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_ioprio(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	struct kk_op op = {.type = &ioprio_op, .ref = p->io_priority};

	if (p->io_priority == NULL)
		return 0;
	return kk_plan_add(plan, &op, err);
}
