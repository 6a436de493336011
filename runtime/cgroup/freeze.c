/* The freezer: pause and resume every process of the container's cgroup.
 * v1 and hybrid use the freezer controller's freezer.state (FROZEN /
 * THAWED, passing through FREEZING); v2 writes cgroup.freeze and reads
 * "frozen" off cgroup.events. A write only asks: the state is polled until
 * the kernel reports it reached, as runc does. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_backend.h"

/* 10 s in 1 ms steps: freezing waits for every task to reach the fridge. */
#define FREEZE_POLLS 10000

/* The hierarchy that freezes: the v1 freezer controller's, or the v2 one. */
static const struct cg_hier *freezer_hier(const struct kk_cgroup *cg)
{
	const struct cg_hier *v2 = NULL;

	for (size_t i = 0; i < cg->n; i++) {
		if (cg->layout == KK_CGROUP_V2 && cg->h[i].v2)
			return &cg->h[i];
		if (cg->layout != KK_CGROUP_V2 && !cg->h[i].v2 && cg_hier_has(&cg->h[i], "freezer"))
			return &cg->h[i];
		if (cg->h[i].v2 && v2 == NULL)
			v2 = &cg->h[i];
	}
	/* A hybrid host's cgroup with no v1 freezer (a rootless one, made only
	 * in the unified hierarchy delegated to the user): cgroup.freeze is
	 * a core file of every cgroup2 directory. */
	return v2;
}

/* "frozen 1" among the lines of cgroup.events. */
static bool events_frozen(const char *events)
{
	for (const char *at = events; at != NULL; at = strchr(at, '\n')) {
		if (*at == '\n')
			at++;
		if (strncmp(at, "frozen ", 7) == 0)
			return at[7] == '1';
	}
	return false;
}

static int read_frozen(const struct cg_hier *h, bool *frozen, struct kk_error *err)
{
	char path[PATH_MAX], buf[512];

	snprintf(path, sizeof(path), "%s/%s", h->dir, h->v2 ? "cgroup.events" : "freezer.state");
	if (cg_read(path, buf, sizeof(buf), err) < 0)
		return -1;
	*frozen = h->v2 ? events_frozen(buf) : strcmp(buf, "FROZEN") == 0;
	return 0;
}

int kk_cgroup_frozen(struct kk_cgroup *cg, bool *frozen, struct kk_error *err)
{
	const struct cg_hier *h = freezer_hier(cg);
	char dir_probe[PATH_MAX];

	*frozen = false;
	if (h == NULL)
		return 0;
	/* No directory: nothing of the container is there to be frozen. */
	snprintf(dir_probe, sizeof(dir_probe), "%s/cgroup.procs", h->dir);
	if (access(dir_probe, F_OK) < 0 && errno == ENOENT)
		return 0;
	return read_frozen(h, frozen, err);
}

int kk_cgroup_freeze(struct kk_cgroup *cg, bool frozen, struct kk_error *err)
{
	const struct cg_hier *h = freezer_hier(cg);
	char path[PATH_MAX];
	bool now = !frozen;

	if (h == NULL)
		return kk_error_set(err, KK_ERR_INVALID,
				    "cgroup %s: no freezer (no freezer controller mounted)",
				    cg->path);
	snprintf(path, sizeof(path), "%s/%s", h->dir, h->v2 ? "cgroup.freeze" : "freezer.state");
	for (int i = 0; i < FREEZE_POLLS; i++) {
		/* v1 may fall back to THAWED when a task resists: ask again. */
		if (i % 100 == 0 &&
		    cg_write(path, h->v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED"),
			     err) < 0)
			return -1;
		if (read_frozen(h, &now, err) < 0)
			return -1;
		if (now == frozen)
			return 0;
		usleep(1000);
	}
	return kk_error_set(err, KK_ERR_SYS, "cgroup %s: not %s after 10 s", cg->path,
			    frozen ? "frozen" : "thawed");
}
