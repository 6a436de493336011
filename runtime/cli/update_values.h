/* Parsers of `kakoi update` flag values. flag is the flag's name without
 * "--", for the message; refusals are usage errors naming it and quoting
 * the value. */
#ifndef KK_CLI_UPDATE_VALUES_H
#define KK_CLI_UPDATE_VALUES_H

#include <stdint.h>

#include "base/error.h"
#include "parser/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* docker/go-units RAMInBytes ("100m", "1.5g", "512 MiB"); "-1": unlimited. */
int kk_update_size(const char *flag, const char *s, struct kk_opt_i64 *out, struct kk_error *err);
int kk_update_i64(const char *flag, const char *s, int64_t *out, struct kk_error *err);
int kk_update_opt_i64(const char *flag, const char *s, struct kk_opt_i64 *out,
		      struct kk_error *err);
int kk_update_u64(const char *flag, const char *s, struct kk_opt_u64 *out, struct kk_error *err);
/* --blkio-weight: 0 leaves the weight alone (runc). */
int kk_update_weight(const char *s, struct kk_opt_u32 *out, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
