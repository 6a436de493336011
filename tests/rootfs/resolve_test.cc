// Path resolution inside a rootfs (kk_rootfs_open, and the private
// mkdir -p / mount-target helpers): symlinks, "..", absolute links and
// magic links never lead out of the root. Needs no privileges: a temp dir
// stands in for the rootfs.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "base/cleanup.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "tests/rootfs/helpers.h"

namespace
{

class Resolve : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_FALSE(tmp_.path().empty());
		root_ = tmp_.path() + "/rootfs";
		ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
		ASSERT_EQ(mkdir((root_ + "/etc").c_str(), 0755), 0);
		Write(root_ + "/etc/marker");
		ASSERT_EQ(mkdir((tmp_.path() + "/outside").c_str(), 0755), 0);
		Write(tmp_.path() + "/outside/secret");
		root_fd_ = open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
		ASSERT_GE(root_fd_, 0);
	}
	void TearDown() override
	{
		if (root_fd_ >= 0)
			close(root_fd_);
	}
	static void Write(const std::string &path)
	{
		int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		ASSERT_GE(fd, 0) << path;
		close(fd);
	}
	void Link(const std::string &target, const std::string &name)
	{
		ASSERT_EQ(symlink(target.c_str(), (root_ + "/" + name).c_str()), 0) << name;
	}
	// The inode an fd refers to equals that of a host path.
	static bool Same(int fd, const std::string &path)
	{
		struct stat a, b;
		return fd >= 0 && fstat(fd, &a) == 0 && stat(path.c_str(), &b) == 0 &&
		       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	}
	// errno of a failed kk_rootfs_open, 0 if it succeeded.
	int OpenErrno(const std::string &path, int flags = O_PATH)
	{
		kk_error err = {};
		int fd = kk_rootfs_open(root_fd_, path.c_str(), flags, &err);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		EXPECT_NE(err.msg[0], '\0');
		return err.sys_errno;
	}
	static bool Exists(const std::string &path)
	{
		struct stat st;
		return lstat(path.c_str(), &st) == 0;
	}

	kkrootfs::TempDir tmp_;
	std::string root_;
	int root_fd_ = -1;
};

TEST_F(Resolve, AbsolutePathIsTakenInsideTheRoot)
{
	kk_error err = {};
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd_, "/etc/marker", O_RDONLY, &err);

	EXPECT_TRUE(Same(fd, root_ + "/etc/marker")) << err.msg;
}

TEST_F(Resolve, SymlinkToSlashStaysInside)
{
	Link("/", "abs");
	kk_error err = {};
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd_, "/abs/etc/marker", O_RDONLY, &err);

	EXPECT_TRUE(Same(fd, root_ + "/etc/marker")) << err.msg;
}

TEST_F(Resolve, DotDotStopsAtTheRoot)
{
	Link("../../../../..", "up");
	kk_error err = {};
	KK_AUTOCLOSE int a = kk_rootfs_open(root_fd_, "/up/etc/marker", O_RDONLY, &err);
	KK_AUTOCLOSE int b = kk_rootfs_open(root_fd_, "../../etc/marker", O_RDONLY, &err);

	EXPECT_TRUE(Same(a, root_ + "/etc/marker"));
	EXPECT_TRUE(Same(b, root_ + "/etc/marker"));
	// The host's file next to the rootfs is out of reach.
	Link("../outside/secret", "esc");
	EXPECT_EQ(OpenErrno("/esc"), ENOENT);
	EXPECT_EQ(OpenErrno("/../outside/secret"), ENOENT);
}

TEST_F(Resolve, AbsoluteSymlinkIsRelativeToTheRoot)
{
	Link(tmp_.path() + "/outside/secret", "abs_secret");
	Link("/etc", "etc_link");
	kk_error err = {};
	KK_AUTOCLOSE int fd = kk_rootfs_open(root_fd_, "/etc_link/marker", O_RDONLY, &err);

	EXPECT_TRUE(Same(fd, root_ + "/etc/marker")) << err.msg;
	EXPECT_EQ(OpenErrno("/abs_secret"), ENOENT);
}

TEST_F(Resolve, MagicLinksAreRefused)
{
	// With the real "/" as the root, /proc/self/root is a magic link.
	KK_AUTOCLOSE int slash = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	kk_error err = {};

	ASSERT_GE(slash, 0);
	EXPECT_LT(kk_rootfs_open(slash, "/proc/self/root/etc", O_PATH, &err), 0);
	EXPECT_EQ(err.sys_errno, ELOOP) << err.msg;
	EXPECT_NE(std::string(err.msg).find("/proc/self/root/etc"), std::string::npos) << err.msg;
}

TEST_F(Resolve, MkdirAllCreatesMissingDirectories)
{
	kk_error err = {};
	KK_AUTOCLOSE int fd = kk_rootfs_mkdir_all(root_fd_, "/a/./b//c/", 0755, &err);

	EXPECT_TRUE(Same(fd, root_ + "/a/b/c")) << err.msg;
	struct stat st;
	ASSERT_EQ(stat((root_ + "/a/b/c").c_str(), &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(Resolve, MkdirAllThroughSymlinkedComponentStaysInside)
{
	Link("../../../..", "up");
	Link("/", "abs");
	kk_error err = {};
	KK_AUTOCLOSE int a = kk_rootfs_mkdir_all(root_fd_, "/up/made/x", 0755, &err);
	KK_AUTOCLOSE int b = kk_rootfs_mkdir_all(root_fd_, "/abs/etc/y", 0755, &err);

	EXPECT_TRUE(Same(a, root_ + "/made/x")) << err.msg;
	EXPECT_TRUE(Same(b, root_ + "/etc/y")) << err.msg;
	EXPECT_FALSE(Exists(tmp_.path() + "/made"));
}

// The symlink-attack destination: evil -> <host path>, the host path not in
// the rootfs. The walk follows the link inside the root.
TEST_F(Resolve, MkdirAllFollowsDanglingSymlinkInsideTheRoot)
{
	const std::string host = tmp_.path() + "/hostside";
	Link(host, "evil");
	Link("../made_rel", "etc/rel");
	kk_error err = {};
	KK_AUTOCLOSE int a = kk_rootfs_mkdir_all(root_fd_, "/evil/sub", 0755, &err);
	KK_AUTOCLOSE int b = kk_rootfs_mkdir_all(root_fd_, "/etc/rel/sub", 0755, &err);

	EXPECT_TRUE(Same(a, root_ + host + "/sub")) << err.msg;
	EXPECT_FALSE(Exists(host));
	EXPECT_TRUE(Same(b, root_ + "/made_rel/sub")) << err.msg;
}

TEST_F(Resolve, MkdirAllRefusesLoopsAndFiles)
{
	Link("l2", "l1");
	Link("l1", "l2");
	kk_error err = {};

	EXPECT_LT(kk_rootfs_mkdir_all(root_fd_, "/l1/x", 0755, &err), 0);
	EXPECT_EQ(err.sys_errno, ELOOP) << err.msg;
	err = {};
	EXPECT_LT(kk_rootfs_mkdir_all(root_fd_, "/etc/marker/x", 0755, &err), 0);
	EXPECT_EQ(err.sys_errno, ENOTDIR) << err.msg;
}

TEST_F(Resolve, MountTargetCreatesAFileOrADirectory)
{
	kk_error err = {};
	KK_AUTOCLOSE int f = kk_rootfs_mount_target(root_fd_, "/new/dir/file", true, &err);
	KK_AUTOCLOSE int d = kk_rootfs_mount_target(root_fd_, "/new/dir2", false, &err);
	KK_AUTOCLOSE int e = kk_rootfs_mount_target(root_fd_, "/etc/marker", false, &err);
	struct stat st;

	ASSERT_TRUE(Same(f, root_ + "/new/dir/file")) << err.msg;
	ASSERT_EQ(fstat(f, &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	ASSERT_TRUE(Same(d, root_ + "/new/dir2")) << err.msg;
	ASSERT_EQ(fstat(d, &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_TRUE(Same(e, root_ + "/etc/marker")) << err.msg;
}

TEST_F(Resolve, MountTargetFileThroughSymlinkStaysInside)
{
	const std::string host = tmp_.path() + "/outside/newfile";
	Link(host, "evil_file");
	kk_error err = {};
	KK_AUTOCLOSE int f = kk_rootfs_mount_target(root_fd_, "/evil_file", true, &err);

	// The dangling link is followed inside the root (as runc's securejoin
	// does): the file is made at the rootfs's copy of the host path.
	EXPECT_TRUE(Same(f, root_ + host)) << err.msg;
	EXPECT_FALSE(Exists(host));
}

} // namespace
