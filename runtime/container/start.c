/* start: release a created container's init. The init answers over the
 * connection: nothing (EOF at its execve, CLOEXEC) on success, or an error. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "parser/parser.h"
#include "parser/vocab.h"
#include "runtime/container/container.h"
#include "runtime/container/internal.h"
#include "runtime/container/lifecycle_hooks.h"
#include "runtime/container/open.h"
#include "runtime/container/sync.h"
#include "runtime/sys/sys.h"

static int check_startable(const struct kk_handle *h, struct kk_error *err)
{
	switch (h->status) {
	case KK_STATUS_CREATED:
		return 0;
	case KK_STATUS_RUNNING:
		return kk_error_set(err, KK_ERR_INVALID,
				    "cannot start an already running container");
	case KK_STATUS_STOPPED:
		return kk_error_set(err, KK_ERR_INVALID,
				    "cannot start a container that has stopped");
	default:
		return kk_error_set(err, KK_ERR_INVALID,
				    "cannot start a container in the creating state");
	}
}

/* EOF means the init reached execve; an error message means it did not. */
static int await_exec(int conn, struct kk_error *err)
{
	struct kk_msg m;
	ssize_t n;

	do
		n = recv(conn, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(m) || m.magic != KK_MSG_MAGIC || m.type != KK_MSG_ERROR)
		return kk_error_set(err, KK_ERR_INTERNAL,
				    "malformed answer from the container init");
	m.text[sizeof(m.text) - 1] = '\0';
	kk_error_set(err, m.code > 0 && m.code < KK_ERR_COUNT ? m.code : KK_ERR_INTERNAL, "%s",
		     m.text);
	err->sys_errno = m.sys_errno;
	return -1;
}

static int release(struct kk_handle *h, struct kk_error *err)
{
	struct sockaddr_un sa;
	socklen_t len;
	KK_AUTOCLOSE int conn = -1;

	if (kk_sockaddr_at(h->dir_fd, KK_START_SOCKET, &sa, &len, err) < 0)
		return -1;
	conn = kk_sys()->socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (conn < 0 || kk_sys()->connect(conn, (struct sockaddr *)&sa, len) < 0)
		return kk_error_sys(err, errno, "connect to the container init");
	h->rec.flags |= KK_RECORD_STARTED;
	if (kk_record_write(h->dir_fd, &h->rec, err) < 0) {
		/* The rename may have happened before the failure: put the old
		 * record back, or the waiting init would pass for running. */
		struct kk_error ignored = {0};

		h->rec.flags &= ~(uint32_t)KK_RECORD_STARTED;
		kk_record_write(h->dir_fd, &h->rec, &ignored);
		return -1;
	}
	if (kk_msg_send(conn, KK_MSG_START, -1, err) < 0)
		return -1;
	return await_exec(conn, err);
}

/* poststart, after the process was executed and before start returns; a
 * failure stops the container (as runc does) and fails start. */
static int poststart(struct kk_handle *h, const struct kk_spec *spec, struct kk_hook_session *hooks,
		     struct kk_error *err)
{
	struct kk_error ignored = {0};

	if (kk_lifecycle_hooks(hooks, spec, KK_HOOK_POSTSTART, h->rec.id, h->rec.bundle,
			       KK_STATUS_RUNNING, h->rec.pid, err) == 0)
		return 0;
	kk_signal_init(&h->rec, SIGKILL, &ignored);
	return -1;
}

int kk_container_start(const struct kk_runtime_opts *rt, const char *id, struct kk_error *err)
{
	KK_AUTOHANDLE struct kk_handle h;
	KK_AUTODOC const struct kk_spec *spec = NULL;
	KK_CLEANUP(kk_hook_session_close) struct kk_hook_session hooks = KK_HOOK_SESSION_INIT;

	if (kk_handle_open(rt->root, id, KK_OPEN_LOCK, &h, err) < 0 || check_startable(&h, err) < 0)
		return -1;
	/* Policy and audit log first: if hooks cannot run, nothing starts. */
	if (h.rec.flags & KK_RECORD_HOOKS_POSTSTART) {
		spec = kk_load_config_copy(h.dir_fd, err);
		if (spec == NULL || kk_hook_session_open(rt, &hooks, err) < 0)
			return -1;
	}
	if (release(&h, err) < 0)
		return -1;
	/* The process runs now: a socket left behind is untidy, not a failure
	 * (delete removes it with the directory). */
	if (kk_sys()->unlinkat(h.dir_fd, KK_START_SOCKET, 0) < 0 && errno != ENOENT)
		kk_warn("remove the start socket of %s: %s", id, strerror(errno));
	return spec != NULL ? poststart(&h, spec, &hooks, err) : 0;
}
