/* The processes of a container that has no cgroup (rootless, not
 * delegated): those whose pid namespace is the init's. A container that
 * shares kakoi's pid namespace has no such boundary, so there the init
 * alone is named. Reads only. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "runtime/container/internal.h"

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
