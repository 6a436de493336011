/* Private to parser/: a description of every struct in spec.h — where its
 * pointers, arrays and closed-vocabulary values are — so one generic encoder
 * can flatten a document into an image and one generic decoder can check
 * and relocate an image from an untrusted source (image.c). A field that
 * validation or the executor dereferences unconditionally is `required`. */
#ifndef KK_PARSER_LAYOUT_H
#define KK_PARSER_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/vocab.h"

enum kk_field_kind {
	KK_F_STR,   /* const char * */
	KK_F_OBJ,   /* const struct T * */
	KK_F_ARRAY, /* const E *v at offset, size_t n at count_offset */
	KK_F_BOOL,  /* bool, must be 0 or 1 */
	KK_F_OPT,   /* a kk_opt_* struct; offset is that of its .set bool */
	KK_F_ENUM,  /* int holding a vocab value (0 allowed when !required) */
	KK_F_FLAGS, /* uint64_t holding an OR of vocab flags */
	KK_F_CAPS,  /* uint64_t capability mask */
	KK_F_CHAR,  /* char, one of `chars` */
};

enum kk_elem_kind {
	KK_E_STR,    /* const char *, never NULL */
	KK_E_SCALAR, /* plain integers of elem_size bytes */
	KK_E_ENUM,   /* int holding a vocab value */
	KK_E_STRUCT, /* struct described by type */
};

struct kk_type;

struct kk_field {
	const char *name;
	enum kk_field_kind kind;
	size_t offset;
	bool required;
	const struct kk_type *type;   /* KK_F_OBJ, KK_E_STRUCT */
	size_t count_offset;	      /* KK_F_ARRAY */
	enum kk_elem_kind elem;	      /* KK_F_ARRAY */
	size_t elem_size;	      /* KK_F_ARRAY */
	const struct kk_vocab *vocab; /* KK_F_ENUM, KK_F_FLAGS, KK_E_ENUM */
	const char *chars;	      /* KK_F_CHAR */
};

struct kk_type {
	const char *name;
	size_t size;
	size_t align;
	const struct kk_field *fields;
	size_t n_fields;
};

/* The root type of a document kind (enum kk_doc_kind), or NULL. */
const struct kk_type *kk_layout_root(int kind);

#endif
