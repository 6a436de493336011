// Leftovers that must not stick: a create killed at any moment, processes
// left in the cgroup of a stopped container, a --preserve-fds count larger
// than what the caller passed, and the cgroup namespace's root.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <sstream>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

class Recovery : public IntegrationTest
{
      protected:
	// `run --detach` of args, then waits until the state says stopped.
	void RunUntilStopped(const std::vector<std::string> &args)
	{
		config_->SetArgs(args);
		SaveConfig();
		Result r = Kakoi({"run", "--detach", "--bundle", bundle_, id_});
		ASSERT_EQ(r.exit_code, 0) << r;
		ASSERT_TRUE(WaitForStatus(id_, "stopped", 5000)) << GetState(id_).result;
	}
	// cgroup.procs of the container's pids cgroup, which must exist.
	std::string CgroupProcs()
	{
		const std::string procs = "/sys/fs/cgroup/pids" + cgroups_path_ + "/cgroup.procs";
		EXPECT_TRUE(Exists(procs)) << procs;
		return Exists(procs) ? ReadFile(procs) : "<missing>";
	}
	void ExpectDeleteLeavesNothing()
	{
		Result d = Kakoi({"delete", id_});
		EXPECT_EQ(d.exit_code, 0) << d;
		ExpectNothingLeftBehind(id_);
	}
};

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

void SleepMs(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, nullptr);
}

TEST_F(Recovery, DeleteForceCleansUpAfterACreateKilledAtAnyMoment)
{
	config_->SetArgs({"/probe", "sleep", "100"});
	SaveConfig();
	for (int delay_ms : {0, 1, 2, 3, 5, 8, 12, 20, 40}) {
		auto create = KakoiSpawn({"create", "--bundle", bundle_, id_});
		SleepMs(delay_ms);
		create->Signal(SIGKILL);
		create->Wait();
		Result d = Kakoi({"delete", "--force", id_});
		EXPECT_EQ(d.exit_code, 0) << "killed after " << delay_ms << " ms: " << d;
		std::vector<std::string> left = LeftBehind(id_);
		EXPECT_TRUE(left.empty())
			<< "killed after " << delay_ms << " ms: " << left.size()
			<< " things left, first: " << (left.empty() ? "" : left[0]);
		// The ID is free again.
		Result again = Create(id_)->Wait();
		EXPECT_EQ(again.exit_code, 0) << again;
		EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	}
	ExpectNothingLeftBehind(id_);
}

TEST_F(Recovery, DeleteKillsWhatAStoppedContainerLeftInItsCgroup)
{
	config_->RemoveNamespace("pid");
	ASSERT_NO_FATAL_FAILURE(RunUntilStopped({"/bin/sh", "-c", "/probe sleep 1000 & exit 0"}));
	EXPECT_NE(CgroupProcs(), "") << "the orphan is in the cgroup";
	ExpectDeleteLeavesNothing();
}

// With a pid namespace of its own, the init's death takes every process of
// the container with it (the kernel's doing): why delete then does not look
// for processes in the cgroup (KK_RECORD_OWN_PIDNS), as runc does not.
TEST_F(Recovery, AnInitWithItsOwnPidNamespaceTakesItsOrphansWithIt)
{
	ASSERT_NO_FATAL_FAILURE(RunUntilStopped({"/bin/sh", "-c", "/probe sleep 1000 & exit 0"}));
	EXPECT_EQ(CgroupProcs(), "");
	ExpectDeleteLeavesNothing();
}

// An init whose main thread exited while another runs on reads as a zombie
// ("stopped"), but its pid namespace lives: delete must not take it for
// dead and skip the cgroup, or the cgroup could never be removed.
TEST_F(Recovery, AZombieLeaderWithLiveThreadsIsStillKilled)
{
	ASSERT_NO_FATAL_FAILURE(RunUntilStopped({"/probe", "leader-exits"}));
	EXPECT_NE(CgroupProcs(), "") << "the thread group is alive in the cgroup";
	ExpectDeleteLeavesNothing();
}

TEST_F(Recovery, PreserveFdsMustNameOpenFds)
{
	config_->SetArgs({"/probe", "fds"});
	SaveConfig();
	int fd = dup(2);
	RunOptions opts;
	opts.fds[3] = fd; // fds 4 and 5 are not open: kakoi must not fill them with its own
	Result r = Kakoi({"run", "--preserve-fds", "3", "--bundle", bundle_, id_}, opts);
	close(fd);
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "--preserve-fds 3: fd 4 is not open")) << r;
	ExpectNothingLeftBehind(id_);
}

TEST_F(Recovery, TheCgroupNamespaceIsRootedAtTheContainersCgroup)
{
	Result r = RunContainer({"/probe", "read", "/proc/self/cgroup"});
	ASSERT_EQ(r.exit_code, 0) << r;
	std::istringstream lines(r.out);
	std::string line;
	int n = 0;
	while (std::getline(lines, line)) {
		if (line.empty())
			continue;
		n++;
		EXPECT_EQ(line.substr(line.rfind(':')), ":/") << r.out;
	}
	EXPECT_GT(n, 0) << r;
}

TEST_F(Recovery, SignalZeroProbesALiveContainer)
{
	auto sleeper = RunSleeper(id_);
	Result k = Kakoi({"kill", id_, "0"});
	EXPECT_EQ(k.exit_code, 0) << k;
	EXPECT_EQ(GetState(id_).status, "running");
}

} // namespace
} // namespace kk_it
