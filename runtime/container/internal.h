/* Shared between the files of runtime/container; not a contract for others. */
#ifndef KK_CONTAINER_INTERNAL_H
#define KK_CONTAINER_INTERNAL_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/exec/ctx.h"
#include "runtime/exec/plan.h"

struct kk_cgroup;

#define KK_START_SOCKET "start.sock"
#define KK_CONFIG_COPY "config.json"

/* Every feature's ops, in execution order within each phase. */
/* The host pids whose pid namespace is init's (pidns_pids.c): a rootless
 * container's processes when it has no cgroup. Just init when that
 * namespace is kakoi's own. *pids is malloc'ed. */
int kk_pidns_pids(pid_t init, pid_t **pids, size_t *n, struct kk_error *err);
/* sig to each of them, each through a pidfd checked against the namespace
 * (kill --all of a container without a cgroup). */
int kk_pidns_signal(pid_t init, int sig, struct kk_error *err);

/* Rootless (runtime/container/rootless_cgroup.c): keeps *cg where the user
 * may write it (without device rules), sets it to NULL (no cgroup, one
 * warning) where it may not and no limit is asked for, or fails naming the
 * limit's field and the cgroup. Does nothing when kakoi is not rootless. */
int kk_rootless_cgroup(struct kk_cgroup **cg, const struct kk_spec *spec, struct kk_error *err);
/* The container's cgroup for create and plan: kk_cgroup_open, or with
 * systemd (--systemd-cgroup) kk_cgroup_open_systemd, then
 * kk_rootless_cgroup. A rootless create with systemd is refused (runc
 * would ask the user's own systemd; kakoi does not). */
int kk_container_cgroup(const struct kk_spec *spec, const char *id, bool systemd,
			struct kk_cgroup **cg, struct kk_error *err);
/* The cgroup a record names, as kk_cgroup_open opens it; rootless, only
 * the hierarchies where its directory exists (it was made only where the
 * user may write); a systemd scope's (KK_RECORD_SYSTEMD) as the driver's. */
struct kk_record;
int kk_record_cgroup(const struct kk_record *rec, struct kk_cgroup **cg, struct kk_error *err);

int kk_container_build_plan(struct kk_plan *plan, const struct kk_spec *spec, struct kk_cgroup *cg,
			    struct kk_error *err);

/* The terminal: an init-created op that makes a pty inside the container,
 * makes it the process's stdio and controlling terminal (and, for the init,
 * bind-mounts it on /dev/console), and sends the master to the runtime. */
int kk_plan_console(struct kk_plan *plan, const struct kk_spec *spec, bool init,
		    struct kk_error *err);

/* Clones the init into new namespaces (flags); the child runs
 * kk_init_main. Sets ctx->init_pid and ctx->sync_fd (the runtime's end) and
 * registers killing and reaping the init on ctx->undo. */
int kk_spawn_init(struct kk_ctx *ctx, const struct kk_plan *plan, uint64_t clone_flags,
		  int listen_fd, struct kk_error *err);

/* The init: never returns. */
__attribute__((noreturn)) void kk_init_main(struct kk_ctx *ctx, const struct kk_plan *plan,
					    int listen_fd);

/* Refuses --preserve-fds N unless fds 3..3+N-1 are all open. Checked
 * before kakoi opens anything: then every fd kakoi opens lands above the
 * range the container inherits, and none can leak into it. */
int kk_check_preserved_fds(unsigned preserve_fds, struct kk_error *err);

/* Closes every fd from `from` up except those in keep (sorted in place;
 * -1 and lower entries are ignored). close_fds.c says why closing. */
void kk_close_fds_except(unsigned from, int *keep, size_t n);

/* Sends fd to the unix socket at path (runc's console-socket protocol: the
 * message carries the fd as SCM_RIGHTS). */
int kk_console_send(const char *socket_path, int fd, struct kk_error *err);

/* The same in two steps, for a caller that must know the socket works
 * before anything runs: connect (returns the socket), then pass fd. */
int kk_console_connect(const char *socket_path, struct kk_error *err);
int kk_console_pass(int sock, const char *socket_path, int fd, struct kk_error *err);

/* A unix socket address for dir_fd/name that works whatever the length of
 * the directory's path (via /proc/self/fd). */
int kk_sockaddr_at(int dir_fd, const char *name, struct sockaddr_un *sa, socklen_t *len,
		   struct kk_error *err);

struct kk_record;

/* The config as it was at create, from the state directory, through the
 * isolated parser like any config. */
const struct kk_spec *kk_load_config_copy(int dir_fd, struct kk_error *err);

/* Signals the record's init via a checked pidfd; "container not running"
 * when it is gone. */
int kk_signal_init(const struct kk_record *rec, int sig, struct kk_error *err);

/* Signals every process in the record's cgroup. */
int kk_signal_cgroup(const struct kk_record *rec, int sig, struct kk_error *err);

#endif
