/* State files: written atomically (a reader sees the old file or the new
 * one, never half of either, even after a crash), read bounded and only if
 * they are regular files. The pid file uses the same atomic write. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/state/state.h"
#include "runtime/sys/sys.h"

/* "dir/name" for messages; the directory is known only as an fd here. */
static void file_path(int dir_fd, const char *name, char *buf, size_t size)
{
	char link[64], dir[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dir_fd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n < 0)
		n = snprintf(dir, sizeof(dir), "<fd %d>", dir_fd);
	dir[n] = '\0';
	snprintf(buf, size, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
}

/* A name directly in the directory: no path, no dot entries, and short
 * enough that ".<name>.tmp.<pid>" still fits NAME_MAX. */
static int check_name(const char *name, struct kk_error *err)
{
	if (name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return kk_error_set(err, KK_ERR_INTERNAL, "state file name \"%s\" is not a name",
				    name);
	if (strlen(name) > NAME_MAX - 32)
		return kk_error_set(err, KK_ERR_INVALID, "file name %.64s...: too long", name);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = kk_sys()->write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates tmp exclusively. A leftover of ours can only be from a dead process
 * that had our pid: remove it once and retry. */
static int create_temp(int dir_fd, const char *tmp, mode_t mode)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
	int fd = kk_sys()->openat(dir_fd, tmp, flags, mode);

	if (fd < 0 && errno == EEXIST && kk_sys()->unlinkat(dir_fd, tmp, 0) == 0)
		fd = kk_sys()->openat(dir_fd, tmp, flags, mode);
	return fd;
}

static int fill_temp(int dir_fd, const char *tmp, const void *data, size_t len, mode_t mode,
		     const char **step)
{
	KK_AUTOCLOSE int fd = create_temp(dir_fd, tmp, mode);

	*step = "create";
	if (fd < 0)
		return -1;
	*step = "write";
	if (write_all(fd, data, len) < 0)
		return -1;
	*step = "close";
	return close(kk_steal_fd(&fd));
}

/* How a filled temp file takes the place of name. */
enum put {
	/* renameat over name: for files in directories kakoi does not own. */
	PUT_RENAME,
	/* RENAME_EXCHANGE, then the temp name (now the old file) unlinked.
	 * ext4 starts writing a file renamed over another at once
	 * (auto_da_alloc), and the next rename over it then waits for that
	 * I/O to drop it: 0.5-1 ms a write on this VM's /run (issue 12).
	 * Exchanged, no data is ever flushed; a record that lives for less
	 * than the writeback interval never reaches the disk. For kakoi's own
	 * state directories: the pid file's directory is someone else's. */
	PUT_EXCHANGE,
};

/* After an exchange the temp name holds what was at name. A directory is
 * swapped back and refused, as a rename over it would be (EISDIR). Any
 * other failed unlink leaves the old file under the temp name: the new
 * one is in place, and the container's directory goes whole at delete
 * (this process's next write of name also clears it). */
static int drop_exchanged(int dir_fd, const char *tmp, const char *name)
{
	if (kk_sys()->unlinkat(dir_fd, tmp, 0) == 0 || errno != EISDIR)
		return 0;
	kk_sys()->renameat2(dir_fd, tmp, dir_fd, name, RENAME_EXCHANGE);
	errno = EISDIR;
	return -1;
}

static int put_in_place(int dir_fd, const char *tmp, const char *name, enum put how)
{
	if (how == PUT_EXCHANGE &&
	    kk_sys()->renameat2(dir_fd, tmp, dir_fd, name, RENAME_EXCHANGE) == 0)
		return drop_exchanged(dir_fd, tmp, name);
	/* ENOENT: no name to exchange with yet (its first write); EINVAL,
	 * ENOSYS, EOPNOTSUPP: a filesystem or kernel without the exchange. */
	if (how == PUT_EXCHANGE && errno != ENOENT && errno != EINVAL && errno != ENOSYS &&
	    errno != EOPNOTSUPP)
		return -1;
	return kk_sys()->renameat2(dir_fd, tmp, dir_fd, name, 0);
}

static int replace_with_temp(int dir_fd, const char *tmp, const char *name, const void *data,
			     size_t len, mode_t mode, enum put how, const char **step)
{
	if (fill_temp(dir_fd, tmp, data, len, mode, step) < 0)
		return -1;
	*step = "rename";
	return put_in_place(dir_fd, tmp, name, how);
}

/* Temp file in the same directory, put in place of name: a reader sees the
 * old file or the new one, never a torn one, whenever kakoi dies. No
 * fsync: it would only guard against power loss (about 5 ms a run on ext4,
 * issue 12), after which no container of the record is left running and
 * a torn record is refused by name (record.c), then cleared by delete.
 * runc and crun do not sync their state either. On failure the temp file
 * is gone and name is untouched. */
static int write_atomic(int dir_fd, const char *name, const void *data, size_t len, mode_t mode,
			enum put how, struct kk_error *err)
{
	char tmp[NAME_MAX + 1], path[PATH_MAX + NAME_MAX];
	const char *step = "create";
	int saved;

	if (check_name(name, err) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid());
	if (replace_with_temp(dir_fd, tmp, name, data, len, mode, how, &step) < 0) {
		saved = errno;
		if (strcmp(step, "create") != 0)
			kk_sys()->unlinkat(dir_fd, tmp, 0);
		file_path(dir_fd, name, path, sizeof(path));
		return kk_error_sys(err, saved, "write %s: %s", path, step);
	}
	return 0;
}

int kk_state_write_file(int dir_fd, const char *name, const void *data, size_t len,
			struct kk_error *err)
{
	/* The directory is 0700 already; the files need not be readable by
	 * anyone else either (config.json may hold secrets in env). */
	return write_atomic(dir_fd, name, data, len, 0600, PUT_EXCHANGE, err);
}

static int grow(char **data, size_t *cap, size_t max)
{
	size_t want = *cap * 2 < max + 1 ? *cap * 2 : max + 1;
	char *bigger = realloc(*data, want + 1);

	if (bigger == NULL)
		return -1;
	*data = bigger;
	*cap = want;
	return 0;
}

/* Reads fd to EOF into a buffer grown up to max + 1 bytes (one byte over
 * tells "at the limit" from "over it"); the result is NUL-terminated. */
static int read_bounded(int fd, const char *path, size_t hint, size_t max, char **buf, size_t *len,
			struct kk_error *err)
{
	size_t cap = (hint < max ? hint : max) + 1;
	KK_AUTOFREE char *data = malloc(cap + 1);

	if (data == NULL)
		return kk_error_sys(err, ENOMEM, "read %s", path);
	*len = 0;
	for (;;) {
		ssize_t n;

		if (*len == cap && grow(&data, &cap, max) < 0)
			return kk_error_sys(err, ENOMEM, "read %s", path);
		n = read(fd, data + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "read %s", path);
		if (n == 0)
			break;
		*len += (size_t)n;
		if (*len > max)
			return kk_error_set(err, KK_ERR_LIMIT, "%s: larger than %zu bytes", path,
					    max);
	}
	data[*len] = '\0';
	*buf = kk_steal_ptr(&data);
	return 0;
}

int kk_state_read_file(int dir_fd, const char *name, size_t max, char **buf, size_t *len,
		       struct kk_error *err)
{
	/* O_NOFOLLOW: a link planted in the state dir is refused, not read;
	 * O_NONBLOCK: a FIFO must not hang us before the type check. */
	const int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
	KK_AUTOCLOSE int fd = -1;
	char path[PATH_MAX + NAME_MAX];
	struct stat st;

	if (check_name(name, err) < 0)
		return -1;
	fd = openat(dir_fd, name, flags);
	file_path(dir_fd, name, path, sizeof(path));
	if (fd < 0 && errno == ENOENT) {
		kk_error_set(err, KK_ERR_INVALID, "state file %s is missing", path);
		err->sys_errno = ENOENT;
		return -1;
	}
	if (fd < 0 && errno == ELOOP)
		return kk_error_set(err, KK_ERR_INVALID, "%s: not a regular file", path);
	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return kk_error_set(err, KK_ERR_INVALID, "%s: not a regular file", path);
	if (max > SIZE_MAX / 4)
		max = SIZE_MAX / 4;
	return read_bounded(fd, path, (size_t)st.st_size, max, buf, len, err);
}

/* The pid file's removal: the path made absolute at write time, as the
 * caller's cwd may change before the undo runs. */
struct pid_file_undo {
	char path[PATH_MAX];
};

static int pid_file_undo(const void *arg, struct kk_error *err)
{
	const struct pid_file_undo *u = arg;

	if (kk_sys()->unlinkat(AT_FDCWD, u->path, 0) < 0 && errno != ENOENT)
		return kk_error_sys(err, errno, "remove pid file %s", u->path);
	return 0;
}

static int pid_file_absolute(const char *path, struct pid_file_undo *u, struct kk_error *err)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/') {
		n = snprintf(u->path, sizeof(u->path), "%s", path);
	} else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return kk_error_sys(err, errno, "--pid-file %s: getcwd", path);
		n = snprintf(u->path, sizeof(u->path), "%s/%s", cwd, path);
	}
	if (n < 0 || (size_t)n >= sizeof(u->path))
		return kk_error_set(err, KK_ERR_INVALID, "--pid-file %s: path too long", path);
	return 0;
}

/* Opens the directory part of path ("." when there is none). */
static int open_parent(const char *path, const char **base, struct kk_error *err)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	*base = slash == NULL ? path : slash + 1;
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return kk_error_set(err, KK_ERR_INVALID, "--pid-file %s: path too long", path);
	fd = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kk_error_sys(err, errno, "--pid-file %s: open %s", path, dir);
	return fd;
}

int kk_pid_file_write(const char *path, pid_t pid, struct kk_undo *undo, struct kk_error *err)
{
	KK_AUTOCLOSE int dir_fd = -1;
	struct pid_file_undo u;
	const char *base;
	char text[24];
	int n = snprintf(text, sizeof(text), "%d", (int)pid);

	if (path[0] == '\0')
		return kk_error_set(err, KK_ERR_INVALID, "--pid-file: empty path");
	dir_fd = open_parent(path, &base, err);
	if (dir_fd < 0)
		return -1;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return kk_error_set(err, KK_ERR_INVALID, "--pid-file %s: not a file name", path);
	/* Readable by all like runc's (0666 less the umask): monitors read it. */
	if (undo != NULL && pid_file_absolute(path, &u, err) < 0)
		return -1;
	/* Registered first: the undo tolerates a file that is not there. */
	if (undo != NULL &&
	    kk_undo_push(undo, "remove the pid file", pid_file_undo, &u, sizeof(u), err) < 0)
		return -1;
	return write_atomic(dir_fd, base, text, (size_t)n, 0644, PUT_RENAME, err);
}
