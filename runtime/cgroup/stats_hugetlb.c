/* Huge page stats per page size. The sizes are the ones the cgroup has
 * files for (hugetlb.<size>.usage_in_bytes on v1, .current on v2), so
 * nothing outside the cgroup directory is consulted. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cgroup/stats_read.h"

static int events_max(void *arg, const char *key, uint64_t v, struct kk_error *err)
{
	(void)err;
	if (strcmp(key, "max") == 0)
		*(uint64_t *)arg = v;
	return 0;
}

static int read_size(const struct st_dir *d, const char *size, bool v2, struct kk_cgroup_stats *s,
		     struct kk_error *err)
{
	struct kk_stats_hugetlb *h = st_hugetlb(s, size, err);
	char file[64];
	bool present;

	if (h == NULL)
		return -1;
	snprintf(file, sizeof(file), "hugetlb.%s.%s", size, v2 ? "current" : "usage_in_bytes");
	if (st_u64_opt(d, file, &h->usage, err) < 0)
		return -1;
	if (v2) {
		/* v2 has no peak; failures are the "max" count of the events. */
		snprintf(file, sizeof(file), "hugetlb.%s.events", size);
		return st_each_kv(d, file, events_max, &h->failcnt, &present, err);
	}
	snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
	if (st_u64_opt(d, file, &h->max, err) < 0)
		return -1;
	snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
	return st_u64_opt(d, file, &h->failcnt, err);
}

/* "hugetlb.2MB.current" -> "2MB"; false for other names. */
static bool size_of(const char *name, const char *suffix, char *size, size_t len)
{
	size_t n = strlen(name), slen = strlen(suffix), plen = strlen("hugetlb.");

	if (n <= plen + slen || strncmp(name, "hugetlb.", plen) != 0 ||
	    strcmp(name + n - slen, suffix) != 0 || n - plen - slen >= len)
		return false;
	memcpy(size, name + plen, n - plen - slen);
	size[n - plen - slen] = '\0';
	return size[0] != '\0' && strchr(size, '.') == NULL;
}

int st_hugetlb_read(const struct st_dir *d, bool v2, struct kk_cgroup_stats *s,
		    struct kk_error *err)
{
	int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *suffix = v2 ? ".current" : ".usage_in_bytes";
	struct dirent *e;
	DIR *dir;
	int rc = 0;

	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", d->path);
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return kk_error_sys(err, errno, "open %s", d->path);
	}
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		char size[sizeof(((struct kk_stats_hugetlb *)0)->size)];

		if (size_of(e->d_name, suffix, size, sizeof(size)))
			rc = read_size(d, size, v2, s, err);
	}
	closedir(dir);
	return rc;
}
