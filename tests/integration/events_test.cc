// `kakoi events`: runc's JSON lines from the container's real cgroups
// (stats once, a stream until the container stops, OOM notices) and its
// refusals (stopped or unknown container, bad --interval).
#include <unistd.h>

#include <sstream>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

using Events = IntegrationTest;

std::vector<std::string> Lines(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	for (std::string l; std::getline(in, l);)
		if (!l.empty())
			out.push_back(l);
	return out;
}

json_object *Get(json_object *o, const std::vector<std::string> &path)
{
	for (const auto &k : path)
		if (o == nullptr || !json_object_object_get_ex(o, k.c_str(), &o))
			return nullptr;
	return o;
}

uint64_t U64(json_object *o, const std::vector<std::string> &path)
{
	json_object *v = Get(o, path);
	return v ? json_object_get_uint64(v) : 0;
}

TEST_F(Events, StatsOnceMatchesTheLimitsAndProcesses)
{
	config_->Set("linux.resources.memory", "{\"limit\":67108864}");
	config_->Set("linux.resources.pids", "{\"limit\":20}");
	auto sleeper = RunSleeper(id_);
	Result d = Kakoi({"exec", "-d", id_, "/probe", "sleep", "100"});
	ASSERT_EQ(d.exit_code, 0) << d;
	Result burn = Kakoi(
		{"exec", id_, "/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"});
	ASSERT_EQ(burn.exit_code, 0) << burn;

	Result r = Kakoi({"events", "--stats", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	std::vector<std::string> lines = Lines(r.out);
	ASSERT_EQ(lines.size(), 1u) << r;
	Json ev = ParseJson(lines[0]);
	ASSERT_NE(ev.get(), nullptr) << lines[0];
	EXPECT_EQ(JsonString(ev.get(), "type"), "stats");
	EXPECT_EQ(JsonString(ev.get(), "id"), id_);
	json_object *data = Get(ev.get(), {"data"});
	ASSERT_NE(data, nullptr) << lines[0];
	EXPECT_EQ(U64(data, {"memory", "usage", "limit"}), 67108864u) << lines[0];
	EXPECT_GT(U64(data, {"memory", "usage", "usage"}), 0u) << lines[0];
	EXPECT_EQ(U64(data, {"pids", "limit"}), 20u) << lines[0];
	EXPECT_GT(U64(data, {"cpu", "usage", "total"}), 0u) << lines[0];
	Result ps = Kakoi({"ps", "--format", "json", id_});
	Json pids = ParseJson(ps.out);
	ASSERT_NE(pids.get(), nullptr) << ps;
	EXPECT_EQ(U64(data, {"pids", "current"}), 2u) << lines[0];
	EXPECT_EQ(U64(data, {"pids", "current"}), json_object_array_length(pids.get())) << ps;
	// runc's shape: structs always there, omitempty fields gone when zero.
	for (const char *key : {"cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt"})
		EXPECT_NE(Get(data, {key}), nullptr) << key << ": " << lines[0];
	EXPECT_NE(lines[0].find("\"network_interfaces\":null"), std::string::npos) << lines[0];
	EXPECT_NE(Get(data, {"memory", "kernelTCP", "failcnt"}), nullptr) << lines[0];
	EXPECT_EQ(Get(data, {"memory", "kernelTCP", "usage"}), nullptr) << lines[0];
}

TEST_F(Events, StreamsUntilTheContainerIsKilled)
{
	auto sleeper = RunSleeper(id_);
	auto events = KakoiSpawn({"events", "--interval", "100ms", id_});
	ASSERT_TRUE(WaitUntil([&] { return Lines(events->Out()).size() >= 2; }, 5000))
		<< events->Out() << events->Err();
	EXPECT_TRUE(events->Running());
	Result k = Kakoi({"kill", id_, "KILL"});
	ASSERT_EQ(k.exit_code, 0) << k;
	Result r = events->Wait(5000);
	EXPECT_EQ(r.exit_code, 0) << r;
	for (const auto &l : Lines(r.out)) {
		Json ev = ParseJson(l);
		ASSERT_NE(ev.get(), nullptr) << l;
		EXPECT_EQ(JsonString(ev.get(), "type"), "stats") << l;
		EXPECT_EQ(JsonString(ev.get(), "id"), id_) << l;
	}
}

TEST_F(Events, ReportsAnOomKill)
{
	config_->Set("linux.resources.memory", "{\"limit\":8388608,\"swap\":8388608}");
	config_->SetArgs({"/bin/sh", "-c", "x=0123456789abcdef; while :; do x=$x$x; done"});
	auto create = Create(id_);
	ASSERT_EQ(create->Wait().exit_code, 0) << create->Wait();
	auto events = KakoiSpawn({"events", "--interval=1m", id_});
	usleep(300 * 1000); // events has read the counter before the start
	ASSERT_TRUE(events->Running()) << events->Wait();
	Result s = Kakoi({"start", id_});
	ASSERT_EQ(s.exit_code, 0) << s;
	Result r = events->Wait(10000);
	EXPECT_EQ(r.exit_code, 0) << r;
	std::vector<std::string> lines = Lines(r.out);
	ASSERT_EQ(lines.size(), 1u) << r;
	EXPECT_EQ(lines[0], "{\"type\":\"oom\",\"id\":\"" + id_ + "\"}");
}

TEST_F(Events, RefusesAStoppedOrUnknownContainer)
{
	config_->SetArgs({"/probe", "exit", "0"});
	auto create = Create(id_);
	ASSERT_EQ(create->Wait().exit_code, 0) << create->Wait();
	ASSERT_EQ(Kakoi({"start", id_}).exit_code, 0);
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	for (const char *flag : {"--stats", "--interval=1s"}) {
		Result r = Kakoi({"events", flag, id_});
		EXPECT_NE(r.exit_code, 0) << r;
		EXPECT_NE(r.err.find("container with id " + id_ + " is not running"),
			  std::string::npos)
			<< r;
		EXPECT_EQ(r.out, "") << r;
	}
	std::string unknown = ExtraId("nope");
	Result u = Kakoi({"events", "--stats", unknown});
	EXPECT_NE(u.exit_code, 0) << u;
	EXPECT_NE(u.err.find("container does not exist"), std::string::npos) << u;
}

TEST_F(Events, RefusesBadIntervals)
{
	for (const char *bad : {"0", "0s", "-1s", "5x", "5", ""}) {
		Result r = Kakoi({"events", "--interval", bad, id_});
		EXPECT_NE(r.exit_code, 0) << bad << ": " << r;
		EXPECT_NE(r.err.find("--interval"), std::string::npos) << bad << ": " << r;
	}
	Result missing = Kakoi({"events", id_, "--interval"});
	EXPECT_NE(missing.exit_code, 0) << missing;
	Result two = Kakoi({"events", "--stats", id_, "other"});
	EXPECT_NE(two.exit_code, 0) << two;
	EXPECT_NE(two.err.find("exactly one container ID"), std::string::npos) << two;
}

} // namespace
} // namespace kk_it
