/* The undo stack: the one place rollback lives. A step that changes the host
 * registers how to reverse itself the moment it succeeds; on a later error
 * the stack runs in reverse. On success the caller forgets it and the
 * changes stay. */
#ifndef KK_RUNTIME_UNDO_H
#define KK_RUNTIME_UNDO_H

#include <stddef.h>

#include "base/cleanup.h"
#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reverses one step. arg is the copy made at push time. */
typedef int (*kk_undo_fn)(const void *arg, struct kk_error *err);

struct kk_undo_entry;

struct kk_undo {
	struct kk_undo_entry *top;
	size_t n;
};

#define KK_UNDO_INIT                                                                               \
	{                                                                                          \
		NULL, 0                                                                            \
	}

/* Registers fn(arg) (arg is copied, len bytes). `what` names the step in
 * errors ("remove cgroup /sys/fs/cgroup/pids/x"). If the entry cannot be
 * allocated the step is reversed at once and -1 returned, so a change never
 * exists without its undo. */
int kk_undo_push(struct kk_undo *undo, const char *what, kk_undo_fn fn, const void *arg, size_t len,
		 struct kk_error *err);

/* Runs every entry, newest first, and empties the stack. Keeps going past
 * failures (a half rollback is worse than a noisy one); returns -1 with the
 * first failure in err, which should be a scratch error, not the one that
 * caused the rollback. */
int kk_undo_run(struct kk_undo *undo, struct kk_error *err);

/* Discards every entry without running it: the operation succeeded. */
void kk_undo_forget(struct kk_undo *undo);

/* Runs the stack after a failure described by err; a step that cannot be
 * undone is appended to err's message ("...; rollback: ..."), so the one
 * error the user sees says both what failed and what may be left. */
void kk_undo_rollback(struct kk_undo *undo, struct kk_error *err);

/* Runs the stack if it is not empty, dropping rollback errors; for
 * KK_CLEANUP on scopes whose own error reporting happens elsewhere. */
void kk_undo_cleanup(struct kk_undo *undo);

#define KK_AUTOUNDO KK_CLEANUP(kk_undo_cleanup)

#ifdef __cplusplus
}
#endif

#endif
