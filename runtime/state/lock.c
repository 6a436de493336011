/* The per-container lock: every command on one ID runs under it, so a
 * `delete` cannot interleave with a `start` of the same container. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>

#include "base/cleanup.h"
#include "runtime/state/state.h"

int kk_state_lock(int dir_fd, struct kk_error *err)
{
	/* flock locks the open file description, not the inode: a fresh one per
	 * call makes two callers in one process contend like two processes,
	 * and a dup of the caller's dir_fd could never lock against itself. */
	KK_AUTOCLOSE int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return kk_error_sys(err, errno, "lock the container state: open");
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return kk_error_sys(err, errno, "lock the container state");
	}
	return kk_steal_fd(&fd);
}
