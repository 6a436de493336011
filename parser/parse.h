/* Private to parser/: the JSON -> model builders, one per spec section.
 * Each fills *out (zeroed, arena-allocated) from the object jv, with the
 * path in ctx already pointing at jv. Returns 0 or -1 with ctx->err set. */
#ifndef KK_PARSER_PARSE_H
#define KK_PARSER_PARSE_H

#include <sys/types.h>

#include "parser/read.h"

int kp_parse_spec(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_spec */
int kp_parse_process(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_process */
int kp_parse_state(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_state */
int kp_parse_linux(struct kp_ctx *ctx, json_object *jv, void *out);	/* struct kk_linux */
int kp_parse_resources(struct kp_ctx *ctx, json_object *jv, void *out); /* struct kk_resources */
/* resources.json (`update --resources`): linux.resources, unknown keys refused. */
int kp_parse_resources_doc(struct kp_ctx *ctx, json_object *jv, void *out);
int kp_parse_seccomp(struct kp_ctx *ctx, json_object *jv, void *out); /* struct kk_seccomp */
/* struct kk_hook_policy (policy.h) */
int kp_parse_hook_policy(struct kp_ctx *ctx, json_object *jv, void *out);
/* The optional array of id mappings at key (linux and mounts share it). */
int kp_parse_id_mappings(struct kp_ctx *ctx, json_object *jv, const char *key,
			 struct kk_id_mappings *out);

/* Refuses what json-c would silently alter or resolve: \u0000 escapes,
 * integers beyond 64 bits, keys repeated in an object, keys in single
 * quotes. Runs on the raw bytes. */
int kp_prescan(struct kp_ctx *ctx, const char *buf, size_t len);

/* Decodes the object key raw[0..n) (between its quotes) to the bytes json-c
 * stores, into out (room for n bytes: no escape decodes longer than itself).
 * Returns the decoded length, or -1 for an escape json-c refuses. */
ssize_t kp_json_key_decode(const char *raw, size_t n, char *out);

/* Parses bytes of the given kind into a tree in ctx->arena (not yet validated). */
const void *kp_build(struct kp_ctx *ctx, int kind, const char *buf, size_t len);

#endif
