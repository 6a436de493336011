/* runtime/container: the lifecycle operations the CLI verbs call (create,
 * start, kill, delete, state, list, plan). It ties the other modules
 * together: the isolated loader for the config, the plan built from the
 * features (namespaces here; cgroup/, rootfs/, process/), the undo stack,
 * the state directory, and the init process on the other side of the
 * fixed-format sync protocol (sync.h).
 *
 * Must not: print (except the plan and state it is asked for, to the FILE
 * given), exit, or parse a document outside the loader. */
#ifndef KK_CONTAINER_H
#define KK_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What every operation needs to know of the runtime's configuration. */
struct kk_runtime_opts {
	const char *root;	    /* --root */
	const char *hook_policy;    /* --hook-policy; NULL: KK_HOOK_POLICY_DEFAULT */
	const char *hook_audit_log; /* --hook-audit-log; NULL: KK_HOOK_AUDIT_DEFAULT */
	bool systemd_cgroup;	    /* --systemd-cgroup: create's cgroup is a systemd scope */
};

struct kk_create_opts {
	const struct kk_runtime_opts *rt;
	const char *id;
	const char *bundle; /* NULL: the current directory */
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	unsigned preserve_fds;
	bool foreground; /* `run` without --detach: a terminal is relayed by the caller */
};

struct kk_created {
	pid_t pid;	/* host pid of the init (a child of the caller) */
	int console_fd; /* pty master kept for the caller (foreground terminal), or -1 */
};

/* Rootless (runtime/container/rootless.c): kakoi runs as an unprivileged
 * user, or as uid 0 in a user namespace other than the host's (runc's
 * RunningInUserNS). kk_uid_map_is_initial tells the host's uid_map text
 * ("0 0 4294967295") from any other. */
bool kk_rootless(void);
bool kk_in_user_ns(void);
bool kk_uid_map_is_initial(const char *text);
/* Where state lives when --root is not given: $XDG_RUNTIME_DIR/kakoi when
 * rootless (runc's rule, which keeps uid 0 of `podman unshare` with
 * USER=root on the system root), else system_root. */
const char *kk_default_root(const char *system_root);

/* Creates the container and leaves its init waiting for start. On failure
 * everything done is undone and err names the failed step. */
int kk_container_create(const struct kk_create_opts *opts, struct kk_created *out,
			struct kk_error *err);

/* Releases a created container's init to exec its process. */
int kk_container_start(const struct kk_runtime_opts *rt, const char *id, struct kk_error *err);

/* Signals the init (or, with all, every process in the container's cgroup). */
int kk_container_kill(const char *root, const char *id, int sig, bool all, struct kk_error *err);

/* Deletes a stopped container; with force, kills a live one first, and a
 * missing one is not an error. */
int kk_container_delete(const struct kk_runtime_opts *rt, const char *id, bool force,
			struct kk_error *err);

/* The OCI state JSON of one container (malloc'ed). */
char *kk_container_state(const char *root, const char *id, struct kk_error *err);

struct kk_summary {
	char id[129];
	int status; /* enum kk_status */
	pid_t pid;  /* 0 when stopped */
	char bundle[4096];
	long long created_ns;
};

/* Every container under root, sorted by id; *out is malloc'ed. */
int kk_container_list(const char *root, struct kk_summary **out, size_t *n, struct kk_error *err);

/* Freezes every process of a created or running container ("container not
 * running" otherwise, a paused one included); state then says "paused". */
int kk_container_pause(const char *root, const char *id, struct kk_error *err);

/* Thaws a paused container ("container not paused" otherwise). */
int kk_container_resume(const char *root, const char *id, struct kk_error *err);

/* The host pids in a live container's cgroup, sorted; *pids is malloc'ed. */
int kk_container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
		      struct kk_error *err);

/* What `exec` runs: a process document (--process) or args with the
 * config's process as the base and these overrides. */
struct kk_exec_opts {
	const struct kk_runtime_opts *rt;
	const char *id;
	const char *process_file; /* --process FILE; NULL: args */
	char *const *args;
	size_t n_args;
	const char *cwd;	/* NULL: the config's */
	const char *const *env; /* K=V, replacing the config's K */
	size_t n_env;
	bool has_user;
	uint32_t uid, gid;
	const uint32_t *additional_gids;
	size_t n_additional_gids;
	const char *const *caps; /* CAP_* names, added to every set */
	size_t n_caps;
	bool no_new_privs;
	bool tty;
	bool detach;
	const char *pid_file;
	const char *console_socket;
	unsigned preserve_fds;
	bool ignore_paused;
	const char *apparmor;	    /* --apparmor: process.apparmorProfile (args only) */
	const char *process_label;  /* --process-label: process.selinuxLabel (args only) */
	const char *const *cgroups; /* --cgroup [CTRL[,CTRL]:]PATH: a sub-cgroup to join */
	size_t n_cgroups;
};

/* Runs a process in every namespace and the cgroup of a created or running
 * container. Returns once the process has executed (a missing executable
 * fails here), with *pid its host pid. Without detach, the caller is made a
 * child subreaper and the process is its (reparented) child to wait for.
 * With a terminal (--tty or process.terminal) the pty master goes to
 * --console-socket, or, in the foreground, to *console_fd for the caller
 * to relay (else *console_fd is -1). */
int kk_container_exec(const struct kk_exec_opts *opts, pid_t *pid, int *console_fd,
		      struct kk_error *err);

/* --- update (owner: runtime/container/update.c) ---------------------------
 * Sets new limits on a created, running or paused container's cgroup: res
 * is runc's LinuxResources document (`update --resources`) merged with the
 * per-field flags by the caller. Fields absent from res are left alone. If
 * a write fails, the ones already made are restored to their old values. */
struct kk_resources;
int kk_container_update(const char *root, const char *id, const struct kk_resources *res,
			struct kk_error *err);

/* --- events (owner: runtime/container/events.c) ---------------------------
 * runc's `events`: with stats_once, one {"type":"stats",...} line; otherwise
 * a stats line every interval_ms and an {"type":"oom",...} line when the
 * kernel OOM-kills in the container, until it stops. */
struct kk_events_opts {
	bool stats_once;
	unsigned interval_ms;
	FILE *out;
};
int kk_container_events(const char *root, const char *id, const struct kk_events_opts *opts,
			struct kk_error *err);

/* Prints the plan config.json in bundle would execute, touching nothing. */
int kk_container_plan(const char *bundle, const char *id, bool systemd, FILE *out,
		      struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
