/* The plan: what a config will do, as an ordered list of small typed
 * operations, built from the immutable spec before anything is touched.
 *
 * Each feature file contributes a planner (kk_plan_<feature>) that appends
 * ops, and the op types it defines. An op type knows its phase (which
 * process runs it, and when), how to apply itself, and how to describe
 * itself in one line for `kakoi plan`. An op that changes the host registers
 * its undo on ctx->undo as soon as it succeeds.
 *
 * The plan is data, not code: `kakoi plan` prints it without executing, and
 * tests inspect it without root. */
#ifndef KK_RUNTIME_PLAN_H
#define KK_RUNTIME_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/cleanup.h"
#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kk_ctx;
struct kk_op;

/* Who runs an op and when, in execution order. */
enum kk_phase {
	KK_PHASE_HOST_PREPARE, /* runtime, before the init exists (state dir, cgroup) */
	KK_PHASE_HOST_ATTACH,  /* runtime, init exists and waits (id maps, cgroup join) */
	KK_PHASE_INIT_JOIN,    /* init: setns into namespaces given by path */
	KK_PHASE_INIT_ROOTFS,  /* init: mounts, devices, pivot_root, masks, sysctl, names */
	KK_PHASE_INIT_CREATED, /* init: checks before create returns (executable, cwd) */
	KK_PHASE_INIT_PROCESS, /* init after start: rlimits, identity, caps, seccomp, exec */
	KK_PHASE_COUNT,
};

const char *kk_phase_name(enum kk_phase phase);

struct kk_op_type {
	const char *name; /* "mount", "mknod", "cgroup-create", ... */
	enum kk_phase phase;
	int (*apply)(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err);
	/* One line, no newline, for `kakoi plan` and error context. */
	void (*describe)(const struct kk_op *op, char *buf, size_t len);
};

struct kk_op {
	const struct kk_op_type *type;
	const void *ref;  /* the spec element it applies (struct kk_mount *, ...), or NULL */
	const char *path; /* a path it acts on: spec-owned or plan-owned (kk_plan_strdup) */
	uint64_t num;	  /* a flag set, a value, an index: meaning per type */
	uint64_t num2;
};

struct kk_plan {
	struct kk_op *ops;
	size_t n, cap;
	char **strings; /* owned copies, freed with the plan */
	size_t n_strings, cap_strings;
};

#define KK_PLAN_INIT                                                                               \
	{                                                                                          \
		0                                                                                  \
	}

/* Appends an op (copied). */
int kk_plan_add(struct kk_plan *plan, const struct kk_op *op, struct kk_error *err);

/* Inserts an op before the first op of the named type (or appends it when
 * there is none): for steps that must sit between two steps of another
 * feature, like the create hooks just before pivot_root. */
int kk_plan_insert_before(struct kk_plan *plan, const char *type_name, const struct kk_op *op,
			  struct kk_error *err);

/* A string that lives as long as the plan; NULL with err set on ENOMEM. */
const char *kk_plan_strdup(struct kk_plan *plan, const char *s, struct kk_error *err);
const char *kk_plan_printf(struct kk_plan *plan, struct kk_error *err, const char *fmt, ...)
	KK_PRINTF(3, 4);

void kk_plan_free(struct kk_plan *plan);
#define KK_AUTOPLAN KK_CLEANUP(kk_plan_free)

/* Applies the ops of one phase, in order. On failure err names the step:
 * "<phase> step <i> <type>: <description>: <cause>". */
int kk_plan_run(const struct kk_plan *plan, enum kk_phase phase, struct kk_ctx *ctx,
		struct kk_error *err);

/* One numbered line per op, grouped by phase. */
void kk_plan_print(const struct kk_plan *plan, FILE *out);

/* The op's description via its type (or its type name). */
void kk_op_describe(const struct kk_op *op, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
