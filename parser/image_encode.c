/* Flattening a document tree into an image (see image.h). Objects are laid
 * out depth-first in a growing buffer and addressed by offset, since the
 * buffer moves as it grows. */
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "parser/image.h"
#include "parser/layout.h"
#include "parser/limits.h"

struct enc {
	unsigned char *buf;
	size_t len;
	size_t cap;
	struct kk_error *err;
};

/* Reserves size zeroed bytes aligned to align; returns the offset or 0. */
static size_t enc_reserve(struct enc *e, size_t size, size_t align)
{
	size_t off = (e->len + align - 1) & ~(align - 1);

	if (off + size > KK_LIMIT_IMAGE_BYTES) {
		kk_error_set(e->err, KK_ERR_LIMIT,
			     "spec image would exceed %u bytes (KK_LIMIT_IMAGE_BYTES)",
			     KK_LIMIT_IMAGE_BYTES);
		return 0;
	}
	if (off + size > e->cap) {
		size_t cap = e->cap ? e->cap : 4096;
		unsigned char *p;

		while (cap < off + size)
			cap *= 2;
		p = realloc(e->buf, cap);
		if (p == NULL) {
			kk_error_sys(e->err, ENOMEM, "encoding spec image");
			return 0;
		}
		memset(p + e->cap, 0, cap - e->cap);
		e->buf = p;
		e->cap = cap;
	}
	e->len = off + size;
	return off;
}

static void put_offset(struct enc *e, size_t at, size_t value)
{
	uint64_t v = value;

	memcpy(e->buf + at, &v, sizeof(v));
}

static size_t enc_string(struct enc *e, const char *s)
{
	size_t n = strlen(s) + 1;
	size_t off = enc_reserve(e, n, 1);

	if (off != 0)
		memcpy(e->buf + off, s, n);
	return off;
}

static int enc_struct_at(struct enc *e, const struct kk_type *t, const void *src, size_t at);

static size_t enc_struct(struct enc *e, const struct kk_type *t, const void *src)
{
	size_t off = enc_reserve(e, t->size, t->align);

	if (off == 0 || enc_struct_at(e, t, src, off) < 0)
		return 0;
	return off;
}

static int enc_elements(struct enc *e, const struct kk_field *f, const void *items, size_t n,
			size_t off)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *item = (const unsigned char *)items + i * f->elem_size;
		size_t at = off + i * f->elem_size;

		if (f->elem == KK_E_STR) {
			size_t s = enc_string(e, *(const char *const *)item);
			if (s == 0)
				return -1;
			put_offset(e, at, s);
		} else if (f->elem == KK_E_STRUCT && enc_struct_at(e, f->type, item, at) < 0) {
			return -1;
		}
	}
	return 0;
}

static size_t enc_array(struct enc *e, const struct kk_field *f, const void *items, size_t n)
{
	size_t align = f->elem == KK_E_STRUCT ? f->type->align : f->elem_size;
	size_t off;

	if (n > KK_LIMIT_IMAGE_BYTES / f->elem_size) {
		kk_error_set(e->err, KK_ERR_LIMIT, "spec image: array %s too large", f->name);
		return 0;
	}
	off = enc_reserve(e, n * f->elem_size, align);
	if (off == 0)
		return 0;
	if (f->elem != KK_E_STR)
		memcpy(e->buf + off, items, n * f->elem_size);
	if (enc_elements(e, f, items, n, off) < 0)
		return 0;
	return off;
}

static int enc_pointer(struct enc *e, const struct kk_field *f, const unsigned char *src, size_t at)
{
	const void *ptr = *(const void *const *)(src + f->offset);
	size_t off = 0;

	if (f->kind == KK_F_ARRAY) {
		size_t n = *(const size_t *)(src + f->count_offset);
		if (n != 0)
			off = enc_array(e, f, ptr, n);
		if (n != 0 && off == 0)
			return -1;
	} else if (ptr != NULL) {
		off = f->kind == KK_F_STR ? enc_string(e, ptr) : enc_struct(e, f->type, ptr);
		if (off == 0)
			return -1;
	}
	put_offset(e, at + f->offset, off);
	return 0;
}

/* Copies src into the already reserved bytes at `at`, then its pointees. */
static int enc_struct_at(struct enc *e, const struct kk_type *t, const void *src, size_t at)
{
	memcpy(e->buf + at, src, t->size);
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct kk_field *f = &t->fields[i];

		if (f->kind == KK_F_STR || f->kind == KK_F_OBJ || f->kind == KK_F_ARRAY)
			if (enc_pointer(e, f, src, at) < 0)
				return -1;
	}
	return 0;
}

static void enc_header(struct enc *e, enum kk_doc_kind kind)
{
	struct kk_image_header h = {.kind = kind, .version = KK_IMAGE_VERSION};

	memcpy(h.magic, KK_IMAGE_MAGIC, sizeof(h.magic));
	h.size = e->len;
	h.root = KK_IMAGE_ROOT_OFFSET;
	memcpy(e->buf, &h, sizeof(h));
}

void *kk_image_encode(enum kk_doc_kind kind, const void *root, size_t *image_len,
		      struct kk_error *err)
{
	const struct kk_type *t = kk_layout_root(kind);
	struct enc e = {.err = err};

	if (t == NULL) {
		kk_error_set(err, KK_ERR_INTERNAL, "spec image: unknown document kind %d", kind);
		return NULL;
	}
	if (enc_reserve(&e, KK_IMAGE_ROOT_OFFSET, 16) != 0 || e.buf == NULL ||
	    enc_struct(&e, t, root) != KK_IMAGE_ROOT_OFFSET) {
		free(e.buf);
		return NULL;
	}
	enc_header(&e, kind);
	*image_len = e.len;
	return e.buf;
}
