/* The public face of runtime/cgroup: open (layout + path), enter, pids,
 * remove. Each hierarchy's work goes through its back-end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup_backend.h"

int kk_cgroup_open(const char *mount_root, const char *cgroups_path, const char *id,
		   struct kk_cgroup **out, struct kk_error *err)
{
	struct kk_cgroup *cg = calloc(1, sizeof(*cg));

	if (cg == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup");
	if (cg_path_resolve(cgroups_path, id, &cg->path, err) < 0)
		goto fail;
	cg->mount_root = strdup(mount_root ? mount_root : KK_CGROUP_ROOT);
	if (cg->mount_root == NULL) {
		kk_error_sys(err, ENOMEM, "cgroup");
		goto fail;
	}
	if (strlen(cg->mount_root) + strlen(cg->path) + 128 >= PATH_MAX) {
		kk_error_set(err, KK_ERR_LIMIT, "linux.cgroupsPath: %s%s is too long",
			     cg->mount_root, cg->path);
		goto fail;
	}
	if (cg_detect(cg, err) < 0)
		goto fail;
	*out = cg;
	return 0;
fail:
	kk_cgroup_free(cg);
	return -1;
}

void kk_cgroup_free(struct kk_cgroup *cg)
{
	if (cg == NULL)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		for (size_t j = 0; j < cg->h[i].n_ctrl; j++)
			free(cg->h[i].ctrl[j]);
		free(cg->h[i].ctrl);
		free(cg->h[i].name);
		free(cg->h[i].root);
		free(cg->h[i].dir);
	}
	free(cg->h);
	free(cg->sd);
	free(cg->path);
	free(cg->mount_root);
	free(cg);
}

enum kk_cgroup_layout kk_cgroup_layout(const struct kk_cgroup *cg)
{
	return cg->layout;
}

const char *kk_cgroup_path(const struct kk_cgroup *cg)
{
	return cg->path;
}

int kk_cgroup_enter(struct kk_cgroup *cg, pid_t pid, struct kk_error *err)
{
	if (pid <= 0)
		return kk_error_set(err, KK_ERR_INTERNAL, "cgroup enter: no pid (%d)", (int)pid);
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].be->enter(&cg->h[i], pid, err) < 0)
			return -1;
	return 0;
}

int kk_cgroup_remove(struct kk_cgroup *cg, struct kk_error *err)
{
	int rc = 0;

	/* systemd removes the directories it made; kakoi's own (hierarchies
	 * systemd does not manage) go below. */
	if (cg->sd != NULL && cg_sd_remove(cg, err) < 0)
		return -1;
	/* Keep going: a half-removed cgroup is worse than a noisy one. */
	for (size_t i = 0; i < cg->n; i++) {
		struct kk_error one = {0};

		if (cg->h[i].be->remove(cg, &cg->h[i], &one) < 0 && rc == 0) {
			*err = one;
			rc = -1;
		}
	}
	return rc;
}

/* ---- pids ---------------------------------------------------------------- */

struct pidset {
	pid_t *v;
	size_t n, cap;
};

static int pidset_add(struct pidset *s, pid_t pid, struct kk_error *err)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == pid)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		pid_t *nv = reallocarray(s->v, cap, sizeof(*nv));

		if (nv == NULL)
			return kk_error_sys(err, ENOMEM, "cgroup pids");
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = pid;
	return 0;
}

/* cgroup.procs of one cgroup; a missing cgroup has no processes. */
static int read_procs(const char *dir, void *arg, struct kk_error *err)
{
	struct pidset *s = arg;
	char path[PATH_MAX];
	KK_AUTOFREE char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (f == NULL)
		return errno == ENOENT ? 0 : kk_error_sys(err, errno, "read %s", path);
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		long v = strtol(line, NULL, 10);

		if (v > 0)
			rc = pidset_add(s, (pid_t)v, err);
	}
	fclose(f);
	return rc;
}

/* The union over all hierarchies and their sub-cgroups: a process normally
 * is in every one, but kill --all must not miss one that moved itself in
 * some hierarchy, or one exec'd into a sub-cgroup. */
int kk_cgroup_pids(struct kk_cgroup *cg, pid_t **pids, size_t *n, struct kk_error *err)
{
	struct pidset s = {0};
	const struct cg_tree_visit v = {.pre = read_procs, .arg = &s};

	for (size_t i = 0; i < cg->n; i++) {
		if (cg_tree_walk(cg->h[i].dir, &v, err) < 0) {
			free(s.v);
			return -1;
		}
	}
	*pids = s.v;
	*n = s.n;
	return 0;
}
