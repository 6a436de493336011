/* The host's hook policy: loading it (through the isolated parser, like
 * config.json) and what it means for one hook. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "hooks/hooks_int.h"
#include "parser/policy.h"
#include "runtime/loader/loader.h"

_Static_assert((int)KK_HOOK_PROFILE_STANDARD == (int)KK_POLICY_STANDARD, "profile values");
_Static_assert((int)KK_HOOK_PROFILE_STRICT == (int)KK_POLICY_STRICT, "profile values");

#define CAP(c) (UINT64_C(1) << (c))

/* What a GPU, network or policy-check hook plausibly needs; the rest
 * (module loading, raw I/O, ptrace, time, BPF, audit, MAC, ...) goes. */
static const uint64_t default_keep =
	CAP(CAP_SYS_ADMIN) | CAP(CAP_NET_ADMIN) | CAP(CAP_NET_RAW) | CAP(CAP_MKNOD) |
	CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_DAC_READ_SEARCH) | CAP(CAP_FOWNER) |
	CAP(CAP_FSETID) | CAP(CAP_SETUID) | CAP(CAP_SETGID) | CAP(CAP_SYS_CHROOT) | CAP(CAP_KILL);

/* What a missing default policy file means: never freed. */
static const struct kk_hook_policy standard_default = {.profile = KK_POLICY_STANDARD};

const struct kk_hook_policy *kk_hook_policy_load(const char *path, bool explicit_path,
						 struct kk_error *err)
{
	KK_AUTOFREE char *buf = NULL;
	size_t len = 0;
	struct kk_error read_err = {0};
	const struct kk_hook_policy *policy;

	if (kk_loader_read_file(path, &buf, &len, &read_err) < 0) {
		if (!explicit_path && read_err.code == KK_ERR_SYS && read_err.sys_errno == ENOENT)
			return &standard_default;
		*err = read_err;
		kk_error_prefix(err, "hook policy");
		return NULL;
	}
	policy = kk_loader_parse(KK_DOC_HOOK_POLICY, buf, len, NULL, err);
	if (policy != NULL)
		policy = kk_hook_policy_pin(policy, err);
	if (policy == NULL)
		kk_error_prefix(err, "%s", path);
	return policy;
}

/* The files an allowlist named when it was loaded. Kept beside the parsed
 * document (whose layout belongs to parser/), found by its address, and
 * freed with it; inherited by every fork, like the document. */
struct pin {
	dev_t dev;
	ino_t ino;
};

struct pinned {
	const struct kk_hook_policy *doc;
	struct pinned *next;
	size_t n;
	struct pin v[];
};

static struct pinned *pinned_list;

static struct pinned **find_pinned(const struct kk_hook_policy *doc)
{
	struct pinned **p = &pinned_list;

	while (*p != NULL && (*p)->doc != doc)
		p = &(*p)->next;
	return p;
}

const struct kk_hook_policy *kk_hook_policy_pin(const struct kk_hook_policy *doc,
						struct kk_error *err)
{
	size_t n = doc->has_allowed_hooks ? doc->allowed_hooks.n : 0;
	struct pinned *p = calloc(1, sizeof(*p) + n * sizeof(p->v[0]));

	if (p == NULL) {
		kk_doc_free(doc);
		kk_error_sys(err, ENOMEM, "hook policy: allowedHooks");
		return NULL;
	}
	p->doc = doc;
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		/* Missing now: nothing at that path may run later either. */
		if (stat(doc->allowed_hooks.v[i], &st) == 0)
			p->v[p->n++] = (struct pin){st.st_dev, st.st_ino};
	}
	p->next = pinned_list;
	pinned_list = p;
	return doc;
}

void kk_hook_policy_free(const struct kk_hook_policy *policy)
{
	struct pinned **p;

	if (policy == NULL || policy == &standard_default)
		return;
	p = find_pinned(policy);
	if (*p != NULL) {
		struct pinned *gone = *p;

		*p = gone->next;
		free(gone);
	}
	kk_doc_free(policy);
}

enum kk_hook_profile kk_hook_policy_profile(const struct kk_hook_policy *policy)
{
	if (policy == NULL || policy->profile != KK_POLICY_STRICT)
		return KK_HOOK_PROFILE_STANDARD;
	return KK_HOOK_PROFILE_STRICT;
}

const char *hk_profile_name(enum kk_hook_profile profile)
{
	return profile == KK_HOOK_PROFILE_STRICT ? "strict" : "standard";
}

const char *kk_hook_kind_name(enum kk_hook_kind kind)
{
	const char *name = kk_vocab_name(&kk_vocab_hook_kind, kind);

	return name ? name : "unknown";
}

void hk_policy_limits(const struct kk_hook_policy *policy, const struct kk_hook *hook,
		      struct hk_limits *out)
{
	long max = KK_POLICY_TIMEOUT_DEFAULT;

	if (policy != NULL && policy->max_timeout.set)
		max = (long)policy->max_timeout.value;
	out->profile = kk_hook_policy_profile(policy);
	out->timeout_s = max;
	if (hook->timeout.set && hook->timeout.value > 0 && hook->timeout.value < max)
		out->timeout_s = (long)hook->timeout.value;
	out->keep_caps = default_keep;
	if (policy != NULL && policy->has_keep_caps)
		out->keep_caps = policy->keep_caps;
}

/* The file opened must be one the allowlist named at load time, compared
 * by (st_dev, st_ino) and not by path: a hook opened in a container's
 * mount namespace has paths the image chooses. */
int hk_policy_allows(const struct kk_hook_policy *policy, const struct hk_exe *exe,
		     struct kk_error *err)
{
	const struct pinned *p;

	if (kk_hook_policy_profile(policy) != KK_HOOK_PROFILE_STRICT || !policy->has_allowed_hooks)
		return 0;
	p = *find_pinned(policy);
	for (size_t i = 0; p != NULL && i < p->n; i++)
		if (p->v[i].dev == exe->dev && p->v[i].ino == exe->ino)
			return 0;
	return kk_error_set(err, KK_ERR_INVALID,
			    "refused by the hook policy: %s is not in allowedHooks", exe->resolved);
}
