/* SCMP_ACT_NOTIFY: the agent listening on linux.seccomp.listenerPath gets
 * the filter's notify fd (SCM_RIGHTS) with the container process state
 * (config-linux.md, "The Container Process State") as JSON, once per
 * connection, and the connection is closed after it.
 *
 * The runtime connects (host-prepare, so the path is resolved on the host
 * as the spec means it, before the init changes root) and the init inherits
 * the connection; the init sends once its filter is loaded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "parser/parser.h"
#include "parser/vocab.h"
#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"
#include "runtime/sys/sys.h"

static int close_fd(const void *arg, struct kk_error *err)
{
	(void)err;
	close(*(const int *)arg);
	return 0;
}

static int connect_listener(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	KK_AUTOCLOSE int fd = -1;
	int kept;

	if (snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", op->path) >=
	    (int)sizeof(addr.sun_path))
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.seccomp.listenerPath: %s: too long for a unix socket",
				    op->path);
	fd = kk_sys()->socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return kk_error_sys(err, errno, "linux.seccomp.listenerPath: socket");
	if (kk_sys()->connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) < 0)
		return kk_error_sys(err, errno, "linux.seccomp.listenerPath: connect %s", op->path);
	/* Above the --preserve-fds range: create checked that range is full. */
	kept = kk_steal_fd(&fd);
	if (kk_undo_push(ctx->undo, "close the seccomp listener connection", close_fd, &kept,
			 sizeof(kept), err) < 0)
		return -1;
	ctx->seccomp_sock_fd = kept;
	return 0;
}

/* JSON string body: the parser guarantees UTF-8, so only quotes,
 * backslashes and control characters need escaping. */
static char *json_escape(const char *s)
{
	char *out = malloc(strlen(s) * 6 + 1), *o = out;

	for (; out != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			o += sprintf(o, "\\%c", c);
		else if (c < 0x20)
			o += sprintf(o, "\\u%04x", c);
		else
			*o++ = (char)c;
	}
	if (out != NULL)
		*o = '\0';
	return out;
}

/* pid "as seen by the runtime": the host pid when the runtime told the
 * init (ctx->init_pid), else our own (then the pid namespace's view). */
static char *process_state(const struct kk_ctx *ctx, const struct kk_seccomp *s,
			   struct kk_error *err)
{
	pid_t pid = ctx->init_pid > 0 ? ctx->init_pid : getpid();
	struct kk_state st = {
		.oci_version = KK_PROCESS_OCI_VERSION,
		.id = ctx->id != NULL ? ctx->id : "",
		.status = KK_STATUS_CREATED,
		.pid = {pid, true},
		.bundle = ctx->bundle != NULL ? ctx->bundle : "",
		.annotations = ctx->spec != NULL ? ctx->spec->annotations : (struct kk_map){0},
	};
	KK_AUTOFREE char *state = kk_state_to_json(&st, err);
	KK_AUTOFREE char *meta = json_escape(s->listener_metadata ? s->listener_metadata : "");
	char *out = NULL;

	if (state == NULL)
		return NULL;
	if (meta == NULL || asprintf(&out,
				     "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
				     "%s%s%s\"state\":%s}",
				     KK_PROCESS_OCI_VERSION, (int)pid,
				     s->listener_metadata ? "\"metadata\":\"" : "",
				     s->listener_metadata ? meta : "",
				     s->listener_metadata ? "\"," : "", state) < 0) {
		kk_error_sys(err, ENOMEM, "linux.seccomp: container process state");
		return NULL;
	}
	return out;
}

/* The fd rides on the first sendmsg; a stream socket may take the rest
 * in more calls (allowed by the spec, fds only in the first). */
static int send_state(int sock, int fd, const char *text, struct kk_error *err)
{
	size_t len = strlen(text), off = 0;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;

	while (off < len) {
		struct iovec iov = {(void *)(text + off), len - off};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n;

		if (off == 0) {
			msg.msg_control = u.buf;
			msg.msg_controllen = sizeof(u.buf);
			CMSG_FIRSTHDR(&msg)->cmsg_level = SOL_SOCKET;
			CMSG_FIRSTHDR(&msg)->cmsg_type = SCM_RIGHTS;
			CMSG_FIRSTHDR(&msg)->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(CMSG_FIRSTHDR(&msg)), &fd, sizeof(int));
		}
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kk_error_sys(err, n < 0 ? errno : EPIPE,
					    "linux.seccomp.listenerPath: sending the notify fd");
		off += (size_t)n;
	}
	return 0;
}

int kk_proc_seccomp_notify_send(struct kk_ctx *ctx, const struct kk_seccomp *s, int notify_fd,
				struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;
	KK_AUTOCLOSE int sock = ctx->seccomp_sock_fd;

	ctx->seccomp_sock_fd = -1;
	if (sock < 0)
		return kk_error_set(err, KK_ERR_INTERNAL,
				    "linux.seccomp.listenerPath: not connected to the listener");
	text = process_state(ctx, s, err);
	if (text == NULL)
		return -1;
	return send_state(sock, notify_fd, text, err);
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "connect to seccomp listener %s", op->path);
}

static const struct kk_op_type listener_op = {
	.name = "seccomp-listener",
	.phase = KK_PHASE_HOST_PREPARE,
	.apply = connect_listener,
	.describe = describe,
};

int kk_proc_plan_seccomp_listener(struct kk_plan *plan, const struct kk_seccomp *s,
				  struct kk_error *err)
{
	struct kk_op op = {.type = &listener_op, .ref = s, .path = s->listener_path};

	if (s->listener_path == NULL)
		return kk_error_set(err, KK_ERR_INVALID,
				    "linux.seccomp.listenerPath: is required when SCMP_ACT_NOTIFY "
				    "is used");
	return kk_plan_add(plan, &op, err);
}
