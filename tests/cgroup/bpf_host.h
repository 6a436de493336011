// The real kernel's side of the device filter tests (root, no sandbox): a
// test-owned directory in the cgroup2 hierarchy, and a forked child that
// moves itself into it and asks the kernel for device accesses. On a hybrid
// host the child stays in the test's own v1 cgroups, so only the program
// attached to the cgroup2 directory decides.
#ifndef KK_TESTS_CGROUP_BPF_HOST_H
#define KK_TESTS_CGROUP_BPF_HOST_H

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "runtime/cgroup/bpf/kernel.h"
#include "tests/scope/scope.h"

namespace bpfhost
{

// The cgroup2 mount: /sys/fs/cgroup on a pure v2 host, its unified/ on a
// hybrid one; "" when there is none.
inline std::string Cgroup2Root()
{
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
		return "/sys/fs/cgroup";
	if (access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0)
		return "/sys/fs/cgroup/unified";
	return "";
}

inline bool Usable()
{
	return geteuid() == 0 && !Cgroup2Root().empty();
}

// <cgroup2>/kakoi-test-<pid>/<name>, made here and removed (the run's parent
// too, once empty) when the test is done.
class Dir
{
      public:
	explicit Dir(const std::string &name)
	{
		std::string parent = Cgroup2Root() + kk_scope::CgroupParent();
		mkdir(parent.c_str(), 0755);
		path_ = parent + "/" + name;
		made_ = mkdir(path_.c_str(), 0755) == 0;
		fd_ = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	~Dir()
	{
		if (fd_ >= 0)
			close(fd_);
		if (made_)
			rmdir(path_.c_str());
		kk_scope::RemoveCgroupParent();
	}
	Dir(const Dir &) = delete;
	Dir &operator=(const Dir &) = delete;
	bool ok() const
	{
		return made_ && fd_ >= 0;
	}
	int fd() const
	{
		return fd_;
	}
	const std::string &path() const
	{
		return path_;
	}

      private:
	std::string path_;
	bool made_ = false;
	int fd_ = -1;
};

// One access the child asks for: mknod of (type, major, minor) in a
// scratch directory when access is m, else an open of an existing device
// node with r, w or rw.
struct Probe {
	char type;
	uint32_t major, minor;
	unsigned access; // BPF_DEVCG_ACC_*
};

// Device nodes of this host that any root process may open without
// changing anything, by type and numbers ("" when there is none).
inline const char *NodeFor(char type, uint32_t major, uint32_t minor)
{
	static const struct {
		char type;
		uint32_t major, minor;
		const char *path;
	} nodes[] = {
		{'c', 1, 3, "/dev/null"},
		{'c', 1, 5, "/dev/zero"},
		{'c', 1, 7, "/dev/full"},
		{'c', 1, 9, "/dev/urandom"},
		{'c', 5, 0, "/dev/tty"},
		{'c', 10, 200, "/dev/net/tun"},
		{'c', 10, 237, "/dev/loop-control"},
		{'b', 7, 7, "/dev/loop7"},
	};
	for (const auto &n : nodes)
		if (n.type == type && n.major == major && n.minor == minor &&
		    access(n.path, F_OK) == 0)
			return n.path;
	return "";
}

// The errno of one probe in the child (0: the kernel allowed it). Only the
// cgroup's EPERM counts as a refusal; a driver's own answer (ENXIO of
// /dev/tty without a terminal) means the device check let it through.
// node is the path an open probe opens, found before the child joined: in
// the cgroup even access(2) of a device node asks the program.
inline int ChildProbe(const Probe &p, const char *node, const std::string &scratch)
{
	if (p.access == BPF_DEVCG_ACC_MKNOD) {
		std::string made = scratch + "/node";
		mode_t mode = (p.type == 'b' ? S_IFBLK : S_IFCHR) | 0600;
		if (mknod(made.c_str(), mode, makedev(p.major, p.minor)) < 0)
			return errno;
		unlink(made.c_str());
		return 0;
	}
	if (node[0] == '\0')
		return -1; // a test asked for a node this host lacks
	int flags = p.access == (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE) ? O_RDWR
		    : p.access == BPF_DEVCG_ACC_WRITE			   ? O_WRONLY
									   : O_RDONLY;
	int fd = open(node, flags | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == EPERM ? EPERM : 0;
	close(fd);
	return 0;
}

// Runs probes in a child that first moves itself into dir; one result per
// probe (0 or EPERM), or an empty vector when the child could not join.
inline std::vector<int> RunIn(const std::string &dir, const std::vector<Probe> &probes)
{
	char tmpl[] = "/tmp/kk-devices-test-XXXXXX";
	std::string scratch = mkdtemp(tmpl) ? tmpl : "/tmp";
	std::vector<const char *> nodes;
	for (const auto &p : probes)
		nodes.push_back(NodeFor(p.type, p.major, p.minor));
	int fds[2];
	std::vector<int> out(probes.size());
	if (pipe2(fds, O_CLOEXEC) < 0)
		return {};
	pid_t pid = fork();
	if (pid == 0) {
		std::string me = std::to_string(getpid());
		int procs = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
		if (procs < 0 || write(procs, me.data(), me.size()) < 0)
			_exit(1);
		for (size_t i = 0; i < probes.size(); i++) {
			int r = ChildProbe(probes[i], nodes[i], scratch);
			if (write(fds[1], &r, sizeof(r)) != sizeof(r))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	size_t got = 0;
	char *at = reinterpret_cast<char *>(out.data());
	for (ssize_t n; got < out.size() * sizeof(int) &&
			(n = read(fds[0], at + got, out.size() * sizeof(int) - got)) > 0;)
		got += static_cast<size_t>(n);
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	rmdir(scratch.c_str());
	if (got != out.size() * sizeof(int) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return {};
	return out;
}

// The device programs attached to the directory (kakoi's only, or all).
inline std::vector<uint32_t> Attached(int dir_fd, bool ours = true)
{
	uint32_t *ids = nullptr;
	size_t n = 0;
	kk_error err = {};
	if (kk_devprog_query(dir_fd, ours, &ids, &n, &err) < 0)
		return {0xffffffffu};
	std::vector<uint32_t> out(ids, ids + n);
	free(ids);
	return out;
}

} // namespace bpfhost

#endif
