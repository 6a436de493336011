// A foreground `kakoi run` relays the signals it receives to the container:
// the probe (the init, which handles them) exits 128 + signal, and kakoi
// exits with that status rather than dying of the signal itself.
#include <signal.h>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

class Relay : public IntegrationTest, public ::testing::WithParamInterface<int>
{
};

TEST_P(Relay, SignalToRunReachesTheContainer)
{
	auto run = SpawnForegroundSleeper();
	pid_t pid = GetState(id_).pid;
	ASSERT_GT(pid, 0) << "no running container";
	ASSERT_NE(pid, run->pid());
	run->Signal(GetParam());
	Result r = run->Wait();
	EXPECT_EQ(r.term_signal, 0) << "kakoi died of the signal instead of relaying it: " << r;
	EXPECT_EQ(r.exit_code, 128 + GetParam()) << r;
	EXPECT_FALSE(Exists("/proc/" + std::to_string(pid) + "/cmdline") &&
		     !ReadFile("/proc/" + std::to_string(pid) + "/cmdline").empty())
		<< "the container outlived its run";
}

INSTANTIATE_TEST_SUITE_P(Signals, Relay, ::testing::Values(SIGTERM, SIGINT, SIGHUP),
			 [](const ::testing::TestParamInfo<int> &info) {
				 return std::string(sigabbrev_np(info.param));
			 });

} // namespace
} // namespace kk_it
