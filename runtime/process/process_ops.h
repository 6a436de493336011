/* Private to runtime/process: the planner of each feature file, called in
 * order by plan.c, and the few helpers several features share. */
#ifndef KK_RUNTIME_PROCESS_OPS_H
#define KK_RUNTIME_PROCESS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/plan.h"

/* The runtime-spec version this code speaks (container process state). */
#define KK_PROCESS_OCI_VERSION "1.3.0"

/* init-created: checks before create returns. */
int kk_proc_plan_cwd(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_lookup(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_lsm_check(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);

/* init-process, in the order plan.c calls them. */
int kk_proc_plan_rlimits(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_oom(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_scheduler(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_ioprio(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_keyring(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_proc_plan_lsm(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_cap_bounding(struct kk_plan *plan, const struct kk_process *p,
			      struct kk_error *err);
int kk_proc_plan_identity(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
/* hold_admin: CAP_SYS_ADMIN stays permitted and effective for the seccomp
 * filter, until capabilities-release right after it. */
int kk_proc_plan_caps(struct kk_plan *plan, const struct kk_process *p, bool hold_admin,
		      struct kk_error *err);
int kk_proc_plan_caps_release(struct kk_plan *plan, const struct kk_process *p,
			      struct kk_error *err);
/* The process is not to have CAP_SYS_ADMIN permitted and effective. */
bool kk_proc_caps_lack_admin(const struct kk_process *p);
int kk_proc_plan_nnp(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
/* Also adds the host-prepare op connecting to listenerPath when a rule
 * uses SCMP_ACT_NOTIFY. Refuses what this libseccomp cannot do. */
int kk_proc_plan_seccomp(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err);
int kk_proc_plan_personality(struct kk_plan *plan, const struct kk_spec *spec,
			     struct kk_error *err);
int kk_proc_plan_fds(struct kk_plan *plan, struct kk_error *err);
int kk_proc_plan_chdir(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_chdir_again(struct kk_plan *plan, const struct kk_process *p,
			     struct kk_error *err);
int kk_proc_plan_exec_args(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);
int kk_proc_plan_exec(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err);

/* Writes text to a /proc (or /sys) file through the syscall seam. On
 * failure err reads "<field>: write <path>: <cause>". */
int kk_proc_write_file(const char *field, const char *path, const char *text, struct kk_error *err);

/* Like kk_error_sys, with the cause in Go's words ("permission denied"):
 * for messages that must read as runc's. */
/* The home directory of uid in the passwd file at path (the container's
 * /etc/passwd), or "/" (home.c). Never fails. */
void kk_proc_home(const char *passwd_path, uint32_t uid, char *buf, size_t len);

int kk_proc_go_error(struct kk_error *err, int errnum, const char *fmt, ...) KK_PRINTF(3, 4);

/* "CAP_CHOWN,CAP_KILL" (or "none") into buf. */
void kk_proc_caps_format(uint64_t mask, char *buf, size_t len);

/* Whether the profile lets the syscall through (without running it). */
bool kk_proc_seccomp_allows(const struct kk_seccomp *s, const char *name);

/* The host-prepare op connecting to linux.seccomp.listenerPath. */
int kk_proc_plan_seccomp_listener(struct kk_plan *plan, const struct kk_seccomp *s,
				  struct kk_error *err);

/* Sends the notify fd and the container process state (config-linux.md)
 * to the connected listener, then closes the connection. */
struct kk_ctx;
int kk_proc_seccomp_notify_send(struct kk_ctx *ctx, const struct kk_seccomp *s, int notify_fd,
				struct kk_error *err);

#endif
