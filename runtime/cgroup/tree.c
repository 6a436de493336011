/* A container's cgroup may hold sub-cgroups: `exec --cgroup` joins ones the
 * caller made. kill --all, delete --force and ps must see their processes,
 * and removal must take them first, as runc does (it lists and removes
 * recursively). cgroupfs has no symlinks, but a directory is never entered
 * through one. There is no depth limit of our own: a container with a
 * writable hierarchy must not be able to make its cgroup undeletable by
 * nesting. Paths are bounded by PATH_MAX as runc's are; each level's path
 * is on the heap so the stack holds only small frames. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup_backend.h"

static bool is_subdir(DIR *d, const struct dirent *e)
{
	struct stat st;

	if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
		return false;
	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	return fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int walk(const char *dir, const struct cg_tree_visit *v, struct kk_error *err)
{
	KK_AUTOFREE char *sub = malloc(PATH_MAX);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (sub == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup %s", dir);
	if (v->pre != NULL && v->pre(dir, v->arg, err) < 0)
		return -1;
	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : kk_error_sys(err, errno, "open cgroup %s", dir);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (!is_subdir(d, e))
			continue;
		if ((size_t)snprintf(sub, PATH_MAX, "%s/%s", dir, e->d_name) >= PATH_MAX)
			rc = kk_error_set(err, KK_ERR_LIMIT, "cgroup %s/%s: path too long", dir,
					  e->d_name);
		else
			rc = walk(sub, v, err);
	}
	closedir(d);
	if (rc == 0 && v->post != NULL)
		rc = v->post(dir, v->arg, err);
	return rc;
}

int cg_tree_walk(const char *dir, const struct cg_tree_visit *v, struct kk_error *err)
{
	return walk(dir, v, err);
}

static int remove_one(const char *dir, void *arg, struct kk_error *err)
{
	const char *top = arg;

	if (strcmp(dir, top) == 0)
		return 0; /* the caller removes the top, with its own message */
	if (cg_rmdir(dir) < 0)
		return kk_error_sys(err, errno, "remove cgroup %s", dir);
	return 0;
}

int cg_remove_subtree(const char *dir, struct kk_error *err)
{
	const struct cg_tree_visit v = {.post = remove_one, .arg = (void *)dir};

	return cg_tree_walk(dir, &v, err);
}
