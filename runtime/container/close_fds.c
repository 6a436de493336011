/* What a process that will enter the container may hold. Everything the
 * runtime opened (the state directory, its lock, the root) and whatever the
 * caller leaked to kakoi must be closed, not merely marked close-on-exec:
 * until execve, paths the container controls are resolved (the executable,
 * /dev/ptmx), and an open host directory is a way out through
 * /proc/self/fd/N/.. (CVE-2024-21626). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "runtime/container/internal.h"

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void kk_close_fds_except(unsigned from, int *keep, size_t n)
{
	qsort(keep, n, sizeof(int), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}
