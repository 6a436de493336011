#include "parser/read.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parser/arena.h"
#include "parser/limits.h"
#include "parser/utf8.h"

static int fail_with(struct kp_ctx *ctx, enum kk_err_code code, const char *fmt, va_list ap)
{
	char msg[KK_ERROR_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (ctx->path_len == 0)
		return kk_error_set(ctx->err, code, "%s: %s", ctx->doc, msg);
	return kk_error_set(ctx->err, code, "%s: %s: %s", ctx->doc, ctx->path, msg);
}

/* The list grows by copying into a larger arena array: it is short
 * (KK_LIMIT_WARNINGS), and the arena frees everything at once. */
static int add_warning(struct kp_ctx *ctx, const char *text)
{
	const char **grown;

	if (ctx->n_warnings == KK_LIMIT_WARNINGS)
		return 0;
	if (ctx->n_warnings == KK_LIMIT_WARNINGS - 1)
		text = "more warnings were left out";
	grown = kk_arena_array(ctx->arena, ctx->n_warnings + 1, sizeof(*grown));
	if (grown == NULL)
		return kp_oom(ctx);
	if (ctx->n_warnings > 0)
		memcpy(grown, ctx->warnings, ctx->n_warnings * sizeof(*grown));
	grown[ctx->n_warnings++] = kk_arena_strndup(ctx->arena, text, strlen(text));
	ctx->warnings = grown;
	return grown[ctx->n_warnings - 1] != NULL ? 0 : kp_oom(ctx);
}

int kp_warn(struct kp_ctx *ctx, const char *fmt, ...)
{
	char text[KK_ERROR_MSG_MAX];
	size_t used;
	va_list ap;

	if (ctx->path_len == 0)
		used = (size_t)snprintf(text, sizeof(text), "%s: ", ctx->doc);
	else
		used = (size_t)snprintf(text, sizeof(text), "%s: %s: ", ctx->doc, ctx->path);
	if (used >= sizeof(text))
		used = sizeof(text) - 1;
	va_start(ap, fmt);
	vsnprintf(text + used, sizeof(text) - used, fmt, ap);
	va_end(ap);
	return add_warning(ctx, text);
}

int kp_fail(struct kp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_with(ctx, KK_ERR_INVALID, fmt, ap);
	va_end(ap);
	return -1;
}

int kp_fail_limit(struct kp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_with(ctx, KK_ERR_LIMIT, fmt, ap);
	va_end(ap);
	return -1;
}

int kp_oom(struct kp_ctx *ctx)
{
	return kk_error_set(ctx->err, KK_ERR_SYS, "%s: %s: out of memory", ctx->doc, ctx->path);
}

/* Path overflow only truncates the message; the depth limit keeps it rare. */
static size_t push(struct kp_ctx *ctx, const char *fmt, ...) KK_PRINTF(2, 3);
static size_t push(struct kp_ctx *ctx, const char *fmt, ...)
{
	size_t mark = ctx->path_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(ctx->path + mark, sizeof(ctx->path) - mark, fmt, ap);
	va_end(ap);
	if (n > 0)
		ctx->path_len = strnlen(ctx->path, sizeof(ctx->path) - 1);
	return mark;
}

size_t kp_push_key(struct kp_ctx *ctx, const char *key)
{
	return push(ctx, ctx->path_len == 0 ? "%s" : ".%s", key);
}

size_t kp_push_index(struct kp_ctx *ctx, size_t index)
{
	return push(ctx, "[%zu]", index);
}

void kp_pop(struct kp_ctx *ctx, size_t mark)
{
	ctx->path_len = mark;
	ctx->path[mark] = '\0';
}

json_object *kp_parse_json(struct kp_ctx *ctx, const char *buf, size_t len)
{
	json_tokener *tok;
	json_object *jv;
	enum json_tokener_error jerr;
	size_t end;

	if (len > KK_LIMIT_INPUT_BYTES) {
		kp_fail_limit(
			ctx,
			"document is %zu bytes, more than the limit of %u (KK_LIMIT_INPUT_BYTES)",
			len, KK_LIMIT_INPUT_BYTES);
		return NULL;
	}
	tok = json_tokener_new_ex(KK_LIMIT_JSON_DEPTH);
	if (tok == NULL) {
		kp_oom(ctx);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	jv = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jv == NULL || jerr != json_tokener_success) {
		json_object_put(jv);
		if (jerr == json_tokener_error_depth)
			kp_fail_limit(ctx, "JSON nested deeper than %d (KK_LIMIT_JSON_DEPTH)",
				      KK_LIMIT_JSON_DEPTH);
		else if (jerr == json_tokener_continue)
			kp_fail(ctx, "invalid JSON: unexpected end of input");
		else
			kp_fail(ctx, "invalid JSON at byte %zu: %s", end,
				json_tokener_error_desc(jerr));
		return NULL;
	}
	for (; end < len; end++) {
		if (strchr(" \t\r\n", buf[end]) == NULL || buf[end] == '\0') {
			json_object_put(jv);
			kp_fail(ctx, "invalid JSON: trailing data at byte %zu", end);
			return NULL;
		}
	}
	if (!json_object_is_type(jv, json_type_object)) {
		json_object_put(jv);
		kp_fail(ctx, "must be a JSON object");
		return NULL;
	}
	return jv;
}

static const char *type_name(json_object *jv)
{
	return json_type_to_name(json_object_get_type(jv));
}

int kp_as_object(struct kp_ctx *ctx, json_object *jv)
{
	if (!json_object_is_type(jv, json_type_object))
		return kp_fail(ctx, "must be an object, not %s", type_name(jv));
	return 0;
}

int kp_as_string(struct kp_ctx *ctx, json_object *jv, const char **out)
{
	const char *s;
	size_t len;
	char *copy;

	if (!json_object_is_type(jv, json_type_string))
		return kp_fail(ctx, "must be a string, not %s", type_name(jv));
	s = json_object_get_string(jv);
	len = (size_t)json_object_get_string_len(jv);
	if (memchr(s, '\0', len) != NULL)
		return kp_fail(ctx, "must not contain a NUL byte");
	if (!kk_utf8_valid(s, len))
		return kp_fail(ctx, "must be valid UTF-8 (no overlong forms, surrogates or "
				    "code points above U+10FFFF)");
	copy = kk_arena_strndup(ctx->arena, s, len);
	if (copy == NULL)
		return kp_oom(ctx);
	*out = copy;
	return 0;
}

int kp_as_bool(struct kp_ctx *ctx, json_object *jv, bool *out)
{
	if (!json_object_is_type(jv, json_type_boolean))
		return kp_fail(ctx, "must be a boolean, not %s", type_name(jv));
	*out = json_object_get_boolean(jv);
	return 0;
}

/* json-c keeps integers as int64, or as uint64 when above INT64_MAX. */
static int as_integer(struct kp_ctx *ctx, json_object *jv, bool *negative, uint64_t *magnitude)
{
	int64_t s;

	if (!json_object_is_type(jv, json_type_int))
		return kp_fail(ctx, "must be an integer, not %s", type_name(jv));
	s = json_object_get_int64(jv);
	*negative = s < 0;
	if (s < 0)
		*magnitude = (uint64_t)(-(s + 1)) + 1;
	else if (s == INT64_MAX)
		*magnitude = json_object_get_uint64(jv);
	else
		*magnitude = (uint64_t)s;
	return 0;
}

int kp_as_signed(struct kp_ctx *ctx, json_object *jv, int64_t min, int64_t max, int64_t *out)
{
	bool neg;
	uint64_t mag;
	int64_t v;

	if (as_integer(ctx, jv, &neg, &mag) < 0)
		return -1;
	if (!neg && mag > (uint64_t)INT64_MAX)
		return kp_fail(ctx, "%" PRIu64 " is out of range [%" PRId64 ", %" PRId64 "]", mag,
			       min, max);
	v = neg ? (int64_t)(~mag + 1) : (int64_t)mag;
	if (v < min || v > max)
		return kp_fail(ctx, "%" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]", v,
			       min, max);
	*out = v;
	return 0;
}

int kp_as_unsigned(struct kp_ctx *ctx, json_object *jv, uint64_t max, uint64_t *out)
{
	bool neg;
	uint64_t mag;

	if (as_integer(ctx, jv, &neg, &mag) < 0)
		return -1;
	if (neg)
		return kp_fail(ctx, "must not be negative");
	if (mag > max)
		return kp_fail(ctx, "%" PRIu64 " is out of range [0, %" PRIu64 "]", mag, max);
	*out = mag;
	return 0;
}

int kp_as_enum(struct kp_ctx *ctx, json_object *jv, const struct kk_vocab *vocab, int *out)
{
	const char *name;
	int64_t value;

	if (kp_as_string(ctx, jv, &name) < 0)
		return -1;
	if (kk_vocab_lookup(vocab, name, &value) < 0)
		return kp_fail(ctx, "unknown %s \"%s\"", vocab->what, name);
	*out = (int)value;
	return 0;
}

int kp_field(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	     json_object **out)
{
	json_object *jv = NULL;

	size_t mark;
	int r;

	if (json_object_object_get_ex(obj, key, &jv) && jv != NULL) {
		*out = jv;
		return 1;
	}
	/* Absent, or JSON null, which runc (Go) and crun both take for
	 * absent: so does kakoi, with a warning for `validate --strict`. */
	if (presence == KP_OPTIONAL && !json_object_object_get_ex(obj, key, NULL))
		return 0;
	mark = kp_push_key(ctx, key);
	r = presence == KP_REQUIRED ? kp_fail(ctx, "is required")
				    : kp_warn(ctx, "is null: taken as absent");
	kp_pop(ctx, mark);
	return r < 0 ? -1 : 0;
}

/* Runs a value reader with the path at key. */
#define KP_READ_FIELD(ctx, obj, key, presence, reader_call)                                        \
	({                                                                                         \
		json_object *jv_ = NULL;                                                           \
		int r_ = kp_field(ctx, obj, key, presence, &jv_);                                  \
		if (r_ > 0) {                                                                      \
			size_t mark_ = kp_push_key(ctx, key);                                      \
			json_object *jv = jv_;                                                     \
			r_ = (reader_call) < 0 ? -1 : 1;                                           \
			kp_pop(ctx, mark_);                                                        \
		}                                                                                  \
		r_;                                                                                \
	})

int kp_str(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   const char **out)
{
	return KP_READ_FIELD(ctx, obj, key, presence, kp_as_string(ctx, jv, out));
}

int kp_bool(struct kp_ctx *ctx, json_object *obj, const char *key, bool *out)
{
	return KP_READ_FIELD(ctx, obj, key, KP_OPTIONAL, kp_as_bool(ctx, jv, out));
}

int kp_opt_bool(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_bool *out)
{
	int r = kp_bool(ctx, obj, key, &out->value);

	out->set = r > 0;
	return r;
}

static int read_unsigned(struct kp_ctx *ctx, json_object *obj, const char *key,
			 enum kp_presence presence, uint64_t max, uint64_t *out)
{
	return KP_READ_FIELD(ctx, obj, key, presence, kp_as_unsigned(ctx, jv, max, out));
}

static int read_signed(struct kp_ctx *ctx, json_object *obj, const char *key,
		       enum kp_presence presence, int64_t min, int64_t max, int64_t *out)
{
	return KP_READ_FIELD(ctx, obj, key, presence, kp_as_signed(ctx, jv, min, max, out));
}

int kp_u32(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   uint32_t *out)
{
	uint64_t v;
	int r = read_unsigned(ctx, obj, key, presence, UINT32_MAX, &v);

	if (r > 0)
		*out = (uint32_t)v;
	return r;
}

int kp_opt_u32(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_u32 *out)
{
	int r = kp_u32(ctx, obj, key, KP_OPTIONAL, &out->value);

	out->set = r > 0;
	return r;
}

int kp_opt_u32_max(struct kp_ctx *ctx, json_object *obj, const char *key, uint32_t max,
		   struct kk_opt_u32 *out)
{
	uint64_t v = 0;
	int r = read_unsigned(ctx, obj, key, KP_OPTIONAL, max, &v);

	out->set = r > 0;
	if (r > 0)
		out->value = (uint32_t)v;
	return r;
}

int kp_u64(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   uint64_t *out)
{
	return read_unsigned(ctx, obj, key, presence, UINT64_MAX, out);
}

int kp_opt_u64(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_u64 *out)
{
	int r = kp_u64(ctx, obj, key, KP_OPTIONAL, &out->value);

	out->set = r > 0;
	return r;
}

int kp_i32(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   int32_t *out)
{
	int64_t v;
	int r = read_signed(ctx, obj, key, presence, INT32_MIN, INT32_MAX, &v);

	if (r > 0)
		*out = (int32_t)v;
	return r;
}

int kp_opt_i32(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_i32 *out)
{
	int r = kp_i32(ctx, obj, key, KP_OPTIONAL, &out->value);

	out->set = r > 0;
	return r;
}

int kp_i64(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	   int64_t *out)
{
	return read_signed(ctx, obj, key, presence, INT64_MIN, INT64_MAX, out);
}

int kp_opt_i64(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_opt_i64 *out)
{
	int r = kp_i64(ctx, obj, key, KP_OPTIONAL, &out->value);

	out->set = r > 0;
	return r;
}

int kp_enum(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	    const struct kk_vocab *vocab, int *out)
{
	return KP_READ_FIELD(ctx, obj, key, presence, kp_as_enum(ctx, jv, vocab, out));
}

static int as_char(struct kp_ctx *ctx, json_object *jv, const char *set, const char *names,
		   char *out)
{
	const char *s;

	if (kp_as_string(ctx, jv, &s) < 0)
		return -1;
	if (s[0] == '\0' || s[1] != '\0' || strchr(set, s[0]) == NULL)
		return kp_fail(ctx, "must be one of %s", names);
	*out = s[0];
	return 0;
}

int kp_char(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	    const char *set, const char *names, char *out)
{
	return KP_READ_FIELD(ctx, obj, key, presence, as_char(ctx, jv, set, names, out));
}

/* Checks type and the length limit of an array value at the current path. */
static int as_array(struct kp_ctx *ctx, json_object *jv, size_t *n)
{
	if (!json_object_is_type(jv, json_type_array))
		return kp_fail(ctx, "must be an array, not %s", type_name(jv));
	*n = json_object_array_length(jv);
	if (*n > KK_LIMIT_ARRAY_ITEMS)
		return kp_fail_limit(
			ctx, "has %zu items, more than the limit of %d (KK_LIMIT_ARRAY_ITEMS)", *n,
			KK_LIMIT_ARRAY_ITEMS);
	return 0;
}

/* Runs each(ctx, item, i, out) over an array value with the path at [i]. */
typedef int (*item_fn)(struct kp_ctx *ctx, json_object *item, size_t i, void *out);
static int each_item(struct kp_ctx *ctx, json_object *jv, item_fn each, void *out)
{
	size_t n = json_object_array_length(jv);

	for (size_t i = 0; i < n; i++) {
		size_t mark = kp_push_index(ctx, i);
		int r = each(ctx, json_object_array_get_idx(jv, i), i, out);

		kp_pop(ctx, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int flag_item(struct kp_ctx *ctx, json_object *item, size_t i, void *out)
{
	const struct kk_vocab *vocab = ((const struct kk_vocab **)out)[0];
	uint64_t *flags = ((uint64_t **)out)[1];
	int value;

	(void)i;
	if (kp_as_enum(ctx, item, vocab, &value) < 0)
		return -1;
	*flags |= (uint64_t)(unsigned)value;
	return 0;
}

static int read_flags(struct kp_ctx *ctx, json_object *jv, const struct kk_vocab *vocab,
		      uint64_t *out)
{
	size_t n;
	const void *args[2] = {vocab, out};

	*out = 0;
	if (as_array(ctx, jv, &n) < 0)
		return -1;
	return each_item(ctx, jv, flag_item, (void *)args);
}

int kp_flags(struct kp_ctx *ctx, json_object *obj, const char *key, const struct kk_vocab *vocab,
	     uint64_t *out)
{
	return KP_READ_FIELD(ctx, obj, key, KP_OPTIONAL, read_flags(ctx, jv, vocab, out));
}

static int string_item(struct kp_ctx *ctx, json_object *item, size_t i, void *out)
{
	const char **v = out;

	return kp_as_string(ctx, item, &v[i]);
}

/* An array of n items of elem_size each, filled by each(); *items stays
 * NULL for an empty array. */
static int read_items(struct kp_ctx *ctx, json_object *jv, size_t elem_size, item_fn each,
		      void **items, size_t *n)
{
	void *v;

	if (as_array(ctx, jv, n) < 0)
		return -1;
	if (*n == 0)
		return 0;
	v = kk_arena_array(ctx->arena, *n, elem_size);
	if (v == NULL)
		return kp_oom(ctx);
	if (each_item(ctx, jv, each, v) < 0)
		return -1;
	*items = v;
	return 0;
}

static int read_strv(struct kp_ctx *ctx, json_object *jv, struct kk_strv *out)
{
	void *v = NULL;

	if (read_items(ctx, jv, sizeof(char *), string_item, &v, &out->n) < 0)
		return -1;
	out->v = v;
	return 0;
}

int kp_strv(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	    struct kk_strv *out)
{
	return KP_READ_FIELD(ctx, obj, key, presence, read_strv(ctx, jv, out));
}

static int u32_item(struct kp_ctx *ctx, json_object *item, size_t i, void *out)
{
	uint64_t v = 0;

	if (kp_as_unsigned(ctx, item, UINT32_MAX, &v) < 0)
		return -1;
	((uint32_t *)out)[i] = (uint32_t)v;
	return 0;
}

static int read_u32v(struct kp_ctx *ctx, json_object *jv, struct kk_u32v *out)
{
	void *v = NULL;

	if (read_items(ctx, jv, sizeof(uint32_t), u32_item, &v, &out->n) < 0)
		return -1;
	out->v = v;
	return 0;
}

int kp_u32v(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_u32v *out)
{
	return KP_READ_FIELD(ctx, obj, key, KP_OPTIONAL, read_u32v(ctx, jv, out));
}

static int map_member(struct kp_ctx *ctx, const char *member, json_object *jv, void *out)
{
	struct kk_kv *kv = out;

	kv->key = kk_arena_strndup(ctx->arena, member, strlen(member));
	if (kv->key == NULL)
		return kp_oom(ctx);
	return kp_as_string(ctx, jv, &kv->value);
}

int kp_map(struct kp_ctx *ctx, json_object *obj, const char *key, struct kk_map *out)
{
	const void *v = NULL;
	size_t n = 0;
	int r = kp_members(ctx, obj, key, sizeof(struct kk_kv), map_member, &v, &n);

	if (r > 0) {
		out->v = v;
		out->n = n;
	}
	return r;
}

struct array_job {
	size_t elem_size;
	kp_parse_fn parse;
	unsigned char *items;
};

static int object_item(struct kp_ctx *ctx, json_object *item, size_t i, void *out)
{
	struct array_job *job = out;

	if (kp_as_object(ctx, item) < 0)
		return -1;
	return job->parse(ctx, item, job->items + i * job->elem_size);
}

static int read_array(struct kp_ctx *ctx, json_object *jv, struct array_job *job, size_t *n)
{
	if (as_array(ctx, jv, n) < 0)
		return -1;
	if (*n == 0)
		return 0;
	job->items = kk_arena_array(ctx->arena, *n, job->elem_size);
	if (job->items == NULL)
		return kp_oom(ctx);
	return each_item(ctx, jv, object_item, job);
}

int kp_array(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	     size_t elem_size, kp_parse_fn parse, const void **out, size_t *n)
{
	struct array_job job = {elem_size, parse, NULL};
	size_t count = 0;
	int r = KP_READ_FIELD(ctx, obj, key, presence, read_array(ctx, jv, &job, &count));

	if (r > 0) {
		*out = job.items;
		*n = count;
	}
	return r;
}

static int read_object(struct kp_ctx *ctx, json_object *jv, size_t size, kp_parse_fn parse,
		       const void **out)
{
	void *p;

	if (kp_as_object(ctx, jv) < 0)
		return -1;
	p = kk_arena_alloc(ctx->arena, size);
	if (p == NULL)
		return kp_oom(ctx);
	if (parse(ctx, jv, p) < 0)
		return -1;
	*out = p;
	return 0;
}

int kp_object(struct kp_ctx *ctx, json_object *obj, const char *key, enum kp_presence presence,
	      size_t size, kp_parse_fn parse, const void **out)
{
	return KP_READ_FIELD(ctx, obj, key, presence, read_object(ctx, jv, size, parse, out));
}

static int read_members(struct kp_ctx *ctx, json_object *jv, size_t elem_size, kp_member_fn fn,
			const void **out, size_t *n)
{
	unsigned char *items;
	size_t i = 0;

	if (kp_as_object(ctx, jv) < 0)
		return -1;
	*n = (size_t)json_object_object_length(jv);
	if (*n > KK_LIMIT_MAP_ENTRIES)
		return kp_fail_limit(
			ctx, "has %zu entries, more than the limit of %d (KK_LIMIT_MAP_ENTRIES)",
			*n, KK_LIMIT_MAP_ENTRIES);
	if (*n == 0)
		return 0;
	items = kk_arena_array(ctx->arena, *n, elem_size);
	if (items == NULL)
		return kp_oom(ctx);
	json_object_object_foreach(jv, member, value) {
		size_t mark = kp_push_key(ctx, member);
		int r = kk_utf8_valid(member, strlen(member))
				? fn(ctx, member, value, items + i * elem_size)
				: kp_fail(ctx, "key must be valid UTF-8");

		kp_pop(ctx, mark);
		if (r < 0)
			return -1;
		i++;
	}
	*out = items;
	return 0;
}

int kp_members(struct kp_ctx *ctx, json_object *obj, const char *key, size_t elem_size,
	       kp_member_fn fn, const void **out, size_t *n)
{
	return KP_READ_FIELD(ctx, obj, key, KP_OPTIONAL,
			     read_members(ctx, jv, elem_size, fn, out, n));
}
