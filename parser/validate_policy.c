/* Semantic rules of a hook policy (policy.h): what the operator wrote must
 * mean exactly one thing. Settings that only the strict profile applies
 * are refused under standard rather than silently ignored. */
#include <string.h>

#include "parser/parser.h"
#include "parser/policy.h"
#include "parser/validate.h"

static int allowed_hooks(struct kp_ctx *ctx, const struct kk_strv *paths)
{
	if (kv_absolute_list(ctx, "allowedHooks", paths) < 0)
		return -1;
	for (size_t i = 0; i < paths->n; i++) {
		if (strlen(paths->v[i]) >= 4096)
			return KV_AT(ctx, "allowedHooks",
				     KV_AT_INDEX(ctx, i, kp_fail(ctx, "longer than PATH_MAX")));
	}
	return 0;
}

static int strict_only(struct kp_ctx *ctx, const char *key)
{
	return KV_AT(ctx, key, kp_fail(ctx, "applies only to the \"strict\" profile"));
}

int kv_hook_policy(struct kp_ctx *ctx, const struct kk_hook_policy *p)
{
	if (p->profile != KK_POLICY_STANDARD && p->profile != KK_POLICY_STRICT)
		return KV_AT(ctx, "profile", kp_fail(ctx, "unknown profile %d", p->profile));
	if (p->profile == KK_POLICY_STANDARD && p->has_allowed_hooks)
		return strict_only(ctx, "allowedHooks");
	if (p->profile == KK_POLICY_STANDARD && p->has_keep_caps)
		return strict_only(ctx, "keepCapabilities");
	if (!p->has_allowed_hooks && p->allowed_hooks.n > 0)
		return KV_AT(ctx, "allowedHooks", kp_fail(ctx, "entries without the key"));
	if (!p->has_keep_caps && p->keep_caps != 0)
		return KV_AT(ctx, "keepCapabilities", kp_fail(ctx, "a mask without the key"));
	if (p->max_timeout.set &&
	    (p->max_timeout.value < 1 || p->max_timeout.value > KK_POLICY_TIMEOUT_MAX))
		return KV_AT(ctx, "maxTimeoutSeconds",
			     kp_fail(ctx, "%lld is not between 1 and %d",
				     (long long)p->max_timeout.value, KK_POLICY_TIMEOUT_MAX));
	return allowed_hooks(ctx, &p->allowed_hooks);
}

int kk_hook_policy_validate(const struct kk_hook_policy *policy, struct kk_error *err)
{
	struct kp_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.err = err;
	ctx.doc = kk_doc_name(KK_DOC_HOOK_POLICY);
	return kv_hook_policy(&ctx, policy);
}
