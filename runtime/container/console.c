/* The container's session and terminal. Every init starts a new session (as
 * runc's does); with process.terminal it also gets a pty made inside the
 * container's own devpts, as stdio and controlling terminal, and the master
 * goes to the runtime, which passes it to --console-socket or relays it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/internal.h"
#include "runtime/container/sync.h"
#include "runtime/sys/sys.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int make_stdio(int slave, const struct kk_console_size *size, struct kk_error *err)
{
	if (size != NULL) {
		struct winsize ws = {.ws_row = (unsigned short)size->height,
				     .ws_col = (unsigned short)size->width};

		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return kk_error_sys(err, errno, "process.consoleSize: TIOCSWINSZ");
	}
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return kk_error_sys(err, errno, "dup2 the pty to fd %d", fd);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return kk_error_sys(err, errno, "make the pty the controlling terminal");
	return 0;
}

/* The ptmx node of a devpts mount (its inode 2), or the /dev/ptmx char
 * device (5:2) bound or linked to one. */
static bool on_devpts(int fd)
{
	struct statfs fs;
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode))
		return false;
	if (major(st.st_rdev) == 5 && minor(st.st_rdev) == 2)
		return true;
	return fstatfs(fd, &fs) == 0 && fs.f_type == DEVPTS_SUPER_MAGIC;
}

enum { CONSOLE_TTY = 1, CONSOLE_BIND = 2 };

/* config-linux.md: with a terminal the pty is bind-mounted on /dev/console
 * (the init's only, as runc does). Runs after pivot_root, so the path is
 * the container's own. Nothing there is removed or changed: a /dev bound
 * from elsewhere may hold a real console node. A missing one is created as
 * a plain file to mount on; a regular file or character device is mounted
 * over; anything else (a link, a directory) is refused, never followed. */
static int console_target(struct kk_error *err)
{
	struct stat st;
	int fd = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		fd = kk_sys()->openat(AT_FDCWD, "/dev/console",
				      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return kk_error_sys(err, errno, "process.terminal: create /dev/console");
		return fd;
	}
	if (fd < 0)
		return kk_error_sys(err, errno, "process.terminal: open /dev/console");
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
		close(fd);
		return kk_error_set(err, KK_ERR_ISOLATION,
				    "process.terminal: /dev/console is neither a file nor a "
				    "character device");
	}
	return fd;
}

static int bind_console(int slave, struct kk_error *err)
{
	char source[32], target[32];
	KK_AUTOCLOSE int fd = console_target(err);

	if (fd < 0)
		return -1;
	snprintf(source, sizeof(source), "/proc/self/fd/%d", slave);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (kk_sys()->mount(source, target, NULL, MS_BIND, NULL) < 0)
		return kk_error_sys(err, errno, "process.terminal: bind the pty on /dev/console");
	return 0;
}

static int console_apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	KK_AUTOCLOSE int master = -1;
	KK_AUTOCLOSE int slave = -1;
	int unlock = 0;

	if (setsid() < 0)
		return kk_error_sys(err, errno, "setsid");
	if (!(op->num & CONSOLE_TTY))
		return 0;
	/* The container's /dev/ptmx, i.e. its own devpts instance. The
	 * container owns that path: whatever it points at must be a devpts
	 * ptmx, or nothing is done with it (no ioctl on a stranger's file). */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (master < 0)
		return kk_error_sys(err, errno, "process.terminal: open /dev/ptmx");
	if (!on_devpts(master))
		return kk_error_set(err, KK_ERR_ISOLATION,
				    "process.terminal: /dev/ptmx is not a devpts ptmx");
	if (fcntl(master, F_SETFL, 0) < 0)
		return kk_error_sys(err, errno, "process.terminal: /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return kk_error_sys(err, errno, "process.terminal: unlock the pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return kk_error_sys(err, errno, "process.terminal: open the pty's peer");
	if (make_stdio(slave, ctx->spec->process->console_size, err) < 0)
		return -1;
	if ((op->num & CONSOLE_BIND) && bind_console(slave, err) < 0)
		return -1;
	return kk_msg_send(ctx->sync_fd, KK_MSG_CONSOLE, master, err);
}

static void console_describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s",
		 op->num & CONSOLE_TTY ? "new session; pty from the container's /dev/ptmx as stdio"
				       : "new session; stdio inherited from the caller",
		 op->num & CONSOLE_BIND ? ", bound on /dev/console" : "");
}

static const struct kk_op_type op_console = {
	.name = "session",
	.phase = KK_PHASE_INIT_CREATED,
	.apply = console_apply,
	.describe = console_describe,
};

int kk_plan_console(struct kk_plan *plan, const struct kk_spec *spec, bool init,
		    struct kk_error *err)
{
	bool tty = spec->process->terminal;
	struct kk_op op = {.type = &op_console,
			   .num = (tty ? CONSOLE_TTY : 0) | (tty && init ? CONSOLE_BIND : 0)};

	return kk_plan_add(plan, &op, err);
}

int kk_sockaddr_at(int dir_fd, const char *name, struct sockaddr_un *sa, socklen_t *len,
		   struct kk_error *err)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (dir_fd == AT_FDCWD)
		n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", name);
	else
		n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dir_fd,
			     name);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
		return kk_error_set(err, KK_ERR_INVALID, "socket path too long: %s", name);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
	return 0;
}

int kk_console_connect(const char *socket_path, struct kk_error *err)
{
	struct sockaddr_un sa;
	socklen_t len;
	KK_AUTOCLOSE int sock = -1;

	if (kk_sockaddr_at(AT_FDCWD, socket_path, &sa, &len, err) < 0)
		return -1;
	sock = kk_sys()->socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || kk_sys()->connect(sock, (struct sockaddr *)&sa, len) < 0)
		return kk_error_sys(err, errno, "--console-socket: connect %s", socket_path);
	return kk_steal_fd(&sock);
}

int kk_console_pass(int sock, const char *socket_path, int fd, struct kk_error *err)
{
	char name[] = "/dev/ptmx";
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {0};
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return kk_error_sys(err, errno, "--console-socket: send the pty to %s",
				    socket_path);
	return 0;
}

int kk_console_send(const char *socket_path, int fd, struct kk_error *err)
{
	KK_AUTOCLOSE int sock = kk_console_connect(socket_path, err);

	if (sock < 0)
		return -1;
	return kk_console_pass(sock, socket_path, fd, err);
}
