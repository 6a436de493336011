#define _GNU_SOURCE
#include "runtime/exec/plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"

static const char *const phase_names[KK_PHASE_COUNT] = {
	[KK_PHASE_HOST_PREPARE] = "host-prepare", [KK_PHASE_HOST_ATTACH] = "host-attach",
	[KK_PHASE_INIT_JOIN] = "init-join",	  [KK_PHASE_INIT_ROOTFS] = "init-rootfs",
	[KK_PHASE_INIT_CREATED] = "init-created", [KK_PHASE_INIT_PROCESS] = "init-process",
};

const char *kk_phase_name(enum kk_phase phase)
{
	return phase < KK_PHASE_COUNT ? phase_names[phase] : "?";
}

static int grow(void **v, size_t *cap, size_t need, size_t elem, struct kk_error *err)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nv = reallocarray(*v, ncap, elem);
	if (nv == NULL)
		return kk_error_set(err, KK_ERR_SYS, "plan: out of memory");
	*v = nv;
	*cap = ncap;
	return 0;
}

int kk_plan_add(struct kk_plan *plan, const struct kk_op *op, struct kk_error *err)
{
	if (grow((void **)&plan->ops, &plan->cap, plan->n + 1, sizeof(*op), err) < 0)
		return -1;
	plan->ops[plan->n++] = *op;
	return 0;
}

int kk_plan_insert_before(struct kk_plan *plan, const char *type_name, const struct kk_op *op,
			  struct kk_error *err)
{
	size_t at = 0;

	while (at < plan->n && strcmp(plan->ops[at].type->name, type_name) != 0)
		at++;
	if (kk_plan_add(plan, op, err) < 0)
		return -1;
	memmove(&plan->ops[at + 1], &plan->ops[at], (plan->n - 1 - at) * sizeof(*op));
	plan->ops[at] = *op;
	return 0;
}

static const char *keep(struct kk_plan *plan, char *s, struct kk_error *err)
{
	if (s == NULL) {
		kk_error_set(err, KK_ERR_SYS, "plan: out of memory");
		return NULL;
	}
	if (grow((void **)&plan->strings, &plan->cap_strings, plan->n_strings + 1, sizeof(char *),
		 err) < 0) {
		free(s);
		return NULL;
	}
	plan->strings[plan->n_strings++] = s;
	return s;
}

const char *kk_plan_strdup(struct kk_plan *plan, const char *s, struct kk_error *err)
{
	return keep(plan, strdup(s), err);
}

const char *kk_plan_printf(struct kk_plan *plan, struct kk_error *err, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return keep(plan, s, err);
}

void kk_plan_free(struct kk_plan *plan)
{
	for (size_t i = 0; i < plan->n_strings; i++)
		free(plan->strings[i]);
	free(plan->strings);
	free(plan->ops);
	memset(plan, 0, sizeof(*plan));
}

/* Descriptions quote config strings; a newline or an ESC in one must not
 * forge lines in the auditor's view or in an error. */
static void make_printable(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void kk_op_describe(const struct kk_op *op, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (op->type->describe != NULL)
		op->type->describe(op, buf, len);
	else
		snprintf(buf, len, "%s", op->path != NULL ? op->path : "");
	buf[len - 1] = '\0';
	make_printable(buf);
}

int kk_plan_run(const struct kk_plan *plan, enum kk_phase phase, struct kk_ctx *ctx,
		struct kk_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct kk_op *op = &plan->ops[i];
		char what[512];

		if (op->type->phase != phase)
			continue;
		if (op->type->apply(op, ctx, err) == 0)
			continue;
		kk_op_describe(op, what, sizeof(what));
		kk_error_prefix(err, "%s step %zu %s: %s", kk_phase_name(phase), i + 1,
				op->type->name, what);
		return -1;
	}
	return 0;
}

void kk_plan_print(const struct kk_plan *plan, FILE *out)
{
	for (int phase = 0; phase < KK_PHASE_COUNT; phase++) {
		bool header = false;

		for (size_t i = 0; i < plan->n; i++) {
			const struct kk_op *op = &plan->ops[i];
			char what[1024];

			if (op->type->phase != (enum kk_phase)phase)
				continue;
			if (!header) {
				fprintf(out, "%s:\n", kk_phase_name(phase));
				header = true;
			}
			kk_op_describe(op, what, sizeof(what));
			fprintf(out, "  %3zu %-18s %s\n", i + 1, op->type->name, what);
		}
	}
}
