/* Layout descriptors for every struct in spec.h (see layout.h). When a
 * field is added to spec.h, it is added here too; the round-trip tests
 * (tests/parser/image_test.cc) compare every field after encode + decode. */
#include "parser/layout.h"

#include <stdalign.h>

#include "parser/parser.h"
#include "parser/policy.h"
#include "parser/spec.h"

#define FIELD(T, f, k, ...)                                                                        \
	{                                                                                          \
		.name = #f, .kind = k, .offset = offsetof(T, f), __VA_ARGS__                       \
	}
#define STR(T, f) FIELD(T, f, KK_F_STR, .required = false)
#define STR_REQ(T, f) FIELD(T, f, KK_F_STR, .required = true)
#define OBJ(T, f, t) FIELD(T, f, KK_F_OBJ, .type = &t)
#define BOOL(T, f) FIELD(T, f, KK_F_BOOL, .required = false)
#define OPT(T, f)                                                                                  \
	{                                                                                          \
		.name = #f, .kind = KK_F_OPT, .offset = offsetof(T, f.set)                         \
	}
#define OPT_BOOL(T, f)                                                                             \
	OPT(T, f),                                                                                 \
	{                                                                                          \
		.name = #f, .kind = KK_F_BOOL, .offset = offsetof(T, f.value)                      \
	}
#define ENUM(T, f, v, req) FIELD(T, f, KK_F_ENUM, .vocab = &v, .required = req)
#define FLAGS(T, f, v) FIELD(T, f, KK_F_FLAGS, .vocab = &v)
#define CAPS(T, f) FIELD(T, f, KK_F_CAPS, .required = false)
#define CHAR(T, f, set) FIELD(T, f, KK_F_CHAR, .chars = set)
#define ARR_AT(T, name_, ptr, count, e, esize, ...)                                                \
	{                                                                                          \
		.name = name_, .kind = KK_F_ARRAY, .offset = offsetof(T, ptr),                     \
		.count_offset = offsetof(T, count), .elem = e, .elem_size = esize, __VA_ARGS__     \
	}
#define ARR(T, f, nf, t) ARR_AT(T, #f, f, nf, KK_E_STRUCT, sizeof(*((T *)0)->f), .type = &t)
#define VEC(T, f, t) ARR_AT(T, #f, f.v, f.n, KK_E_STRUCT, sizeof(*((T *)0)->f.v), .type = &t)
#define STRV(T, f) ARR_AT(T, #f, f.v, f.n, KK_E_STR, sizeof(char *))
#define U32V(T, f) ARR_AT(T, #f, f.v, f.n, KK_E_SCALAR, sizeof(uint32_t))
#define MAP(T, f) VEC(T, f, t_kv)

/* A type's name is its symbol without "t_": errors read "spec.root: ...". */
#define TYPE(sym, T, ...)                                                                          \
	static const struct kk_field sym##_fields[] = {__VA_ARGS__};                               \
	static const struct kk_type sym = {&#sym[2], sizeof(T), alignof(T), sym##_fields,          \
					   sizeof(sym##_fields) / sizeof(sym##_fields[0])}
#define LEAF(sym, T) static const struct kk_type sym = {&#sym[2], sizeof(T), alignof(T), NULL, 0}

TYPE(t_kv, struct kk_kv, STR_REQ(struct kk_kv, key), STR_REQ(struct kk_kv, value));
LEAF(t_id_mapping, struct kk_id_mapping);

#define S struct kk_root
TYPE(t_root, S, STR_REQ(S, path), BOOL(S, readonly));
#undef S

#define S struct kk_mount
TYPE(t_mount, S, STR_REQ(S, destination), STR(S, source), STR(S, type), STRV(S, options),
     VEC(S, uid_mappings, t_id_mapping), VEC(S, gid_mappings, t_id_mapping));
#undef S

LEAF(t_console_size, struct kk_console_size);

#define S struct kk_user
TYPE(t_user, S, OPT(S, umask), U32V(S, additional_gids), STR(S, username));
#undef S

#define S struct kk_capabilities
TYPE(t_capabilities, S, CAPS(S, bounding), CAPS(S, effective), CAPS(S, inheritable),
     CAPS(S, permitted), CAPS(S, ambient));
#undef S

TYPE(t_rlimit, struct kk_rlimit, ENUM(struct kk_rlimit, type, kk_vocab_rlimit, true));

#define S struct kk_scheduler
TYPE(t_scheduler, S, ENUM(S, policy, kk_vocab_sched_policy, true), OPT(S, nice), OPT(S, priority),
     FLAGS(S, flags, kk_vocab_sched_flag), OPT(S, runtime), OPT(S, deadline), OPT(S, period));
#undef S

TYPE(t_io_priority, struct kk_io_priority,
     ENUM(struct kk_io_priority, klass, kk_vocab_ioprio_class, true));
TYPE(t_cpu_affinity, struct kk_cpu_affinity, STR(struct kk_cpu_affinity, initial),
     STR(struct kk_cpu_affinity, final));

#define S struct kk_process
TYPE(t_process, S, BOOL(S, terminal), OBJ(S, console_size, t_console_size), STR_REQ(S, cwd),
     STRV(S, env), STRV(S, args), STR(S, command_line), ARR(S, rlimits, n_rlimits, t_rlimit),
     STR(S, apparmor_profile), OBJ(S, capabilities, t_capabilities), BOOL(S, no_new_privileges),
     OPT(S, oom_score_adj), OBJ(S, scheduler, t_scheduler), STR(S, selinux_label),
     OBJ(S, io_priority, t_io_priority), OBJ(S, exec_cpu_affinity, t_cpu_affinity),
     OBJ(S, user, t_user), STRV(S, warnings));
#undef S

#define S struct kk_hook
TYPE(t_hook, S, STR_REQ(S, path), STRV(S, args), STRV(S, env), BOOL(S, env_set), OPT(S, timeout));
#undef S

#define S struct kk_hooks
#define HOOK_LIST(i, name)                                                                         \
	ARR_AT(S, name, kind[i].v, kind[i].n, KK_E_STRUCT, sizeof(struct kk_hook), .type = &t_hook)
TYPE(t_hooks, S, HOOK_LIST(0, "prestart"), HOOK_LIST(1, "createRuntime"),
     HOOK_LIST(2, "createContainer"), HOOK_LIST(3, "startContainer"), HOOK_LIST(4, "poststart"),
     HOOK_LIST(5, "poststop"));
#undef HOOK_LIST
#undef S

TYPE(t_namespace, struct kk_namespace, ENUM(struct kk_namespace, type, kk_vocab_namespace, true),
     STR(struct kk_namespace, path));
TYPE(t_time_offset, struct kk_time_offset, OPT(struct kk_time_offset, secs),
     OPT(struct kk_time_offset, nanosecs));
TYPE(t_time_offsets, struct kk_time_offsets, OBJ(struct kk_time_offsets, boottime, t_time_offset),
     OBJ(struct kk_time_offsets, monotonic, t_time_offset));

#define S struct kk_device
TYPE(t_device, S, CHAR(S, type, "cbup"), STR_REQ(S, path), OPT(S, file_mode), OPT(S, major),
     OPT(S, minor), OPT(S, uid), OPT(S, gid));
#undef S

#define S struct kk_device_rule
TYPE(t_device_rule, S, BOOL(S, allow), CHAR(S, type, "acb"), OPT(S, major), OPT(S, minor),
     STR(S, access));
#undef S

#define S struct kk_memory
TYPE(t_memory, S, OPT(S, limit), OPT(S, reservation), OPT(S, swap), OPT(S, kernel),
     OPT(S, kernel_tcp), OPT(S, swappiness), OPT_BOOL(S, disable_oom_killer),
     OPT_BOOL(S, use_hierarchy), OPT_BOOL(S, check_before_update));
#undef S

#define S struct kk_cpu
TYPE(t_cpu, S, OPT(S, shares), OPT(S, quota), OPT(S, burst), OPT(S, period),
     OPT(S, realtime_runtime), OPT(S, realtime_period), STR(S, cpus), STR(S, mems), OPT(S, idle));
#undef S

TYPE(t_blkio_weight_device, struct kk_blkio_weight_device,
     OPT(struct kk_blkio_weight_device, weight), OPT(struct kk_blkio_weight_device, leaf_weight));
LEAF(t_blkio_throttle, struct kk_blkio_throttle);

#define S struct kk_blkio
TYPE(t_blkio, S, OPT(S, weight), OPT(S, leaf_weight),
     ARR(S, weight_device, n_weight_device, t_blkio_weight_device),
     VEC(S, throttle_read_bps, t_blkio_throttle), VEC(S, throttle_write_bps, t_blkio_throttle),
     VEC(S, throttle_read_iops, t_blkio_throttle), VEC(S, throttle_write_iops, t_blkio_throttle));
#undef S

TYPE(t_hugepage_limit, struct kk_hugepage_limit, STR_REQ(struct kk_hugepage_limit, page_size));
TYPE(t_net_priority, struct kk_net_priority, STR_REQ(struct kk_net_priority, name));
TYPE(t_network, struct kk_network, OPT(struct kk_network, class_id),
     ARR(struct kk_network, priorities, n_priorities, t_net_priority));
LEAF(t_pids, struct kk_pids);
TYPE(t_rdma, struct kk_rdma, STR_REQ(struct kk_rdma, device), OPT(struct kk_rdma, hca_handles),
     OPT(struct kk_rdma, hca_objects));

#define S struct kk_resources
TYPE(t_resources, S, ARR(S, devices, n_devices, t_device_rule), OBJ(S, memory, t_memory),
     OBJ(S, cpu, t_cpu), OBJ(S, pids, t_pids), OBJ(S, block_io, t_blkio),
     ARR(S, hugepage_limits, n_hugepage_limits, t_hugepage_limit), OBJ(S, network, t_network),
     ARR(S, rdma, n_rdma, t_rdma), MAP(S, unified));
#undef S

#define S struct kk_intel_rdt
TYPE(t_intel_rdt, S, STR(S, clos_id), STRV(S, schemata), STR(S, l3_cache_schema),
     STR(S, mem_bw_schema), OPT_BOOL(S, enable_monitoring));
#undef S

TYPE(t_seccomp_arg, struct kk_seccomp_arg,
     ENUM(struct kk_seccomp_arg, op, kk_vocab_seccomp_op, true));

#define S struct kk_syscall_rule
TYPE(t_syscall_rule, S, STRV(S, names), ENUM(S, action, kk_vocab_seccomp_action, true),
     OPT(S, errno_ret), ARR(S, args, n_args, t_seccomp_arg));
#undef S

#define S struct kk_seccomp
TYPE(t_seccomp, S, ENUM(S, default_action, kk_vocab_seccomp_action, true),
     OPT(S, default_errno_ret),
     ARR_AT(S, "architectures", architectures, n_architectures, KK_E_ENUM, sizeof(int),
	    .vocab = &kk_vocab_seccomp_arch),
     FLAGS(S, flags, kk_vocab_seccomp_flag), STR(S, listener_path), STR(S, listener_metadata),
     ARR(S, syscalls, n_syscalls, t_syscall_rule));
#undef S

TYPE(t_personality, struct kk_personality,
     ENUM(struct kk_personality, domain, kk_vocab_personality_domain, true),
     STRV(struct kk_personality, flags));

#define S struct kk_memory_policy
TYPE(t_memory_policy, S, ENUM(S, mode, kk_vocab_mempolicy_mode, true), STR(S, nodes),
     FLAGS(S, flags, kk_vocab_mempolicy_flag));
#undef S

TYPE(t_net_device, struct kk_net_device, STR_REQ(struct kk_net_device, host_name),
     STR(struct kk_net_device, name));

#define S struct kk_linux
TYPE(t_linux, S, ARR(S, namespaces, n_namespaces, t_namespace), VEC(S, uid_mappings, t_id_mapping),
     VEC(S, gid_mappings, t_id_mapping), OBJ(S, time_offsets, t_time_offsets),
     ARR(S, devices, n_devices, t_device), STR(S, cgroups_path), OBJ(S, resources, t_resources),
     OBJ(S, intel_rdt, t_intel_rdt), MAP(S, sysctl), OBJ(S, seccomp, t_seccomp),
     ENUM(S, rootfs_propagation, kk_vocab_propagation, false), STRV(S, masked_paths),
     STRV(S, readonly_paths), STR(S, mount_label), OBJ(S, personality, t_personality),
     OBJ(S, memory_policy, t_memory_policy), ARR(S, net_devices, n_net_devices, t_net_device));
#undef S

#define S struct kk_spec
TYPE(t_spec, S, STR_REQ(S, oci_version), OBJ(S, root, t_root), ARR(S, mounts, n_mounts, t_mount),
     OBJ(S, process, t_process), STR(S, hostname), STR(S, domainname), OBJ(S, hooks, t_hooks),
     MAP(S, annotations), OBJ(S, linux_, t_linux), STRV(S, warnings));
#undef S

#define S struct kk_state
TYPE(t_state, S, STR_REQ(S, oci_version), STR_REQ(S, id), ENUM(S, status, kk_vocab_status, true),
     OPT(S, pid), STR_REQ(S, bundle), MAP(S, annotations));
#undef S

#define S struct kk_hook_policy
TYPE(t_hook_policy, S, ENUM(S, profile, kk_vocab_hook_profile, true), BOOL(S, has_allowed_hooks),
     STRV(S, allowed_hooks), OPT(S, max_timeout), BOOL(S, has_keep_caps), CAPS(S, keep_caps));
#undef S

const struct kk_type *kk_layout_root(int kind)
{
	switch (kind) {
	case KK_DOC_CONFIG:
		return &t_spec;
	case KK_DOC_PROCESS:
		return &t_process;
	case KK_DOC_STATE:
		return &t_state;
	case KK_DOC_HOOK_POLICY:
		return &t_hook_policy;
	case KK_DOC_RESOURCES:
		return &t_resources;
	}
	return NULL;
}
