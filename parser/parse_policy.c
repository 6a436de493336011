/* The hook policy document (policy.h). Unlike config.json, whose unknown
 * keys the spec says to ignore, a policy is the operator's own file: a
 * misspelt key would silently weaken it, so every unknown key is an error. */
#include <string.h>

#include "parser/parse.h"
#include "parser/policy.h"

#define E(name, value)                                                                             \
	{                                                                                          \
		name, value                                                                        \
	}
static const struct kk_vocab_entry profile_entries[] = {
	E("standard", KK_POLICY_STANDARD),
	E("strict", KK_POLICY_STRICT),
};
#undef E
const struct kk_vocab kk_vocab_hook_profile = {"hook policy profile", profile_entries, 2, false};

static const char *const known_keys[] = {
	"profile",
	"allowedHooks",
	"maxTimeoutSeconds",
	"keepCapabilities",
};

static int check_keys(struct kp_ctx *ctx, json_object *jv)
{
	json_object_object_foreach(jv, key, val) {
		size_t i = 0;

		(void)val;
		while (i < sizeof(known_keys) / sizeof(known_keys[0]) && strcmp(key, known_keys[i]))
			i++;
		if (i == sizeof(known_keys) / sizeof(known_keys[0])) {
			size_t mark = kp_push_key(ctx, key);

			kp_fail(ctx, "unknown key (known: profile, allowedHooks, "
				     "maxTimeoutSeconds, keepCapabilities)");
			kp_pop(ctx, mark);
			return -1;
		}
	}
	return 0;
}

static int parse_caps(struct kp_ctx *ctx, json_object *jv, struct kk_hook_policy *p)
{
	struct kk_strv names = {0};
	int r = kp_strv(ctx, jv, "keepCapabilities", KP_OPTIONAL, &names);

	if (r <= 0)
		return r;
	p->has_keep_caps = true;
	for (size_t i = 0; i < names.n; i++) {
		int64_t cap;

		if (kk_vocab_lookup(&kk_vocab_capability, names.v[i], &cap) < 0) {
			size_t mark = kp_push_key(ctx, "keepCapabilities");

			kp_push_index(ctx, i);
			kp_fail(ctx, "unknown capability \"%s\"", names.v[i]);
			kp_pop(ctx, mark);
			return -1;
		}
		p->keep_caps |= UINT64_C(1) << cap;
	}
	return 0;
}

int kp_parse_hook_policy(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_hook_policy *p = out;
	int r;

	if (kp_as_object(ctx, jv) < 0 || check_keys(ctx, jv) < 0)
		return -1;
	if (kp_enum(ctx, jv, "profile", KP_REQUIRED, &kk_vocab_hook_profile, &p->profile) < 0)
		return -1;
	r = kp_strv(ctx, jv, "allowedHooks", KP_OPTIONAL, &p->allowed_hooks);
	if (r < 0)
		return -1;
	p->has_allowed_hooks = r > 0;
	if (kp_opt_i64(ctx, jv, "maxTimeoutSeconds", &p->max_timeout) < 0)
		return -1;
	return parse_caps(ctx, jv, p);
}
