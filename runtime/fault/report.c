/* The report file: a header slot (used text slots, the run's shared call
 * count, whether the run's fault fired), then fixed-size text slots, one per
 * fired fault, shared by every kakoi_fault process that mapped it. */
#define _GNU_SOURCE
#include "runtime/fault/fault_report.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define KK_FAULT_SLOT 128
#define KK_FAULT_SLOTS 63
#define KK_FAULT_REPORT_SIZE (KK_FAULT_SLOT * (KK_FAULT_SLOTS + 1))

struct kk_fault_header {
	uint32_t used;
	uint32_t fired;
	uint64_t calls;
};

static char *kk_fault_map;

static struct kk_fault_header *header(void)
{
	return (struct kk_fault_header *)kk_fault_map;
}

bool kk_fault_report_mapped(void)
{
	return kk_fault_map != NULL;
}

long kk_fault_report_next_call(void)
{
	if (kk_fault_map == NULL)
		return 0;
	return (long)__atomic_add_fetch(&header()->calls, 1, __ATOMIC_SEQ_CST);
}

bool kk_fault_report_claim(void)
{
	uint32_t none = 0;

	if (kk_fault_map == NULL)
		return true;
	return __atomic_compare_exchange_n(&header()->fired, &none, 1, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

void kk_fault_report_open(const char *path)
{
	struct stat st;
	int fd;
	void *map;

	if (path == NULL || path[0] == '\0')
		return;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	/* Processes of one run share the file: only ever grow it. */
	if (fstat(fd, &st) < 0 ||
	    (st.st_size < KK_FAULT_REPORT_SIZE && ftruncate(fd, KK_FAULT_REPORT_SIZE) < 0)) {
		close(fd);
		return;
	}
	map = mmap(NULL, KK_FAULT_REPORT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map != MAP_FAILED)
		kk_fault_map = map;
}

void kk_fault_report_fired(long n, const char *name, const char *action)
{
	char line[KK_FAULT_SLOT];
	uint32_t slot;

	snprintf(line, sizeof(line), "fault fired at %ld: %s (pid %d)%s%s\n", n, name,
		 (int)getpid(), action != NULL ? ": " : "", action != NULL ? action : "");
	if (kk_fault_map == NULL) {
		/* The parser child's seccomp may refuse the write: best effort. */
		(void)!write(STDERR_FILENO, line, strlen(line));
		return;
	}
	/* Slot 0 holds the header; the text slots follow. */
	slot = __atomic_fetch_add(&header()->used, 1, __ATOMIC_SEQ_CST);
	if (slot < KK_FAULT_SLOTS)
		memcpy(kk_fault_map + KK_FAULT_SLOT * (slot + 1), line, strlen(line));
}
