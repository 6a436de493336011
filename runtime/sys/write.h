/* Writing one value to a kernel file (cgroupfs, procfs, sysfs) through the
 * seam. These files parse each write(2) as one command, so the value goes
 * in a single write and a short write is a refusal, not a reason to retry. */
#ifndef KK_RUNTIME_SYS_WRITE_H
#define KK_RUNTIME_SYS_WRITE_H

#include <stddef.h>

#include "base/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes len bytes of value to fd in one write; path names the file in errors. */
int kk_write_value_fd(int fd, const char *path, const void *value, size_t len,
		      struct kk_error *err);

/* Opens path (O_WRONLY, relative to dirfd) and writes the NUL-terminated value. */
int kk_write_value(int dirfd, const char *path, const char *value, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
