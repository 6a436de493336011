#define _GNU_SOURCE
#include "parser/vocab.h"

#include <linux/capability.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define E(name)                                                                                    \
	{                                                                                          \
#name, name                                                                        \
	}
#define VOCAB(sym, what_, flags_, ...)                                                             \
	static const struct kk_vocab_entry sym##_entries[] = {__VA_ARGS__};                        \
	const struct kk_vocab sym = {what_, sym##_entries,                                         \
				     sizeof(sym##_entries) / sizeof(sym##_entries[0]), flags_}

VOCAB(kk_vocab_capability, "capability", false, E(CAP_CHOWN), E(CAP_DAC_OVERRIDE),
      E(CAP_DAC_READ_SEARCH), E(CAP_FOWNER), E(CAP_FSETID), E(CAP_KILL), E(CAP_SETGID),
      E(CAP_SETUID), E(CAP_SETPCAP), E(CAP_LINUX_IMMUTABLE), E(CAP_NET_BIND_SERVICE),
      E(CAP_NET_BROADCAST), E(CAP_NET_ADMIN), E(CAP_NET_RAW), E(CAP_IPC_LOCK), E(CAP_IPC_OWNER),
      E(CAP_SYS_MODULE), E(CAP_SYS_RAWIO), E(CAP_SYS_CHROOT), E(CAP_SYS_PTRACE), E(CAP_SYS_PACCT),
      E(CAP_SYS_ADMIN), E(CAP_SYS_BOOT), E(CAP_SYS_NICE), E(CAP_SYS_RESOURCE), E(CAP_SYS_TIME),
      E(CAP_SYS_TTY_CONFIG), E(CAP_MKNOD), E(CAP_LEASE), E(CAP_AUDIT_WRITE), E(CAP_AUDIT_CONTROL),
      E(CAP_SETFCAP), E(CAP_MAC_OVERRIDE), E(CAP_MAC_ADMIN), E(CAP_SYSLOG), E(CAP_WAKE_ALARM),
      E(CAP_BLOCK_SUSPEND), E(CAP_AUDIT_READ), E(CAP_PERFMON), E(CAP_BPF),
      E(CAP_CHECKPOINT_RESTORE));

VOCAB(kk_vocab_rlimit, "rlimit", false, E(RLIMIT_AS), E(RLIMIT_CORE), E(RLIMIT_CPU), E(RLIMIT_DATA),
      E(RLIMIT_FSIZE), E(RLIMIT_LOCKS), E(RLIMIT_MEMLOCK), E(RLIMIT_MSGQUEUE), E(RLIMIT_NICE),
      E(RLIMIT_NOFILE), E(RLIMIT_NPROC), E(RLIMIT_RSS), E(RLIMIT_RTPRIO), E(RLIMIT_RTTIME),
      E(RLIMIT_SIGPENDING), E(RLIMIT_STACK));

VOCAB(kk_vocab_namespace, "namespace type", false, {"mount", CLONE_NEWNS}, {"pid", CLONE_NEWPID},
      {"network", CLONE_NEWNET}, {"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC},
      {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME});

/* runc's mountPropagationMapping: the r* forms are the same with MS_REC. */
VOCAB(kk_vocab_propagation, "propagation", false, {"private", MS_PRIVATE}, {"shared", MS_SHARED},
      {"slave", MS_SLAVE}, {"unbindable", MS_UNBINDABLE}, {"rprivate", MS_PRIVATE | MS_REC},
      {"rshared", MS_SHARED | MS_REC}, {"rslave", MS_SLAVE | MS_REC},
      {"runbindable", MS_UNBINDABLE | MS_REC});

VOCAB(kk_vocab_seccomp_action, "seccomp action", false, {"SCMP_ACT_KILL", KK_SCMP_ACT_KILL},
      {"SCMP_ACT_KILL_PROCESS", KK_SCMP_ACT_KILL_PROCESS},
      {"SCMP_ACT_KILL_THREAD", KK_SCMP_ACT_KILL_THREAD}, {"SCMP_ACT_TRAP", KK_SCMP_ACT_TRAP},
      {"SCMP_ACT_ERRNO", KK_SCMP_ACT_ERRNO}, {"SCMP_ACT_TRACE", KK_SCMP_ACT_TRACE},
      {"SCMP_ACT_ALLOW", KK_SCMP_ACT_ALLOW}, {"SCMP_ACT_LOG", KK_SCMP_ACT_LOG},
      {"SCMP_ACT_NOTIFY", KK_SCMP_ACT_NOTIFY});

VOCAB(kk_vocab_seccomp_op, "seccomp operator", false, {"SCMP_CMP_NE", KK_SCMP_CMP_NE},
      {"SCMP_CMP_LT", KK_SCMP_CMP_LT}, {"SCMP_CMP_LE", KK_SCMP_CMP_LE},
      {"SCMP_CMP_EQ", KK_SCMP_CMP_EQ}, {"SCMP_CMP_GE", KK_SCMP_CMP_GE},
      {"SCMP_CMP_GT", KK_SCMP_CMP_GT}, {"SCMP_CMP_MASKED_EQ", KK_SCMP_CMP_MASKED_EQ});

VOCAB(kk_vocab_seccomp_arch, "seccomp architecture", false, {"SCMP_ARCH_X86", 1},
      {"SCMP_ARCH_X86_64", 2}, {"SCMP_ARCH_X32", 3}, {"SCMP_ARCH_ARM", 4}, {"SCMP_ARCH_AARCH64", 5},
      {"SCMP_ARCH_LOONGARCH64", 6}, {"SCMP_ARCH_M68K", 7}, {"SCMP_ARCH_MIPS", 8},
      {"SCMP_ARCH_MIPS64", 9}, {"SCMP_ARCH_MIPS64N32", 10}, {"SCMP_ARCH_MIPSEL", 11},
      {"SCMP_ARCH_MIPSEL64", 12}, {"SCMP_ARCH_MIPSEL64N32", 13}, {"SCMP_ARCH_PPC", 14},
      {"SCMP_ARCH_PPC64", 15}, {"SCMP_ARCH_PPC64LE", 16}, {"SCMP_ARCH_S390", 17},
      {"SCMP_ARCH_S390X", 18}, {"SCMP_ARCH_SH", 19}, {"SCMP_ARCH_SHEB", 20},
      {"SCMP_ARCH_PARISC", 21}, {"SCMP_ARCH_PARISC64", 22}, {"SCMP_ARCH_RISCV64", 23});

/* Kernel values (linux/seccomp.h). */
VOCAB(kk_vocab_seccomp_flag, "seccomp flag", true, {"SECCOMP_FILTER_FLAG_TSYNC", 1 << 0},
      {"SECCOMP_FILTER_FLAG_LOG", 1 << 1}, {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1 << 2},
      {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1 << 5});

/* Kernel values (linux/sched.h); SCHED_ISO is reserved there but named by the spec. */
VOCAB(kk_vocab_sched_policy, "scheduler policy", false, {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1},
      {"SCHED_RR", 2}, {"SCHED_BATCH", 3}, {"SCHED_ISO", 4}, {"SCHED_IDLE", 5},
      {"SCHED_DEADLINE", 6});

VOCAB(kk_vocab_sched_flag, "scheduler flag", true, {"SCHED_FLAG_RESET_ON_FORK", 0x01},
      {"SCHED_FLAG_RECLAIM", 0x02}, {"SCHED_FLAG_DL_OVERRUN", 0x04},
      {"SCHED_FLAG_KEEP_POLICY", 0x08}, {"SCHED_FLAG_KEEP_PARAMS", 0x10},
      {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20}, {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40});

VOCAB(kk_vocab_ioprio_class, "I/O priority class", false, {"IOPRIO_CLASS_RT", 1},
      {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3});

/* Kernel values (linux/mempolicy.h). */
VOCAB(kk_vocab_mempolicy_mode, "memory policy mode", false, {"MPOL_DEFAULT", 0},
      {"MPOL_PREFERRED", 1}, {"MPOL_BIND", 2}, {"MPOL_INTERLEAVE", 3}, {"MPOL_LOCAL", 4},
      {"MPOL_PREFERRED_MANY", 5}, {"MPOL_WEIGHTED_INTERLEAVE", 6});

VOCAB(kk_vocab_mempolicy_flag, "memory policy flag", true, {"MPOL_F_NUMA_BALANCING", 1 << 13},
      {"MPOL_F_RELATIVE_NODES", 1 << 14}, {"MPOL_F_STATIC_NODES", 1 << 15});

/* Kernel values (linux/personality.h). */
VOCAB(kk_vocab_personality_domain, "personality domain", false, {"LINUX", 0x0000},
      {"LINUX32", 0x0008});

VOCAB(kk_vocab_hook_kind, "hook kind", false, {"prestart", KK_HOOK_PRESTART},
      {"createRuntime", KK_HOOK_CREATE_RUNTIME}, {"createContainer", KK_HOOK_CREATE_CONTAINER},
      {"startContainer", KK_HOOK_START_CONTAINER}, {"poststart", KK_HOOK_POSTSTART},
      {"poststop", KK_HOOK_POSTSTOP});

VOCAB(kk_vocab_status, "status", false, {"creating", KK_STATUS_CREATING},
      {"created", KK_STATUS_CREATED}, {"running", KK_STATUS_RUNNING},
      {"stopped", KK_STATUS_STOPPED}, {"paused", KK_STATUS_PAUSED});

const struct kk_vocab *const kk_vocab_all[] = {
	&kk_vocab_capability,	  &kk_vocab_rlimit,
	&kk_vocab_namespace,	  &kk_vocab_propagation,
	&kk_vocab_seccomp_action, &kk_vocab_seccomp_op,
	&kk_vocab_seccomp_arch,	  &kk_vocab_seccomp_flag,
	&kk_vocab_sched_policy,	  &kk_vocab_sched_flag,
	&kk_vocab_ioprio_class,	  &kk_vocab_mempolicy_mode,
	&kk_vocab_mempolicy_flag, &kk_vocab_personality_domain,
	&kk_vocab_hook_kind,	  &kk_vocab_status,
};
const size_t kk_vocab_all_count = sizeof(kk_vocab_all) / sizeof(kk_vocab_all[0]);

int kk_vocab_lookup(const struct kk_vocab *vocab, const char *name, int64_t *value)
{
	for (size_t i = 0; i < vocab->n; i++) {
		if (strcmp(vocab->entries[i].name, name) == 0) {
			*value = vocab->entries[i].value;
			return 0;
		}
	}
	return -1;
}

const char *kk_vocab_name(const struct kk_vocab *vocab, int64_t value)
{
	for (size_t i = 0; i < vocab->n; i++)
		if (vocab->entries[i].value == value)
			return vocab->entries[i].name;
	return NULL;
}

bool kk_vocab_valid(const struct kk_vocab *vocab, int64_t value)
{
	int64_t all = 0;

	if (!vocab->is_flags)
		return kk_vocab_name(vocab, value) != NULL;
	for (size_t i = 0; i < vocab->n; i++)
		all |= vocab->entries[i].value;
	return value >= 0 && (value & ~all) == 0;
}
