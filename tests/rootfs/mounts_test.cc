// The mount, device and link ops against a recording syscall seam: the
// exact mount(2) calls a config turns into (flags, data, second passes),
// where their targets land inside a temp-dir rootfs, and how failures are
// named. Needs no privileges: mount, mknod and chown are recorded, not done.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"
#include "tests/rootfs/helpers.h"

namespace
{

struct Call {
	std::string what, source, target, fstype, data;
	unsigned long flags;
};

std::vector<Call> calls;
int fail_mount_call = -1; // index of the mount call to fail with EPERM

// A /proc/self/fd/N target becomes the path it stands for.
std::string Resolve(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (path == nullptr)
		return "";
	if (std::string(path).rfind("/proc/self/fd/", 0) != 0)
		return path;
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return std::string("unresolved:") + path;
	return std::string(buf, (size_t)n);
}

int FakeMount(const char *source, const char *target, const char *fstype, unsigned long flags,
	      const void *data)
{
	calls.push_back({"mount", source ? Resolve(source) : "(null)", Resolve(target),
			 fstype ? fstype : "(null)", data ? (const char *)data : "(null)", flags});
	if ((int)calls.size() - 1 == fail_mount_call) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int FakeMknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	char dir[PATH_MAX];
	std::string d = Resolve(("/proc/self/fd/" + std::to_string(dirfd)).c_str());

	snprintf(dir, sizeof(dir), "%s/%s", d.c_str(), path);
	calls.push_back({"mknod", "", dir, "",
			 std::to_string(major(dev)) + ":" + std::to_string(minor(dev)),
			 (unsigned long)mode});
	return 0;
}

int FakeFchownat(int, const char *, uid_t uid, gid_t gid, int)
{
	calls.push_back({"chown", "", "", "", std::to_string(uid) + ":" + std::to_string(gid), 0});
	return 0;
}

class Mounts : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		fake_ = kk_sys_linux;
		fake_.mount = FakeMount;
		fake_.mknodat = FakeMknodat;
		fake_.fchownat = FakeFchownat;
		saved_ = kk_sys_set(&fake_);
		calls.clear();
		fail_mount_call = -1;
		root_ = tmp_.path() + "/rootfs";
		ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
		ctx_.rootfs = root_.c_str();
		ctx_.bundle = tmp_.path().c_str();
		ctx_.rootfs_fd = open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
		ASSERT_GE(ctx_.rootfs_fd, 0);
	}
	void TearDown() override
	{
		kk_sys_set(saved_);
		close(ctx_.rootfs_fd);
	}
	// Plans a config with the given mounts (and linux members) and runs
	// the ops of the named types; returns the error message or "".
	std::string Run(const std::string &mounts, const std::vector<std::string> &types,
			const std::string &linux_more = "")
	{
		std::string perr;
		spec_ = kkrootfs::Parse(
			kkrootfs::Config(R"("mounts":[)" + mounts + R"(],"linux":{)" +
					 kkrootfs::WithMountNs() + linux_more + "}"),
			&perr);
		if (!spec_)
			return "parse: " + perr;
		plan_ = std::make_unique<kkrootfs::Planned>();
		kkrootfs::PlanInto(spec_.get(), plan_.get());
		if (plan_->rc < 0)
			return "plan: " + plan_->error;
		ctx_.spec = spec_.get();
		for (size_t i = 0; i < plan_->plan.n; i++) {
			const kk_op *op = &plan_->plan.ops[i];
			kk_error err = {};

			for (const auto &t : types)
				if (t == op->type->name && op->type->apply(op, &ctx_, &err) < 0)
					return err.msg;
		}
		return "";
	}
	std::string In(const std::string &path) const
	{
		return root_ + path;
	}

	kkrootfs::TempDir tmp_;
	std::string root_;
	struct kk_sys fake_;
	const struct kk_sys *saved_ = nullptr;
	kk_ctx ctx_ = kkrootfs::NewCtx();
	kkrootfs::Spec spec_;
	std::unique_ptr<kkrootfs::Planned> plan_;
};

TEST_F(Mounts, FileSystemFlagsAndData)
{
	ASSERT_EQ(Run(R"({"destination":"/dev","type":"tmpfs","source":"tmpfs",)"
		      R"("options":["nosuid","strictatime","mode=755","size=65536k"]},)"
		      R"({"destination":"/sys","type":"sysfs","source":"sysfs",)"
		      R"("options":["nosuid","noexec","nodev","ro"]},)"
		      R"({"destination":"/m","type":"mqueue","source":"mqueue",)"
		      R"("options":["ro","rw","nodev","dev","suid","sync","async","defaults"]})",
		      {"mount"}),
		  "");
	ASSERT_EQ(calls.size(), 3u);
	EXPECT_EQ(calls[0].source, "tmpfs");
	EXPECT_EQ(calls[0].target, In("/dev"));
	EXPECT_EQ(calls[0].fstype, "tmpfs");
	EXPECT_EQ(calls[0].flags, (unsigned long)(MS_NOSUID | MS_STRICTATIME));
	EXPECT_EQ(calls[0].data, "mode=755,size=65536k");
	EXPECT_EQ(calls[1].target, In("/sys"));
	EXPECT_EQ(calls[1].flags, (unsigned long)(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
	EXPECT_EQ(calls[1].data, "(null)");
	EXPECT_EQ(calls[2].flags, 0ul);
	struct stat st;
	EXPECT_EQ(stat(In("/dev").c_str(), &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(Mounts, ReadOnlyTmpfsWaitsForTheFinalRemount)
{
	ASSERT_EQ(Run(R"({"destination":"/t","type":"tmpfs","options":["ro","nodev"]})",
		      {"mount", "remount-ro"}),
		  "");
	ASSERT_EQ(calls.size(), 2u);
	EXPECT_EQ(calls[0].flags, (unsigned long)MS_NODEV);
	EXPECT_EQ(calls[1].target, In("/t"));
	EXPECT_EQ(calls[1].flags, (unsigned long)(MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NODEV));
}

TEST_F(Mounts, BindTakesARemountAndAPropagationPass)
{
	ASSERT_EQ(mkdir((tmp_.path() + "/src").c_str(), 0755), 0);
	ASSERT_EQ(Run(R"({"destination":"/data","source":"src",)"
		      R"("options":["rbind","ro","nosuid","rprivate"]})",
		      {"mount"}),
		  "");
	ASSERT_EQ(calls.size(), 3u);
	// A relative source is relative to the bundle.
	EXPECT_EQ(calls[0].source, tmp_.path() + "/src");
	EXPECT_EQ(calls[0].target, In("/data"));
	EXPECT_EQ(calls[0].flags, (unsigned long)(MS_BIND | MS_REC));
	EXPECT_EQ(calls[1].target, In("/data"));
	EXPECT_EQ(calls[1].flags, (unsigned long)(MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID));
	EXPECT_EQ(calls[2].flags, (unsigned long)(MS_PRIVATE | MS_REC));
}

TEST_F(Mounts, PlainBindNeedsNoRemount)
{
	ASSERT_EQ(mkdir((tmp_.path() + "/src").c_str(), 0755), 0);
	ASSERT_EQ(Run(R"({"destination":"/data","source":"src","type":"bind"})", {"mount"}), "");
	ASSERT_EQ(calls.size(), 1u);
	EXPECT_EQ(calls[0].flags, (unsigned long)MS_BIND);
}

TEST_F(Mounts, BindOfAFileCreatesAFileTarget)
{
	kkrootfs::TempDir src;
	std::string file = src.path() + "/f";
	int fd = open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(Run(R"({"destination":"/etc/resolv.conf","source":")" + file +
			      R"(","options":["bind"]})",
		      {"mount"}),
		  "");
	struct stat st;
	ASSERT_EQ(stat(In("/etc/resolv.conf").c_str(), &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	ASSERT_EQ(calls.size(), 1u);
	EXPECT_EQ(calls[0].target, In("/etc/resolv.conf"));
}

TEST_F(Mounts, SymlinkedDestinationLandsInsideTheRoot)
{
	const std::string host = tmp_.path() + "/hostside";
	ASSERT_EQ(symlink(host.c_str(), In("/evil").c_str()), 0);
	ASSERT_EQ(Run(R"({"destination":"/evil/sub","type":"tmpfs"})", {"mount"}), "");
	ASSERT_EQ(calls.size(), 1u);
	EXPECT_EQ(calls[0].target, In(host + "/sub"));
	struct stat st;
	EXPECT_NE(lstat(host.c_str(), &st), 0);
}

TEST_F(Mounts, ProcNeverThroughASymlink)
{
	ASSERT_EQ(mkdir(In("/elsewhere").c_str(), 0755), 0);
	ASSERT_EQ(symlink("/elsewhere", In("/proc").c_str()), 0);
	EXPECT_EQ(Run(R"({"destination":"/proc","type":"proc","source":"proc"})", {"mount"}),
		  "mounts[0]: /proc must be mounted on a directory");
	EXPECT_TRUE(calls.empty());
}

TEST_F(Mounts, FailureNamesTheEntry)
{
	fail_mount_call = 1;
	kk_error err = {};
	ASSERT_EQ(Run(R"({"destination":"/a","type":"tmpfs"},{"destination":"/b","type":"tmpfs"})",
		      {}),
		  "");
	EXPECT_EQ(kk_plan_run(&plan_->plan, KK_PHASE_INIT_ROOTFS, &ctx_, &err), -1);
	// Step 1 and 2 (root-slave, bind-rootfs) are mount calls too: the
	// failing call is step 2's, bind-rootfs.
	EXPECT_EQ(std::string(err.msg).rfind("init-rootfs step 2 bind-rootfs: ", 0), 0u) << err.msg;
}

TEST_F(Mounts, MountFailureMessage)
{
	fail_mount_call = 1;
	EXPECT_EQ(Run(R"({"destination":"/a","type":"tmpfs"},{"destination":"/b","type":"tmpfs"})",
		      {"mount"}),
		  "mounts[1]: mount tmpfs on /b: Operation not permitted");
}

TEST_F(Mounts, DevicesAreMadeWithTheirModeAndOwner)
{
	ASSERT_EQ(
		Run(R"({"destination":"/dev","type":"tmpfs"})", {"mknod"},
		    R"(,"devices":[{"path":"/dev/sub/fuse","type":"c","major":10,"minor":229,)"
		    R"("fileMode":384,"uid":7,"gid":8},{"path":"/dev/ptmx","type":"c","major":5,"minor":2}])"),
		"");
	// 6 defaults (mknod + chown each), then the configured one; no ptmx.
	ASSERT_EQ(calls.size(), 14u);
	EXPECT_EQ(calls[0].target, In("/dev/null"));
	EXPECT_EQ(calls[0].flags, (unsigned long)(S_IFCHR | 0666));
	EXPECT_EQ(calls[0].data, "1:3");
	EXPECT_EQ(calls[1].data, "0:0");
	EXPECT_EQ(calls[12].target, In("/dev/sub/fuse"));
	EXPECT_EQ(calls[12].flags, (unsigned long)(S_IFCHR | 0600));
	EXPECT_EQ(calls[12].data, "10:229");
	EXPECT_EQ(calls[13].data, "7:8");
}

TEST_F(Mounts, DevicesInAUserNamespaceAreBound)
{
	ctx_.userns = true;
	ASSERT_EQ(Run(R"({"destination":"/dev","type":"tmpfs"})", {"mknod"}), "");
	ASSERT_EQ(calls.size(), 6u);
	EXPECT_EQ(calls[0].what, "mount");
	EXPECT_EQ(calls[0].source, "/dev/null");
	EXPECT_EQ(calls[0].target, In("/dev/null"));
	EXPECT_EQ(calls[0].flags, (unsigned long)MS_BIND);
	struct stat st;
	ASSERT_EQ(stat(In("/dev/null").c_str(), &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(Mounts, DevLinks)
{
	ASSERT_EQ(mkdir(In("/dev").c_str(), 0755), 0);
	int fd = open(In("/dev/ptmx").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(Run(R"({"destination":"/dev","type":"tmpfs"})", {"symlink"}), "");
	char buf[PATH_MAX];
	ssize_t n = readlink(In("/dev/ptmx").c_str(), buf, sizeof(buf));
	ASSERT_GT(n, 0);
	EXPECT_EQ(std::string(buf, (size_t)n), "pts/ptmx");
	n = readlink(In("/dev/stderr").c_str(), buf, sizeof(buf));
	ASSERT_GT(n, 0);
	EXPECT_EQ(std::string(buf, (size_t)n), "/proc/self/fd/2");
	n = readlink(In("/dev/fd").c_str(), buf, sizeof(buf));
	ASSERT_GT(n, 0);
	EXPECT_EQ(std::string(buf, (size_t)n), "/proc/self/fd");
	// Running the ops twice is harmless (existing links are kept).
	EXPECT_EQ(Run(R"({"destination":"/dev","type":"tmpfs"})", {"symlink"}), "");
}

} // namespace
