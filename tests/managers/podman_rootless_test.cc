// Rootless Podman 4.3 driving kakoi (issue 13): nobody (65534), with a
// subordinate range the suite adds to /etc/subuid and /etc/subgid (and
// removes again, exactly that line), runs `podman` with kakoi as its
// runtime. Podman puts its runtime in a user namespace of its own, as uid
// 0 there: kakoi finds itself rootless, keeps its state under Podman's
// $XDG_RUNTIME_DIR and, on this cgroup v1 host, runs without a cgroup.
//
// Everything of the suite is under one temp dir (HOME, XDG_RUNTIME_DIR,
// storage with the vfs driver, containers.conf, the image made from the
// test rootfs); at the end its containers are removed, Podman's pause
// process (which holds its user namespace) is killed, and the dir goes.
// The network is "none": slirp4netns needs /dev/net/tun, which hosts may
// keep from users (this one does: 0600).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/managers/host_view.h"

namespace
{

using kk_it::Result;
using kk_it::RunOptions;
using kk_managers::Contains;
using kk_managers::Trim;

constexpr uid_t kUser = 65534;
constexpr int kTimeoutMs = 120000;
const char kImage[] = "localhost/kakoi-rootless:test";
const char kRange[] = "nobody:1879048192:65536";

// Appends one line to a file; Remove() takes exactly that line out again.
void AddLine(const std::string &path, const std::string &line)
{
	std::ofstream(path, std::ios::app) << line << "\n";
}

void RemoveLine(const std::string &path, const std::string &line)
{
	std::string text = kk_it::ReadFile(path);
	size_t at = text.rfind(line + "\n");
	if (at != std::string::npos)
		kk_it::WriteFile(path, text.erase(at, line.size() + 1));
}

class PodmanRootless : public ::testing::Test
{
      protected:
	static void SetUpTestSuite()
	{
		char tmpl[] = "/tmp/kakoi-pmrl-XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir_ = tmpl;
		ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
		for (const char *sub : {"/home", "/xdg", "/vol"}) {
			ASSERT_EQ(mkdir((dir_ + sub).c_str(), 0700), 0);
			ASSERT_EQ(chown((dir_ + sub).c_str(), kUser, kUser), 0);
		}
		AddLine("/etc/subuid", kRange);
		AddLine("/etc/subgid", kRange);
		added_ = true;
		std::string kakoi = dir_ + "/kakoi";
		kk_it::WriteFile(kakoi, kk_it::ReadFile(kk_it::KakoiBinary()));
		ASSERT_EQ(chmod(kakoi.c_str(), 0755), 0);
		kk_it::WriteFile(dir_ + "/containers.conf",
				 "[engine]\nruntime = \"kakoi\"\ncgroup_manager = \"cgroupfs\"\n"
				 "events_logger = \"file\"\n[engine.runtimes]\nkakoi = [\"" +
					 kakoi + "\"]\n");
		std::string why;
		std::string rootfs = dir_ + "/rootfs", tar = dir_ + "/image.tar";
		ASSERT_TRUE(kk_it::BuildRootfs(rootfs, &why)) << why;
		RunOptions slow;
		slow.timeout_ms = kTimeoutMs;
		ASSERT_EQ(kk_it::RunCommand("/bin/tar", {"-C", rootfs, "-cf", tar, "."}, slow)
				  .exit_code,
			  0);
		ASSERT_EQ(chown(tar.c_str(), kUser, kUser), 0);
		Result i = Podman({"import", tar, kImage});
		ASSERT_EQ(i.exit_code, 0) << i;
		kk_it::RemoveTree(rootfs);
		unlink(tar.c_str());
	}

	static void TearDownTestSuite()
	{
		if (dir_.empty())
			return;
		Podman({"rm", "--all", "--force", "--time", "0"});
		// The pause process holds Podman's user namespace; it is ours.
		std::string pause = Trim(kk_it::ReadFile(dir_ + "/xdg/libpod/tmp/pause.pid"));
		if (!pause.empty() && std::stoi(pause) > 1)
			kill(std::stoi(pause), SIGKILL);
		if (added_) {
			RemoveLine("/etc/subuid", kRange);
			RemoveLine("/etc/subgid", kRange);
		}
		EXPECT_FALSE(Contains(kk_it::ReadFile("/etc/subuid"), kRange));
		kk_it::RemoveTree(dir_);
		dir_.clear();
	}

	// The environment Podman sees: a user's, every path under dir_.
	static std::vector<std::string> UserLine(const std::vector<std::string> &args)
	{
		std::vector<std::string> line = {"--reuid=65534",
						 "--regid=65534",
						 "--clear-groups",
						 "env",
						 "-i",
						 "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
						 "USER=nobody",
						 "HOME=" + dir_ + "/home",
						 "XDG_RUNTIME_DIR=" + dir_ + "/xdg",
						 "CONTAINERS_CONF=" + dir_ + "/containers.conf",
						 "/usr/bin/podman",
						 "--storage-driver",
						 "vfs"};
		line.insert(line.end(), args.begin(), args.end());
		return line;
	}

	static Result Podman(const std::vector<std::string> &args)
	{
		RunOptions opts;
		opts.timeout_ms = kTimeoutMs;
		opts.cwd = dir_;
		return kk_it::RunCommand("/usr/bin/setpriv", UserLine(args), opts);
	}

	static Result RunRm(const std::vector<std::string> &flags,
			    const std::vector<std::string> &cmd)
	{
		std::vector<std::string> args = {"run", "--rm", "--network", "none"};
		args.insert(args.end(), flags.begin(), flags.end());
		args.push_back(kImage);
		args.insert(args.end(), cmd.begin(), cmd.end());
		return Podman(args);
	}

	static std::string dir_;
	static bool added_;
};

std::string PodmanRootless::dir_;
bool PodmanRootless::added_ = false;

TEST_F(PodmanRootless, RunAndRmWithExitCodes)
{
	Result ok = RunRm({}, {"sh", "-c", "id -u; cat /proc/self/uid_map"});
	ASSERT_EQ(ok.exit_code, 0) << ok;
	EXPECT_EQ(ok.out.substr(0, 2), "0\n") << ok;
	// Podman's namespace maps 0 to the user and 1.. to its range: the
	// container has both.
	EXPECT_TRUE(Contains(ok.out, "65534")) << ok;
	EXPECT_TRUE(Contains(ok.out, "1879048192")) << ok;
	EXPECT_EQ(RunRm({}, {"sh", "-c", "exit 7"}).exit_code, 7);
	// kakoi's state is under Podman's XDG_RUNTIME_DIR, not /run/kakoi.
	struct stat st;
	ASSERT_EQ(stat((dir_ + "/xdg/kakoi").c_str(), &st), 0);
}

TEST_F(PodmanRootless, ExecTopKillStopAndRestart)
{
	Result run = Podman(
		{"run", "-d", "--network", "none", "--name", "rl-top", kImage, "sleep", "100"});
	ASSERT_EQ(run.exit_code, 0) << run;
	Result exec = Podman({"exec", "rl-top", "sh", "-c", "id -u; exit 5"});
	EXPECT_EQ(exec.exit_code, 5) << exec;
	EXPECT_EQ(exec.out, "0\n") << exec;
	Result top = Podman({"top", "rl-top"});
	EXPECT_EQ(top.exit_code, 0) << top;
	EXPECT_TRUE(Contains(top.out, "sleep 100")) << top;
	Result kill = Podman({"kill", "rl-top"});
	EXPECT_EQ(kill.exit_code, 0) << kill;
	auto status = [] {
		return Trim(Podman({"inspect", "--format", "{{.State.Status}}", "rl-top"}).out);
	};
	// "stopped" until Podman's cleanup has run, then "exited".
	EXPECT_TRUE(kk_it::WaitUntil([&] { return status() == "exited"; })) << status();
	Result start = Podman({"start", "rl-top"});
	EXPECT_EQ(start.exit_code, 0) << start;
	Result stop = Podman({"stop", "--time", "1", "rl-top"});
	EXPECT_EQ(stop.exit_code, 0) << stop;
	Result restart = Podman({"restart", "--time", "1", "rl-top"});
	EXPECT_EQ(restart.exit_code, 0) << restart;
	EXPECT_EQ(status(), "running");
	EXPECT_EQ(Podman({"rm", "--force", "--time", "0", "rl-top"}).exit_code, 0);
}

TEST_F(PodmanRootless, TerminalsForRunAndExec)
{
	auto line = [](const std::vector<std::string> &args) {
		std::vector<std::string> v = UserLine(args);
		v.insert(v.begin(), "/usr/bin/setpriv");
		return kk_managers::ShellLine(v);
	};
	Result it = kk_managers::UnderPty(line({"run", "--rm", "-it", "--network", "none", kImage,
						"sh", "-c", "tty; sleep 1; exit 3"}),
					  "", kTimeoutMs, dir_);
	EXPECT_EQ(it.exit_code, 3) << it;
	EXPECT_TRUE(Contains(it.out, "/dev/pts/")) << it;
	ASSERT_EQ(Podman({"run", "-d", "--network", "none", "--name", "rl-tty", kImage, "sleep",
			  "100"})
			  .exit_code,
		  0);
	Result ex = kk_managers::UnderPty(
		line({"exec", "-it", "rl-tty", "sh", "-c", "tty; exit 6"}), "", kTimeoutMs, dir_);
	EXPECT_EQ(ex.exit_code, 6) << ex;
	EXPECT_TRUE(Contains(ex.out, "/dev/pts/")) << ex;
	EXPECT_EQ(Podman({"rm", "--force", "--time", "0", "rl-tty"}).exit_code, 0);
}

// keep-id: the user's own id inside, through its subordinate range.
TEST_F(PodmanRootless, KeepId)
{
	Result r = RunRm({"--userns=keep-id"}, {"id", "-u"});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "65534\n") << r;
}

// A bind volume written by the container's root is the user's on the host.
TEST_F(PodmanRootless, ABindVolumeWrittenInsideIsTheUsersOnTheHost)
{
	Result r = RunRm({"-v", dir_ + "/vol:/data"}, {"sh", "-c", "echo hi > /data/written"});
	ASSERT_EQ(r.exit_code, 0) << r;
	struct stat st;
	ASSERT_EQ(stat((dir_ + "/vol/written").c_str(), &st), 0);
	EXPECT_EQ(st.st_uid, kUser);
	EXPECT_EQ(kk_it::ReadFile(dir_ + "/vol/written"), "hi\n");
}

// What cgroup v1 cannot give a user: Podman's own answers (limits warned
// about and ignored, pause refused); kakoi runs the container without a
// cgroup, with its one warning.
TEST_F(PodmanRootless, CgroupV1LimitsAndPauseGetPodmansAnswers)
{
	Result limited = RunRm({"--memory", "64m"}, {"true"});
	EXPECT_EQ(limited.exit_code, 0) << limited;
	EXPECT_TRUE(Contains(limited.err, "not supported and ignored on cgroups V1 rootless"))
		<< limited;
	ASSERT_EQ(Podman({"run", "-d", "--network", "none", "--name", "rl-pause", kImage, "sleep",
			  "100"})
			  .exit_code,
		  0);
	Result pause = Podman({"pause", "rl-pause"});
	EXPECT_NE(pause.exit_code, 0) << pause;
	EXPECT_TRUE(Contains(pause.err, "can not pause containers on rootless containers with "
					"cgroup V1"))
		<< pause;
	EXPECT_EQ(Podman({"rm", "--force", "--time", "0", "rl-pause"}).exit_code, 0);
}

} // namespace
