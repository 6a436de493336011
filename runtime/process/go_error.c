/* Errors in Go's wording. runc is written in Go, and engines (Podman,
 * CRI-O) match the text of its exec errors, in which an errno reads as Go's
 * syscall.Errno string: strerror with a lower-case first letter. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/process/process_ops.h"

int kk_proc_go_error(struct kk_error *err, int errnum, const char *fmt, ...)
{
	char what[KK_ERROR_MSG_MAX / 2];
	char cause[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(cause, sizeof(cause), "%s", strerror(errnum));
	cause[0] = (char)tolower((unsigned char)cause[0]);
	kk_error_set(err, KK_ERR_SYS, "%s: %s", what, cause);
	err->sys_errno = errnum;
	return -1;
}
