#include "fuzz/fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "parser/image.h"

static _Noreturn void die(const char *what, const struct kk_error *err)
{
	fprintf(stderr, "fuzz property violated: %s: [%s] %.*s\n", what,
		kk_error_code_name(err->code), KK_ERROR_MSG_MAX, err->msg);
	abort();
}

void fz_check_failure(const char *what, const struct kk_error *err, unsigned allowed)
{
	if (memchr(err->msg, '\0', sizeof(err->msg)) == NULL) {
		fprintf(stderr, "fuzz property violated: %s: error message not terminated\n", what);
		abort();
	}
	if (err->code == KK_OK || err->msg[0] == '\0')
		die(what, err); /* failed without saying why */
	if ((unsigned)err->code >= 32 || (allowed & FZ_CODE(err->code)) == 0)
		die(what, err); /* failed with a code this input cannot justify */
}

static void *encode_or_die(enum kk_doc_kind kind, const void *root, size_t *len)
{
	struct kk_error err;
	void *image;

	kk_error_clear(&err);
	image = kk_image_encode(kind, root, len, &err);
	if (image == NULL)
		die("kk_image_encode of an accepted document", &err);
	return image;
}

void fz_check_roundtrip(enum kk_doc_kind kind, const void *root)
{
	KK_AUTOFREE void *first = NULL;
	KK_AUTOFREE void *second = NULL;
	KK_AUTODOC const void *copy = NULL;
	size_t first_len = 0, second_len = 0;
	struct kk_error err;

	kk_error_clear(&err);
	first = encode_or_die(kind, root, &first_len);
	copy = kk_image_map(kind, first, first_len, &err);
	if (copy == NULL)
		die("kk_image_map of a freshly encoded image", &err);
	second = encode_or_die(kind, copy, &second_len);
	if (first_len != second_len || memcmp(first, second, first_len) != 0) {
		fprintf(stderr,
			"fuzz property violated: re-encoding changed the image (%zu, %zu)\n",
			first_len, second_len);
		abort();
	}
}

static _Noreturn void state_violated(const char *what, const char *detail, const char *text)
{
	fprintf(stderr, "fuzz property violated: %s: %s\nstate.json text: %s\n", what, detail,
		text ? text : "(none)");
	abort();
}

static char *emit_or_die(const struct kk_state *state)
{
	struct kk_error err;
	char *text;

	kk_error_clear(&err);
	text = kk_state_to_json(state, &err);
	if (text == NULL)
		state_violated("kk_state_to_json of an accepted state", err.msg, NULL);
	return text;
}

void fz_check_state_json(const struct kk_state *state)
{
	KK_AUTOFREE char *text = emit_or_die(state);
	KK_AUTOFREE char *again = NULL;
	KK_AUTODOC const struct kk_state *reparsed = NULL;
	struct kk_error err;

	kk_error_clear(&err);
	reparsed = kk_state_parse(text, strlen(text), &err);
	if (reparsed == NULL)
		state_violated("kk_state_to_json output does not parse", err.msg, text);
	again = emit_or_die(reparsed);
	if (strcmp(text, again) != 0)
		state_violated("kk_state_to_json output", "changed when parsed and emitted again",
			       again);
}
