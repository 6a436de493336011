/* `exec --cgroup` (runc's semantics): the exec'd process joins a sub-cgroup
 * of the container's, which the caller made beforehand. "PATH" names it in
 * every hierarchy (the only form on v2); "CTRL[,CTRL]:PATH" in the
 * hierarchies of those controllers, the others keep the container's own.
 * The result is a copy of the container's cgroup with the chosen
 * hierarchies' directories moved down, so kk_cgroup_enter does the join.
 * Nothing here writes: the checks read only. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup_backend.h"

static int copy_hier(struct cg_hier *to, const struct cg_hier *from)
{
	*to = *from;
	to->name = strdup(from->name);
	to->root = strdup(from->root);
	to->dir = strdup(from->dir);
	to->ctrl = calloc(from->n_ctrl + 1, sizeof(char *));
	to->n_ctrl = 0;
	if (to->name == NULL || to->root == NULL || to->dir == NULL || to->ctrl == NULL)
		return -1;
	for (size_t j = 0; j < from->n_ctrl; j++) {
		to->ctrl[j] = strdup(from->ctrl[j]);
		if (to->ctrl[j] == NULL)
			return -1;
		to->n_ctrl++;
	}
	return 0;
}

static struct kk_cgroup *copy_cgroup(const struct kk_cgroup *cg)
{
	struct kk_cgroup *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->layout = cg->layout;
	c->mount_root = strdup(cg->mount_root);
	c->path = strdup(cg->path);
	c->h = calloc(cg->n, sizeof(*c->h));
	if (c->mount_root == NULL || c->path == NULL || c->h == NULL) {
		kk_cgroup_free(c);
		return NULL;
	}
	for (size_t i = 0; i < cg->n; i++) {
		c->n++;
		if (copy_hier(&c->h[i], &cg->h[i]) < 0) {
			kk_cgroup_free(c);
			return NULL;
		}
	}
	return c;
}

/* A relative path under the container's cgroup: a leading "/" is the
 * container's cgroup too (as runc's path.Join has it); ".." could leave it. */
static int check_sub(const char *arg, const char *sub, struct kk_error *err)
{
	KK_AUTOFREE char *copy = strdup(sub);
	char *save = NULL;

	if (copy == NULL)
		return kk_error_sys(err, ENOMEM, "--cgroup");
	while (*sub == '/')
		sub++;
	if (*sub == '\0')
		return kk_error_set(err, KK_ERR_USAGE, "--cgroup %s: the sub-cgroup path is empty",
				    arg);
	for (char *w = strtok_r(copy, "/", &save); w != NULL; w = strtok_r(NULL, "/", &save))
		if (strcmp(w, "..") == 0)
			return kk_error_set(err, KK_ERR_USAGE,
					    "--cgroup %s: %s is not a sub cgroup path (\"..\")",
					    arg, sub);
	return 0;
}

/* Moves hierarchy h down to sub; a second, different path for the same
 * hierarchy (cpu:a and cpuacct:b of "cpu,cpuacct") is ambiguous. */
static int move_down(struct cg_hier *h, const char *base, const char **by, const char *arg,
		     const char *sub, struct kk_error *err)
{
	char *dir;

	while (*sub == '/')
		sub++;
	if (asprintf(&dir, "%s/%s", base, sub) < 0)
		return kk_error_sys(err, ENOMEM, "--cgroup");
	if (*by != NULL && strcmp(dir, h->dir) != 0) {
		free(dir);
		return kk_error_set(err, KK_ERR_USAGE,
				    "--cgroup %s: hierarchy %s has two different sub-cgroups", arg,
				    h->name);
	}
	if (strlen(dir) + 32 >= PATH_MAX) {
		free(dir);
		return kk_error_set(err, KK_ERR_LIMIT, "--cgroup %s: path too long", arg);
	}
	free(h->dir);
	h->dir = dir;
	*by = arg;
	return 0;
}

struct sub_set {
	struct kk_cgroup *cg;
	const struct kk_cgroup *base;
	const char **by;   /* per hierarchy: the --cgroup that moved it, or NULL */
	const char **seen; /* controllers named so far */
	size_t n_seen;
};

static bool hier_matches(const struct cg_hier *h, const char *ctrl)
{
	return strcmp(h->name, ctrl) == 0 || cg_hier_has(h, ctrl);
}

static int apply_ctrl(struct sub_set *s, const char *arg, const char *ctrl, const char *sub,
		      struct kk_error *err)
{
	bool found = false;

	if (ctrl[0] == '\0')
		return kk_error_set(err, KK_ERR_USAGE,
				    "--cgroup %s: empty controller before the \":\"", arg);
	for (size_t i = 0; i < s->n_seen; i++)
		if (strcmp(s->seen[i], ctrl) == 0)
			return kk_error_set(err, KK_ERR_USAGE,
					    "--cgroup %s: controller %s given more than once", arg,
					    ctrl);
	s->seen[s->n_seen++] = ctrl;
	for (size_t i = 0; s->cg->layout != KK_CGROUP_V2 && i < s->cg->n; i++) {
		if (!hier_matches(&s->cg->h[i], ctrl))
			continue;
		found = true;
		if (move_down(&s->cg->h[i], s->base->h[i].dir, &s->by[i], arg, sub, err) < 0)
			return -1;
	}
	if (!found)
		return kk_error_set(err, KK_ERR_USAGE, "--cgroup %s: unknown controller %s%s", arg,
				    ctrl,
				    s->cg->layout == KK_CGROUP_V2
					    ? " (cgroup v2 has one hierarchy: give a bare path)"
					    : "");
	return 0;
}

/* "CTRL[,CTRL]:PATH"; ctrls is a writable copy of the part before ':'. */
static int apply_arg(struct sub_set *s, const char *arg, char *ctrls, const char *sub,
		     struct kk_error *err)
{
	char *p = ctrls;

	if (check_sub(arg, sub, err) < 0)
		return -1;
	for (;;) {
		char *comma = strchr(p, ',');

		if (comma != NULL)
			*comma = '\0';
		if (apply_ctrl(s, arg, p, sub, err) < 0)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int apply_all(struct sub_set *s, const char *const *args, size_t n, char **copies,
		     struct kk_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char *colon = strchr(copies[i], ':');

		if (colon == NULL) {
			/* runc: a bare PATH stands alone. */
			if (n != 1)
				return kk_error_set(err, KK_ERR_USAGE,
						    "--cgroup %s: missing <controller>: prefix "
						    "(a bare path must be the only --cgroup)",
						    args[i]);
			if (check_sub(args[i], args[i], err) < 0)
				return -1;
			for (size_t j = 0; j < s->cg->n; j++)
				if (move_down(&s->cg->h[j], s->base->h[j].dir, &s->by[j], args[i],
					      args[i], err) < 0)
					return -1;
			continue;
		}
		if (strchr(colon + 1, ':') != NULL)
			return kk_error_set(err, KK_ERR_USAGE, "--cgroup %s: invalid argument",
					    args[i]);
		*colon = '\0';
		if (apply_arg(s, args[i], copies[i], colon + 1, err) < 0)
			return -1;
	}
	return 0;
}

/* The sub-cgroup must exist in each hierarchy moved: made by the caller. */
static int check_exists(const struct kk_cgroup *cg, const char *const *by, struct kk_error *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		char path[PATH_MAX];

		if (by[i] == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", cg->h[i].dir);
		if (access(path, F_OK) < 0)
			return kk_error_sys(err, errno,
					    "--cgroup %s: the sub-cgroup %s must exist (made by "
					    "the caller)",
					    by[i], cg->h[i].dir);
	}
	return 0;
}

static int resolve(struct sub_set *s, const char *const *args, size_t n, struct kk_error *err)
{
	char **copies = calloc(n, sizeof(char *));
	size_t n_ctrl = 0;
	int rc = -1;

	if (copies == NULL)
		return kk_error_sys(err, ENOMEM, "--cgroup");
	for (size_t i = 0; i < n; i++) {
		copies[i] = strdup(args[i]);
		if (copies[i] == NULL) {
			kk_error_sys(err, ENOMEM, "--cgroup");
			goto out;
		}
		n_ctrl += strlen(args[i]) + 1; /* an upper bound on the names */
	}
	s->seen = calloc(n_ctrl + 1, sizeof(*s->seen));
	if (s->seen == NULL) {
		kk_error_sys(err, ENOMEM, "--cgroup");
		goto out;
	}
	rc = apply_all(s, args, n, copies, err);
	if (rc == 0)
		rc = check_exists(s->cg, s->by, err);
out:
	free(s->seen);
	for (size_t i = 0; i < n; i++)
		free(copies[i]);
	free(copies);
	return rc;
}

int kk_cgroup_open_sub(const struct kk_cgroup *cg, const char *const *args, size_t n,
		       struct kk_cgroup **out, struct kk_error *err)
{
	struct sub_set s = {.base = cg};
	int rc;

	s.cg = copy_cgroup(cg);
	s.by = calloc(cg->n + 1, sizeof(*s.by));
	if (s.cg == NULL || s.by == NULL) {
		kk_cgroup_free(s.cg);
		free(s.by);
		return kk_error_sys(err, ENOMEM, "--cgroup");
	}
	rc = resolve(&s, args, n, err);
	free(s.by);
	if (rc < 0) {
		kk_cgroup_free(s.cg);
		return -1;
	}
	*out = s.cg;
	return 0;
}
