// What one test run owns on a live host, and how to look only at that.
//
// Users run these tests on machines that run real containers, and CI runners
// share hosts: a test may create, check and remove only what it made. Every
// suite names its cgroups under CgroupParent(), its managers' namespaces and
// state after RunName(), and looks for leftover mounts only under its own
// directories (MountsUnder). The host's global mount table, /run/kakoi, and
// cgroups such as libpod_parent are other people's business.
#ifndef KK_TESTS_SCOPE_SCOPE_H
#define KK_TESTS_SCOPE_SCOPE_H

#include <string>
#include <vector>

namespace kk_scope
{

// "kakoi-test-<pid>": unique among the test binaries running on this host
// at the same time (each Bazel test target is one process).
std::string RunName();

// "/kakoi-test-<pid>": the cgroup parent (cgroupsPath prefix, Podman's
// --cgroup-parent) of every cgroup this run makes.
std::string CgroupParent();

// Removes CgroupParent() from every hierarchy under /sys/fs/cgroup where it
// is empty: nothing of the run's may be left, and a non-empty parent holds
// a leftover that the suite's own check reports.
void RemoveCgroupParent();

// The lines of /proc/self/mountinfo whose mount point is one of prefixes or
// lies below one (as a path: "/tmp/a" does not cover "/tmp/ab"), in order.
std::vector<std::string> MountsUnder(const std::vector<std::string> &prefixes);

// Field 5 of a mountinfo line, the mount point, with mountinfo's octal
// escapes (\040 for a space) decoded.
std::string MountPoint(const std::string &mountinfo_line);

// Unmounts (lazily, deepest first) every mount MountsUnder(prefixes) finds.
void UnmountUnder(const std::vector<std::string> &prefixes);

// Is path a mount point in this process's (the host's) mount namespace?
bool IsMountPoint(const std::string &path);

// A host sysctl a test must never leave changed, even when kakoi has a bug:
// read when made; Restore() (and the destructor) write it back if it
// differs, Restore() saying whether it had to.
class SysctlGuard
{
      public:
	explicit SysctlGuard(const std::string &name);
	~SysctlGuard();
	SysctlGuard(const SysctlGuard &) = delete;
	SysctlGuard &operator=(const SysctlGuard &) = delete;
	const std::string &Before() const
	{
		return before_;
	}
	bool Restore();

      private:
	std::string path_, before_;
};

} // namespace kk_scope

#endif
