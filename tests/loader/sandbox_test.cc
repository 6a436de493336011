// Each confinement step of the parser child, checked by its effect in a
// forked process (the steps are irreversible).
extern "C" {
#include "runtime/loader/sandbox.h"
}

#include <fcntl.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace
{

// Runs fn in a child; returns its wait status.
template <typename Fn> int InChild(Fn fn)
{
	pid_t pid = fork();
	if (pid == 0)
		syscall(SYS_exit_group, fn()); // no sanitizer exit hooks after seccomp
	int status = 0;
	waitpid(pid, &status, 0);
	return status;
}

std::string StatusField(const std::string &name)
{
	std::ifstream in("/proc/self/status");
	std::string line;
	while (std::getline(in, line))
		if (line.rfind(name + ":", 0) == 0)
			return line.substr(line.find_first_not_of(" \t", name.size() + 1));
	return "";
}

TEST(Sandbox, DropCapsEmptiesEverySetAndSetsNoNewPrivs)
{
	int status = InChild([] {
		kk_error err{};
		if (kk_sandbox_drop_caps(&err) < 0)
			return 10;
		for (const char *f : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
			if (StatusField(f) != "0000000000000000")
				return 11;
		return StatusField("NoNewPrivs") == "1" ? 0 : 12;
	});
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

// kakoi run by an unprivileged user has no CAP_SETPCAP to empty the
// bounding set with; the rest of the confinement must still hold.
TEST(Sandbox, DropCapsWorksWithoutSetpcap)
{
	int status = InChild([] {
		if (prctl(PR_CAPBSET_DROP, CAP_SETPCAP, 0, 0, 0) < 0)
			return 9;
		cap_t caps = cap_get_proc();
		cap_value_t v = CAP_SETPCAP;
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
		cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR);
		if (cap_set_proc(caps) < 0)
			return 8;
		cap_free(caps);
		kk_error err{};
		if (kk_sandbox_drop_caps(&err) < 0)
			return 10;
		return StatusField("CapEff") == "0000000000000000" ? 0 : 11;
	});
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Sandbox, RlimitsAreTight)
{
	int status = InChild([] {
		kk_error err{};
		if (kk_sandbox_rlimits(&err) < 0)
			return 10;
		struct rlimit rl;
		getrlimit(RLIMIT_CPU, &rl);
		if (rl.rlim_cur != 2 || rl.rlim_max != 3)
			return 11;
		getrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_max != 0)
			return 12;
		getrlimit(RLIMIT_CORE, &rl);
		if (rl.rlim_max != 0)
			return 13;
		// No new fds at all.
		return open("/dev/null", O_RDONLY) < 0 ? 0 : 14;
	});
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Sandbox, SeccompAllowsOnlyListedWrites)
{
	int pipefd[2];
	ASSERT_EQ(pipe(pipefd), 0);
	int allowed[] = {pipefd[1], -1};
	int ok = InChild([&] {
		kk_error err{};
		if (kk_sandbox_seccomp(allowed, &err) < 0)
			return 10;
		return write(pipefd[1], "x", 1) == 1 ? 0 : 11;
	});
	ASSERT_TRUE(WIFEXITED(ok));
	EXPECT_EQ(WEXITSTATUS(ok), 0);
	int killed = InChild([&] {
		kk_error err{};
		if (kk_sandbox_seccomp(allowed, &err) < 0)
			return 10;
		(void)!write(1, "y", 1); // stdout is not on the list
		return 0;
	});
	ASSERT_TRUE(WIFSIGNALED(killed));
	EXPECT_EQ(WTERMSIG(killed), SIGSYS);
	close(pipefd[0]);
	close(pipefd[1]);
}

} // namespace
