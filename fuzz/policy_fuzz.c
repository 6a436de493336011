/* Fuzz target: hook policy bytes (--hook-policy FILE) -> the parser's
 * KK_DOC_HOOK_POLICY document (parser/policy.h), then what hooks/ makes
 * of it (hooks/policy.c). Besides the shared properties (fuzz_check.h),
 * an accepted policy must mean one thing: the strict-only settings never
 * appear under standard, and every allowlist entry is an absolute path,
 * which hooks/ relies on. Then, pinned as kakoi pins it (each allowlist
 * path stat()ed on this host: read-only), for hooks asking for no, a
 * short, a long and an absurd timeout:
 *   - the profile is the policy's, and the timeout granted is the hook's
 *     when the policy's maximum allows it, else that maximum (or 60 s);
 *   - the capabilities kept are the policy's list, or the default set;
 *   - under strict with an allowlist, an executable is allowed exactly
 *     when it is one of the files the allowlist named (by device and
 *     inode); otherwise every executable is. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz/fuzz_check.h"
#include "hooks/hooks.h"
#include "hooks/hooks_int.h"
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

static _Noreturn void meaning_violated(const char *what)
{
	fprintf(stderr, "fuzz property violated: policy meaning: %s\n", what);
	abort();
}

static void check_limits(const struct kk_hook_policy *p)
{
	static const long asked[] = {0, 1, KK_POLICY_TIMEOUT_DEFAULT + 1,
				     KK_POLICY_TIMEOUT_MAX * 10L};
	long max = p->max_timeout.set ? (long)p->max_timeout.value : KK_POLICY_TIMEOUT_DEFAULT;

	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		struct kk_hook hook = {.path = "/bin/true"};
		struct hk_limits l;

		hook.timeout.set = asked[i] != 0;
		hook.timeout.value = asked[i];
		hk_policy_limits(p, &hook, &l);
		if ((int)l.profile != (int)p->profile)
			meaning_violated("the profile is not the policy's");
		if (l.timeout_s != (asked[i] > 0 && asked[i] < max ? asked[i] : max))
			meaning_violated(
				"the timeout granted is not min(hook's, policy's maximum)");
		if (p->has_keep_caps && l.keep_caps != p->keep_caps)
			meaning_violated("keepCapabilities not applied");
	}
}

/* An executable as hk_exe_open would describe the file at path. */
static bool exe_at(const char *path, struct hk_exe *exe)
{
	struct stat st;

	memset(exe, 0, sizeof(*exe));
	exe->fd = -1;
	if (stat(path, &st) < 0)
		return false;
	exe->dev = st.st_dev;
	exe->ino = st.st_ino;
	snprintf(exe->resolved, sizeof(exe->resolved), "%s", path);
	return true;
}

static void check_allowlist(const struct kk_hook_policy *p)
{
	bool restricted = p->profile == KK_POLICY_STRICT && p->has_allowed_hooks;
	struct hk_exe exe;
	struct kk_error err;

	for (size_t i = 0; i < p->allowed_hooks.n; i++)
		if (exe_at(p->allowed_hooks.v[i], &exe) && hk_policy_allows(p, &exe, &err) < 0)
			meaning_violated("a file the allowlist names is refused");
	/* No real file has inode 0: allowed only when nothing is restricted. */
	exe_at("/", &exe);
	exe.ino = 0;
	kk_error_clear(&err);
	if ((hk_policy_allows(p, &exe, &err) < 0) != restricted)
		meaning_violated(restricted ? "a file the allowlist does not name is allowed"
					    : "an executable is refused without an allowlist");
	if (restricted)
		fz_check_failure("hk_policy_allows", &err, FZ_CODE(KK_ERR_INVALID));
}

/* Takes the document: pinned, checked, freed. */
static void check_pinned(const struct kk_hook_policy *doc)
{
	const struct kk_hook_policy *p;
	struct kk_error err;

	kk_error_clear(&err);
	p = kk_hook_policy_pin(doc, &err);
	if (p == NULL) {
		fz_check_failure("kk_hook_policy_pin", &err, FZ_CODE(KK_ERR_SYS));
		return;
	}
	if ((int)kk_hook_policy_profile(p) != (int)p->profile)
		meaning_violated("kk_hook_policy_profile is not the document's");
	check_limits(p);
	check_allowlist(p);
	kk_hook_policy_free(p);
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
	check_pinned(policy);
	return 0;
}
