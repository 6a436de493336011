#include "runtime/exec/undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"

struct kk_undo_entry {
	struct kk_undo_entry *next;
	kk_undo_fn fn;
	char what[160];
	size_t len;
	unsigned char arg[];
};

int kk_undo_push(struct kk_undo *undo, const char *what, kk_undo_fn fn, const void *arg, size_t len,
		 struct kk_error *err)
{
	struct kk_undo_entry *e = malloc(sizeof(*e) + len);

	if (e == NULL) {
		struct kk_error ignored = {0};

		fn(arg, &ignored);
		return kk_error_set(err, KK_ERR_SYS, "%s: out of memory registering the undo",
				    what);
	}
	e->fn = fn;
	snprintf(e->what, sizeof(e->what), "%s", what);
	e->len = len;
	if (len > 0)
		memcpy(e->arg, arg, len);
	e->next = undo->top;
	undo->top = e;
	undo->n++;
	return 0;
}

int kk_undo_run(struct kk_undo *undo, struct kk_error *err)
{
	int rc = 0;

	while (undo->top != NULL) {
		struct kk_undo_entry *e = undo->top;
		struct kk_error step = {0};

		undo->top = e->next;
		undo->n--;
		if (e->fn(e->arg, &step) < 0 && rc == 0) {
			kk_error_prefix(&step, "rollback: %s", e->what);
			*err = step;
			rc = -1;
		}
		free(e);
	}
	return rc;
}

void kk_undo_forget(struct kk_undo *undo)
{
	while (undo->top != NULL) {
		struct kk_undo_entry *e = undo->top;

		undo->top = e->next;
		free(e);
	}
	undo->n = 0;
}

void kk_undo_rollback(struct kk_undo *undo, struct kk_error *err)
{
	struct kk_error rollback = {0};
	size_t used = strlen(err->msg);

	if (kk_undo_run(undo, &rollback) < 0 && used + 3 < sizeof(err->msg)) {
		/* Truncation keeps the original error, which comes first. */
		memcpy(err->msg + used, "; ", 2);
		used += 2;
		size_t n = strnlen(rollback.msg, sizeof(err->msg) - used - 1);

		memcpy(err->msg + used, rollback.msg, n);
		err->msg[used + n] = '\0';
	}
}

void kk_undo_cleanup(struct kk_undo *undo)
{
	struct kk_error ignored = {0};

	kk_undo_run(undo, &ignored);
}
