#ifndef KK_CLI_SIGNALS_H
#define KK_CLI_SIGNALS_H

#include "base/error.h"

/* "TERM", "SIGTERM", "term" or "15" -> SIGTERM; the error names the input. */
int kk_signal_parse(const char *s, int *sig, struct kk_error *err);

#endif
