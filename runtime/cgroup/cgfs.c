/* cgroupfs primitives shared by the back-ends: write a control file, read
 * one, make a cgroup path with its undo, remove one. Every change goes
 * through kk_sys(); reads do not (the seam lists what must be undone). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup_backend.h"
#include "runtime/sys/sys.h"
#include "runtime/sys/write.h"

bool cg_hier_has(const struct cg_hier *h, const char *controller)
{
	for (size_t i = 0; i < h->n_ctrl; i++)
		if (strcmp(h->ctrl[i], controller) == 0)
			return true;
	return false;
}

/* One write(2) per value: cgroupfs parses each write as one command. */
int cg_write(const char *path, const char *value, struct kk_error *err)
{
	return kk_write_value(AT_FDCWD, path, value, err);
}

/* The whole (small) file, NUL-terminated, trailing newline dropped. */
int cg_read(const char *path, char *buf, size_t len, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return kk_error_sys(err, errno, "read %s", path);
	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "read %s", path);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	while (got > 0 && buf[got - 1] == '\n')
		got--;
	buf[got] = '\0';
	return 0;
}

/* A process just killed may take a few ms to leave its cgroup. */
int cg_rmdir(const char *dir)
{
	long delay_us = 1000;

	for (int tries = 0;; tries++) {
		if (kk_sys()->unlinkat(AT_FDCWD, dir, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || tries == 10)
			return -1;
		struct timespec ts = {0, delay_us * 1000};
		nanosleep(&ts, NULL);
		if (delay_us < 64000)
			delay_us *= 2;
	}
}

int cg_undo_rmdir(const void *arg, struct kk_error *err)
{
	const char *dir = arg;

	if (cg_rmdir(dir) < 0)
		return kk_error_sys(err, errno, "rmdir %s", dir);
	return 0;
}

/* The undo of a parent made on the way (kakoi's own /kakoi): another
 * container may have moved in since, and then the directory is its too.
 * Busy is done; only the container's own directory waits for its tasks. */
static int undo_rmdir_parent(const void *arg, struct kk_error *err)
{
	const char *dir = arg;

	if (kk_sys()->unlinkat(AT_FDCWD, dir, AT_REMOVEDIR) == 0 || errno == ENOENT ||
	    errno == EBUSY || errno == ENOTEMPTY)
		return 0;
	return kk_error_sys(err, errno, "rmdir %s", dir);
}

static int make_one(const char *dir, bool leaf, bool *created, struct kk_undo *undo,
		    struct kk_error *err)
{
	struct stat st;
	char what[PATH_MAX + 32];

	*created = false;
	if (kk_sys()->mkdirat(AT_FDCWD, dir, 0755) < 0) {
		if (errno != EEXIST)
			return kk_error_sys(err, errno, "mkdir %s", dir);
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return kk_error_set(err, KK_ERR_INVALID,
					    "mkdir %s: exists, not a directory", dir);
		return 0;
	}
	*created = true;
	snprintf(what, sizeof(what), "remove cgroup %s", dir);
	return kk_undo_push(undo, what, leaf ? cg_undo_rmdir : undo_rmdir_parent, dir,
			    strlen(dir) + 1, err);
}

/* One walk of cg_mkdir_p; ENOENT in err->sys_errno when a parent vanished. */
static int mkdir_walk(const struct cg_hier *h, const char *path, cg_made_fn made, uint64_t flags,
		      struct kk_undo *undo, struct kk_error *err)
{
	char dir[PATH_MAX], parent[PATH_MAX];
	size_t root_len = strlen(h->root);
	const char *p = path;

	if (root_len + strlen(path) >= sizeof(dir))
		return kk_error_set(err, KK_ERR_LIMIT, "cgroup %s%s: too long", h->root, path);
	memcpy(dir, h->root, root_len + 1);
	while (*p == '/') {
		size_t len = strcspn(p + 1, "/") + 1;
		bool created;

		memcpy(parent, dir, strlen(dir) + 1);
		memcpy(dir + root_len, p, len);
		root_len += len;
		dir[root_len] = '\0';
		p += len;
		if (make_one(dir, *p == '\0', &created, undo, err) < 0)
			return -1;
		if (made != NULL && made(parent, dir, created, h, flags, undo, err) < 0)
			return -1;
	}
	return 0;
}

/* mkdir -p of path under h->root, parents first, so the undo stack removes
 * the deepest first. Directories that already exist are left alone.
 *
 * A shared parent (kakoi's own /kakoi) can be removed while it is empty, which
 * it is between our mkdir of it and of our directory inside: by the rollback
 * of a concurrent create that made it, or by an operator. We then see ENOENT.
 * Walk again; the undo of a parent that someone else removed finds it gone,
 * which is done. */
int cg_mkdir_p(const struct cg_hier *h, const char *path, cg_made_fn made, uint64_t flags,
	       struct kk_undo *undo, struct kk_error *err)
{
	for (int tries = 0;; tries++) {
		if (mkdir_walk(h, path, made, flags, undo, err) == 0)
			return 0;
		if (err->code != KK_ERR_SYS || err->sys_errno != ENOENT || tries == 8)
			return -1;
		kk_error_clear(err);
	}
}

int cg_enter_procs(const struct cg_hier *h, pid_t pid, struct kk_error *err)
{
	char path[PATH_MAX], value[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", h->dir);
	snprintf(value, sizeof(value), "%d", (int)pid);
	if (cg_write(path, value, err) < 0) {
		kk_error_prefix(err, "cgroup enter %s:%s", h->name, h->dir + strlen(h->root));
		return -1;
	}
	return 0;
}

/* dir and any sub-cgroups. One rmdir first: most containers have none,
 * and listing each hierarchy's directory only to find that cost about 30
 * syscalls a `delete` on a v1 host. It fails (EBUSY) when there are
 * sub-cgroups or tasks not yet gone, and the walk with retries follows. */
static int remove_tree(const char *dir, struct kk_error *err)
{
	if (kk_sys()->unlinkat(AT_FDCWD, dir, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (cg_remove_subtree(dir, err) < 0)
		return -1;
	if (cg_rmdir(dir) < 0)
		return kk_error_sys(err, errno, "remove cgroup %s", dir);
	return 0;
}

/* The container's directory and what is under it; never a parent. kakoi's
 * own /kakoi stays once made, as runc leaves the parents of the paths it is
 * given: in a cpuset hierarchy the first cgroup below the root turns a
 * kernel static key on and the removal of the last turns it off, each time
 * patching kernel text on every CPU (about 1.5 ms each way on a VM), and
 * a /kakoi made and removed around every container paid both, every run
 * (docs/benchmarks.md). A create's rollback still removes a /kakoi it made. */
int cg_remove_dir(const struct kk_cgroup *cg, const struct cg_hier *h, struct kk_error *err)
{
	(void)cg;
	return remove_tree(h->dir, err);
}
