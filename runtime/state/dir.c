/* The state root and the per-container directories: create, open, remove,
 * list. Everything is fd-relative to the root and never follows a symlink,
 * so a planted link under the root cannot redirect a removal. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "runtime/state/state.h"
#include "runtime/sys/sys.h"

/* State directories are flat; a deep tree under one is not ours. */
#define REMOVE_DEPTH_MAX 16

#define DIR_OPEN_FLAGS (O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)

static int mkdir_one(const char *root, const char *path, struct kk_error *err)
{
	if (kk_sys()->mkdirat(AT_FDCWD, path, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno == ENOTDIR)
		return kk_error_set(err, KK_ERR_INVALID, "--root %s: not a directory", root);
	return kk_error_sys(err, errno, "--root %s: mkdir %s", root, path);
}

/* mkdir -p, 0700 at every level created (runc's MkdirAll(root, 0700)). */
static int mkdir_parents(const char *root, struct kk_error *err)
{
	char path[PATH_MAX];
	size_t len = strlen(root);

	if (len == 0)
		return kk_error_set(err, KK_ERR_USAGE, "--root: empty path");
	if (len >= sizeof(path))
		return kk_error_set(err, KK_ERR_USAGE, "--root %.64s...: path too long", root);
	memcpy(path, root, len + 1);
	for (size_t i = 1; i < len; i++) {
		if (path[i] != '/' || path[i - 1] == '/')
			continue;
		path[i] = '\0';
		if (mkdir_one(root, path, err) < 0)
			return -1;
		path[i] = '/';
	}
	return mkdir_one(root, path, err);
}

int kk_state_root_open(const char *root, struct kk_error *err)
{
	int fd;

	if (mkdir_parents(root, err) < 0)
		return -1;
	fd = openat(AT_FDCWD, root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOTDIR)
		return kk_error_set(err, KK_ERR_INVALID, "--root %s: not a directory", root);
	if (fd < 0)
		return kk_error_sys(err, errno, "--root %s: open", root);
	return fd;
}

static int remove_tree(int dir_fd, const char *name, int depth, struct kk_error *err);

/* Empties the directory open as fd. */
static int remove_entries(int fd, const char *name, int depth, struct kk_error *err)
{
	/* A fresh open file description: fdopendir takes ownership of it. */
	int dfd = openat(fd, ".", DIR_OPEN_FLAGS);
	DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;
	int rc = 0;

	if (dir == NULL) {
		kk_closep(&dfd);
		return kk_error_sys(err, errno, "remove %s: read directory", name);
	}
	while (rc == 0 && (errno = 0, de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = remove_tree(fd, de->d_name, depth + 1, err);
	}
	if (rc == 0 && errno != 0)
		rc = kk_error_sys(err, errno, "remove %s: read directory", name);
	closedir(dir);
	return rc;
}

/* Removes dir_fd/name whatever it is; a symlink is removed, never followed. */
static int remove_tree(int dir_fd, const char *name, int depth, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = -1;

	/* ENOENT: already gone (a concurrent delete, or a rerun undo). */
	if (kk_sys()->unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return kk_error_sys(err, errno, "remove %s", name);
	if (depth >= REMOVE_DEPTH_MAX)
		return kk_error_set(err, KK_ERR_LIMIT, "remove %s: nested too deep", name);
	fd = kk_sys()->openat(dir_fd, name, DIR_OPEN_FLAGS, 0);
	if (fd < 0)
		return kk_error_sys(err, errno, "remove %s: open", name);
	if (remove_entries(fd, name, depth, err) < 0)
		return -1;
	if (kk_sys()->unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return kk_error_sys(err, errno, "remove %s", name);
	return 0;
}

int kk_state_remove(int root_fd, const char *id, struct kk_error *err)
{
	struct stat st;

	if (kk_id_check(id, err) < 0)
		return -1;
	if (fstatat(root_fd, id, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return kk_error_set(err, KK_ERR_NOT_FOUND, "container does not exist: %s", id);
	if (remove_tree(root_fd, id, 0, err) < 0) {
		kk_error_prefix(err, "container %s: delete state", id);
		return -1;
	}
	return 0;
}

/* The undo of kk_state_create. root_fd is the caller's: it must stay open as
 * long as the undo stack holds this entry. */
struct state_undo {
	int root_fd;
	char id[KK_ID_MAX + 1];
};

static int state_undo(const void *arg, struct kk_error *err)
{
	const struct state_undo *u = arg;

	return remove_tree(u->root_fd, u->id, 0, err);
}

static int push_state_undo(int root_fd, const char *id, struct kk_undo *undo, struct kk_error *err)
{
	struct state_undo u = {.root_fd = root_fd};
	char what[64 + KK_ID_MAX];

	if (undo == NULL)
		return 0;
	memcpy(u.id, id, strlen(id) + 1);
	snprintf(what, sizeof(what), "remove the state of container %s", id);
	return kk_undo_push(undo, what, state_undo, &u, sizeof(u), err);
}

int kk_state_create(int root_fd, const char *id, struct kk_undo *undo, struct kk_error *err)
{
	int fd;

	if (kk_id_check(id, err) < 0)
		return -1;
	if (kk_sys()->mkdirat(root_fd, id, 0700) < 0) {
		if (errno == EEXIST)
			return kk_error_set(err, KK_ERR_INVALID, "container with id exists: %s",
					    id);
		return kk_error_sys(err, errno, "container %s: create state directory", id);
	}
	if (push_state_undo(root_fd, id, undo, err) < 0)
		return -1;
	fd = openat(root_fd, id, DIR_OPEN_FLAGS);
	if (fd < 0) {
		struct kk_error ignored = {0};

		kk_error_sys(err, errno, "container %s: open state directory", id);
		if (undo == NULL)
			remove_tree(root_fd, id, 0, &ignored);
		return -1;
	}
	return fd;
}

int kk_state_open(int root_fd, const char *id, struct kk_error *err)
{
	int fd;

	if (kk_id_check(id, err) < 0)
		return -1;
	fd = openat(root_fd, id, DIR_OPEN_FLAGS);
	if (fd < 0 && errno == ENOENT)
		return kk_error_set(err, KK_ERR_NOT_FOUND, "container does not exist: %s", id);
	if (fd < 0)
		return kk_error_sys(err, errno, "container %s: open state directory", id);
	return fd;
}

/* The growing result of kk_state_list; freed on every early return. */
struct id_list {
	char **ids;
	size_t n, cap;
};

static void id_list_free(struct id_list *l)
{
	kk_state_ids_free(l->ids, l->n);
}

void kk_state_ids_free(char **ids, size_t n)
{
	if (ids == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static int id_list_add(struct id_list *l, const char *id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap == 0 ? 16 : l->cap * 2;
		char **ids = realloc(l->ids, cap * sizeof(*ids));

		if (ids == NULL)
			return -1;
		l->ids = ids;
		l->cap = cap;
	}
	l->ids[l->n] = strdup(id);
	if (l->ids[l->n] == NULL)
		return -1;
	l->n++;
	return 0;
}

/* A container's entry: a real directory (not a link to one) with a valid ID. */
static bool is_container_dir(int root_fd, const struct dirent *de)
{
	struct kk_error ignored = {0};
	struct stat st;

	if (de->d_name[0] == '.' || kk_id_check(de->d_name, &ignored) < 0)
		return false;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(root_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_ids(int root_fd, DIR *dir, struct id_list *l, struct kk_error *err)
{
	struct dirent *de;

	while ((errno = 0, de = readdir(dir)) != NULL) {
		if (is_container_dir(root_fd, de) && id_list_add(l, de->d_name) < 0)
			return kk_error_sys(err, ENOMEM, "list containers");
	}
	if (errno != 0)
		return kk_error_sys(err, errno, "list containers: read the state root");
	return 0;
}

int kk_state_list(int root_fd, char ***ids, size_t *n, struct kk_error *err)
{
	KK_CLEANUP(id_list_free) struct id_list l = {0};
	/* A fresh open file description: reading must not move the offset of
	 * the caller's root_fd, and fdopendir takes ownership of it. */
	int fd = openat(root_fd, ".", DIR_OPEN_FLAGS);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	int rc;

	if (dir == NULL) {
		kk_closep(&fd);
		return kk_error_sys(err, errno, "list containers: open the state root");
	}
	rc = read_ids(root_fd, dir, &l, err);
	closedir(dir);
	if (rc < 0)
		return -1;
	if (l.n > 0)
		qsort(l.ids, l.n, sizeof(*l.ids), compare_ids);
	*ids = kk_steal_ptr(&l.ids);
	*n = l.n;
	l.n = 0;
	return 0;
}
