/* state.json (runtime.md "State", schema/state-schema.json). */
#include "parser/parse.h"

int kp_parse_state(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_state *st = out;

	if (kp_str(ctx, jv, "ociVersion", KP_REQUIRED, &st->oci_version) < 0 ||
	    kp_str(ctx, jv, "id", KP_REQUIRED, &st->id) < 0 ||
	    kp_enum(ctx, jv, "status", KP_REQUIRED, &kk_vocab_status, &st->status) < 0 ||
	    kp_str(ctx, jv, "bundle", KP_REQUIRED, &st->bundle) < 0 ||
	    kp_map(ctx, jv, "annotations", &st->annotations) < 0)
		return -1;
	return kp_opt_i64(ctx, jv, "pid", &st->pid) < 0 ? -1 : 0;
}
