/* Private to parser/: typed reading of json-c values into the model, with
 * the JSON path of the value being read kept for error messages such as
 *   config.json: process.rlimits[2].type: unknown rlimit "RLIMIT_FOO"
 *
 * Field readers return 1 when the field was present and stored, 0 when it
 * was absent and optional (the output is untouched), -1 with ctx->err set. */
#ifndef KK_PARSER_READ_H
#define KK_PARSER_READ_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "parser/arena.h"
#include "parser/spec.h"
#include "parser/vocab.h"

#define KP_PATH_MAX 512

struct kp_ctx {
	struct kk_arena *arena;
	struct kk_error *err;
	const char *doc; /* "config.json", "process.json", ... */
	char path[KP_PATH_MAX];
	size_t path_len;
	/* What the spec says to warn about and go on (arena strings). */
	const char **warnings;
	size_t n_warnings;
};

enum kp_presence { KP_OPTIONAL, KP_REQUIRED };

/* Error at the current path: "<doc>: <path>: <message>". Returns -1. */
int kp_fail(struct kp_ctx *ctx, const char *fmt, ...) KK_PRINTF(2, 3);
int kp_fail_limit(struct kp_ctx *ctx, const char *fmt, ...) KK_PRINTF(2, 3);
int kp_oom(struct kp_ctx *ctx);
/* A warning at the current path, "<doc>: <path>: <message>", kept in the
 * document (spec.h: warnings) for the runtime to report. Returns 0, or -1
 * when out of memory. */
int kp_warn(struct kp_ctx *ctx, const char *fmt, ...) KK_PRINTF(2, 3);

/* Path stack: push returns a mark to pop back to. */
size_t kp_push_key(struct kp_ctx *ctx, const char *key);
size_t kp_push_index(struct kp_ctx *ctx, size_t index);
void kp_pop(struct kp_ctx *ctx, size_t mark);

/* Parses bytes into a JSON object tree (strict JSON, UTF-8, depth-limited). */
json_object *kp_parse_json(struct kp_ctx *ctx, const char *buf, size_t len);

/* Value readers: the path must already point at the value. */
int kp_as_object(struct kp_ctx *ctx, json_object *jv);
int kp_as_string(struct kp_ctx *ctx, json_object *jv, const char **out);
int kp_as_bool(struct kp_ctx *ctx, json_object *jv, bool *out);
int kp_as_signed(struct kp_ctx *ctx, json_object *jv, int64_t min, int64_t max, int64_t *out);
int kp_as_unsigned(struct kp_ctx *ctx, json_object *jv, uint64_t max, uint64_t *out);
int kp_as_enum(struct kp_ctx *ctx, json_object *jv, const struct kk_vocab *vocab, int *out);

/* Looks up key in obj; absent is an error only when required. Returns 1/0/-1
 * and pushes nothing. */
int kp_field(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	     json_object **out);

/* Field readers (see the header comment for the return convention). */
int kp_str(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   const char **out);
int kp_bool(struct kp_ctx *ctx, json_object *obj, const char *key, bool *out);
int kp_opt_bool(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_bool *out);
int kp_u32(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   uint32_t *out);
int kp_opt_u32(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_u32 *out);
/* An optional integer in [0, max] kept in a uint32 (blkio weights, file modes). */
int kp_opt_u32_max(struct kp_ctx *ctx, json_object *obj, const char *key, uint32_t max,
		   struct kk_opt_u32 *out);
int kp_u64(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   uint64_t *out);
int kp_opt_u64(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_u64 *out);
int kp_i32(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   int32_t *out);
int kp_opt_i32(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_i32 *out);
int kp_i64(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   int64_t *out);
int kp_opt_i64(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_i64 *out);
int kp_enum(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	    const struct kk_vocab *vocab, int *out);
/* An array of names from a flag vocabulary, OR-ed together. */
int kp_flags(struct kp_ctx *ctx, json_object *obj, const char *key, const struct kk_vocab *vocab,
	     uint64_t *out);
int kp_strv(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	    struct kk_strv *out);
int kp_u32v(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_u32v *out);
/* An object of string values, kept in document order. */
int kp_map(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_map *out);

/* Element and object parsers used with kp_array / kp_object. */
typedef int (*kp_parse_fn)(struct kp_ctx *ctx, json_object *jv, void *out);

/* An array of objects: allocates n elements of elem_size and calls parse on
 * each with the path at key[i]. */
int kp_array(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	     size_t elem_size, kp_parse_fn parse, const void **out, size_t *n);

/* An optional/required sub-object: allocates size bytes and calls parse with
 * the path at key. */
int kp_object(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	      size_t size, kp_parse_fn parse, const void **out);

/* kp_array / kp_object into a typed pointer field, without type-punning it
 * through a const void ** (the readers' out type). Optional fields. */
#define KP_ARRAY(ctx, obj, key, fn, ptr, count)                                                    \
	({                                                                                         \
		const void *kp_v_ = NULL;                                                          \
		int kp_r_ = kp_array(ctx, obj, key, KP_OPTIONAL, sizeof(*(ptr)), fn, &kp_v_,       \
				     &(count));                                                    \
		(ptr) = kp_v_;                                                                     \
		kp_r_;                                                                             \
	})
#define KP_OBJECT(ctx, obj, key, fn, ptr)                                                          \
	({                                                                                         \
		const void *kp_v_ = NULL;                                                          \
		int kp_r_ = kp_object(ctx, obj, key, KP_OPTIONAL, sizeof(*(ptr)), fn, &kp_v_);     \
		(ptr) = kp_v_;                                                                     \
		kp_r_;                                                                             \
	})

/* A one-character string from set (device types), kept as a char; names
 * lists the choices for the error message. */
int kp_char(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	    const char *set, const char *names, char *out);

/* Calls fn for each member of the object at key (path at key.member). */
typedef int (*kp_member_fn)(struct kp_ctx *ctx, const char *member, json_object *jv, void *out);
int kp_members(struct kp_ctx *ctx, json_object *obj, const char *key, size_t elem_size,
	       kp_member_fn fn, const void **out, size_t *n);

static inline void kp_json_putp(json_object **jv)
{
	if (*jv != NULL)
		json_object_put(*jv);
}

#endif
