/* When each kind of OCI hook runs, and with which state (config.md
 * "POSIX-platform Hooks", runtime.md "Lifecycle"):
 *
 *   prestart, createRuntime  runtime ns   create, rootfs ready, before pivot_root
 *   createContainer          container ns create, in the init, before pivot_root
 *   startContainer           container ns start, in the init, before the process
 *   poststart                runtime ns   start, after the process is executed
 *   poststop                 runtime ns   delete, after the container is deleted
 *
 * The state's pid is the init's pid as seen from where the hook runs. The
 * running itself (sandbox, policy, audit) belongs to hooks/. */
#ifndef KK_CONTAINER_LIFECYCLE_HOOKS_H
#define KK_CONTAINER_LIFECYCLE_HOOKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "parser/spec.h"
#include "parser/vocab.h"
#include "runtime/container/container.h"
#include "runtime/exec/plan.h"

struct kk_hook_policy;

/* The policy and the audit log of one operation; opened only when the
 * config has hooks, closed with kk_hook_session_close. */
struct kk_hook_session {
	const struct kk_hook_policy *policy;
	int audit_fd;
};

#define KK_HOOK_SESSION_INIT                                                                       \
	{                                                                                          \
		NULL, -1                                                                           \
	}

bool kk_spec_has_hooks(const struct kk_spec *spec, enum kk_hook_kind kind);
bool kk_spec_has_any_hooks(const struct kk_spec *spec);

/* Loads the policy and opens the audit log; fails closed. */
int kk_hook_session_open(const struct kk_runtime_opts *rt, struct kk_hook_session *s,
			 struct kk_error *err);
void kk_hook_session_close(struct kk_hook_session *s);

/* Runs the hooks of one kind with the state {id, status, pid, bundle,
 * annotations}; poststop keeps going past failures. */
int kk_lifecycle_hooks(const struct kk_hook_session *s, const struct kk_spec *spec,
		       enum kk_hook_kind kind, const char *id, const char *bundle, int status,
		       pid_t pid, struct kk_error *err);

/* The init's hook steps: before pivot_root (ask the runtime to run
 * prestart/createRuntime, then run createContainer) and first after start
 * (startContainer). Planned only when the config has such hooks. */
int kk_plan_hooks(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

#endif
