/* linux.seccomp with libseccomp. Our action and operator numbers (vocab.h)
 * are mapped here; architectures go through libseccomp's own names, so an
 * architecture or flag this libseccomp does not know is refused when the
 * plan is made, not at start.
 *
 * Like runc: a syscall name libseccomp does not know is skipped (profiles
 * list syscalls of newer kernels and other architectures); a rule whose
 * action equals the default is skipped (libseccomp refuses it); a rule with
 * two conditions on one argument becomes one rule per condition (libseccomp
 * cannot AND them); libseccomp never sets no_new_privs by itself. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/process/process_ops.h"
#include "runtime/process/seccomp_cache.h"

#define LIBSECCOMP_AT_LEAST(maj, min)                                                              \
	(SCMP_VER_MAJOR > (maj) || (SCMP_VER_MAJOR == (maj) && SCMP_VER_MINOR >= (min)))

/* seccomp_data carries six syscall arguments. */
#define SECCOMP_ARGS 6

struct flag_attr {
	uint64_t flag; /* kernel SECCOMP_FILTER_FLAG_* as in kk_vocab_seccomp_flag */
	enum scmp_filter_attr attr;
};

static const struct flag_attr flag_attrs[] = {
	{1 << 0, SCMP_FLTATR_CTL_TSYNC},
	{1 << 1, SCMP_FLTATR_CTL_LOG},
	{1 << 2, SCMP_FLTATR_CTL_SSB},
#if LIBSECCOMP_AT_LEAST(2, 6)
	{1 << 5, SCMP_FLTATR_CTL_WAITKILL},
#endif
};

static const int cmp_ops[] = {
	[KK_SCMP_CMP_NE] = SCMP_CMP_NE,
	[KK_SCMP_CMP_LT] = SCMP_CMP_LT,
	[KK_SCMP_CMP_LE] = SCMP_CMP_LE,
	[KK_SCMP_CMP_EQ] = SCMP_CMP_EQ,
	[KK_SCMP_CMP_GE] = SCMP_CMP_GE,
	[KK_SCMP_CMP_GT] = SCMP_CMP_GT,
	[KK_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* errnoRet and defaultErrnoRet default to EPERM (config-linux.md). */
static uint32_t action(int kk_action, struct kk_opt_u32 ret)
{
	uint32_t e = ret.set ? ret.value : EPERM;

	switch (kk_action) {
	case KK_SCMP_ACT_KILL:
	case KK_SCMP_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case KK_SCMP_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case KK_SCMP_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case KK_SCMP_ACT_ERRNO:
		return SCMP_ACT_ERRNO(e);
	case KK_SCMP_ACT_TRACE:
		return SCMP_ACT_TRACE(e);
	case KK_SCMP_ACT_LOG:
		return SCMP_ACT_LOG;
	case KK_SCMP_ACT_NOTIFY:
		return SCMP_ACT_NOTIFY;
	default:
		return SCMP_ACT_ALLOW;
	}
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64"; 0 when it does not know it. */
static uint32_t arch_token(int arch)
{
	const char *name = kk_vocab_name(&kk_vocab_seccomp_arch, arch);
	char lower[32];
	size_t i = 0;

	if (name == NULL || strncmp(name, "SCMP_ARCH_", 10) != 0)
		return 0;
	for (name += 10; *name != '\0' && i < sizeof(lower) - 1; name++)
		lower[i++] = (char)tolower((unsigned char)*name);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

static int flag_attr(uint64_t flag, enum scmp_filter_attr *attr)
{
	for (size_t i = 0; i < sizeof(flag_attrs) / sizeof(flag_attrs[0]); i++)
		if (flag_attrs[i].flag == flag) {
			*attr = flag_attrs[i].attr;
			return 0;
		}
	return -1;
}

bool kk_seccomp_uses_notify(const struct kk_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == KK_SCMP_ACT_NOTIFY)
			return true;
	return false;
}

static int set_attrs(scmp_filter_ctx f, const struct kk_seccomp *s, struct kk_error *err)
{
	int r = seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, 0);

	if (r == 0)
		r = seccomp_attr_set(f, SCMP_FLTATR_API_SYSRAWRC, 1);
	for (uint64_t bit = 1; bit != 0 && r == 0; bit <<= 1) {
		enum scmp_filter_attr attr;

		if ((s->flags & bit) && flag_attr(bit, &attr) == 0)
			r = seccomp_attr_set(f, attr, 1);
	}
	if (r < 0)
		return kk_error_sys(err, -r, "linux.seccomp.flags: setting filter attributes");
	return 0;
}

static int add_arches(scmp_filter_ctx f, const struct kk_seccomp *s, struct kk_error *err)
{
	for (size_t i = 0; i < s->n_architectures; i++) {
		int r = seccomp_arch_add(f, arch_token(s->architectures[i]));

		if (r < 0 && r != -EEXIST)
			return kk_error_sys(
				err, -r, "linux.seccomp.architectures[%zu]: %s", i,
				kk_vocab_name(&kk_vocab_seccomp_arch, s->architectures[i]));
	}
	return 0;
}

static struct scmp_arg_cmp condition(const struct kk_seccomp_arg *a)
{
	struct scmp_arg_cmp c = {
		.arg = a->index,
		.op = (enum scmp_compare)cmp_ops[a->op],
		.datum_a = a->value,
		.datum_b = a->op == KK_SCMP_CMP_MASKED_EQ ? a->value_two : 0,
	};

	return c;
}

/* Indexes are below 6 (the validator checks), so distinct ones fit the
 * six conditions libseccomp takes. */
static bool same_index_twice(const struct kk_syscall_rule *rule)
{
	unsigned seen = 0;

	for (size_t i = 0; i < rule->n_args; i++) {
		uint32_t index = rule->args[i].index;

		if (index >= SECCOMP_ARGS || (seen & (1u << index)))
			return true;
		seen |= 1u << index;
	}
	return false;
}

static int add_conditional(scmp_filter_ctx f, uint32_t act, int nr,
			   const struct kk_syscall_rule *rule)
{
	struct scmp_arg_cmp conds[SECCOMP_ARGS];
	int r = 0;

	if (same_index_twice(rule)) {
		for (size_t i = 0; i < rule->n_args && r == 0; i++) {
			struct scmp_arg_cmp c = condition(&rule->args[i]);

			r = seccomp_rule_add_array(f, act, nr, 1, &c);
		}
		return r;
	}
	for (size_t i = 0; i < rule->n_args; i++)
		conds[i] = condition(&rule->args[i]);
	return seccomp_rule_add_array(f, act, nr, (unsigned)rule->n_args, conds);
}

static int add_rule(scmp_filter_ctx f, uint32_t dflt, size_t idx,
		    const struct kk_syscall_rule *rule, struct kk_error *err)
{
	uint32_t act = action(rule->action, rule->errno_ret);

	if (act == dflt)
		return 0;
	for (size_t i = 0; i < rule->names.n; i++) {
		int nr = seccomp_syscall_resolve_name(rule->names.v[i]);
		int r;

		if (nr == __NR_SCMP_ERROR)
			continue;
		r = add_conditional(f, act, nr, rule);
		if (r < 0)
			return kk_error_sys(err, -r, "linux.seccomp.syscalls[%zu]: %s", idx,
					    rule->names.v[i]);
	}
	return 0;
}

static int build(scmp_filter_ctx f, const struct kk_seccomp *s, uint32_t dflt, struct kk_error *err)
{
	if (set_attrs(f, s, err) < 0 || add_arches(f, s, err) < 0)
		return -1;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (add_rule(f, dflt, i, &s->syscalls[i], err) < 0)
			return -1;
	return 0;
}

/* The BPF libseccomp would load, exported through a memfd (libseccomp
 * 2.5 has no export to memory). */
static int export_bpf(scmp_filter_ctx f, struct kk_bpf *prog, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = memfd_create("kakoi-seccomp", MFD_CLOEXEC);
	off_t size;
	int r;

	if (fd < 0)
		return kk_error_sys(err, errno, "linux.seccomp: memfd_create");
	r = seccomp_export_bpf(f, fd);
	if (r < 0)
		return kk_error_sys(err, -r, "linux.seccomp: exporting the filter");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0)
		return kk_error_set(err, KK_ERR_INTERNAL, "linux.seccomp: exported %lld bytes",
				    (long long)size);
	prog->insns = malloc((size_t)size);
	if (prog->insns == NULL)
		return kk_error_sys(err, ENOMEM, "linux.seccomp");
	prog->n = (size_t)size / sizeof(struct sock_filter);
	if (pread(fd, prog->insns, (size_t)size, 0) != size) {
		free(prog->insns);
		*prog = (struct kk_bpf){0};
		return kk_error_sys(err, errno ? errno : EIO, "linux.seccomp: reading the filter");
	}
	return 0;
}

int kk_seccomp_compile(const struct kk_seccomp *s, struct kk_bpf *prog, struct kk_error *err)
{
	uint32_t dflt = action(s->default_action, s->default_errno_ret);
	scmp_filter_ctx f = seccomp_init(dflt);
	int r;

	if (f == NULL)
		return kk_error_set(err, KK_ERR_SYS, "linux.seccomp: seccomp_init failed");
	r = build(f, s, dflt, err) < 0 ? -1 : export_bpf(f, prog, err);
	seccomp_release(f);
	return r;
}

/* What this libseccomp cannot do is known before anything runs. */
static int check(const struct kk_seccomp *s, struct kk_error *err)
{
	for (size_t i = 0; i < s->n_architectures; i++)
		if (arch_token(s->architectures[i]) == 0)
			return kk_error_set(
				err, KK_ERR_INVALID,
				"linux.seccomp.architectures[%zu]: %s is not supported "
				"by libseccomp %d.%d.%d",
				i, kk_vocab_name(&kk_vocab_seccomp_arch, s->architectures[i]),
				SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
	for (uint64_t bit = 1; bit != 0; bit <<= 1) {
		enum scmp_filter_attr attr;

		if ((s->flags & bit) && flag_attr(bit, &attr) < 0)
			return kk_error_set(err, KK_ERR_INVALID,
					    "linux.seccomp.flags: %s is not supported by "
					    "libseccomp %d.%d.%d",
					    kk_vocab_name(&kk_vocab_seccomp_flag, (int64_t)bit),
					    SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
	}
	return 0;
}

static bool allowing(int action)
{
	return action == KK_SCMP_ACT_ALLOW || action == KK_SCMP_ACT_LOG;
}

/* The last rule naming the syscall decides, as in libseccomp (a later rule
 * for the same syscall and no arguments replaces an earlier one); a rule
 * with argument conditions counts as allowing, which is what real
 * profiles' conditions are for. */
bool kk_proc_seccomp_allows(const struct kk_seccomp *s, const char *name)
{
	bool allowed = allowing(s->default_action);

	for (size_t i = 0; i < s->n_syscalls; i++)
		for (size_t j = 0; j < s->syscalls[i].names.n; j++)
			if (strcmp(s->syscalls[i].names.v[j], name) == 0)
				allowed = allowing(s->syscalls[i].action) ||
					  s->syscalls[i].n_args > 0;
	return allowed;
}

int kk_proc_plan_seccomp(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	const struct kk_seccomp *s = spec->linux_ != NULL ? spec->linux_->seccomp : NULL;

	if (s == NULL)
		return 0;
	if (check(s, err) < 0 || kk_proc_plan_seccomp_bpf(plan, s, err) < 0)
		return -1;
	if (!kk_seccomp_uses_notify(s))
		return 0;
	return kk_proc_plan_seccomp_listener(plan, s, err);
}
