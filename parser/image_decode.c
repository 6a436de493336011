/* Checking and relocating an image from an untrusted source (see image.h).
 * Every byte of the image may belong to at most one object; a claim bitmap
 * enforces it, which rules out aliasing and cycles and bounds the work by
 * the image size. */
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "parser/image.h"
#include "parser/layout.h"
#include "parser/limits.h"
#include "parser/utf8.h"

struct dec {
	unsigned char *base;
	size_t size;
	unsigned char *claimed; /* one bit per image byte */
	struct kk_error *err;
};

static int bad(struct dec *d, const char *type, const char *field, const char *why)
{
	return kk_error_set(d->err, KK_ERR_ISOLATION, "spec image: %s.%s: %s", type, field, why);
}

/* Marks [off, off+len) as owned by one object; fails if any byte already is. */
static int claim(struct dec *d, size_t off, size_t len)
{
	for (size_t i = off; i < off + len; i++) {
		unsigned char bit = (unsigned char)(1u << (i & 7));

		if (d->claimed[i >> 3] & bit)
			return -1;
		d->claimed[i >> 3] |= bit;
	}
	return 0;
}

/* Checks an offset for an object of len bytes; returns the pointer or NULL. */
static void *target(struct dec *d, uint64_t off, size_t len, size_t align)
{
	if (off < KK_IMAGE_ROOT_OFFSET || off > d->size || len > d->size - off)
		return NULL;
	if (off % align != 0 || claim(d, off, len) < 0)
		return NULL;
	return d->base + off;
}

static int relocate_string(struct dec *d, const char **slot)
{
	uint64_t off = (uint64_t)(uintptr_t)*slot;
	const unsigned char *nul;

	if (off < KK_IMAGE_ROOT_OFFSET || off >= d->size)
		return -1;
	nul = memchr(d->base + off, '\0', d->size - off);
	if (nul == NULL || target(d, off, (size_t)(nul - d->base) - off + 1, 1) == NULL)
		return -1;
	if ((size_t)(nul - d->base) - off > KK_LIMIT_INPUT_BYTES ||
	    !kk_utf8_valid((const char *)d->base + off, (size_t)(nul - d->base) - off))
		return -1;
	*slot = (const char *)(d->base + off);
	return 0;
}

static int dec_struct(struct dec *d, const struct kk_type *t, unsigned char *obj);

static int dec_elements(struct dec *d, const struct kk_field *f, unsigned char *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char *item = items + i * f->elem_size;
		int value;

		if (f->elem == KK_E_STR && relocate_string(d, (const char **)item) < 0)
			return bad(d, f->type ? f->type->name : "array", f->name, "bad string");
		if (f->elem == KK_E_STRUCT && dec_struct(d, f->type, item) < 0)
			return -1;
		if (f->elem == KK_E_ENUM) {
			memcpy(&value, item, sizeof(value));
			if (!kk_vocab_valid(f->vocab, value))
				return bad(d, "array", f->name, "value outside its vocabulary");
		}
	}
	return 0;
}

static int dec_array(struct dec *d, const struct kk_type *t, const struct kk_field *f,
		     unsigned char *obj)
{
	void **slot = (void **)(obj + f->offset);
	size_t n = *(size_t *)(obj + f->count_offset);
	uint64_t off = (uint64_t)(uintptr_t)*slot;
	size_t align = f->elem == KK_E_STRUCT ? f->type->align : f->elem_size;
	unsigned char *items;

	if (n == 0 || off == 0)
		return (n == 0 && off == 0) ? 0
					    : bad(d, t->name, f->name, "count and items disagree");
	if (n > d->size / f->elem_size)
		return bad(d, t->name, f->name, "count out of bounds");
	/* What the parser would refuse, the decoder refuses too. */
	if (n > KK_LIMIT_ARRAY_ITEMS)
		return bad(d, t->name, f->name, "more items than KK_LIMIT_ARRAY_ITEMS");
	items = target(d, off, n * f->elem_size, align);
	if (items == NULL)
		return bad(d, t->name, f->name, "items out of bounds, misaligned or shared");
	*slot = items;
	return dec_elements(d, f, items, n);
}

static int dec_pointer(struct dec *d, const struct kk_type *t, const struct kk_field *f,
		       unsigned char *obj)
{
	void **slot = (void **)(obj + f->offset);
	unsigned char *p;

	if (*slot == NULL)
		return f->required ? bad(d, t->name, f->name, "required but absent") : 0;
	if (f->kind == KK_F_STR)
		return relocate_string(d, (const char **)slot) < 0
			       ? bad(d, t->name, f->name, "bad string")
			       : 0;
	p = target(d, (uint64_t)(uintptr_t)*slot, f->type->size, f->type->align);
	if (p == NULL)
		return bad(d, t->name, f->name, "object out of bounds, misaligned or shared");
	*slot = p;
	return dec_struct(d, f->type, p);
}

static int dec_scalar(struct dec *d, const struct kk_type *t, const struct kk_field *f,
		      const unsigned char *obj)
{
	const unsigned char *at = obj + f->offset;
	uint64_t u64;
	int value;

	switch (f->kind) {
	case KK_F_BOOL:
	case KK_F_OPT:
		return *at <= 1 ? 0 : bad(d, t->name, f->name, "bool is neither 0 nor 1");
	case KK_F_ENUM:
		memcpy(&value, at, sizeof(value));
		if ((value == 0 && !f->required) || kk_vocab_valid(f->vocab, value))
			return 0;
		return bad(d, t->name, f->name, "value outside its vocabulary");
	case KK_F_FLAGS:
		memcpy(&u64, at, sizeof(u64));
		return kk_vocab_valid(f->vocab, (int64_t)u64)
			       ? 0
			       : bad(d, t->name, f->name, "unknown flag");
	case KK_F_CAPS:
		memcpy(&u64, at, sizeof(u64));
		return (u64 >> kk_vocab_capability.n) == 0
			       ? 0
			       : bad(d, t->name, f->name, "unknown capability bit");
	case KK_F_CHAR:
		return (*at != 0 && strchr(f->chars, *at) != NULL)
			       ? 0
			       : bad(d, t->name, f->name, "character outside its set");
	default:
		return 0;
	}
}

static int dec_struct(struct dec *d, const struct kk_type *t, unsigned char *obj)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct kk_field *f = &t->fields[i];
		int r;

		if (f->kind == KK_F_ARRAY)
			r = dec_array(d, t, f, obj);
		else if (f->kind == KK_F_STR || f->kind == KK_F_OBJ)
			r = dec_pointer(d, t, f, obj);
		else
			r = dec_scalar(d, t, f, obj);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int check_header(struct dec *d, enum kk_doc_kind kind, const struct kk_type *root)
{
	struct kk_image_header h;

	if (d->size < KK_IMAGE_ROOT_OFFSET + root->size || d->size > KK_LIMIT_IMAGE_BYTES)
		return kk_error_set(d->err, KK_ERR_ISOLATION, "spec image: size %zu out of bounds",
				    d->size);
	memcpy(&h, d->base, sizeof(h));
	if (memcmp(h.magic, KK_IMAGE_MAGIC, sizeof(h.magic)) != 0 || h.version != KK_IMAGE_VERSION)
		return kk_error_set(d->err, KK_ERR_ISOLATION, "spec image: bad magic or version");
	if (h.kind != (uint32_t)kind || h.size != d->size || h.root != KK_IMAGE_ROOT_OFFSET)
		return kk_error_set(d->err, KK_ERR_ISOLATION,
				    "spec image: header does not match (kind %u, size %llu)",
				    h.kind, (unsigned long long)h.size);
	return 0;
}

static int validate_root(enum kk_doc_kind kind, const void *root, struct kk_error *err)
{
	int r = -1;

	if (kind == KK_DOC_CONFIG)
		r = kk_spec_validate(root, err);
	else if (kind == KK_DOC_PROCESS)
		r = kk_process_validate(root, kk_doc_name(kind), NULL, err);
	else if (kind == KK_DOC_STATE)
		r = kk_state_validate(root, err);
	else if (kind == KK_DOC_HOOK_POLICY)
		r = kk_hook_policy_validate(root, err);
	else if (kind == KK_DOC_RESOURCES)
		r = kk_resources_validate(root, err);
	return r;
}

const void *kk_image_open(enum kk_doc_kind kind, void *image, size_t len, struct kk_error *err)
{
	const struct kk_type *root = kk_layout_root(kind);
	KK_AUTOFREE unsigned char *claimed = NULL;
	struct dec d = {image, len, NULL, err};

	if (root == NULL) {
		kk_error_set(err, KK_ERR_INTERNAL, "spec image: unknown document kind %d", kind);
		return NULL;
	}
	if (((uintptr_t)image & 15) != 0 || check_header(&d, kind, root) < 0)
		return NULL;
	claimed = calloc(len / 8 + 1, 1);
	if (claimed == NULL) {
		kk_error_sys(err, ENOMEM, "spec image");
		return NULL;
	}
	d.claimed = claimed;
	if (claim(&d, 0, KK_IMAGE_ROOT_OFFSET + root->size) < 0 ||
	    dec_struct(&d, root, d.base + KK_IMAGE_ROOT_OFFSET) < 0)
		return NULL;
	if (validate_root(kind, d.base + KK_IMAGE_ROOT_OFFSET, err) < 0)
		return NULL;
	return d.base + KK_IMAGE_ROOT_OFFSET;
}
