/* create: parse in isolation, plan, then execute the host phases with every
 * change on the undo stack, clone the init and drive it to "created". Any
 * failure unwinds the stack: no state directory, cgroup, process, socket or
 * pid file is left behind. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "parser/parser.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/container/lifecycle_hooks.h"
#include "runtime/container/mount_sources.h"
#include "runtime/container/namespaces.h"
#include "runtime/container/sync.h"
#include "runtime/loader/loader.h"
#include "runtime/state/state.h"
#include "runtime/sys/sys.h"

/* What one create holds; released in one place. */
struct create_job {
	const struct kk_create_opts *opts;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char state_dir[PATH_MAX];
	char *config_buf;
	size_t config_len;
	const struct kk_spec *spec;
	struct kk_cgroup *cgroup;
	struct kk_plan plan;
	int root_fd, dir_fd, lock_fd, listen_fd;
	struct kk_record rec;
	struct kk_hook_session hooks;
};

static void job_release(struct create_job *job)
{
	kk_hook_session_close(&job->hooks);
	kk_closep(&job->listen_fd);
	kk_closep(&job->lock_fd);
	kk_closep(&job->dir_fd);
	kk_closep(&job->root_fd);
	kk_plan_free(&job->plan);
	if (job->cgroup != NULL)
		kk_cgroup_free(job->cgroup);
	kk_doc_free(job->spec);
	free(job->config_buf);
}

static int resolve_paths(struct create_job *job, struct kk_error *err)
{
	const char *bundle = job->opts->bundle != NULL ? job->opts->bundle : ".";
	const char *root = job->spec->root != NULL ? job->spec->root->path : NULL;
	char joined[PATH_MAX * 2];

	if (realpath(bundle, job->bundle) == NULL)
		return kk_error_sys(err, errno, "--bundle %s", bundle);
	if (root == NULL)
		return kk_error_set(err, KK_ERR_INVALID, "root.path: required on Linux");
	if (snprintf(joined, sizeof(joined), "%s/%s", root[0] == '/' ? "" : job->bundle, root) >=
	    (int)sizeof(joined))
		return kk_error_set(err, KK_ERR_LIMIT, "root.path: path too long");
	if (realpath(joined, job->rootfs) == NULL)
		return kk_error_sys(err, errno, "root.path: %s", root);
	return 0;
}

static int load(struct create_job *job, struct kk_error *err)
{
	char config[PATH_MAX + 16];
	const char *bundle = job->opts->bundle != NULL ? job->opts->bundle : ".";

	if (kk_id_check(job->opts->id, err) < 0)
		return -1;
	if (snprintf(config, sizeof(config), "%s/config.json", bundle) >= (int)sizeof(config))
		return kk_error_set(err, KK_ERR_LIMIT, "--bundle %s: path too long", bundle);
	if (kk_loader_read_file(config, &job->config_buf, &job->config_len, err) < 0)
		return -1;
	job->spec = kk_loader_parse(KK_DOC_CONFIG, job->config_buf, job->config_len, NULL, err);
	if (job->spec == NULL)
		return -1;
	kk_loader_report(&job->spec->warnings);
	if (job->spec->process == NULL)
		return kk_error_set(err, KK_ERR_INVALID, "process: required to create a container");
	if (resolve_paths(job, err) < 0)
		return -1;
	if (job->spec->process->terminal && job->opts->console_socket == NULL &&
	    !job->opts->foreground)
		return kk_error_set(err, KK_ERR_USAGE,
				    "process.terminal: a detached container with a terminal "
				    "needs --console-socket");
	/* Fail closed before anything changes: no audit log, no hooks. */
	if (kk_spec_has_any_hooks(job->spec))
		return kk_hook_session_open(job->opts->rt, &job->hooks, err);
	return 0;
}

static int plan(struct create_job *job, struct kk_error *err)
{
	/* No linux section (config.md: OPTIONAL): every namespace is the
	 * runtime's, the cgroup the default one, nothing else asked for. */
	if (kk_container_cgroup(job->spec, job->opts->id, job->opts->rt->systemd_cgroup,
				&job->cgroup, err) < 0)
		return -1;
	return kk_container_build_plan(&job->plan, job->spec, job->cgroup, err);
}

int kk_check_preserved_fds(unsigned preserve_fds, struct kk_error *err)
{
	for (unsigned i = 0; i < preserve_fds; i++)
		if (fcntl(3 + (int)i, F_GETFD) < 0)
			return kk_error_set(err, KK_ERR_USAGE,
					    "--preserve-fds %u: fd %u is not open", preserve_fds,
					    3 + i);
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static int make_state_dir(struct create_job *job, struct kk_undo *undo, struct kk_error *err)
{
	char root[PATH_MAX];

	job->root_fd = kk_state_root_open(job->opts->rt->root, err);
	if (job->root_fd < 0)
		return -1;
	if (realpath(job->opts->rt->root, root) == NULL)
		return kk_error_sys(err, errno, "--root %s", job->opts->rt->root);
	if (snprintf(job->state_dir, sizeof(job->state_dir), "%s/%s", root, job->opts->id) >=
	    (int)sizeof(job->state_dir))
		return kk_error_set(err, KK_ERR_LIMIT, "--root %s: path too long", root);
	job->dir_fd = kk_state_create(job->root_fd, job->opts->id, undo, err);
	if (job->dir_fd < 0)
		return -1;
	job->lock_fd = kk_state_lock(job->dir_fd, err);
	if (job->lock_fd < 0)
		return -1;
	job->rec = (struct kk_record){.magic = KK_RECORD_MAGIC, .version = KK_RECORD_VERSION};
	snprintf(job->rec.id, sizeof(job->rec.id), "%s", job->opts->id);
	memcpy(job->rec.bundle, job->bundle, sizeof(job->rec.bundle));
	/* An empty cgroup path records "no cgroup" (rootless). */
	if (snprintf(job->rec.cgroup_path, sizeof(job->rec.cgroup_path), "%s",
		     job->cgroup != NULL ? kk_cgroup_path(job->cgroup) : "") >=
	    (int)sizeof(job->rec.cgroup_path))
		return kk_error_set(err, KK_ERR_LIMIT, "linux.cgroupsPath: too long");
	job->rec.created_ns = now_ns();
	if (kk_spec_has_hooks(job->spec, KK_HOOK_POSTSTART))
		job->rec.flags |= KK_RECORD_HOOKS_POSTSTART;
	if (kk_spec_has_hooks(job->spec, KK_HOOK_POSTSTOP))
		job->rec.flags |= KK_RECORD_HOOKS_POSTSTOP;
	if (job->cgroup != NULL && kk_cgroup_unit(job->cgroup) != NULL)
		job->rec.flags |= KK_RECORD_SYSTEMD;
	if (kk_ns_clone_flags(job->spec) & CLONE_NEWPID)
		job->rec.flags |= KK_RECORD_OWN_PIDNS;
	/* The record (with the cgroup path) before anything it describes. */
	if (kk_record_write(job->dir_fd, &job->rec, err) < 0)
		return -1;
	return kk_state_write_file(job->dir_fd, KK_CONFIG_COPY, job->config_buf, job->config_len,
				   err);
}

static int unlink_socket(const void *arg, struct kk_error *err)
{
	const int *dir_fd = arg;

	if (kk_sys()->unlinkat(*dir_fd, KK_START_SOCKET, 0) < 0 && errno != ENOENT)
		return kk_error_sys(err, errno, "remove %s", KK_START_SOCKET);
	return 0;
}

/* The socket `start` connects to; the init accepts on it. */
static int make_start_socket(struct create_job *job, struct kk_undo *undo, struct kk_error *err)
{
	struct sockaddr_un sa;
	socklen_t len;

	if (kk_sockaddr_at(job->dir_fd, KK_START_SOCKET, &sa, &len, err) < 0)
		return -1;
	job->listen_fd = kk_sys()->socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (job->listen_fd < 0)
		return kk_error_sys(err, errno, "create the start socket");
	if (kk_sys()->bind(job->listen_fd, (struct sockaddr *)&sa, len) < 0)
		return kk_error_sys(err, errno, "bind %s/%s", job->state_dir, KK_START_SOCKET);
	if (kk_undo_push(undo, "remove the start socket", unlink_socket, &job->dir_fd,
			 sizeof(job->dir_fd), err) < 0)
		return -1;
	if (kk_sys()->listen(job->listen_fd, 4) < 0)
		return kk_error_sys(err, errno, "listen on the start socket");
	return 0;
}

static bool has_new_userns(const struct kk_spec *spec)
{
	return (kk_ns_clone_flags(spec) & CLONE_NEWUSER) != 0;
}

static void fill_ctx(struct create_job *job, struct kk_ctx *ctx, struct kk_undo *undo)
{
	ctx->spec = job->spec;
	ctx->id = job->opts->id;
	ctx->bundle = job->bundle;
	ctx->rootfs = job->rootfs;
	ctx->state_dir = job->state_dir;
	ctx->state_dir_fd = job->dir_fd;
	ctx->undo = undo;
	ctx->cgroup = job->cgroup;
	ctx->no_pivot = job->opts->no_pivot;
	ctx->no_new_keyring = job->opts->no_new_keyring;
	ctx->preserve_fds = job->opts->preserve_fds;
	/* New or joined: the init takes the namespace's root either way. */
	ctx->userns = has_new_userns(job->spec) || kk_ns_joined_userns(job->spec) != NULL;
	ctx->hooks = &job->hooks;
}

/* prestart (deprecated, still used) then createRuntime, in the runtime's
 * namespaces, while the init waits before pivot_root. */
static int create_runtime_hooks(struct create_job *job, struct kk_ctx *ctx, struct kk_error *err)
{
	if (kk_lifecycle_hooks(&job->hooks, job->spec, KK_HOOK_PRESTART, ctx->id, ctx->bundle,
			       KK_STATUS_CREATING, ctx->init_pid, err) < 0 ||
	    kk_lifecycle_hooks(&job->hooks, job->spec, KK_HOOK_CREATE_RUNTIME, ctx->id, ctx->bundle,
			       KK_STATUS_CREATING, ctx->init_pid, err) < 0)
		return -1;
	return kk_msg_send(ctx->sync_fd, KK_MSG_RESUME, -1, err);
}

/* Waits for "created", handing on a pty master when one comes first. */
static int await_created(struct create_job *job, struct kk_ctx *ctx, struct kk_created *out,
			 struct kk_error *err)
{
	for (;;) {
		struct kk_msg m;
		int fd = -1;

		if (kk_msg_recv(ctx->sync_fd, &m, &fd, err) < 0)
			return -1;
		if (m.type == KK_MSG_CONSOLE && fd >= 0) {
			int rc = 0;

			if (job->opts->console_socket != NULL) {
				rc = kk_console_send(job->opts->console_socket, fd, err);
				close(fd);
			} else {
				out->console_fd = fd;
			}
			if (rc < 0)
				return -1;
			continue;
		}
		if (m.type == KK_MSG_CREATED)
			return 0;
		if (m.type == KK_MSG_MOUNT_SOURCES) {
			kk_closep(&fd);
			if (kk_mount_sources_send(ctx, err) < 0)
				return -1;
			continue;
		}
		if (m.type == KK_MSG_HOOKS) {
			kk_closep(&fd);
			if (create_runtime_hooks(job, ctx, err) < 0)
				return -1;
			continue;
		}
		if (m.type == KK_MSG_ERROR) {
			kk_closep(&fd);
			kk_error_set(err,
				     m.code > 0 && m.code < KK_ERR_COUNT ? m.code : KK_ERR_INTERNAL,
				     "%s", m.text);
			err->sys_errno = m.sys_errno;
			return -1;
		}
		kk_closep(&fd);
		return kk_error_set(err, KK_ERR_INTERNAL, "unexpected message from the init");
	}
}

static int run_init(struct create_job *job, struct kk_ctx *ctx, struct kk_created *out,
		    struct kk_error *err)
{
	if (kk_plan_run(&job->plan, KK_PHASE_HOST_PREPARE, ctx, err) < 0)
		return -1;
	if (kk_spawn_init(ctx, &job->plan, kk_ns_clone_flags(job->spec), job->listen_fd, err) < 0)
		return -1;
	job->rec.pid = ctx->init_pid;
	if (kk_pid_start_time(ctx->init_pid, &job->rec.start_time, err) < 0 ||
	    kk_record_write(job->dir_fd, &job->rec, err) < 0)
		return -1;
	if (kk_plan_run(&job->plan, KK_PHASE_HOST_ATTACH, ctx, err) < 0 ||
	    kk_msg_send_code(ctx->sync_fd, KK_MSG_GO, ctx->init_pid, err) < 0 ||
	    await_created(job, ctx, out, err) < 0)
		return -1;
	/* The record first: a create killed between the two leaves no pid file
	 * that nothing records (delete --force could not find it). */
	job->rec.flags |= KK_RECORD_CREATED;
	if (kk_record_write(job->dir_fd, &job->rec, err) < 0)
		return -1;
	if (job->opts->pid_file != NULL &&
	    kk_pid_file_write(job->opts->pid_file, ctx->init_pid, ctx->undo, err) < 0)
		return -1;
	return 0;
}

/* runtime.md: a create that fails once the environment exists continues
 * the lifecycle at delete, whose poststop hooks run (as warnings). */
static void poststop_after_failure(struct create_job *job)
{
	struct kk_error failed = {0};

	if (job->rec.pid <= 0 || job->hooks.audit_fd < 0)
		return;
	if (kk_lifecycle_hooks(&job->hooks, job->spec, KK_HOOK_POSTSTOP, job->opts->id, job->bundle,
			       KK_STATUS_STOPPED, 0, &failed) < 0)
		kk_warn("%s", failed.msg);
}

int kk_container_create(const struct kk_create_opts *opts, struct kk_created *out,
			struct kk_error *err)
{
	struct create_job job = {
		.opts = opts, .root_fd = -1, .dir_fd = -1, .lock_fd = -1, .listen_fd = -1};
	struct kk_undo undo = KK_UNDO_INIT;
	struct kk_ctx ctx = KK_CTX_INIT;
	int rc;

	out->pid = 0;
	out->console_fd = -1;
	rc = kk_check_preserved_fds(opts->preserve_fds, err);
	if (rc == 0)
		rc = load(&job, err);
	if (rc == 0)
		rc = plan(&job, err);
	if (rc == 0)
		rc = make_state_dir(&job, &undo, err);
	if (rc == 0)
		rc = make_start_socket(&job, &undo, err);
	if (rc == 0) {
		fill_ctx(&job, &ctx, &undo);
		rc = run_init(&job, &ctx, out, err);
	}
	kk_closep(&ctx.sync_fd);
	if (rc == 0) {
		out->pid = ctx.init_pid;
		kk_undo_forget(&undo);
	} else {
		kk_closep(&out->console_fd);
		kk_undo_rollback(&undo, err);
		poststop_after_failure(&job);
	}
	job_release(&job);
	return rc;
}
