/* Writing one value to a /proc or /sys file: the init's way of changing
 * its own kernel attributes (oom_score_adj, LSM exec labels). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/process/process_ops.h"
#include "runtime/sys/write.h"

int kk_proc_write_file(const char *field, const char *path, const char *text, struct kk_error *err)
{
	if (kk_write_value(AT_FDCWD, path, text, err) == 0)
		return 0;
	kk_error_prefix(err, "%s", field);
	return -1;
}
