// The init-rootfs ops for real: a child unshares mount, pid, uts and ipc
// namespaces, forks pid 1, which runs kk_plan_run(KK_PHASE_INIT_ROOTFS) on
// a small rootfs in a temp dir and then looks around from inside, reporting
// every failed check over a pipe. The host's mount table must be the same
// afterwards. Needs root; runs outside Bazel's sandbox.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "tests/rootfs/helpers.h"
#include "tests/scope/scope.h"

namespace
{

std::string ReadFile(const std::string &path)
{
	std::ifstream f(path);
	std::stringstream s;

	s << f.rdbuf();
	return s.str();
}

void Touch(const std::string &path)
{
	int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

// Runs body as pid 1 of new mount, pid, uts and ipc namespaces; returns what
// it reported ("" means every check passed).
std::string RunIsolated(const std::function<std::string()> &body)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return "pipe failed";
	pid_t child = fork();
	if (child == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC) < 0) {
			(void)!write(p[1], "unshare failed", 14);
			_exit(1);
		}
		pid_t init = fork();
		if (init == 0) {
			std::string report = body();
			(void)!write(p[1], report.data(), report.size());
			_exit(0);
		}
		int status = 0;
		waitpid(init, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
	}
	close(p[1]);
	std::string report;
	char buf[4096];
	ssize_t n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		report.append(buf, (size_t)n);
	close(p[0]);
	int status = 0;
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		report += " (child status " + std::to_string(status) + ")";
	return report;
}

// Collects failed checks.
struct Checks {
	std::string failures;

	void Expect(bool ok, const std::string &what)
	{
		if (!ok)
			failures += what + " (errno " + std::to_string(errno) + "); ";
	}
	void ExpectErrno(int rc, int want, const std::string &what)
	{
		Expect(rc < 0 && errno == want, what + ": want errno " + std::to_string(want));
	}
};

std::string Link(const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf));

	return n < 0 ? "" : std::string(buf, (size_t)n);
}

bool FsType(const char *path, long type)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (long)st.f_type == type;
}

class Apply : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(geteuid(), 0u) << "needs root";
		ASSERT_FALSE(tmp_.path().empty());
		root_ = tmp_.path() + "/rootfs";
		host_ = tmp_.path() + "/hostside";
		ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
		ASSERT_EQ(mkdir((root_ + "/secret_dir").c_str(), 0755), 0);
		Touch(root_ + "/secret_dir/file");
		Touch(root_ + "/marker");
		ASSERT_EQ(symlink(host_.c_str(), (root_ + "/evil").c_str()), 0);
	}
	void TearDown() override
	{
		struct stat st;

		// Only under the test's dir: the host's other mounts come and go.
		EXPECT_EQ(kk_scope::MountsUnder({tmp_.path()}), std::vector<std::string>{})
			<< "host mounts changed";
		EXPECT_NE(lstat(host_.c_str(), &st), 0) << host_ << " was created on the host";
	}

	// Plans config and runs the init-rootfs phase; "" or what failed.
	std::string Setup(const std::string &config, bool no_pivot)
	{
		std::string perr;
		auto spec = kkrootfs::Parse(config, &perr);
		if (!spec)
			return "parse: " + perr;
		kk_plan plan = {};
		kk_error err = {};
		kk_ctx ctx = kkrootfs::NewCtx();
		ctx.spec = spec.get();
		ctx.rootfs = root_.c_str();
		ctx.bundle = tmp_.path().c_str();
		ctx.no_pivot = no_pivot;
		int rc = kk_plan_rootfs(&plan, spec.get(), &err);
		if (rc == 0)
			rc = kk_plan_run(&plan, KK_PHASE_INIT_ROOTFS, &ctx, &err);
		kk_plan_free(&plan);
		// The spec stays mapped: the process exits right after the checks.
		(void)spec.release();
		return rc == 0 ? "" : std::string("run: ") + err.msg;
	}

	kkrootfs::TempDir tmp_;
	std::string root_, host_;
};

const char kFullLinux[] =
	R"("linux":{"namespaces":[{"type":"mount"},{"type":"pid"},{"type":"uts"},{"type":"ipc"}],)"
	R"("devices":[{"path":"/dev/kk_null","type":"c","major":1,"minor":3,"fileMode":384,)"
	R"("uid":1,"gid":2}],)"
	R"("sysctl":{"kernel.shmmax":"123456789"},)"
	R"("maskedPaths":["/proc/kcore","/proc/timer_list","/secret_dir","/does/not/exist"],)"
	R"("readonlyPaths":["/proc/sys","/not/there"]})";

const char kFullMounts[] =
	R"("mounts":[{"destination":"/proc","type":"proc","source":"proc"},)"
	R"({"destination":"/dev","type":"tmpfs","source":"tmpfs",)"
	R"("options":["nosuid","strictatime","mode=755","size=65536k"]},)"
	R"({"destination":"/dev/pts","type":"devpts","source":"devpts",)"
	R"("options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]},)"
	R"({"destination":"/data","type":"tmpfs","source":"tmpfs"},)"
	R"({"destination":"/evil/sub","type":"tmpfs","source":"tmpfs"},)"
	R"({"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup",)"
	R"("options":["nosuid","noexec","nodev","relatime","ro"]}])";

std::string CheckDevices(Checks &c)
{
	struct stat st;

	c.Expect(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
			 minor(st.st_rdev) == 3 && (st.st_mode & 07777) == 0666,
		 "/dev/null is char 1:3 0666");
	c.Expect(stat("/dev/kk_null", &st) == 0 && S_ISCHR(st.st_mode) &&
			 (st.st_mode & 07777) == 0600 && st.st_uid == 1 && st.st_gid == 2,
		 "/dev/kk_null is 0600 1:2");
	c.Expect(stat("/dev/tty", &st) == 0 && major(st.st_rdev) == 5, "/dev/tty");
	c.Expect(Link("/dev/ptmx") == "pts/ptmx", "/dev/ptmx -> pts/ptmx");
	c.Expect(stat("/dev/ptmx", &st) == 0 && S_ISCHR(st.st_mode), "/dev/pts/ptmx reachable");
	c.Expect(Link("/dev/fd") == "/proc/self/fd", "/dev/fd link");
	c.Expect(Link("/dev/stdin") == "/proc/self/fd/0", "/dev/stdin link");
	return c.failures;
}

void CheckMasksAndReadOnly(Checks &c)
{
	char buf[16];
	int fd = open("/proc/timer_list", O_RDONLY | O_CLOEXEC);

	c.Expect(fd >= 0 && read(fd, buf, sizeof(buf)) == 0, "/proc/timer_list reads empty");
	if (fd >= 0)
		close(fd);
	DIR *d = opendir("/secret_dir");
	int entries = 0;
	for (struct dirent *e; d != nullptr && (e = readdir(d)) != nullptr;)
		entries++;
	if (d != nullptr)
		closedir(d);
	c.Expect(entries == 2, "/secret_dir is empty");
	c.ExpectErrno(open("/secret_dir/new", O_CREAT | O_WRONLY | O_CLOEXEC, 0644), EROFS,
		      "/secret_dir is read-only");
	c.ExpectErrno(open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC), EROFS,
		      "/proc/sys is read-only");
	c.ExpectErrno(open("/newfile", O_CREAT | O_WRONLY | O_CLOEXEC, 0644), EROFS,
		      "/ is read-only");
	fd = open("/data/x", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	c.Expect(fd >= 0, "/data stays writable");
	if (fd >= 0)
		close(fd);
}

// host_v2: the host has a pure cgroup v2 layout (checked before pivot_root).
void CheckNamesAndCgroup(Checks &c, bool host_v2)
{
	char name[128] = "";

	c.Expect(gethostname(name, sizeof(name)) == 0 && std::string(name) == "kakoi-test",
		 "hostname is kakoi-test");
	c.Expect(getdomainname(name, sizeof(name)) == 0 && std::string(name) == "example.test",
		 "domainname is example.test");
	c.Expect(ReadFile("/proc/sys/kernel/shmmax") == "123456789\n", "kernel.shmmax");
	if (host_v2) {
		c.Expect(FsType("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC), "cgroup2 mounted");
		c.ExpectErrno(mkdir("/sys/fs/cgroup/kk_apply_test", 0755), EROFS,
			      "cgroup2 is read-only");
		return;
	}
	c.Expect(FsType("/sys/fs/cgroup", TMPFS_MAGIC), "/sys/fs/cgroup is a tmpfs");
	c.Expect(FsType("/sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC), "memory hierarchy bound");
	c.ExpectErrno(mkdir("/sys/fs/cgroup/memory/kk_apply_test", 0755), EROFS,
		      "cgroup hierarchy is read-only");
	c.ExpectErrno(mkdir("/sys/fs/cgroup/new", 0755), EROFS, "cgroup tmpfs is read-only");
}

TEST_F(Apply, FullConfigFromInside)
{
	const std::string config =
		kkrootfs::Config(R"("hostname":"kakoi-test","domainname":"example.test",)" +
				 std::string(kFullMounts) + "," + kFullLinux);
	std::string root = root_, host = host_;
	const bool host_v2 = FsType("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC);

	// root.readonly: set here, as kkrootfs::Config has a fixed root.
	const std::string plain_root = R"("path":"rootfs"})";
	std::string ro_config = config;
	ro_config.replace(ro_config.find(plain_root), plain_root.size(),
			  R"("path":"rootfs","readonly":true})");
	std::string report = RunIsolated([&]() -> std::string {
		std::string failed = Setup(ro_config, false);
		if (!failed.empty())
			return failed;
		Checks c;
		struct stat st;
		char cwd[64] = "";
		c.Expect(stat("/marker", &st) == 0, "/ is the rootfs");
		c.Expect(getcwd(cwd, sizeof(cwd)) != nullptr && std::string(cwd) == "/", "cwd /");
		c.Expect(getpid() == 1, "pid 1");
		CheckDevices(c);
		CheckMasksAndReadOnly(c);
		CheckNamesAndCgroup(c, host_v2);
		// The symlinked destination got its tmpfs inside the rootfs.
		c.Expect(FsType((host + "/sub").c_str(), TMPFS_MAGIC), "evil/sub inside");
		c.Expect(FsType("/evil/sub", TMPFS_MAGIC), "/evil/sub is a tmpfs");
		return c.failures;
	});
	EXPECT_EQ(report, "");
	// Created in the rootfs on disk, not on the host path.
	struct stat st;
	EXPECT_EQ(stat((root + host + "/sub").c_str(), &st), 0);
}

TEST_F(Apply, NoPivotMovesAndChroots)
{
	const std::string config = kkrootfs::Config(
		R"("mounts":[{"destination":"/proc","type":"proc","source":"proc"},)"
		R"({"destination":"/dev","type":"tmpfs","source":"tmpfs"}],)"
		R"("linux":{"namespaces":[{"type":"mount"},{"type":"pid"}]})");
	std::string report = RunIsolated([&]() -> std::string {
		std::string failed = Setup(config, true);
		if (!failed.empty())
			return failed;
		Checks c;
		struct stat st;
		c.Expect(stat("/marker", &st) == 0, "/ is the rootfs");
		c.Expect(stat("/dev/zero", &st) == 0 && S_ISCHR(st.st_mode), "/dev/zero");
		c.Expect(FsType("/proc", PROC_SUPER_MAGIC), "/proc is a procfs");
		c.Expect(chdir("..") == 0 && stat("marker", &st) == 0, "no way up");
		return c.failures;
	});
	EXPECT_EQ(report, "");
}

TEST_F(Apply, FailureIsReportedWithTheStep)
{
	// A bind of a source that does not exist.
	const std::string config = kkrootfs::Config(
		R"("mounts":[{"destination":"/x","source":"/nonexistent/kk","options":["bind"]}],)"
		R"("linux":{"namespaces":[{"type":"mount"}]})");
	std::string report = RunIsolated([&]() { return Setup(config, false); });
	EXPECT_EQ(report, "run: init-rootfs step 3 mount: mount /nonexistent/kk on /x type none "
			  "(bind): mounts[0]: source: stat /nonexistent/kk: No such file or "
			  "directory");
}

} // namespace
