/* Warnings: things that went wrong but do not fail the operation (a
 * poststop hook that failed, a rollback step that could not complete).
 * Library code reports them here; main() decides where they go (stderr and
 * the --log file), so nothing deep inside prints. */
#ifndef KK_BASE_WARN_H
#define KK_BASE_WARN_H

#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*kk_warn_sink)(const char *msg);

/* Replaces the sink (NULL: warnings are dropped, the default). */
void kk_warn_set_sink(kk_warn_sink sink);

void kk_warn(const char *fmt, ...) KK_PRINTF(1, 2);

#ifdef __cplusplus
}
#endif

#endif
