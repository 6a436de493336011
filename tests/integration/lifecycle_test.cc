// The container lifecycle through the runc-compatible verbs: run, create,
// start, state, kill, delete, list; and the refusals (bad IDs, duplicate
// IDs, bad bundles, bad signals, bad command lines), each leaving nothing.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

using Lifecycle = IntegrationTest;

bool Contains(const std::string &haystack, const std::string &needle)
{
	return haystack.find(needle) != std::string::npos;
}

// An error is one line "kakoi: <msg>" on stderr and exit status 1.
void ExpectError(const Result &r, const std::string &part)
{
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_EQ(r.err.rfind("kakoi: ", 0), 0u) << r;
	EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r;
	EXPECT_TRUE(Contains(r.err, part)) << "expected \"" << part << "\" in: " << r;
}

TEST_F(Lifecycle, RunTrueExitsZero)
{
	Result r = RunContainer({"/bin/true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.err, "");
	ExpectError(Kakoi({"state", id_}), "container does not exist");
}

TEST_F(Lifecycle, RunExitsWithTheContainersStatus)
{
	Result r = RunContainer({"/probe", "exit", "3"});
	EXPECT_EQ(r.exit_code, 3) << r;
	Result f = RunContainer({"/bin/false"});
	EXPECT_EQ(f.exit_code, 1) << f;
}

TEST_F(Lifecycle, RunPassesTheContainersStdout)
{
	Result r = RunContainer({"/bin/sh", "-c", "echo out; echo err >&2"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "out\n");
	EXPECT_EQ(r.err, "err\n");
}

TEST_F(Lifecycle, CreateStartStateStopped)
{
	std::string pid_file = HostTempDir("pid") + "/pid";
	config_->SetArgs({"/probe", "sleep", "2"});
	SaveConfig();
	auto create = KakoiSpawn({"create", "--bundle", bundle_, "--pid-file", pid_file, id_});
	Result c = create->Wait();
	ASSERT_EQ(c.exit_code, 0) << c;

	State s = GetState(id_);
	EXPECT_EQ(s.status, "created") << s.result;
	EXPECT_EQ(s.id, id_);
	EXPECT_EQ(s.bundle, bundle_);
	EXPECT_EQ(s.oci_version, "1.3.0");
	ASSERT_GT(s.pid, 0) << s.result;
	EXPECT_TRUE(Exists("/proc/" + std::to_string(s.pid))) << "no process for pid " << s.pid;
	EXPECT_EQ(ReadFile(pid_file), std::to_string(s.pid));
	EXPECT_FALSE(Contains(create->Out(), "sleeping")) << "the process ran before start";

	Result st = Kakoi({"start", id_});
	ASSERT_EQ(st.exit_code, 0) << st;
	EXPECT_TRUE(create->WaitForOutput("sleeping"));
	State running = GetState(id_);
	EXPECT_EQ(running.status, "running") << running.result;
	EXPECT_EQ(running.pid, s.pid);
	ExpectError(Kakoi({"start", id_}), ""); // not created: an error, no effect
	EXPECT_EQ(GetState(id_).status, "running");

	EXPECT_TRUE(WaitForStatus(id_, "stopped", 10000)) << GetState(id_).result;
	Result d = Kakoi({"delete", id_});
	EXPECT_EQ(d.exit_code, 0) << d;
	ExpectError(Kakoi({"state", id_}), "container does not exist");
	ExpectNothingLeftBehind(id_);
}

TEST_F(Lifecycle, KillDefaultsToSigterm)
{
	auto run = SpawnForegroundSleeper();
	Result k = Kakoi({"kill", id_});
	EXPECT_EQ(k.exit_code, 0) << k;
	Result r = run->Wait();
	EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r;
}

class KillSignal : public IntegrationTest, public ::testing::WithParamInterface<const char *>
{
};

TEST_P(KillSignal, KillsTheContainer)
{
	auto run = SpawnForegroundSleeper();
	Result k = Kakoi({"kill", id_, GetParam()});
	EXPECT_EQ(k.exit_code, 0) << k;
	Result r = run->Wait();
	EXPECT_EQ(r.exit_code, 128 + SIGKILL) << r;
}

INSTANTIATE_TEST_SUITE_P(Names, KillSignal, ::testing::Values("KILL", "SIGKILL", "9"));

TEST_F(Lifecycle, KillOfAStoppedContainerIsNotRunning)
{
	auto create = Create(id_);
	ASSERT_EQ(create->Wait().exit_code, 0) << create->Wait();
	ASSERT_EQ(Kakoi({"kill", id_, "KILL"}).exit_code, 0);
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	ExpectError(Kakoi({"kill", id_, "KILL"}), "container not running");
}

TEST_F(Lifecycle, BadSignalIsRefused)
{
	auto sleeper = RunSleeper(id_);
	ExpectError(Kakoi({"kill", id_, "SIGFOO"}), "SIGFOO");
	ExpectError(Kakoi({"kill", id_, "0x9"}), "0x9");
	ExpectError(Kakoi({"kill", id_, "99999"}), "");
	EXPECT_EQ(GetState(id_).status, "running");
}

TEST_F(Lifecycle, DeleteOfARunningContainerIsRefused)
{
	auto sleeper = RunSleeper(id_);
	pid_t pid = GetState(id_).pid;
	ASSERT_GT(pid, 0);
	Result d = Kakoi({"delete", id_});
	ExpectError(d, "not stopped");
	EXPECT_TRUE(Contains(d.err, id_)) << d;
	State s = GetState(id_);
	EXPECT_EQ(s.status, "running") << s.result;
	EXPECT_EQ(s.pid, pid);
	EXPECT_TRUE(Exists("/sys/fs/cgroup/pids" + cgroups_path_));

	Result f = Kakoi({"delete", "--force", id_});
	EXPECT_EQ(f.exit_code, 0) << f;
	ExpectError(Kakoi({"state", id_}), "container does not exist");
	ExpectNothingLeftBehind(id_);
}

TEST_F(Lifecycle, DeleteOfAMissingContainer)
{
	ExpectError(Kakoi({"delete", id_}), "container does not exist");
	Result f = Kakoi({"delete", "--force", id_});
	EXPECT_EQ(f.exit_code, 0) << f;
	ExpectError(Kakoi({"kill", id_}), "container does not exist");
	ExpectError(Kakoi({"start", id_}), "container does not exist");
}

TEST_F(Lifecycle, ListTableJsonAndQuiet)
{
	Result empty = Kakoi({"list", "-q"});
	EXPECT_EQ(empty.exit_code, 0) << empty;
	EXPECT_EQ(empty.out, "");

	std::string second = ExtraId("b");
	config_->SetArgs({"/probe", "sleep", "100"});
	ASSERT_EQ(Create(id_)->Wait().exit_code, 0);
	ASSERT_EQ(Create(second)->Wait().exit_code, 0);
	ASSERT_EQ(Kakoi({"start", second}).exit_code, 0);

	Result quiet = Kakoi({"list", "-q"});
	EXPECT_EQ(quiet.out, id_ + "\n" + second + "\n") << quiet;

	Result table = Kakoi({"list"});
	EXPECT_EQ(table.exit_code, 0) << table;
	std::vector<std::string> lines;
	for (size_t at = 0, nl; (nl = table.out.find('\n', at)) != std::string::npos; at = nl + 1)
		lines.push_back(table.out.substr(at, nl - at));
	ASSERT_EQ(lines.size(), 3u) << table;
	EXPECT_EQ(lines[0].rfind("ID", 0), 0u) << table;
	EXPECT_TRUE(Contains(lines[0], "STATUS")) << table;
	EXPECT_EQ(lines[1].rfind(id_ + " ", 0), 0u) << table;
	EXPECT_TRUE(Contains(lines[1], "created")) << table;
	EXPECT_EQ(lines[2].rfind(second + " ", 0), 0u) << table;
	EXPECT_TRUE(Contains(lines[2], "running")) << table;

	Result json = Kakoi({"list", "--format", "json"});
	EXPECT_EQ(json.exit_code, 0) << json;
	Json doc = ParseJson(json.out);
	ASSERT_TRUE(doc != nullptr && json_object_is_type(doc.get(), json_type_array)) << json;
	ASSERT_EQ(json_object_array_length(doc.get()), 2u) << json;
	json_object *first = json_object_array_get_idx(doc.get(), 0);
	EXPECT_EQ(JsonString(first, "id"), id_);
	EXPECT_EQ(JsonString(first, "status"), "created");
	EXPECT_EQ(JsonString(first, "bundle"), bundle_);
	EXPECT_GT(JsonInt(first, "pid", 0), 0);
	EXPECT_EQ(JsonString(json_object_array_get_idx(doc.get(), 1), "status"), "running");
}

TEST_F(Lifecycle, DuplicateIdIsRefused)
{
	config_->SetArgs({"/probe", "sleep", "100"});
	auto first = Create(id_);
	ASSERT_EQ(first->Wait().exit_code, 0) << first->Wait();
	pid_t pid = GetState(id_).pid;
	Result again = Kakoi({"create", "--bundle", bundle_, id_});
	ExpectError(again, "container with id exists");
	ExpectError(Kakoi({"run", "--bundle", bundle_, id_}), "container with id exists");
	State s = GetState(id_);
	EXPECT_EQ(s.status, "created") << s.result;
	EXPECT_EQ(s.pid, pid);
}

TEST_F(Lifecycle, BadIdsAreRefused)
{
	config_->SetArgs({"/bin/true"});
	SaveConfig();
	TrackId(std::string(200, 'a')); // valid but for its length: clean up if accepted
	// Something else on the host may own /tmp/x: only a change counts.
	const bool escape_existed = Exists(root_ + "/../x");
	for (const std::string &id : {std::string("../x"), std::string("a/b"), std::string(""),
				      std::string(".."), std::string(200, 'a')}) {
		Result c = Kakoi({"create", "--bundle", bundle_, id});
		EXPECT_EQ(c.exit_code, 1) << "id \"" << id << "\": " << c;
		EXPECT_EQ(c.err.rfind("kakoi: ", 0), 0u) << c;
		EXPECT_TRUE(Contains(c.err, "id") || Contains(c.err, "ID"))
			<< "not about the id: " << c;
		Result r = Kakoi({"run", "--bundle", bundle_, id});
		EXPECT_EQ(r.exit_code, 1) << "id \"" << id << "\": " << r;
	}
	Result list = Kakoi({"list", "-q"});
	EXPECT_EQ(list.out, "") << list;
	EXPECT_EQ(Exists(root_ + "/../x"), escape_existed);
	EXPECT_FALSE(Exists(root_ + "/a"));
}

TEST_F(Lifecycle, MissingBundleIsRefused)
{
	std::string missing = bundle_ + "-missing";
	ExpectError(Kakoi({"create", "--bundle", missing, id_}), missing);
	ExpectNothingLeftBehind(id_);
}

TEST_F(Lifecycle, MissingRootfsIsRefused)
{
	config_->SetArgs({"/bin/true"});
	config_->Set("root.path", "\"no-such-rootfs\"");
	SaveConfig();
	ExpectError(Kakoi({"create", "--bundle", bundle_, id_}), "root.path");
	ExpectNothingLeftBehind(id_);
	ExpectError(Kakoi({"run", "--bundle", bundle_, id_}), "root.path");
	ExpectNothingLeftBehind(id_);
}

TEST_F(Lifecycle, BadConfigIsRefusedNamingTheField)
{
	config_->Set("process.args", "5");
	SaveConfig();
	ExpectError(Kakoi({"create", "--bundle", bundle_, id_}), "process.args");
	ExpectNothingLeftBehind(id_);

	WriteFile(bundle_ + "/config.json", "{\"ociVersion\": ");
	ExpectError(Kakoi({"run", "--bundle", bundle_, id_}), "config.json");
	ExpectNothingLeftBehind(id_);
}

TEST_F(Lifecycle, BadResourceIsRefusedAndRolledBack)
{
	// Valid to the parser, refused by the kernel (this machine has no CPU
	// 999): the create fails late, after the state dir and the cgroups
	// exist, and the rollback must remove both.
	config_->SetArgs({"/bin/true"});
	config_->Set("linux.resources.cpu", "{\"cpus\":\"999\"}");
	SaveConfig();
	ExpectError(Kakoi({"create", "--bundle", bundle_, id_}), "linux.resources.cpu.cpus");
	ExpectNothingLeftBehind(id_);
}

TEST_F(Lifecycle, UnknownVerbAndFlagAreRefused)
{
	ExpectError(Kakoi({"frobnicate"}), "frobnicate");
	ExpectError(Kakoi({"create", "--frobnicate", "--bundle", bundle_, id_}), "frobnicate");
	ExpectError(Kakoi({"state"}), "state");
	ExpectNothingLeftBehind(id_);
}

} // namespace
} // namespace kk_it
