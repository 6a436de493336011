// Resource limits land in the host's cgroup v1 hierarchies at cgroupsPath
// while the container runs, the init is in them, and delete removes them.
#include <errno.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{
namespace
{

using Cgroup = IntegrationTest;

const char kPids[] = "/sys/fs/cgroup/pids";
const char kMemory[] = "/sys/fs/cgroup/memory";

TEST_F(Cgroup, PidsAndMemoryLimitsAreWritten)
{
	config_->Set("linux.resources.pids", "{\"limit\":10}");
	config_->Set("linux.resources.memory", "{\"limit\":67108864}");
	auto sleeper = RunSleeper(id_);
	pid_t pid = GetState(id_).pid;
	ASSERT_GT(pid, 0);

	std::string pids = kPids + cgroups_path_, memory = kMemory + cgroups_path_;
	EXPECT_EQ(ReadFile(pids + "/pids.max"), "10\n");
	EXPECT_EQ(ReadFile(memory + "/memory.limit_in_bytes"), "67108864\n");
	EXPECT_EQ(ReadFile(pids + "/cgroup.procs"), std::to_string(pid) + "\n");
	std::string membership = ReadFile("/proc/" + std::to_string(pid) + "/cgroup");
	EXPECT_NE(membership.find(":pids:" + cgroups_path_ + "\n"), std::string::npos)
		<< membership;
	EXPECT_NE(membership.find(":memory:" + cgroups_path_ + "\n"), std::string::npos)
		<< membership;

	Result d = Kakoi({"delete", "--force", id_});
	EXPECT_EQ(d.exit_code, 0) << d;
	EXPECT_FALSE(Exists(pids));
	EXPECT_FALSE(Exists(memory));
	ExpectNothingLeftBehind(id_);
}

// In its own cgroup namespace the container's /sys/fs/cgroup/<ctrl> is its
// own cgroup, not the host's hierarchy: no other container's cgroup is in
// view, and the top holds the container's limit (a hierarchy's root has no
// pids.max). A sibling made on the host must not show.
TEST_F(Cgroup, TheMountedHierarchyIsTheContainersOwnCgroup)
{
	config_->Set("linux.resources.pids", "{\"limit\":12}");
	std::string sibling = std::string(kPids) + "/kakoi-it-sibling-" + std::to_string(getpid());
	ASSERT_EQ(mkdir(sibling.c_str(), 0755), 0);
	Result r = RunContainer({"/bin/sh", "-c",
				 "cat /sys/fs/cgroup/pids/pids.max; ls /sys/fs/cgroup/pids/ | "
				 "grep -c kakoi-it-sibling; grep ' /sys/fs/cgroup/pids ' "
				 "/proc/self/mountinfo | cut -d' ' -f4"});
	rmdir(sibling.c_str());
	// mountinfo shows a bind's root relative to the reader's cgroup
	// namespace: "/" for its own cgroup, "/.." for the host's hierarchy.
	EXPECT_EQ(r.out, "12\n0\n/\n") << r;
}

TEST_F(Cgroup, PidsLimitIsEnforced)
{
	// The shell is one task of ten: it can start at most nine sleepers,
	// then its fork fails and it gives up (and, as the init, takes them
	// all down with it).
	config_->Set("linux.resources.pids", "{\"limit\":10}");
	Result r = RunContainer({"/bin/sh", "-c",
				 "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do "
				 "/probe sleep 5 >/dev/null & echo started; done"});
	size_t started = 0;
	for (size_t at = 0; (at = r.out.find("started\n", at)) != std::string::npos; at++)
		started++;
	EXPECT_GE(started, 1u) << r;
	EXPECT_LE(started, 9u) << r;
	EXPECT_NE(r.err.find("fork"), std::string::npos) << r;
}

TEST_F(Cgroup, LimitsAreWrittenAtCreate)
{
	config_->Set("linux.resources.pids", "{\"limit\":7}");
	config_->SetArgs({"/probe", "exit", "0"});
	auto create = Create(id_);
	ASSERT_EQ(create->Wait().exit_code, 0) << create->Wait();
	EXPECT_EQ(ReadFile(kPids + cgroups_path_ + "/pids.max"), "7\n");
	pid_t pid = GetState(id_).pid;
	EXPECT_EQ(ReadFile(kPids + cgroups_path_ + "/cgroup.procs"), std::to_string(pid) + "\n");
}

bool IsV1Hierarchy(const std::string &dir)
{
	struct statfs fs;
	return statfs(dir.c_str(), &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC;
}

// A parent the test makes itself, with the container's directory in it:
// removed from every hierarchy however the test ends (kakoi removes only
// its own /kakoi prefix, and the harness only CgroupParent()/<id>).
class OwnParent
{
      public:
	OwnParent(std::string parent, std::string id)
	    : parent_(std::move(parent)), id_(std::move(id))
	{
	}
	~OwnParent()
	{
		Remove();
	}
	// Returns the directories it could not remove.
	std::vector<std::string> Remove() const
	{
		std::vector<std::string> left;
		for (const auto &h : CgroupHierarchies()) {
			RemoveCgroup(h + parent_ + "/" + id_);
			if (rmdir((h + parent_).c_str()) < 0 && errno != ENOENT)
				left.push_back(h + parent_);
		}
		return left;
	}

      private:
	std::string parent_, id_;
};

// A create that finds its v1 cpuset parent made but still empty, as a
// concurrent create leaves kakoi's shared /kakoi between its mkdir and its
// copy of the cpus (`BENCH_PARALLEL` hit it): the init could not join an
// empty child (ENOSPC). The parent is filled from its own parent instead,
// and left in place: it is not kakoi's.
TEST_F(Cgroup, AnEmptyCpusetParentIsFilledBeforeTheContainerJoins)
{
	const std::string cpuset = "/sys/fs/cgroup/cpuset";
	if (!IsV1Hierarchy(cpuset))
		GTEST_SKIP() << "no v1 cpuset hierarchy on this host";
	std::string parent = kk_scope::CgroupParent() + "/empty-cpuset";
	std::string id = ExtraId("in-empty");
	ASSERT_EQ(mkdir((cpuset + kk_scope::CgroupParent()).c_str(), 0755) == 0 || errno == EEXIST,
		  true);
	ASSERT_EQ(mkdir((cpuset + parent).c_str(), 0755), 0) << strerror(errno);
	OwnParent own(parent, id);
	// With cgroup.clone_children set (LXC sets it) the kernel fills a new
	// directory itself: empty it, as a racing create leaves it.
	WriteFile(cpuset + parent + "/cpuset.cpus", "\n");
	WriteFile(cpuset + parent + "/cpuset.mems", "\n");
	ASSERT_EQ(ReadFile(cpuset + parent + "/cpuset.cpus"), "\n");
	ASSERT_EQ(ReadFile(cpuset + parent + "/cpuset.mems"), "\n");
	config_->SetArgs({"/probe", "exit", "0"});
	config_->SetCgroupsPath(parent + "/" + id);
	SaveConfig();

	Result r = Kakoi({"create", "--bundle", bundle_, id});
	EXPECT_EQ(r.exit_code, 0) << r;
	std::string host_cpus = ReadFile(cpuset + "/cpuset.cpus");
	EXPECT_EQ(ReadFile(cpuset + parent + "/cpuset.cpus"), host_cpus);
	EXPECT_EQ(ReadFile(cpuset + parent + "/" + id + "/cpuset.cpus"), host_cpus);
	EXPECT_EQ(ReadFile(cpuset + parent + "/" + id + "/cgroup.procs"),
		  std::to_string(GetState(id).pid) + "\n");

	EXPECT_EQ(Kakoi({"delete", "--force", id}).exit_code, 0);
	ExpectNothingLeftBehind(id); // state, processes, mounts
	for (const auto &h : CgroupHierarchies())
		EXPECT_FALSE(Exists(h + parent + "/" + id)) << "left behind by delete";
	EXPECT_EQ(own.Remove(), std::vector<std::string>{});
}

} // namespace
} // namespace kk_it
