// The failing seam table: counting, the Nth call failed once with the
// chosen errno, the match filter, the environment, the report file.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "runtime/fault/fault.h"

namespace
{

class Fault : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		char tmpl[] = "/tmp/kk-fault-test-XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir_ = tmpl;
	}
	void TearDown() override
	{
		kk_sys_set(nullptr);
		for (const char *name : {"a", "b", "c", "report"}) {
			rmdir((dir_ + "/" + name).c_str());
			unlink((dir_ + "/" + name).c_str());
		}
		rmdir(dir_.c_str());
	}
	int Mkdir(const char *name)
	{
		return kk_sys()->mkdirat(AT_FDCWD, (dir_ + "/" + name).c_str(), 0700);
	}
	std::string Report()
	{
		std::ifstream in(dir_ + "/report", std::ios::binary);
		std::stringstream ss;
		ss << in.rdbuf();
		std::string s = ss.str(), text;
		for (char c : s.size() > 128 ? s.substr(128) : std::string())
			if (c != '\0')
				text += c;
		return text;
	}
	std::string dir_;
};

TEST_F(Fault, FailsTheNthCallOnceWithTheErrno)
{
	struct kk_fault_config cfg = {2, ENOSPC, nullptr, false, false};
	kk_fault_arm(&cfg, nullptr);
	EXPECT_EQ(kk_sys(), &kk_fault_sys);
	EXPECT_EQ(Mkdir("a"), 0);
	EXPECT_FALSE(kk_fault_fired());
	errno = 0;
	EXPECT_EQ(Mkdir("b"), -1);
	EXPECT_EQ(errno, ENOSPC);
	EXPECT_TRUE(kk_fault_fired());
	struct stat st;
	EXPECT_NE(stat((dir_ + "/b").c_str(), &st), 0) << "the failed call reached the kernel";
	EXPECT_EQ(Mkdir("c"), 0) << "only one call fails";
	EXPECT_EQ(kk_fault_calls(), 3);
}

TEST_F(Fault, CountsOnlyTheMatchingFunction)
{
	struct kk_fault_config cfg = {1, EIO, "unlinkat", false, false};
	kk_fault_arm(&cfg, nullptr);
	EXPECT_EQ(Mkdir("a"), 0);
	EXPECT_EQ(kk_fault_calls(), 0);
	errno = 0;
	EXPECT_EQ(kk_sys()->unlinkat(AT_FDCWD, (dir_ + "/a").c_str(), AT_REMOVEDIR), -1);
	EXPECT_EQ(errno, EIO);
	EXPECT_EQ(kk_fault_calls(), 1);
}

TEST_F(Fault, AtZeroOnlyCounts)
{
	struct kk_fault_config cfg = {0, EIO, nullptr, false, false};
	kk_fault_arm(&cfg, nullptr);
	EXPECT_EQ(Mkdir("a"), 0);
	EXPECT_EQ(Mkdir("b"), 0);
	EXPECT_FALSE(kk_fault_fired());
	EXPECT_EQ(kk_fault_calls(), 2);
}

TEST_F(Fault, ReportFileNamesTheCallAndTheFunction)
{
	struct kk_fault_config cfg = {2, EIO, nullptr, false, false};
	kk_fault_arm(&cfg, (dir_ + "/report").c_str());
	EXPECT_EQ(Mkdir("a"), 0);
	EXPECT_EQ(Mkdir("b"), -1);
	EXPECT_EQ(Report(), "fault fired at 2: mkdirat (pid " + std::to_string(getpid()) + ")\n");
}

// Scope "run": one count across fork, one failure in the whole run.
TEST_F(Fault, RunScopeSharesTheCountAcrossFork)
{
	struct kk_fault_config cfg = {2, EIO, nullptr, true, false};
	kk_fault_arm(&cfg, (dir_ + "/report").c_str());
	EXPECT_EQ(Mkdir("a"), 0);
	pid_t child = fork();
	if (child == 0)
		_exit(Mkdir("b") == -1 && errno == EIO ? 0 : 1);
	int status = 0;
	ASSERT_EQ(waitpid(child, &status, 0), child);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "call 2 was the child's";
	EXPECT_EQ(Mkdir("c"), 0) << "the run's one failure is spent";
	EXPECT_FALSE(kk_fault_fired());
	EXPECT_EQ(Report(), "fault fired at 2: mkdirat (pid " + std::to_string(child) + ")\n");
}

// Scope "process": the child inherits the count and fails its own Nth call.
TEST_F(Fault, ProcessScopeCountsInEachProcess)
{
	struct kk_fault_config cfg = {2, EIO, nullptr, false, false};
	kk_fault_arm(&cfg, (dir_ + "/report").c_str());
	EXPECT_EQ(Mkdir("a"), 0);
	pid_t child = fork();
	if (child == 0)
		_exit(Mkdir("b") == -1 ? 0 : 1);
	int status = 0;
	ASSERT_EQ(waitpid(child, &status, 0), child);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(Mkdir("c"), -1) << "the parent's own call 2";
	EXPECT_TRUE(kk_fault_fired());
}

// Action "crash": the armed process is SIGKILLed instead of making its Nth
// call; its forks neither count nor crash.
TEST_F(Fault, CrashKillsTheArmedProcessBeforeTheCall)
{
	pid_t runtime = fork();
	if (runtime == 0) {
		struct kk_fault_config cfg = {2, EIO, nullptr, false, true};
		kk_fault_arm(&cfg, (dir_ + "/report").c_str());
		if (Mkdir("a") != 0)
			_exit(2);
		// A fork (the init, the parser child) makes calls 2 and 3 uncounted.
		pid_t child = fork();
		if (child == 0)
			_exit(Mkdir("c") == 0 && rmdir((dir_ + "/c").c_str()) == 0 ? 0 : 1);
		int status = 0;
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			_exit(3);
		Mkdir("b"); // the runtime's call 2: killed here
		_exit(4);
	}
	int status = 0;
	ASSERT_EQ(waitpid(runtime, &status, 0), runtime);
	ASSERT_TRUE(WIFSIGNALED(status)) << "exited " << WEXITSTATUS(status);
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	struct stat st;
	EXPECT_EQ(stat((dir_ + "/a").c_str(), &st), 0);
	EXPECT_NE(stat((dir_ + "/b").c_str(), &st), 0) << "the crashing call reached the kernel";
	EXPECT_EQ(Report(),
		  "fault fired at 2: mkdirat (pid " + std::to_string(runtime) + "): crash\n");
}

TEST_F(Fault, ReadsTheEnvironment)
{
	struct kk_fault_config cfg;
	setenv("KAKOI_FAULT_AT", "7", 1);
	setenv("KAKOI_FAULT_ERRNO", "EPERM", 1);
	setenv("KAKOI_FAULT_MATCH", "mount", 1);
	ASSERT_EQ(kk_fault_config_from_env(&cfg), 0);
	EXPECT_EQ(cfg.at, 7);
	EXPECT_EQ(cfg.err, EPERM);
	EXPECT_STREQ(cfg.match, "mount");
	setenv("KAKOI_FAULT_ERRNO", "28", 1);
	ASSERT_EQ(kk_fault_config_from_env(&cfg), 0);
	EXPECT_EQ(cfg.err, 28);
	EXPECT_FALSE(cfg.per_run);
	setenv("KAKOI_FAULT_SCOPE", "run", 1);
	EXPECT_EQ(kk_fault_config_from_env(&cfg), -1) << "scope run needs a report file";
	setenv("KAKOI_FAULT_REPORT", "/tmp/x", 1);
	ASSERT_EQ(kk_fault_config_from_env(&cfg), 0);
	EXPECT_TRUE(cfg.per_run);
	setenv("KAKOI_FAULT_ACTION", "crash", 1);
	EXPECT_EQ(kk_fault_config_from_env(&cfg), -1) << "children never crash: no scope run";
	setenv("KAKOI_FAULT_SCOPE", "everything", 1);
	EXPECT_EQ(kk_fault_config_from_env(&cfg), -1);
	unsetenv("KAKOI_FAULT_SCOPE");
	ASSERT_EQ(kk_fault_config_from_env(&cfg), 0);
	EXPECT_TRUE(cfg.crash);
	setenv("KAKOI_FAULT_ACTION", "fail", 1);
	ASSERT_EQ(kk_fault_config_from_env(&cfg), 0);
	EXPECT_FALSE(cfg.crash);
	setenv("KAKOI_FAULT_ACTION", "explode", 1);
	EXPECT_EQ(kk_fault_config_from_env(&cfg), -1);
	unsetenv("KAKOI_FAULT_ACTION");
	unsetenv("KAKOI_FAULT_REPORT");
	setenv("KAKOI_FAULT_AT", "seven", 1);
	EXPECT_EQ(kk_fault_config_from_env(&cfg), -1);
	setenv("KAKOI_FAULT_AT", "1", 1);
	setenv("KAKOI_FAULT_ERRNO", "ENOTANERRNO", 1);
	EXPECT_EQ(kk_fault_config_from_env(&cfg), -1);
	unsetenv("KAKOI_FAULT_AT");
	unsetenv("KAKOI_FAULT_ERRNO");
	unsetenv("KAKOI_FAULT_MATCH");
	ASSERT_EQ(kk_fault_config_from_env(&cfg), 0);
	EXPECT_EQ(cfg.at, 0);
	EXPECT_EQ(cfg.err, EIO);
	EXPECT_EQ(cfg.match, nullptr);
}

TEST(FaultErrno, NamesAndNumbers)
{
	EXPECT_EQ(kk_fault_errno_from_name("EIO"), EIO);
	EXPECT_EQ(kk_fault_errno_from_name("ENOSPC"), ENOSPC);
	EXPECT_EQ(kk_fault_errno_from_name("5"), 5);
	EXPECT_EQ(kk_fault_errno_from_name("0"), 0);
	EXPECT_EQ(kk_fault_errno_from_name("-1"), 0);
	EXPECT_EQ(kk_fault_errno_from_name(""), 0);
}

} // namespace
