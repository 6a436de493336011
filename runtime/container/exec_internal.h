/* Shared by the exec files of runtime/container; not a contract for others. */
#ifndef KK_CONTAINER_EXEC_INTERNAL_H
#define KK_CONTAINER_EXEC_INTERNAL_H

#include <sys/types.h>

#include "base/error.h"
#include "parser/spec.h"
#include "runtime/container/container.h"
#include "runtime/exec/ctx.h"
#include "runtime/exec/plan.h"

struct kk_cgroup;

/* The exec'd process: the config's process with the command line's
 * overrides, in storage of its own (the parsed documents are read-only). */
struct kk_exec_process {
	struct kk_process p;
	struct kk_user user;
	struct kk_capabilities caps;
	const char **args;
	const char **env;
	uint32_t *gids;
};

/* Fills out from base and the overrides in opts; free with
 * kk_exec_process_free. */
int kk_exec_process_build(const struct kk_process *base, const struct kk_exec_opts *opts,
			  struct kk_exec_process *out, struct kk_error *err);
void kk_exec_process_free(struct kk_exec_process *xp);

/* Forks the exec child, puts it in the cgroup, lets it join the namespaces
 * of init_pid and fork the process, which runs the plan's init-created and
 * init-process phases. Returns once the process has executed (or failed),
 * with *pid its host pid and *console the pty master it made (a terminal),
 * else -1. The caller must be a child subreaper. */
int kk_exec_spawn(struct kk_ctx *ctx, const struct kk_plan *plan, pid_t init_pid,
		  struct kk_cgroup *cg, pid_t *pid, int *console, struct kk_error *err);

#endif
