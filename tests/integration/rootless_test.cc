// Rootless kakoi (issue 13): an unprivileged user (nobody, 65534, which
// Debian always has) runs the verbs on a bundle from `kakoi spec
// --rootless`, with the state under $XDG_RUNTIME_DIR/kakoi and no cgroup of
// its own (the host's hierarchies are root's). Checked from outside: who
// owns the state, the init's host uid, the cgroups left alone. The tests
// change nothing but their own temp dirs, and /etc/subuid and /etc/subgid
// for the multi-range case, from which they remove exactly the line they
// added.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{
namespace
{

constexpr uid_t kUser = 65534;

// Appends one line to a file and removes exactly that line again.
class AddedLine
{
      public:
	AddedLine(std::string path, std::string line) : path_(std::move(path)), line_(line + "\n")
	{
		std::ofstream(path_, std::ios::app) << line_;
	}
	~AddedLine()
	{
		std::string text = ReadFile(path_);
		size_t at = text.rfind(line_);
		if (at != std::string::npos)
			WriteFile(path_, text.erase(at, line_.size()));
	}
	AddedLine(const AddedLine &) = delete;
	AddedLine &operator=(const AddedLine &) = delete;

      private:
	std::string path_, line_;
};

class Rootless : public IntegrationTest
{
      protected:
	void SetUp() override
	{
		IntegrationTest::SetUp();
		if (HasFatalFailure())
			return;
		// The kakoi binary in Bazel's runfiles sits under /root (0700).
		bin_dir_ = HostTempDir("rootless-bin");
		xdg_ = HostTempDir("rootless-xdg");
		ASSERT_EQ(chmod(bin_dir_.c_str(), 0755), 0);
		ASSERT_EQ(chown(xdg_.c_str(), kUser, kUser), 0);
		kakoi_ = bin_dir_ + "/kakoi";
		WriteFile(kakoi_, ReadFile(KakoiBinary()));
		ASSERT_EQ(chmod(kakoi_.c_str(), 0755), 0);
		// The harness's checks and its delete --force look where the
		// user's state goes.
		root_ = xdg_ + "/kakoi";
		// The user writes its own config.json, as a rootless user would.
		ASSERT_EQ(unlink((bundle_ + "/config.json").c_str()), 0);
		ASSERT_EQ(chown(bundle_.c_str(), kUser, kUser), 0);
		RunOptions in_bundle;
		in_bundle.cwd = bundle_;
		Result spec = AsUser({"spec", "--rootless"}, in_bundle);
		ASSERT_EQ(spec.exit_code, 0) << spec;
		config_ = Config::Load(bundle_ + "/config.json");
		ASSERT_NE(config_, nullptr);
		config_->SetTerminal(false);
		config_->AddEnv(marker_);
		SaveConfig();
	}

	// Config edits are saved by root: give the file back to the user.
	void Save()
	{
		SaveConfig();
		ASSERT_EQ(chown((bundle_ + "/config.json").c_str(), kUser, kUser), 0);
	}

	// kakoi as nobody, with no --root: $XDG_RUNTIME_DIR/kakoi is the root.
	std::vector<std::string> UserLine(const std::vector<std::string> &args,
					  const std::vector<std::string> &wrap = {})
	{
		std::vector<std::string> line = {
			"--reuid=65534", "--regid=65534",	   "--clear-groups", "env", "-u",
			"USER",		 "XDG_RUNTIME_DIR=" + xdg_};
		line.insert(line.end(), wrap.begin(), wrap.end());
		line.push_back(kakoi_);
		line.insert(line.end(), args.begin(), args.end());
		return line;
	}

	Result AsUser(const std::vector<std::string> &args, RunOptions opts = {},
		      const std::vector<std::string> &wrap = {})
	{
		if (opts.cwd.empty())
			opts.cwd = bundle_;
		return RunCommand("/usr/bin/setpriv", UserLine(args, wrap), opts);
	}

	// Spawns `kakoi args...` as the user and returns the pty master it
	// sends to a console socket at sock, which the user may connect to
	// (-1 if none came).
	int TerminalFrom(const std::vector<std::string> &args, const std::string &sock)
	{
		int listener = Listen(sock);
		if (listener < 0)
			return -1;
		if (chown(sock.c_str(), kUser, kUser) < 0) {
			close(listener);
			return -1;
		}
		RunOptions in_bundle;
		in_bundle.cwd = bundle_;
		auto proc = Spawn("/usr/bin/setpriv", UserLine(args), in_bundle);
		int master = ReceiveFd(listener);
		close(listener);
		Result r = proc->Wait();
		EXPECT_EQ(r.exit_code, 0) << r;
		return master;
	}

	Result RunAsUser(const std::string &script)
	{
		config_->SetArgs({"/bin/sh", "-c", script});
		Save();
		return AsUser({"run", id_});
	}

	static std::string HostUid(pid_t pid)
	{
		std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/status"));
		std::string line;
		while (std::getline(in, line))
			if (line.rfind("Uid:", 0) == 0)
				return line.substr(4);
		return "";
	}

	static bool NoCgroupFor(const std::string &id)
	{
		for (const char *h : {"/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified",
				      "/sys/fs/cgroup/memory", "/sys/fs/cgroup"})
			if (Exists(std::string(h) + "/kakoi/" + id))
				return false;
		return true;
	}

	std::string bin_dir_, xdg_, kakoi_;
};

TEST_F(Rootless, EveryVerbRunsAsAnUnprivilegedUser)
{
	config_->SetArgs({"/bin/sh", "-c", "cat /proc/self/uid_map; sleep 100"});
	Save();
	Result create = AsUser({"create", id_});
	ASSERT_EQ(create.exit_code, 0) << create;
	// One warning: the container runs in the caller's cgroup.
	EXPECT_NE(create.err.find("cannot be written"), std::string::npos) << create;
	EXPECT_EQ(create.err.find("warning"), create.err.rfind("warning")) << create;
	struct stat st;
	ASSERT_EQ(stat((xdg_ + "/kakoi/" + id_).c_str(), &st), 0) << "state not under XDG";
	EXPECT_EQ(st.st_uid, kUser);
	EXPECT_TRUE(NoCgroupFor(id_));

	Result state = AsUser({"state", id_});
	ASSERT_EQ(state.exit_code, 0) << state;
	EXPECT_NE(state.out.find("\"created\""), std::string::npos) << state;
	ASSERT_EQ(AsUser({"start", id_}).exit_code, 0);
	Result list = AsUser({"list"});
	EXPECT_NE(list.out.find(id_), std::string::npos) << list;
	EXPECT_NE(list.out.find("running"), std::string::npos) << list;
	EXPECT_NE(list.out.find("nobody"), std::string::npos) << list;

	// Root in the container is the user on the host.
	Json js = ParseJson(AsUser({"state", id_}).out);
	pid_t pid = (pid_t)JsonInt(js.get(), "pid");
	ASSERT_GT(pid, 0);
	EXPECT_EQ(HostUid(pid), "\t65534\t65534\t65534\t65534");
	Result exec = AsUser({"exec", id_, "/bin/sh", "-c", "id -u; cat /proc/self/uid_map"});
	ASSERT_EQ(exec.exit_code, 0) << exec;
	EXPECT_EQ(exec.out.substr(0, 2), "0\n") << exec;
	EXPECT_NE(exec.out.find("65534"), std::string::npos) << exec;

	Result ps = AsUser({"ps", "--format", "json", id_});
	ASSERT_EQ(ps.exit_code, 0) << ps;
	EXPECT_NE(ps.out.find(std::to_string(pid)), std::string::npos) << ps;

	ASSERT_EQ(AsUser({"kill", id_, "KILL"}).exit_code, 0);
	ASSERT_TRUE(WaitUntil([&] {
		return AsUser({"state", id_}).out.find("stopped") != std::string::npos;
	}));
	Result del = AsUser({"delete", id_});
	EXPECT_EQ(del.exit_code, 0) << del;
	EXPECT_FALSE(Exists(xdg_ + "/kakoi/" + id_));
}

TEST_F(Rootless, RunAndKillAllWithoutACgroup)
{
	Result run = RunAsUser("id -u; hostname");
	ASSERT_EQ(run.exit_code, 0) << run;
	EXPECT_EQ(run.out, "0\nkakoi\n") << run;

	// kill --all reaches every process in the container's pid namespace:
	// SIGUSR1 ends an exec'd sleep, while the init (pid 1 there, no
	// handler) is left alone by the kernel.
	config_->SetArgs({"/bin/sh", "-c", "while true; do sleep 1; done"});
	Save();
	ASSERT_EQ(AsUser({"run", "--detach", id_}).exit_code, 0);
	std::string pid_file = xdg_ + "/exec.pid";
	Result exec = AsUser({"exec", "--detach", "--pid-file", pid_file, id_, "sleep", "100"});
	ASSERT_EQ(exec.exit_code, 0) << exec;
	std::string pid = ReadFile(pid_file);
	while (!pid.empty() && pid.back() == '\n')
		pid.pop_back();
	ASSERT_FALSE(pid.empty());
	EXPECT_TRUE(Exists("/proc/" + pid));
	Result kill = AsUser({"kill", "--all", id_, "USR1"});
	EXPECT_EQ(kill.exit_code, 0) << kill;
	EXPECT_TRUE(WaitUntil([&] {
		return AsUser({"ps", "--format", "json", id_}).out.find(pid) == std::string::npos;
	}));
	EXPECT_NE(AsUser({"state", id_}).out.find("running"), std::string::npos);
	EXPECT_EQ(AsUser({"kill", "--all", id_, "KILL"}).exit_code, 0);
	EXPECT_TRUE(WaitUntil([&] {
		return AsUser({"state", id_}).out.find("stopped") != std::string::npos;
	}));
	EXPECT_EQ(AsUser({"delete", id_}).exit_code, 0);
}

TEST_F(Rootless, ALimitWithoutAWritableCgroupIsRefusedNamingTheField)
{
	config_->Set("linux.resources.pids", "{\"limit\": 10}");
	Save();
	Result run = AsUser({"run", id_});
	EXPECT_EQ(run.exit_code, 1) << run;
	EXPECT_NE(run.err.find("linux.resources.pids.limit"), std::string::npos) << run;
	EXPECT_NE(run.err.find("/sys/fs/cgroup/"), std::string::npos) << run;
	EXPECT_FALSE(Exists(xdg_ + "/kakoi/" + id_));
	EXPECT_TRUE(NoCgroupFor(id_));
}

// Any mapping but the user's own ids goes through newuidmap/newgidmap and
// the user's /etc/subuid and /etc/subgid ranges.
TEST_F(Rootless, MoreThanTheOwnIdIsMappedThroughNewuidmap)
{
	const std::string maps = "[{\"containerID\":0,\"hostID\":65534,\"size\":1},"
				 "{\"containerID\":1,\"hostID\":1879048192,\"size\":1000}]";
	config_->Set("linux.uidMappings", maps);
	config_->Set("linux.gidMappings", maps);
	Result refused = RunAsUser("cat /proc/self/uid_map");
	EXPECT_EQ(refused.exit_code, 1) << refused;
	EXPECT_NE(refused.err.find("linux.gidMappings"), std::string::npos) << refused;
	EXPECT_NE(refused.err.find("newgidmap"), std::string::npos) << refused;
	EXPECT_FALSE(Exists(xdg_ + "/kakoi/" + id_));

	AddedLine subuid("/etc/subuid", "nobody:1879048192:1000");
	AddedLine subgid("/etc/subgid", "nobody:1879048192:1000");
	Result run = RunAsUser("cat /proc/self/uid_map /proc/self/gid_map");
	ASSERT_EQ(run.exit_code, 0) << run;
	std::istringstream in(run.out);
	std::vector<std::vector<long long>> rows;
	for (long long a, b, c; in >> a >> b >> c;)
		rows.push_back({a, b, c});
	std::vector<std::vector<long long>> want = {{0, 65534, 1}, {1, 1879048192, 1000}};
	ASSERT_EQ(rows.size(), 4u) << run;
	EXPECT_EQ(std::vector<std::vector<long long>>(rows.begin(), rows.begin() + 2), want);
	EXPECT_EQ(std::vector<std::vector<long long>>(rows.begin() + 2, rows.end()), want);
}

// Rootless Podman runs its runtime as uid 0 of a user namespace: kakoi
// detects it (uid_map is not the host's) and acts rootless: state under
// $XDG_RUNTIME_DIR, no cgroup it cannot write.
TEST_F(Rootless, Uid0InAUserNamespaceActsRootless)
{
	// The spec written in there maps the namespace's root (0) to itself.
	ASSERT_EQ(unlink((bundle_ + "/config.json").c_str()), 0);
	ASSERT_EQ(AsUser({"spec", "--rootless"}, {}, {"unshare", "--user", "--map-root-user"})
			  .exit_code,
		  0);
	config_ = Config::Load(bundle_ + "/config.json");
	ASSERT_NE(config_, nullptr);
	EXPECT_NE(config_->Get("linux.uidMappings").find("\"hostID\":0,"), std::string::npos)
		<< config_->Get("linux.uidMappings");
	config_->SetTerminal(false);
	config_->AddEnv(marker_);
	config_->SetArgs({"/bin/sh", "-c", "id -u; cat /proc/self/uid_map"});
	Save();
	Result run = AsUser({"run", id_}, {}, {"unshare", "--user", "--map-root-user"});
	ASSERT_EQ(run.exit_code, 0) << run;
	EXPECT_NE(run.err.find("rootless (uid 0)"), std::string::npos) << run;
	EXPECT_EQ(run.out.substr(0, 2), "0\n") << run;
	EXPECT_TRUE(Exists(xdg_ + "/kakoi")) << "the state root is not under XDG_RUNTIME_DIR";
	EXPECT_TRUE(NoCgroupFor(id_));
}

// A terminal, for the init (create with process.terminal) and for exec -t,
// through console sockets the user connects to.
TEST_F(Rootless, TerminalsThroughTheConsoleSocket)
{
	config_->SetTerminal(true);
	config_->SetArgs({"/bin/sh"});
	Save();
	int init = TerminalFrom({"create", "--console-socket", xdg_ + "/init.sock", id_},
				xdg_ + "/init.sock");
	ASSERT_GE(init, 0);
	ASSERT_EQ(AsUser({"start", id_}).exit_code, 0);
	const std::string ask_init = "tty; echo $((40+2))x\n";
	ASSERT_EQ(write(init, ask_init.data(), ask_init.size()), (ssize_t)ask_init.size());
	std::string out = ReadUntil(init, "42x");
	EXPECT_NE(out.find("/dev/pts/"), std::string::npos) << out;

	int exec = TerminalFrom(
		{"exec", "-d", "-t", "--console-socket", xdg_ + "/exec.sock", id_, "/bin/sh"},
		xdg_ + "/exec.sock");
	ASSERT_GE(exec, 0);
	const std::string ask_exec = "tty; id -u; echo $((40+3))y\n";
	ASSERT_EQ(write(exec, ask_exec.data(), ask_exec.size()), (ssize_t)ask_exec.size());
	out = ReadUntil(exec, "43y");
	EXPECT_NE(out.find("/dev/pts/"), std::string::npos) << out;
	EXPECT_NE(out.find("\n0\r\n"), std::string::npos) << out;
	close(exec);
	close(init);
	EXPECT_EQ(AsUser({"delete", "--force", id_}).exit_code, 0);
}

// A cgroup2 subtree delegated to the user (as systemd delegates the user's
// slice): on this hybrid host the unified hierarchy alone, so the cgroup is
// made there and the v1 hierarchies are left alone, with one warning. The
// caller must already be inside the subtree (cgroup v2 moves a process
// only within what the writer may write).
TEST_F(Rootless, ADelegatedCgroup2SubtreeIsUsed)
{
	const std::string unified = "/sys/fs/cgroup/unified";
	if (!Exists(unified + "/cgroup.procs"))
		GTEST_SKIP() << "no cgroup2 hierarchy at " << unified;
	const std::string name = kk_scope::CgroupParent() + "-rl";
	const std::string dir = unified + name;
	ASSERT_EQ(mkdir(dir.c_str(), 0755), 0) << dir << ": " << strerror(errno);
	// Whatever happens below, the subtree goes (the container first).
	std::shared_ptr<void> cleanup(nullptr, [&](void *) {
		AsUser({"delete", "--force", id_});
		for (const std::string &d : {dir + "/" + id_, dir + "/caller", dir})
			WaitUntil([&] { return rmdir(d.c_str()) == 0 || errno == ENOENT; }, 3000);
	});
	ASSERT_EQ(mkdir((dir + "/caller").c_str(), 0755), 0);
	for (const std::string &f : {dir, dir + "/cgroup.procs", dir + "/cgroup.subtree_control",
				     dir + "/caller", dir + "/caller/cgroup.procs"})
		ASSERT_EQ(chown(f.c_str(), kUser, kUser), 0) << f;
	config_->SetCgroupsPath(name + "/" + id_);
	config_->SetArgs({"/bin/sh", "-c", "sleep 100"});
	Save();
	std::string line =
		"echo $$ > " + dir + "/caller/cgroup.procs && exec /usr/bin/setpriv " +
		"--reuid=65534 --regid=65534 --clear-groups env XDG_RUNTIME_DIR=" + xdg_ + " " +
		kakoi_ + " run --detach " + id_;
	RunOptions in_bundle;
	in_bundle.cwd = bundle_;
	Result run = RunCommand("/bin/sh", {"-c", line}, in_bundle);
	EXPECT_EQ(run.exit_code, 0) << run;
	EXPECT_NE(run.err.find("delegated"), std::string::npos) << run;
	Json js = ParseJson(AsUser({"state", id_}).out);
	pid_t pid = (pid_t)JsonInt(js.get(), "pid");
	EXPECT_GT(pid, 0);
	if (pid > 0) {
		EXPECT_NE(ReadFile(dir + "/" + id_ + "/cgroup.procs").find(std::to_string(pid)),
			  std::string::npos);
		Result ps = AsUser({"ps", "--format", "json", id_});
		EXPECT_NE(ps.out.find(std::to_string(pid)), std::string::npos) << ps;
	}
	EXPECT_FALSE(Exists("/sys/fs/cgroup/pids" + name));
	Result del = AsUser({"delete", "--force", id_});
	EXPECT_EQ(del.exit_code, 0) << del;
	EXPECT_FALSE(Exists(dir + "/" + id_));
}

// An idmapped mount needs host root (mount_setattr on the source's file
// system): refused, naming the mount, before anything is made.
TEST_F(Rootless, AnIdmappedMountIsRefused)
{
	config_->AddMount("/mnt", "bind", bundle_, {"rbind", "idmap"});
	Result run = RunAsUser("true");
	EXPECT_EQ(run.exit_code, 1) << run;
	EXPECT_NE(run.err.find("options: an idmapped mount needs host root"), std::string::npos)
		<< run;
	EXPECT_FALSE(Exists(xdg_ + "/kakoi/" + id_));
}

// --- no escalation -----------------------------------------------------------

// A root-only host directory, bind-mounted: the runtime opens nothing for
// the container as host root any more, so the mount fails as the user.
TEST_F(Rootless, ARootOnlySourceCannotBeMounted)
{
	std::string secret = HostTempDir("rootless-secret"); // 0700, root's
	WriteFile(secret + "/key", "top secret\n");
	config_->AddMount("/mnt", "bind", secret, {"rbind", "ro"});
	Result run = RunAsUser("cat /mnt/key");
	EXPECT_NE(run.exit_code, 0) << run;
	EXPECT_EQ(run.out.find("top secret"), std::string::npos) << run;
	EXPECT_FALSE(Exists(xdg_ + "/kakoi/" + id_));
}

// A root-owned directory bind-mounted read-write stays root's: root in the
// container is the user on the host. A symlink in the rootfs to a host
// path resolves inside the rootfs.
TEST_F(Rootless, RootOwnedHostFilesStayOutOfReach)
{
	std::string dir = HostTempDir("rootless-hostdir");
	ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
	WriteFile(dir + "/owned", "root's\n");
	ASSERT_EQ(chmod((dir + "/owned").c_str(), 0644), 0);
	ASSERT_EQ(symlink((dir + "/owned").c_str(), (rootfs_ + "/link").c_str()), 0);
	config_->SetReadonlyRoot(false);
	config_->AddMount("/mnt", "bind", dir, {"rbind", "rw"});
	Result run = RunAsUser("echo x > /mnt/new; echo y >> /mnt/owned; cat /link; "
			       "chmod 777 /mnt/owned; echo done");
	EXPECT_EQ(run.exit_code, 0) << run;
	EXPECT_NE(run.out.find("done"), std::string::npos) << run;
	EXPECT_FALSE(Exists(dir + "/new"));
	EXPECT_EQ(ReadFile(dir + "/owned"), "root's\n");
	struct stat st;
	ASSERT_EQ(stat((dir + "/owned").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0644u);
	EXPECT_EQ(run.out.find("root's"), std::string::npos) << run;
}

// A state root the user cannot write (the system's, or a link planted to
// one) is refused and nothing is made there.
TEST_F(Rootless, AStateRootOfRootsIsNotWritten)
{
	std::string theirs = HostTempDir("rootless-theirs");
	ASSERT_EQ(chmod(theirs.c_str(), 0755), 0);
	config_->SetArgs({"/bin/true"});
	Save();
	Result run = AsUser({"--root", theirs + "/kakoi", "run", id_});
	EXPECT_EQ(run.exit_code, 1) << run;
	EXPECT_FALSE(Exists(theirs + "/kakoi"));
	// $XDG_RUNTIME_DIR/kakoi planted as a link to a root-owned dir.
	ASSERT_EQ(mkdir((theirs + "/state").c_str(), 0755), 0);
	ASSERT_EQ(symlink((theirs + "/state").c_str(), (xdg_ + "/kakoi").c_str()), 0);
	run = AsUser({"run", id_});
	EXPECT_EQ(run.exit_code, 1) << run;
	EXPECT_FALSE(Exists(theirs + "/state/" + id_));
	ASSERT_EQ(unlink((xdg_ + "/kakoi").c_str()), 0);
}

} // namespace
} // namespace kk_it
