/* exec: run one more process in a created or running container. The
 * process comes from --process or from the config's process with the
 * command line's overrides; it is planned like the init's (new session and
 * pty, checks, limits, LSM labels, identity, capabilities, seccomp from the
 * container's linux section, fds, cwd) and run by a child that joins the
 * container's cgroup (or the --cgroup sub-cgroup) and namespaces
 * (exec_child.c). A pty master goes to --console-socket, or back to the
 * caller to relay. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "base/cleanup.h"
#include "parser/parser.h"
#include "parser/vocab.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/container/container.h"
#include "runtime/container/exec_internal.h"
#include "runtime/container/frozen.h"
#include "runtime/container/internal.h"
#include "runtime/container/open.h"
#include "runtime/loader/loader.h"
#include "runtime/process/process.h"
#include "runtime/state/state.h"
#include "runtime/sys/sys.h"

/* What one exec holds; released in one place. */
struct exec_job {
	const struct kk_exec_opts *opts;
	struct kk_handle h;
	const struct kk_spec *config;
	const struct kk_process *doc; /* --process */
	struct kk_exec_process xp;
	struct kk_spec spec; /* the config with the exec'd process */
	struct kk_plan plan;
	struct kk_cgroup *cg;
	struct kk_cgroup *sub; /* --cgroup: where the process goes, else NULL */
};

static void job_release(struct exec_job *job)
{
	kk_cgroup_free(job->sub);
	kk_cgroup_free(job->cg);
	kk_plan_free(&job->plan);
	kk_exec_process_free(&job->xp);
	kk_doc_free(job->doc);
	kk_doc_free(job->config);
	kk_handle_close(&job->h);
}

static int check_status(const struct exec_job *job, struct kk_error *err)
{
	switch (job->h.status) {
	case KK_STATUS_CREATED:
	case KK_STATUS_RUNNING:
		/* The freezer is not in the record (pause.c). With
		 * --ignore-paused the process starts frozen, as with runc. */
		if (job->opts->ignore_paused || !kk_container_is_frozen(&job->h.rec))
			return 0;
		return kk_error_set(err, KK_ERR_INVALID,
				    "cannot exec in a paused container (use --ignore-paused)");
	case KK_STATUS_STOPPED:
		return kk_error_set(err, KK_ERR_INVALID, "cannot exec in a stopped container");
	case KK_STATUS_PAUSED:
		return kk_error_set(err, KK_ERR_INVALID,
				    "cannot exec in a paused container (use --ignore-paused)");
	default:
		return kk_error_set(err, KK_ERR_INVALID,
				    "cannot exec in a container in the creating state");
	}
}

static int load_process(struct exec_job *job, struct kk_error *err)
{
	const struct kk_exec_opts *o = job->opts;
	KK_AUTOFREE char *buf = NULL;
	size_t len = 0;

	if (o->process_file == NULL) {
		if (o->n_args == 0)
			return kk_error_set(err, KK_ERR_USAGE, "exec: give args or --process");
		if (job->config->process == NULL)
			return kk_error_set(err, KK_ERR_INVALID, "process: missing in the config");
		if (kk_exec_process_build(job->config->process, o, &job->xp, err) < 0)
			return -1;
		job->spec.process = &job->xp.p;
		return 0;
	}
	if (kk_loader_read_file(o->process_file, &buf, &len, err) < 0)
		return -1;
	job->doc = kk_loader_parse(KK_DOC_PROCESS, buf, len, NULL, err);
	if (job->doc == NULL)
		return -1;
	kk_loader_report(&job->doc->warnings);
	job->spec.process = job->doc;
	return 0;
}

/* runc's checks and words (utils_linux.go), before anything starts: a
 * detached tty needs somewhere to send the pty; a console socket is only
 * for a detached tty (in the foreground kakoi relays the terminal). */
static int check_terminal(const struct kk_exec_opts *o, bool terminal, struct kk_error *err)
{
	if (o->detach && terminal && o->console_socket == NULL)
		return kk_error_set(err, KK_ERR_USAGE,
				    "exec --tty --detach without --console-socket: cannot allocate "
				    "tty if runc will detach without setting console socket");
	if ((!o->detach || !terminal) && o->console_socket != NULL)
		return kk_error_set(err, KK_ERR_USAGE,
				    "exec --console-socket needs --tty and --detach: cannot use "
				    "console socket if runc will not detach or allocate tty");
	return 0;
}

static int prepare(struct exec_job *job, struct kk_error *err)
{
	const struct kk_exec_opts *o = job->opts;

	if (kk_check_preserved_fds(o->preserve_fds, err) < 0)
		return -1;
	if (kk_handle_open(o->rt->root, o->id, KK_OPEN_LOCK, &job->h, err) < 0 ||
	    check_status(job, err) < 0)
		return -1;
	job->config = kk_load_config_copy(job->h.dir_fd, err);
	if (job->config == NULL)
		return -1;
	job->spec = *job->config;
	if (load_process(job, err) < 0)
		return -1;
	if (check_terminal(o, job->spec.process->terminal, err) < 0)
		return -1;
	/* The session (and pty) op first, as for the init. */
	if (kk_plan_console(&job->plan, &job->spec, false, err) < 0 ||
	    kk_plan_process(&job->plan, &job->spec, err) < 0)
		return -1;
	/* No cgroup recorded (rootless): the process stays in the caller's. */
	if (job->h.rec.cgroup_path[0] == '\0')
		return o->n_cgroups == 0 ? 0
					 : kk_error_set(err, KK_ERR_INVALID,
							"--cgroup: the container has no cgroup "
							"(rootless, not delegated)");
	if (kk_record_cgroup(&job->h.rec, &job->cg, err) < 0)
		return -1;
	if (o->n_cgroups == 0)
		return 0;
	return kk_cgroup_open_sub(job->cg, o->cgroups, o->n_cgroups, &job->sub, err);
}

/* The init's pid may have been reused since the record was written. */
static int check_init(const struct kk_record *rec, struct kk_error *err)
{
	uint64_t start = 0;

	if (kk_pid_start_time(rec->pid, &start, err) < 0)
		return -1;
	if (start != rec->start_time)
		return kk_error_set(err, KK_ERR_INVALID, "cannot exec in a stopped container");
	return 0;
}

/* An LSM the host lacks fails in the process's checks, naming the spec
 * field as create does; say which flag put it there. */
static void name_lsm_flag(const struct kk_exec_opts *o, struct kk_error *err)
{
	if (o->process_file != NULL)
		return;
	if (o->apparmor != NULL && strstr(err->msg, "process.apparmorProfile: ") != NULL)
		kk_error_prefix(err, "exec --apparmor %s", o->apparmor);
	else if (o->process_label != NULL && strstr(err->msg, "process.selinuxLabel: ") != NULL)
		kk_error_prefix(err, "exec --process-label %s", o->process_label);
}

/* Runs the process in the container's cgroup (or the --cgroup one), then
 * hands its pty master to --console-socket or, in the foreground, to the
 * caller. */
static int spawn(struct exec_job *job, struct kk_ctx *ctx, pid_t *pid, int *console,
		 struct kk_error *err)
{
	struct kk_cgroup *cg = job->sub != NULL ? job->sub : job->cg;
	const char *socket_path = job->opts->console_socket;
	KK_AUTOCLOSE int sock = -1;
	int rc;

	/* Connected before the process exists: a bad socket must fail exec
	 * before anything has run in the container, as with runc. */
	if (job->spec.process->terminal && socket_path != NULL &&
	    (sock = kk_console_connect(socket_path, err)) < 0)
		return -1;
	if (kk_exec_spawn(ctx, &job->plan, job->h.rec.pid, cg, pid, console, err) < 0) {
		name_lsm_flag(job->opts, err);
		return -1;
	}
	if (*console < 0 || sock < 0)
		return 0;
	rc = kk_console_pass(sock, socket_path, *console, err);
	kk_closep(console);
	return rc;
}

static int run(struct exec_job *job, pid_t *pid, int *console, struct kk_error *err)
{
	struct kk_undo undo = KK_UNDO_INIT;
	struct kk_ctx ctx = KK_CTX_INIT;

	ctx.spec = &job->spec;
	ctx.id = job->opts->id;
	ctx.bundle = job->h.rec.bundle;
	ctx.state_dir_fd = job->h.dir_fd;
	ctx.undo = &undo;
	ctx.cgroup = job->cg;
	ctx.init_pid = job->h.rec.pid;
	ctx.preserve_fds = job->opts->preserve_fds;
	/* The process is our grandchild: to learn its exit (and reap it on
	 * failure) we must be its subreaper. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return kk_error_sys(err, errno, "exec: prctl(PR_SET_CHILD_SUBREAPER)");
	if (check_init(&job->h.rec, err) < 0 ||
	    kk_plan_run(&job->plan, KK_PHASE_HOST_PREPARE, &ctx, err) < 0 ||
	    spawn(job, &ctx, pid, console, err) < 0 ||
	    (job->opts->pid_file != NULL &&
	     kk_pid_file_write(job->opts->pid_file, *pid, &undo, err) < 0)) {
		/* Without its pid file nobody could find the process: stop it. */
		if (*pid > 0) {
			kk_sys()->kill(*pid, SIGKILL);
			while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
				;
			*pid = 0;
		}
		kk_closep(console);
		kk_closep(&ctx.seccomp_sock_fd);
		kk_undo_rollback(&undo, err);
		return -1;
	}
	kk_closep(&ctx.seccomp_sock_fd);
	kk_undo_forget(&undo);
	return 0;
}

int kk_container_exec(const struct kk_exec_opts *opts, pid_t *pid, int *console_fd,
		      struct kk_error *err)
{
	struct exec_job job = {.opts = opts};
	int rc;

	job.h.root_fd = job.h.dir_fd = job.h.lock_fd = -1;
	*pid = 0;
	*console_fd = -1;
	rc = prepare(&job, err);
	if (rc == 0)
		rc = run(&job, pid, console_fd, err);
	job_release(&job);
	return rc;
}
