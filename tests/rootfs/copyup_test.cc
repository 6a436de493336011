// "tmpcopyup": the option words, the tree copy between two temp dirs (modes,
// owners, symlinks never followed, fifos and device nodes, the depth bound,
// a failing write named), and the check that the copy only goes into a new
// tmpfs (a recorded mount that did not happen is refused). The copy of
// owners and device nodes needs real root (outside Bazel's sandbox, hence
// the target's tags); that test skips without it.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/exec/ctx.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "runtime/sys/sys.h"
#include "tests/rootfs/helpers.h"

namespace
{

// --- option words ---

std::string OptsError(const std::string &mount, kk_mount_opts *o)
{
	std::string perr;
	kkrootfs::Spec spec =
		kkrootfs::Parse(kkrootfs::Config(R"("mounts":[)" + mount + "]"), &perr);
	kk_error err = {};

	if (!spec)
		return "parse: " + perr;
	return kk_rootfs_mount_opts(&spec->mounts[0], 0, o, &err) < 0 ? err.msg : "";
}

TEST(CopyUpOptions, TmpcopyupIsAFlagNotData)
{
	kk_mount_opts o;

	EXPECT_EQ(OptsError(R"({"destination":"/t","type":"tmpfs","options":)"
			    R"(["size=1m","tmpcopyup","nodev"]})",
			    &o),
		  "");
	EXPECT_TRUE(o.copyup);
	EXPECT_STREQ(o.data, "size=1m");
	EXPECT_EQ(OptsError(R"({"destination":"/t","type":"tmpfs","options":)"
			    R"(["tmpcopyup","notmpcopyup"]})",
			    &o),
		  "");
	EXPECT_FALSE(o.copyup);
	EXPECT_STREQ(o.data, "");
	EXPECT_EQ(OptsError(R"({"destination":"/t","type":"tmpfs","options":)"
			    R"(["notmpcopyup","tmpcopyup"]})",
			    &o),
		  "");
	EXPECT_TRUE(o.copyup);
	EXPECT_EQ(OptsError(R"({"destination":"/t","type":"tmpfs","options":["nosuid"]})", &o), "");
	EXPECT_FALSE(o.copyup);
}

// The recursive words become mount_setattr attributes, not data; an atime
// mode clears the whole atime field, as mount_setattr(2) wants.
TEST(RecursiveOptions, AreAttributesNotData)
{
	kk_mount_opts o;

	EXPECT_EQ(OptsError(R"({"destination":"/t","source":"/s","options":)"
			    R"(["rbind","rro","rnosuid","rdev","rnoatime"]})",
			    &o),
		  "");
	EXPECT_STREQ(o.data, "");
	EXPECT_EQ(o.attr_set,
		  (uint64_t)(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME));
	EXPECT_EQ(o.attr_clr, (uint64_t)(MOUNT_ATTR_NODEV | MOUNT_ATTR__ATIME));
	EXPECT_EQ(OptsError(R"({"destination":"/t","type":"tmpfs","options":["rrelatime"]})", &o),
		  "");
	EXPECT_EQ(o.attr_set, 0u);
	EXPECT_EQ(o.attr_clr, (uint64_t)MOUNT_ATTR__ATIME);
}

TEST(CopyUpOptions, OnlyOnATmpfs)
{
	kk_mount_opts o;
	const std::string want = "mounts[0].options: \"tmpcopyup\" is only valid on a tmpfs mount";

	EXPECT_EQ(OptsError(R"({"destination":"/t","source":"/s","type":"bind",)"
			    R"("options":["rbind","tmpcopyup"]})",
			    &o),
		  want);
	EXPECT_EQ(OptsError(R"({"destination":"/t","source":"/s","type":"tmpfs",)"
			    R"("options":["bind","tmpcopyup"]})",
			    &o),
		  want);
	EXPECT_EQ(OptsError(R"({"destination":"/t","type":"proc","options":["tmpcopyup"]})", &o),
		  want);
	// Cancelled, it is no longer a copy-up mount.
	EXPECT_EQ(OptsError(R"({"destination":"/t","source":"/s","options":)"
			    R"(["bind","tmpcopyup","notmpcopyup"]})",
			    &o),
		  "");
}

TEST(CopyUpOptions, ListedInFeatures)
{
	std::vector<std::string> names;

	for (size_t i = 0; kk_mount_option_name(i) != nullptr; i++)
		names.push_back(kk_mount_option_name(i));
	for (const char *want : {"tmpcopyup", "notmpcopyup", "ro", "rprivate"})
		EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
}

// --- the tree copy ---

class CopyTree : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_FALSE(tmp_.path().empty());
		src_ = tmp_.path() + "/src";
		dst_ = tmp_.path() + "/dst";
		ASSERT_EQ(mkdir(src_.c_str(), 0755), 0);
		ASSERT_EQ(mkdir(dst_.c_str(), 0755), 0);
	}
	void TearDown() override
	{
		if (saved_ != nullptr)
			kk_sys_set(saved_);
	}
	static void Write(const std::string &path, const std::string &data, mode_t mode)
	{
		int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
		ASSERT_GE(fd, 0) << path;
		ASSERT_EQ(write(fd, data.data(), data.size()), (ssize_t)data.size());
		ASSERT_EQ(fchmod(fd, mode), 0);
		close(fd);
	}
	static std::string Read(const std::string &path)
	{
		std::string out;
		char buf[4096];
		int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		ssize_t n;

		if (fd < 0)
			return "<" + std::string(strerror(errno)) + ">";
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			out.append(buf, (size_t)n);
		close(fd);
		return out;
	}
	// "<type> <mode octal> <uid>:<gid>" of a path, not followed.
	static std::string Meta(const std::string &path)
	{
		struct stat st;
		char buf[64];

		if (lstat(path.c_str(), &st) < 0)
			return strerror(errno);
		const char *type = S_ISDIR(st.st_mode)	  ? "dir"
				   : S_ISREG(st.st_mode)  ? "file"
				   : S_ISLNK(st.st_mode)  ? "link"
				   : S_ISFIFO(st.st_mode) ? "fifo"
				   : S_ISCHR(st.st_mode)  ? "chr"
							  : "other";
		snprintf(buf, sizeof(buf), "%s %o %u:%u", type, st.st_mode & 07777, st.st_uid,
			 st.st_gid);
		return buf;
	}
	static std::string Link(const std::string &path)
	{
		char buf[PATH_MAX];
		ssize_t n = readlink(path.c_str(), buf, sizeof(buf) - 1);
		return n < 0 ? "" : std::string(buf, (size_t)n);
	}
	// Runs kk_rootfs_copy_tree(src_, dst_); returns the error message or "".
	std::string Copy(const std::string &label = "/etc")
	{
		int s = open(src_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int d = open(dst_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		kk_error err = {};
		int r = kk_rootfs_copy_tree(s, d, label.c_str(), &err);

		close(s);
		close(d);
		return r < 0 ? err.msg : "";
	}
	void UseFakeSys(const struct kk_sys &fake)
	{
		fake_ = fake;
		saved_ = kk_sys_set(&fake_);
	}

	kkrootfs::TempDir tmp_;
	std::string src_, dst_;
	struct kk_sys fake_;
	const struct kk_sys *saved_ = nullptr;
};

TEST_F(CopyTree, ContentsModesAndSymlinks)
{
	Write(src_ + "/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
	Write(src_ + "/secret", "s3cret", 0600);
	Write(src_ + "/empty", "", 0444);
	ASSERT_EQ(mkdir((src_ + "/sub").c_str(), 0751), 0);
	Write(src_ + "/sub/nested", std::string(200000, 'x'), 0640);
	ASSERT_EQ(mkdir((src_ + "/sub/deeper").c_str(), 0700), 0);
	ASSERT_EQ(mkdir((src_ + "/locked").c_str(), 0755), 0);
	Write(src_ + "/locked/inside", "in", 0644);
	ASSERT_EQ(chmod((src_ + "/locked").c_str(), 0555), 0);
	ASSERT_EQ(symlink("passwd", (src_ + "/rel").c_str()), 0);
	ASSERT_EQ(symlink("/nowhere/at/all", (src_ + "/dangling").c_str()), 0);
	ASSERT_EQ(mkfifo((src_ + "/fifo").c_str(), 0620), 0);
	ASSERT_EQ(chmod((src_ + "/fifo").c_str(), 0620), 0);
	ASSERT_EQ(chmod(src_.c_str(), 0705), 0);

	ASSERT_EQ(Copy(), "");
	EXPECT_EQ(Read(dst_ + "/passwd"), "root:x:0:0::/root:/bin/sh\n");
	EXPECT_EQ(Read(dst_ + "/secret"), "s3cret");
	EXPECT_EQ(Read(dst_ + "/sub/nested"), std::string(200000, 'x'));
	EXPECT_EQ(Read(dst_ + "/locked/inside"), "in");
	for (const char *p : {"", "/passwd", "/secret", "/empty", "/sub", "/sub/nested",
			      "/sub/deeper", "/locked", "/locked/inside", "/fifo"})
		EXPECT_EQ(Meta(dst_ + p), Meta(src_ + p)) << p;
	EXPECT_EQ(Meta(dst_).substr(0, 8), "dir 705 ");
	EXPECT_EQ(Meta(dst_ + "/fifo").substr(0, 9), "fifo 620 ");
	EXPECT_EQ(Link(dst_ + "/rel"), "passwd");
	EXPECT_EQ(Link(dst_ + "/dangling"), "/nowhere/at/all");
}

// A link to a host path is copied as the link: neither the file nor the
// directory it names is read.
TEST_F(CopyTree, SymlinksAreNeverFollowed)
{
	std::string host = tmp_.path() + "/host";
	ASSERT_EQ(mkdir(host.c_str(), 0755), 0);
	Write(host + "/shadow", "host secret", 0600);
	ASSERT_EQ(symlink((host + "/shadow").c_str(), (src_ + "/shadow").c_str()), 0);
	ASSERT_EQ(symlink(host.c_str(), (src_ + "/hostdir").c_str()), 0);
	ASSERT_EQ(symlink("/", (src_ + "/root").c_str()), 0);

	ASSERT_EQ(Copy(), "");
	EXPECT_EQ(Meta(dst_ + "/shadow").substr(0, 5), "link ");
	EXPECT_EQ(Link(dst_ + "/shadow"), host + "/shadow");
	EXPECT_EQ(Meta(dst_ + "/hostdir").substr(0, 5), "link ");
	EXPECT_EQ(Link(dst_ + "/root"), "/");
	EXPECT_EQ(Read(host + "/shadow"), "host secret");
}

TEST_F(CopyTree, OwnersDevicesAndSetIdBits)
{
	if (geteuid() != 0)
		GTEST_SKIP() << "chown and mknod need root";
	// Root in a user namespace (Bazel's sandbox) has no uid 1000.
	Write(src_ + "/probe", "", 0644);
	if (chown((src_ + "/probe").c_str(), 1000, 1000) < 0)
		GTEST_SKIP() << "chown to 1000: " << strerror(errno);
	ASSERT_EQ(unlink((src_ + "/probe").c_str()), 0);
	Write(src_ + "/owned", "x", 0640);
	ASSERT_EQ(chown((src_ + "/owned").c_str(), 1000, 1000), 0);
	Write(src_ + "/suid", "#!/bin/sh\n", 04755);
	ASSERT_EQ(chown((src_ + "/suid").c_str(), 1000, 1001), 0);
	ASSERT_EQ(chmod((src_ + "/suid").c_str(), 06755), 0); // chown cleared them
	ASSERT_EQ(mkdir((src_ + "/home").c_str(), 02770), 0);
	ASSERT_EQ(chown((src_ + "/home").c_str(), 1000, 1000), 0);
	ASSERT_EQ(chmod((src_ + "/home").c_str(), 02770), 0);
	ASSERT_EQ(symlink("owned", (src_ + "/link").c_str()), 0);
	ASSERT_EQ(lchown((src_ + "/link").c_str(), 1000, 1002), 0);
	ASSERT_EQ(mknod((src_ + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
	ASSERT_EQ(chmod((src_ + "/null").c_str(), 0666), 0);
	ASSERT_EQ(chown(src_.c_str(), 1000, 1000), 0);

	ASSERT_EQ(Copy(), "");
	EXPECT_EQ(Meta(dst_), Meta(src_));
	EXPECT_EQ(Meta(dst_ + "/owned"), "file 640 1000:1000");
	EXPECT_EQ(Meta(dst_ + "/suid"), "file 6755 1000:1001");
	EXPECT_EQ(Meta(dst_ + "/home"), "dir 2770 1000:1000");
	EXPECT_EQ(Meta(dst_ + "/link"), "link 777 1000:1002");
	EXPECT_EQ(Meta(dst_ + "/null"), "chr 666 0:0");
	struct stat st;
	ASSERT_EQ(lstat((dst_ + "/null").c_str(), &st), 0);
	EXPECT_EQ(st.st_rdev, makedev(1, 3));
}

TEST_F(CopyTree, SocketsAreSkipped)
{
	// A short name for a long temp path: sun_path holds 108 bytes.
	int dir = open(src_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
	std::string path = "/proc/self/fd/" + std::to_string(dir) + "/sock";
	sockaddr_un addr = {};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_GE(fd, 0);
	ASSERT_GE(dir, 0);
	addr.sun_family = AF_UNIX;
	ASSERT_LT(path.size(), sizeof(addr.sun_path));
	memcpy(addr.sun_path, path.c_str(), path.size() + 1);
	ASSERT_EQ(bind(fd, (sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	close(dir);
	Write(src_ + "/after", "a", 0644);
	ASSERT_EQ(Copy(), "");
	struct stat st;
	EXPECT_EQ(lstat((dst_ + "/sock").c_str(), &st), -1);
	EXPECT_EQ(Read(dst_ + "/after"), "a");
}

TEST_F(CopyTree, DepthIsBounded)
{
	std::string dir = src_;

	for (int i = 0; i < KK_COPYUP_DEPTH_MAX; i++) {
		dir += "/d";
		ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
	}
	Write(dir + "/leaf", "deep", 0644);
	ASSERT_EQ(Copy(), "");
	EXPECT_EQ(Read(dst_ + dir.substr(src_.size()) + "/leaf"), "deep");

	ASSERT_EQ(mkdir((dir + "/d").c_str(), 0755), 0);
	dst_ = tmp_.path() + "/dst2";
	ASSERT_EQ(mkdir(dst_.c_str(), 0755), 0);
	std::string msg = Copy("/x");
	EXPECT_EQ(msg.rfind("copy /x/d/d/", 0), 0u) << msg;
	EXPECT_NE(msg.find("/d: deeper than 128 directories"), std::string::npos) << msg;
}

ssize_t FailWrite(int, const void *, size_t)
{
	errno = ENOSPC;
	return -1;
}

TEST_F(CopyTree, FailedWriteIsNamed)
{
	ASSERT_EQ(mkdir((src_ + "/sub").c_str(), 0755), 0);
	Write(src_ + "/sub/big", "data", 0644);
	struct kk_sys fake = kk_sys_linux;
	fake.write = FailWrite;
	UseFakeSys(fake);
	EXPECT_EQ(Copy(), "copy /etc/sub/big: No space left on device");
}

int FailMknodat(int, const char *, mode_t, dev_t)
{
	errno = EPERM;
	return -1;
}

TEST_F(CopyTree, FailedMknodIsNamed)
{
	ASSERT_EQ(mkfifo((src_ + "/fifo").c_str(), 0600), 0);
	struct kk_sys fake = kk_sys_linux;
	fake.mknodat = FailMknodat;
	UseFakeSys(fake);
	EXPECT_EQ(Copy("/run"), "mknod /run/fifo: Operation not permitted");
}

// --- in the mount op ---

int RecordMount(const char *, const char *, const char *, unsigned long, const void *)
{
	return 0; // recorded as done, but nothing is mounted
}

class CopyUpMount : public CopyTree
{
      protected:
	// Runs the mount op of a config with one mount, rootfs = src_.
	std::string RunMount(const std::string &mount)
	{
		std::string perr;
		kk_ctx ctx = kkrootfs::NewCtx();
		kkrootfs::Spec spec = kkrootfs::Parse(
			kkrootfs::Config(R"("mounts":[)" + mount + R"(],"linux":{)" +
					 kkrootfs::WithMountNs() + "}"),
			&perr);
		kkrootfs::Planned plan;
		kk_error err = {};
		std::string out;

		if (!spec)
			return "parse: " + perr;
		kkrootfs::PlanInto(spec.get(), &plan);
		if (plan.rc < 0)
			return "plan: " + plan.error;
		ctx.spec = spec.get();
		ctx.rootfs_fd = open(src_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
		for (size_t i = 0; i < plan.plan.n && out.empty(); i++)
			if (std::string(plan.plan.ops[i].type->name) == "mount" &&
			    plan.plan.ops[i].type->apply(&plan.plan.ops[i], &ctx, &err) < 0)
				out = err.msg;
		close(ctx.rootfs_fd);
		return out;
	}
};

// Without a new tmpfs on the target (here the mount is only recorded), the
// copy must not write into the covered directory itself.
TEST_F(CopyUpMount, CopiesOnlyIntoANewTmpfs)
{
	struct kk_sys fake = kk_sys_linux;
	fake.mount = RecordMount;
	UseFakeSys(fake);
	ASSERT_EQ(mkdir((src_ + "/etc").c_str(), 0755), 0);
	Write(src_ + "/etc/passwd", "p", 0644);
	EXPECT_EQ(RunMount(R"({"destination":"/etc","type":"tmpfs","options":["tmpcopyup"]})"),
		  "mounts[0]: tmpcopyup: /etc is not the new tmpfs on the covered directory");
	struct stat st;
	ASSERT_EQ(stat((src_ + "/etc").c_str(), &st), 0);
	EXPECT_EQ(st.st_nlink, 2u) << "something was copied into the rootfs's /etc";
	// A missing target is created by the mount and has nothing to copy.
	EXPECT_EQ(RunMount(R"({"destination":"/new/dir","type":"tmpfs","options":["tmpcopyup"]})"),
		  "");
	EXPECT_EQ(Meta(src_ + "/new/dir").substr(0, 4), "dir ");
	// A file cannot be covered by a tmpfs.
	Write(src_ + "/file", "f", 0644);
	EXPECT_EQ(RunMount(R"({"destination":"/file","type":"tmpfs","options":["tmpcopyup"]})"),
		  "mounts[0]: tmpcopyup: open /file in the rootfs: Not a directory");
}

// In a child in its own mount namespace (nothing reaches the host): a real
// tmpfs stacked on a rootfs directory gets the copy, the rootfs's own
// directory is left alone, and a mount inside the covered tree is copied
// as an empty directory. Returns the first failed check, "" when all hold.
std::string InMountNamespace(const std::function<std::string()> &fn)
{
	int pipefd[2];
	std::string out;
	char buf[512];
	ssize_t n;
	pid_t pid;
	int status = 0;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return "pipe";
	if ((pid = fork()) == 0) {
		std::string r = unshare(CLONE_NEWNS) < 0 ? "unshare"
				: mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0
					? "private"
					: fn();
		if (write(pipefd[1], r.data(), r.size()) < 0)
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf, sizeof(buf))) > 0)
		out.append(buf, (size_t)n);
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		return "child failed: " + out;
	return out;
}

TEST_F(CopyUpMount, RealTmpfsGetsTheCopy)
{
	if (geteuid() != 0)
		GTEST_SKIP() << "mounts need root";
	ASSERT_EQ(mkdir((src_ + "/etc").c_str(), 0750), 0);
	Write(src_ + "/etc/passwd", "p\n", 0644);
	ASSERT_EQ(mkdir((src_ + "/etc/mnt").c_str(), 0711), 0);
	std::string mnt = src_ + "/etc/mnt";
	std::string err = InMountNamespace([&]() -> std::string {
		if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") < 0)
			return "mount under the covered tree";
		Write(mnt + "/hidden", "h", 0644);
		if (chmod(mnt.c_str(), 0711) < 0)
			return "chmod";
		std::string r = RunMount(
			R"({"destination":"/etc","type":"tmpfs","options":["tmpcopyup"]})");
		if (!r.empty())
			return r;
		if (Read(src_ + "/etc/passwd") != "p\n" || Meta(src_ + "/etc") != "dir 750 0:0")
			return "copy: " + Read(src_ + "/etc/passwd") + Meta(src_ + "/etc");
		if (Meta(mnt).substr(0, 8) != "dir 711 ")
			return "mount point: " + Meta(mnt);
		struct stat st;
		if (lstat((mnt + "/hidden").c_str(), &st) == 0)
			return "the walk went into another mount";
		if (umount2((src_ + "/etc").c_str(), MNT_DETACH) < 0)
			return "umount";
		if (lstat((src_ + "/etc/mnt/hidden").c_str(), &st) < 0)
			return "the covered tree is gone";
		return "";
	});
	EXPECT_EQ(err, "");
}

} // namespace
