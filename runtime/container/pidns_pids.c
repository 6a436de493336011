/* The processes of a container that has no cgroup (rootless, not
 * delegated): those whose pid namespace is the init's. A container that
 * shares kakoi's pid namespace has no such boundary, so there the init
 * alone is named. Listing reads only; signalling goes through a pidfd
 * taken before the namespace is checked again, so a pid reused in between
 * is never signalled (the pidfd keeps its number from being reused). */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/internal.h"
#include "runtime/sys/sys.h"

static bool pidns_of(const char *pid, struct stat *st)
{
	char path[300];

	return snprintf(path, sizeof(path), "/proc/%s/ns/pid", pid) < (int)sizeof(path) &&
	       stat(path, st) == 0;
}

static int push(pid_t **pids, size_t *n, pid_t pid, struct kk_error *err)
{
	pid_t *grown = realloc(*pids, (*n + 1) * sizeof(**pids));

	if (grown == NULL)
		return kk_error_sys(err, ENOMEM, "ps");
	grown[(*n)++] = pid;
	*pids = grown;
	return 0;
}

int kk_pidns_pids(pid_t init, pid_t **pids, size_t *n, struct kk_error *err)
{
	struct stat want, own, st;
	char name[16];
	struct dirent *e;
	DIR *proc;
	int rc = 0;

	*pids = NULL;
	*n = 0;
	snprintf(name, sizeof(name), "%d", (int)init);
	if (!pidns_of(name, &want))
		return kk_error_sys(err, errno, "ps: /proc/%d/ns/pid", (int)init);
	if (!pidns_of("self", &own) || (own.st_ino == want.st_ino && own.st_dev == want.st_dev))
		return push(pids, n, init, err);
	proc = opendir("/proc");
	if (proc == NULL)
		return kk_error_sys(err, errno, "ps: /proc");
	while (rc == 0 && (e = readdir(proc)) != NULL)
		if (isdigit((unsigned char)e->d_name[0]) && pidns_of(e->d_name, &st) &&
		    st.st_ino == want.st_ino && st.st_dev == want.st_dev)
			rc = push(pids, n, (pid_t)atoi(e->d_name), err);
	closedir(proc);
	if (rc < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
	}
	return rc;
}

static bool same_ns(pid_t pid, const struct stat *want)
{
	char name[16];
	struct stat st;

	snprintf(name, sizeof(name), "%d", (int)pid);
	return pidns_of(name, &st) && st.st_ino == want->st_ino && st.st_dev == want->st_dev;
}

/* sig to pid if, once held by a pidfd, it is still in the namespace. */
static int signal_member(pid_t pid, const struct stat *ns, int sig, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0 || !same_ns(pid, ns))
		return 0; /* gone, or no longer the container's */
	if (kk_sys()->pidfd_send_signal(fd, sig, NULL, 0) < 0 && errno != ESRCH)
		return kk_error_sys(err, errno, "signal %d to pid %d", sig, (int)pid);
	return 0;
}

int kk_pidns_signal(pid_t init, int sig, struct kk_error *err)
{
	KK_AUTOFREE pid_t *pids = NULL;
	struct stat ns;
	char name[16];
	size_t n = 0;

	snprintf(name, sizeof(name), "%d", (int)init);
	if (!pidns_of(name, &ns))
		return 0; /* the init is gone, and its namespace with it */
	if (kk_pidns_pids(init, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (signal_member(pids[i], &ns, sig, err) < 0)
			return -1;
	return 0;
}
