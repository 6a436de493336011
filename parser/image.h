/* The flat, position-independent form of a document: what the isolated
 * parser child hands back to the runtime through a sealed memfd.
 *
 *   [header][root struct][everything it points to ...]
 *
 * Every pointer in the image is an offset from the start of the image (0 for
 * NULL). kk_image_open() trusts nothing: it checks the header, the bounds
 * and alignment of every offset, every string's terminator, every bool,
 * enum and flag value, that no byte belongs to two objects, then relocates
 * offsets into pointers and runs the semantic validation again. */
#ifndef KK_PARSER_IMAGE_H
#define KK_PARSER_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "parser/parser.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KK_IMAGE_MAGIC "KAKOIIMG"
#define KK_IMAGE_VERSION 1

struct kk_image_header {
	char magic[8];
	uint32_t kind; /* enum kk_doc_kind */
	uint32_t version;
	uint64_t size; /* of the whole image, header included */
	uint64_t root; /* offset of the root struct: always KK_IMAGE_ROOT_OFFSET */
};

#define KK_IMAGE_ROOT_OFFSET 32

/* Parses, validates and flattens bytes into a malloc'ed image. */
void *kk_image_build(enum kk_doc_kind kind, const char *buf, size_t len, size_t *image_len,
		     struct kk_error *err);

/* Flattens an already built document tree (e.g. one assembled in memory). */
void *kk_image_encode(enum kk_doc_kind kind, const void *root, size_t *image_len,
		      struct kk_error *err);

/* Checks and relocates an image in place (it must be writable, len bytes,
 * 16-byte aligned). Returns the root struct; the caller then makes the
 * memory read-only. */
const void *kk_image_open(enum kk_doc_kind kind, void *image, size_t len, struct kk_error *err);

/* Copies an image into a fresh private mapping, opens it and seals it
 * read-only: the one-allocation document kk_doc_free() releases. */
const void *kk_image_map(enum kk_doc_kind kind, const void *image, size_t len,
			 struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
