// The caller's side of --console-socket, shared by the tests of create's
// and exec's terminals.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "tests/integration/harness.h"

namespace kk_it
{

int Listen(const std::string &path)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {};
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
	if (bind(s, reinterpret_cast<sockaddr *>(&sa), sizeof(sa)) < 0 || listen(s, 1) < 0) {
		close(s);
		return -1;
	}
	return s;
}

int ReceiveFd(int listener)
{
	struct pollfd p = {listener, POLLIN, 0};
	if (poll(&p, 1, Patience()) != 1)
		return -1;
	int conn = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
	char data[64], control[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = {data, sizeof(data)};
	struct msghdr mh = {};
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control;
	mh.msg_controllen = sizeof(control);
	int fd = -1;
	if (recvmsg(conn, &mh, MSG_CMSG_CLOEXEC) > 0 && CMSG_FIRSTHDR(&mh) != nullptr &&
	    CMSG_FIRSTHDR(&mh)->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	close(conn);
	return fd;
}

std::string ReadUntil(int fd, const std::string &needle)
{
	std::string got;
	char buf[512];
	while (got.find(needle) == std::string::npos) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, Patience()) != 1)
			break;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		got.append(buf, static_cast<size_t>(n));
	}
	return got;
}

} // namespace kk_it
