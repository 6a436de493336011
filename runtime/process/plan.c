/* The order of the process ops. The order is the contract (process.h):
 * checks and rlimits at create (a refused limit fails create, as with runc);
 * after start the labels while still root, the cwd (as root first, as
 * runc), the bounding set while CAP_SETPCAP is held, the user change with
 * capabilities kept, the final capability sets, no_new_privs, every fd
 * marked close-on-exec, execve's arguments, and then the seccomp filter:
 * the last thing before execve, so a profile that denies what it does not
 * list (close_range, getcwd, capset...) constrains the process, not kakoi's
 * setup. Without no_new_privs the filter needs CAP_SYS_ADMIN to load; a
 * process that is not to keep it holds it until one capset after the
 * filter (capabilities-release). */
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

/* Loading a filter without no_new_privs needs CAP_SYS_ADMIN. */
static bool holds_admin_for_filter(const struct kk_spec *spec)
{
	const struct kk_process *p = spec->process;

	return spec->linux_ != NULL && spec->linux_->seccomp != NULL && !p->no_new_privileges &&
	       kk_proc_caps_lack_admin(p);
}

static int plan_identity(struct kk_plan *plan, const struct kk_process *p, bool hold_admin,
			 struct kk_error *err)
{
	if (kk_proc_plan_chdir(plan, p, err) < 0 || kk_proc_plan_cap_bounding(plan, p, err) < 0 ||
	    kk_proc_plan_identity(plan, p, err) < 0 || kk_proc_plan_chdir_again(plan, p, err) < 0 ||
	    kk_proc_plan_caps(plan, p, hold_admin, err) < 0 || kk_proc_plan_nnp(plan, p, err) < 0)
		return -1;
	return 0;
}

/* After the filter the init can report nothing (the profile may deny the
 * write to the runtime too): a profile that denies the capset kakoi must
 * make after it is refused now, naming why. runc cannot run it either: it
 * makes all of its setup after such a filter. */
static int check_release(const struct kk_spec *spec, struct kk_error *err)
{
	if (kk_proc_seccomp_allows(spec->linux_->seccomp, "capset"))
		return 0;
	return kk_error_set(err, KK_ERR_INVALID,
			    "linux.seccomp: the profile denies capset, which must follow the "
			    "filter when process.noNewPrivileges is false (the filter is loaded "
			    "holding CAP_SYS_ADMIN, the process does not keep it): allow capset "
			    "or set noNewPrivileges");
}

static int plan_started(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_process *p = spec->process;
	bool hold_admin = holds_admin_for_filter(spec);

	if (hold_admin && check_release(spec, err) < 0)
		return -1;

	/* Scheduler and I/O priority while CAP_SYS_NICE / CAP_SYS_ADMIN last;
	 * personality before any filter could refuse it. */
	if (kk_proc_plan_oom(plan, p, err) < 0 || kk_proc_plan_scheduler(plan, p, err) < 0 ||
	    kk_proc_plan_ioprio(plan, p, err) < 0 ||
	    kk_proc_plan_personality(plan, spec, err) < 0 ||
	    kk_proc_plan_keyring(plan, spec, err) < 0 || kk_proc_plan_lsm(plan, p, err) < 0)
		return -1;
	if (plan_identity(plan, p, hold_admin, err) < 0 || kk_proc_plan_fds(plan, err) < 0 ||
	    kk_proc_plan_exec_args(plan, p, err) < 0 || kk_proc_plan_seccomp(plan, spec, err) < 0)
		return -1;
	if (hold_admin && kk_proc_plan_caps_release(plan, p, err) < 0)
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
