/* runtime/fault: a test-only kk_sys table that fails the Nth host-changing
 * call with a chosen errno. Linked only into //runtime:kakoi_fault
 * (testonly); the release binary //runtime:kakoi contains none of it
 * (tests/fault/symbols_test checks).
 *
 * In kakoi_fault a constructor reads the environment before main():
 *   KAKOI_FAULT_AT=N        fail the Nth counted seam call (1-based); unset or
 *                           0: count only, fail nothing
 *   KAKOI_FAULT_ERRNO=E     errno of the failure: a number or a name (EIO,
 *                           ENOSPC, EPERM, ...); default EIO
 *   KAKOI_FAULT_MATCH=NAME  count only calls of that seam function ("mkdirat")
 *   KAKOI_FAULT_REPORT=FILE where each process that fired appends
 *                           "fault fired at N: NAME (pid P)\n"; without it
 *                           the line goes to stderr.
 *   KAKOI_FAULT_SCOPE=S     "process" (default): the count is per process; a
 *                           fork (the init, the parser child) inherits the
 *                           count so far and goes on counting its own calls,
 *                           and each process fails its own Nth call (so the
 *                           init and the runtime's rollback may both fail).
 *                           "run": one count shared by every process of the
 *                           run through the report file (needs
 *                           KAKOI_FAULT_REPORT), and exactly one call of the
 *                           whole run fails.
 *   KAKOI_FAULT_ACTION=A    "fail" (default): the call fails with the errno;
 *                           "crash": instead of making the Nth call, the
 *                           process SIGKILLs itself (kakoi killed at that
 *                           moment: an impatient manager, the OOM killer).
 *                           Only the runtime process itself crashes and
 *                           counts: the one that armed the table (its pid
 *                           recorded at constructor time; the sealed-binary
 *                           re-exec keeps the pid and re-arms). Its forks,
 *                           the parser child and the container init, make
 *                           their calls uncounted and never crash, so N
 *                           numbers the runtime's own calls whatever the
 *                           children do; a crash cannot be combined with
 *                           scope "run" (refused as malformed).
 * A process fails at most one call, so the rollback that follows runs on the
 * real calls. */
#ifndef KK_RUNTIME_FAULT_H
#define KK_RUNTIME_FAULT_H

#include <stdbool.h>

#include "runtime/sys/sys.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kk_fault_config {
	long at;	   /* the call to fail, 1-based; 0: none */
	int err;	   /* errno to fail it with */
	const char *match; /* count only this seam function; NULL: all */
	bool per_run;	   /* KAKOI_FAULT_SCOPE=run */
	bool crash;	   /* KAKOI_FAULT_ACTION=crash: SIGKILL instead of failing */
};

/* Reads the KAKOI_FAULT_* variables; -1 and errno EINVAL when malformed
 * (also for scope "run" without a report file, or with action "crash"). */
int kk_fault_config_from_env(struct kk_fault_config *cfg);

/* Arms the failing table with cfg (copied) and installs it with kk_sys_set();
 * report_path may be NULL (report to stderr). The calling process becomes
 * the one that a crash action kills (getpid() now). */
void kk_fault_arm(const struct kk_fault_config *cfg, const char *report_path);

/* The failing table (wraps kk_sys_linux). */
extern const struct kk_sys kk_fault_sys;

/* Counted calls so far in this process, and whether the fault fired here. */
long kk_fault_calls(void);
bool kk_fault_fired(void);

/* Parses an errno number or name ("EIO"); 0 when unknown. */
int kk_fault_errno_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif
