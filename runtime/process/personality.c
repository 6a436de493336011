/* linux.personality: the execution domain (LINUX or LINUX32, i.e. what
 * `uname -m` reports). Its "flags" are not applied: the spec names none and
 * runc ignores them too; the plan line says so. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/personality.h>

#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_personality *pers = op->ref;

	(void)ctx;
	if (personality((unsigned long)pers->domain) < 0)
		return kk_error_sys(err, errno, "linux.personality: %s",
				    kk_vocab_name(&kk_vocab_personality_domain, pers->domain));
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_personality *pers = op->ref;

	snprintf(buf, len, "personality %s%s",
		 kk_vocab_name(&kk_vocab_personality_domain, pers->domain),
		 pers->flags.n ? " (flags ignored, as with runc)" : "");
}

static const struct kk_op_type personality_op = {
	.name = "personality",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_personality(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_personality *pers = spec->linux_ ? spec->linux_->personality : NULL;
	struct kk_op op = {.type = &personality_op, .ref = pers};

	if (pers == NULL)
		return 0;
	return kk_plan_add(plan, &op, err);
}
