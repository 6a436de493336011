/* Writing one value to a /proc or /sys file: the init's way of changing
 * its own kernel attributes (oom_score_adj, LSM exec labels). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/process/process_ops.h"
#include "runtime/sys/sys.h"

int kk_proc_write_file(const char *field, const char *path, const char *text, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = kk_sys()->openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return kk_error_sys(err, errno, "%s: open %s", field, path);
	/* These files take one write; a short write is a refusal. */
	n = kk_sys()->write(fd, text, len);
	if (n < 0)
		return kk_error_sys(err, errno, "%s: write %s", field, path);
	if ((size_t)n != len)
		return kk_error_set(err, KK_ERR_SYS, "%s: write %s: short write", field, path);
	return 0;
}
