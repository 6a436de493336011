#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void format_into(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);
	if (n < 0)
		snprintf(buf, size, "(unprintable error message)");
}

int kk_error_set(struct kk_error *err, enum kk_err_code code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->sys_errno = 0;
	va_start(ap, fmt);
	format_into(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int kk_error_sys(struct kk_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t used;

	err->code = KK_ERR_SYS;
	err->sys_errno = errnum;
	va_start(ap, fmt);
	format_into(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	used = strlen(err->msg);
	snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", strerror(errnum));
	return -1;
}

void kk_error_prefix(struct kk_error *err, const char *fmt, ...)
{
	char prefix[KK_ERROR_MSG_MAX];
	char old[KK_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	format_into(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation keeps the front, where the context is. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) < 0)
		err->msg[0] = '\0';
}

void kk_error_make_printable(struct kk_error *err)
{
	err->msg[sizeof(err->msg) - 1] = '\0';
	for (char *p = err->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

void kk_error_clear(struct kk_error *err)
{
	err->code = KK_OK;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

const char *kk_error_code_name(enum kk_err_code code)
{
	switch (code) {
	case KK_OK:
		return "ok";
	case KK_ERR_USAGE:
		return "usage";
	case KK_ERR_INVALID:
		return "invalid";
	case KK_ERR_LIMIT:
		return "limit";
	case KK_ERR_SYS:
		return "system";
	case KK_ERR_ISOLATION:
		return "isolation";
	case KK_ERR_INTERNAL:
		return "internal";
	case KK_ERR_NOT_FOUND:
		return "not-found";
	case KK_ERR_COUNT:
		break;
	}
	return "unknown";
}
