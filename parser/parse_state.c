/* state.json (runtime.md "State", schema/state-schema.json). */
#include "parser/parse.h"

int kp_parse_state(struct kp_ctx *ctx, json_object *jv, void *out)
{
	struct kk_state *st = out;
	uint64_t pid;
	int r;

	if (kp_str(ctx, jv, "ociVersion", KP_REQUIRED, &st->oci_version) < 0 ||
	    kp_str(ctx, jv, "id", KP_REQUIRED, &st->id) < 0 ||
	    kp_enum(ctx, jv, "status", KP_REQUIRED, &kk_vocab_status, &st->status) < 0 ||
	    kp_str(ctx, jv, "bundle", KP_REQUIRED, &st->bundle) < 0 ||
	    kp_map(ctx, jv, "annotations", &st->annotations) < 0)
		return -1;
	r = kp_u64(ctx, jv, "pid", KP_OPTIONAL, &pid);
	if (r < 0)
		return -1;
	if (r > 0 && pid > INT32_MAX) {
		size_t mark = kp_push_key(ctx, "pid");
		kp_fail(ctx, "%llu is not a valid process ID", (unsigned long long)pid);
		kp_pop(ctx, mark);
		return -1;
	}
	st->pid.set = r > 0;
	st->pid.value = (int64_t)pid;
	return 0;
}
