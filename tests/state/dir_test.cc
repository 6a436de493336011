// The state root and container directories: create, exists, open, remove,
// list, and the undo of create.
extern "C" {
#include "runtime/exec/undo.h"
#include "runtime/state/state.h"
// sys.h defines _GNU_SOURCE, which g++ predefines as 1.
#undef _GNU_SOURCE
#include "runtime/sys/sys.h"
}

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/state/temp_dir.h"

namespace
{

class StateDir : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		kk_error err{};
		root_ = kk_state_root_open(tmp_.path().c_str(), &err);
		ASSERT_GE(root_, 0) << err.msg;
	}
	void TearDown() override
	{
		if (root_ >= 0)
			close(root_);
	}
	int Create(const char *id)
	{
		kk_error err{};
		int fd = kk_state_create(root_, id, nullptr, &err);
		EXPECT_GE(fd, 0) << err.msg;
		return fd;
	}
	std::vector<std::string> List()
	{
		kk_error err{};
		char **ids = nullptr;
		size_t n = 99;
		EXPECT_EQ(kk_state_list(root_, &ids, &n, &err), 0) << err.msg;
		std::vector<std::string> out(ids, ids + n);
		kk_state_ids_free(ids, n);
		return out;
	}
	TempDir tmp_;
	int root_ = -1;
};

TEST(StateRoot, CreatesMissingParents0700)
{
	TempDir tmp;
	std::string root = tmp / "a/b//c";
	kk_error err{};
	int fd = kk_state_root_open(root.c_str(), &err);
	ASSERT_GE(fd, 0) << err.msg;
	struct stat st;
	ASSERT_EQ(fstat(fd, &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0700u);
	ASSERT_EQ(stat((tmp / "a").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0700u);
	EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	// Opening an existing root works too.
	fd = kk_state_root_open(root.c_str(), &err);
	EXPECT_GE(fd, 0) << err.msg;
	close(fd);
}

TEST(StateRoot, RefusesANonDirectoryNamingRoot)
{
	TempDir tmp;
	WriteAll(tmp / "file", "x");
	kk_error err{};
	EXPECT_EQ(kk_state_root_open((tmp / "file").c_str(), &err), -1);
	EXPECT_EQ(err.msg, "--root " + (tmp / "file") + ": not a directory");
	err = {};
	EXPECT_EQ(kk_state_root_open((tmp / "file/sub").c_str(), &err), -1);
	EXPECT_NE(std::string(err.msg).find("--root"), std::string::npos) << err.msg;
	EXPECT_NE(std::string(err.msg).find("not a directory"), std::string::npos) << err.msg;
}

TEST(StateRoot, MkdirGoesThroughTheSeam)
{
	TempDir tmp;
	struct kk_sys fake = kk_sys_linux;
	fake.mkdirat = [](int, const char *, mode_t) {
		errno = EROFS;
		return -1;
	};
	const struct kk_sys *old = kk_sys_set(&fake);
	kk_error err{};
	EXPECT_EQ(kk_state_root_open((tmp / "r").c_str(), &err), -1);
	kk_sys_set(old);
	EXPECT_EQ(err.sys_errno, EROFS) << err.msg;
	EXPECT_FALSE(Exists(tmp / "r"));
}

TEST_F(StateDir, CreateMakesA0700DirectoryAndRefusesAnExistingId)
{
	int fd = Create("c1");
	struct stat st;
	ASSERT_EQ(fstat(fd, &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0700u);
	close(fd);

	kk_error err{};
	EXPECT_EQ(kk_state_create(root_, "c1", nullptr, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_INVALID);
	EXPECT_STREQ(err.msg, "container with id exists: c1");
}

TEST_F(StateDir, CreateRefusesABadId)
{
	kk_error err{};
	EXPECT_EQ(kk_state_create(root_, "../escape", nullptr, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_INVALID);
	EXPECT_FALSE(Exists(tmp_ / "../escape"));
}

TEST_F(StateDir, OpenFindsOnlyExistingContainers)
{
	close(Create("c1"));
	kk_error err{};
	int fd = kk_state_open(root_, "c1", &err);
	EXPECT_GE(fd, 0) << err.msg;
	close(fd);

	EXPECT_EQ(kk_state_open(root_, "nope", &err), -1);
	EXPECT_EQ(err.code, KK_ERR_NOT_FOUND);
	EXPECT_STREQ(err.msg, "container does not exist: nope");

	// A symlink under the root is not a container directory.
	ASSERT_EQ(symlink(tmp_.path().c_str(), (tmp_ / "link").c_str()), 0);
	err = {};
	EXPECT_EQ(kk_state_open(root_, "link", &err), -1);
	EXPECT_NE(err.code, KK_OK);
}

TEST_F(StateDir, UndoOfCreateRemovesTheDirectoryAndContents)
{
	kk_undo undo = KK_UNDO_INIT;
	kk_error err{};
	int fd = kk_state_create(root_, "c1", &undo, &err);
	ASSERT_GE(fd, 0) << err.msg;
	EXPECT_EQ(undo.n, 1u);
	close(fd);
	WriteAll(tmp_ / "c1/record", "data");
	ASSERT_EQ(mkdir((tmp_ / "c1/sub").c_str(), 0700), 0);
	WriteAll(tmp_ / "c1/sub/f", "data");

	EXPECT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	EXPECT_FALSE(Exists(tmp_ / "c1"));
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{});
}

TEST_F(StateDir, RemoveDeletesEverythingButFollowsNoSymlink)
{
	TempDir outside;
	WriteAll(outside / "precious", "keep");
	close(Create("c1"));
	WriteAll(tmp_ / "c1/record", "x");
	ASSERT_EQ(mkdir((tmp_ / "c1/d").c_str(), 0700), 0);
	ASSERT_EQ(symlink(outside.path().c_str(), (tmp_ / "c1/d/dirlink").c_str()), 0);
	ASSERT_EQ(symlink((outside / "precious").c_str(), (tmp_ / "c1/filelink").c_str()), 0);
	ASSERT_EQ(mkfifo((tmp_ / "c1/fifo").c_str(), 0600), 0);

	kk_error err{};
	EXPECT_EQ(kk_state_remove(root_, "c1", &err), 0) << err.msg;
	EXPECT_FALSE(Exists(tmp_ / "c1"));
	EXPECT_EQ(ReadAll(outside / "precious"), "keep");
	EXPECT_EQ(ListDir(outside.path()), std::vector<std::string>{"precious"});
}

TEST_F(StateDir, RemoveOfAMissingContainerSaysSo)
{
	kk_error err{};
	EXPECT_EQ(kk_state_remove(root_, "ghost", &err), -1);
	EXPECT_STREQ(err.msg, "container does not exist: ghost");
	EXPECT_EQ(kk_state_remove(root_, "..", &err), -1);
	EXPECT_EQ(err.code, KK_ERR_INVALID);
}

TEST_F(StateDir, RemoveReportsAFailedUnlink)
{
	close(Create("c1"));
	WriteAll(tmp_ / "c1/record", "x");
	struct kk_sys fake = kk_sys_linux;
	fake.unlinkat = [](int, const char *, int) {
		errno = EBUSY;
		return -1;
	};
	const struct kk_sys *old = kk_sys_set(&fake);
	kk_error err{};
	EXPECT_EQ(kk_state_remove(root_, "c1", &err), -1);
	kk_sys_set(old);
	EXPECT_EQ(err.sys_errno, EBUSY);
	EXPECT_NE(std::string(err.msg).find("c1"), std::string::npos) << err.msg;
	EXPECT_TRUE(Exists(tmp_ / "c1/record"));
}

TEST_F(StateDir, ListIsSortedAndSkipsWhatIsNotAContainer)
{
	EXPECT_EQ(List(), std::vector<std::string>{});
	for (const char *id : {"web", "B2", "api", "a.b"})
		close(Create(id));
	ASSERT_EQ(mkdir((tmp_ / ".hidden").c_str(), 0700), 0);
	ASSERT_EQ(mkdir((tmp_ / "-bad").c_str(), 0700), 0);
	ASSERT_EQ(mkdir((tmp_ / "has space").c_str(), 0700), 0);
	WriteAll(tmp_ / "file", "x");
	ASSERT_EQ(symlink((tmp_ / "web").c_str(), (tmp_ / "link").c_str()), 0);
	EXPECT_EQ(List(), (std::vector<std::string>{"B2", "a.b", "api", "web"}));

	// Listing does not move the offset of the caller's root fd.
	EXPECT_EQ(List(), (std::vector<std::string>{"B2", "a.b", "api", "web"}));
}

} // namespace
