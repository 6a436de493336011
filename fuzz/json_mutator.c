/* A structure-aware libFuzzer mutator for JSON documents (used by
 * config_structured_fuzz): parses the input with json-c, changes the tree
 * and writes it back, so most mutants are still JSON and get past the
 * tokenizer to the builders and validators, where byte mutation seldom
 * arrives intact. One to three changes a call, each one of:
 *
 *   retype     a value becomes one of another JSON type
 *   edge       a value becomes an edge value of its own kind: an integer
 *              at a 32- or 64-bit boundary, a vocabulary name, "", a
 *              newline, a long word
 *   bytes      a string's bytes go through libFuzzer's own mutator
 *   drop       a member or an array item goes
 *   insert     an object gains a key of the spec (oci_keys.c), holding a
 *              fresh value or a copy of another part of the document
 *   repeat     an array item is repeated
 *   dupkey     when written back, one member of one object is written
 *              twice (json-c's tree cannot hold a repeated key)
 *
 * LLVMFuzzerCustomCrossOver grafts a part of one input into the other.
 * Input that is not a JSON object or array goes to LLVMFuzzerMutate, as
 * does a mutant that would not fit max_size. Deterministic in the seed
 * libFuzzer passes. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/cleanup.h"
#include "fuzz/oci_keys.h"
#include "parser/vocab.h"

/* libFuzzer's; weak so that builds without libFuzzer (json_mutator_test,
 * the standalone replay driver) link: there it is absent, and the bytes
 * stay as they are. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

/* Enough for every value of the largest seeds but the expanded seccomp
 * profile, whose later values are then never picked. */
#define MAX_NODES 4096
#define LONG_WORD 300

static size_t byte_mutate(uint8_t *data, size_t size, size_t max_size)
{
	return LLVMFuzzerMutate != NULL ? LLVMFuzzerMutate(data, size, max_size) : size;
}

static void json_putp(json_object **jv)
{
	json_object_put(*jv);
}
#define AUTOJSON KK_CLEANUP(json_putp)

/* xorshift64*: the seed alone decides the mutant. */
struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * UINT64_C(2685821657736338717);
}

static size_t pick(struct rng *r, size_t n)
{
	return n == 0 ? 0 : (size_t)(next(r) % n);
}

/* A value of the tree, and where it sits (root: parent NULL). */
struct node {
	json_object *jv;
	json_object *parent;
	const char *key; /* NULL: index in an array */
	size_t index;
};

struct nodes {
	struct node v[MAX_NODES];
	size_t n;
};

static void collect(struct nodes *ns, json_object *jv, json_object *parent, const char *key,
		    size_t index)
{
	if (ns->n == MAX_NODES)
		return;
	ns->v[ns->n++] = (struct node){jv, parent, key, index};
	if (json_object_is_type(jv, json_type_object)) {
		json_object_object_foreach(jv, k, v)
			collect(ns, v, jv, k, 0);
	} else if (json_object_is_type(jv, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(jv); i++)
			collect(ns, json_object_array_get_idx(jv, i), jv, NULL, i);
	}
}

/* A random node of a type (json_type_null: any) other than the root. */
static const struct node *pick_node(struct rng *r, const struct nodes *ns, json_type type)
{
	size_t start = 1 + pick(r, ns->n - 1);

	for (size_t k = 0; k + 1 < ns->n; k++) {
		const struct node *n = &ns->v[1 + (start - 1 + k) % (ns->n - 1)];

		if (type == json_type_null || json_object_is_type(n->jv, type))
			return n;
	}
	return NULL;
}

static const char *vocab_name(struct rng *r)
{
	const struct kk_vocab *v = kk_vocab_all[pick(r, kk_vocab_all_count)];

	return v->n ? v->entries[pick(r, v->n)].name : "";
}

static json_object *edge_string(struct rng *r)
{
	static const char *const words[] = {"", "/", "rootfs", "/proc", "a\nb", "1.3.0", "x", ".."};
	char long_word[LONG_WORD + 1];

	switch (pick(r, 3)) {
	case 0:
		return json_object_new_string(vocab_name(r));
	case 1:
		return json_object_new_string(words[pick(r, sizeof(words) / sizeof(words[0]))]);
	default:
		memset(long_word, 'a', LONG_WORD);
		long_word[LONG_WORD] = '\0';
		return json_object_new_string(long_word);
	}
}

static json_object *edge_int(struct rng *r)
{
	static const int64_t edges[] = {
		0,
		1,
		-1,
		255,
		256,
		511,
		512,
		65535,
		65536,
		INT32_MAX,
		INT32_MIN,
		UINT32_MAX,
		INT64_C(1) << 32,
		INT64_MAX,
		INT64_MIN,
		1000000000,
		-1000,
		1001,
		-21,
		20,
	};

	/* json-c keeps integers above INT64_MAX as uint64. */
	if (pick(r, 8) == 0)
		return json_object_new_uint64(UINT64_MAX - pick(r, 2));
	return json_object_new_int64(edges[pick(r, sizeof(edges) / sizeof(edges[0]))]);
}

/* A fresh value of any type but avoid (json_type_null avoids none). NULL
 * is JSON null, as json-c keeps it. */
static json_object *fresh_value(struct rng *r, json_type avoid)
{
	for (;;) {
		json_type t = (json_type)pick(r, json_type_string + 1);

		if (t == avoid && avoid != json_type_null)
			continue;
		switch (t) {
		case json_type_null:
			return NULL;
		case json_type_boolean:
			return json_object_new_boolean(pick(r, 2));
		case json_type_double:
			return json_object_new_double(1.5);
		case json_type_int:
			return edge_int(r);
		case json_type_object:
			return json_object_new_object();
		case json_type_array:
			return json_object_new_array();
		case json_type_string:
			return edge_string(r);
		}
	}
}

/* Puts v (owned) in place of n's value. */
static void replace(const struct node *n, json_object *v)
{
	if (n->key != NULL)
		json_object_object_add(n->parent, n->key, v);
	else
		json_object_array_put_idx(n->parent, n->index, v);
}

static json_object *copy_of(json_object *jv)
{
	json_object *copy = NULL;

	return jv == NULL || json_object_deep_copy(jv, &copy, NULL) < 0 ? NULL : copy;
}

/* A string's bytes through libFuzzer's mutator: invalid UTF-8, escapes,
 * control characters, the dictionary's words. */
static void mutate_bytes(const struct node *n)
{
	const char *s = json_object_get_string(n->jv);
	size_t len = (size_t)json_object_get_string_len(n->jv), max = len * 2 + 16;
	KK_AUTOFREE uint8_t *buf = malloc(max);

	if (buf == NULL)
		return;
	memcpy(buf, s, len);
	/* libFuzzer's mutator wants something to start from. */
	if (len == 0)
		buf[len++] = 'a';
	len = byte_mutate(buf, len, max);
	replace(n, json_object_new_string_len((const char *)buf, (int)len));
}

static void insert_key(struct rng *r, const struct nodes *ns)
{
	const struct node *obj = &ns->v[0];
	const char *key = fz_oci_keys[pick(r, fz_oci_keys_count)];
	json_object *value;

	if (pick(r, 2) == 0 || !json_object_is_type(obj->jv, json_type_object))
		obj = pick_node(r, ns, json_type_object);
	if (obj == NULL || !json_object_is_type(obj->jv, json_type_object))
		return;
	/* Half the time a copy of another part: an "args" where "env" was,
	 * a whole "linux" object under "process". */
	if (ns->n > 1 && pick(r, 2))
		value = copy_of(pick_node(r, ns, json_type_null)->jv);
	else
		value = fresh_value(r, json_type_null);
	json_object_object_add(obj->jv, key, value);
}

static void repeat_item(struct rng *r, const struct nodes *ns)
{
	const struct node *arr = pick_node(r, ns, json_type_array);
	size_t n;

	if (arr == NULL || (n = json_object_array_length(arr->jv)) == 0)
		return;
	json_object_array_add(arr->jv, copy_of(json_object_array_get_idx(arr->jv, pick(r, n))));
}

static void drop(const struct node *n)
{
	if (n->key != NULL)
		json_object_object_del(n->parent, n->key);
	else
		json_object_array_del_idx(n->parent, n->index, 1);
}

enum change { RETYPE, EDGE, BYTES, DROP, INSERT, REPEAT, CHANGES };

static void change_value(struct rng *r, const struct node *n, enum change c)
{
	json_type t = json_object_get_type(n->jv);

	if (c == RETYPE)
		replace(n, fresh_value(r, t));
	else if (c == BYTES && t == json_type_string)
		mutate_bytes(n);
	else if (t == json_type_string)
		replace(n, edge_string(r));
	else if (t == json_type_int)
		replace(n, edge_int(r));
	else
		replace(n, fresh_value(r, t));
}

/* One change to the tree under root (an object or array). */
static void change_tree(struct rng *r, json_object *root)
{
	static struct nodes ns; /* 128 KB: not on the stack */
	enum change c = (enum change)pick(r, CHANGES);
	const struct node *n;

	ns.n = 0;
	collect(&ns, root, NULL, NULL, 0);
	if (c == INSERT || ns.n < 2)
		insert_key(r, &ns);
	else if (c == REPEAT)
		repeat_item(r, &ns);
	else if ((n = pick_node(r, &ns, json_type_null)) == NULL)
		return;
	else if (c == DROP)
		drop(n);
	else
		change_value(r, n, c);
}

/* ---- writing the tree back ---------------------------------------------- */

struct out {
	char *buf;
	size_t len, max;
	bool full;
	json_object *dup_obj; /* write its member dup_index twice */
	size_t dup_index;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n > o->max - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_text(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A JSON string: json-c's escapes for '"', '\\' and control characters;
 * every other byte as it is (invalid UTF-8 included: the parser's to
 * judge). Written here rather than by json-c, whose writer allocates a
 * buffer per value: this runs for every key and string of every mutant. */
static void put_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	put_text(o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		if (c == '"' || c == '\\')
			put(o, (const char[]){'\\', (char)c}, 2);
		else if (c < 0x20)
			put(o, esc, sizeof(esc));
		else
			put(o, &s[i], 1);
	}
	put_text(o, "\"");
}

static void put_scalar(struct out *o, json_object *jv)
{
	char num[32];

	switch (json_object_get_type(jv)) {
	case json_type_null:
		put_text(o, "null");
		break;
	case json_type_boolean:
		put_text(o, json_object_get_boolean(jv) ? "true" : "false");
		break;
	case json_type_int:
		/* json-c keeps integers above INT64_MAX as uint64. */
		if (json_object_get_int64(jv) == INT64_MAX)
			snprintf(num, sizeof(num), "%" PRIu64, json_object_get_uint64(jv));
		else
			snprintf(num, sizeof(num), "%" PRId64, json_object_get_int64(jv));
		put_text(o, num);
		break;
	case json_type_string:
		put_string(o, json_object_get_string(jv), (size_t)json_object_get_string_len(jv));
		break;
	default: /* double: json-c's own formatting */
		put_text(o, json_object_to_json_string_ext(jv, JSON_C_TO_STRING_PLAIN));
		break;
	}
}

static void put_value(struct out *o, json_object *jv);

static void put_member(struct out *o, const char *key, json_object *value, bool *first)
{
	if (!*first)
		put_text(o, ",");
	*first = false;
	put_string(o, key, strlen(key));
	put_text(o, ":");
	put_value(o, value);
}

static void put_object(struct out *o, json_object *jv)
{
	bool first = true;
	size_t i = 0;

	put_text(o, "{");
	json_object_object_foreach(jv, k, v) {
		put_member(o, k, v, &first);
		if (jv == o->dup_obj && i == o->dup_index)
			put_member(o, k, v, &first);
		i++;
	}
	put_text(o, "}");
}

static void put_value(struct out *o, json_object *jv)
{
	if (json_object_is_type(jv, json_type_object)) {
		put_object(o, jv);
	} else if (json_object_is_type(jv, json_type_array)) {
		put_text(o, "[");
		for (size_t i = 0; i < json_object_array_length(jv); i++) {
			if (i > 0)
				put_text(o, ",");
			put_value(o, json_object_array_get_idx(jv, i));
		}
		put_text(o, "]");
	} else {
		put_scalar(o, jv);
	}
}

/* Picks the member a dupkey change writes twice (none, mostly). */
static void pick_duplicate(struct rng *r, json_object *root, struct out *o)
{
	static struct nodes ns;
	const struct node *n;
	size_t members;

	if (pick(r, 8) != 0)
		return;
	ns.n = 0;
	collect(&ns, root, NULL, NULL, 0);
	n = json_object_is_type(root, json_type_object) && pick(r, 2)
		    ? &ns.v[0]
		    : pick_node(r, &ns, json_type_object);
	if (n == NULL || (members = (size_t)json_object_object_length(n->jv)) == 0)
		return;
	o->dup_obj = n->jv;
	o->dup_index = pick(r, members);
}

/* Writes root into buf (at most max bytes); returns the length, or 0 if
 * it did not fit. */
static size_t write_tree(struct rng *r, json_object *root, char *buf, size_t max)
{
	struct out o = {.buf = buf, .max = max};

	pick_duplicate(r, root, &o);
	put_value(&o, root);
	return o.full ? 0 : o.len;
}

/* ---- libFuzzer's hooks --------------------------------------------------- */

/* The input as a JSON object or array, or NULL. */
static json_object *parse(const uint8_t *data, size_t size)
{
	json_tokener *tok = json_tokener_new();
	json_object *jv;

	if (tok == NULL || size > INT32_MAX) {
		json_tokener_free(tok);
		return NULL;
	}
	jv = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !(json_object_is_type(jv, json_type_object) ||
	      json_object_is_type(jv, json_type_array))) {
		json_object_put(jv);
		jv = NULL;
	}
	json_tokener_free(tok);
	return jv;
}

/* The mutant is written here first: data keeps the input until the
 * mutant is known to fit. Grown once to libFuzzer's -max_len. */
static char *scratch(size_t size)
{
	static char *buf;
	static size_t cap;
	char *grown;

	if (size <= cap)
		return buf;
	grown = realloc(buf, size);
	if (grown == NULL)
		return NULL;
	cap = size;
	return buf = grown;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	AUTOJSON json_object *root = parse(data, size);
	struct rng r = {UINT64_C(0x9e3779b97f4a7c15) ^ seed};
	char *buf = scratch(max_size);
	size_t len, changes = 1 + pick(&r, 3);

	if (root == NULL || buf == NULL)
		return byte_mutate(data, size, max_size);
	for (size_t i = 0; i < changes; i++)
		change_tree(&r, root);
	len = write_tree(&r, root, buf, max_size);
	if (len == 0)
		return byte_mutate(data, size, max_size);
	memcpy(data, buf, len);
	return len;
}

/* A copy of a random part of from, and the key it had (NULL: an item). */
static json_object *pick_graft(struct rng *r, json_object *from, const char **key)
{
	static struct nodes ns;
	const struct node *n;

	ns.n = 0;
	collect(&ns, from, NULL, NULL, 0);
	n = ns.n > 1 ? pick_node(r, &ns, json_type_null) : &ns.v[0];
	*key = n->key;
	return copy_of(n->jv);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
	AUTOJSON json_object *into = parse(data1, size1);
	AUTOJSON json_object *from = parse(data2, size2);
	static struct nodes ns;
	struct rng r = {UINT64_C(0x2545f4914f6cdd1d) ^ seed};
	const struct node *at;
	const char *key = NULL;
	json_object *graft;

	if (into == NULL || from == NULL)
		return 0;
	graft = pick_graft(&r, from, &key);
	ns.n = 0;
	collect(&ns, into, NULL, NULL, 0);
	at = ns.n > 1 && pick(&r, 2) ? pick_node(&r, &ns, json_type_null) : NULL;
	/* In place of a value of into, or beside them under its own key. */
	if (at != NULL)
		replace(at, graft);
	else if (json_object_is_type(into, json_type_object))
		json_object_object_add(into, key ? key : fz_oci_keys[pick(&r, fz_oci_keys_count)],
				       graft);
	else
		json_object_array_add(into, graft);
	return write_tree(&r, into, (char *)out, max_out_size);
}
