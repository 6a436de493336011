// State files and pid files: atomic writes that leave no temp file behind on
// any failure, bounded reads of regular files only, runc's pid file format.
extern "C" {
#include "runtime/exec/undo.h"
#include "runtime/state/state.h"
// sys.h defines _GNU_SOURCE, which g++ predefines as 1.
#undef _GNU_SOURCE
#include "runtime/sys/sys.h"
}

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "tests/state/temp_dir.h"

namespace
{

class StateFile : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		dir_ = open(tmp_.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ASSERT_GE(dir_, 0);
	}
	void TearDown() override
	{
		kk_sys_set(nullptr);
		close(dir_);
	}
	int Write(const std::string &name, const std::string &data, kk_error *err)
	{
		return kk_state_write_file(dir_, name.c_str(), data.data(), data.size(), err);
	}
	std::string Read(const std::string &name, size_t max, kk_error *err)
	{
		char *buf = nullptr;
		size_t len = 0;
		if (kk_state_read_file(dir_, name.c_str(), max, &buf, &len, err) < 0)
			return "<error>";
		EXPECT_EQ(buf[len], '\0');
		std::string out(buf, len);
		free(buf);
		return out;
	}
	TempDir tmp_;
	int dir_ = -1;
};

TEST_F(StateFile, WriteThenReadRoundTrips)
{
	kk_error err{};
	ASSERT_EQ(Write("config.json", "{\"a\":1}", &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "config.json"), "{\"a\":1}");
	struct stat st;
	ASSERT_EQ(stat((tmp_ / "config.json").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0600u);
	EXPECT_EQ(Read("config.json", 100, &err), "{\"a\":1}") << err.msg;
	// Replaces an existing file whole.
	ASSERT_EQ(Write("config.json", "x", &err), 0) << err.msg;
	EXPECT_EQ(Read("config.json", 100, &err), "x") << err.msg;
	ASSERT_EQ(Write("empty", "", &err), 0) << err.msg;
	EXPECT_EQ(Read("empty", 0, &err), "") << err.msg;
	EXPECT_EQ(ListDir(tmp_.path()), (std::vector<std::string>{"config.json", "empty"}));
}

TEST_F(StateFile, LargeFilesReadWhole)
{
	std::string big(300000, 'q');
	big[12345] = 'z';
	kk_error err{};
	ASSERT_EQ(Write("big", big, &err), 0) << err.msg;
	EXPECT_EQ(Read("big", big.size(), &err), big) << err.msg;
	EXPECT_EQ(Read("big", big.size() - 1, &err), "<error>");
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_NE(std::string(err.msg).find(tmp_ / "big"), std::string::npos) << err.msg;
}

TEST_F(StateFile, ShortWritesAreCompleted)
{
	struct kk_sys fake = kk_sys_linux;
	fake.write = [](int fd, const void *buf, size_t n) {
		return write(fd, buf, n > 3 ? 3 : n);
	};
	kk_sys_set(&fake);
	kk_error err{};
	ASSERT_EQ(Write("f", "hello, world", &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "f"), "hello, world");
}

// Each failing step leaves the old file untouched and no temp file behind.
TEST_F(StateFile, FailuresLeaveNoTempAndTheOldContent)
{
	struct Case {
		const char *step;
		int err;
		struct kk_sys table;
	};
	std::vector<Case> cases;
	Case c{"write", ENOSPC, kk_sys_linux};
	c.table.write = [](int, const void *, size_t) -> ssize_t {
		errno = ENOSPC;
		return -1;
	};
	cases.push_back(c);
	c = {"write", EIO, kk_sys_linux};
	c.table.write = [](int, const void *, size_t) -> ssize_t { return 0; };
	cases.push_back(c);
	c = {"rename", EXDEV, kk_sys_linux};
	c.table.renameat2 = [](int, const char *, int, const char *, unsigned int) {
		errno = EXDEV;
		return -1;
	};
	cases.push_back(c);
	c = {"create", EACCES, kk_sys_linux};
	c.table.openat = [](int, const char *, int, mode_t) {
		errno = EACCES;
		return -1;
	};
	cases.push_back(c);

	for (const Case &k : cases) {
		WriteAll(tmp_ / "record", "old");
		kk_sys_set(&k.table);
		kk_error err{};
		EXPECT_EQ(Write("record", "new", &err), -1) << k.step;
		kk_sys_set(nullptr);
		EXPECT_EQ(err.code, KK_ERR_SYS) << k.step;
		EXPECT_EQ(err.sys_errno, k.err) << k.step;
		EXPECT_EQ(std::string(err.msg),
			  "write " + (tmp_ / "record") + ": " + k.step + ": " + strerror(k.err));
		EXPECT_EQ(ReadAll(tmp_ / "record"), "old") << k.step;
		EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{"record"}) << k.step;
	}
}

std::vector<unsigned int> rename_flags;

int RecordingRename(int od, const char *op, int nd, const char *np, unsigned int flags)
{
	rename_flags.push_back(flags);
	return renameat2(od, op, nd, np, flags);
}

// Routes renameat2 through RecordingRename until kk_sys_set(nullptr).
void RecordRenames()
{
	static struct kk_sys recording = kk_sys_linux;
	recording.renameat2 = RecordingRename;
	kk_sys_set(&recording);
	rename_flags.clear();
}

// A state file replaces the old one by RENAME_EXCHANGE, and the old inode,
// now under the temp name, is unlinked: a plain rename over it makes ext4
// flush the new file at once (issue 12).
TEST_F(StateFile, AReplacedFileIsExchangedAndTheOldOneUnlinked)
{
	RecordRenames();
	kk_error err{};
	// The first write has nothing to exchange with.
	ASSERT_EQ(Write("record", "old", &err), 0) << err.msg;
	EXPECT_EQ(rename_flags, (std::vector<unsigned int>{RENAME_EXCHANGE, 0}));
	ASSERT_EQ(link((tmp_ / "record").c_str(), (tmp_ / "keep").c_str()), 0);
	rename_flags.clear();
	ASSERT_EQ(Write("record", "new", &err), 0) << err.msg;
	EXPECT_EQ(rename_flags, std::vector<unsigned int>{RENAME_EXCHANGE});
	EXPECT_EQ(ReadAll(tmp_ / "record"), "new");
	struct stat st;
	ASSERT_EQ(stat((tmp_ / "keep").c_str(), &st), 0);
	EXPECT_EQ(st.st_nlink, 1u) << "the old file is still linked under the temp name";
	EXPECT_EQ(ReadAll(tmp_ / "keep"), "old");
	EXPECT_EQ(ListDir(tmp_.path()), (std::vector<std::string>{"keep", "record"}));
}

int exchange_errno;

// A filesystem or kernel without RENAME_EXCHANGE (EINVAL, ENOSYS,
// EOPNOTSUPP) still gets an atomic rename; an exchange that fails
// otherwise fails the write.
TEST_F(StateFile, WithoutExchangeTheWriteRenames)
{
	struct kk_sys fake = kk_sys_linux;
	fake.renameat2 = [](int od, const char *op, int nd, const char *np, unsigned int flags) {
		if (flags & RENAME_EXCHANGE) {
			errno = exchange_errno;
			return -1;
		}
		return renameat2(od, op, nd, np, flags);
	};
	kk_sys_set(&fake);
	kk_error err{};
	for (int e : {EINVAL, ENOSYS, EOPNOTSUPP}) {
		exchange_errno = e;
		WriteAll(tmp_ / "record", "old");
		ASSERT_EQ(Write("record", "new", &err), 0) << e << ": " << err.msg;
		EXPECT_EQ(ReadAll(tmp_ / "record"), "new") << e;
		EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{"record"}) << e;
	}

	fake.renameat2 = [](int od, const char *op, int nd, const char *np, unsigned int flags) {
		if (flags & RENAME_EXCHANGE) {
			errno = EIO;
			return -1;
		}
		return renameat2(od, op, nd, np, flags);
	};
	EXPECT_EQ(Write("record", "newer", &err), -1);
	EXPECT_EQ(err.sys_errno, EIO);
	EXPECT_EQ(ReadAll(tmp_ / "record"), "new");
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{"record"});
}

// A failed unlink of the exchanged-out old file does not fail the write:
// the new file is in place. The leftover goes with the directory at
// delete; a later write by the same process (same temp name) clears it.
TEST_F(StateFile, AFailedUnlinkAfterTheExchangeKeepsTheNewFile)
{
	struct kk_sys fake = kk_sys_linux;
	fake.unlinkat = [](int, const char *, int) {
		errno = EIO;
		return -1;
	};
	WriteAll(tmp_ / "record", "old");
	kk_sys_set(&fake);
	kk_error err{};
	ASSERT_EQ(Write("record", "new", &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "record"), "new");
	EXPECT_EQ(ListDir(tmp_.path()).size(), 2u);
	kk_sys_set(nullptr);
	ASSERT_EQ(Write("record", "newer", &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "record"), "newer");
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{"record"});
}

// A directory at the name is swapped back and refused, as a rename over it
// would be: it stays where it was, and no temp file is left.
TEST_F(StateFile, ADirectoryAtTheNameIsRefused)
{
	ASSERT_EQ(mkdir((tmp_ / "record").c_str(), 0700), 0);
	WriteAll(tmp_ / "record/inside", "x");
	kk_error err{};
	EXPECT_EQ(Write("record", "new", &err), -1);
	EXPECT_EQ(err.sys_errno, EISDIR) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "record/inside"), "x");
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{"record"});
}

TEST_F(StateFile, AStaleTempOfADeadProcessIsReplaced)
{
	std::string stale = tmp_ / (".record.tmp." + std::to_string(getpid()));
	WriteAll(stale, "junk");
	kk_error err{};
	ASSERT_EQ(Write("record", "new", &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "record"), "new");
	EXPECT_FALSE(Exists(stale));
}

TEST_F(StateFile, NamesMustBePlainNames)
{
	for (const char *name : {"", ".", "..", "a/b", "../x"}) {
		kk_error err{};
		EXPECT_EQ(Write(name, "x", &err), -1) << name;
		EXPECT_NE(err.code, KK_OK);
	}
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{});
}

TEST_F(StateFile, ReadRefusesMissingLinksAndNonRegularFiles)
{
	kk_error err{};
	EXPECT_EQ(Read("record", 100, &err), "<error>");
	EXPECT_EQ(err.code, KK_ERR_INVALID);
	EXPECT_EQ(err.sys_errno, ENOENT);
	EXPECT_EQ(std::string(err.msg), "state file " + (tmp_ / "record") + " is missing");

	TempDir outside;
	WriteAll(outside / "secret", "s");
	ASSERT_EQ(symlink((outside / "secret").c_str(), (tmp_ / "link").c_str()), 0);
	err = {};
	EXPECT_EQ(Read("link", 100, &err), "<error>");
	EXPECT_EQ(std::string(err.msg), (tmp_ / "link") + ": not a regular file");

	ASSERT_EQ(mkfifo((tmp_ / "fifo").c_str(), 0600), 0);
	err = {};
	EXPECT_EQ(Read("fifo", 100, &err), "<error>");
	EXPECT_EQ(std::string(err.msg), (tmp_ / "fifo") + ": not a regular file");

	ASSERT_EQ(mkdir((tmp_ / "d").c_str(), 0700), 0);
	err = {};
	EXPECT_EQ(Read("d", 100, &err), "<error>");
	EXPECT_EQ(std::string(err.msg), (tmp_ / "d") + ": not a regular file");
}

class PidFile : public ::testing::Test
{
      protected:
	void TearDown() override
	{
		kk_sys_set(nullptr);
	}
	TempDir tmp_;
};

TEST_F(PidFile, IsPlainDecimalWithoutNewline)
{
	kk_error err{};
	std::string path = tmp_ / "init.pid";
	ASSERT_EQ(kk_pid_file_write(path.c_str(), 4242, nullptr, &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(path), "4242");
	// Overwrites an old one; no temp file left.
	ASSERT_EQ(kk_pid_file_write(path.c_str(), 7, nullptr, &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(path), "7");
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{"init.pid"});
}

// The pid file's directory is not kakoi's: a plain rename, which fails on a
// directory at the name where an exchange would swap it away.
TEST_F(PidFile, IsRenamedNotExchanged)
{
	RecordRenames();
	kk_error err{};
	std::string path = tmp_ / "init.pid";
	ASSERT_EQ(kk_pid_file_write(path.c_str(), 1, nullptr, &err), 0) << err.msg;
	ASSERT_EQ(kk_pid_file_write(path.c_str(), 2, nullptr, &err), 0) << err.msg;
	EXPECT_EQ(rename_flags, (std::vector<unsigned int>{0, 0}));
	std::string dir = tmp_ / "d.pid";
	ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
	EXPECT_EQ(kk_pid_file_write(dir.c_str(), 3, nullptr, &err), -1);
	kk_sys_set(nullptr);
	struct stat st;
	ASSERT_EQ(stat(dir.c_str(), &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(ListDir(tmp_.path()), (std::vector<std::string>{"d.pid", "init.pid"}));
}

TEST_F(PidFile, RelativeToTheCwdAndUndoneAfterChdir)
{
	char old_cwd[PATH_MAX];
	ASSERT_NE(getcwd(old_cwd, sizeof(old_cwd)), nullptr);
	ASSERT_EQ(mkdir((tmp_ / "sub").c_str(), 0700), 0);
	ASSERT_EQ(chdir(tmp_.path().c_str()), 0);
	kk_undo undo = KK_UNDO_INIT;
	kk_error err{};
	int rc = kk_pid_file_write("sub/x.pid", 99, &undo, &err);
	int rc2 = kk_pid_file_write("y.pid", 98, nullptr, &err);
	// The undo must not depend on the cwd at the time it runs.
	ASSERT_EQ(chdir(old_cwd), 0);
	ASSERT_EQ(rc, 0) << err.msg;
	ASSERT_EQ(rc2, 0) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "sub/x.pid"), "99");
	EXPECT_EQ(ReadAll(tmp_ / "y.pid"), "98");
	EXPECT_EQ(undo.n, 1u);
	EXPECT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	EXPECT_FALSE(Exists(tmp_ / "sub/x.pid"));
	EXPECT_TRUE(Exists(tmp_ / "y.pid"));
}

TEST_F(PidFile, ErrorsNameThePath)
{
	kk_error err{};
	std::string path = tmp_ / "missing/dir/x.pid";
	EXPECT_EQ(kk_pid_file_write(path.c_str(), 1, nullptr, &err), -1);
	EXPECT_EQ(err.sys_errno, ENOENT);
	EXPECT_NE(std::string(err.msg).find(path), std::string::npos) << err.msg;
	err = {};
	EXPECT_EQ(kk_pid_file_write((tmp_.path() + "/").c_str(), 1, nullptr, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_INVALID);

	struct kk_sys fake = kk_sys_linux;
	fake.renameat2 = [](int, const char *, int, const char *, unsigned int) {
		errno = EPERM;
		return -1;
	};
	kk_sys_set(&fake);
	kk_undo undo = KK_UNDO_INIT;
	err = {};
	EXPECT_EQ(kk_pid_file_write((tmp_ / "p.pid").c_str(), 1, &undo, &err), -1);
	EXPECT_EQ(err.sys_errno, EPERM);
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{});
	// The undo is registered before the write; running it with no file is
	// fine.
	kk_sys_set(nullptr);
	EXPECT_EQ(undo.n, 1u);
	EXPECT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
}

} // namespace
