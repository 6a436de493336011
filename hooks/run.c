/* kk_hooks_run: the runtime's side of each hook execution (see
 * hooks_int.h for the three processes). The order that makes the audit
 * log trustworthy: open and hash, check the policy (a refusal is
 * recorded), fork the supervisor, write + fsync the "start" record, only
 * then release the hook, and write + fsync the "end" record before
 * returning. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/seal.h"
#include "hooks/hooks_int.h"

long hk_reply_margin_s = HK_REPLY_MARGIN_S;

/* Hooks run where the container's bundle is, except those running after
 * pivot_root, where the host path means nothing. */
static const char *run_cwd(const struct kk_hook_run *run)
{
	if (run->cwd != NULL)
		return run->cwd;
	return run->bundle != NULL ? run->bundle : "/";
}

/* The state on a sealed memfd: the hook reads it at its own pace, and
 * cannot change what the next hook reads. */
static int state_fd(const char *json, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = memfd_create("kakoi-hook-state", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t len = json ? strlen(json) : 0, off = 0;

	if (fd < 0)
		return kk_error_sys(err, errno, "hook state: memfd_create");
	while (off < len) {
		ssize_t n = write(fd, json + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "hook state: write");
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 || kk_memfd_seal(fd) < 0)
		return kk_error_sys(err, errno, "hook state: sealing");
	return kk_steal_fd(&fd);
}

/* argv (args, or just the path) and envp: NULL-terminated
 * views of the hook's strings, one allocation. */
static char **vector(const struct kk_strv *v, const char *fallback, struct kk_error *err)
{
	size_t n = v->n ? v->n : (fallback ? 1 : 0);
	char **out = calloc(n + 1, sizeof(*out));

	if (out == NULL) {
		kk_error_sys(err, ENOMEM, "hook arguments");
		return NULL;
	}
	for (size_t i = 0; i < v->n; i++)
		out[i] = (char *)v->v[i];
	if (v->n == 0 && fallback)
		out[0] = (char *)fallback;
	return out;
}

/* *expired: S did not answer in time (as opposed to dying). */
static int receive(int chan, struct hk_msg *msg, long timeout_s, bool *expired,
		   struct kk_error *err)
{
	struct pollfd p = {.fd = chan, .events = POLLIN};
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, (int)(timeout_s * 1000));
	while (r < 0 && errno == EINTR);
	*expired = r == 0;
	if (r == 0)
		return kk_error_set(err, KK_ERR_INTERNAL, "the hook supervisor did not answer");
	if (r < 0)
		return kk_error_sys(err, errno, "waiting for the hook supervisor");
	n = recv(chan, msg, sizeof(*msg), 0);
	if (n != (ssize_t)sizeof(*msg))
		return kk_error_set(err, KK_ERR_INTERNAL, "the hook supervisor died");
	msg->reason[sizeof(msg->reason) - 1] = '\0';
	msg->result.reason[sizeof(msg->result.reason) - 1] = '\0';
	if (msg->result.stderr_len > sizeof(msg->result.stderr_head))
		msg->result.stderr_len = sizeof(msg->result.stderr_head);
	return 0;
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

struct exec_state {
	struct hk_job job;
	int chan;
	pid_t sup;
	pid_t hook_pid;
	int64_t released_real, released_mono; /* R's clocks when it released H */
};

static int spawn(struct exec_state *x, struct kk_error *err)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return kk_error_sys(err, errno, "hook supervisor: socketpair");
	x->sup = fork();
	if (x->sup < 0) {
		close(sv[0]), close(sv[1]);
		return kk_error_sys(err, errno, "hook supervisor: fork");
	}
	if (x->sup == 0) {
		close(sv[0]);
		hk_supervise(&x->job, sv[1]);
	}
	close(sv[1]);
	x->chan = sv[0];
	return 0;
}

struct hook_ctx {
	const struct kk_hook_run *run;
	enum kk_hook_kind kind;
	size_t index;
	const struct kk_hook *hook;
	struct hk_limits limits;
	struct hk_exe exe;
};

static int audit(const struct hook_ctx *c, enum hk_event ev, const struct hk_exe *exe, pid_t pid,
		 const struct hk_result *res, const char *reason, struct kk_error *err)
{
	struct hk_record rec = {ev,  c->run,	 c->kind, c->index, c->hook,
				exe, &c->limits, pid,	  res,	    reason};

	return hk_audit_write(c->run->audit_fd, &rec, err);
}

/* The hook did not run, for the reason in err; that too is recorded. */
static int refuse(const struct hook_ctx *c, const struct hk_exe *exe, struct kk_error *err)
{
	struct kk_error audit_err = {0};
	char reason[KK_ERROR_MSG_MAX];

	snprintf(reason, sizeof(reason), "%s", err->msg);
	if (audit(c, HK_EV_REFUSED, exe, 0, NULL, reason, &audit_err) < 0)
		kk_error_set(err, audit_err.code, "%s (and the refusal could not be audited: %s)",
			     reason, audit_err.msg);
	return -1;
}

/* Up to the moment H is released: the start record must be on disk. */
static int release(const struct hook_ctx *c, struct exec_state *x, struct kk_error *err)
{
	struct hk_msg msg;
	bool expired;

	if (receive(x->chan, &msg, hk_reply_margin_s, &expired, err) < 0) {
		kill(x->sup, SIGKILL);
		return refuse(c, &c->exe, err);
	}
	if (msg.type != HK_MSG_PID) {
		kk_error_set(err, KK_ERR_SYS, "setting up the hook's sandbox: %s", msg.reason);
		return refuse(c, &c->exe, err);
	}
	x->hook_pid = msg.pid;
	if (audit(c, HK_EV_START, &c->exe, msg.pid, NULL, NULL, err) < 0) {
		kk_error_prefix(err, "not run, the audit log failed");
		return -1; /* closing chan makes S kill the waiting hook */
	}
	x->released_real = hk_now_ns(CLOCK_REALTIME);
	x->released_mono = hk_now_ns(CLOCK_MONOTONIC);
	if (send(x->chan, "g", 1, MSG_NOSIGNAL) != 1)
		return kk_error_sys(err, errno, "releasing the hook");
	return 0;
}

static int judge(const struct hook_ctx *c, const struct hk_result *r, struct kk_error *err)
{
	char why[512], excerpt[4 * 200 + 1];

	if (r->reason[0])
		snprintf(why, sizeof(why), "could not be executed: %s", r->reason);
	else if (r->timed_out)
		snprintf(why, sizeof(why), "timed out after %ld s and was killed",
			 c->limits.timeout_s);
	else if (r->signal)
		snprintf(why, sizeof(why), "was killed by signal %d (%s)", r->signal,
			 strsignal(r->signal));
	else if (r->exit_code != 0)
		snprintf(why, sizeof(why), "exited with status %d", r->exit_code);
	else
		return 0;
	hk_escape(r->stderr_head, r->stderr_len < 200 ? r->stderr_len : 200, excerpt,
		  sizeof(excerpt));
	if (r->stderr_len == 0)
		return kk_error_set(err, KK_ERR_SYS, "%s", why);
	return kk_error_set(err, KK_ERR_SYS, "%s; stderr: \"%s\"", why, excerpt);
}

/* R gave up on S (or S died): S and H's group are killed, and the end
 * record says what R saw, the real error first. */
static int abandon(const struct hook_ctx *c, const struct exec_state *x, bool expired,
		   struct kk_error *err)
{
	struct hk_result res = {.exit_code = -1, .timed_out = expired};
	struct kk_error audit_err = {0};
	char why[KK_ERROR_MSG_MAX];

	kill(x->sup, SIGKILL);
	kill(-x->hook_pid, SIGKILL);
	res.start_ns = x->released_real;
	res.duration_ns = hk_now_ns(CLOCK_MONOTONIC) - x->released_mono;
	snprintf(why, sizeof(why), "%s", err->msg);
	if (audit(c, HK_EV_END, &c->exe, x->hook_pid, &res, why, &audit_err) < 0)
		kk_error_set(err, err->code, "%s (not audited: %s)", why, audit_err.msg);
	return -1;
}

/* From release to the end record. */
static int finish(const struct hook_ctx *c, struct exec_state *x, struct kk_error *err)
{
	struct hk_msg msg;
	struct kk_error audit_err = {0};
	bool expired;

	if (receive(x->chan, &msg, c->limits.timeout_s + hk_reply_margin_s, &expired, err) < 0)
		return abandon(c, x, expired, err);
	if (msg.type != HK_MSG_RESULT) {
		kk_error_set(err, KK_ERR_SYS, "supervising the hook: %s", msg.reason);
		if (audit(c, HK_EV_END, &c->exe, x->hook_pid, NULL, err->msg, &audit_err) < 0)
			kk_error_set(err, KK_ERR_SYS, "supervising the hook: %s (not audited: %s)",
				     msg.reason, audit_err.msg);
		return -1;
	}
	if (audit(c, HK_EV_END, &c->exe, x->hook_pid, &msg.result, NULL, err) < 0) {
		kk_error_prefix(err, "the hook ran, but its end record failed");
		return -1;
	}
	return judge(c, &msg.result, err);
}

static int execute(const struct hook_ctx *c, struct kk_error *err)
{
	KK_AUTOFREE char **argv = vector(&c->hook->args, c->hook->path, err);
	KK_AUTOFREE char **envp = argv ? vector(&c->limits.env, NULL, err) : NULL;
	KK_AUTOCLOSE int stdin_fd = envp ? state_fd(c->run->state_json, err) : -1;
	struct exec_state x = {.chan = -1};
	int r;

	if (stdin_fd < 0)
		return refuse(c, &c->exe, err);
	x.job = (struct hk_job){c->hook,  &c->exe, &c->limits, run_cwd(c->run),
				stdin_fd, argv,	   envp,       c->run->container_ns};
	if (spawn(&x, err) < 0)
		return refuse(c, &c->exe, err);
	r = release(c, &x, err);
	if (r == 0)
		r = finish(c, &x, err);
	close(x.chan);
	reap(x.sup);
	return r;
}

/* A hook without env inherits under standard, as with runc and crun (a
 * GPU or network plugin finds its tools through PATH); "env": [] is an
 * empty environment, as with runc (Go's non-nil empty Cmd.Env). Strict
 * gives every hook exactly its env, that is none when absent. */
static struct kk_strv hook_env(const struct kk_hook_run *run, const struct kk_hook *hook,
			       enum kk_hook_profile profile)
{
	if (hook->env_set || profile == KK_HOOK_PROFILE_STRICT)
		return hook->env;
	return run->inherit_env;
}

static int run_one(const struct kk_hook_run *run, enum kk_hook_kind kind, size_t index,
		   const struct kk_hook *hook, struct kk_error *err)
{
	struct hook_ctx c = {run, kind, index, hook, {0}, {.fd = -1}};
	int r;

	hk_policy_limits(run->policy, hook, &c.limits);
	c.limits.env = hook_env(run, hook, c.limits.profile);
	r = hk_exe_open(hook->path, &c.exe, err);
	if (r < 0) {
		r = refuse(&c, NULL, err);
	} else {
		/* Known only once the file is open: where it lies. */
		if (hk_image_supplied(run, &c.exe))
			c.limits.as_process = run->as_process;
		if (hk_policy_allows(run->policy, &c.exe, err) < 0)
			r = refuse(&c, &c.exe, err);
		else
			r = execute(&c, err);
	}
	hk_exe_close(&c.exe);
	if (r < 0) {
		kk_error_prefix(err, "hooks.%s[%zu] %s", kk_hook_kind_name(kind), index,
				hook->path);
		kk_error_make_printable(err);
	}
	return r;
}

int kk_hooks_run(const struct kk_hook_list *hooks, enum kk_hook_kind kind,
		 const struct kk_hook_run *run, struct kk_error *err)
{
	bool failed = false;

	if (hooks == NULL || hooks->n == 0)
		return 0;
	if (run == NULL || run->audit_fd < 0)
		return kk_error_set(err, KK_ERR_INTERNAL,
				    "hooks.%s: no audit log is open, so no hook may run",
				    kk_hook_kind_name(kind));
	for (size_t i = 0; i < hooks->n; i++) {
		struct kk_error one = {0};

		if (run_one(run, kind, i, &hooks->v[i], &one) == 0)
			continue;
		if (!failed)
			*err = one;
		failed = true;
		if (!run->keep_going)
			break;
	}
	return failed ? -1 : 0;
}
