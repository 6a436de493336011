/* Reading cgroup control files for stats: the container's directory opened
 * with no symlink below the hierarchy root, each file opened O_NOFOLLOW and
 * read whole up to KK_STATS_FILE_MAX. A cgroup directory is written by
 * whoever owns it (a delegated subtree, or the container itself with a
 * writable cgroupfs): its contents are parsed as untrusted text. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "base/cleanup.h"
#include "runtime/cgroup/stats_read.h"

int st_dir_open(const struct kk_cgroup *cg, const struct cg_hier *h, struct st_dir *d,
		bool *present, struct kk_error *err)
{
	KK_AUTOCLOSE int root = open(h->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
	const char *rel = cg->path + strspn(cg->path, "/");

	d->fd = -1;
	d->path = h->dir;
	*present = false;
	if (root < 0)
		return kk_error_sys(err, errno, "open %s", h->root);
	d->fd = (int)syscall(SYS_openat2, root, rel[0] ? rel : ".", &how, sizeof(how));
	if (d->fd >= 0) {
		*present = true;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return kk_error_sys(err, errno, "open %s", h->dir);
}

int st_malformed(const struct st_dir *d, const char *file, const char *what, struct kk_error *err)
{
	return kk_error_set(err, KK_ERR_INVALID, "read %s/%s: %s", d->path, file, what);
}

/* Grows *buf (cap bytes) while the file has more, up to the bound. */
static int read_all(int fd, const struct st_dir *d, const char *file, char **buf,
		    struct kk_error *err)
{
	size_t got = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (cap - got < 2) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb = realloc(*buf, ncap);

			if (nb == NULL)
				return kk_error_sys(err, ENOMEM, "read %s/%s", d->path, file);
			*buf = nb;
			cap = ncap;
		}
		n = read(fd, *buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "read %s/%s", d->path, file);
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > KK_STATS_FILE_MAX)
			return kk_error_set(err, KK_ERR_LIMIT, "read %s/%s: larger than %d bytes",
					    d->path, file, KK_STATS_FILE_MAX);
	}
	(*buf)[got] = '\0';
	if (memchr(*buf, '\0', got) != NULL)
		return st_malformed(d, file, "holds a NUL byte", err);
	return 0;
}

int st_read(const struct st_dir *d, const char *file, char **buf, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = openat(d->fd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	KK_AUTOFREE char *text = NULL;

	*buf = NULL;
	if (fd < 0)
		return errno == ENOENT ? 0 : kk_error_sys(err, errno, "read %s/%s", d->path, file);
	if (read_all(fd, d, file, &text, err) < 0)
		return -1;
	*buf = kk_steal_ptr(&text);
	return 0;
}

/* Decimal digits (or "max"); a leading '-' reads as 0, as runc does for
 * v1 files that say -1 for "no limit". */
int st_parse_u64(const char **s, uint64_t *v)
{
	const char *p = *s;
	bool negative = *p == '-';
	uint64_t n = 0;

	if (strncmp(p, "max", 3) == 0) {
		*s = p + 3;
		*v = UINT64_MAX;
		return 0;
	}
	if (negative)
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*v = negative ? 0 : n;
	return 0;
}

static bool only_space(const char *p)
{
	return p[strspn(p, " \t\n")] == '\0';
}

int st_u64(const struct st_dir *d, const char *file, uint64_t *v, bool *present,
	   struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;
	const char *p;

	*present = false;
	if (st_read(d, file, &text, err) < 0)
		return -1;
	if (text == NULL)
		return 0;
	p = text;
	if (st_parse_u64(&p, v) < 0 || !only_space(p))
		return st_malformed(d, file, "not a number", err);
	*present = true;
	return 0;
}

int st_u64_opt(const struct st_dir *d, const char *file, uint64_t *v, struct kk_error *err)
{
	bool present;
	uint64_t got = 0;

	if (st_u64(d, file, &got, &present, err) < 0)
		return -1;
	if (present)
		*v = got;
	return 0;
}

int st_i64_opt(const struct st_dir *d, const char *file, int64_t *v, struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;
	char *end;
	long long n;

	if (st_read(d, file, &text, err) < 0)
		return -1;
	if (text == NULL)
		return 0;
	errno = 0;
	n = strtoll(text, &end, 10);
	if (end == text || errno != 0 || !only_space(end))
		return st_malformed(d, file, "not a number", err);
	*v = n;
	return 0;
}

/* One "key value" line; blank lines are skipped. */
static int kv_line(const struct st_dir *d, const char *file, char *line, st_kv_fn fn, void *arg,
		   struct kk_error *err)
{
	size_t klen = strcspn(line, " \t");
	const char *p = line + klen;
	uint64_t v;

	if (klen == 0 && only_space(line))
		return 0;
	p += strspn(p, " \t");
	if (klen == 0 || st_parse_u64(&p, &v) < 0 || !only_space(p))
		return st_malformed(d, file, "not \"key value\" lines", err);
	/* A key longer than any the kernel has is a newer kernel's: skipped. */
	if (klen >= sizeof(((struct kk_stats_kv *)0)->key))
		return 0;
	line[klen] = '\0';
	return fn(arg, line, v, err);
}

int st_each_kv(const struct st_dir *d, const char *file, st_kv_fn fn, void *arg, bool *present,
	       struct kk_error *err)
{
	KK_AUTOFREE char *text = NULL;
	char *save = NULL;

	*present = false;
	if (st_read(d, file, &text, err) < 0)
		return -1;
	if (text == NULL)
		return 0;
	*present = true;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (kv_line(d, file, l, fn, arg, err) < 0)
			return -1;
	return 0;
}

int st_read_pids(const struct st_dir *d, struct kk_cgroup_stats *s, struct kk_error *err)
{
	if (st_u64_opt(d, "pids.current", &s->pids.current, err) < 0 ||
	    st_u64_opt(d, "pids.max", &s->pids.limit, err) < 0)
		return -1;
	if (s->pids.limit == UINT64_MAX)
		s->pids.limit = 0; /* runc: "max" is no limit, reported as 0 */
	return 0;
}
