// A fake cgroupfs for unit tests: a temp dir tree laid out like
// /sys/fs/cgroup (v1, v2 or hybrid), and a kk_sys table that makes the plain
// files there act like cgroupfs: control files appear on first write, a new
// directory gets cgroup.procs and cgroup.subtree_control, rmdir drops the
// control files. Every write is logged ("<path relative to root>=<value>"),
// and the Nth mkdirat or write can be made to fail.
#ifndef KK_TESTS_CGROUP_FAKE_CGROUPFS_H
#define KK_TESTS_CGROUP_FAKE_CGROUPFS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include "runtime/sys/sys.h"
#include "tests/cgroup/fake_bpf.h"

namespace fakecg
{

struct State {
	std::string root;
	std::vector<std::string> writes;
	int mkdir_calls = 0, write_calls = 0;
	int fail_mkdir_at = 0, fail_write_at = 0; // 1-based; 0: never
	int fail_errno = EIO;
};

inline State &state()
{
	static State s;
	return s;
}

inline std::string rel(const std::string &p)
{
	const std::string &r = state().root;
	return p.compare(0, r.size(), r) == 0 ? p.substr(r.size()) : p;
}

inline void write_file(const std::string &path, const std::string &content)
{
	int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write(fd, content.data(), content.size());
		close(fd);
	}
}

inline std::string read_file(const std::string &path)
{
	std::string out;
	char buf[4096];
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return "<missing>";
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		out.append(buf, (size_t)n);
	close(fd);
	return out;
}

inline int fake_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if ((flags & O_ACCMODE) != O_RDONLY)
		flags |= O_CREAT | O_TRUNC;
	return openat(dirfd, path, flags, mode ? mode : 0644);
}

inline int fake_mkdirat(int dirfd, const char *path, mode_t mode)
{
	State &s = state();
	if (++s.mkdir_calls == s.fail_mkdir_at) {
		errno = s.fail_errno;
		return -1;
	}
	if (mkdirat(dirfd, path, mode) < 0)
		return -1;
	write_file(std::string(path) + "/cgroup.procs", "");
	write_file(std::string(path) + "/cgroup.subtree_control", "");
	return 0;
}

// Like cgroupfs: a directory with child directories is busy; otherwise its
// control files go with it.
inline int fake_unlinkat(int dirfd, const char *path, int flags)
{
	if (!(flags & AT_REMOVEDIR))
		return unlinkat(dirfd, path, flags);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	std::vector<std::string> files;
	bool subdirs = false;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		std::string n = e->d_name;
		if (n == "." || n == "..")
			continue;
		if (e->d_type == DT_DIR)
			subdirs = true;
		else
			files.push_back(n);
	}
	closedir(d);
	if (subdirs) {
		errno = ENOTEMPTY;
		return -1;
	}
	for (const auto &f : files)
		unlink((std::string(path) + "/" + f).c_str());
	return unlinkat(dirfd, path, flags);
}

inline ssize_t fake_write(int fd, const void *buf, size_t count)
{
	State &s = state();
	char link[64], target[PATH_MAX];
	ssize_t n;

	if (++s.write_calls == s.fail_write_at) {
		errno = s.fail_errno;
		return -1;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	s.writes.push_back(rel(target) + "=" + std::string((const char *)buf, count));
	return write(fd, buf, count);
}

inline const struct kk_sys *table()
{
	static struct kk_sys t;
	t = kk_sys_linux;
	t.openat = fake_openat;
	t.mkdirat = fake_mkdirat;
	t.unlinkat = fake_unlinkat;
	t.write = fake_write;
	t.bpf = fakebpf::bpf; // device programs on the cgroup2 directories
	return &t;
}

inline int rm_entry(const char *p, const struct stat *, int, struct FTW *)
{
	return remove(p);
}

inline std::set<std::string> *snapshot_out;
inline int snap_entry(const char *p, const struct stat *st, int, struct FTW *)
{
	snapshot_out->insert(rel(p) + (S_ISDIR(st->st_mode) ? "/" : "=" + read_file(p)));
	return 0;
}

// Every path under the root with file contents: "before == after" checks.
inline std::set<std::string> snapshot()
{
	std::set<std::string> out;
	snapshot_out = &out;
	nftw(state().root.c_str(), snap_entry, 16, FTW_PHYS);
	return out;
}

enum class Layout { V1, V2, HYBRID };

inline void make_hier(const std::string &dir, const std::vector<std::string> &files = {})
{
	mkdir(dir.c_str(), 0755);
	write_file(dir + "/cgroup.procs", "");
	for (size_t i = 0; i + 1 < files.size(); i += 2)
		write_file(dir + "/" + files[i], files[i + 1]);
}

inline void make_v1(const std::string &r, bool with_hugetlb)
{
	make_hier(r + "/cpu,cpuacct");
	(void)!symlink("cpu,cpuacct", (r + "/cpu").c_str());
	(void)!symlink("cpu,cpuacct", (r + "/cpuacct").c_str());
	make_hier(r + "/cpuset", {"cpuset.cpus", "0-3\n", "cpuset.mems", "0\n"});
	make_hier(r + "/memory");
	make_hier(r + "/pids");
	make_hier(r + "/devices");
	make_hier(r + "/blkio", {"blkio.weight", ""});
	make_hier(r + "/freezer");
	make_hier(r + "/systemd"); // a named hierarchy, no controller
	if (with_hugetlb)
		make_hier(r + "/hugetlb");
	mkdir((r + "/not-a-hierarchy").c_str(), 0755);
	write_file(r + "/stray-file", "x");
}

// A fresh tree in a new temp dir; installs the fake table.
class Tree
{
      public:
	explicit Tree(Layout layout,
		      const std::string &v2_controllers = "cpuset cpu io memory hugetlb pids rdma")
	{
		char tmpl[] = "/tmp/kk-cgroup-test-XXXXXX";
		State &s = state();
		s = State();
		fakebpf::reset();
		s.root = mkdtemp(tmpl);
		if (layout == Layout::V2) {
			make_hier(s.root, {"cgroup.controllers", v2_controllers + "\n",
					   "cgroup.subtree_control", ""});
		} else {
			make_v1(s.root, layout == Layout::V1);
		}
		if (layout == Layout::HYBRID)
			make_hier(s.root + "/unified", {"cgroup.controllers", "hugetlb\n",
							"cgroup.subtree_control", ""});
		old_ = kk_sys_set(table());
	}
	~Tree()
	{
		kk_sys_set(old_);
		nftw(state().root.c_str(), rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	const std::string &root() const
	{
		return state().root;
	}

      private:
	const struct kk_sys *old_;
};

} // namespace fakecg

#endif
