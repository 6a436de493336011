/* runtime/process: turning the init into the container's process. After the
 * rootfs is ready (init-created phase) it resolves the executable and cwd and
 * sets the rlimits, so a bad args[0] or a refused limit fails at create, as
 * with runc; after start (init-process phase) it applies, in this order:
 * oom_score_adj, the scheduler, the I/O priority, the personality, the
 * session keyring, the LSM labels, the cwd (as root; again as the user if
 * refused), user and groups (capabilities kept across setuid), the five
 * capability sets, no_new_privs, close-on-exec on every fd but stdio and
 * --preserve-fds, execve's arguments, then seccomp (the last thing before
 * execve; without no_new_privs, CAP_SYS_ADMIN is held for it and dropped by
 * one capset after it), and execve. docs/lifecycle.md explains the order.
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

/* With a read-only root: an init-rootfs op that creates a missing
 * process.cwd just before the root is remounted read-only (create only;
 * exec has no rootfs phase). Plan it after the rootfs ops. */
int kk_plan_cwd_before_readonly(struct kk_plan *plan, const struct kk_spec *spec,
				struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
