/* Fuzz target: the spec-image decoder, kk_image_open(), which the runtime
 * runs on whatever the sandboxed parser child hands back, so it must treat
 * every byte as hostile. Input format (see make_image_seeds.c):
 *
 *   [kind: 1 byte, enum kk_doc_kind 1..5][image bytes ...]
 *
 * Every kind the loader maps from the parser child: config, process,
 * state, hook policy, resources.
 *
 * An image the decoder accepts is then re-encoded and re-opened (the same
 * round trip the parser targets check), which touches every relocated
 * pointer: a decoder that accepted a dangling offset shows up under ASan.
 * A state must also print as state.json that parses again: the one
 * document kind with an emitter, so the one place where "the validator
 * refuses whatever the parser would" (parser.h) can be checked directly. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_check.h"
#include "parser/image.h"

/* kk_image_open() wants writable, 16-byte aligned memory of exactly the
 * image's length; an exact-size heap block lets ASan catch any overread. */
static void *aligned_copy(const uint8_t *data, size_t size)
{
	void *copy = NULL;

	if (posix_memalign(&copy, 16, size ? size : 1) != 0)
		abort(); /* out of memory in the harness, not a finding */
	if (size)
		memcpy(copy, data, size);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum kk_doc_kind kind;
	const void *root;
	struct kk_error err;
	void *image;

	/* -1: libFuzzer does not keep inputs with an unused kind byte. */
	if (size < 1 || data[0] < KK_DOC_CONFIG || data[0] > KK_DOC_RESOURCES)
		return -1;
	kind = (enum kk_doc_kind)data[0];
	image = aligned_copy(data + 1, size - 1);
	kk_error_clear(&err);
	root = kk_image_open(kind, image, size - 1, &err);
	if (root == NULL) {
		fz_check_failure("kk_image_open", &err, FZ_IMAGE_FAILURES);
	} else {
		fz_check_roundtrip(kind, root);
		if (kind == KK_DOC_STATE)
			fz_check_state_json(root);
	}
	free(image);
	return 0;
}
