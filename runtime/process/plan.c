/* The order of the process ops. The order is the contract (process.h):
 * checks and rlimits at create (a refused limit fails create, as with runc);
 * after start the labels while still root, the
 * bounding set while CAP_SETPCAP is held, the user change with capabilities
 * kept, the final capability sets, no_new_privs, and seccomp as late as it
 * can be loaded; then fds, cwd and execve. */
#define _GNU_SOURCE
#include "runtime/process/process.h"

#include "runtime/process/process_ops.h"

static int plan_created(struct kk_plan *plan, const struct kk_process *p, struct kk_error *err)
{
	/* cwd first: a relative args[0] is looked up from it. */
	if (kk_proc_plan_cwd(plan, p, err) < 0 || kk_proc_plan_lookup(plan, p, err) < 0 ||
	    kk_proc_plan_lsm_check(plan, p, err) < 0)
		return -1;
	return kk_proc_plan_rlimits(plan, p, err);
}

/* Loading a filter needs either no_new_privs or CAP_SYS_ADMIN: with
 * no_new_privs it goes last, so the filter need not allow the setup's own
 * syscalls; without, it must precede the capability drop. */
static int plan_started(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_process *p = spec->process;
	bool nnp = p->no_new_privileges;

	/* Scheduler and I/O priority while CAP_SYS_NICE / CAP_SYS_ADMIN last;
	 * personality before any filter could refuse it. */
	if (kk_proc_plan_oom(plan, p, err) < 0 || kk_proc_plan_scheduler(plan, p, err) < 0 ||
	    kk_proc_plan_ioprio(plan, p, err) < 0 ||
	    kk_proc_plan_personality(plan, spec, err) < 0 ||
	    kk_proc_plan_keyring(plan, spec, err) < 0 || kk_proc_plan_lsm(plan, p, err) < 0)
		return -1;
	if (!nnp && kk_proc_plan_seccomp(plan, spec, err) < 0)
		return -1;
	if (kk_proc_plan_cap_bounding(plan, p, err) < 0 ||
	    kk_proc_plan_identity(plan, p, err) < 0 || kk_proc_plan_caps(plan, p, err) < 0 ||
	    kk_proc_plan_nnp(plan, p, err) < 0)
		return -1;
	if (nnp && kk_proc_plan_seccomp(plan, spec, err) < 0)
		return -1;
	if (kk_proc_plan_fds(plan, err) < 0 || kk_proc_plan_chdir(plan, p, err) < 0)
		return -1;
	return kk_proc_plan_exec(plan, p, err);
}

int kk_plan_process(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_process *p = spec->process;

	if (p == NULL)
		return kk_error_set(err, KK_ERR_INVALID, "process: required for create");
	if (p->args.n == 0 || p->args.v[0][0] == '\0')
		return kk_error_set(err, KK_ERR_INVALID,
				    "process.args: must have at least one entry");
	if (p->cwd == NULL || p->cwd[0] != '/')
		return kk_error_set(err, KK_ERR_INVALID, "process.cwd: must be an absolute path");
	if (plan_created(plan, p, err) < 0)
		return -1;
	return plan_started(plan, spec, err);
}
