/* hooks/: running OCI hooks. Every hook execution is its own child process
 * in a sandbox chosen by the host's policy (not by the container's author),
 * and leaves exactly one audit record, written and fsynced before the
 * lifecycle continues. A hook whose record cannot be written does not run.
 *
 * This module knows nothing of the lifecycle: the caller says which hooks,
 * which kind, the state JSON for stdin, and where the audit log is. Nothing
 * here prints or exits. */
#ifndef KK_HOOKS_H
#define KK_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "parser/spec.h"
#include "parser/vocab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the policy and the audit log live when the flags are not given. */
#define KK_HOOK_POLICY_DEFAULT "/etc/kakoi/hook-policy.json"
#define KK_HOOK_AUDIT_DEFAULT "/var/log/kakoi/hooks.log"

enum kk_hook_profile {
	KK_HOOK_PROFILE_STANDARD = 1, /* own process group, fds, cwd, rlimits, timeout */
	KK_HOOK_PROFILE_STRICT,	      /* + no_new_privs, reduced bounding set, seccomp deny list,
					 optional path allowlist */
};

struct kk_hook_policy; /* a parsed policy document, see policy.h */

/* Loads the policy file through the isolated parser. A missing file at the
 * default path means the standard profile; a missing file named by
 * --hook-policy is an error. */
const struct kk_hook_policy *kk_hook_policy_load(const char *path, bool explicit_path,
						 struct kk_error *err);
void kk_hook_policy_free(const struct kk_hook_policy *policy);

/* Pins the allowlist of a parsed policy document (kk_doc_parse,
 * kk_loader_parse) to the files its paths name now: their (st_dev,
 * st_ino), following symlinks as exec would. A hook is then allowed only
 * if the file it opens is one of those, wherever it is opened from (a
 * container's rootfs cannot supply an "allowed" path). An entry that does
 * not exist now pins nothing. Must run in the host's mount namespace;
 * kk_hook_policy_load does it. Takes ownership of doc (freed on failure);
 * release the result with kk_hook_policy_free. A strict policy with an
 * allowlist that was not pinned refuses every hook. */
const struct kk_hook_policy *kk_hook_policy_pin(const struct kk_hook_policy *doc,
						struct kk_error *err);
enum kk_hook_profile kk_hook_policy_profile(const struct kk_hook_policy *policy);

/* Opens (creating it, and its directory, 0600/0700) the audit log for
 * appending; -1 with err set when it cannot, and then no hook may run. */
int kk_hook_audit_open(const char *path, struct kk_error *err);

struct kk_hook_run {
	const char *id;			     /* container id */
	const char *bundle;		     /* recorded, and the hook's cwd unless cwd is set */
	const char *state_json;		     /* the container state, the hook's stdin */
	const struct kk_hook_policy *policy; /* NULL: the standard profile */
	int audit_fd;			     /* from kk_hook_audit_open */
	bool keep_going; /* poststop: run every hook, report the first failure */
	const char *cwd; /* NULL: the bundle; "/" for hooks run after pivot_root */
	/* createContainer, startContainer: the hook runs in the container's
	 * namespaces, next to an init holding host fds, so it never has
	 * CAP_SYS_PTRACE (in any profile). */
	bool container_ns;
	/* The container's process, for createContainer and startContainer. A
	 * hook whose executable the container's image supplies runs with no
	 * more power than that process (its user, capabilities and
	 * no_new_privs), in every profile, with /proc/sys read-only and no
	 * mount(2) family: such a hook is the image's code, not the host's.
	 * With image_rootfs NULL that is every hook (startContainer: its path
	 * resolves in the container); otherwise only a hook whose file lies
	 * under image_rootfs (createContainer: its path resolves in the
	 * runtime's view, so it names a host file unless it points into the
	 * rootfs). NULL: no hook is the image's (runtime namespaces). */
	const struct kk_process *as_process;
	const char *image_rootfs;
	/* What a hook without env gets under the standard profile (runc and
	 * crun let such hooks inherit: GPU and network plugins need PATH);
	 * under strict such a hook gets an empty environment. */
	struct kk_strv inherit_env;
};

/* Runs the hooks of one kind, in order. Without keep_going it stops at the
 * first failure; err names the kind, the index and the path and says why
 * (exit code, signal, timeout, refusal by the policy), with the first bytes
 * of the hook's stderr. Returns 0, or -1 when any hook failed. */
int kk_hooks_run(const struct kk_hook_list *hooks, enum kk_hook_kind kind,
		 const struct kk_hook_run *run, struct kk_error *err);

/* "prestart", "createRuntime", ... as in config.json. */
const char *kk_hook_kind_name(enum kk_hook_kind kind);

#ifdef __cplusplus
}
#endif

#endif
