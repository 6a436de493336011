/* process.capabilities with libcap. The bounding set is cut before the user
 * change, while CAP_SETPCAP is still held; the other four sets are set
 * after it (PR_SET_KEEPCAPS kept the permitted set across setuid). An
 * absent process.capabilities means five empty sets, as with runc.
 *
 * A seccomp filter loaded without no_new_privs needs CAP_SYS_ADMIN. When
 * the process is not to have it, the sets are set with it held, and one
 * capset after the filter (capabilities-release) drops it: the fewest
 * syscalls the profile must allow between the filter and execve. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

static const struct kk_capabilities no_caps;

static const struct kk_capabilities *caps_of(const struct kk_op *op)
{
	const struct kk_process *p = op->ref;

	return p->capabilities != NULL ? p->capabilities : &no_caps;
}

static const char *cap_name(int cap)
{
	const char *name = kk_vocab_name(&kk_vocab_capability, cap);

	return name != NULL ? name : "an unknown capability";
}

void kk_proc_caps_format(uint64_t mask, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "none");
	for (int cap = 0; cap < 64 && len > 0; cap++) {
		int n;

		if (!(mask & (UINT64_C(1) << cap)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", cap_name(cap));
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* The kernel may know more capabilities than this build; PR_CAPBSET_DROP
 * says EINVAL past the last one. Those unknown ones are dropped too.
 * Dropping a capability the set no longer holds succeeds with CAP_SETPCAP,
 * so the set is read (PR_CAPBSET_READ) only when a drop fails: a failed
 * drop of one that is not held is nothing to do, of one that is an error.
 * Reading first for every capability cost 41 prctl()s in every init. */
static int drop_bounding(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	uint64_t keep = caps_of(op)->bounding;

	(void)ctx;
	for (int cap = 0; cap < 64; cap++) {
		int why;

		if (keep & (UINT64_C(1) << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		why = errno;
		if (why == EINVAL)
			break;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0)
			continue;
		return kk_error_sys(err, why, "process.capabilities.bounding: dropping %s",
				    cap_name(cap));
	}
	return 0;
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t mask)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		cap_value_t v = cap;

		if ((mask & (UINT64_C(1) << cap)) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

static int set_ambient(uint64_t mask, struct kk_error *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return kk_error_sys(err, errno, "process.capabilities.ambient: clearing");
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (!(mask & (UINT64_C(1) << cap)))
			continue;
		/* The kernel wants it both permitted and inheritable. */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return kk_error_sys(err, errno,
					    "process.capabilities.ambient: raising %s (it must "
					    "also be permitted and inheritable)",
					    cap_name(cap));
	}
	return 0;
}

/* One capset. `held` is added to permitted and effective: CAP_SYS_ADMIN,
 * while a seccomp filter is still to be loaded without no_new_privs. */
static int capset_to(const struct kk_capabilities *caps, uint64_t held, struct kk_error *err)
{
	cap_t c = cap_init();
	int r;

	if (c == NULL)
		return kk_error_sys(err, errno, "process.capabilities: cap_init");
	r = set_flag(c, CAP_PERMITTED, caps->permitted | held);
	if (r == 0)
		r = set_flag(c, CAP_EFFECTIVE, caps->effective | held);
	if (r == 0)
		r = set_flag(c, CAP_INHERITABLE, caps->inheritable);
	if (r == 0)
		r = cap_set_proc(c);
	cap_free(c);
	if (r < 0)
		return kk_error_sys(err, errno,
				    "process.capabilities: setting permitted, effective and "
				    "inheritable");
	return 0;
}

static int set_sets(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_capabilities *caps = caps_of(op);

	(void)ctx;
	if (capset_to(caps, op->num, err) < 0)
		return -1;
	return set_ambient(caps->ambient, err);
}

/* After the filter: the one syscall between it and execve. */
static int release(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)ctx;
	if (capset_to(caps_of(op), 0, err) < 0) {
		kk_error_prefix(err, "after the seccomp filter (noNewPrivileges is false, so the "
				     "filter was loaded with CAP_SYS_ADMIN, dropped now; the "
				     "profile must allow capset)");
		return -1;
	}
	return 0;
}

static void describe_bounding(const struct kk_op *op, char *buf, size_t len)
{
	char names[1024];

	kk_proc_caps_format(caps_of(op)->bounding, names, sizeof(names));
	snprintf(buf, len, "capabilities bounding=%s", names);
}

static void describe_sets(const struct kk_op *op, char *buf, size_t len)
{
	const struct kk_capabilities *c = caps_of(op);
	char eff[1024], prm[1024], inh[1024], amb[1024];

	kk_proc_caps_format(c->effective, eff, sizeof(eff));
	kk_proc_caps_format(c->permitted, prm, sizeof(prm));
	kk_proc_caps_format(c->inheritable, inh, sizeof(inh));
	kk_proc_caps_format(c->ambient, amb, sizeof(amb));
	snprintf(buf, len, "capabilities effective=%s permitted=%s inheritable=%s ambient=%s%s",
		 eff, prm, inh, amb, op->num ? " (CAP_SYS_ADMIN held for the seccomp filter)" : "");
}

static void describe_release(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "capabilities: drop CAP_SYS_ADMIN held for the seccomp filter");
}

static const struct kk_op_type bounding_op = {
	.name = "cap-bounding",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = drop_bounding,
	.describe = describe_bounding,
};

static const struct kk_op_type sets_op = {
	.name = "capabilities",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = set_sets,
	.describe = describe_sets,
};

static const struct kk_op_type release_op = {
	.name = "capabilities-release",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = release,
	.describe = describe_release,
};

int kk_proc_plan_cap_bounding(struct kk_plan *plan, const struct kk_process *p,
			      struct kk_error *err)
{
	struct kk_op op = {.type = &bounding_op, .ref = p};

	return kk_plan_add(plan, &op, err);
}

bool kk_proc_caps_lack_admin(const struct kk_process *p)
{
	const struct kk_capabilities *c = p->capabilities != NULL ? p->capabilities : &no_caps;
	uint64_t admin = UINT64_C(1) << CAP_SYS_ADMIN;

	return (c->permitted & c->effective & admin) == 0;
}

int kk_proc_plan_caps(struct kk_plan *plan, const struct kk_process *p, bool hold_admin,
		      struct kk_error *err)
{
	struct kk_op op = {.type = &sets_op, .ref = p};

	if (hold_admin)
		op.num = UINT64_C(1) << CAP_SYS_ADMIN;
	return kk_plan_add(plan, &op, err);
}

int kk_proc_plan_caps_release(struct kk_plan *plan, const struct kk_process *p,
			      struct kk_error *err)
{
	struct kk_op op = {.type = &release_op, .ref = p};

	return kk_plan_add(plan, &op, err);
}
