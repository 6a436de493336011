/* Private to parser/: semantic checks on a built model, one function per
 * spec section. They use the same context as the readers (ctx->arena is
 * unused) so errors carry the same JSON paths. Each returns 0 or -1. */
#ifndef KK_PARSER_VALIDATE_H
#define KK_PARSER_VALIDATE_H

#include "parser/read.h"

int kv_spec(struct kp_ctx *ctx, const struct kk_spec *spec);
int kv_process(struct kp_ctx *ctx, const struct kk_process *process);
int kv_linux(struct kp_ctx *ctx, const struct kk_linux *linux_);
int kv_resources(struct kp_ctx *ctx, const struct kk_resources *resources);
int kv_seccomp(struct kp_ctx *ctx, const struct kk_seccomp *seccomp);
int kv_state(struct kp_ctx *ctx, const struct kk_state *state);
struct kk_hook_policy;
int kv_hook_policy(struct kp_ctx *ctx, const struct kk_hook_policy *policy); /* validate_policy.c */

/* Shared rules. */
int kv_absolute(struct kp_ctx *ctx, const char *key, const char *path);
int kv_id_mappings(struct kp_ctx *ctx, const char *key, const struct kk_id_mappings *maps);
int kv_env(struct kp_ctx *ctx, const char *key, const struct kk_strv *env);
/* Keys of a map-like array (a const char * at key_offset of each item):
 * none empty, none repeated. kv_map applies it to a kk_map at key. */
int kv_keys(struct kp_ctx *ctx, const void *items, size_t n, size_t stride, size_t key_offset);
int kv_map(struct kp_ctx *ctx, const char *key, const struct kk_map *map);
int kv_absolute_list(struct kp_ctx *ctx, const char *key, const struct kk_strv *paths);

/* kp_push_key + check + kp_pop around one call. */
#define KV_AT(ctx, key, call)                                                                      \
	({                                                                                         \
		size_t kv_mark_ = kp_push_key(ctx, key);                                           \
		int kv_r_ = (call);                                                                \
		kp_pop(ctx, kv_mark_);                                                             \
		kv_r_;                                                                             \
	})

#define KV_AT_INDEX(ctx, index, call)                                                              \
	({                                                                                         \
		size_t kv_mark_ = kp_push_index(ctx, index);                                       \
		int kv_r_ = (call);                                                                \
		kp_pop(ctx, kv_mark_);                                                             \
		kv_r_;                                                                             \
	})

#endif
