/* A pass over the raw bytes before json-c sees them, for what json-c takes
 * silently and another reader of the same file may take differently:
 *  - a \u0000 escape (json-c cuts an object key there, so "ociVersion\u0000x"
 *    would replace "ociVersion");
 *  - integers beyond 64 bits (json-c clamps them to the nearest bound);
 *  - a key given twice in one object (json-c keeps the last value, other
 *    parsers the first: {"profile":"strict","profile":"standard"});
 *  - an object key in single quotes (json-c 0.16 takes {'a':1} even in
 *    strict mode, and with it a second spelling of every key).
 *
 * The walk follows only the structure: brackets, commas and strings, enough
 * to know which strings are keys and of which object. It does not check the
 * grammar, json-c does that next; where the bytes stop making sense (a
 * mismatched bracket, nesting past KK_LIMIT_JSON_DEPTH, an escape json-c
 * refuses) it stops following the structure, as json-c refuses all of
 * those. Keys are compared decoded, as json-c stores them ("a" and "\u0061"
 * are one key), and checked when their object closes: sorted, then
 * neighbours compared, O(k log k) per object. Memory: the decoded keys of
 * the open objects (never longer than the input) and at most
 * KK_LIMIT_MAP_ENTRIES entries per open object. */
#define _GNU_SOURCE /* qsort_r */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/limits.h"
#include "parser/parse.h"

/* A key of an open object: its decoded bytes in walk.bytes. */
struct key {
	uint32_t off;
	uint32_t len;
	uint32_t hash;
};

/* An open object or array. */
struct frame {
	bool object;
	bool want_key;	   /* object: the next string is a member's key */
	size_t count;	   /* object: members so far; array: index of the current item */
	size_t first_key;  /* object: its first entry in walk.keys */
	size_t first_byte; /* object: where its keys start in walk.bytes */
	size_t last_key;   /* object: offset of the latest key in walk.bytes */
};

struct walk {
	struct kp_ctx *ctx;
	const char *buf;
	size_t len;
	bool lost; /* no longer following the structure (json-c will refuse) */
	size_t depth;
	struct frame frames[KK_LIMIT_JSON_DEPTH];
	char *bytes; /* decoded keys, each NUL-terminated; len + 1 bytes */
	size_t nbytes;
	struct key *keys;
	size_t nkeys, keys_cap;
};

static const char int64_min_digits[] = "9223372036854775808";
static const char uint64_max_digits[] = "18446744073709551615";

/* True when the decimal digits d[0..n) exceed the bound's digits. */
static bool above(const char *d, size_t n, const char *bound)
{
	size_t bn = strlen(bound);

	return n > bn || (n == bn && memcmp(d, bound, n) > 0);
}

/* Checks the number starting at buf[i]; returns its length, or 0 on error. */
static size_t number(struct kp_ctx *ctx, const char *buf, size_t len, size_t i)
{
	size_t start = i, digits;
	bool negative = buf[i] == '-';

	if (negative)
		i++;
	digits = i;
	while (i < len && buf[i] >= '0' && buf[i] <= '9')
		i++;
	if (i < len && buf[i] != '\0' && strchr(".eE", buf[i]) != NULL) {
		while (i < len && buf[i] != '\0' && strchr("0123456789.eE+-", buf[i]) != NULL)
			i++;
		return i - start;
	}
	if (above(buf + digits, i - digits, negative ? int64_min_digits : uint64_max_digits)) {
		kp_fail(ctx, "integer at byte %zu is out of the 64-bit range", start);
		return 0;
	}
	return i - start;
}

/* Scans the string whose opening quote is at buf[i]; *close is the index of
 * its closing quote, or len when the input ends first. Refuses \u0000. */
static int scan_string(struct walk *w, size_t i, size_t *close)
{
	const char *buf = w->buf;

	for (i++; i < w->len && buf[i] != '"'; i++) {
		if (buf[i] != '\\')
			continue;
		if (w->len - i >= 6 && memcmp(buf + i, "\\u0000", 6) == 0)
			return kp_fail(w->ctx, "\\u0000 (a NUL byte) at byte %zu is not allowed",
				       i);
		i++;
	}
	*close = i < w->len ? i : w->len;
	return 0;
}

/* FNV-1a: sorting by hash first keeps most comparisons to one integer. */
static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int add_entry(struct walk *w, struct key k)
{
	if (w->nkeys == w->keys_cap) {
		size_t cap = w->keys_cap == 0 ? 64 : w->keys_cap * 2;
		struct key *v = realloc(w->keys, cap * sizeof(*v));

		if (v == NULL)
			return kp_oom(w->ctx);
		w->keys = v;
		w->keys_cap = cap;
	}
	w->keys[w->nkeys++] = k;
	return 0;
}

/* Records the key buf[start..end) of object f. The bytes of every key stay
 * (the path of an error names them); entries past KK_LIMIT_MAP_ENTRIES do
 * not, as the object is refused when it closes. */
static int add_key(struct walk *w, struct frame *f, size_t start, size_t end)
{
	char *out;
	ssize_t n;

	if (w->bytes == NULL && (w->bytes = malloc(w->len + 1)) == NULL)
		return kp_oom(w->ctx);
	out = w->bytes + w->nbytes;
	n = kp_json_key_decode(w->buf + start, end - start, out);
	if (n < 0) {
		w->lost = true;
		return 0;
	}
	out[n] = '\0';
	f->last_key = w->nbytes;
	f->want_key = false;
	if (f->count++ < KK_LIMIT_MAP_ENTRIES &&
	    add_entry(w, (struct key){(uint32_t)w->nbytes, (uint32_t)n, hash(out, (size_t)n)}) < 0)
		return -1;
	w->nbytes += (size_t)n + 1;
	return 0;
}

static int key_order(const void *a, const void *b, void *bytes)
{
	const struct key *x = a, *y = b;
	int c;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	c = memcmp((char *)bytes + x->off, (char *)bytes + y->off, x->len);
	if (c != 0)
		return c;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The first repeat, in document order, among the keys of object f; NULL
 * if none. */
static const struct key *find_duplicate(struct walk *w, const struct frame *f)
{
	struct key *keys = w->keys + f->first_key;
	size_t n = w->nkeys - f->first_key;
	const struct key *first = NULL;

	qsort_r(keys, n, sizeof(*keys), key_order, w->bytes);
	for (size_t i = 1; i < n; i++)
		if (keys[i].hash == keys[i - 1].hash && keys[i].len == keys[i - 1].len &&
		    memcmp(w->bytes + keys[i].off, w->bytes + keys[i - 1].off, keys[i].len) == 0 &&
		    (first == NULL || keys[i].off < first->off))
			first = &keys[i];
	return first;
}

/* Fails with the path of the innermost open container, built only now:
 * each frame knows the key or index under which its child sits. */
static int fail_here(struct walk *w, enum kk_err_code code, const char *fmt, ...) KK_PRINTF(3, 4);
static int fail_here(struct walk *w, enum kk_err_code code, const char *fmt, ...)
{
	char msg[KK_ERROR_MSG_MAX];
	size_t mark = w->ctx->path_len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (size_t k = 1; k < w->depth; k++) {
		const struct frame *parent = &w->frames[k - 1];

		if (parent->object)
			kp_push_key(w->ctx, w->bytes + parent->last_key);
		else
			kp_push_index(w->ctx, parent->count);
	}
	if (code == KK_ERR_LIMIT)
		kp_fail_limit(w->ctx, "%s", msg);
	else
		kp_fail(w->ctx, "%s", msg);
	kp_pop(w->ctx, mark);
	return -1;
}

static int close_object(struct walk *w, struct frame *f)
{
	const struct key *dup;

	if (f->count > KK_LIMIT_MAP_ENTRIES)
		return fail_here(
			w, KK_ERR_LIMIT,
			"has %zu entries, more than the limit of %d (KK_LIMIT_MAP_ENTRIES)",
			f->count, KK_LIMIT_MAP_ENTRIES);
	/* Fewer than two keys also means w->keys may still be NULL. */
	dup = w->nkeys - f->first_key < 2 ? NULL : find_duplicate(w, f);
	if (dup != NULL)
		return fail_here(w, KK_ERR_INVALID, "duplicate key \"%s\"", w->bytes + dup->off);
	w->nkeys = f->first_key;
	w->nbytes = f->first_byte;
	w->depth--;
	return 0;
}

/* A container opens; past the depth limit, or where a key belongs, the
 * walk stops following (json-c refuses both). */
static void open_container(struct walk *w, struct frame *top, bool object)
{
	if (w->depth == KK_LIMIT_JSON_DEPTH || (top != NULL && top->object && top->want_key)) {
		w->lost = true;
		return;
	}
	w->frames[w->depth++] = (struct frame){
		.object = object,
		.want_key = object,
		.first_key = w->nkeys,
		.first_byte = w->nbytes,
	};
}

/* Follows one structural byte at buf[i]. */
static int structure(struct walk *w, size_t i)
{
	struct frame *top = w->depth > 0 ? &w->frames[w->depth - 1] : NULL;
	char c = w->buf[i];

	if (c == '{' || c == '[') {
		open_container(w, top, c == '{');
	} else if (c == '}' || c == ']') {
		if (top == NULL || top->object != (c == '}'))
			w->lost = true;
		else if (top->object)
			return close_object(w, top);
		else
			w->depth--;
	} else if (c == ',' && top != NULL) {
		if (top->object)
			top->want_key = true;
		else
			top->count++;
	} else if (c == '\'' && top != NULL && top->object && top->want_key) {
		return kp_fail(w->ctx, "invalid JSON at byte %zu: object key in single quotes", i);
	}
	return 0;
}

/* A string at buf[i]: a key when its object expects one. */
static int string(struct walk *w, size_t i, size_t *next)
{
	struct frame *top = w->depth > 0 ? &w->frames[w->depth - 1] : NULL;
	size_t close = 0;

	if (scan_string(w, i, &close) < 0)
		return -1;
	*next = close + 1;
	if (w->lost || top == NULL || !top->object || !top->want_key || close == w->len)
		return 0;
	return add_key(w, top, i + 1, close);
}

static int walk(struct walk *w)
{
	for (size_t i = 0; i < w->len;) {
		char c = w->buf[i];

		if (c == '"') {
			if (string(w, i, &i) < 0)
				return -1;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t n = number(w->ctx, w->buf, w->len, i);

			if (n == 0)
				return -1;
			i += n;
		} else {
			if (!w->lost && structure(w, i) < 0)
				return -1;
			i++;
		}
	}
	return 0;
}

int kp_prescan(struct kp_ctx *ctx, const char *buf, size_t len)
{
	/* Offsets are kept in 32 bits; bigger inputs are refused by size. */
	struct walk w = {.ctx = ctx, .buf = buf, .len = len, .lost = len > KK_LIMIT_INPUT_BYTES};
	int r = walk(&w);

	free(w.bytes);
	free(w.keys);
	return r;
}
