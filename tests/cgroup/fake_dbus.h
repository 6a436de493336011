// A fake systemd for the D-Bus client's tests: the server side of one
// connection (SASL EXTERNAL, then messages), run in a thread on a
// socketpair or on a listening unix socket in a temp dir. Each call that
// arrives goes to a handler, which answers (or does not) with the helpers
// below. Messages are written with kakoi's own writer and read with its
// reader, whose exact bytes dbus_test checks separately.
#ifndef KK_TESTS_CGROUP_FAKE_DBUS_H
#define KK_TESTS_CGROUP_FAKE_DBUS_H

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/cgroup/systemd/dbus.h"

namespace fakebus
{

// Bytes as a string, for building messages by hand.
using Bytes = std::vector<uint8_t>;

inline bool WriteAll(int fd, const void *p, size_t n)
{
	const char *c = static_cast<const char *>(p);
	while (n > 0) {
		ssize_t r = send(fd, c, n, MSG_NOSIGNAL);
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
	}
	return true;
}

inline bool ReadAll(int fd, void *p, size_t n)
{
	char *c = static_cast<char *>(p);
	while (n > 0) {
		ssize_t r = recv(fd, c, n, 0);
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
	}
	return true;
}

// The whole message c would be on the wire.
inline Bytes Encode(const kk_dbus_request &c, uint32_t serial)
{
	kk_dbus_writer w = {};
	kk_error err = {};
	Bytes out;
	if (kk_dbus_msg_encode(&c, serial, &w, &err) == 0)
		out.assign(w.buf, w.buf + w.len);
	kk_dbus_w_free(&w);
	return out;
}

// A call of systemd's manager (a signal of it, with type and no dest).
inline kk_dbus_request Manager(const char *member, const char *sig, const kk_dbus_writer &body)
{
	kk_dbus_request c = {};
	c.dest = "org.freedesktop.systemd1";
	c.path = "/org/freedesktop/systemd1";
	c.iface = "org.freedesktop.systemd1.Manager";
	c.member = member;
	c.sig = sig;
	c.body = body.buf;
	c.body_len = body.len;
	return c;
}

// A reply to serial: type 2 with body (signature sig) or, with an error
// name, type 3 whose body is the message string.
inline Bytes Reply(uint32_t serial, const char *sig, const kk_dbus_writer &body)
{
	kk_dbus_request c = {};
	c.type = KK_DBUS_METHOD_RETURN;
	c.reply_serial = serial;
	c.sig = sig;
	c.body = body.buf;
	c.body_len = body.len;
	return Encode(c, 1000 + serial);
}

// A reply with no body.
inline Bytes EmptyReply(uint32_t serial)
{
	kk_dbus_writer w = {};
	return Reply(serial, "", w);
}

// A reply holding one string ('s') or object path ('o').
inline Bytes ReplyString(uint32_t serial, char type, const char *v)
{
	kk_dbus_writer w = {};
	kk_dbus_w_string(&w, v);
	const char sig[2] = {type, 0};
	Bytes out = Reply(serial, sig, w);
	kk_dbus_w_free(&w);
	return out;
}

// Properties.Get's answer for a string property.
inline Bytes ReplyVariantString(uint32_t serial, const char *v)
{
	kk_dbus_writer w = {};
	kk_dbus_w_signature(&w, "s");
	kk_dbus_w_string(&w, v);
	Bytes out = Reply(serial, "v", w);
	kk_dbus_w_free(&w);
	return out;
}

inline Bytes ErrorReply(uint32_t serial, const char *name, const char *msg)
{
	kk_dbus_writer w = {};
	kk_dbus_w_string(&w, msg);
	kk_dbus_request c = {};
	c.type = KK_DBUS_ERROR;
	c.reply_serial = serial;
	c.error_name = name;
	c.sig = "s";
	c.body = w.buf;
	c.body_len = w.len;
	Bytes out = Encode(c, 2000 + serial);
	kk_dbus_w_free(&w);
	return out;
}

inline Bytes Signal()
{
	kk_dbus_writer w = {};
	kk_dbus_w_string(&w, "kakoi-x.scope");
	kk_dbus_w_string(&w, "/org/freedesktop/systemd1/unit/kakoi_2dx_2escope");
	kk_dbus_request c = Manager("UnitNew", "so", w);
	c.type = KK_DBUS_SIGNAL;
	c.dest = nullptr;
	Bytes out = Encode(c, 7);
	kk_dbus_w_free(&w);
	return out;
}

// One incoming call: the bytes and the parsed message pointing into them.
struct Call {
	Bytes bytes;
	kk_dbus_msg msg{};
	std::string Member() const
	{
		return msg.member ? msg.member : "";
	}
	// The first argument, when the body starts with a string.
	std::string FirstString() const
	{
		kk_dbus_reader r;
		kk_error err = {};
		const char *s = "";
		kk_dbus_r_init(&r, &msg);
		kk_dbus_r_string(&r, 's', &s, &err);
		return s;
	}
};

using Handler = std::function<void(int fd, const Call &call)>;

// The server side of one connection on fd: the SASL exchange (the AUTH
// line is kept in auth), then each message to handler until EOF.
class Server
{
      public:
	std::string auth;
	std::string auth_reply = "OK 0123456789abcdef0123456789abcdef\r\n";
	std::vector<std::string> members;

	explicit Server(Handler h) : handler_(std::move(h))
	{
	}
	~Server()
	{
		Stop();
	}

	// Serves the other end of a socketpair; returns the client's end.
	int Pair()
	{
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return -1;
		thread_ = std::thread([this, fd = sv[1]] {
			Serve(fd);
			close(fd);
		});
		return sv[0];
	}

	// Listens on path and serves each connection in turn until Stop().
	bool Listen(const std::string &path)
	{
		sockaddr_un sa = {};
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
		listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (bind(listen_fd_, (sockaddr *)&sa, sizeof(sa)) < 0 || listen(listen_fd_, 4) < 0)
			return false;
		thread_ = std::thread([this] {
			while (!stop_) {
				pollfd p = {listen_fd_, POLLIN, 0};
				if (poll(&p, 1, 50) <= 0)
					continue;
				int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
				if (fd < 0)
					continue;
				Serve(fd);
				close(fd);
			}
		});
		return true;
	}

	void Stop()
	{
		stop_ = true;
		if (thread_.joinable())
			thread_.join();
		if (listen_fd_ >= 0)
			close(listen_fd_);
		listen_fd_ = -1;
	}

      private:
	void Serve(int fd)
	{
		char c;
		std::string line;
		if (!ReadAll(fd, &c, 1) || c != '\0')
			return;
		while (line.size() < 512 && ReadAll(fd, &c, 1) && c != '\n')
			line += c;
		auth = line;
		if (!WriteAll(fd, auth_reply.data(), auth_reply.size()) ||
		    auth_reply.rfind("OK ", 0) != 0)
			return;
		line.clear();
		while (line.size() < 16 && ReadAll(fd, &c, 1) && c != '\n')
			line += c;
		if (line != "BEGIN\r")
			return;
		for (;;) {
			Call call;
			call.bytes.resize(16);
			size_t size;
			kk_error err = {};
			if (!ReadAll(fd, call.bytes.data(), 16) ||
			    kk_dbus_msg_size(call.bytes.data(), &size, &err) < 0)
				return;
			call.bytes.resize(size);
			if (!ReadAll(fd, call.bytes.data() + 16, size - 16) ||
			    kk_dbus_msg_parse(call.bytes.data(), size, &call.msg, &err) < 0)
				return;
			members.push_back(call.Member() + " " + call.FirstString());
			handler_(fd, call);
		}
	}

	Handler handler_;
	std::thread thread_;
	int listen_fd_ = -1;
	std::atomic<bool> stop_{false};
};

inline void Send(int fd, const Bytes &b)
{
	WriteAll(fd, b.data(), b.size());
}

} // namespace fakebus

#endif
