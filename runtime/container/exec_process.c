/* The process `exec` runs when given args: the config's process (runc does
 * the same) with args, cwd, env, user, groups, capabilities, no_new_privs,
 * the terminal and the LSM labels taken from the command line. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "base/warn.h"
#include "parser/vocab.h"
#include "runtime/container/exec_internal.h"

void kk_exec_process_free(struct kk_exec_process *xp)
{
	free(xp->args);
	free(xp->env);
	free(xp->gids);
	xp->args = xp->env = NULL;
	xp->gids = NULL;
}

static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq != NULL ? (size_t)(eq - kv) : strlen(kv);
}

/* --env K=V replaces K (a duplicate would leave getenv the old value). */
static int build_env(const struct kk_process *base, const struct kk_exec_opts *opts,
		     struct kk_exec_process *out, struct kk_error *err)
{
	size_t n = base->env.n;

	out->env = calloc(base->env.n + opts->n_env + 1, sizeof(*out->env));
	if (out->env == NULL)
		return kk_error_sys(err, ENOMEM, "exec: env");
	memcpy(out->env, base->env.v, base->env.n * sizeof(*out->env));
	for (size_t i = 0; i < opts->n_env; i++) {
		size_t k = key_len(opts->env[i]), j;

		for (j = 0; j < n; j++)
			if (key_len(out->env[j]) == k && strncmp(out->env[j], opts->env[i], k) == 0)
				break;
		out->env[j] = opts->env[i];
		if (j == n)
			n++;
	}
	out->p.env = (struct kk_strv){out->env, n};
	return 0;
}

static int build_user(const struct kk_process *base, const struct kk_exec_opts *opts,
		      struct kk_exec_process *out, struct kk_error *err)
{
	if (base->user != NULL)
		out->user = *base->user;
	if (opts->has_user)
		out->user = (struct kk_user){.uid = opts->uid, .gid = opts->gid};
	if (opts->n_additional_gids > 0) {
		out->gids = calloc(opts->n_additional_gids, sizeof(*out->gids));
		if (out->gids == NULL)
			return kk_error_sys(err, ENOMEM, "exec: --additional-gids");
		memcpy(out->gids, opts->additional_gids,
		       opts->n_additional_gids * sizeof(uint32_t));
		out->user.additional_gids = (struct kk_u32v){out->gids, opts->n_additional_gids};
	}
	out->p.user = &out->user;
	return 0;
}

/* --cap adds to bounding, effective and permitted only, as runc and crun
 * do: in the inheritable and ambient sets it would survive the execve of
 * any program the process runs (CVE-2022-29162). The config's inheritable
 * set stays the only source of inheritable capabilities. An unknown name
 * is warned about and dropped (config.md: "MUST be logged as a warning").
 * Its text is the caller's own, quoted printably. */
static void build_caps(const struct kk_process *base, const struct kk_exec_opts *opts,
		       struct kk_exec_process *out)
{
	if (base->capabilities != NULL)
		out->caps = *base->capabilities;
	for (size_t i = 0; i < opts->n_caps; i++) {
		int64_t cap;
		uint64_t bit;

		if (kk_vocab_lookup(&kk_vocab_capability, opts->caps[i], &cap) < 0) {
			kk_warn("exec: --cap: unknown capability \"%s\", ignored", opts->caps[i]);
			continue;
		}
		bit = 1ULL << cap;
		out->caps.bounding |= bit;
		out->caps.effective |= bit;
		out->caps.permitted |= bit;
	}
	if (base->capabilities != NULL || opts->n_caps > 0)
		out->p.capabilities = &out->caps;
}

int kk_exec_process_build(const struct kk_process *base, const struct kk_exec_opts *opts,
			  struct kk_exec_process *out, struct kk_error *err)
{
	memset(out, 0, sizeof(*out));
	out->p = *base;
	/* runc: the config's consoleSize stays (it applies only with --tty). */
	out->p.terminal = opts->tty;
	out->args = calloc(opts->n_args + 1, sizeof(*out->args));
	if (out->args == NULL)
		return kk_error_sys(err, ENOMEM, "exec: args");
	for (size_t i = 0; i < opts->n_args; i++)
		out->args[i] = opts->args[i];
	out->p.args = (struct kk_strv){out->args, opts->n_args};
	if (opts->cwd != NULL)
		out->p.cwd = opts->cwd;
	if (opts->no_new_privs)
		out->p.no_new_privileges = true;
	if (opts->apparmor != NULL)
		out->p.apparmor_profile = opts->apparmor;
	if (opts->process_label != NULL)
		out->p.selinux_label = opts->process_label;
	if (build_env(base, opts, out, err) < 0 || build_user(base, opts, out, err) < 0) {
		kk_exec_process_free(out);
		return -1;
	}
	build_caps(base, opts, out);
	return 0;
}
