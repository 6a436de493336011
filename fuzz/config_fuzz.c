/* Fuzz target: config.json bytes -> kk_spec_parse(), the path every
 * untrusted config takes (parse, build the image, map, decode, validate).
 * An accepted config is also pushed through the image form once more, so
 * the encoder and decoder see every valid shape the fuzzer finds. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz/fuzz_check.h"
#include "parser/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kk_spec *spec;
	struct kk_error err;

	kk_error_clear(&err);
	spec = kk_spec_parse((const char *)data, size, &err);
	if (spec == NULL) {
		fz_check_failure("kk_spec_parse", &err, FZ_PARSE_FAILURES);
		return 0;
	}
	fz_check_roundtrip(KK_DOC_CONFIG, spec);
	kk_doc_free(spec);
	return 0;
}
