/* The model of a hook policy document (--hook-policy FILE, see
 * docs/hooks.md): how strictly the host runs OCI hooks. Written by the
 * host's operator, never by a container's author; parsed like config.json
 * (in the isolated parser child), but strictly: an unknown key is an error.
 *
 *   {"profile": "strict",
 *    "allowedHooks": ["/usr/libexec/oci/hooks.d/nvidia"],
 *    "maxTimeoutSeconds": 60,
 *    "keepCapabilities": ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]}
 */
#ifndef KK_PARSER_POLICY_H
#define KK_PARSER_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "parser/spec.h"
#include "parser/vocab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Same values as enum kk_hook_profile (hooks/hooks.h). */
enum kk_policy_profile {
	KK_POLICY_STANDARD = 1,
	KK_POLICY_STRICT,
};

/* The longest timeout a policy may grant (and its default). */
#define KK_POLICY_TIMEOUT_MAX 3600
#define KK_POLICY_TIMEOUT_DEFAULT 60

extern const struct kk_vocab kk_vocab_hook_profile; /* "standard" -> KK_POLICY_STANDARD */

struct kk_hook_policy {
	int profile; /* kk_vocab_hook_profile */
	/* strict only. has_allowed_hooks: the key was given (an empty list then
	 * refuses every hook); absolute paths, compared after realpath. */
	bool has_allowed_hooks;
	struct kk_strv allowed_hooks;
	/* Caps every hook's timeout, and is the timeout of a hook without one. */
	struct kk_opt_i64 max_timeout;
	/* strict only: the bounding set hooks keep (mask of CAP_* numbers);
	 * without the key, a default set (hooks/README.md). */
	bool has_keep_caps;
	uint64_t keep_caps;
};

#ifdef __cplusplus
}
#endif

#endif
