/* Fuzz target: a standalone process object (`exec --process FILE`) ->
 * kk_process_parse(), plus the image round trip for accepted ones. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz/fuzz_check.h"
#include "parser/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kk_process *process;
	struct kk_error err;

	kk_error_clear(&err);
	process = kk_process_parse((const char *)data, size, &err);
	if (process == NULL) {
		fz_check_failure("kk_process_parse", &err, FZ_PARSE_FAILURES);
		return 0;
	}
	fz_check_roundtrip(KK_DOC_PROCESS, process);
	kk_doc_free(process);
	return 0;
}
