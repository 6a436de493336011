/* The parser child. Everything that needs a resource the sandbox will take
 * away (closing fds, json-c's one-time hash seed) happens before the
 * sandbox; after it, only memory, write to three fds, and exit remain. */
#define _GNU_SOURCE
#include "runtime/loader/child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-c/json.h>

#include "parser/image.h"
#include "runtime/loader/sandbox.h"

enum { IMAGE_FD = 3, MSG_FD = 4 };

static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int parse_to_image(enum kk_doc_kind kind, const char *buf, size_t len, int image_fd,
			  struct kk_error *err)
{
	size_t image_len = 0;
	void *image = kk_image_build(kind, buf, len, &image_len, err);
	int r;

	if (image == NULL)
		return -1;
	r = write_all(image_fd, image, image_len);
	free(image);
	if (r < 0)
		return kk_error_sys(err, errno, "%s: writing the spec image", kk_doc_name(kind));
	return 0;
}

/* Puts the two channel fds at fixed numbers and closes everything else, so
 * nothing the runtime holds is reachable from the parser. */
static int isolate_fds(int image_fd, int msg_fd, struct kk_error *err)
{
	int image = dup(image_fd), msg = dup(msg_fd);

	if (image < 0 || msg < 0 || dup2(image, IMAGE_FD) < 0 || dup2(msg, MSG_FD) < 0)
		return kk_error_sys(err, errno, "sandbox: arranging fds");
	if (close_range(MSG_FD + 1, ~0u, 0) < 0)
		return kk_error_sys(err, errno, "sandbox: closing inherited fds");
	close(0);
	close(1);
#ifndef KK_SANITIZED
	/* Nothing the child writes may reach the caller's terminal unchecked:
	 * its one channel out is the report. */
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, 2) < 0)
		return kk_error_sys(err, errno, "sandbox: redirecting stderr");
	close(null);
#endif
	return 0;
}

/* json-c seeds its string hash once, reading /dev/urandom or getrandom(). */
static void warm_up_json_c(void)
{
	json_object_put(json_tokener_parse("{\"k\":[1.5,\"v\",true]}"));
}

static int confine(int image_fd, int msg_fd, struct kk_error *err)
{
#ifdef KK_SANITIZED
	static const int writable[] = {2, IMAGE_FD, MSG_FD, -1};
#else
	static const int writable[] = {IMAGE_FD, MSG_FD, -1};
#endif

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return kk_error_sys(err, errno, "sandbox: PR_SET_PDEATHSIG");
	if (isolate_fds(image_fd, msg_fd, err) < 0)
		return -1;
	warm_up_json_c();
	if (kk_sandbox_rlimits(err) < 0 || kk_sandbox_drop_caps(err) < 0)
		return -1;
	return kk_sandbox_seccomp(writable, err);
}

void kk_loader_child_main(enum kk_doc_kind kind, const char *buf, size_t len, kk_loader_child_fn fn,
			  int image_fd, int msg_fd)
{
	struct kk_error err;
	int r;

	memset(&err, 0, sizeof(err));
	r = confine(image_fd, msg_fd, &err);
	if (r == 0)
		r = (fn ? fn : parse_to_image)(kind, buf, len, IMAGE_FD, &err);
	if (r == 0)
		kk_error_clear(&err);
	else if (err.code == KK_OK)
		kk_error_set(&err, KK_ERR_INTERNAL, "%s: parser child failed", kk_doc_name(kind));
	/* If confining failed before MSG_FD existed, the parent sees no report. */
	write_all(MSG_FD, &err, sizeof(err));
	/* The raw syscall: sanitizer runtimes hook _exit() with calls the
	 * allowlist refuses. */
	syscall(SYS_exit_group, r == 0 ? 0 : 1);
	__builtin_unreachable();
}
