// Dangling links inside a rootfs (issue 11, items 8 and 9): kk_rootfs_follow
// gives the path a create should use, always inside the root, and mount
// targets and their missing parents are made where a dangling link points,
// never outside. Needs no privileges: a temp dir stands in for the rootfs.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "runtime/rootfs/rootfs.h"
#include "runtime/rootfs/rootfs_ops.h"
#include "tests/rootfs/helpers.h"

namespace
{

class Follow : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_FALSE(tmp_.path().empty());
		root_ = tmp_.path() + "/rootfs";
		outside_ = tmp_.path() + "/outside";
		ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
		ASSERT_EQ(mkdir((root_ + "/etc").c_str(), 0755), 0);
		ASSERT_EQ(mkdir(outside_.c_str(), 0755), 0);
		root_fd_ = open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
		ASSERT_GE(root_fd_, 0);
	}
	void TearDown() override
	{
		if (root_fd_ >= 0)
			close(root_fd_);
	}
	void Link(const std::string &target, const std::string &name)
	{
		ASSERT_EQ(symlink(target.c_str(), (root_ + name).c_str()), 0) << name;
	}
	// kk_rootfs_follow's answer, or "E<errno>".
	std::string Followed(const std::string &path)
	{
		kk_error err = {};
		char out[PATH_MAX];

		if (kk_rootfs_follow(root_fd_, path.c_str(), out, &err) < 0)
			return "E" + std::to_string(err.sys_errno);
		return out;
	}
	bool Exists(const std::string &path)
	{
		struct stat st;
		return lstat(path.c_str(), &st) == 0;
	}

	kkrootfs::TempDir tmp_;
	std::string root_, outside_;
	int root_fd_ = -1;
};

TEST_F(Follow, PathsWithoutLinksAreOnlyCleaned)
{
	EXPECT_EQ(Followed("/etc/x"), "/etc/x");
	EXPECT_EQ(Followed("//etc/./y/../x"), "/etc/x");
	EXPECT_EQ(Followed("/missing/dir/x"), "/missing/dir/x");
	EXPECT_EQ(Followed("/"), "/");
}

TEST_F(Follow, AbsoluteTargetsStartAtTheRoot)
{
	Link(outside_ + "/f", "/etc/abs");
	EXPECT_EQ(Followed("/etc/abs"), outside_ + "/f");
}

TEST_F(Follow, DotDotEscapesStopAtTheRoot)
{
	Link("../../../../../../../../../tmp/x", "/etc/rel");
	EXPECT_EQ(Followed("/etc/rel"), "/tmp/x");
	Link("sibling", "/etc/near");
	EXPECT_EQ(Followed("/etc/near"), "/etc/sibling");
}

TEST_F(Follow, ChainsAreFollowedAndLoopsRefused)
{
	Link("/etc/b", "/etc/a");
	Link("c", "/etc/b");
	EXPECT_EQ(Followed("/etc/a"), "/etc/c");
	Link("/etc/loop2", "/etc/loop1");
	Link("/etc/loop1", "/etc/loop2");
	EXPECT_EQ(Followed("/etc/loop1"), "E" + std::to_string(ELOOP));
}

// The parent is resolved inside the root: a link to a host directory
// reaches the rootfs's copy of that path, which does not exist here.
TEST_F(Follow, ALinkedParentResolvesInsideTheRoot)
{
	Link(outside_, "/d");
	ASSERT_EQ(symlink("y", (outside_ + "/x").c_str()), 0);
	EXPECT_EQ(Followed("/d/x"), "/d/x");
	ASSERT_EQ(mkdir((root_ + "/tmpin").c_str(), 0755), 0);
	Link("/tmpin", "/e");
	Link("y", "/tmpin/x");
	EXPECT_EQ(Followed("/e/x"), "/e/y");
}

// A file bind onto a dangling link: the file is made at the link's target,
// inside the rootfs, with its missing parents.
TEST_F(Follow, FileTargetThroughADanglingLinkIsMadeInside)
{
	Link(outside_ + "/new.conf", "/etc/app.conf");
	kk_error err = {};
	int fd = kk_rootfs_mount_target(root_fd_, "/etc/app.conf", true, &err);
	ASSERT_GE(fd, 0) << err.msg;
	close(fd);
	EXPECT_FALSE(Exists(outside_ + "/new.conf"));
	struct stat st;
	ASSERT_EQ(lstat((root_ + outside_ + "/new.conf").c_str(), &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(Follow, DirectoryTargetThroughADanglingLinkIsMadeInside)
{
	Link("../../../../../../../.." + outside_ + "/data", "/etc/data");
	kk_error err = {};
	int fd = kk_rootfs_mount_target(root_fd_, "/etc/data", false, &err);
	ASSERT_GE(fd, 0) << err.msg;
	close(fd);
	EXPECT_FALSE(Exists(outside_ + "/data"));
	struct stat st;
	ASSERT_EQ(lstat((root_ + outside_ + "/data").c_str(), &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

} // namespace
