/* Seeds that reach the parser's refusals one by one (corpus/<target>/gen/).
 *
 *   make_variant_seeds OUTDIR KIND FILE...
 *
 * KIND is config, process, state, policy or resources. For every value of
 * every FILE the parser accepts, a few single changes are tried: another
 * JSON type, null (absent), empty, a newline, a short word, a long word,
 * 0, -1, 2^32, INT64_MAX, INT64_MIN, an array's first item repeated. A
 * change is kept when the parser refuses it with a message no earlier
 * change gave (digits and quoted text aside), or accepts it with such a
 * warning; it is then shrunk: members and items are dropped, last first,
 * while the parser still says exactly the same. What remains is written
 * as OUTDIR/<change>-<path>.json, a document of a few dozen bytes that
 * takes one field's reader or one validation rule down its refusing side.
 *
 * Why: the builders read fields in chains (`if (kp_str(...) < 0 ||
 * kp_bool(...) < 0 ...) return -1`); each link's refusing side is a branch
 * only a document wrong in that very field reaches. Writing those by hand
 * for every field would be hundreds of files; the spec's seeds already
 * name every field. Deterministic: the same files give the same seeds. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base/cleanup.h"
#include "parser/parser.h"
#include "parser/spec.h"

#define MAX_DEPTH 32
#define MAX_SEEN 4096
#define NAME_MAX_LEN 120

/* Where a value sits: the keys and indices from the root. */
struct step {
	const char *key; /* NULL: an array index */
	size_t index;
};

struct path {
	struct step steps[MAX_DEPTH];
	size_t n;
};

/* What the parser said about a document: refused with msg, or accepted
 * (msg is then one warning, or empty). */
struct outcome {
	bool accepted;
	char msg[KK_ERROR_MSG_MAX];
};

struct run {
	enum kk_doc_kind kind;
	const char *outdir;
	char *seen[MAX_SEEN]; /* normalized messages already written */
	size_t n_seen;
	unsigned written;
};

static void json_putp(json_object **jv)
{
	json_object_put(*jv);
}
#define AUTOJSON KK_CLEANUP(json_putp)

static const char *to_text(json_object *doc)
{
	return json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE);
}

static const struct kk_strv *warnings_of(enum kk_doc_kind kind, const void *root)
{
	if (kind == KK_DOC_CONFIG)
		return &((const struct kk_spec *)root)->warnings;
	if (kind == KK_DOC_PROCESS)
		return &((const struct kk_process *)root)->warnings;
	return NULL;
}

/* Parses doc; the outcome's msg is the error, or the warning numbered
 * warning (none: empty). Returns how many warnings there were. */
static size_t judge(enum kk_doc_kind kind, json_object *doc, size_t warning, struct outcome *out)
{
	const char *text = to_text(doc);
	struct kk_error err;
	const void *root = kk_doc_parse(kind, text, strlen(text), &err);
	const struct kk_strv *w;
	size_t n = 0;

	out->accepted = root != NULL;
	out->msg[0] = '\0';
	if (root == NULL) {
		snprintf(out->msg, sizeof(out->msg), "%s", err.msg);
		return 0;
	}
	w = warnings_of(kind, root);
	n = w ? w->n : 0;
	if (warning < n)
		snprintf(out->msg, sizeof(out->msg), "%s", w->v[warning]);
	kk_doc_free(root);
	return n;
}

/* The message with digit runs and quoted text blanked: "devices[3]:
 * unknown type \"q\"" and "devices[0]: unknown type \"z\"" are one rule. */
static char *normalize(const char *msg)
{
	char *out = malloc(strlen(msg) + 1), *o = out;
	bool quoted = false;

	if (out == NULL)
		return NULL;
	for (const char *p = msg; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (quoted || (isdigit((unsigned char)*p) && o > out && o[-1] == '#'))
			continue;
		*o++ = isdigit((unsigned char)*p) ? '#' : *p;
	}
	*o = '\0';
	return out;
}

static bool same_words(const char *a, const char *b)
{
	KK_AUTOFREE char *na = normalize(a);
	KK_AUTOFREE char *nb = normalize(b);

	return na != NULL && nb != NULL && strcmp(na, nb) == 0;
}

/* Does doc still say what want says (the same refusal, or want's warning
 * among its warnings), up to indices and quoted values? Items before the
 * changed one can then go, though they move it. */
static bool same(enum kk_doc_kind kind, json_object *doc, const struct outcome *want)
{
	struct outcome o;
	size_t n = judge(kind, doc, 0, &o);

	if (!want->accepted)
		return !o.accepted && same_words(o.msg, want->msg);
	for (size_t i = 0; o.accepted && i < n; i++) {
		if (i > 0)
			judge(kind, doc, i, &o);
		if (same_words(o.msg, want->msg))
			return true;
	}
	return false;
}

/* Records msg as seen; false if it was already. */
static bool first_time(struct run *run, const char *msg)
{
	char *norm = normalize(msg);

	if (norm == NULL || run->n_seen == MAX_SEEN) {
		free(norm);
		return false;
	}
	for (size_t i = 0; i < run->n_seen; i++) {
		if (strcmp(run->seen[i], norm) == 0) {
			free(norm);
			return false;
		}
	}
	run->seen[run->n_seen++] = norm;
	return true;
}

static json_object *lookup(json_object *doc, const struct path *p, size_t upto)
{
	for (size_t i = 0; doc != NULL && i < upto; i++)
		doc = p->steps[i].key ? json_object_object_get(doc, p->steps[i].key)
				      : json_object_array_get_idx(doc, p->steps[i].index);
	return doc;
}

/* Puts v (owned) where p points in doc; p names an existing value. */
static void replace(json_object *doc, const struct path *p, json_object *v)
{
	json_object *parent = lookup(doc, p, p->n - 1);
	const struct step *last = &p->steps[p->n - 1];

	if (last->key)
		json_object_object_add(parent, last->key, v);
	else
		json_object_array_put_idx(parent, last->index, v);
}

static void drop(json_object *doc, const struct path *p)
{
	json_object *parent = lookup(doc, p, p->n - 1);
	const struct step *last = &p->steps[p->n - 1];

	if (last->key)
		json_object_object_del(parent, last->key);
	else
		json_object_array_del_idx(parent, last->index, 1);
}

/* Calls fn on every value under doc, a parent before its children (which
 * are skipped when fn returns true: it dropped the parent) and later
 * siblings before earlier ones, so dropping what fn visits never moves
 * what it has yet to visit. Returns true if fn ever did. */
typedef bool (*visit_fn)(json_object *doc, const struct path *p, void *arg);

static bool walk(json_object *doc, json_object *jv, struct path *p, visit_fn fn, void *arg)
{
	bool changed = false;

	if (p->n > 0 && fn(doc, p, arg))
		return true;
	if (p->n == MAX_DEPTH)
		return false;
	if (json_object_is_type(jv, json_type_object)) {
		size_t n = json_object_object_length(jv), i = 0;
		const char *keys[n ? n : 1];

		json_object_object_foreach(jv, k, v) {
			(void)v;
			keys[i++] = k;
		}
		while (i-- > 0) {
			p->steps[p->n++] = (struct step){keys[i], 0};
			changed |= walk(doc, json_object_object_get(jv, keys[i]), p, fn, arg);
			p->n--;
		}
	} else if (json_object_is_type(jv, json_type_array)) {
		for (size_t i = json_object_array_length(jv); i-- > 0;) {
			p->steps[p->n++] = (struct step){NULL, i};
			changed |= walk(doc, json_object_array_get_idx(jv, i), p, fn, arg);
			p->n--;
		}
	}
	return changed;
}

struct shrink {
	enum kk_doc_kind kind;
	const struct outcome *want;
};

/* Drops the value at p if the document still says the same without it
 * (tried on a copy: putting a member back would change the key order). */
static bool try_drop(json_object *doc, const struct path *p, void *arg)
{
	const struct shrink *s = arg;
	AUTOJSON json_object *copy = NULL;

	if (json_object_deep_copy(doc, &copy, NULL) < 0)
		return false;
	drop(copy, p);
	if (!same(s->kind, copy, s->want))
		return false;
	drop(doc, p);
	return true;
}

static void shrink(enum kk_doc_kind kind, json_object *doc, const struct outcome *want)
{
	struct shrink s = {kind, want};
	struct path p = {.n = 0};

	while (walk(doc, doc, &p, try_drop, &s))
		;
}

static void path_name(const struct path *p, char *name, size_t size)
{
	size_t used = 0;

	name[0] = '\0';
	for (size_t i = 0; i < p->n && used < size; i++) {
		const struct step *s = &p->steps[i];

		if (s->key)
			used += (size_t)snprintf(name + used, size - used, "%s%s", i ? "." : "",
						 s->key);
		else /* shrinking may have moved it: no number */
			used += (size_t)snprintf(name + used, size - used, "[]");
	}
	for (char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && strchr(".-_[]", *c) == NULL)
			*c = '_';
}

static int write_seed(struct run *run, const char *change, const struct path *p, json_object *doc)
{
	char name[NAME_MAX_LEN];
	KK_AUTOFREE char *file = NULL;
	FILE *f;

	path_name(p, name, sizeof(name));
	for (int n = 1;; n++) {
		free(file);
		file = NULL;
		if (asprintf(&file, "%s/%s-%s%.0d.json", run->outdir, change, name, n > 1 ? n : 0) <
		    0)
			return -1;
		if (access(file, F_OK) != 0)
			break;
	}
	f = fopen(file, "w");
	if (f == NULL || fprintf(f, "%s\n", to_text(doc)) < 0 || fclose(f) != 0) {
		fprintf(stderr, "make_variant_seeds: %s: %s\n", file, strerror(errno));
		return -1;
	}
	run->written++;
	return 0;
}

/* The changes tried on a value. NULL make: repeat an array's first item. */
struct change {
	const char *name;
	json_type applies; /* json_type_null: any type */
	json_object *(*make)(void);
};

static json_object *mk_null(void)
{
	return NULL;
}
static json_object *mk_int1(void)
{
	return json_object_new_int(1);
}
static json_object *mk_str1(void)
{
	return json_object_new_string("1");
}
static json_object *mk_empty_str(void)
{
	return json_object_new_string("");
}
static json_object *mk_newline(void)
{
	return json_object_new_string("a\nb");
}
static json_object *mk_word(void)
{
	return json_object_new_string("x");
}
static json_object *mk_long(void)
{
	char s[301];

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	return json_object_new_string(s);
}
static json_object *mk_zero(void)
{
	return json_object_new_int(0);
}
static json_object *mk_minus1(void)
{
	return json_object_new_int(-1);
}
static json_object *mk_2p32(void)
{
	return json_object_new_int64(INT64_C(4294967296));
}
static json_object *mk_max(void)
{
	return json_object_new_int64(INT64_MAX);
}
static json_object *mk_min(void)
{
	return json_object_new_int64(INT64_MIN);
}
static json_object *mk_array(void)
{
	return json_object_new_array();
}
static json_object *mk_object(void)
{
	return json_object_new_object();
}

static const struct change changes[] = {
	{"null", json_type_null, mk_null},
	{"type", json_type_string, mk_int1},
	{"type", json_type_int, mk_str1},
	{"type", json_type_double, mk_str1},
	{"type", json_type_boolean, mk_str1},
	{"type", json_type_array, mk_object},
	{"type", json_type_object, mk_array},
	{"empty", json_type_string, mk_empty_str},
	{"newline", json_type_string, mk_newline},
	{"word", json_type_string, mk_word},
	{"long", json_type_string, mk_long},
	{"zero", json_type_int, mk_zero},
	{"minus1", json_type_int, mk_minus1},
	{"2p32", json_type_int, mk_2p32},
	{"max", json_type_int, mk_max},
	{"min", json_type_int, mk_min},
	{"empty", json_type_array, mk_array},
	{"empty", json_type_object, mk_object},
	{"repeat", json_type_array, NULL},
};

/* Applies change c at p to a copy of base; NULL if it does not apply. */
static json_object *changed_copy(json_object *base, const struct path *p, const struct change *c)
{
	json_object *v = lookup(base, p, p->n), *copy = NULL;

	if (c->applies != json_type_null && !json_object_is_type(v, c->applies))
		return NULL;
	if (c->make == NULL && json_object_array_length(v) == 0)
		return NULL;
	if (json_object_deep_copy(base, &copy, NULL) < 0)
		return NULL;
	if (c->make != NULL) {
		replace(copy, p, c->make());
	} else {
		json_object *arr = lookup(copy, p, p->n), *dup = NULL;

		json_object_deep_copy(json_object_array_get_idx(arr, 0), &dup, NULL);
		json_object_array_add(arr, dup);
	}
	return copy;
}

/* Shrinks and writes doc if o says something new. */
static bool keep_if_new(struct run *run, const char *change, const struct path *p, json_object *doc,
			const struct outcome *o)
{
	if (o->msg[0] == '\0' || !first_time(run, o->msg))
		return false;
	shrink(run->kind, doc, o);
	write_seed(run, change, p, doc);
	return true;
}

/* Keeps the change if the parser refuses it, or warns about it, in words
 * no earlier change got. */
static void try_change(struct run *run, json_object *base, const struct path *p,
		       const struct change *c)
{
	AUTOJSON json_object *doc = changed_copy(base, p, c);
	struct outcome o;
	size_t n;

	if (doc == NULL)
		return;
	n = judge(run->kind, doc, 0, &o);
	if (!o.accepted) {
		keep_if_new(run, c->name, p, doc, &o);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		judge(run->kind, doc, i, &o);
		if (keep_if_new(run, c->name, p, doc, &o))
			return;
	}
}

struct base {
	struct run *run;
	json_object *doc;
};

/* walk() visitor over the base document: tries every change at p. */
static bool try_changes(json_object *doc, const struct path *p, void *arg)
{
	struct base *b = arg;

	(void)doc;
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		try_change(b->run, b->doc, p, &changes[i]);
	return false;
}

/* The file's own warnings are not news: record them first. */
static void note_base(struct run *run, json_object *doc)
{
	struct outcome o;
	size_t n = judge(run->kind, doc, 0, &o);

	for (size_t i = 0; i < n; i++) {
		judge(run->kind, doc, i, &o);
		first_time(run, o.msg);
	}
}

static int from_file(struct run *run, const char *file)
{
	AUTOJSON json_object *doc = json_object_from_file(file);
	struct outcome o;
	struct base b = {run, doc};
	struct path p = {.n = 0};

	if (doc == NULL) {
		fprintf(stderr, "make_variant_seeds: %s: not JSON, skipped\n", file);
		return 0;
	}
	judge(run->kind, doc, 0, &o);
	if (!o.accepted) {
		fprintf(stderr, "make_variant_seeds: %s: refused, skipped (%s)\n", file, o.msg);
		return 0;
	}
	note_base(run, doc);
	walk(doc, doc, &p, try_changes, &b);
	return 0;
}

static int kind_of(const char *name)
{
	static const char *const names[] = {
		[KK_DOC_CONFIG] = "config",	  [KK_DOC_PROCESS] = "process",
		[KK_DOC_STATE] = "state",	  [KK_DOC_HOOK_POLICY] = "policy",
		[KK_DOC_RESOURCES] = "resources",
	};

	for (size_t k = 1; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(name, names[k]) == 0)
			return (int)k;
	return -1;
}

int main(int argc, char **argv)
{
	struct run run = {.n_seen = 0, .written = 0};
	int kind = argc > 2 ? kind_of(argv[2]) : -1;

	if (kind < 0) {
		fprintf(stderr, "usage: %s OUTDIR config|process|state|policy|resources FILE...\n",
			argv[0]);
		return 2;
	}
	run.kind = (enum kk_doc_kind)kind;
	run.outdir = argv[1];
	for (int i = 3; i < argc; i++)
		from_file(&run, argv[i]);
	for (size_t i = 0; i < run.n_seen; i++)
		free(run.seen[i]);
	fprintf(stderr, "make_variant_seeds: wrote %u seeds to %s\n", run.written, run.outdir);
	return 0;
}
