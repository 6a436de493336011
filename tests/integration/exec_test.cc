// kakoi exec (issue 6): a process joins every namespace and the cgroup of a
// live container, with the command line's overrides; its status passes
// through; a missing executable fails before anything runs; -d leaves it
// running with a pid file; no fd of kakoi's caller reaches it. With a tty
// the pty is made inside the container and its master goes to
// --console-socket or is relayed; --apparmor/--process-label fail clearly
// on this host; --cgroup joins a sub-cgroup; the config's seccomp,
// rlimits, capabilities and no_new_privs apply as they do for the init.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <sstream>
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
	// Only the init is in the container's cgroup: a refused exec left no
	// process behind.
	bool OnlyTheInit()
	{
		std::string procs =
			ReadFile("/sys/fs/cgroup/pids" + cgroups_path_ + "/cgroup.procs");
		return Trim(procs) == std::to_string(init_pid_);
	}
	std::unique_ptr<Process> sleeper_;
	pid_t init_pid_ = 0;
};

void WriteAll(int fd, const std::string &s)
{
	ASSERT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

// Fields of /proc/PID/stat after the command: [0] state, [3] session,
// [4] tty_nr (man 5 proc numbers them 3, 6 and 7).
std::vector<std::string> StatFields(pid_t pid)
{
	std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
	size_t close_paren = stat.rfind(')');
	std::vector<std::string> out;
	if (close_paren == std::string::npos)
		return out;
	std::istringstream ss(stat.substr(close_paren + 1));
	for (std::string f; ss >> f;)
		out.push_back(f);
	return out;
}

// Exited (a zombie waiting for some subreaper counts) or gone.
bool Gone(pid_t pid)
{
	std::vector<std::string> f = StatFields(pid);
	return f.empty() || f[0] == "Z";
}

std::string Readlink(const std::string &path)
{
	char buf[4096];
	ssize_t n = readlink(path.c_str(), buf, sizeof(buf) - 1);
	return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

// The path of one hierarchy's line in /proc/PID/cgroup ("" for v2's).
std::string CgroupOf(pid_t pid, const std::string &controller)
{
	std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/cgroup"));
	for (std::string line; std::getline(in, line);) {
		size_t a = line.find(':'), b = line.find(':', a + 1);
		std::string ctrls = "," + line.substr(a + 1, b - a - 1) + ",";
		if (Contains(ctrls, "," + controller + ","))
			return line.substr(b + 1);
	}
	return "<none>";
}

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
	EXPECT_EQ(r.exit_code, 255) << r; // runc's: the process could not start
	EXPECT_TRUE(Contains(r.err, "exec: \"nosuchprog\": executable file not found in $PATH"))
		<< r;
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	Result d = Kakoi({"exec", "--detach", "--pid-file", pid_file, id_, "/nope"});
	EXPECT_EQ(d.exit_code, 255) << d;
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

TEST_F(Exec, PausedNeedsIgnorePaused)
{
	StartSleeper();
	ASSERT_EQ(Kakoi({"pause", id_}).exit_code, 0);
	Result r = ExecProbe({}, {"pid"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "paused")) << r;
	ASSERT_EQ(Kakoi({"resume", id_}).exit_code, 0);
}

TEST_F(Exec, TtyThroughTheConsoleSocket)
{
	StartSleeper();
	std::string dir = HostTempDir("console");
	std::string sock = dir + "/console.sock", pid_file = dir + "/exec.pid";
	int listener = Listen(sock);
	ASSERT_GE(listener, 0);
	auto exec = KakoiSpawn({"exec", "-d", "-t", "--console-socket", sock, "--pid-file",
				pid_file, id_, "/bin/sh"});
	int master = ReceiveFd(listener);
	close(listener);
	Result r = exec->Wait();
	ASSERT_EQ(r.exit_code, 0) << r;
	ASSERT_GE(master, 0);
	ASSERT_TRUE(Exists(pid_file)) << "the pid file exists when exec -d returns";
	pid_t pid = std::stoi(ReadFile(pid_file));
	std::string proc = "/proc/" + std::to_string(pid);

	// From outside: a session of its own with the pty as its controlling
	// terminal and stdio, a pty of the container's devpts.
	std::vector<std::string> st = StatFields(pid);
	ASSERT_GT(st.size(), 4u);
	EXPECT_EQ(st[3], std::to_string(pid)) << "setsid: it leads its session";
	EXPECT_NE(st[4], "0") << "it has a controlling terminal";
	for (int fd = 0; fd < 3; fd++)
		EXPECT_EQ(Readlink(proc + "/fd/" + std::to_string(fd)).rfind("/dev/pts/", 0), 0u)
			<< fd;
	EXPECT_EQ(ReadFile(proc + "/ns/mnt"),
		  ReadFile("/proc/" + std::to_string(init_pid_) + "/ns/mnt"));
	EXPECT_EQ(Readlink(proc + "/ns/mnt"),
		  Readlink("/proc/" + std::to_string(init_pid_) + "/ns/mnt"));

	// From inside, through the master: the shell's answers.
	WriteAll(master, "tty; /probe isatty; echo $((40+2))x\n");
	std::string out = ReadUntil(master, "42x");
	EXPECT_TRUE(Contains(out, "\n/dev/pts/")) << out;
	EXPECT_TRUE(Contains(out, "stdin=yes stdout=yes stderr=yes")) << out;
	WriteAll(master, "exit\n");
	EXPECT_TRUE(WaitUntil([&] { return Gone(pid); }, Patience()));
	close(master);
}

TEST_F(Exec, TtyRelayedInTheForeground)
{
	StartSleeper();
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_GE(master, 0);
	ASSERT_EQ(grantpt(master), 0);
	ASSERT_EQ(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_GE(slave, 0);
	struct winsize ws = {};
	ws.ws_row = 33;
	ws.ws_col = 111;
	ASSERT_EQ(ioctl(master, TIOCSWINSZ, &ws), 0);
	RunOptions opts;
	opts.fds[0] = slave;
	opts.fds[1] = slave;
	auto exec = KakoiSpawn({"exec", "-t", id_, "/bin/sh"}, opts);
	auto raw = [&] {
		struct termios t;
		return tcgetattr(slave, &t) == 0 && !(t.c_lflag & ICANON);
	};
	EXPECT_TRUE(WaitUntil(raw, Patience())) << "kakoi puts the caller's terminal in raw mode";

	WriteAll(master, "stty size; tty; echo $((40+2))x\n");
	std::string out = ReadUntil(master, "42x");
	EXPECT_TRUE(Contains(out, "33 111")) << "the caller's window size: " << out;
	EXPECT_TRUE(Contains(out, "\n/dev/pts/")) << out;

	// A resize reaches the container's pty on SIGWINCH.
	ws.ws_row = 44;
	ws.ws_col = 122;
	ASSERT_EQ(ioctl(master, TIOCSWINSZ, &ws), 0);
	exec->Signal(SIGWINCH);
	bool resized = WaitUntil(
		[&] {
			WriteAll(master, "stty size; echo $((40+3))z\n");
			return Contains(ReadUntil(master, "43z"), "44 122");
		},
		Patience());
	EXPECT_TRUE(resized);

	WriteAll(master, "exit 3\n");
	Result r = exec->Wait();
	EXPECT_EQ(r.exit_code, 3) << r;
	EXPECT_FALSE(raw()) << "the caller's terminal mode is restored";
	close(slave);
	close(master);
}

TEST_F(Exec, TtyInTheForegroundWithoutACallerTerminal)
{
	StartSleeper();
	Result r = ExecProbe({"--tty"}, {"isatty"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.out, "stdin=yes stdout=yes stderr=yes")) << r;
	Result e = ExecProbe({"-t"}, {"exit", "5"});
	EXPECT_EQ(e.exit_code, 5) << e;
}

// The container owns /dev/ptmx: pointed at anything but a devpts ptmx (here
// a FIFO, which must not even block the open), exec --tty refuses it.
TEST_F(Exec, TtyRefusesAPtmxThatIsNotDevpts)
{
	config_->SetReadonlyRoot(false);
	StartSleeper();
	Result plant = Kakoi({"exec", id_, "/bin/sh", "-c",
			      "mkfifo /tmp/fifo && rm /dev/ptmx && ln -s /tmp/fifo /dev/ptmx"});
	ASSERT_EQ(plant.exit_code, 0) << plant;
	Result r = ExecProbe({"--tty"}, {"isatty"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "/dev/ptmx is not a devpts ptmx")) << r;
	EXPECT_FALSE(r.timed_out);
}

TEST_F(Exec, ConsoleSizeIsApplied)
{
	config_->Set("process.consoleSize", "{\"height\":21,\"width\":77}");
	StartSleeper();
	Result a = Kakoi({"exec", "-t", id_, "stty", "size"});
	EXPECT_EQ(a.exit_code, 0) << a;
	EXPECT_TRUE(Contains(a.out, "21 77")) << a;

	std::string dir = HostTempDir("proc");
	WriteFile(dir + "/process.json",
		  R"({"terminal":true,"consoleSize":{"height":12,"width":34},)"
		  R"("args":["stty","size"],"cwd":"/","env":["PATH=/bin"]})");
	Result f = Kakoi({"exec", "--process", dir + "/process.json", id_});
	EXPECT_EQ(f.exit_code, 0) << f;
	EXPECT_TRUE(Contains(f.out, "12 34")) << "process.terminal means a tty: " << f;
}

TEST_F(Exec, TtyAndConsoleSocketRefusalsUseRuncsWords)
{
	StartSleeper();
	std::string dir = HostTempDir("refuse");
	std::string sock = dir + "/console.sock", pid_file = dir + "/exec.pid";
	int listener = Listen(sock);
	ASSERT_GE(listener, 0);
	WriteFile(dir + "/process.json",
		  R"({"terminal":true,"args":["/probe","sleep","100"],"cwd":"/"})");
	const std::string no_socket =
		"cannot allocate tty if runc will detach without setting console socket";
	const std::string no_tty =
		"cannot use console socket if runc will not detach or allocate tty";
	struct {
		std::vector<std::string> args;
		std::string want, flag;
	} cases[] = {
		{{"-d", "-t", "--pid-file", pid_file, id_, "/probe", "sleep", "100"},
		 no_socket,
		 "--tty"},
		{{"-d", "--pid-file", pid_file, "--process", dir + "/process.json", id_},
		 no_socket,
		 "--tty"},
		{{"-d", "--console-socket", sock, "--pid-file", pid_file, id_, "/probe", "sleep",
		  "100"},
		 no_tty,
		 "--console-socket"},
		{{"-t", "--console-socket", sock, id_, "/probe", "pid"},
		 no_tty,
		 "--console-socket"},
	};
	for (auto &c : cases) {
		c.args.insert(c.args.begin(), "exec");
		Result r = Kakoi(c.args);
		EXPECT_NE(r.exit_code, 0) << r;
		EXPECT_TRUE(Contains(r.err, c.want)) << r;
		EXPECT_TRUE(Contains(r.err, c.flag)) << r;
		EXPECT_FALSE(Exists(pid_file));
		EXPECT_TRUE(OnlyTheInit());
	}
	struct pollfd p = {listener, POLLIN, 0};
	EXPECT_EQ(poll(&p, 1, 0), 0) << "nothing connected to the console socket";
	close(listener);
}

TEST_F(Exec, ApparmorAndProcessLabelFailClearlyBeforeDetaching)
{
	StartSleeper();
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	// The flag, and create's words for the field.
	struct {
		std::vector<std::string> flags;
		std::string flag, want;
	} cases[] = {
		{{"--apparmor", "kakoi-test"},
		 "exec --apparmor kakoi-test",
		 "process.apparmorProfile: AppArmor is not enabled on this host"},
		{{"--process-label", "system_u:system_r:container_t:s0"},
		 "exec --process-label system_u:system_r:container_t:s0",
		 "process.selinuxLabel: SELinux is not enabled on this host"},
	};
	for (const auto &c : cases) {
		std::vector<std::string> args = {"exec", "-d", "--pid-file", pid_file};
		args.insert(args.end(), c.flags.begin(), c.flags.end());
		for (const char *a : {"/probe", "sleep", "100"})
			args.push_back(a);
		args.insert(args.end() - 3, id_);
		Result d = Kakoi(args);
		EXPECT_NE(d.exit_code, 0) << d;
		EXPECT_TRUE(Contains(d.err, c.flag)) << d;
		EXPECT_TRUE(Contains(d.err, c.want)) << d;
		EXPECT_FALSE(Exists(pid_file));
		EXPECT_TRUE(OnlyTheInit());
		Result f = ExecProbe(c.flags, {"pid"});
		EXPECT_NE(f.exit_code, 0) << f;
		EXPECT_TRUE(Contains(f.err, c.flag)) << f;
		EXPECT_TRUE(Contains(f.err, c.want)) << f;
		EXPECT_TRUE(f.out.empty()) << "the process never ran: " << f;
		EXPECT_TRUE(OnlyTheInit());
	}
}

// Makes <hierarchy><cgroups_path_>/sub in each hierarchy given ("" for every
// one the container has); removes them (after the process) on destruction.
class SubCgroups
{
      public:
	SubCgroups(const std::string &cgroups_path, const std::vector<std::string> &hiers)
	{
		std::vector<std::string> all = hiers;
		if (all.empty())
			for (const char *h :
			     {"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory",
			      "pids", "systemd", "unified", "hugetlb", "net_cls", "net_prio",
			      "perf_event", "rdma", "misc"})
				all.push_back(h);
		for (const auto &h : all) {
			std::string base = "/sys/fs/cgroup/" + h + cgroups_path;
			struct stat st;
			if (stat(base.c_str(), &st) != 0)
				continue;
			if (mkdir((base + "/sub").c_str(), 0755) != 0)
				continue;
			dirs_.push_back(base + "/sub");
			// A v1 cpuset starts empty: nothing could join it.
			for (const char *f : {"/cpuset.cpus", "/cpuset.mems"})
				if (Exists(base + f))
					WriteFile(base + "/sub" + f, ReadFile(base + f));
		}
	}
	~SubCgroups()
	{
		for (const auto &d : dirs_)
			EXPECT_TRUE(WaitUntil([&] { return rmdir(d.c_str()) == 0; }, 3000)) << d;
	}
	size_t size() const
	{
		return dirs_.size();
	}

      private:
	std::vector<std::string> dirs_;
};

TEST_F(Exec, CgroupFlagJoinsASubCgroupOfOneController)
{
	StartSleeper();
	SubCgroups sub(cgroups_path_, {"pids"});
	ASSERT_EQ(sub.size(), 1u);
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	Result r = Kakoi({"exec", "-d", "--pid-file", pid_file, "--cgroup", "pids:sub", id_,
			  "/probe", "sleep", "100"});
	ASSERT_EQ(r.exit_code, 0) << r;
	pid_t pid = std::stoi(ReadFile(pid_file));
	EXPECT_EQ(CgroupOf(pid, "pids"), cgroups_path_ + "/sub");
	EXPECT_EQ(CgroupOf(pid, "memory"), cgroups_path_) << "other controllers: the container's";
	EXPECT_EQ(CgroupOf(pid, "freezer"), cgroups_path_);
	std::string in_sub = ReadFile("/sys/fs/cgroup/pids" + cgroups_path_ + "/sub/cgroup.procs");
	EXPECT_EQ(Trim(in_sub), std::to_string(pid));
	EXPECT_TRUE(OnlyTheInit()) << "not in the container's own pids cgroup";
	kill(pid, SIGKILL);
	EXPECT_TRUE(WaitUntil([&] { return Gone(pid); }, Patience()));
}

TEST_F(Exec, CgroupFlagBarePathMeansEveryHierarchy)
{
	StartSleeper();
	SubCgroups sub(cgroups_path_, {});
	ASSERT_GT(sub.size(), 1u);
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	Result r = Kakoi({"exec", "-d", "--pid-file", pid_file, "--cgroup=/sub", id_, "/probe",
			  "sleep", "100"});
	ASSERT_EQ(r.exit_code, 0) << r;
	pid_t pid = std::stoi(ReadFile(pid_file));
	std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/cgroup"));
	size_t n = 0;
	for (std::string line; std::getline(in, line); n++)
		EXPECT_EQ(line.substr(line.find(':', line.find(':') + 1) + 1),
			  cgroups_path_ + "/sub")
			<< line;
	EXPECT_EQ(n, sub.size());
	kill(pid, SIGKILL);
	EXPECT_TRUE(WaitUntil([&] { return Gone(pid); }, Patience()));
}

// CVE-2024-21626's class: the runtime's host directory fds must be closed,
// not just close-on-exec, before exec resolves a path the container
// controls. The container plants its executable as a symlink through
// /proc/self/fd/N/..; were a host directory open at N, a host binary would
// run inside the container (and could be reopened for writing from there).
// The host binary is busybox, run as `readlink /proc/self/exe`.
TEST_F(Exec, HostFdsAreClosedBeforeTheContainersPathsAreResolved)
{
	std::string host = HostTempDir("victim");
	WriteFile(host + "/victim", ReadFile("/bin/busybox"));
	chmod((host + "/victim").c_str(), 0755);
	config_->SetReadonlyRoot(false);
	StartSleeper();
	const std::string up = "../../../../../../../../../..";
	for (int fd = 3; fd < 16; fd++) {
		std::string dir = "/tmp/fd" + std::to_string(fd);
		std::string target = "/proc/self/fd/" + std::to_string(fd) + "/" + up + host;
		Result plant = Kakoi(
			{"exec", id_, "/bin/sh", "-c",
			 "mkdir " + dir + " && ln -s " + target + "/victim " + dir + "/readlink"});
		ASSERT_EQ(plant.exit_code, 0) << plant;
		Result r = Kakoi({"exec", id_, dir + "/readlink", "/proc/self/exe"});
		EXPECT_NE(r.exit_code, 0) << "fd " << fd << ": " << r;
		EXPECT_FALSE(Contains(r.out, "victim")) << "fd " << fd << ": " << r;
	}
}

// runc lists and removes a container's cgroup recursively: a process in a
// sub-cgroup is in `ps`, dies with `delete --force`, and the sub-cgroup the
// caller made goes with the container's.
TEST_F(Exec, SubCgroupProcessesAreTheContainersToo)
{
	StartSleeper();
	std::string sub = "/sys/fs/cgroup/pids" + cgroups_path_ + "/sub";
	ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	Result r = Kakoi({"exec", "-d", "--pid-file", pid_file, "--cgroup", "pids:sub", id_,
			  "/probe", "sleep", "100"});
	ASSERT_EQ(r.exit_code, 0) << r;
	pid_t pid = std::stoi(ReadFile(pid_file));
	Result ps = Kakoi({"ps", "--format", "json", id_});
	EXPECT_TRUE(Contains(ps.out, std::to_string(pid))) << ps;
	Result del = Kakoi({"delete", "--force", id_});
	EXPECT_EQ(del.exit_code, 0) << del;
	EXPECT_TRUE(WaitUntil([&] { return Gone(pid); }, Patience()));
	EXPECT_FALSE(Exists(sub));
	if (Exists(sub))
		rmdir(sub.c_str());
}

TEST_F(Exec, CgroupFlagRefusals)
{
	StartSleeper();
	SubCgroups sub(cgroups_path_, {"pids"});
	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	struct {
		std::vector<std::string> flags;
		std::string want;
	} cases[] = {
		{{"--cgroup", "pids:missing"}, "must exist"},
		{{"--cgroup", "missing"}, "must exist"},
		{{"--cgroup", "sub"}, "must exist"}, // only pids has it
		{{"--cgroup", "pids:../x"}, "not a sub cgroup path"},
		{{"--cgroup", "/../.."}, "not a sub cgroup path"},
		{{"--cgroup", "nosuch:sub"}, "unknown controller nosuch"},
		{{"--cgroup", "sub", "--cgroup", "pids:sub"}, "missing <controller>: prefix"},
		{{"--cgroup", "pids:sub", "--cgroup", "pids:sub"}, "given more than once"},
	};
	for (const auto &c : cases) {
		std::vector<std::string> args = {"exec", "-d", "--pid-file", pid_file};
		args.insert(args.end(), c.flags.begin(), c.flags.end());
		args.push_back(id_);
		for (const char *a : {"/probe", "sleep", "100"})
			args.push_back(a);
		Result r = Kakoi(args);
		EXPECT_NE(r.exit_code, 0) << r;
		EXPECT_TRUE(Contains(r.err, "--cgroup")) << r;
		EXPECT_TRUE(Contains(r.err, c.want)) << r;
		EXPECT_FALSE(Exists(pid_file));
		EXPECT_TRUE(OnlyTheInit());
		EXPECT_EQ(
			Trim(ReadFile("/sys/fs/cgroup/pids" + cgroups_path_ + "/sub/cgroup.procs")),
			"");
	}
}

// Point 4 of the brief: what create applies from the process object and
// the config, exec applies too.
TEST_F(Exec, TheConfigsSeccompFilterAppliesToExec)
{
	config_->SetSeccomp(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		"[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":54}]}");
	StartSleeper();
	Result f = ExecProbe({}, {"seccomp"});
	EXPECT_EQ(f.out, "2\n") << f;
	Result m = ExecProbe({}, {"mkdir", "/tmp/x"});
	EXPECT_EQ(m.out, "EXFULL\n") << m;
}

TEST_F(Exec, RlimitsCapabilitiesAndNoNewPrivsFromTheProcess)
{
	config_->AddRlimit("RLIMIT_NOFILE", 321, 654);
	config_->Set("process.noNewPrivileges", "false");
	StartSleeper();
	Result l = ExecProbe({}, {"rlimit", "NOFILE"});
	EXPECT_EQ(l.out, "321 654\n") << l;

	std::string pid_file = HostTempDir("pid") + "/exec.pid";
	Result d = Kakoi({"exec", "-d", "--pid-file", pid_file, id_, "/probe", "sleep", "100"});
	ASSERT_EQ(d.exit_code, 0) << d;
	pid_t pid = std::stoi(ReadFile(pid_file));
	std::string limits = ReadFile("/proc/" + std::to_string(pid) + "/limits");
	EXPECT_TRUE(Contains(limits, "Max open files            321                  654"))
		<< limits;
	// The same capability sets as the init (the config's three).
	auto caps = [](pid_t p) {
		std::istringstream in(ReadFile("/proc/" + std::to_string(p) + "/status"));
		std::string out;
		for (std::string line; std::getline(in, line);)
			if (line.rfind("Cap", 0) == 0)
				out += line + "\n";
		return out;
	};
	EXPECT_EQ(caps(pid), caps(init_pid_));
	EXPECT_TRUE(Contains(caps(pid), "CapBnd:\t0000000020000420")) << caps(pid);
	kill(pid, SIGKILL);
	EXPECT_TRUE(WaitUntil([&] { return Gone(pid); }, Patience()));

	EXPECT_EQ(ExecProbe({}, {"nnp"}).out, "0\n");
	EXPECT_EQ(ExecProbe({"--no-new-privs"}, {"nnp"}).out, "1\n");
}

TEST_F(Exec, TheCwdCannotLeaveTheContainer)
{
	StartSleeper();
	Result r = ExecProbe({"--cwd", "/../../../.."}, {"cwd"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "/\n");
}

} // namespace
} // namespace kk_it
