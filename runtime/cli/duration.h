/* Go's time.ParseDuration, which runc's --interval flag goes through:
 * "5s", "100ms", "1m30s", "1.5h", "-2us", "0". Units ns, us (or µs, μs),
 * ms, s, m, h; every number needs one except a bare "0". */
#ifndef KK_CLI_DURATION_H
#define KK_CLI_DURATION_H

#include <stdint.h>

#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parses s into nanoseconds (Go's int64 range); KK_ERR_USAGE with Go's
 * wording ("invalid duration \"5x\"", "unknown unit ...", "missing unit
 * ...") otherwise. */
int kk_duration_parse(const char *s, int64_t *ns, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
