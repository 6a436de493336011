/* A container that could open /proc/<pid>/exe of a kakoi process while it
 * runs in the container's namespaces could, once kakoi exits, reopen it for
 * writing and replace the runtime on the host (CVE-2019-5736). The init is
 * not dumpable, which already stops processes without CAP_SYS_PTRACE; this
 * is the second wall: the binary behind /proc/self/exe is a memfd whose
 * contents are sealed, so there is nothing on disk to reach and nothing
 * writable. runc and crun do the same. */
#define _GNU_SOURCE
#include "runtime/cli/selfclone.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/seal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool is_sealed_copy(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	return seals >= 0 && (seals & SEALS) == SEALS;
}

static int copy_all(int from, int to, off_t size)
{
	off_t off = 0;

	while (off < size) {
		ssize_t n = sendfile(to, from, &off, (size_t)(size - off));

		if (n == 0)
			errno = EIO; /* the binary shrank under us */
		if (n <= 0)
			return -1;
	}
	return 0;
}

int kk_ensure_sealed_binary(char **argv, struct kk_error *err)
{
	KK_AUTOCLOSE int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	KK_AUTOCLOSE int copy = -1;
	struct stat st;

	if (self < 0)
		return kk_error_sys(err, errno, "open /proc/self/exe");
	if (is_sealed_copy(self))
		return 0;
	if (fstat(self, &st) < 0)
		return kk_error_sys(err, errno, "stat /proc/self/exe");
	copy = memfd_create("kakoi", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0)
		return kk_error_sys(err, errno, "memfd_create for the sealed binary");
	if (copy_all(self, copy, st.st_size) < 0)
		return kk_error_sys(err, errno, "copy the kakoi binary into a memfd");
	if (kk_memfd_seal(copy) < 0)
		return kk_error_sys(err, errno, "seal the kakoi binary copy");
	fexecve(copy, argv, environ);
	return kk_error_sys(err, errno, "execute the sealed kakoi binary");
}
