/* What a rootless kakoi may do with cgroups. The host's hierarchies belong
 * to root; a user owns at most a delegated subtree (systemd's user slice on
 * a v2 host, or one an administrator chowned). Whether the container's
 * cgroup can be made and entered is read from the file modes before the
 * plan, so the decision (use it, go on without one, or refuse) is made once
 * and shows in `kakoi plan`. Reads only. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_backend.h"

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
		return access(path, W_OK) == 0;
	snprintf(path, sizeof(path), "%s", h->dir);
	while ((slash = strrchr(path, '/')) != NULL && slash > path) {
		*slash = '\0';
		if (access(path, F_OK) == 0)
			return access(path, W_OK) == 0;
	}
	return false;
}

const char *kk_cgroup_unwritable(const struct kk_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!hier_writable(&cg->h[i]))
			return cg->h[i].dir;
	return NULL;
}

void kk_cgroup_skip_devices(struct kk_cgroup *cg)
{
	cg->no_devices = true;
}
