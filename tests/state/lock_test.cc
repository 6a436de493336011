// The per-container lock: two processes on one ID take turns; on two IDs
// they do not wait for each other.
extern "C" {
#include "runtime/state/state.h"
}

#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/state/temp_dir.h"

namespace
{

// A process that opens <root>/<id>, takes the lock, reports one byte on a
// pipe, then holds the lock until killed (at the latest when this goes out
// of scope, so a failed assertion leaves no process behind).
class Holder
{
      public:
	Holder(int root, const char *id)
	{
		int p[2];
		EXPECT_EQ(pipe2(p, O_CLOEXEC), 0);
		pid_ = fork();
		if (pid_ == 0) {
			kk_error err{};
			int dir = kk_state_open(root, id, &err);
			if (dir < 0 || kk_state_lock(dir, &err) < 0)
				_exit(1);
			if (write(p[1], "L", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		close(p[1]);
		report_ = p[0];
	}
	~Holder()
	{
		Stop();
	}
	// Did it report the lock within timeout_ms?
	bool Locked(int timeout_ms)
	{
		struct pollfd pfd = {report_, POLLIN, 0};
		char c;
		return poll(&pfd, 1, timeout_ms) == 1 && read(report_, &c, 1) == 1 && c == 'L';
	}
	// The lock dies with its holder.
	void Stop()
	{
		if (pid_ > 0) {
			kill(pid_, SIGKILL);
			waitpid(pid_, nullptr, 0);
			pid_ = -1;
		}
		if (report_ >= 0)
			close(report_);
		report_ = -1;
	}

      private:
	pid_t pid_ = -1;
	int report_ = -1;
};

class Lock : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		kk_error err{};
		root_ = kk_state_root_open(tmp_.path().c_str(), &err);
		ASSERT_GE(root_, 0) << err.msg;
		for (const char *id : {"one", "two"}) {
			int fd = kk_state_create(root_, id, nullptr, &err);
			ASSERT_GE(fd, 0) << err.msg;
			close(fd);
		}
	}
	void TearDown() override
	{
		close(root_);
	}
	TempDir tmp_;
	int root_ = -1;
};

TEST_F(Lock, OneIdSerializes)
{
	Holder first(root_, "one");
	ASSERT_TRUE(first.Locked(5000));
	Holder second(root_, "one");
	EXPECT_FALSE(second.Locked(300)) << "second holder while the first still holds the lock";
	first.Stop();
	EXPECT_TRUE(second.Locked(5000));
}

TEST_F(Lock, TwoIdsDoNotContend)
{
	Holder first(root_, "one");
	ASSERT_TRUE(first.Locked(5000));
	Holder second(root_, "two");
	EXPECT_TRUE(second.Locked(5000));
}

TEST_F(Lock, ClosingTheFdReleasesAndTheDirFdIsNotTheLock)
{
	kk_error err{};
	int dir = kk_state_open(root_, "one", &err);
	ASSERT_GE(dir, 0) << err.msg;
	int held = kk_state_lock(dir, &err);
	ASSERT_GE(held, 0) << err.msg;
	EXPECT_NE(held, dir);
	EXPECT_EQ(fcntl(held, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	// Another open file description of the same directory contends, even
	// in this process.
	int other = open((tmp_ / "one").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_GE(other, 0);
	EXPECT_EQ(flock(other, LOCK_EX | LOCK_NB), -1);
	EXPECT_EQ(errno, EWOULDBLOCK);
	close(held);
	EXPECT_EQ(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	close(dir);
}

} // namespace
