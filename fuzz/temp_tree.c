#define _GNU_SOURCE
#include "fuzz/temp_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char temp_dir[4096];
static char roots[FZ_CGROUP_TREES][4200];
static pid_t maker;

static _Noreturn void harness_failed(const char *what, const char *path)
{
	fprintf(stderr, "fuzz harness: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

static void make_dir(const char *root, const char *sub)
{
	char p[8400];

	snprintf(p, sizeof(p), "%s/%s", root, sub);
	if (mkdir(p, 0755) < 0)
		harness_failed("mkdir", p);
}

static void make_file(const char *root, const char *sub, const char *content)
{
	char p[8400];
	int fd;
	size_t len = strlen(content);

	snprintf(p, sizeof(p), "%s/%s", root, sub);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len || close(fd) < 0)
		harness_failed("write", p);
}

static void make_link(const char *root, const char *target, const char *name)
{
	char p[8400];

	snprintf(p, sizeof(p), "%s/%s", root, name);
	if (symlink(target, p) < 0)
		harness_failed("symlink", p);
}

static void make_hybrid(const char *root)
{
	static const char *const v1[] = {
		"blkio",   "cpu,cpuacct", "cpuset",	      "devices",    "freezer",
		"hugetlb", "memory",	  "net_cls,net_prio", "perf_event", "pids",
	};

	make_dir(root, "");
	for (size_t i = 0; i < sizeof(v1) / sizeof(v1[0]); i++) {
		char procs[64];

		make_dir(root, v1[i]);
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", v1[i]);
		make_file(root, procs, "");
	}
	make_link(root, "cpu,cpuacct", "cpu");
	make_link(root, "cpu,cpuacct", "cpuacct");
	make_link(root, "net_cls,net_prio", "net_cls");
	make_link(root, "net_cls,net_prio", "net_prio");
	make_dir(root, "unified");
	make_file(root, "unified/cgroup.controllers", "hugetlb\n");
	make_file(root, "unified/cgroup.subtree_control", "");
	make_file(root, "unified/cgroup.procs", "");
}

static void make_v2(const char *root)
{
	make_dir(root, "");
	make_file(root, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	make_file(root, "cgroup.subtree_control", "");
	make_file(root, "cgroup.procs", "");
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static void remove_tree(void)
{
	if (getpid() == maker)
		nftw(temp_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_all(void)
{
	const char *base = getenv("TEST_TMPDIR");

	if (base == NULL || base[0] == '\0')
		base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(temp_dir, sizeof(temp_dir), "%s/kakoi-fuzz-tree.XXXXXX", base);
	if (mkdtemp(temp_dir) == NULL)
		harness_failed("mkdtemp", temp_dir);
	maker = getpid();
	atexit(remove_tree);
	snprintf(roots[FZ_CGROUP_HYBRID], sizeof(roots[0]), "%s/cgroup-hybrid", temp_dir);
	snprintf(roots[FZ_CGROUP_V2], sizeof(roots[0]), "%s/cgroup-v2", temp_dir);
	make_hybrid(roots[FZ_CGROUP_HYBRID]);
	make_v2(roots[FZ_CGROUP_V2]);
}

const char *fz_temp_dir(void)
{
	if (temp_dir[0] == '\0')
		make_all();
	return temp_dir;
}

const char *fz_cgroup_root(enum fz_cgroup_tree tree)
{
	fz_temp_dir();
	return roots[tree];
}
