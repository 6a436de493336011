/* The id maps of an unprivileged runtime. The kernel lets a user write
 * one mapping of its own id into a user namespace it made (and a gid map
 * only once setgroups is "deny", or the user could drop a group that
 * denies it access). Anything more is for the setuid helpers newuidmap and
 * newgidmap (Debian's uidmap), which check the caller's /etc/subuid and
 * /etc/subgid ranges: runc and crun decide the same way. The maps live
 * and die with the init's namespace, whose undo kills the init: nothing
 * else to undo. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/container/namespaces.h"
#include "runtime/sys/write.h"

/* One mapping of exactly the caller's own id: what the kernel allows. */
static bool own_id_only(const struct kk_id_mappings *m, unsigned id)
{
	return m->n == 1 && m->v[0].size == 1 && m->v[0].host_id == id;
}

/* The helper's path: the first in $PATH, then /usr/bin (kakoi may run with
 * a bare environment from a manager). false when there is none. */
static bool find_helper(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof(dirs), "%s:/usr/bin:/bin", path != NULL ? path : "");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d != NULL;
	     d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/' || snprintf(out, len, "%s/%s", d, name) >= (int)len)
			continue;
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/* argv for `newuidmap PID c h s [c h s ...]`, numbers in one buffer. */
static char **helper_argv(const char *path, pid_t pid, const struct kk_id_mappings *m, char *buf,
			  size_t len)
{
	char **argv = calloc(3 + 3 * m->n, sizeof(*argv));
	size_t used = 0, k = 0;

	if (argv == NULL)
		return NULL;
	argv[k++] = (char *)path;
	for (size_t i = 0; i <= 3 * m->n; i++) {
		const struct kk_id_mapping *e = i > 0 ? &m->v[(i - 1) / 3] : NULL;
		unsigned long v = i == 0	     ? (unsigned long)pid
				  : (i - 1) % 3 == 0 ? e->container_id
				  : (i - 1) % 3 == 1 ? e->host_id
						     : e->size;
		int n = snprintf(buf + used, len - used, "%lu", v);

		if (n < 0 || (size_t)n >= len - used) {
			free(argv);
			return NULL;
		}
		argv[k++] = buf + used;
		used += (size_t)n + 1;
	}
	return argv;
}

/* Runs the helper, its stderr kept for the error (it says which range of
 * /etc/subuid is missing). */
static int run_helper(char **argv, const char *field, struct kk_error *err)
{
	int p[2], status = 0;
	char why[512] = "";
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return kk_error_sys(err, errno, "%s: pipe for %s", field, argv[0]);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		dup2(p[1], STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	n = pid > 0 ? read(p[0], why, sizeof(why) - 1) : 0;
	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
	close(p[0]);
	if (pid < 0)
		return kk_error_sys(err, errno, "%s: fork for %s", field, argv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return kk_error_set(err, KK_ERR_INVALID, "%s: %s failed%s%s", field, argv[0],
			    why[0] ? ": " : " (status ", why[0] ? why : "see its output)");
}

static int with_helper(const char *name, const char *field, pid_t pid,
		       const struct kk_id_mappings *m, unsigned own, struct kk_error *err)
{
	char path[PATH_MAX], nums[16384];
	char **argv;
	int rc;

	if (!find_helper(name, path, sizeof(path)))
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s: rootless kakoi maps only its own id (%u) itself; these "
				    "mappings need %s (Debian package uidmap) and ranges for this "
				    "user in /etc/subuid and /etc/subgid: %s not found",
				    field, own, name, name);
	argv = helper_argv(path, pid, m, nums, sizeof(nums));
	if (argv == NULL)
		return kk_error_set(err, KK_ERR_LIMIT, "%s: too many mappings", field);
	rc = run_helper(argv, field, err);
	free(argv);
	return rc;
}

static int write_proc(pid_t pid, const char *file, const char *text, const char *field,
		      struct kk_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (kk_write_value(AT_FDCWD, path, text, err) < 0) {
		kk_error_prefix(err, "%s", field);
		return -1;
	}
	return 0;
}

static int own_map(pid_t pid, const char *file, const struct kk_id_mappings *m, const char *field,
		   struct kk_error *err)
{
	char text[64];

	snprintf(text, sizeof(text), "%u %u 1\n", m->v[0].container_id, m->v[0].host_id);
	return write_proc(pid, file, text, field, err);
}

int kk_idmap_unprivileged(pid_t pid, const struct kk_linux *lx, struct kk_error *err)
{
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	const char *gfield = "linux.gidMappings", *ufield = "linux.uidMappings";

	if (own_id_only(&lx->gid_mappings, gid)) {
		if (write_proc(pid, "setgroups", "deny", gfield, err) < 0 ||
		    own_map(pid, "gid_map", &lx->gid_mappings, gfield, err) < 0)
			return -1;
	} else if (with_helper("newgidmap", gfield, pid, &lx->gid_mappings, gid, err) < 0) {
		return -1;
	}
	if (own_id_only(&lx->uid_mappings, uid))
		return own_map(pid, "uid_map", &lx->uid_mappings, ufield, err);
	return with_helper("newuidmap", ufield, pid, &lx->uid_mappings, uid, err);
}
