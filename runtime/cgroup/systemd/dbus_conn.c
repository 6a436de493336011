/* A D-Bus connection: a unix stream socket, SASL EXTERNAL, then one method
 * call at a time. Every wait is bounded by the call's deadline (poll), and
 * nothing is read past what the current line or message needs, so no
 * buffer outlives a read. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/systemd/dbus.h"

/* The longest line of the SASL exchange we wait for ("OK <32 hex>"). */
#define LINE_MAX_BYTES 512

struct kk_dbus {
	int fd;
	uint32_t serial;
	int timeout_ms;
	/* A send or receive stopped part way, or a message was refused: the
	 * stream's next bytes are not a message boundary any more. */
	bool broken;
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until fd is ready for events, at most until deadline. */
static int wait_io(int fd, short events, long long deadline, struct kk_error *err)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		long long left = deadline - now_ms();
		int r;

		if (left <= 0)
			return kk_error_sys(err, ETIMEDOUT, "D-Bus: no answer in time");
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return kk_error_sys(err, errno, "D-Bus: poll");
	}
}

static int send_all(int fd, const void *buf, size_t n, long long deadline, struct kk_error *err)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r > 0) {
			p += r;
			n -= (size_t)r;
		} else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_io(fd, POLLOUT, deadline, err) < 0)
				return -1;
		} else if (r < 0 && errno != EINTR) {
			return kk_error_sys(err, errno, "D-Bus: send");
		}
	}
	return 0;
}

/* Exactly n bytes (flags: MSG_PEEK to look without taking; then one read
 * of what is there, at least one byte, is enough). */
static ssize_t recv_some(int fd, void *buf, size_t n, int flags, long long deadline,
			 struct kk_error *err)
{
	for (;;) {
		ssize_t r = recv(fd, buf, n, flags | MSG_DONTWAIT);

		if (r > 0)
			return r;
		if (r == 0)
			return kk_error_sys(err, ECONNRESET,
					    "D-Bus: the peer closed the connection");
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_io(fd, POLLIN, deadline, err) < 0)
				return -1;
		} else if (errno != EINTR) {
			return kk_error_sys(err, errno, "D-Bus: receive");
		}
	}
}

static int recv_all(int fd, void *buf, size_t n, long long deadline, struct kk_error *err)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = recv_some(fd, (char *)buf + got, n - got, 0, deadline, err);

		if (r < 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* One line ending in \r\n, taken off the socket without anything after
 * it; out gets it without the \r\n. */
static int recv_line(int fd, char *out, size_t len, long long deadline, struct kk_error *err)
{
	char buf[LINE_MAX_BYTES];

	for (;;) {
		ssize_t r = recv_some(fd, buf, sizeof(buf), MSG_PEEK, deadline, err);
		char *end = r > 0 ? memmem(buf, (size_t)r, "\r\n", 2) : NULL;

		if (r < 0)
			return -1;
		if (end != NULL) {
			size_t n = (size_t)(end - buf);

			if (recv_all(fd, buf, n + 2, deadline, err) < 0)
				return -1;
			snprintf(out, len, "%.*s", (int)n, buf);
			return 0;
		}
		if ((size_t)r == sizeof(buf))
			return kk_error_set(err, KK_ERR_INVALID,
					    "D-Bus: authentication line longer than %d bytes",
					    LINE_MAX_BYTES);
		/* Part of a line: wait for more than what is there. */
		if (wait_io(fd, POLLIN, deadline, err) < 0)
			return -1;
		usleep(1000);
	}
}

/* SASL EXTERNAL as our euid: a NUL, AUTH and BEGIN in one write, then
 * expect OK <guid>. BEGIN goes before the OK, as sd-bus sends it:
 * systemd's server (sd-bus, 252) that reads a BEGIN together with the
 * first message starts the connection but leaves that message unread
 * until something else arrives, so a BEGIN sent after the OK, followed at
 * once by the call, can go unanswered (seen: every call timed out). */
static int authenticate(struct kk_dbus *b, struct kk_error *err)
{
	long long deadline = now_ms() + b->timeout_ms;
	char uid[16], msg[64], line[LINE_MAX_BYTES];
	size_t at;

	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	at = (size_t)snprintf(msg, sizeof(msg), "%cAUTH EXTERNAL ", 0);
	for (const char *p = uid; *p != '\0'; p++)
		at += (size_t)snprintf(msg + at, sizeof(msg) - at, "%02x", (unsigned char)*p);
	at += (size_t)snprintf(msg + at, sizeof(msg) - at, "\r\nBEGIN\r\n");
	if (send_all(b->fd, msg, at, deadline, err) < 0 ||
	    recv_line(b->fd, line, sizeof(line), deadline, err) < 0)
		return -1;
	if (strncmp(line, "OK ", 3) != 0 || strlen(line + 3) != 32 ||
	    strspn(line + 3, "0123456789abcdefABCDEF") != 32) {
		struct kk_error e = {0};

		kk_error_set(&e, KK_ERR_INVALID, "D-Bus: authentication refused: \"%.200s\"", line);
		kk_error_make_printable(&e);
		*err = e;
		return -1;
	}
	return 0;
}

static int hello(struct kk_dbus *b, struct kk_error *err)
{
	KK_AUTOREPLY struct kk_dbus_reply reply = {0};
	const struct kk_dbus_request call = {
		.dest = "org.freedesktop.DBus",
		.path = "/org/freedesktop/DBus",
		.iface = "org.freedesktop.DBus",
		.member = "Hello",
	};

	if (kk_dbus_call(b, &call, &reply) == 0)
		return 0;
	if (reply.error_name[0] != '\0') {
		kk_error_set(err, KK_ERR_SYS, "D-Bus: Hello: %s: %s", reply.error_name,
			     reply.error_msg);
		kk_error_make_printable(err); /* the bus daemon's text */
		return -1;
	}
	*err = reply.why;
	kk_error_prefix(err, "Hello");
	return -1;
}

int kk_dbus_open_fd(int fd, bool want_hello, struct kk_dbus **out, struct kk_error *err)
{
	struct kk_dbus *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		close(fd);
		return kk_error_sys(err, ENOMEM, "D-Bus");
	}
	b->fd = fd;
	b->timeout_ms = KK_DBUS_TIMEOUT_MS;
	if (authenticate(b, err) < 0 || (want_hello && hello(b, err) < 0)) {
		kk_dbus_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

/* A unix socket's connect does not block on a listener that is slow to
 * accept when the socket is non-blocking: it fails with EAGAIN while the
 * backlog is full. Try again until the deadline, so a wedged systemd
 * cannot hold kakoi longer than any other wait. -1 and errno. */
static int connect_by(int fd, const struct sockaddr_un *sa, long long deadline)
{
	for (;;) {
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		usleep(10000);
	}
}

int kk_dbus_open_path(const char *path, bool want_hello, struct kk_dbus **out, struct kk_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	KK_AUTOCLOSE int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return kk_error_set(err, KK_ERR_INVALID, "D-Bus: socket path %s too long", path);
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return kk_error_sys(err, errno, "D-Bus: socket");
	if (connect_by(fd, &sa, now_ms() + KK_DBUS_TIMEOUT_MS) < 0)
		return kk_error_sys(err, errno, "connect %s", path);
	return kk_dbus_open_fd(kk_steal_fd(&fd), want_hello, out, err);
}

void kk_dbus_close(struct kk_dbus *b)
{
	if (b == NULL)
		return;
	close(b->fd);
	free(b);
}

void kk_dbus_closep(struct kk_dbus **b)
{
	kk_dbus_close(*b);
	*b = NULL;
}

void kk_dbus_set_timeout(struct kk_dbus *b, int ms)
{
	b->timeout_ms = ms;
}

void kk_dbus_reply_free(struct kk_dbus_reply *r)
{
	free(r->data);
	memset(r, 0, sizeof(*r));
}

/* The next whole message, checked, into r (data owned by r). */
static int recv_msg(struct kk_dbus *b, struct kk_dbus_reply *r, long long deadline)
{
	uint8_t head[16];
	size_t size;

	if (recv_all(b->fd, head, sizeof(head), deadline, &r->why) < 0 ||
	    kk_dbus_msg_size(head, &size, &r->why) < 0)
		return -1;
	r->data = malloc(size);
	if (r->data == NULL)
		return kk_error_sys(&r->why, ENOMEM, "D-Bus: a message of %zu bytes", size);
	memcpy(r->data, head, sizeof(head));
	if (recv_all(b->fd, r->data + sizeof(head), size - sizeof(head), deadline, &r->why) < 0)
		return -1;
	return kk_dbus_msg_parse(r->data, size, &r->msg, &r->why);
}

/* An ERROR's name and first string (when its body starts with one). */
static void error_of(struct kk_dbus_reply *r)
{
	struct kk_dbus_reader rd;
	struct kk_error ignored;
	const char *text = "";

	kk_dbus_r_init(&rd, &r->msg);
	if (r->msg.sig[0] == 's')
		kk_dbus_r_string(&rd, 's', &text, &ignored);
	snprintf(r->error_name, sizeof(r->error_name), "%s", r->msg.error_name);
	snprintf(r->error_msg, sizeof(r->error_msg), "%s", text);
}

/* errno for a call that got no answer. */
static int failed(struct kk_dbus_reply *r)
{
	if (r->why.code == KK_ERR_SYS && r->why.sys_errno != 0)
		errno = r->why.sys_errno;
	else
		errno = r->why.code == KK_ERR_LIMIT ? EMSGSIZE : EBADMSG;
	return -1;
}

int kk_dbus_call(struct kk_dbus *b, const struct kk_dbus_request *call, struct kk_dbus_reply *reply)
{
	KK_AUTOWRITER struct kk_dbus_writer w = {0};
	long long deadline = now_ms() + b->timeout_ms;
	uint32_t serial;

	kk_dbus_reply_free(reply);
	if (b->broken) {
		kk_error_set(&reply->why, KK_ERR_SYS,
			     "D-Bus: %s: the connection is out of step after an earlier error",
			     call->member);
		return failed(reply);
	}
	if (++b->serial == 0)
		b->serial = 1;
	serial = b->serial;
	if (kk_dbus_msg_encode(call, serial, &w, &reply->why) < 0)
		return failed(reply);
	if (send_all(b->fd, w.buf, w.len, deadline, &reply->why) < 0) {
		b->broken = true;
		return failed(reply);
	}
	/* Signals and anything else not answering this call are skipped. */
	for (;;) {
		if (recv_msg(b, reply, deadline) < 0) {
			b->broken = true;
			kk_error_prefix(&reply->why, "%s", call->member);
			return failed(reply);
		}
		if ((reply->msg.type == KK_DBUS_METHOD_RETURN ||
		     reply->msg.type == KK_DBUS_ERROR) &&
		    reply->msg.reply_serial == serial)
			break;
		kk_dbus_reply_free(reply);
	}
	if (reply->msg.type == KK_DBUS_METHOD_RETURN)
		return 0;
	error_of(reply);
	errno = EREMOTEIO;
	return -1;
}
