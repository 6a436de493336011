#define _GNU_SOURCE
#include "runtime/sys/write.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/sys/sys.h"

int kk_write_value_fd(int fd, const char *path, const void *value, size_t len, struct kk_error *err)
{
	ssize_t n = kk_sys()->write(fd, value, len);

	if (n < 0)
		return kk_error_sys(err, errno, "write %s", path);
	if ((size_t)n != len)
		return kk_error_set(err, KK_ERR_SYS, "write %s: short write", path);
	return 0;
}

int kk_write_value(int dirfd, const char *path, const char *value, struct kk_error *err)
{
	KK_AUTOCLOSE int fd =
		kk_sys()->openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0);

	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", path);
	return kk_write_value_fd(fd, path, value, strlen(value), err);
}
