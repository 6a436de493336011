/* F_SEAL_WRITE fails with EBUSY while any page of the memfd holds an extra
 * reference. Right after the pages were written the kernel can still hold
 * some briefly (per-CPU page batches), and it waits only a few ms itself
 * before giving up; a CI run under load saw it once. Retrying for up to
 * ~100 ms makes that transient harmless; a real pin still fails. */
#define _GNU_SOURCE
#include "base/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

int kk_memfd_seal(int fd)
{
	for (int tries = 0;; tries++) {
		if (fcntl(fd, F_ADD_SEALS, SEALS) == 0)
			return 0;
		if (errno != EBUSY || tries == 20)
			return -1;
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}
