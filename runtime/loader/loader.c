/* The parent side of the isolation boundary, and the child's entry. */
#define _GNU_SOURCE
#include "runtime/loader/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base/cleanup.h"
#include "base/seal.h"
#include "parser/image.h"
#include "parser/limits.h"
#include "runtime/loader/child.h"

/* How the child ended, as the parent saw it. */
struct outcome {
	bool timed_out;
	int status;		  /* from waitpid */
	struct kk_error reported; /* the child's fixed-size report */
	size_t reported_len;
};

static int elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int)((now.tv_sec - start->tv_sec) * 1000 +
		     (now.tv_nsec - start->tv_nsec) / 1000000);
}

/* Reads what the child reports; returns 1 at EOF, 0 for more, -1 if it
 * sends more than one report (a lying child). */
static int read_report(int fd, struct outcome *out)
{
	unsigned char *at = (unsigned char *)&out->reported + out->reported_len;
	size_t room = sizeof(out->reported) - out->reported_len;
	char extra;
	ssize_t n = room ? read(fd, at, room) : read(fd, &extra, 1);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return 1;
	if (room == 0)
		return -1;
	out->reported_len += (size_t)n;
	return 0;
}

/* Waits for the child to exit, collecting its report, within timeout_ms. */
static int wait_child(pid_t pid, int pidfd, int msg_fd, int timeout_ms, struct outcome *out,
		      struct kk_error *err)
{
	struct timespec start;
	bool exited = false, eof = false;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!exited || !eof) {
		/* After EOF the pipe stays readable (POLLHUP): watch only the pidfd,
		 * or the loop spins until the child is gone. */
		struct pollfd fds[2] = {{pidfd, POLLIN, 0}, {eof ? -1 : msg_fd, POLLIN, 0}};
		int left = timeout_ms - elapsed_ms(&start);

		if (left <= 0 || poll(fds, 2, left) == 0) {
			out->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (fds[1].revents && !eof) {
			int r = read_report(msg_fd, out);
			if (r < 0)
				kill(pid, SIGKILL);
			eof = r != 0;
		}
		exited = exited || (fds[0].revents & POLLIN);
	}
	while (waitpid(pid, &out->status, 0) < 0)
		if (errno != EINTR)
			return kk_error_sys(err, errno, "waiting for the parser child");
	return 0;
}

static const char *signal_reason(int sig)
{
	switch (sig) {
	case SIGSYS:
		return "it made a system call outside its seccomp allowlist";
	case SIGXCPU:
		return "it exceeded its CPU time limit";
	case SIGXFSZ:
		return "it wrote an image over the size limit";
	case SIGSEGV:
	case SIGBUS:
	case SIGABRT:
	case SIGILL:
	case SIGFPE:
		return "it crashed";
	default:
		return "it was killed";
	}
}

/* The child's message is untrusted text: bound it and keep it printable. */
static void adopt_report(struct kk_error *err, const struct kk_error *reported)
{
	memcpy(err->msg, reported->msg, sizeof(err->msg));
	err->code = reported->code == KK_ERR_LIMIT ? KK_ERR_LIMIT : KK_ERR_INVALID;
	err->sys_errno = 0;
	kk_error_make_printable(err);
}

/* Turns the outcome into 0 (an image is waiting) or an error. */
static int judge(enum kk_doc_kind kind, unsigned timeout_ms, const struct outcome *out,
		 struct kk_error *err)
{
	const char *doc = kk_doc_name(kind);
	bool complete = out->reported_len == sizeof(out->reported);

	if (out->timed_out)
		return kk_error_set(err, KK_ERR_ISOLATION, "%s: parser child timed out after %u ms",
				    doc, timeout_ms);
	if (WIFSIGNALED(out->status))
		return kk_error_set(err, KK_ERR_ISOLATION, "%s: parser child killed by %s: %s", doc,
				    strsignal(WTERMSIG(out->status)),
				    signal_reason(WTERMSIG(out->status)));
	if (WIFEXITED(out->status) && WEXITSTATUS(out->status) == 1 && complete &&
	    out->reported.code != KK_OK) {
		adopt_report(err, &out->reported);
		return -1;
	}
	if (WIFEXITED(out->status) && WEXITSTATUS(out->status) == 0 && complete &&
	    out->reported.code == KK_OK)
		return 0;
	return kk_error_set(err, KK_ERR_ISOLATION,
			    "%s: parser child exited with status %d without a coherent report", doc,
			    WIFEXITED(out->status) ? WEXITSTATUS(out->status) : -1);
}

/* Seals the memfd so nobody can change the image under us, then maps a
 * private copy-on-write view to check and relocate. */
static const void *map_image(enum kk_doc_kind kind, int memfd, struct kk_error *err)
{
	const void *root;
	struct stat st;
	void *map;

	if (kk_memfd_seal(memfd) < 0 || fstat(memfd, &st) < 0) {
		kk_error_sys(err, errno, "%s: sealing the spec image", kk_doc_name(kind));
		return NULL;
	}
	if (st.st_size <= 0 || st.st_size > KK_LIMIT_IMAGE_BYTES) {
		kk_error_set(err, KK_ERR_ISOLATION, "%s: spec image of %lld bytes is out of bounds",
			     kk_doc_name(kind), (long long)st.st_size);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, memfd, 0);
	if (map == MAP_FAILED) {
		kk_error_sys(err, errno, "%s: mapping the spec image", kk_doc_name(kind));
		return NULL;
	}
	root = kk_image_open(kind, map, (size_t)st.st_size, err);
	if (root == NULL || mprotect(map, (size_t)st.st_size, PROT_READ) < 0) {
		if (root != NULL)
			kk_error_sys(err, errno, "%s: sealing the document", kk_doc_name(kind));
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	return root;
}

static int spawn(enum kk_doc_kind kind, const char *buf, size_t len, kk_loader_child_fn fn,
		 int memfd, int msg[2], pid_t *pid, struct kk_error *err)
{
	*pid = fork();
	if (*pid < 0)
		return kk_error_sys(err, errno, "%s: forking the parser child", kk_doc_name(kind));
	if (*pid == 0)
		kk_loader_child_main(kind, buf, len, fn, memfd, msg[1]);
	close(msg[1]);
	msg[1] = -1;
	return 0;
}

static int run_child(enum kk_doc_kind kind, const char *buf, size_t len,
		     const struct kk_loader_opts *opts, int memfd, struct kk_error *err)
{
	unsigned timeout = opts && opts->timeout_ms ? opts->timeout_ms : KK_LOADER_TIMEOUT_MS;
	int msg[2] = {-1, -1};
	KK_AUTOCLOSE int pidfd = -1;
	struct outcome out = {0};
	pid_t pid;
	int r;

	if (pipe2(msg, O_CLOEXEC) < 0)
		return kk_error_sys(err, errno, "%s: pipe", kk_doc_name(kind));
	r = spawn(kind, buf, len, opts ? opts->child : NULL, memfd, msg, &pid, err);
	if (r == 0) {
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pidfd < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			r = kk_error_sys(err, errno, "%s: pidfd_open", kk_doc_name(kind));
		}
	}
	if (r == 0)
		r = wait_child(pid, pidfd, msg[0], (int)timeout, &out, err);
	if (r == 0)
		r = judge(kind, timeout, &out, err);
	kk_closep(&msg[0]);
	kk_closep(&msg[1]);
	return r;
}

const void *kk_loader_parse(enum kk_doc_kind kind, const char *buf, size_t len,
			    const struct kk_loader_opts *opts, struct kk_error *err)
{
	KK_AUTOCLOSE int memfd = -1;

	if (len > KK_LIMIT_INPUT_BYTES) {
		kk_error_set(err, KK_ERR_LIMIT,
			     "%s: document is %zu bytes, more than the limit of %u "
			     "(KK_LIMIT_INPUT_BYTES)",
			     kk_doc_name(kind), len, KK_LIMIT_INPUT_BYTES);
		return NULL;
	}
	memfd = memfd_create("kakoi-spec-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0) {
		kk_error_sys(err, errno, "%s: memfd_create", kk_doc_name(kind));
		return NULL;
	}
	if (run_child(kind, buf, len, opts, memfd, err) < 0)
		return NULL;
	return map_image(kind, memfd, err);
}
