/* The container's status comes from the real process, never from a file
 * alone: the record names a pid and its start time, and only a live,
 * non-zombie process with both matching is the container's init. A pid the
 * kernel has since given to another process is told apart by its start
 * time, so it is never reported as running nor signalled. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "parser/vocab.h"
#include "runtime/state/state.h"

/* Field 22 of /proc/<pid>/stat, counted from the state (field 3). */
#define STAT_FIELD_STATE 3
#define STAT_FIELD_STARTTIME 22

struct proc_stat {
	char state;
	uint64_t start_time;
};

static int read_stat_line(pid_t pid, char *buf, size_t size, struct kk_error *err)
{
	char path[64];
	KK_AUTOCLOSE int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kk_error_sys(err, errno, "read %s", path);
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return kk_error_sys(err, errno, "read %s", path);
	buf[n] = '\0';
	return 0;
}

/* comm (field 2) is "(name)" where name may hold spaces and ')': the fields
 * after it start after the LAST ')'. */
static int parse_stat(pid_t pid, const char *line, struct proc_stat *st, struct kk_error *err)
{
	const char *p = strrchr(line, ')');
	int field = STAT_FIELD_STATE;

	if (p == NULL || p[1] != ' ')
		return kk_error_set(err, KK_ERR_INTERNAL, "/proc/%d/stat: no comm field", (int)pid);
	p += 2;
	st->state = *p;
	for (; field < STAT_FIELD_STARTTIME; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return kk_error_set(err, KK_ERR_INTERNAL, "/proc/%d/stat: %d fields",
					    (int)pid, field);
		p++;
	}
	if (*p < '0' || *p > '9')
		return kk_error_set(err, KK_ERR_INTERNAL, "/proc/%d/stat: bad start time",
				    (int)pid);
	st->start_time = strtoull(p, NULL, 10);
	return 0;
}

static int proc_stat(pid_t pid, struct proc_stat *st, struct kk_error *err)
{
	/* comm is at most 64 bytes; the 50-odd numeric fields fit easily. */
	char line[2048];

	if (pid <= 0)
		return kk_error_set(err, KK_ERR_INVALID, "no process with pid %d", (int)pid);
	if (read_stat_line(pid, line, sizeof(line), err) < 0)
		return -1;
	return parse_stat(pid, line, st, err);
}

int kk_pid_start_time(pid_t pid, uint64_t *start_time, struct kk_error *err)
{
	struct proc_stat st;

	if (proc_stat(pid, &st, err) < 0)
		return -1;
	*start_time = st.start_time;
	return 0;
}

bool kk_record_alive(const struct kk_record *rec)
{
	struct kk_error ignored = {0};
	struct proc_stat st;

	if (proc_stat(rec->pid, &st, &ignored) < 0)
		return false;
	/* Z: exited, not yet reaped; X: being torn down. Both are gone. */
	return st.start_time == rec->start_time && st.state != 'Z' && st.state != 'X' &&
	       st.state != 'x';
}

int kk_record_status(const struct kk_record *rec)
{
	/* A create that died after the clone leaves a dead init: stopped. */
	if (!(rec->flags & KK_RECORD_CREATED))
		return rec->pid > 0 && !kk_record_alive(rec) ? KK_STATUS_STOPPED
							     : KK_STATUS_CREATING;
	if (!kk_record_alive(rec))
		return KK_STATUS_STOPPED;
	return rec->flags & KK_RECORD_STARTED ? KK_STATUS_RUNNING : KK_STATUS_CREATED;
}

int kk_record_pidfd(const struct kk_record *rec, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = -1;

	if (rec->pid <= 0)
		return kk_error_set(err, KK_ERR_INVALID, "container not running");
	fd = (int)syscall(SYS_pidfd_open, rec->pid, 0);
	if (fd < 0 && errno == ESRCH)
		return kk_error_set(err, KK_ERR_INVALID, "container not running");
	if (fd < 0)
		return kk_error_sys(err, errno, "pidfd_open %d", (int)rec->pid);
	/* Checked after opening: if the start time still matches now, the pid
	 * was not recycled before the open, so fd holds the container's init. */
	if (!kk_record_alive(rec))
		return kk_error_set(err, KK_ERR_INVALID, "container not running");
	return kk_steal_fd(&fd);
}

bool kk_record_init_gone(const struct kk_record *rec)
{
	struct kk_error ignored = {0};
	KK_AUTOCLOSE int fd = -1;
	struct pollfd p;
	uint64_t start;

	if (rec->pid <= 0)
		return false;
	fd = (int)syscall(SYS_pidfd_open, rec->pid, 0);
	if (fd < 0)
		return errno == ESRCH;
	/* Read after the open: a match means fd is the init's (kk_record_pidfd). */
	if (kk_pid_start_time(rec->pid, &start, &ignored) < 0)
		return false;
	if (start != rec->start_time)
		return true;
	/* Readable once the whole thread group has exited: a zombie leader
	 * whose other threads run on is not. */
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	return poll(&p, 1, 0) == 1;
}
