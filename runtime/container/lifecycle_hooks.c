#define _GNU_SOURCE
#include "runtime/container/lifecycle_hooks.h"

#include <unistd.h>

#include "base/cleanup.h"
#include "hooks/hooks.h"
#include "parser/parser.h"
#include "runtime/container/sync.h"
#include "runtime/exec/ctx.h"
#include "runtime/version.h"

bool kk_spec_has_hooks(const struct kk_spec *spec, enum kk_hook_kind kind)
{
	return spec->hooks != NULL && spec->hooks->kind[kind].n > 0;
}

bool kk_spec_has_any_hooks(const struct kk_spec *spec)
{
	for (int k = 0; k < KK_HOOK_KINDS; k++)
		if (kk_spec_has_hooks(spec, (enum kk_hook_kind)k))
			return true;
	return false;
}

int kk_hook_session_open(const struct kk_runtime_opts *rt, struct kk_hook_session *s,
			 struct kk_error *err)
{
	const char *policy = rt->hook_policy ? rt->hook_policy : KK_HOOK_POLICY_DEFAULT;
	const char *audit = rt->hook_audit_log ? rt->hook_audit_log : KK_HOOK_AUDIT_DEFAULT;

	s->policy = kk_hook_policy_load(policy, rt->hook_policy != NULL, err);
	if (s->policy == NULL)
		return -1;
	s->audit_fd = kk_hook_audit_open(audit, err);
	if (s->audit_fd < 0) {
		kk_hook_session_close(s);
		return -1;
	}
	return 0;
}

void kk_hook_session_close(struct kk_hook_session *s)
{
	if (s->policy != NULL)
		kk_hook_policy_free(s->policy);
	s->policy = NULL;
	kk_closep(&s->audit_fd);
}

/* Hooks in the container's namespaces run as the container: never with
 * CAP_SYS_PTRACE (the init's fds, the audit log, are next to them), an
 * image's hook as its process, and a hook without env (standard profile)
 * with the process's environment rather than the runtime's, which may hold
 * the host's secrets (runc's init runs them with the process's too). The
 * others, the host operator's, inherit kakoi's. */
static void confine_for(const struct kk_spec *spec, enum kk_hook_kind kind, const char *rootfs,
			struct kk_hook_run *run)
{
	static const struct kk_process no_process;
	const struct kk_process *p = spec->process ? spec->process : &no_process;
	size_t n = 0;

	run->container_ns = kind == KK_HOOK_CREATE_CONTAINER || kind == KK_HOOK_START_CONTAINER;
	if (run->container_ns) {
		run->as_process = p;
		/* createContainer's path resolves in the runtime's view: only a
		 * file in the rootfs is the image's. */
		run->image_rootfs = kind == KK_HOOK_CREATE_CONTAINER ? rootfs : NULL;
		run->inherit_env = p->env;
		return;
	}
	while (environ[n] != NULL)
		n++;
	run->inherit_env = (struct kk_strv){(const char *const *)environ, n};
}

/* rootfs: the container's, for createContainer (NULL: every such hook
 * counts as the image's). */
static int run_kind(const struct kk_hook_session *s, const struct kk_spec *spec,
		    enum kk_hook_kind kind, const char *id, const char *bundle, int status,
		    pid_t pid, const char *rootfs, struct kk_error *err)
{
	/* startContainer runs after pivot_root: the bundle's host path is gone. */
	const char *cwd = kind == KK_HOOK_START_CONTAINER ? "/" : NULL;
	struct kk_state st = {.oci_version = KK_SPEC_VERSION,
			      .id = id,
			      .status = status,
			      .bundle = bundle,
			      .annotations = spec->annotations,
			      .pid = {.value = pid, .set = pid > 0}};
	KK_AUTOFREE char *json = NULL;
	struct kk_hook_run run = {.id = id,
				  .bundle = bundle,
				  .policy = s->policy,
				  .audit_fd = s->audit_fd,
				  .cwd = cwd,
				  .keep_going = kind == KK_HOOK_POSTSTOP};

	if (!kk_spec_has_hooks(spec, kind))
		return 0;
	confine_for(spec, kind, rootfs, &run);
	json = kk_state_to_json(&st, err);
	if (json == NULL)
		return -1;
	run.state_json = json;
	return kk_hooks_run(&spec->hooks->kind[kind], kind, &run, err);
}

int kk_lifecycle_hooks(const struct kk_hook_session *s, const struct kk_spec *spec,
		       enum kk_hook_kind kind, const char *id, const char *bundle, int status,
		       pid_t pid, struct kk_error *err)
{
	return run_kind(s, spec, kind, id, bundle, status, pid, NULL, err);
}

/* In the init, before pivot_root: the runtime runs prestart and
 * createRuntime (it holds the host's view), then the init runs
 * createContainer itself, in the container's namespaces. */
static int create_hooks_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	const struct kk_spec *spec = ctx->spec;

	(void)op;
	if (kk_spec_has_hooks(spec, KK_HOOK_PRESTART) ||
	    kk_spec_has_hooks(spec, KK_HOOK_CREATE_RUNTIME)) {
		if (kk_msg_send(ctx->sync_fd, KK_MSG_HOOKS, -1, err) < 0 ||
		    kk_msg_expect(ctx->sync_fd, KK_MSG_RESUME, NULL, NULL, err) < 0)
			return -1;
	}
	return run_kind(ctx->hooks, spec, KK_HOOK_CREATE_CONTAINER, ctx->id, ctx->bundle,
			KK_STATUS_CREATING, getpid(), ctx->rootfs, err);
}

static int start_hooks_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	(void)op;
	return kk_lifecycle_hooks(ctx->hooks, ctx->spec, KK_HOOK_START_CONTAINER, ctx->id,
				  ctx->bundle, KK_STATUS_CREATED, getpid(), err);
}

static void describe_kinds(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "%s", op->path);
}

static const struct kk_op_type op_create_hooks = {
	.name = "hooks",
	.phase = KK_PHASE_INIT_ROOTFS,
	.apply = create_hooks_apply,
	.describe = describe_kinds,
};

static const struct kk_op_type op_start_hooks = {
	.name = "hooks",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = start_hooks_apply,
	.describe = describe_kinds,
};

int kk_plan_hooks(struct kk_plan *plan, const struct kk_spec *spec, struct kk_error *err)
{
	if (kk_spec_has_hooks(spec, KK_HOOK_PRESTART) ||
	    kk_spec_has_hooks(spec, KK_HOOK_CREATE_RUNTIME) ||
	    kk_spec_has_hooks(spec, KK_HOOK_CREATE_CONTAINER)) {
		struct kk_op op = {.type = &op_create_hooks,
				   .path = "prestart, createRuntime (by the runtime, host "
					   "namespaces), then createContainer (here)"};

		if (kk_plan_insert_before(plan, "pivot-root", &op, err) < 0)
			return -1;
	}
	if (kk_spec_has_hooks(spec, KK_HOOK_START_CONTAINER)) {
		struct kk_op op = {.type = &op_start_hooks,
				   .path = "startContainer, in the container's namespaces"};

		/* Appended before the process's own ops: the first of its phase. */
		if (kk_plan_add(plan, &op, err) < 0)
			return -1;
	}
	return 0;
}
