#define _GNU_SOURCE
#include "runtime/container/sync.h"

#include "base/cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const msg_names[KK_MSG_TYPE_LAST] = {
	[KK_MSG_GO] = "go",
	[KK_MSG_CREATED] = "created",
	[KK_MSG_ERROR] = "error",
	[KK_MSG_CONSOLE] = "console",
	[KK_MSG_START] = "start",
	[KK_MSG_HOOKS] = "hooks",
	[KK_MSG_RESUME] = "resume",
	[KK_MSG_MOUNT_SOURCES] = "mount-sources",
	[KK_MSG_MOUNT_SOURCE] = "mount-source",
};

static int send_msg(int sock, const struct kk_msg *m, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = (void *)m, .iov_len = sizeof(*m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*m) ? 0 : -1;
}

static int send_typed(int sock, enum kk_msg_type type, int32_t code, int fd, struct kk_error *err)
{
	struct kk_msg m = {.magic = KK_MSG_MAGIC, .type = type, .code = code};

	if (send_msg(sock, &m, fd) < 0)
		return kk_error_sys(err, errno, "send %s to the container init", msg_names[type]);
	return 0;
}

int kk_msg_send(int sock, enum kk_msg_type type, int fd, struct kk_error *err)
{
	return send_typed(sock, type, 0, fd, err);
}

int kk_msg_send_code(int sock, enum kk_msg_type type, int32_t code, struct kk_error *err)
{
	return send_typed(sock, type, code, -1, err);
}

void kk_msg_send_error(int sock, const struct kk_error *failure)
{
	struct kk_msg m = {.magic = KK_MSG_MAGIC,
			   .type = KK_MSG_ERROR,
			   .code = (int32_t)failure->code,
			   .sys_errno = failure->sys_errno};

	snprintf(m.text, sizeof(m.text), "%s", failure->msg);
	(void)send_msg(sock, &m, -1);
}

static int take_fd(struct msghdr *mh, int *fd)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);

	if (c == NULL)
		return 0;
	if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int got;

	memcpy(&got, CMSG_DATA(c), sizeof(int));
	if (fd != NULL)
		*fd = got;
	else
		close(got); /* nobody asked for it: never keep a stray fd */
	return 0;
}

int kk_msg_recv(int sock, struct kk_msg *msg, int *fd, struct kk_error *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf)};
	ssize_t n;

	if (fd != NULL)
		*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return kk_error_sys(err, errno, "receive from the container init");
	if (n == 0)
		return kk_error_set(err, KK_ERR_SYS, "the container init exited during setup");
	if (take_fd(&mh, fd) < 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 ||
	    n != (ssize_t)sizeof(*msg) || msg->magic != KK_MSG_MAGIC || msg->type == 0 ||
	    msg->type >= KK_MSG_TYPE_LAST) {
		if (fd != NULL)
			kk_closep(fd);
		return kk_error_set(err, KK_ERR_INTERNAL,
				    "malformed message from the container init");
	}
	msg->text[sizeof(msg->text) - 1] = '\0';
	return 0;
}

int kk_msg_expect(int sock, enum kk_msg_type want, int *fd, int32_t *code, struct kk_error *err)
{
	struct kk_msg m;

	if (kk_msg_recv(sock, &m, fd, err) < 0)
		return -1;
	if (m.type == KK_MSG_ERROR) {
		enum kk_err_code code = m.code > KK_OK && m.code < KK_ERR_COUNT
						? (enum kk_err_code)m.code
						: KK_ERR_INTERNAL;

		kk_error_set(err, code, "%s", m.text);
		err->sys_errno = m.sys_errno;
		return -1;
	}
	if (m.type != (uint32_t)want) {
		if (fd != NULL)
			kk_closep(fd);
		return kk_error_set(err, KK_ERR_INTERNAL, "container init sent %s, expected %s",
				    msg_names[m.type], msg_names[want]);
	}
	if (code != NULL)
		*code = m.code;
	return 0;
}
