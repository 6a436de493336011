/* The closed vocabularies of the spec, one table each. The same tables feed
 * the parser (name -> value), the image decoder (is this value legal?), the
 * `features` output and the fuzz dictionary, so a name is spelled once. */
#ifndef KK_PARSER_VOCAB_H
#define KK_PARSER_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kk_vocab_entry {
	const char *name;
	int64_t value;
};

struct kk_vocab {
	const char *what; /* used in errors: unknown <what> "NAME" */
	const struct kk_vocab_entry *entries;
	size_t n;
	bool is_flags; /* values are bits that may be OR-ed together */
};

enum kk_hook_kind {
	KK_HOOK_PRESTART,
	KK_HOOK_CREATE_RUNTIME,
	KK_HOOK_CREATE_CONTAINER,
	KK_HOOK_START_CONTAINER,
	KK_HOOK_POSTSTART,
	KK_HOOK_POSTSTOP,
};

enum kk_status {
	KK_STATUS_CREATING,
	KK_STATUS_CREATED,
	KK_STATUS_RUNNING,
	KK_STATUS_STOPPED,
	KK_STATUS_PAUSED, /* not in state-schema.json, but runc reports it */
};

/* Our own numbering: mapped to libseccomp by the executor, not here. */
enum kk_seccomp_action {
	KK_SCMP_ACT_KILL = 1,
	KK_SCMP_ACT_KILL_PROCESS,
	KK_SCMP_ACT_KILL_THREAD,
	KK_SCMP_ACT_TRAP,
	KK_SCMP_ACT_ERRNO,
	KK_SCMP_ACT_TRACE,
	KK_SCMP_ACT_ALLOW,
	KK_SCMP_ACT_LOG,
	KK_SCMP_ACT_NOTIFY,
};

enum kk_seccomp_op {
	KK_SCMP_CMP_NE = 1,
	KK_SCMP_CMP_LT,
	KK_SCMP_CMP_LE,
	KK_SCMP_CMP_EQ,
	KK_SCMP_CMP_GE,
	KK_SCMP_CMP_GT,
	KK_SCMP_CMP_MASKED_EQ,
};

extern const struct kk_vocab kk_vocab_capability;  /* CAP_* -> capability number */
extern const struct kk_vocab kk_vocab_rlimit;	   /* RLIMIT_* -> resource */
extern const struct kk_vocab kk_vocab_namespace;   /* "pid" -> CLONE_NEWPID */
extern const struct kk_vocab kk_vocab_propagation; /* "private" -> MS_PRIVATE */
extern const struct kk_vocab kk_vocab_seccomp_action;
extern const struct kk_vocab kk_vocab_seccomp_op;
extern const struct kk_vocab kk_vocab_seccomp_arch; /* SCMP_ARCH_* -> index */
extern const struct kk_vocab kk_vocab_seccomp_flag; /* flags */
extern const struct kk_vocab kk_vocab_sched_policy;
extern const struct kk_vocab kk_vocab_sched_flag; /* flags */
extern const struct kk_vocab kk_vocab_ioprio_class;
extern const struct kk_vocab kk_vocab_mempolicy_mode;
extern const struct kk_vocab kk_vocab_mempolicy_flag; /* flags */
extern const struct kk_vocab kk_vocab_personality_domain;
extern const struct kk_vocab kk_vocab_hook_kind; /* JSON key -> enum kk_hook_kind */
extern const struct kk_vocab kk_vocab_status;	 /* -> enum kk_status */

/* Every table above, for the fuzz dictionary and `features`. */
extern const struct kk_vocab *const kk_vocab_all[];
extern const size_t kk_vocab_all_count;

/* Returns 0 and sets *value when name is in the table, -1 otherwise. */
int kk_vocab_lookup(const struct kk_vocab *vocab, const char *name, int64_t *value);

/* The name of a value, or NULL when the table has no such value. */
const char *kk_vocab_name(const struct kk_vocab *vocab, int64_t value);

/* True when value is an entry (or, for flag tables, an OR of entries). */
bool kk_vocab_valid(const struct kk_vocab *vocab, int64_t value);

#ifdef __cplusplus
}
#endif

#endif
