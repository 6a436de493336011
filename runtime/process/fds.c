/* Which fds the process gets: 0, 1, 2 and --preserve-fds (3 .. 3+N-1),
 * nothing else. Every other fd is marked close-on-exec rather than closed,
 * so the init's own sockets keep working until execve; an fd that leaked
 * into the process (a directory outside the root, the runtime's sockets)
 * is how CVE-2024-21626 escaped. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/exec/ctx.h"
#include "runtime/process/process_ops.h"

/* Without close_range(CLOEXEC) (before Linux 5.11): walk /proc/self/fd. */
static int cloexec_walk(unsigned first, struct kk_error *err)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	if (dir == NULL)
		return kk_error_sys(err, errno, "fds: opendir /proc/self/fd");
	while ((de = readdir(dir)) != NULL) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end != '\0' || end == de->d_name || fd < (long)first || fd == dirfd(dir))
			continue;
		if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) {
			closedir(dir);
			return kk_error_sys(err, errno, "fds: marking fd %ld close-on-exec", fd);
		}
	}
	closedir(dir);
	return 0;
}

static int keep(int fd, struct kk_error *err)
{
	int flags = fcntl(fd, F_GETFD);

	/* A preserved fd the caller did not pass is simply absent. */
	if (flags < 0 && errno == EBADF)
		return 0;
	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return kk_error_sys(err, errno, "fds: keeping preserved fd %d", fd);
	return 0;
}

static int apply(const struct kk_op *op, struct kk_ctx *ctx, struct kk_error *err)
{
	unsigned first = 3 + ctx->preserve_fds;

	(void)op;
	if (close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		if (errno != ENOSYS && errno != EINVAL)
			return kk_error_sys(err, errno, "fds: close_range from %u", first);
		if (cloexec_walk(first, err) < 0)
			return -1;
	}
	for (unsigned fd = 3; fd < first; fd++)
		if (keep((int)fd, err) < 0)
			return -1;
	return 0;
}

static void describe(const struct kk_op *op, char *buf, size_t len)
{
	(void)op;
	snprintf(buf, len, "close-on-exec every fd from 3 + --preserve-fds");
}

static const struct kk_op_type fds_op = {
	.name = "fds",
	.phase = KK_PHASE_INIT_PROCESS,
	.apply = apply,
	.describe = describe,
};

int kk_proc_plan_fds(struct kk_plan *plan, struct kk_error *err)
{
	struct kk_op op = {.type = &fds_op};

	return kk_plan_add(plan, &op, err);
}
