/* Private to parser/: the JSON -> model builders, one per spec section.
 * Each fills *out (zeroed, arena-allocated) from the object jv, with the
 * path in ctx already pointing at jv. Returns 0 or -1 with ctx->err set. */
#ifndef KK_PARSER_PARSE_H
#define KK_PARSER_PARSE_H

#include "parser/read.h"

int kp_parse_spec(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_spec */
int kp_parse_process(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_process */
int kp_parse_state(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_state */
int kp_parse_linux(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_linux */
int kp_parse_resources(struct kp_ctx *ctx, json_object *jv, void *out); /* struct kk_resources */
int kp_parse_seccomp(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_seccomp */
/* struct kk_hook_policy (policy.h) */
int kp_parse_hook_policy(struct kp_ctx *ctx, json_object *jv, void *out);
/* The optional array of id mappings at key (linux and mounts share it). */
int kp_parse_id_mappings(struct kp_ctx *ctx, json_object *jv, const char *key,
			 struct kk_id_mappings *out);

/* Refuses what json-c would silently alter: \u0000 escapes and integers
 * beyond 64 bits. Runs on the raw bytes. */
int kp_prescan(struct kp_ctx *ctx, const char *buf, size_t len);

/* Parses bytes of the given kind into a tree in ctx->arena (not yet validated). */
const void *kp_build(struct kp_ctx *ctx, int kind, const char *buf, size_t len);

#endif
