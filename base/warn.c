#include "base/warn.h"

#include <stdarg.h>
#include <stdio.h>

static kk_warn_sink current;

void kk_warn_set_sink(kk_warn_sink sink)
{
	current = sink;
}

void kk_warn(const char *fmt, ...)
{
	struct kk_error e = {0};
	va_list ap;

	if (current == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	kk_error_make_printable(&e);
	current(e.msg);
}
