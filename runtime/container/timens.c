/* A new time namespace. Its offsets can only be written while no process is
 * in it, so the runtime unshares it for its children, writes the offsets,
 * and the clone then puts the init inside. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/container/namespaces.h"
#include "runtime/exec/ctx.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/write.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void offsets_text(const struct kk_time_offsets *t, char *buf, size_t len)
{
	int n = 0;

	buf[0] = '\0';
	if (t != NULL && t->monotonic != NULL)
		n = snprintf(buf, len, "monotonic %lld %u\n", (long long)t->monotonic->secs.value,
			     t->monotonic->nanosecs.value);
	if (t != NULL && t->boottime != NULL && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "boottime %lld %u\n",
			 (long long)t->boottime->secs.value, t->boottime->nanosecs.value);
}

static int timens_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_time_offsets *t = op->ref;
	char text[128];

	(void)ctx;
	if (kk_sys()->unshare(CLONE_NEWTIME) < 0)
		return kk_error_sys(err, errno, "unshare the time namespace");
	offsets_text(t, text, sizeof(text));
	if (text[0] == '\0')
		return 0;
	if (kk_write_value(AT_FDCWD, "/proc/self/timens_offsets", text, err) == 0)
		return 0;
	kk_error_prefix(err, "linux.timeOffsets");
	return -1;
}

static void timens_describe(const struct kk_op *op, char *buf, size_t len)
{
	char text[128];
	size_t n;

	offsets_text(op->ref, text, sizeof(text));
	for (n = strlen(text); n > 0 && text[n - 1] == '\n'; n--)
		text[n - 1] = '\0';
	for (char *p = text; *p != '\0'; p++)
		if (*p == '\n')
			*p = ',';
	snprintf(buf, len, "new time namespace for the init%s%s", text[0] ? ", offsets " : "",
		 text);
}

static const struct kk_op_type op_timens = {
	.name = "unshare-time",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = timens_apply,
	.describe = timens_describe,
};

int kk_plan_timens(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_linux *lx = spec->linux_;
	bool new_time = false;

	for (size_t i = 0; i < lx->n_namespaces; i++)
		if (lx->namespaces[i].type == CLONE_NEWTIME && lx->namespaces[i].path == NULL)
			new_time = true;
	if (lx->time_offsets != NULL && !new_time)
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.timeOffsets: needs a new time namespace");
	if (!new_time)
		return 0;
	return kk_plan_add(plan, &(struct kk_op){.type = &op_timens, .ref = lx->time_offsets}, err);
}
