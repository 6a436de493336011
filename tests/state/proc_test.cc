// The status from the real process: start times, alive, status and pidfd
// for a live child, a zombie, a reaped child and a recycled pid.
extern "C" {
#include "parser/vocab.h"
#include "runtime/state/state.h"
}

#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "tests/state/temp_dir.h"

namespace
{

// A child that waits (for a byte on a pipe, or to be killed), then exits 0.
class Child
{
      public:
	Child()
	{
		int p[2];
		EXPECT_EQ(pipe2(p, O_CLOEXEC), 0);
		pid_ = fork();
		if (pid_ == 0) {
			char c;
			close(p[1]);
			while (read(p[0], &c, 1) == 1) {
				if (c == 'n')
					prctl(PR_SET_NAME, "a) b (c)) ", 0, 0, 0);
				if (c == 'q')
					_exit(0);
			}
			_exit(0);
		}
		close(p[0]);
		go_ = p[1];
	}
	~Child()
	{
		if (go_ >= 0)
			close(go_);
		if (pid_ > 0 && !reaped_) {
			kill(pid_, SIGKILL);
			waitpid(pid_, nullptr, 0);
		}
	}
	pid_t pid() const
	{
		return pid_;
	}
	void Send(char c)
	{
		ASSERT_EQ(write(go_, &c, 1), 1);
	}
	// Exits and waits until it is a zombie, without reaping it.
	void ExitToZombie()
	{
		Send('q');
		siginfo_t info{};
		ASSERT_EQ(waitid(P_PID, pid_, &info, WEXITED | WNOWAIT), 0);
	}
	int Reap()
	{
		int status = 0;
		EXPECT_EQ(waitpid(pid_, &status, 0), pid_);
		reaped_ = true;
		return status;
	}

      private:
	pid_t pid_ = -1;
	int go_ = -1;
	bool reaped_ = false;
};

uint64_t StartTime(pid_t pid)
{
	uint64_t t = 0;
	kk_error err{};
	EXPECT_EQ(kk_pid_start_time(pid, &t, &err), 0) << err.msg;
	EXPECT_EQ(err.code, KK_OK);
	return t;
}

// The test's own reading of field 22, by a different route (sscanf).
uint64_t StartTimeBySscanf(pid_t pid)
{
	std::string stat = ReadAll("/proc/" + std::to_string(pid) + "/stat");
	const char *p = strrchr(stat.c_str(), ')');
	unsigned long long t = 0;
	EXPECT_NE(p, nullptr);
	EXPECT_EQ(sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
			 "%*d %*d %llu",
			 &t),
		  1);
	return t;
}

kk_record RecordFor(pid_t pid, uint64_t start_time, uint32_t flags)
{
	kk_record rec{};
	rec.magic = KK_RECORD_MAGIC;
	rec.version = KK_RECORD_VERSION;
	rec.flags = flags;
	rec.pid = pid;
	rec.start_time = start_time;
	strcpy(rec.id, "c");
	return rec;
}

const uint32_t kCreated = KK_RECORD_CREATED;
const uint32_t kStarted = KK_RECORD_CREATED | KK_RECORD_STARTED;

std::string PidfdError(const kk_record &rec)
{
	kk_error err{};
	int fd = kk_record_pidfd(&rec, &err);
	if (fd >= 0) {
		close(fd);
		return "";
	}
	return err.msg;
}

TEST(StartTime, OfSelfAndOfAChild)
{
	uint64_t self = StartTime(getpid());
	EXPECT_GT(self, 0u);
	EXPECT_EQ(self, StartTimeBySscanf(getpid()));
	Child child;
	uint64_t t = StartTime(child.pid());
	EXPECT_EQ(t, StartTimeBySscanf(child.pid()));
	EXPECT_GE(t, self);
}

TEST(StartTime, CommWithSpacesAndParens)
{
	Child child;
	uint64_t before = StartTime(child.pid());
	child.Send('n');
	// Wait for the rename to show.
	std::string comm;
	for (int i = 0; i < 2000 && comm != "a) b (c)) \n"; i++) {
		comm = ReadAll("/proc/" + std::to_string(child.pid()) + "/comm");
		usleep(1000);
	}
	ASSERT_EQ(comm, "a) b (c)) \n");
	EXPECT_EQ(StartTime(child.pid()), before);
}

TEST(StartTime, OfNoProcess)
{
	uint64_t t = 0;
	kk_error err{};
	EXPECT_EQ(kk_pid_start_time(0, &t, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_INVALID);
	err = {};
	EXPECT_EQ(kk_pid_start_time(-5, &t, &err), -1);
	Child child;
	pid_t pid = child.pid();
	child.ExitToZombie();
	child.Reap();
	err = {};
	EXPECT_EQ(kk_pid_start_time(pid, &t, &err), -1);
	EXPECT_EQ(err.sys_errno, ENOENT) << err.msg;
}

TEST(Status, OfALiveChild)
{
	Child child;
	uint64_t t = StartTime(child.pid());
	kk_record creating = RecordFor(child.pid(), t, 0);
	kk_record created = RecordFor(child.pid(), t, kCreated);
	kk_record running = RecordFor(child.pid(), t, kStarted);
	EXPECT_TRUE(kk_record_alive(&running));
	EXPECT_EQ(kk_record_status(&creating), KK_STATUS_CREATING);
	EXPECT_EQ(kk_record_status(&created), KK_STATUS_CREATED);
	EXPECT_EQ(kk_record_status(&running), KK_STATUS_RUNNING);
}

TEST(Status, NotCreatedIsCreatingEvenWithoutAProcess)
{
	kk_record rec = RecordFor(0, 0, 0);
	EXPECT_FALSE(kk_record_alive(&rec));
	EXPECT_EQ(kk_record_status(&rec), KK_STATUS_CREATING);
	rec.flags = kCreated;
	EXPECT_EQ(kk_record_status(&rec), KK_STATUS_STOPPED);
}

TEST(Status, OfAZombieThenAReapedChild)
{
	Child child;
	kk_record rec = RecordFor(child.pid(), StartTime(child.pid()), kStarted);
	child.ExitToZombie();
	EXPECT_FALSE(kk_record_alive(&rec));
	EXPECT_EQ(kk_record_status(&rec), KK_STATUS_STOPPED);
	EXPECT_EQ(PidfdError(rec), "container not running");
	child.Reap();
	EXPECT_FALSE(kk_record_alive(&rec));
	EXPECT_EQ(kk_record_status(&rec), KK_STATUS_STOPPED);
	EXPECT_EQ(PidfdError(rec), "container not running");
}

TEST(Status, OfARecycledPid)
{
	// The pid is alive but belongs to another process: its start time differs.
	Child child;
	uint64_t t = StartTime(child.pid());
	for (uint64_t wrong : {t - 1, t + 1, uint64_t{0}}) {
		kk_record rec = RecordFor(child.pid(), wrong, kStarted);
		EXPECT_FALSE(kk_record_alive(&rec));
		EXPECT_EQ(kk_record_status(&rec), KK_STATUS_STOPPED);
		EXPECT_EQ(PidfdError(rec), "container not running");
	}
}

TEST(Pidfd, SignalsTheLiveInit)
{
	Child child;
	kk_record rec = RecordFor(child.pid(), StartTime(child.pid()), kStarted);
	kk_error err{};
	int fd = kk_record_pidfd(&rec, &err);
	ASSERT_GE(fd, 0) << err.msg;
	EXPECT_EQ(err.code, KK_OK);
	EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ASSERT_EQ(syscall(SYS_pidfd_send_signal, fd, SIGTERM, nullptr, 0), 0);
	close(fd);
	int status = child.Reap();
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

TEST(Pidfd, RefusesNoPid)
{
	kk_record rec = RecordFor(0, 0, kStarted);
	EXPECT_EQ(PidfdError(rec), "container not running");
	rec.pid = -1;
	EXPECT_EQ(PidfdError(rec), "container not running");
}

} // namespace
