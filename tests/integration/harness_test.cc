// The harness itself, with no container verb: the rootfs is self-sufficient
// (static busybox and probe run in a chroot), `kakoi spec` + the json-c edits
// give a config kakoi validates, the runner reports exits, signals, timeouts
// and placed fds, and the leftover check sees each kind of leftover.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{
namespace
{

class Harness : public IntegrationTest
{
      protected:
	Result InChroot(const std::vector<std::string> &args)
	{
		std::vector<std::string> full{rootfs_};
		full.insert(full.end(), args.begin(), args.end());
		return RunCommand("/usr/sbin/chroot", full);
	}
};

TEST_F(Harness, RootfsRunsBusyboxAndProbeWithoutHostLibraries)
{
	EXPECT_TRUE(Exists(rootfs_ + "/bin/sh"));
	EXPECT_TRUE(Exists(rootfs_ + "/usr/bin/id"));
	Result sh = InChroot({"/bin/sh", "-c", "echo hello; ls /bin/busybox"});
	EXPECT_EQ(sh.exit_code, 0) << sh;
	EXPECT_EQ(sh.out, "hello\n/bin/busybox\n");
	Result ids = InChroot({"/probe", "ids"});
	EXPECT_EQ(ids.exit_code, 0) << ids;
	EXPECT_EQ(ids.out.rfind("uid=0 gid=0 groups=", 0), 0u) << ids;
	Result stat = InChroot({"/probe", "stat", "/bin/sh"});
	EXPECT_EQ(stat.out, "lnk\n") << stat;
	Result missing = InChroot({"/probe", "read", "/nonexistent"});
	EXPECT_EQ(missing.exit_code, 1);
	EXPECT_EQ(missing.out, "ENOENT\n");
	EXPECT_EQ(InChroot({"/probe", "exit", "3"}).exit_code, 3);
}

TEST_F(Harness, ProbeAnswersEachQuestionOnOneLine)
{
	// /proc is not mounted in the chroot: ask about the host process there.
	Result caps = RunCommand(ProbeBinary(), {"caps"});
	EXPECT_EQ(caps.out.rfind("CapInh=", 0), 0u) << caps;
	EXPECT_NE(caps.out.find(" CapAmb="), std::string::npos) << caps;
	EXPECT_EQ(RunCommand(ProbeBinary(), {"seccomp"}).out, "0\n");
	EXPECT_EQ(RunCommand(ProbeBinary(), {"fds"}).out.rfind("0 1 2", 0), 0u);
	EXPECT_EQ(InChroot({"/probe", "cwd"}).out, "/\n");
	EXPECT_EQ(InChroot({"/probe", "mkdir", "/tmp/d"}).out, "ok\n");
	EXPECT_EQ(InChroot({"/probe", "mkdir", "/tmp/d"}).out, "EEXIST\n");
	EXPECT_EQ(InChroot({"/probe", "write", "/tmp/f", "data"}).out, "ok\n");
	EXPECT_EQ(InChroot({"/probe", "read", "/tmp/f"}).out, "data");
	EXPECT_EQ(InChroot({"/probe", "stat", "/tmp/d"}).out, "dir\n");
	EXPECT_EQ(InChroot({"/probe", "ls", "/tmp"}).out, "d f\n");
	EXPECT_EQ(InChroot({"/probe", "isatty"}).out, "stdin=no stdout=no stderr=no\n");
	EXPECT_EQ(InChroot({"/probe", "bogus"}).exit_code, 2);
	Result rl = RunCommand("/bin/sh",
			       {"-c", "ulimit -n 77; exec " + ProbeBinary() + " rlimit NOFILE"});
	EXPECT_EQ(rl.out, "77 77\n") << rl;
	Result um = RunCommand("/bin/sh", {"-c", "umask 027; exec " + ProbeBinary() + " umask"});
	EXPECT_EQ(um.out, "0027\n") << um;
}

TEST_F(Harness, SpecConfigEditsRoundTripAndValidate)
{
	EXPECT_EQ(config_->Get("root.path"), "\"rootfs\"");
	EXPECT_EQ(config_->Get("linux.cgroupsPath"), Quote(cgroups_path_));
	config_->SetArgs({"/probe", "exit", "0"});
	config_->SetHostname("edited");
	config_->SetReadonlyRoot(false);
	config_->AddMount("/mnt", "tmpfs", "tmpfs", {"size=1m"});
	config_->RemoveMount("/dev/mqueue");
	config_->AddNamespace("user");
	config_->RemoveNamespace("network");
	config_->AddRlimit("RLIMIT_NOFILE", 100, 100);
	config_->Set("linux.resources.pids", "{\"limit\":10}");
	config_->Append("linux.uidMappings",
			"{\"containerID\":0,\"hostID\":100000,\"size\":65536}");
	config_->Append("linux.gidMappings",
			"{\"containerID\":0,\"hostID\":100000,\"size\":65536}");
	config_->Remove("process.noNewPrivileges");
	SaveConfig();

	auto reloaded = Config::Load(bundle_ + "/config.json");
	ASSERT_NE(reloaded, nullptr);
	EXPECT_EQ(reloaded->Get("process.args"), "[\"/probe\",\"exit\",\"0\"]");
	EXPECT_EQ(reloaded->Get("hostname"), "\"edited\"");
	EXPECT_EQ(reloaded->Get("root.readonly"), "false");
	EXPECT_EQ(reloaded->Get("linux.resources.pids.limit"), "10");
	EXPECT_EQ(reloaded->Get("process.noNewPrivileges"), "");
	EXPECT_EQ(reloaded->Get("process.rlimits"),
		  "[{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":100}]");
	std::string text = reloaded->Text();
	EXPECT_NE(text.find("\"/mnt\""), std::string::npos);
	EXPECT_EQ(text.find("/dev/mqueue"), std::string::npos);
	EXPECT_EQ(text.find("\"network\""), std::string::npos);
	EXPECT_NE(text.find(marker_), std::string::npos);

	Result ok = Kakoi({"validate", "--bundle", bundle_});
	EXPECT_EQ(ok.exit_code, 0) << ok << "\n" << text;
}

TEST_F(Harness, RunnerReportsExitSignalTimeoutAndPlacedFds)
{
	EXPECT_EQ(RunCommand(ProbeBinary(), {"exit", "3"}).exit_code, 3);

	auto term = Spawn(ProbeBinary(), {"sleep", "100"});
	ASSERT_TRUE(term->WaitForOutput("sleeping"));
	term->Signal(SIGTERM);
	EXPECT_EQ(term->Wait().exit_code, 143); // the probe's handler, as a container init needs

	auto killed = Spawn(ProbeBinary(), {"sleep", "100"});
	ASSERT_TRUE(killed->WaitForOutput("sleeping"));
	killed->Signal(SIGKILL);
	Result k = killed->Wait();
	EXPECT_EQ(k.exit_code, -1);
	EXPECT_EQ(k.term_signal, SIGKILL);

	RunOptions quick;
	quick.timeout_ms = 200;
	Result slow = RunCommand(ProbeBinary(), {"sleep", "100"}, quick);
	EXPECT_TRUE(slow.timed_out);
	EXPECT_EQ(slow.exit_code, -1);

	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	RunOptions placed;
	placed.fds[3] = fd;
	placed.fds[9] = fd;
	Result fds = RunCommand(ProbeBinary(), {"fds"}, placed);
	close(fd);
	EXPECT_EQ(fds.out.rfind("0 1 2 3 ", 0), 0u) << fds;
	EXPECT_NE(fds.out.find(" 9"), std::string::npos) << fds;
}

TEST_F(Harness, LeftBehindSeesEachKindOfLeftover)
{
	EXPECT_TRUE(LeftBehind(id_).empty());

	std::string state = root_ + "/" + id_;
	ASSERT_EQ(mkdir(state.c_str(), 0700), 0);
	ASSERT_EQ(LeftBehind(id_).size(), 1u);
	EXPECT_EQ(LeftBehind(id_)[0], "state dir " + state);
	rmdir(state.c_str());

	std::string cgroup = "/sys/fs/cgroup/pids" + cgroups_path_;
	mkdir(cgroup.substr(0, cgroup.rfind('/')).c_str(), 0755); // the run's parent
	ASSERT_EQ(mkdir(cgroup.c_str(), 0755), 0) << cgroup;
	ASSERT_EQ(LeftBehind(id_).size(), 1u);
	EXPECT_EQ(LeftBehind(id_)[0], "cgroup " + cgroup);
	rmdir(cgroup.c_str());

	auto stray = Spawn(ProbeBinary(), {"sleep", "100", bundle_});
	ASSERT_TRUE(stray->WaitForOutput("sleeping"));
	ASSERT_EQ(LeftBehind(id_).size(), 1u);
	EXPECT_EQ(LeftBehind(id_)[0].rfind("process ", 0), 0u);
	stray->Signal(SIGKILL);
	stray->Wait();

	std::string dir = HostTempDir("mnt");
	ASSERT_EQ(mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m"), 0);
	ASSERT_EQ(LeftBehind(id_).size(), 1u);
	EXPECT_NE(LeftBehind(id_)[0].find("mount changed: "), std::string::npos);
	EXPECT_NE(LeftBehind(id_)[0].find(dir), std::string::npos);
	umount2(dir.c_str(), MNT_DETACH);

	EXPECT_TRUE(LeftBehind(id_).empty());
}

// The host's other containers mount and unmount meanwhile: a mount outside
// the test's own dirs is none of its business.
TEST_F(Harness, MountsOutsideTheTestsDirsAreNoise)
{
	char other[] = "/tmp/kakoi-other-XXXXXX";
	ASSERT_NE(mkdtemp(other), nullptr);
	ASSERT_EQ(mount("tmpfs", other, "tmpfs", 0, "size=1m"), 0);
	EXPECT_TRUE(LeftBehind(id_).empty());
	// The cleanup unmounts what MountsUnder finds under the test's dirs.
	EXPECT_TRUE(kk_scope::MountsUnder({root_, bundle_}).empty());
	EXPECT_EQ(kk_scope::MountsUnder({other}).size(), 1u);
	umount2(other, MNT_DETACH);
	rmdir(other);
}

} // namespace
} // namespace kk_it
