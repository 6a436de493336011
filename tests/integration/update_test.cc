// kakoi update: new limits on a running container, through the per-field
// flags (both --flag=v and --flag v), a --resources file and `-` (stdin,
// as Podman and containerd's shim send it). Each limit is checked in the
// host's hierarchy and from inside the container (its cgroup namespace
// shows its own cgroup at /sys/fs/cgroup/<controller>). Refusals leave the
// limits as they were, including a second write failing after a first
// succeeded.
#include <fcntl.h>
#include <unistd.h>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

class Update : public IntegrationTest
{
      protected:
	// The value of a control file in the container's cgroup, from outside.
	std::string Host(const std::string &controller, const std::string &file)
	{
		return ReadFile("/sys/fs/cgroup/" + controller + cgroups_path_ + "/" + file);
	}
	// The same file seen from inside the container. Its cgroup mount shows
	// the whole hierarchy today (mountinfo root "/.."), so its own cgroup is
	// at the host's path there; a mount rooted at the container's cgroup
	// namespace would show it at the top.
	std::string Inside(const std::string &controller, const std::string &file)
	{
		std::string top = "/sys/fs/cgroup/" + controller;
		std::string script = "f=" + top + cgroups_path_ + "/" + file +
				     "; [ -e $f ] || f=" + top + "/" + file + "; cat $f";
		Result r = Kakoi({"exec", id_, "/bin/sh", "-c", script});
		EXPECT_EQ(r.exit_code, 0) << r;
		return r.out;
	}
	void ExpectLimit(const std::string &controller, const std::string &file,
			 const std::string &value)
	{
		EXPECT_EQ(Host(controller, file), value + "\n") << controller << "/" << file;
		EXPECT_EQ(Inside(controller, file), value + "\n") << controller << "/" << file;
	}
	// Runs `update` with fd 0 reading the given text.
	Result UpdateFromStdin(const std::string &json, const std::vector<std::string> &args)
	{
		std::string path = HostTempDir("stdin") + "/resources.json";
		WriteFile(path, json);
		int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
		RunOptions opts;
		opts.fds[0] = fd;
		Result r = Kakoi(args, opts);
		close(fd);
		return r;
	}
	// Every limit these tests change, from outside, for "unchanged" checks.
	std::vector<std::string> Limits()
	{
		return {Host("memory", "memory.limit_in_bytes"),
			Host("memory", "memory.memsw.limit_in_bytes"),
			Host("cpu", "cpu.shares"),
			Host("cpu", "cpu.cfs_quota_us"),
			Host("cpuset", "cpuset.cpus"),
			Host("pids", "pids.max")};
	}
};

TEST_F(Update, FlagsInBothForms)
{
	auto sleeper = RunSleeper(id_);
	Result r = Kakoi({"update", "--memory", "100m", "--memory-swap=200m", "--cpu-share", "512",
			  "--cpu-quota=50000", "--cpu-period", "100000", "--cpuset-cpus=0",
			  "--pids-limit", "20", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ExpectLimit("memory", "memory.limit_in_bytes", "104857600");
	ExpectLimit("memory", "memory.memsw.limit_in_bytes", "209715200");
	ExpectLimit("cpu", "cpu.shares", "512");
	ExpectLimit("cpu", "cpu.cfs_quota_us", "50000");
	ExpectLimit("cpu", "cpu.cfs_period_us", "100000");
	ExpectLimit("cpuset", "cpuset.cpus", "0");
	ExpectLimit("pids", "pids.max", "20");

	// runc's other spelling, and raising memory above the current memsw
	// (memsw must go first, which update works out from the current value).
	r = Kakoi({"update", "--cpu-shares=256", "--memory=300m", "--memory-swap", "1g", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ExpectLimit("cpu", "cpu.shares", "256");
	ExpectLimit("memory", "memory.limit_in_bytes", "314572800");
	ExpectLimit("memory", "memory.memsw.limit_in_bytes", "1073741824");

	// -1: unlimited, swap with it (runc).
	r = Kakoi({"update", "--memory", "-1", "--pids-limit=-1", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ExpectLimit("pids", "pids.max", "max");
	EXPECT_EQ(Host("memory", "memory.limit_in_bytes"),
		  ReadFile("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
	EXPECT_EQ(Host("memory", "memory.memsw.limit_in_bytes"),
		  ReadFile("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"));
}

TEST_F(Update, ResourcesFile)
{
	auto sleeper = RunSleeper(id_);
	std::string file = HostTempDir("res") + "/r.json";
	WriteFile(file, R"({"memory":{"limit":134217728,"swap":268435456},
		"cpu":{"shares":300,"quota":20000,"period":50000,"cpus":"1"},
		"pids":{"limit":33},"devices":[{"allow":false,"access":"rwm"}]})");
	Result r = Kakoi({"update", "--resources", file, id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ExpectLimit("memory", "memory.limit_in_bytes", "134217728");
	ExpectLimit("memory", "memory.memsw.limit_in_bytes", "268435456");
	ExpectLimit("cpu", "cpu.shares", "300");
	ExpectLimit("cpu", "cpu.cfs_quota_us", "20000");
	ExpectLimit("cpu", "cpu.cfs_period_us", "50000");
	ExpectLimit("cpuset", "cpuset.cpus", "1");
	ExpectLimit("pids", "pids.max", "33");
	// The device rules were not rewritten (runc's update leaves them).
	r = Kakoi({"exec", id_, "/bin/cat", "/dev/null"});
	EXPECT_EQ(r.exit_code, 0) << r;

	// Flags override the document's field; --resources=FILE form.
	r = Kakoi({"update", "--resources=" + file, "--pids-limit", "44", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ExpectLimit("pids", "pids.max", "44");
	ExpectLimit("cpu", "cpu.shares", "300");
}

// How Podman and containerd's shim call it: `update --resources - ID`.
TEST_F(Update, ResourcesOnStdin)
{
	auto sleeper = RunSleeper(id_);
	Result r = UpdateFromStdin(R"({"memory":{"limit":78643200},"cpu":{"shares":700},
		"pids":{"limit":55}})",
				   {"update", "--resources", "-", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ExpectLimit("memory", "memory.limit_in_bytes", "78643200");
	ExpectLimit("cpu", "cpu.shares", "700");
	ExpectLimit("pids", "pids.max", "55");
	r = UpdateFromStdin(R"({"pids":{"limit":66}})", {"update", "-r", "-", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ExpectLimit("pids", "pids.max", "66");
}

TEST_F(Update, BadInputChangesNothing)
{
	auto sleeper = RunSleeper(id_);
	auto before = Limits();
	struct {
		std::string json;
		std::vector<std::string> flags;
		std::string expect;
	} cases[] = {
		{"{\"memory\":", {}, "resources.json: "},
		{R"({"memroy":{"limit":1048576}})", {}, "resources.json: memroy: unknown key"},
		{R"({"memory":{"limit":"1g"}})", {}, "resources.json: memory.limit: "},
		{R"({"pids":{"limit":5}})", {"--memory", "lots"}, "--memory: \"lots\""},
		{R"({"pids":{"limit":5}})", {"--cpu-quota=1.5"}, "--cpu-quota: \"1.5\""},
		{R"({"pids":{"limit":5}})", {"--cpu-shares", "-2"}, "--cpu-shares: \"-2\""},
		{R"({"pids":{"limit":5}})", {"--frobnicate=1"}, "--frobnicate"},
		{R"({"pids":{"limit":5}})", {"--l3-cache-schema", "L3:0=f"}, "Intel RDT"},
		// Flags get the document's rules too (they join after its check).
		{R"({"pids":{"limit":5}})",
		 {"--cpu-quota", "1000", "--cpu-burst", "5000"},
		 "cpu.burst: 5000 is larger than quota 1000"},
		{R"({"pids":{"limit":5}})", {"--cpuset-cpus", "0\n"}, "cpu.cpus: "},
	};
	for (const auto &c : cases) {
		std::vector<std::string> args = {"update", "--resources", "-"};
		args.insert(args.end(), c.flags.begin(), c.flags.end());
		args.push_back(id_);
		Result r = UpdateFromStdin(c.json, args);
		EXPECT_NE(r.exit_code, 0) << c.json << r;
		EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.expect << "\n" << r;
		EXPECT_EQ(Limits(), before) << c.json;
	}
}

// A failing second write: memory is written (and then written back) before
// cpuset.cpus is refused by the kernel (no such CPU).
TEST_F(Update, FailedWriteRestoresTheEarlierOnes)
{
	auto sleeper = RunSleeper(id_);
	auto before = Limits();
	Result r = Kakoi(
		{"update", "--memory", "150m", "--pids-limit", "9", "--cpuset-cpus", "4095", id_});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("linux.resources.cpu.cpus: write /sys/fs/cgroup/cpuset" +
			     cgroups_path_ + "/cpuset.cpus"),
		  std::string::npos)
		<< r;
	EXPECT_EQ(Limits(), before);
	ExpectLimit("pids", "pids.max", "max");
}

TEST_F(Update, KernelMemoryIsIgnoredWithAWarning)
{
	auto sleeper = RunSleeper(id_);
	Result r = Kakoi({"update", "--kernel-memory", "10m", "--kernel-memory-tcp=1m",
			  "--pids-limit", "12", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("--kernel-memory is ignored"), std::string::npos) << r;
	EXPECT_NE(r.err.find("--kernel-memory-tcp is ignored"), std::string::npos) << r;
	ExpectLimit("pids", "pids.max", "12");
}

TEST_F(Update, PausedContainerIsUpdated)
{
	auto sleeper = RunSleeper(id_);
	ASSERT_EQ(Kakoi({"pause", id_}).exit_code, 0);
	Result r = Kakoi({"update", "--pids-limit", "13", id_});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(Host("pids", "pids.max"), "13\n");
	ASSERT_EQ(Kakoi({"resume", id_}).exit_code, 0);
}

TEST_F(Update, StoppedOrMissingContainerRefused)
{
	config_->SetArgs({"/probe", "exit", "0"});
	auto create = Create(id_);
	ASSERT_EQ(create->Wait().exit_code, 0) << create->Wait();
	ASSERT_EQ(Kakoi({"start", id_}).exit_code, 0);
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	Result r = Kakoi({"update", "--pids-limit", "5", id_});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("container not running"), std::string::npos) << r;

	r = Kakoi({"update", "--pids-limit", "5", "no-such-container"});
	EXPECT_NE(r.exit_code, 0) << r;
	r = Kakoi({"update", "--pids-limit", "5"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("give exactly one container ID"), std::string::npos) << r;
}

} // namespace
} // namespace kk_it
