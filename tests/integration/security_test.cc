// The security measures of the executor, from outside and inside: the
// binary behind a kakoi process is a sealed copy, a missing executable fails
// create (with runc's wording), the cwd cannot leave the container, the pty
// reaches --console-socket, plan touches nothing, errors reach --log as
// runc-shaped JSON, and one ID cannot be created twice at once.
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <set>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <tuple>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

class Security : public IntegrationTest
{
      protected:
	// Creates and starts the container with a terminal, the pty master
	// received over --console-socket as conmon and the shim receive it;
	// returns what the pty said up to `until` ("" when anything failed).
	std::string RunOnAPty(const std::vector<std::string> &args, const std::string &until)
	{
		std::string sock = HostTempDir("console") + "/console.sock";
		int listener = Listen(sock);
		EXPECT_GE(listener, 0);
		config_->SetTerminal(true);
		config_->SetArgs(args);
		SaveConfig();
		auto create =
			KakoiSpawn({"create", "--bundle", bundle_, "--console-socket", sock, id_});
		int master = ReceiveFd(listener);
		close(listener);
		Result created = create->Wait();
		EXPECT_GE(master, 0) << created;
		EXPECT_EQ(created.exit_code, 0) << created;
		if (master < 0 || created.exit_code != 0)
			return "";
		EXPECT_EQ(Kakoi({"start", id_}).exit_code, 0);
		std::string out = ReadUntil(master, until);
		close(master);
		return out;
	}
};

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

TEST_F(Security, TheInitRunsFromASealedCopyOfTheBinary)
{
	config_->SetArgs({"/probe", "exit", "0"});
	auto create = Create(id_);
	ASSERT_EQ(create->Wait().exit_code, 0) << create->Wait();
	State s = GetState(id_);
	ASSERT_GT(s.pid, 0) << s.result;

	std::string exe = "/proc/" + std::to_string(s.pid) + "/exe";
	char target[256] = {};
	ASSERT_GT(readlink(exe.c_str(), target, sizeof(target) - 1), 0);
	EXPECT_EQ(std::string(target).rfind("/memfd:kakoi", 0), 0u) << target;
	int fd = open(exe.c_str(), O_WRONLY);
	EXPECT_LT(fd, 0) << "the runtime binary behind the init is writable";
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	ExpectNothingLeftBehind(id_);
}

// The dynamic loader a binary asks for (PT_INTERP); "" when it is static.
std::string Interpreter(const std::string &binary)
{
	std::string elf = ReadFile(binary);
	const auto *eh = reinterpret_cast<const Elf64_Ehdr *>(elf.data());
	if (elf.size() < sizeof(Elf64_Ehdr) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return "";
	for (size_t i = 0; i < eh->e_phnum; i++) {
		size_t at = eh->e_phoff + i * eh->e_phentsize;
		if (at + sizeof(Elf64_Phdr) > elf.size())
			return "";
		const auto *ph = reinterpret_cast<const Elf64_Phdr *>(elf.data() + at);
		if (ph->p_type == PT_INTERP && ph->p_offset + ph->p_filesz <= elf.size())
			return std::string(elf.data() + ph->p_offset,
					   strnlen(elf.data() + ph->p_offset, ph->p_filesz));
	}
	return "";
}

// Binds in, read-only, each directory along the loader's symlink chain at
// the path the chain names it by (Debian: /lib64, then /lib/<triplet>).
// ld.so finds libc beside the file it really is, one of its default paths.
void BindLoader(Config *config, std::string path)
{
	std::set<std::string> bound;
	for (int hops = 0; hops < 8 && path.rfind('/') != std::string::npos; hops++) {
		std::string dir = path.substr(0, path.rfind('/'));
		char real[PATH_MAX], link[PATH_MAX];
		if (realpath(dir.c_str(), real) == nullptr)
			return;
		if (bound.insert(dir).second)
			config->AddMount(dir, "bind", real, {"rbind", "ro"});
		ssize_t n = readlink(path.c_str(), link, sizeof(link) - 1);
		if (n <= 0)
			return;
		link[n] = '\0';
		path = link[0] == '/' ? std::string(link) : dir + "/" + link;
	}
}

// CVE-2019-5736 as runc met it: the entrypoint is a script whose
// interpreter is /proc/self/exe, so when the init execs it the kernel runs
// the init's own binary inside the container, as a container process. That
// process may keep its /proc/self/exe open and write it once nothing runs
// it, so it must be kakoi's sealed copy and never the binary on the host,
// whatever the namespaces. The script runs `kakoi update ID --resources -`,
// which reads stdin first: that keeps it alive for the host to look at.
// The release kakoi is a static PIE and runs in any image; a dynamic build
// (ASan) needs its loader and libc bound in, as the attack needs an image
// that has them, as most images do.
TEST_F(Security, AnEntrypointInterpretedByProcSelfExeGetsTheSealedCopy)
{
	BindLoader(config_.get(), Interpreter(KakoiBinary()));
	std::string script = rootfs_ + "/selfexe";
	{
		int fd = open(script.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		ASSERT_GE(fd, 0) << strerror(errno);
		const char text[] = "#!/proc/self/exe update\n";
		ASSERT_EQ(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
		close(fd);
	}
	config_->SetArgs({"/selfexe", "--resources", "-"});
	SaveConfig();
	int in[2];
	ASSERT_EQ(pipe2(in, O_CLOEXEC), 0);
	RunOptions with_stdin;
	with_stdin.fds[0] = in[0];
	auto run = KakoiSpawn({"run", "--bundle", bundle_, id_}, with_stdin);
	close(in[0]);

	pid_t pid = 0;
	EXPECT_TRUE(WaitUntil([&] {
		pid = GetState(id_).pid;
		return pid > 0 &&
		       ReadFile("/proc/" + std::to_string(pid) + "/cmdline").find("update") !=
			       std::string::npos;
	})) << "the script never ran the runtime's binary: "
	    << run->Err();
	std::string exe = "/proc/" + std::to_string(pid) + "/exe";
	char target[256] = {};
	EXPECT_GT(readlink(exe.c_str(), target, sizeof(target) - 1), 0);
	EXPECT_EQ(std::string(target).rfind("/memfd:kakoi", 0), 0u) << target;
	int fd = open(exe.c_str(), O_RDONLY | O_CLOEXEC);
	EXPECT_GE(fd, 0) << strerror(errno);
	int want = F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;
	EXPECT_EQ(fd >= 0 ? fcntl(fd, F_GET_SEALS) & want : -1, want) << target;
	if (fd >= 0)
		close(fd);

	close(in[1]); // update reads EOF, fails, and the container ends
	Result r = run->Wait();
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "kakoi: ")) << r;
	ExpectNothingLeftBehind(id_);
}

TEST_F(Security, AMissingExecutableFailsCreateWithRuncsWording)
{
	config_->SetArgs({"/no/such/binary"});
	Result r = Create(id_)->Wait();
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "exec: \"/no/such/binary\": stat /no/such/binary: no such "
				    "file or directory"))
		<< r;
	ExpectNothingLeftBehind(id_);

	config_->SetArgs({"nosuchcommand"});
	r = Create(id_)->Wait();
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "executable file not found in $PATH")) << r;
	ExpectNothingLeftBehind(id_);
}

TEST_F(Security, TheCwdCannotLeaveTheContainer)
{
	config_->Set("process.cwd", Quote("/../../../.."));
	Result r = RunContainer({"/probe", "cwd"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "/\n");
}

TEST_F(Security, TheConsoleSocketGetsAPtyFromInsideTheContainerOnDevConsoleToo)
{
	std::string out = RunOnAPty(
		{"/bin/sh", "-c", "/probe stat /dev/console; tty; /probe isatty"}, "stderr=");
	EXPECT_TRUE(Contains(out, "stdin=yes stdout=yes stderr=yes")) << out;
	// config-linux.md: the pty is also bind-mounted on /dev/console.
	EXPECT_TRUE(Contains(out, "chr 136:0")) << out;
	EXPECT_TRUE(Contains(out, "/dev/pts/0")) << out;
}

// A /dev bound from the host may hold a real console node: the pty is
// mounted over it in the container's mount namespace, and the node itself
// is neither removed nor changed.
TEST_F(Security, DevConsoleOfABoundDevIsMountedOverNotReplaced)
{
	std::string dev = HostTempDir("dev");
	ASSERT_EQ(mkdir((dev + "/pts").c_str(), 0755), 0);
	ASSERT_EQ(mknod((dev + "/console").c_str(), S_IFCHR | 0644, makedev(5, 1)), 0);
	for (auto [name, major, minor] : {std::tuple{"null", 1, 3},
					  {"zero", 1, 5},
					  {"full", 1, 7},
					  {"random", 1, 8},
					  {"urandom", 1, 9},
					  {"tty", 5, 0}})
		ASSERT_EQ(mknod((dev + "/" + name).c_str(), S_IFCHR | 0666, makedev(major, minor)),
			  0);
	ASSERT_EQ(symlink("pts/ptmx", (dev + "/ptmx").c_str()), 0);
	config_->RemoveMount("/dev");
	config_->RemoveMount("/dev/pts");
	config_->AddMount("/dev", "bind", dev, {"rbind", "nosuid"});
	config_->AddMount("/dev/pts", "devpts", "devpts",
			  {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"});
	std::string out = RunOnAPty({"/probe", "stat", "/dev/console"}, "\n");
	EXPECT_TRUE(Contains(out, "chr 136:")) << "the pty inside: " << out;
	struct stat st;
	ASSERT_EQ(lstat((dev + "/console").c_str(), &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(st.st_rdev, makedev(5, 1)) << "the host's node is unchanged";
	EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST_F(Security, ATerminalWithoutAConsoleSocketIsRefusedForCreate)
{
	config_->SetTerminal(true);
	Result r = Create(id_)->Wait();
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "--console-socket")) << r;
	ExpectNothingLeftBehind(id_);
}

TEST_F(Security, PlanPrintsTheStepsAndTouchesNothing)
{
	config_->SetArgs({"/probe", "exit", "0"});
	SaveConfig();
	Result r = Kakoi({"plan", "--bundle", bundle_, id_});
	EXPECT_EQ(r.exit_code, 0) << r;
	for (const char *want : {"host-prepare:", "cgroup-create", "host-attach:", "init-rootfs:",
				 "pivot-root", "init-created:", "init-process:", "execve /probe"})
		EXPECT_TRUE(Contains(r.out, want)) << want << "\n" << r.out;
	ExpectNothingLeftBehind(id_);
}

TEST_F(Security, ErrorsGoToTheLogAsJsonLines)
{
	std::string log = HostTempDir("log") + "/kakoi.log";
	Result r = Kakoi({"--log", log, "--log-format", "json", "delete", "no-such-container"});
	EXPECT_EQ(r.exit_code, 1) << r;
	std::string line = ReadFile(log);
	ASSERT_FALSE(line.empty());
	EXPECT_EQ(line.back(), '\n');
	Json doc = ParseJson(line);
	ASSERT_NE(doc.get(), nullptr) << line;
	EXPECT_EQ(JsonString(doc.get(), "level"), "error");
	EXPECT_TRUE(Contains(JsonString(doc.get(), "msg"), "container does not exist")) << line;
	EXPECT_FALSE(JsonString(doc.get(), "time").empty()) << line;
}

// This host has no systemd as PID 1: --systemd-cgroup's create fails,
// naming the flag, and leaves nothing (no state, no process, no scope
// directory in any hierarchy). The driver itself is proven against a real
// systemd in tests/integration/systemd_test.
TEST_F(Security, SystemdCgroupWithoutSystemdFailsNamingTheFlag)
{
	config_->SetCgroupsPath("kakoi-it.slice:kakoi:" + id_);
	SaveConfig();
	Result r = Kakoi({"--systemd-cgroup", "create", "--bundle", bundle_, id_});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "--systemd-cgroup: cannot reach systemd")) << r;
	ExpectNothingLeftBehind(id_);
	for (const char *h : {"pids", "memory", "cpu", "devices", "freezer", "unified", "systemd"})
		EXPECT_FALSE(Exists(std::string("/sys/fs/cgroup/") + h + "/kakoi-it.slice/kakoi-" +
				    id_ + ".scope"))
			<< h;
}

TEST_F(Security, SystemdCgroupRefusesAPathNotInSystemdsForm)
{
	SaveConfig(); // the harness's "/kakoi-test-<pid>/<id>"
	Result r = Kakoi({"--systemd-cgroup", "create", "--bundle", bundle_, id_});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "linux.cgroupsPath: ")) << r;
	EXPECT_TRUE(Contains(r.err, "is not \"slice:prefix:name\", the form --systemd-cgroup "
				    "takes"))
		<< r;
	ExpectNothingLeftBehind(id_);
}

TEST_F(Security, ConcurrentCreatesOfOneIdLetExactlyOneWin)
{
	config_->SetArgs({"/probe", "exit", "0"});
	SaveConfig();
	auto a = KakoiSpawn({"create", "--bundle", bundle_, id_});
	auto b = KakoiSpawn({"create", "--bundle", bundle_, id_});
	Result ra = a->Wait(), rb = b->Wait();
	EXPECT_EQ((ra.exit_code == 0) + (rb.exit_code == 0), 1) << ra << rb;
	const Result &loser = ra.exit_code == 0 ? rb : ra;
	EXPECT_TRUE(Contains(loser.err, "container with id exists")) << loser;
	EXPECT_EQ(GetState(id_).status, "created");
	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	ExpectNothingLeftBehind(id_);
}

} // namespace
} // namespace kk_it

namespace kk_it
{
namespace
{

TEST_F(Security, ANewTimeNamespaceGetsItsOffsets)
{
	config_->AddNamespace("time");
	config_->Set("linux.timeOffsets", "{\"boottime\":{\"secs\":864000,\"nanosecs\":0}}");
	Result r = RunContainer({"/probe", "read", "/proc/uptime"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_GT(std::stod(r.out.empty() ? "0" : r.out), 864000.0) << r;
}

} // namespace
} // namespace kk_it

namespace kk_it
{
namespace
{

TEST_F(Security, KillAllSignalsEveryProcessInTheCgroup)
{
	auto sleeper = RunSleeper(id_);
	ASSERT_EQ(GetState(id_).status, "running");
	Result k = Kakoi({"kill", "--all", id_, "KILL"});
	EXPECT_EQ(k.exit_code, 0) << k;
	EXPECT_TRUE(WaitForStatus(id_, "stopped", 5000)) << GetState(id_).result;
	EXPECT_EQ(Kakoi({"delete", id_}).exit_code, 0);
	ExpectNothingLeftBehind(id_);
}

} // namespace
} // namespace kk_it
