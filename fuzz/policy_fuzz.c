/* Fuzz target: hook policy bytes (--hook-policy FILE) -> the parser's
 * KK_DOC_HOOK_POLICY document (parser/policy.h). Besides the shared
 * properties (fuzz_check.h), an accepted policy must mean one thing: the
 * strict-only settings never appear under standard, and every allowlist
 * entry is an absolute path, which hooks/ relies on. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/fuzz_check.h"
#include "parser/parser.h"
#include "parser/policy.h"

static void check_meaning(const struct kk_hook_policy *p)
{
	bool ok = p->profile == KK_POLICY_STANDARD || p->profile == KK_POLICY_STRICT;

	if (p->profile == KK_POLICY_STANDARD && (p->has_allowed_hooks || p->has_keep_caps))
		ok = false;
	if (p->max_timeout.set &&
	    (p->max_timeout.value < 1 || p->max_timeout.value > KK_POLICY_TIMEOUT_MAX))
		ok = false;
	for (size_t i = 0; i < p->allowed_hooks.n; i++)
		if (p->allowed_hooks.v[i][0] != '/')
			ok = false;
	if (!ok) {
		fprintf(stderr, "fuzz property violated: accepted policy is inconsistent\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kk_hook_policy *policy;
	struct kk_error err;

	kk_error_clear(&err);
	policy = kk_doc_parse(KK_DOC_HOOK_POLICY, (const char *)data, size, &err);
	if (policy == NULL) {
		fz_check_failure("kk_doc_parse(KK_DOC_HOOK_POLICY)", &err, FZ_PARSE_FAILURES);
		return 0;
	}
	check_meaning(policy);
	fz_check_roundtrip(KK_DOC_HOOK_POLICY, policy);
	kk_doc_free(policy);
	return 0;
}
