/* process.rlimits, applied by the init before create returns, as runc and
 * crun do: a limit the host refuses fails `create`, which managers report,
 * not a later `start`. Raising a hard limit needs CAP_SYS_RESOURCE in the
 * init's user namespace; some hosts (this one among them) withhold it, and
 * the error says so instead of a bare EPERM. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

static void format_limit(uint64_t v, char *buf, size_t len)
{
	if (v == (uint64_t)RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%" PRIu64, v);
}

static int fail(const struct kk_op *op, int errnum, bool raising, struct kk_error *err)
{
	const struct kk_rlimit *r = op->ref;
	char soft[32], hard[32];

	format_limit(r->soft, soft, sizeof(soft));
	format_limit(r->hard, hard, sizeof(hard));
	kk_error_set(err, KK_ERR_SYS, "process.rlimits[%" PRIu64 "]: %s soft %s hard %s: %s%s",
		     op->num, kk_vocab_name(&kk_vocab_rlimit, r->type), soft, hard,
		     strerror(errnum),
		     raising && errnum == EPERM ? " (this host cannot raise hard limits)" : "");
	err->sys_errno = errnum;
	return -1;
}

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_rlimit *r = op->ref;
	struct rlimit want = {(rlim_t)r->soft, (rlim_t)r->hard}, old;

	(void)ctx;
	if (getrlimit(r->type, &old) < 0)
		return fail(op, errno, false, err);
	if (setrlimit(r->type, &want) < 0)
		return fail(op, errno, want.rlim_max > old.rlim_max, err);
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_rlimit *r = op->ref;
	char soft[32], hard[32];

	format_limit(r->soft, soft, sizeof(soft));
	format_limit(r->hard, hard, sizeof(hard));
	snprintf(buf, len, "rlimit %s soft=%s hard=%s", kk_vocab_name(&kk_vocab_rlimit, r->type),
		 soft, hard);
}

static const struct kk_op_type rlimit_op = {
	.name = "rlimit",
	.phase = KK_PHASE_INIT_CREATED,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_rlimits(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct kk_op op = {.type = &rlimit_op, .ref = &p->rlimits[i], .num = i};

		if (kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}
