/* The typed model of an OCI runtime-spec v1.3.0 document (Linux part).
 *
 * Everything here is read-only for its consumers: a parsed document lives in
 * one read-only mapping (see parser.h) and is released with one call.
 * Conventions:
 *   - an absent optional object is a NULL pointer;
 *   - an absent optional scalar has .set == false;
 *   - an array is a pointer plus a count (NULL and 0 when empty or absent);
 *   - a closed vocabulary (namespace type, rlimit, seccomp action, ...) is
 *     stored as the value from its table in vocab.h, never as a string;
 *   - capability sets are bit masks indexed by CAP_* numbers.
 */
#ifndef KK_PARSER_SPEC_H
#define KK_PARSER_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kk_opt_u64 {
	uint64_t value;
	bool set;
};

struct kk_opt_i64 {
	int64_t value;
	bool set;
};

struct kk_opt_u32 {
	uint32_t value;
	bool set;
};

struct kk_opt_i32 {
	int32_t value;
	bool set;
};

struct kk_opt_bool {
	bool value;
	bool set;
};

struct kk_strv {
	const char *const *v;
	size_t n;
};

struct kk_u32v {
	const uint32_t *v;
	size_t n;
};

/* One entry of a string map (annotations, sysctl, unified, ...), in document order. */
struct kk_kv {
	const char *key;
	const char *value;
};

struct kk_map {
	const struct kk_kv *v;
	size_t n;
};

struct kk_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct kk_id_mappings {
	const struct kk_id_mapping *v;
	size_t n;
};

struct kk_root {
	const char *path;
	bool readonly;
};

struct kk_mount {
	const char *destination;
	const char *source; /* NULL when absent */
	const char *type;   /* NULL when absent */
	struct kk_strv options;
	struct kk_id_mappings uid_mappings;
	struct kk_id_mappings gid_mappings;
};

struct kk_console_size {
	uint64_t height;
	uint64_t width;
};

struct kk_user {
	uint32_t uid;
	uint32_t gid;
	struct kk_opt_u32 umask;
	struct kk_u32v additional_gids;
	const char *username;
};

struct kk_capabilities {
	uint64_t bounding;
	uint64_t effective;
	uint64_t inheritable;
	uint64_t permitted;
	uint64_t ambient;
};

struct kk_rlimit {
	int type; /* RLIMIT_* from kk_vocab_rlimit */
	uint64_t soft;
	uint64_t hard;
};

struct kk_scheduler {
	int policy; /* kk_vocab_sched_policy */
	struct kk_opt_i32 nice;
	struct kk_opt_i32 priority;
	uint64_t flags; /* OR of kk_vocab_sched_flag values (kernel SCHED_FLAG_*) */
	struct kk_opt_u64 runtime;
	struct kk_opt_u64 deadline;
	struct kk_opt_u64 period;
};

struct kk_io_priority {
	int klass; /* kk_vocab_ioprio_class */
	int32_t priority;
};

struct kk_cpu_affinity {
	const char *initial; /* NULL when absent */
	const char *final;
};

struct kk_process {
	bool terminal;
	const struct kk_console_size *console_size;
	const char *cwd;
	struct kk_strv env;
	struct kk_strv args;
	const char *command_line; /* Windows only; kept so it is not silently lost */
	const struct kk_rlimit *rlimits;
	size_t n_rlimits;
	const char *apparmor_profile;
	const struct kk_capabilities *capabilities;
	bool no_new_privileges;
	struct kk_opt_i32 oom_score_adj;
	const struct kk_scheduler *scheduler;
	const char *selinux_label;
	const struct kk_io_priority *io_priority;
	const struct kk_cpu_affinity *exec_cpu_affinity;
	const struct kk_user *user;
	/* Of a standalone process document (exec --process): what the spec
	 * says to warn about and go on, "process.json: <path>: <message>". */
	struct kk_strv warnings;
};

struct kk_hook {
	const char *path;
	struct kk_strv args;
	struct kk_strv env;
	bool env_set;		   /* "env" given, even as []: exactly that environment */
	struct kk_opt_i64 timeout; /* seconds, > 0 when set */
};

struct kk_hook_list {
	const struct kk_hook *v;
	size_t n;
};

/* Indexed by enum kk_hook_kind (vocab.h). */
#define KK_HOOK_KINDS 6
struct kk_hooks {
	struct kk_hook_list kind[KK_HOOK_KINDS];
};

struct kk_namespace {
	int type;	  /* kk_vocab_namespace: CLONE_NEW* */
	const char *path; /* join this namespace when non-NULL */
};

struct kk_time_offset {
	struct kk_opt_i64 secs;
	struct kk_opt_u32 nanosecs;
};

struct kk_time_offsets {
	const struct kk_time_offset *boottime;
	const struct kk_time_offset *monotonic;
};

struct kk_device {
	char type; /* 'c', 'b', 'u' or 'p' */
	const char *path;
	struct kk_opt_u32 file_mode;
	struct kk_opt_i64 major;
	struct kk_opt_i64 minor;
	struct kk_opt_u32 uid;
	struct kk_opt_u32 gid;
};

struct kk_device_rule {
	bool allow;
	char type; /* 'a', 'c' or 'b'; 'a' when absent */
	struct kk_opt_i64 major;
	struct kk_opt_i64 minor;
	const char *access; /* subset of "rwm"; NULL when absent */
};

struct kk_memory {
	struct kk_opt_i64 limit;
	struct kk_opt_i64 reservation;
	struct kk_opt_i64 swap;
	struct kk_opt_i64 kernel;
	struct kk_opt_i64 kernel_tcp;
	struct kk_opt_u64 swappiness;
	struct kk_opt_bool disable_oom_killer;
	struct kk_opt_bool use_hierarchy;
	struct kk_opt_bool check_before_update;
};

struct kk_cpu {
	struct kk_opt_u64 shares;
	struct kk_opt_i64 quota;
	struct kk_opt_u64 burst;
	struct kk_opt_u64 period;
	struct kk_opt_i64 realtime_runtime;
	struct kk_opt_u64 realtime_period;
	const char *cpus;
	const char *mems;
	struct kk_opt_i64 idle;
};

struct kk_blkio_weight_device {
	int64_t major;
	int64_t minor;
	struct kk_opt_u32 weight; /* uint16 range */
	struct kk_opt_u32 leaf_weight;
};

struct kk_blkio_throttle {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct kk_blkio_throttles {
	const struct kk_blkio_throttle *v;
	size_t n;
};

struct kk_blkio {
	struct kk_opt_u32 weight; /* uint16 range */
	struct kk_opt_u32 leaf_weight;
	const struct kk_blkio_weight_device *weight_device;
	size_t n_weight_device;
	struct kk_blkio_throttles throttle_read_bps;
	struct kk_blkio_throttles throttle_write_bps;
	struct kk_blkio_throttles throttle_read_iops;
	struct kk_blkio_throttles throttle_write_iops;
};

struct kk_hugepage_limit {
	const char *page_size; /* e.g. "2MB" */
	uint64_t limit;
};

struct kk_net_priority {
	const char *name;
	uint32_t priority;
};

struct kk_network {
	struct kk_opt_u32 class_id;
	const struct kk_net_priority *priorities;
	size_t n_priorities;
};

struct kk_pids {
	int64_t limit;
};

struct kk_rdma {
	const char *device;
	struct kk_opt_u32 hca_handles;
	struct kk_opt_u32 hca_objects;
};

struct kk_resources {
	const struct kk_device_rule *devices;
	size_t n_devices;
	const struct kk_memory *memory;
	const struct kk_cpu *cpu;
	const struct kk_pids *pids;
	const struct kk_blkio *block_io;
	const struct kk_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	const struct kk_network *network;
	const struct kk_rdma *rdma;
	size_t n_rdma;
	struct kk_map unified;
};

struct kk_intel_rdt {
	const char *clos_id;
	struct kk_strv schemata;
	const char *l3_cache_schema;
	const char *mem_bw_schema;
	struct kk_opt_bool enable_monitoring;
};

struct kk_seccomp_arg {
	uint32_t index; /* < 6 */
	uint64_t value;
	uint64_t value_two;
	int op; /* kk_vocab_seccomp_op */
};

struct kk_syscall_rule {
	struct kk_strv names;
	int action; /* kk_vocab_seccomp_action */
	struct kk_opt_u32 errno_ret;
	const struct kk_seccomp_arg *args;
	size_t n_args;
};

struct kk_seccomp {
	int default_action; /* kk_vocab_seccomp_action */
	struct kk_opt_u32 default_errno_ret;
	const int *architectures; /* kk_vocab_seccomp_arch values */
	size_t n_architectures;
	uint64_t flags; /* OR of kk_vocab_seccomp_flag values (kernel SECCOMP_FILTER_FLAG_*) */
	const char *listener_path;
	const char *listener_metadata;
	const struct kk_syscall_rule *syscalls;
	size_t n_syscalls;
};

struct kk_personality {
	int domain; /* kk_vocab_personality_domain */
	struct kk_strv flags;
};

struct kk_memory_policy {
	int mode; /* kk_vocab_mempolicy_mode */
	const char *nodes;
	uint64_t flags; /* OR of kk_vocab_mempolicy_flag values (kernel MPOL_F_*) */
};

struct kk_net_device {
	const char *host_name; /* the entry key */
	const char *name;      /* name inside the container; NULL = keep host name */
};

struct kk_linux {
	const struct kk_namespace *namespaces;
	size_t n_namespaces;
	struct kk_id_mappings uid_mappings;
	struct kk_id_mappings gid_mappings;
	const struct kk_time_offsets *time_offsets;
	const struct kk_device *devices;
	size_t n_devices;
	const char *cgroups_path;
	const struct kk_resources *resources;
	const struct kk_intel_rdt *intel_rdt;
	struct kk_map sysctl;
	const struct kk_seccomp *seccomp;
	int rootfs_propagation; /* kk_vocab_propagation (MS_*); 0 when absent */
	struct kk_strv masked_paths;
	struct kk_strv readonly_paths;
	const char *mount_label;
	const struct kk_personality *personality;
	const struct kk_memory_policy *memory_policy;
	const struct kk_net_device *net_devices;
	size_t n_net_devices;
};

/* config.json */
struct kk_spec {
	const char *oci_version;
	const struct kk_root *root;
	const struct kk_mount *mounts;
	size_t n_mounts;
	const struct kk_process *process;
	const char *hostname;
	const char *domainname;
	const struct kk_hooks *hooks;
	struct kk_map annotations;
	const struct kk_linux *linux_; /* `linux` is a predefined macro in GNU C */
	/* What the spec says to warn about and go on ("MUST be logged as a
	 * warning ... SHOULD NOT fail"), "config.json: <path>: <message>":
	 * the runtime reports them at create and `validate` prints them. */
	struct kk_strv warnings;
};

/* state.json (runtime.md, "State") */
struct kk_state {
	const char *oci_version;
	const char *id;
	int status; /* kk_vocab_status */
	struct kk_opt_i64 pid;
	const char *bundle;
	struct kk_map annotations;
};

#ifdef __cplusplus
}
#endif

#endif
