// kakoi exec (issue 6): a process joins every namespace and the cgroup of a
// live container, with the command line's overrides; its status passes
// through; a missing executable fails before anything runs; -d leaves it
// running with a pid file; no fd of kakoi's caller reaches it.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

std::string Trim(std::string s)
{
	while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
		s.pop_back();
	return s;
}

class Exec : public IntegrationTest
{
      protected:
	void StartSleeper()
	{
		config_->SetHostname("exec-host");
		sleeper_ = RunSleeper(id_);
		init_pid_ = GetState(id_).pid;
		ASSERT_GT(init_pid_, 0);
	}
	Result ExecProbe(const std::vector<std::string> &flags,
			 const std::vector<std::string> &args)
	{
		std::vector<std::string> cmd = {"exec"};
		cmd.insert(cmd.end(), flags.begin(), flags.end());
		cmd.push_back(id_);
		cmd.push_back("/probe");
		cmd.insert(cmd.end(), args.begin(), args.end());
		return Kakoi(cmd);
	}
	std::unique_ptr<Process> sleeper_;
	pid_t init_pid_ = 0;
};

TEST_F(Exec, JoinsThePidAndUtsNamespaces)
{
	StartSleeper();
	Result p = ExecProbe({}, {"pid"});
	ASSERT_EQ(p.exit_code, 0) << p;
	int pid = std::stoi(p.out);
	EXPECT_GT(pid, 1) << "a container pid, not the init";
	EXPECT_LT(pid, 100) << "not a host pid: " << p.out;
	Result h = ExecProbe({}, {"hostname"});
	ASSERT_EQ(h.exit_code, 0) << h;
	EXPECT_EQ(Trim(h.out), "exec-host");
}

TEST_F(Exec, ExitStatusPassesThrough)
{
	StartSleeper();
	Result r = ExecProbe({}, {"exit", "7"});
	EXPECT_EQ(r.exit_code, 7) << r;
	Result ok = ExecProbe({}, {"exit", "0"});
	EXPECT_EQ(ok.exit_code, 0) << ok;
}

TEST_F(Exec, EnvCwdUserAndCapsFlags)
{
	StartSleeper();
	Result e = ExecProbe({"--env", "KK_A=1", "-e=KK_B=2", "--env=KK_A=3"}, {"env"});
	ASSERT_EQ(e.exit_code, 0) << e;
	EXPECT_TRUE(Contains(e.out, "KK_A=3\n")) << e.out;
	EXPECT_FALSE(Contains(e.out, "KK_A=1\n")) << e.out;
	EXPECT_TRUE(Contains(e.out, "KK_B=2\n")) << e.out;

	Result c = ExecProbe({"--cwd=/tmp"}, {"cwd"});
	ASSERT_EQ(c.exit_code, 0) << c;
	EXPECT_EQ(Trim(c.out), "/tmp");
	Result c2 = ExecProbe({"--cwd", "/etc"}, {"cwd"});
	EXPECT_EQ(Trim(c2.out), "/etc") << c2;

	Result u = ExecProbe({"--user", "1000:1000", "-g", "44", "--additional-gids=45"}, {"ids"});
	ASSERT_EQ(u.exit_code, 0) << u;
	EXPECT_EQ(Trim(u.out), "uid=1000 gid=1000 groups=44,45");

	Result base = ExecProbe({}, {"caps"});
	Result caps = ExecProbe({"--cap", "CAP_SYS_ADMIN"}, {"caps"});
	ASSERT_EQ(caps.exit_code, 0) << caps;
	EXPECT_NE(base.out, caps.out) << base.out;
	// CAP_SYS_ADMIN is bit 21: 0x200000 in the effective mask.
	size_t at = caps.out.find("CapEff=");
	ASSERT_NE(at, std::string::npos) << caps.out;
	unsigned long long eff = std::stoull(caps.out.substr(at + 7, 16), nullptr, 16);
	EXPECT_NE(eff & (1ULL << 21), 0u) << caps.out;
}

TEST_F(Exec, RunsInTheInitsCgroup)
{
	StartSleeper();
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	Result r = Kakoi({"exec", "-d", "--pid-file", pid_file, id_, "/probe", "sleep", "100"});
	ASSERT_EQ(r.exit_code, 0) << r;
	ASSERT_TRUE(Exists(pid_file));
	pid_t pid = std::stoi(ReadFile(pid_file));
	ASSERT_GT(pid, 0);
	EXPECT_EQ(kill(pid, 0), 0) << "the detached process is alive";
	EXPECT_EQ(ReadFile("/proc/" + std::to_string(pid) + "/cgroup"),
		  ReadFile("/proc/" + std::to_string(init_pid_) + "/cgroup"));
	std::string cgprocs = ReadFile("/sys/fs/cgroup/pids" + cgroups_path_ + "/cgroup.procs");
	EXPECT_TRUE(Contains(cgprocs, std::to_string(pid) + "\n")) << cgprocs;
	for (const char *ns : {"pid", "mnt", "uts", "ipc", "net"})
		EXPECT_EQ(Trim(ReadFile("/proc/" + std::to_string(pid) + "/ns/" + ns)),
			  Trim(ReadFile("/proc/" + std::to_string(init_pid_) + "/ns/" + ns)))
			<< ns;
	Result k = Kakoi({"kill", "--all", id_, "KILL"});
	EXPECT_EQ(k.exit_code, 0) << k;
}

TEST_F(Exec, MissingExecutableFailsWithRuncWording)
{
	StartSleeper();
	Result r = Kakoi({"exec", id_, "nosuchprog"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "exec: \"nosuchprog\": executable file not found in $PATH"))
		<< r;
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	Result d = Kakoi({"exec", "--detach", "--pid-file", pid_file, id_, "/nope"});
	EXPECT_NE(d.exit_code, 0) << d;
	EXPECT_TRUE(Contains(d.err, "no such file or directory")) << d;
	EXPECT_FALSE(Exists(pid_file));
	std::string procs = ReadFile("/sys/fs/cgroup/pids" + cgroups_path_ + "/cgroup.procs");
	EXPECT_EQ(Trim(procs), std::to_string(init_pid_)) << "only the init is left";
}

TEST_F(Exec, StoppedContainerIsRefused)
{
	config_->SetArgs({"/probe", "exit", "0"});
	Result run = RunContainer({"/probe", "exit", "0"}, {"--detach"});
	ASSERT_EQ(run.exit_code, 0) << run;
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	Result r = ExecProbe({}, {"pid"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "cannot exec in a stopped container")) << r;
}

TEST_F(Exec, ProcessFile)
{
	StartSleeper();
	std::string dir = HostTempDir("proc");
	WriteFile(dir + "/process.json",
		  R"({"args":["/probe","ids"],"cwd":"/","env":["PATH=/bin"],)"
		  R"("user":{"uid":1000,"gid":1000}})");
	Result r = Kakoi({"exec", "--process=" + dir + "/process.json", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(Trim(r.out), "uid=1000 gid=1000 groups=");
	Result bad = Kakoi({"exec", "--process", dir + "/missing.json", id_});
	EXPECT_NE(bad.exit_code, 0) << bad;
}

TEST_F(Exec, LeakedFdsAreNotVisibleButPreservedOnesAre)
{
	StartSleeper();
	int leak = open("/dev/null", O_RDONLY);
	ASSERT_GE(leak, 0);
	RunOptions opts;
	opts.fds[3] = leak;
	opts.fds[7] = leak;
	Result r = Kakoi({"exec", id_, "/probe", "fds"}, opts);
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(Trim(r.out), "0 1 2");
	Result p = Kakoi({"exec", "--preserve-fds=1", id_, "/probe", "fds"}, opts);
	ASSERT_EQ(p.exit_code, 0) << p;
	EXPECT_EQ(Trim(p.out), "0 1 2 3");
	close(leak);
}

TEST_F(Exec, TtyIsRefusedClearly)
{
	StartSleeper();
	Result r = ExecProbe({"-t"}, {"pid"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "exec --tty: not supported yet")) << r;
}

TEST_F(Exec, PausedNeedsIgnorePaused)
{
	StartSleeper();
	ASSERT_EQ(Kakoi({"pause", id_}).exit_code, 0);
	Result r = ExecProbe({}, {"pid"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "paused")) << r;
	ASSERT_EQ(Kakoi({"resume", id_}).exit_code, 0);
}

} // namespace
} // namespace kk_it
