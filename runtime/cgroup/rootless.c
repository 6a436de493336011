/* What a rootless kakoi may do with cgroups. The host's hierarchies belong
 * to root; a user owns at most a delegated subtree (systemd's user slice on
 * a v2 host, or one an administrator chowned). Whether the container's
 * cgroup can be made and entered is read from the file modes before the
 * plan, so the decision (use it, go on without one, or refuse) is made once
 * and shows in `kakoi plan`. On a hybrid host the user may own a subtree of
 * the unified hierarchy and none of the v1 ones: the cgroup is then made
 * where it can be, and the later verbs find it where its directory exists.
 * Touches nothing on the host. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_backend.h"

/* Writable with our effective ids (access(2) would ask for the real ones). */
static bool can_write(const char *path)
{
	return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

/* Can we mkdir the missing part of dir and write its cgroup.procs? The
 * nearest existing ancestor must be writable to us; an existing directory
 * needs a writable cgroup.procs. */
static bool hier_writable(const struct cg_hier *h)
{
	char path[PATH_MAX];
	char *slash;

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", h->dir) >= (int)sizeof(path))
		return false;
	if (access(h->dir, F_OK) == 0)
		return can_write(path);
	snprintf(path, sizeof(path), "%s", h->dir);
	while ((slash = strrchr(path, '/')) != NULL && slash > path) {
		*slash = '\0';
		if (access(path, F_OK) == 0)
			return can_write(path);
	}
	return false;
}

static void hier_free(struct cg_hier *h)
{
	for (size_t j = 0; j < h->n_ctrl; j++)
		free(h->ctrl[j]);
	free(h->ctrl);
	free(h->name);
	free(h->root);
	free(h->dir);
}

/* Keeps the hierarchies for which keep() holds, in order; the first
 * dropped one's directory goes to dropped ("" when none). */
static size_t keep_if(struct kk_cgroup *cg, bool (*keep)(const struct cg_hier *), char *dropped,
		      size_t len)
{
	size_t kept = 0;

	dropped[0] = '\0';
	for (size_t i = 0; i < cg->n; i++) {
		if (keep(&cg->h[i])) {
			cg->h[kept++] = cg->h[i];
			continue;
		}
		if (dropped[0] == '\0')
			snprintf(dropped, len, "%s", cg->h[i].dir);
		hier_free(&cg->h[i]);
	}
	cg->n = kept;
	return kept;
}

size_t kk_cgroup_keep_writable(struct kk_cgroup *cg, char *dropped, size_t len)
{
	return keep_if(cg, hier_writable, dropped, len);
}

static bool hier_exists(const struct cg_hier *h)
{
	return access(h->dir, F_OK) == 0;
}

size_t kk_cgroup_keep_existing(struct kk_cgroup *cg)
{
	char dropped[PATH_MAX];

	return keep_if(cg, hier_exists, dropped, sizeof(dropped));
}

void kk_cgroup_skip_devices(struct kk_cgroup *cg)
{
	cg->no_devices = true;
}
