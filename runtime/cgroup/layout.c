/* Which hierarchies exist under the mount root, read from files only (so a
 * test can fake a tree in a temp dir):
 *   <root>/cgroup.controllers          -> v2, one hierarchy at <root>
 *   <root>/unified/cgroup.controllers  -> hybrid: v1 ones plus <root>/unified
 *   otherwise                          -> v1: each <root>/<name>/cgroup.procs
 * A v1 hierarchy's controllers are its directory name split at commas
 * ("cpu,cpuacct"); the usual symlinks (cpu -> cpu,cpuacct) are the same
 * directory and count once, under the real directory's name. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup_backend.h"

struct candidate {
	char name[256];
	dev_t dev;
	ino_t ino;
	bool link;
};

static bool has_file(const char *root, const char *sub, const char *file)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s%s/%s", root, sub[0] ? "/" : "", sub, file);
	return access(p, F_OK) == 0;
}

static int split_words(const char *s, const char *seps, char ***out, size_t *n,
		       struct kk_error *err)
{
	KK_AUTOFREE char *copy = strdup(s);
	char *save = NULL;

	if (copy == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup layout");
	for (char *w = strtok_r(copy, seps, &save); w; w = strtok_r(NULL, seps, &save)) {
		char **nv = reallocarray(*out, *n + 1, sizeof(char *));

		if (nv == NULL || (nv[*n] = strdup(w)) == NULL) {
			if (nv != NULL)
				*out = nv;
			return kk_error_sys(err, ENOMEM, "cgroup layout");
		}
		*out = nv;
		(*n)++;
	}
	return 0;
}

static int add_hier(struct kk_cgroup *cg, const char *name, bool v2, const char *controllers,
		    struct kk_error *err)
{
	struct cg_hier *nv = reallocarray(cg->h, cg->n + 1, sizeof(*nv));
	struct cg_hier *h;
	bool ok;

	if (nv == NULL)
		return kk_error_sys(err, ENOMEM, "cgroup layout");
	cg->h = nv;
	h = memset(&cg->h[cg->n++], 0, sizeof(*h));
	h->v2 = v2;
	h->be = v2 ? &cg_backend_v2 : &cg_backend_v1;
	h->name = strdup(name);
	if (cg->layout == KK_CGROUP_V2)
		ok = asprintf(&h->root, "%s", cg->mount_root) >= 0;
	else
		ok = asprintf(&h->root, "%s/%s", cg->mount_root, name) >= 0;
	if (!ok)
		h->root = NULL;
	if (h->name == NULL || h->root == NULL || asprintf(&h->dir, "%s%s", h->root, cg->path) < 0)
		return kk_error_sys(err, ENOMEM, "cgroup layout");
	return split_words(controllers, v2 ? " \t\n" : ",", &h->ctrl, &h->n_ctrl, err);
}

static int add_v2(struct kk_cgroup *cg, const char *name, const char *dir, struct kk_error *err)
{
	char p[PATH_MAX], ctrl[4096];

	snprintf(p, sizeof(p), "%s/cgroup.controllers", dir);
	if (cg_read(p, ctrl, sizeof(ctrl), err) < 0)
		return -1;
	return add_hier(cg, name, true, ctrl, err);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct candidate *)a)->name, ((const struct candidate *)b)->name);
}

/* Every v1 hierarchy directory under the root, sorted, symlinks kept. */
static int scan_v1(const char *root, struct candidate **out, size_t *n, struct kk_error *err)
{
	DIR *d = opendir(root);
	struct dirent *e;

	if (d == NULL)
		return kk_error_sys(err, errno, "cgroup layout: open %s", root);
	while ((e = readdir(d)) != NULL) {
		struct stat st, lst;
		struct candidate *nv;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "unified") == 0 ||
		    fstatat(dirfd(d), e->d_name, &st, 0) < 0 ||
		    fstatat(dirfd(d), e->d_name, &lst, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || !has_file(root, e->d_name, "cgroup.procs"))
			continue;
		nv = reallocarray(*out, *n + 1, sizeof(*nv));
		if (nv == NULL) {
			closedir(d);
			return kk_error_sys(err, ENOMEM, "cgroup layout");
		}
		*out = nv;
		snprintf(nv[*n].name, sizeof(nv[*n].name), "%s", e->d_name);
		nv[*n].dev = st.st_dev;
		nv[*n].ino = st.st_ino;
		nv[(*n)++].link = S_ISLNK(lst.st_mode);
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), by_name);
	return 0;
}

/* The entry that stands for c's directory: the real one if there is one. */
static bool is_representative(const struct candidate *v, size_t n, size_t i)
{
	for (size_t j = 0; j < n; j++) {
		if (j == i || v[j].dev != v[i].dev || v[j].ino != v[i].ino)
			continue;
		if (v[i].link && !v[j].link)
			return false;
		if (v[i].link == v[j].link && j < i)
			return false;
	}
	return true;
}

static int detect_v1(struct kk_cgroup *cg, struct kk_error *err)
{
	KK_AUTOFREE struct candidate *v = NULL;
	size_t n = 0;

	if (scan_v1(cg->mount_root, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (is_representative(v, n, i) &&
		    add_hier(cg, v[i].name, false, v[i].name, err) < 0)
			return -1;
	return 0;
}

static int detect(struct kk_cgroup *cg, struct kk_error *err)
{
	if (has_file(cg->mount_root, "", "cgroup.controllers")) {
		cg->layout = KK_CGROUP_V2;
		return add_v2(cg, "cgroup2", cg->mount_root, err);
	}
	cg->layout = has_file(cg->mount_root, "unified", "cgroup.controllers") ? KK_CGROUP_HYBRID
									       : KK_CGROUP_V1;
	if (detect_v1(cg, err) < 0)
		return -1;
	if (cg->layout == KK_CGROUP_HYBRID) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/unified", cg->mount_root);
		return add_v2(cg, "unified", dir, err);
	}
	if (cg->n == 0)
		return kk_error_set(err, KK_ERR_SYS, "cgroup layout: no cgroup hierarchy under %s",
				    cg->mount_root);
	return 0;
}

/* The host's layout (KK_CGROUP_ROOT) is read once per process: `list`
 * asks for it once per container (is it paused?) and a `run` four times,
 * ~40 syscalls each. No runtime mounts or unmounts a hierarchy under a
 * command in flight; other roots (the tests' fake trees) are read afresh. */
static struct {
	bool valid;
	enum kk_cgroup_layout layout;
	size_t n;
	struct memo_hier {
		char *name;
		char *ctrl; /* the controllers, joined by spaces */
		bool v2;
	} * h;
} memo;

static char *join_controllers(const struct cg_hier *h)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < h->n_ctrl; i++)
		len += strlen(h->ctrl[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; s != NULL && i < h->n_ctrl; i++) {
		strcat(s, i ? " " : "");
		strcat(s, h->ctrl[i]);
	}
	return s;
}

static void free_memo(struct memo_hier *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].ctrl);
	}
	free(h);
}

/* Best effort: a memo that cannot be made is simply not used. */
static void remember(const struct kk_cgroup *cg)
{
	struct memo_hier *h = calloc(cg->n + 1, sizeof(*h));

	if (h == NULL)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		h[i].name = strdup(cg->h[i].name);
		h[i].ctrl = join_controllers(&cg->h[i]);
		h[i].v2 = cg->h[i].v2;
		if (h[i].name == NULL || h[i].ctrl == NULL) {
			free_memo(h, i + 1);
			return;
		}
	}
	memo.layout = cg->layout;
	memo.n = cg->n;
	memo.h = h;
	memo.valid = true;
}

static int replay(struct kk_cgroup *cg, struct kk_error *err)
{
	cg->layout = memo.layout;
	for (size_t i = 0; i < memo.n; i++) {
		/* add_hier splits v1 names at commas: give it the name back. */
		const char *ctrl = memo.h[i].v2 ? memo.h[i].ctrl : memo.h[i].name;

		if (add_hier(cg, memo.h[i].name, memo.h[i].v2, ctrl, err) < 0)
			return -1;
	}
	return 0;
}

int cg_detect(struct kk_cgroup *cg, struct kk_error *err)
{
	bool host = strcmp(cg->mount_root, KK_CGROUP_ROOT) == 0;

	if (host && memo.valid)
		return replay(cg, err);
	if (detect(cg, err) < 0)
		return -1;
	if (host)
		remember(cg);
	return 0;
}
