/* Fuzz target: a resources document (`update --resources FILE|-`, runc's
 * LinuxResources) -> kk_doc_parse(KK_DOC_RESOURCES), plus the image round
 * trip for accepted ones. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz/fuzz_check.h"
#include "parser/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kk_resources *res;
	struct kk_error err;

	kk_error_clear(&err);
	res = kk_doc_parse(KK_DOC_RESOURCES, (const char *)data, size, &err);
	if (res == NULL) {
		fz_check_failure("kk_doc_parse(resources)", &err, FZ_PARSE_FAILURES);
		return 0;
	}
	fz_check_roundtrip(KK_DOC_RESOURCES, res);
	kk_doc_free(res);
	return 0;
}
