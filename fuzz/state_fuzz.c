/* Fuzz target: state.json bytes -> kk_state_parse(). An accepted state must
 * also survive kk_state_to_json() and parsing that again (fuzz_check.h):
 * `kakoi state` output is read back by hooks and by kakoi itself, so a
 * state it cannot re-read is a real bug. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz/fuzz_check.h"
#include "parser/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kk_state *state;
	struct kk_error err;

	kk_error_clear(&err);
	state = kk_state_parse((const char *)data, size, &err);
	if (state == NULL) {
		fz_check_failure("kk_state_parse", &err, FZ_PARSE_FAILURES);
		return 0;
	}
	fz_check_state_json(state);
	fz_check_roundtrip(KK_DOC_STATE, state);
	kk_doc_free(state);
	return 0;
}
