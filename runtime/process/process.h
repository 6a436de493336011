/* runtime/process: turning the init into the container's process. After the
 * rootfs is ready (init-created phase) it resolves the executable and cwd and
 * sets the rlimits, so a bad args[0] or a refused limit fails at create, as
 * with runc; after start (init-process phase) it applies, in this order:
 * oom_score_adj, the session
 * keyring, the LSM labels, user and groups (capabilities kept across setuid),
 * the five capability sets, no_new_privs, seccomp (last, or before the
 * capability drop when no_new_privs is off: loading a filter without it
 * needs CAP_SYS_ADMIN), closing every fd but stdio and --preserve-fds, the
 * cwd, and execve. docs/lifecycle.md explains the order.
 *
 * Runs in the init only (plus one host-prepare op connecting to the seccomp
 * listener). Nothing here prints or exits except through execve. */
#ifndef KK_RUNTIME_PROCESS_H
#define KK_RUNTIME_PROCESS_H

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

int kk_plan_process(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
