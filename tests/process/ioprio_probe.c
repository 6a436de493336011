/* See ioprio_probe.h: compiled as C so that <linux/ioprio.h> stays out of
 * the C++ translation units. */
#define _GNU_SOURCE
#include "tests/process/ioprio_probe.h"

#include <linux/ioprio.h>
#include <sys/syscall.h>
#include <unistd.h>

long kk_test_ioprio_self(void)
{
	return syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
}
