/* The foreground loop of run and exec: signals to the container's process,
 * the terminal both ways. */
#define _GNU_SOURCE
#include "runtime/cli/relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Returns 1 when the child has exited. */
static int reap(pid_t pid, int *status)
{
	pid_t r = waitpid(pid, status, WNOHANG);

	return r == pid ? 1 : 0;
}

static void copy(int from, int to, bool *open)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0) {
		*open = false;
		return;
	}
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w <= 0)
			return;
		off += w;
	}
}

/* The caller's terminal size to the container's pty (nothing when our
 * stdin is no terminal: then process.consoleSize stays). */
static void resize(int console)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(console, TIOCSWINSZ, &ws);
}

static void forward(int sfd, pid_t pid, int console)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (si.ssi_signo == SIGWINCH && console >= 0) {
			resize(console);
			continue;
		}
		kill(pid, (int)si.ssi_signo);
	}
}

/* The container's pty does the line discipline; ours must pass keys through. */
static bool make_raw(struct termios *saved)
{
	struct termios raw;

	if (!isatty(0) || tcgetattr(0, saved) < 0)
		return false;
	raw = *saved;
	cfmakeraw(&raw);
	return tcsetattr(0, TCSANOW, &raw) == 0;
}

static int relay_loop(int sfd, pid_t pid, int console, int *status, struct kk_error *err)
{
	bool in_open = console >= 0, out_open = console >= 0;

	for (;;) {
		struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
				      {.fd = in_open ? 0 : -1, .events = POLLIN},
				      {.fd = out_open ? console : -1, .events = POLLIN}};

		if (reap(pid, status))
			break;
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return kk_error_sys(err, errno, "run: poll");
		if (p[0].revents)
			forward(sfd, pid, console);
		if (p[1].revents)
			copy(0, console, &in_open);
		if (p[2].revents)
			copy(console, 1, &out_open);
	}
	while (out_open) {
		struct pollfd p = {.fd = console, .events = POLLIN};

		if (poll(&p, 1, 0) <= 0)
			break;
		copy(console, 1, &out_open);
	}
	return 0;
}

int kk_relay_until_exit(int sfd, pid_t pid, int console, int *status, struct kk_error *err)
{
	struct termios saved;
	bool raw = console >= 0 && make_raw(&saved);
	int rc;

	/* As runc does on start: a SIGWINCH before ours was blocked is lost. */
	if (console >= 0)
		resize(console);
	rc = relay_loop(sfd, pid, console, status, err);

	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	return rc;
}
