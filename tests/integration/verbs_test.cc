// The manager-facing verbs of issue 6: features (the Features structure),
// ps (the container's host pids, json and table), pause/resume (the
// freezer, "paused" in state and list, delete --force of a paused one) and
// run --keep.
#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

const char kFreezer[] = "/sys/fs/cgroup/freezer";

class Verbs : public IntegrationTest
{
      protected:
	std::string FreezerState()
	{
		return ReadFile(kFreezer + cgroups_path_ + "/freezer.state");
	}
};

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

std::vector<std::string> Strings(json_object *array)
{
	std::vector<std::string> out;
	if (array == nullptr || !json_object_is_type(array, json_type_array))
		return out;
	for (size_t i = 0; i < json_object_array_length(array); i++)
		out.push_back(json_object_get_string(json_object_array_get_idx(array, i)));
	return out;
}

bool Has(const std::vector<std::string> &v, const std::string &s)
{
	return std::find(v.begin(), v.end(), s) != v.end();
}

json_object *At(json_object *obj, const std::vector<std::string> &keys)
{
	for (const auto &k : keys) {
		json_object *next = nullptr;
		if (obj == nullptr || !json_object_object_get_ex(obj, k.c_str(), &next))
			return nullptr;
		obj = next;
	}
	return obj;
}

TEST_F(Verbs, FeaturesPrintsTheCompleteStructure)
{
	Result r = Kakoi({"features"});
	ASSERT_EQ(r.exit_code, 0) << r;
	Json doc = ParseJson(r.out);
	ASSERT_NE(doc.get(), nullptr) << r.out;
	EXPECT_EQ(JsonString(doc.get(), "ociVersionMin"), "1.0.0");
	EXPECT_EQ(JsonString(doc.get(), "ociVersionMax"), "1.3.0");
	auto hooks = Strings(At(doc.get(), {"hooks"}));
	EXPECT_EQ(hooks.size(), 6u);
	for (const char *h : {"prestart", "createRuntime", "createContainer", "startContainer",
			      "poststart", "poststop"})
		EXPECT_TRUE(Has(hooks, h)) << h;
	auto mounts = Strings(At(doc.get(), {"mountOptions"}));
	for (const char *o :
	     {"ro", "rw", "nosuid", "nodev", "noexec", "bind", "rbind", "rprivate", "relatime"})
		EXPECT_TRUE(Has(mounts, o)) << o;
	EXPECT_TRUE(Has(mounts, "idmap"));
	EXPECT_TRUE(Has(mounts, "ridmap"));
	auto ns = Strings(At(doc.get(), {"linux", "namespaces"}));
	EXPECT_EQ(ns.size(), 8u);
	for (const char *n : {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"})
		EXPECT_TRUE(Has(ns, n)) << n;
	auto caps = Strings(At(doc.get(), {"linux", "capabilities"}));
	EXPECT_TRUE(Has(caps, "CAP_SYS_ADMIN"));
	EXPECT_TRUE(Has(caps, "CAP_CHOWN"));
	json_object *cg = At(doc.get(), {"linux", "cgroup"});
	ASSERT_NE(cg, nullptr);
	for (const char *k : {"v1", "v2", "systemd", "systemdUser", "rdma"})
		EXPECT_NE(At(cg, {k}), nullptr) << k;
	EXPECT_TRUE(json_object_get_boolean(At(cg, {"systemd"})));
	EXPECT_FALSE(json_object_get_boolean(At(cg, {"systemdUser"})));
	json_object *sc = At(doc.get(), {"linux", "seccomp"});
	EXPECT_TRUE(json_object_get_boolean(At(sc, {"enabled"})));
	EXPECT_TRUE(Has(Strings(At(sc, {"actions"})), "SCMP_ACT_ERRNO"));
	EXPECT_TRUE(Has(Strings(At(sc, {"operators"})), "SCMP_CMP_MASKED_EQ"));
	EXPECT_TRUE(Has(Strings(At(sc, {"archs"})), "SCMP_ARCH_X86_64"));
	auto known = Strings(At(sc, {"knownFlags"}));
	auto supported = Strings(At(sc, {"supportedFlags"}));
	EXPECT_TRUE(Has(known, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
	EXPECT_TRUE(Has(supported, "SECCOMP_FILTER_FLAG_TSYNC"));
	for (const auto &f : supported)
		EXPECT_TRUE(Has(known, f)) << f;
	for (const char *k : {"apparmor", "selinux", "intelRdt"})
		EXPECT_NE(At(doc.get(), {"linux", k, "enabled"}), nullptr) << k;
	json_object *idmap = At(doc.get(), {"linux", "mountExtensions", "idmap", "enabled"});
	ASSERT_NE(idmap, nullptr);
	EXPECT_TRUE(json_object_get_boolean(idmap)) << "idmapped mounts (issue 13)";
	json_object *ann = At(doc.get(), {"annotations"});
	EXPECT_FALSE(JsonString(ann, "io.github.kakoi.version").empty());
	std::string scv = JsonString(ann, "io.github.seccomp.libseccomp.version");
	EXPECT_TRUE(Contains(Kakoi({"--version"}).out, "libseccomp: " + scv)) << scv;
}

// The listed option words are ones kakoi's config checks accept.
TEST_F(Verbs, ListedMountOptionsAreAccepted)
{
	Json doc = ParseJson(Kakoi({"features"}).out);
	ASSERT_NE(doc.get(), nullptr);
	auto mounts = Strings(At(doc.get(), {"mountOptions"}));
	for (const char *o : {"nosuid", "noexec", "nodev", "ro", "relatime", "rprivate"}) {
		ASSERT_TRUE(Has(mounts, o)) << o;
		config_->AddMount("/opt" + std::string(o), "tmpfs", "tmpfs", {o});
	}
	SaveConfig();
	Result r = Kakoi({"validate", "--bundle", bundle_});
	EXPECT_EQ(r.exit_code, 0) << r;
}

TEST_F(Verbs, PsListsTheContainersHostPids)
{
	auto sleeper = RunSleeper(id_);
	State s = GetState(id_);
	ASSERT_GT(s.pid, 0) << s.result;

	Result r = Kakoi({"ps", "--format", "json", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "[" + std::to_string(s.pid) + "]\n");
	r = Kakoi({"ps", "--format=json", id_});
	EXPECT_EQ(r.out, "[" + std::to_string(s.pid) + "]\n") << r;

	r = Kakoi({"ps", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.out, "PID")) << r.out;
	EXPECT_TRUE(Contains(r.out, " " + std::to_string(s.pid) + " ")) << r.out;
	EXPECT_TRUE(Contains(r.out, "sleep")) << r.out;
	EXPECT_EQ(Kakoi({"ps", "--format", "yaml", id_}).exit_code, 1);
}

TEST_F(Verbs, PsOfAMissingOrStoppedContainerFails)
{
	Result r = Kakoi({"ps", "nosuchcontainer"});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "container does not exist")) << r;

	config_->SetArgs({"/probe", "exit", "0"});
	ASSERT_EQ(Create(id_)->Wait().exit_code, 0);
	ASSERT_EQ(Kakoi({"start", id_}).exit_code, 0);
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	r = Kakoi({"ps", id_});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "container not running")) << r;
}

TEST_F(Verbs, PauseFreezesAndResumeThaws)
{
	auto sleeper = RunSleeper(id_);
	Result r = Kakoi({"pause", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(GetState(id_).status, "paused");
	EXPECT_EQ(FreezerState(), "FROZEN\n");
	EXPECT_TRUE(Contains(Kakoi({"list"}).out, "paused"));

	// Pausing again is refused, as runc does (paused is not running).
	r = Kakoi({"pause", id_});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "container not running")) << r;

	r = Kakoi({"resume", id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(GetState(id_).status, "running");
	EXPECT_EQ(FreezerState(), "THAWED\n");

	r = Kakoi({"resume", id_});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "container not paused")) << r;
	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	ExpectNothingLeftBehind(id_);
}

TEST_F(Verbs, PauseOfAStoppedOrMissingContainerFails)
{
	Result r = Kakoi({"pause", "nosuchcontainer"});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "container does not exist")) << r;

	config_->SetArgs({"/probe", "exit", "0"});
	ASSERT_EQ(Create(id_)->Wait().exit_code, 0);
	ASSERT_EQ(Kakoi({"start", id_}).exit_code, 0);
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	r = Kakoi({"pause", id_});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "container not running")) << r;
	r = Kakoi({"resume", id_});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_TRUE(Contains(r.err, "container not paused")) << r;
}

TEST_F(Verbs, DeleteForceOfAPausedContainerLeavesNothing)
{
	auto sleeper = RunSleeper(id_);
	ASSERT_EQ(Kakoi({"pause", id_}).exit_code, 0);
	ASSERT_EQ(GetState(id_).status, "paused");
	Result r = Kakoi({"delete", "--force", id_});
	EXPECT_EQ(r.exit_code, 0) << r;
	ExpectNothingLeftBehind(id_);
}

// runc thaws a paused container it SIGKILLs: a frozen task dies only once
// thawed, and the container must end stopped, not paused forever. With and
// without --all.
TEST_F(Verbs, KillOfAPausedContainerWithSigkillThawsIt)
{
	for (bool all : {true, false}) {
		std::string id = ExtraId(all ? "all" : "init");
		auto sleeper = RunSleeper(id);
		ASSERT_EQ(Kakoi({"pause", id}).exit_code, 0);
		ASSERT_EQ(GetState(id).status, "paused");
		std::vector<std::string> args = {"kill"};
		if (all)
			args.push_back("--all");
		args.insert(args.end(), {id, "9"});
		Result r = Kakoi(args);
		EXPECT_EQ(r.exit_code, 0) << r;
		EXPECT_TRUE(WaitForStatus(id, "stopped"))
			<< "all=" << all << ": " << GetState(id).status;
		EXPECT_EQ(Kakoi({"delete", id}).exit_code, 0);
	}
}

// Without a pid namespace the init's children outlive it. containerd's shim
// then runs `kill --all ID 9` on the stopped container, as runc allows;
// a plain kill of it stays refused.
TEST_F(Verbs, KillAllReachesWhatOutlivedTheInit)
{
	config_->RemoveNamespace("pid");
	config_->SetArgs({"/bin/sh", "-c", "/probe sleep 100 & echo spawned; exit 0"});
	SaveConfig();
	Result r = Kakoi({"run", "--detach", "--bundle", bundle_, id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	const std::string procs = "/sys/fs/cgroup/pids" + cgroups_path_ + "/cgroup.procs";
	ASSERT_TRUE(WaitUntil([&] { return !ReadFile(procs).empty(); })) << "the child lives on";
	Result plain = Kakoi({"kill", id_, "9"});
	EXPECT_NE(plain.exit_code, 0) << plain;
	EXPECT_TRUE(Contains(plain.err, "container not running")) << plain;
	Result all = Kakoi({"kill", "--all", id_, "9"});
	EXPECT_EQ(all.exit_code, 0) << all;
	EXPECT_TRUE(WaitUntil([&] { return ReadFile(procs).empty(); }));
	EXPECT_EQ(Kakoi({"kill", "--all", id_, "9"}).exit_code, 0) << "nothing left is fine";
	EXPECT_EQ(Kakoi({"delete", id_}).exit_code, 0);
}

// kill --all signals a frozen set (no pid can be reused between reading and
// signalling it), then thaws what it froze: a running container stays
// running, a paused one paused (for any signal but SIGKILL).
TEST_F(Verbs, KillAllLeavesTheFreezerAsItFoundIt)
{
	auto sleeper = RunSleeper(id_);
	ASSERT_EQ(Kakoi({"kill", "--all", id_, "CONT"}).exit_code, 0);
	EXPECT_EQ(GetState(id_).status, "running");
	EXPECT_EQ(FreezerState(), "THAWED\n");
	ASSERT_EQ(Kakoi({"pause", id_}).exit_code, 0);
	ASSERT_EQ(Kakoi({"kill", "--all", id_, "CONT"}).exit_code, 0);
	EXPECT_EQ(GetState(id_).status, "paused");
	EXPECT_EQ(FreezerState(), "FROZEN\n");
	ASSERT_EQ(Kakoi({"resume", id_}).exit_code, 0);
}

// runc's --keep: the container stays, stopped, with its cgroup, until a
// plain delete removes it.
TEST_F(Verbs, RunKeepLeavesTheStoppedContainerForDelete)
{
	Result r = RunContainer({"/bin/sh", "-c", "exit 7"}, {"--keep"});
	EXPECT_EQ(r.exit_code, 7) << r;
	State st = GetState(id_);
	EXPECT_EQ(st.status, "stopped") << st.result;
	EXPECT_TRUE(Exists("/sys/fs/cgroup/pids" + cgroups_path_));
	Result del = Kakoi({"delete", id_});
	EXPECT_EQ(del.exit_code, 0) << del;
	EXPECT_EQ(GetState(id_).status, "");
	EXPECT_FALSE(Exists("/sys/fs/cgroup/pids" + cgroups_path_));
}

TEST_F(Verbs, RunKeepWithDetachIsRefused)
{
	Result r = RunContainer({"/bin/true"}, {"--keep", "--detach"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "--keep cannot be used with --detach")) << r;
	EXPECT_EQ(GetState(id_).status, "");
}

} // namespace
} // namespace kk_it
