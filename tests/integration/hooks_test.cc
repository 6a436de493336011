// OCI hooks end to end through the kakoi binary (issue 4): all six kinds in
// order, each in its namespace with the state on stdin; the sandbox (env,
// fds, timeout, nothing left); each failing kind's effect; the strict
// profile (seccomp, allowlist); the audit log (every line, every field) and
// failing closed when it cannot be written.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

std::vector<std::string> SplitLines(const std::string &text)
{
	std::vector<std::string> lines;
	std::stringstream ss(text);
	for (std::string line; std::getline(ss, line);)
		if (!line.empty())
			lines.push_back(line);
	return lines;
}

std::string JsonArray(const std::vector<std::string> &items)
{
	std::string out = "[";
	for (size_t i = 0; i < items.size(); i++)
		out += (i ? "," : "") + Quote(items[i]);
	return out + "]";
}

std::string NsLink(const std::string &proc_dir, const std::string &ns)
{
	char buf[256];
	ssize_t n = readlink((proc_dir + "/ns/" + ns).c_str(), buf, sizeof(buf) - 1);
	return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
}

double NowSeconds()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Pids of processes whose environment holds entry.
std::vector<pid_t> ProcessesWithEnv(const std::string &entry)
{
	std::vector<pid_t> pids;
	DIR *d = opendir("/proc");
	for (struct dirent *e; d != nullptr && (e = readdir(d)) != nullptr;) {
		pid_t pid = static_cast<pid_t>(atoi(e->d_name));
		std::string environ = ReadFile(std::string("/proc/") + e->d_name + "/environ");
		if (pid > 0 && pid != getpid() && Contains(environ, entry + '\0'))
			pids.push_back(pid);
	}
	if (d != nullptr)
		closedir(d);
	return pids;
}

const char *const kKinds[] = {"prestart",	"createRuntime", "createContainer",
			      "startContainer", "poststart",	 "poststop"};

class Hooks : public IntegrationTest
{
      protected:
	void SetUp() override
	{
		IntegrationTest::SetUp();
		if (HasFatalFailure())
			return;
		dir_ = HostTempDir("hooks");
		audit_ = dir_ + "/audit.log";
		policy_ = dir_ + "/policy.json";
		WriteFile(policy_, "{\"profile\":\"standard\"}\n");
		// The log dir, seen by every kind: host path before pivot_root,
		// /hooklog inside the container.
		log_ = HostTempDir("hooklog");
		ASSERT_EQ(mkdir((rootfs_ + "/hooklog").c_str(), 0755), 0);
		ASSERT_EQ(mkdir((rootfs_ + "/hooks").c_str(), 0755), 0);
		config_->AddMount("/hooklog", "bind", log_, {"rbind", "rw"});
		SaveConfig();
	}

	// A script on the host (in dir_) or, with in_rootfs, in the rootfs
	// (then its path is the container's).
	std::string Script(const std::string &name, const std::string &body, bool in_rootfs = false)
	{
		std::string host = (in_rootfs ? rootfs_ + "/hooks/" : dir_ + "/") + name;
		WriteFile(host, "#!/bin/sh\n" + body);
		EXPECT_EQ(chmod(host.c_str(), 0755), 0);
		return in_rootfs ? "/hooks/" + name : host;
	}

	// The log dir as a hook of kind sees it.
	std::string LogFor(const std::string &kind) const
	{
		return kind == "startContainer" ? "/hooklog" : log_;
	}

	void AddHook(const std::string &kind, const std::string &path,
		     const std::vector<std::string> &args, std::vector<std::string> env = {},
		     int timeout = 0)
	{
		// Every hook carries the marker: any process it leaves is found.
		env.push_back(marker_);
		env.push_back("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
		std::vector<std::string> argv{path};
		argv.insert(argv.end(), args.begin(), args.end());
		std::string json = "{\"path\":" + Quote(path) + ",\"args\":" + JsonArray(argv) +
				   ",\"env\":" + JsonArray(env);
		if (timeout > 0)
			json += ",\"timeout\":" + std::to_string(timeout);
		config_->Append("hooks." + kind, json + "}");
	}

	// kakoi --root R --hook-policy P --hook-audit-log A args...
	std::vector<std::string> WithHookFlags(const std::vector<std::string> &args) const
	{
		std::vector<std::string> full{"--hook-policy", policy_, "--hook-audit-log", audit_};
		full.insert(full.end(), args.begin(), args.end());
		return full;
	}
	Result KakoiH(const std::vector<std::string> &args, const RunOptions &opts = {})
	{
		return Kakoi(WithHookFlags(args), opts);
	}
	// create, keeping the files the container inherits.
	std::unique_ptr<Process> CreateH(Result *r)
	{
		SaveConfig();
		auto p = KakoiSpawn(WithHookFlags({"create", "--bundle", bundle_, id_}));
		*r = p->Wait();
		return p;
	}

	std::vector<Json> AuditRecords()
	{
		std::vector<Json> out;
		for (const auto &line : SplitLines(ReadFile(audit_))) {
			out.push_back(ParseJson(line));
			EXPECT_NE(out.back(), nullptr) << "audit line is not JSON: " << line;
		}
		return out;
	}

	std::string Log(const std::string &name) const
	{
		return ReadFile(log_ + "/" + name);
	}
	bool Logged(const std::string &name) const
	{
		return Exists(log_ + "/" + name);
	}

	std::string dir_, audit_, policy_, log_;
};

// Appends "KIND PIDNS MNTNS" to LOG/order.log and saves the state as
// LOG/KIND.state. Args: LOG KIND.
const char kRecord[] = "cat > \"$1/$2.state\"\n"
		       "echo \"$2 $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/mnt)\""
		       " >> \"$1/order.log\"\n";

class SixKinds : public Hooks, public ::testing::WithParamInterface<bool>
{
      protected:
	// A strict hook has a mount namespace of its own (read-only /proc/sys):
	// only its pid namespace tells host from container then.
	std::vector<std::string> Order()
	{
		std::vector<std::string> lines = SplitLines(Log("order.log"));
		if (GetParam())
			for (auto &l : lines)
				l = l.substr(0, l.rfind(' '));
		return lines;
	}
};

TEST_P(SixKinds, RunInOrderInTheirNamespacesWithTheState)
{
	if (GetParam())
		WriteFile(policy_, "{\"profile\":\"strict\"}\n");
	std::string host = Script("record.sh", kRecord);
	std::string inside = Script("record.sh", kRecord, true);
	for (const char *kind : kKinds)
		AddHook(kind, std::string(kind) == "startContainer" ? inside : host,
			{LogFor(kind), kind});
	config_->SetArgs(
		{"/bin/sh", "-c",
		 "cat /hooklog/order.log > /hooklog/seen-by-process; exec /probe sleep 100"});
	Result r;
	auto create = CreateH(&r);
	ASSERT_EQ(r.exit_code, 0) << r;
	pid_t init = GetState(id_).pid;
	ASSERT_GT(init, 0);
	std::string proc = "/proc/" + std::to_string(init);
	std::string mnt_host = GetParam() ? "" : " " + NsLink("/proc/self", "mnt");
	std::string mnt_container = GetParam() ? "" : " " + NsLink(proc, "mnt");
	std::map<std::string, std::string> ns_of{
		{"host", NsLink("/proc/self", "pid") + mnt_host},
		{"container", NsLink(proc, "pid") + mnt_container}};
	ASSERT_NE(ns_of["host"], ns_of["container"]);
	auto line = [&](const std::string &kind) {
		bool in_container = kind == "createContainer" || kind == "startContainer";
		return kind + " " + ns_of[in_container ? "container" : "host"];
	};
	std::vector<std::string> want{line("prestart"), line("createRuntime"),
				      line("createContainer")};
	EXPECT_EQ(Order(), want) << "after create";

	Result s = KakoiH({"start", id_});
	ASSERT_EQ(s.exit_code, 0) << s;
	want.push_back(line("startContainer"));
	want.push_back(line("poststart"));
	EXPECT_EQ(Order(), want) << "after start";
	ASSERT_TRUE(WaitUntil([&] { return create->Out().find("sleeping") != std::string::npos; }))
		<< create->Out();
	EXPECT_TRUE(Contains(Log("seen-by-process"), "startContainer " + ns_of["container"]))
		<< "startContainer did not run before the process: " << Log("seen-by-process");

	ASSERT_EQ(Kakoi({"kill", id_, "KILL"}).exit_code, 0);
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	Result d = KakoiH({"delete", id_});
	EXPECT_EQ(d.exit_code, 0) << d;
	want.push_back(line("poststop"));
	EXPECT_EQ(Order(), want) << "after delete";
	auto records = AuditRecords();
	EXPECT_EQ(records.size(), 12u) << "a start and an end record per hook";
	for (const auto &rec : records) {
		if (rec != nullptr) {
			EXPECT_EQ(JsonString(rec.get(), "profile"),
				  GetParam() ? "strict" : "standard");
		}
	}

	// The state on stdin: its pid as seen from where the hook runs.
	std::map<std::string, std::pair<std::string, pid_t>> expect{
		{"prestart", {"creating", init}},     {"createRuntime", {"creating", init}},
		{"createContainer", {"creating", 1}}, {"startContainer", {"created", 1}},
		{"poststart", {"running", init}},     {"poststop", {"stopped", 0}}};
	for (const auto &e : expect) {
		std::string text = Log(e.first + ".state");
		Json st = ParseJson(text);
		ASSERT_NE(st, nullptr) << e.first << " state is not JSON: " << text;
		EXPECT_EQ(JsonString(st.get(), "id"), id_) << e.first << ": " << text;
		EXPECT_EQ(JsonString(st.get(), "bundle"), bundle_) << e.first << ": " << text;
		EXPECT_EQ(JsonString(st.get(), "status"), e.second.first)
			<< e.first << ": " << text;
		EXPECT_FALSE(JsonString(st.get(), "ociVersion").empty()) << e.first << ": " << text;
		if (e.second.second != 0) {
			EXPECT_EQ(JsonInt(st.get(), "pid"), e.second.second)
				<< e.first << ": " << text;
		}
	}
	ExpectNothingLeftBehind(id_);
}

INSTANTIATE_TEST_SUITE_P(StandardAndStrict, SixKinds, ::testing::Bool(),
			 [](const ::testing::TestParamInfo<bool> &info) {
				 return std::string(info.param ? "strict" : "standard");
			 });

// A pid namespace joined by path (a pod's, shareProcessNamespace) and a new
// time namespace apply to children only, so the runtime enters them before
// it clones the init; the prestart and createRuntime hooks it forks after
// the clone still run in the runtime namespace (runtime.md), not in the
// container's, where its processes could see and signal them.
TEST_F(Hooks, RuntimeHooksStayInTheRuntimesPidAndTimeNamespaces)
{
	std::string owner = ExtraId("owner");
	auto sleeper = RunSleeper(owner);
	ASSERT_TRUE(sleeper);
	State st = GetState(owner);
	ASSERT_GT(st.pid, 0) << st.result;
	std::string owner_proc = "/proc/" + std::to_string(st.pid);
	config_->SetCgroupsPath(cgroups_path_); // RunSleeper left the owner's
	config_->AddNamespace("pid", owner_proc + "/ns/pid");
	config_->AddNamespace("time");
	std::string record = Script("ns.sh", "echo \"$2 $(readlink /proc/self/ns/pid) "
					     "$(readlink /proc/self/ns/time)\" >> \"$1/ns.log\"\n");
	for (const char *kind : {"prestart", "createRuntime"})
		AddHook(kind, record, {log_, kind});
	config_->SetArgs({"/probe", "sleep", "100"});
	Result r;
	auto create = CreateH(&r);
	ASSERT_EQ(r.exit_code, 0) << r;
	std::string runtime = NsLink("/proc/self", "pid") + " " + NsLink("/proc/self", "time");
	EXPECT_EQ(SplitLines(Log("ns.log")),
		  (std::vector<std::string>{"prestart " + runtime, "createRuntime " + runtime}));
	// The init is where the config puts it.
	std::string init_proc = "/proc/" + std::to_string(GetState(id_).pid);
	EXPECT_EQ(NsLink(init_proc, "pid"), NsLink(owner_proc, "pid"));
	EXPECT_NE(NsLink(init_proc, "time"), NsLink("/proc/self", "time"));
	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	EXPECT_EQ(Kakoi({"delete", "--force", owner}).exit_code, 0);
	ExpectNothingLeftBehind(id_);
}

// A hook sees exactly its env, and no fd kakoi had open but its own stdio.
TEST_F(Hooks, AHookGetsOnlyItsEnvAndNoInheritedFds)
{
	std::string canary = dir_ + "/canary-fd-file";
	WriteFile(canary, "x");
	std::string script = Script("env.sh", "tr '\\0' '\\n' < /proc/$$/environ > \"$1/env\"\n"
					      "ls -l /proc/self/fd > \"$1/fds\"\n"
					      "ls /proc/self/fd > \"$1/fdnums\"\n");
	AddHook("prestart", script, {log_}, {"HOOK_VAR=hook-value"});
	config_->SetArgs({"/bin/true"});
	int fd = open(canary.c_str(), O_RDONLY); // no O_CLOEXEC: kakoi inherits it
	ASSERT_GE(fd, 0);
	RunOptions opts;
	opts.fds[9] = fd;
	setenv("KAKOI_IT_RUNTIME_SECRET", "from-the-runtime", 1);
	Result r;
	SaveConfig();
	r = KakoiH({"create", "--bundle", bundle_, id_}, opts);
	unsetenv("KAKOI_IT_RUNTIME_SECRET");
	close(fd);
	ASSERT_EQ(r.exit_code, 0) << r;

	std::vector<std::string> env = SplitLines(Log("env"));
	std::set<std::string> got(env.begin(), env.end());
	std::set<std::string> want{"HOOK_VAR=hook-value", marker_,
				   "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
	EXPECT_EQ(got, want) << Log("env");
	EXPECT_EQ(env.size(), want.size()) << Log("env");

	std::string fds = Log("fds");
	ASSERT_FALSE(fds.empty());
	EXPECT_FALSE(Contains(fds, "canary")) << fds;
	EXPECT_FALSE(Contains(fds, audit_)) << "the audit log reached the hook: " << fds;
	EXPECT_FALSE(Contains(fds, root_)) << "the state dir reached the hook: " << fds;
	EXPECT_FALSE(Contains(fds, "socket:")) << fds;
	std::set<std::string> nums;
	for (const auto &n : SplitLines(Log("fdnums")))
		nums.insert(n);
	// 0-2, the script's fd 3 (see docs/hooks.md) and ls's own directory.
	EXPECT_EQ(nums, (std::set<std::string>{"0", "1", "2", "3", "4"})) << fds;
}

struct FailCase {
	const char *kind;
	const char *fails; // "create", "start" or "" (delete warns)
};

void PrintTo(const FailCase &c, std::ostream *os)
{
	*os << c.kind;
}

class FailingHook : public Hooks, public ::testing::WithParamInterface<FailCase>
{
};

// hooks.KIND = [ok, fails (exit 7), ok]: the operation's effect per
// runtime.md, the failing hook named, the third run only for poststop.
TEST_P(FailingHook, HasTheSpecsEffectAndLeavesNothing)
{
	const std::string kind = GetParam().kind, fails = GetParam().fails;
	bool inside = kind == "startContainer";
	const std::string touch = "touch \"$1/$2\"\n";
	std::string ok = Script("ok.sh", touch, inside);
	std::string bad = Script("bad.sh", "echo boom-$2 >&2\nexit 7\n", inside);
	std::string log = LogFor(kind);
	AddHook(kind, ok, {log, "first-ran"});
	AddHook(kind, bad, {log, kind});
	AddHook(kind, ok, {log, "third-ran"});
	// runtime.md: after a failed create the lifecycle continues at delete,
	// so poststop hooks run then too.
	if (kind != "poststop")
		AddHook("poststop", Script("post.sh", touch), {log_, "poststop-ran"});
	config_->SetArgs({"/bin/sh", "-c", "touch /hooklog/process-ran; exec /probe sleep 100"});
	Result r;
	auto create = CreateH(&r);
	auto expect_named = [&](const Result &res) {
		EXPECT_NE(res.exit_code, 0) << res;
		EXPECT_TRUE(Contains(res.err, "hooks." + kind + "[1]")) << res;
		EXPECT_TRUE(Contains(res.err, bad)) << res;
		EXPECT_TRUE(Contains(res.err, "boom-" + kind)) << "no stderr of the hook: " << res;
	};
	if (fails == "create") {
		expect_named(r);
		EXPECT_TRUE(Logged("first-ran"));
		EXPECT_FALSE(Logged("third-ran"));
		EXPECT_FALSE(Logged("process-ran"));
		EXPECT_TRUE(Logged("poststop-ran")) << "no poststop after the failed create";
		ExpectNothingLeftBehind(id_); // without any delete
		return;
	}
	ASSERT_EQ(r.exit_code, 0) << r;
	Result s = KakoiH({"start", id_});
	if (fails == "start") {
		expect_named(s);
		EXPECT_TRUE(WaitForStatus(id_, "stopped", 5000)) << GetState(id_).result;
		if (kind == "startContainer") {
			EXPECT_FALSE(Logged("process-ran")) << "the process ran";
		}
		EXPECT_TRUE(Logged("first-ran"));
		EXPECT_FALSE(Logged("third-ran"));
		Result d = KakoiH({"delete", id_});
		EXPECT_EQ(d.exit_code, 0) << d;
		ExpectNothingLeftBehind(id_);
		return;
	}
	ASSERT_EQ(s.exit_code, 0) << s;
	ASSERT_EQ(Kakoi({"kill", id_, "KILL"}).exit_code, 0);
	ASSERT_TRUE(WaitForStatus(id_, "stopped"));
	Result d = KakoiH({"delete", id_});
	EXPECT_EQ(d.exit_code, 0) << d;
	EXPECT_TRUE(Contains(d.err, "kakoi: warning:")) << d;
	EXPECT_TRUE(Contains(d.err, "hooks.poststop[1]")) << d;
	EXPECT_TRUE(Contains(d.err, "boom-poststop")) << d;
	EXPECT_TRUE(Logged("first-ran"));
	EXPECT_TRUE(Logged("third-ran")) << "poststop did not go on past the failure";
	EXPECT_FALSE(Exists(root_ + "/" + id_));
	ExpectNothingLeftBehind(id_);
}

INSTANTIATE_TEST_SUITE_P(Kinds, FailingHook,
			 ::testing::Values(FailCase{"prestart", "create"},
					   FailCase{"createRuntime", "create"},
					   FailCase{"createContainer", "create"},
					   FailCase{"startContainer", "start"},
					   FailCase{"poststart", "start"},
					   FailCase{"poststop", ""}),
			 [](const ::testing::TestParamInfo<FailCase> &info) {
				 return std::string(info.param.kind);
			 });

TEST_F(Hooks, TimeoutKillsTheHookAndItsChildren)
{
	std::string tag = "KAKOI_IT_SLEEPER=" + id_;
	std::string script =
		Script("sleep.sh", "sleep 30 &\necho $! > \"$1/child\"\nexec sleep 30\n");
	AddHook("prestart", script, {log_}, {tag}, 1);
	config_->SetArgs({"/bin/true"});
	Result r;
	double t0 = NowSeconds();
	CreateH(&r);
	double took = NowSeconds() - t0;
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_LT(took, 3.0) << r;
	EXPECT_TRUE(Contains(r.err, "hooks.prestart[0]")) << r;
	EXPECT_TRUE(Contains(r.err, "timed out") || Contains(r.err, "timeout")) << r;
	// Gone when create returns, not merely some time later.
	EXPECT_EQ(ProcessesWithEnv(tag), std::vector<pid_t>{});
	std::string child = Log("child");
	ASSERT_FALSE(child.empty()) << "the hook never started its child";
	EXPECT_FALSE(Contains(ReadFile("/proc/" + child.substr(0, child.size() - 1) + "/cmdline"),
			      "sleep"))
		<< "the hook's child " << child << " survived";
	ExpectNothingLeftBehind(id_);
	bool found = false;
	for (const auto &rec : AuditRecords()) {
		if (rec == nullptr || JsonString(rec.get(), "event") != "end")
			continue;
		found = true;
		json_object *v = nullptr;
		EXPECT_TRUE(json_object_object_get_ex(rec.get(), "timed_out", &v) &&
			    json_object_get_boolean(v));
		EXPECT_EQ(JsonString(rec.get(), "signal"), "SIGKILL");
		EXPECT_EQ(JsonInt(rec.get(), "timeout"), 1);
	}
	EXPECT_TRUE(found) << ReadFile(audit_);
}

TEST_F(Hooks, StrictPolicyRunsOnlyAllowlistedHooks)
{
	std::string allowed = Script("allowed.sh", "touch \"$1/allowed-ran\"\n");
	std::string other = Script("other.sh", "touch \"$1/other-ran\"\n");
	WriteFile(policy_, "{\"profile\":\"strict\",\"allowedHooks\":[" + Quote(allowed) + "]}");
	AddHook("prestart", allowed, {log_});
	AddHook("prestart", other, {log_});
	config_->SetArgs({"/bin/true"});
	Result r;
	CreateH(&r);
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "hooks.prestart[1]")) << r;
	EXPECT_TRUE(Contains(r.err, other)) << r;
	EXPECT_TRUE(Logged("allowed-ran")) << "the allowlisted hook did not run: " << r;
	EXPECT_FALSE(Logged("other-ran")) << "a refused hook ran";
	int refusals = 0;
	for (const auto &rec : AuditRecords()) {
		if (rec == nullptr || JsonString(rec.get(), "event") != "refused")
			continue;
		refusals++;
		EXPECT_EQ(JsonString(rec.get(), "path"), other);
		EXPECT_EQ(JsonInt(rec.get(), "index"), 1);
		EXPECT_EQ(JsonString(rec.get(), "profile"), "strict");
		EXPECT_FALSE(JsonString(rec.get(), "reason").empty());
	}
	EXPECT_EQ(refusals, 1) << ReadFile(audit_);
	ExpectNothingLeftBehind(id_);
}

// What a hook can do under each profile: busybox dmesg needs syslog(2),
// which strict's seccomp filter denies even with CAP_SYSLOG kept.
class Profile : public Hooks, public ::testing::WithParamInterface<bool>
{
};

TEST_P(Profile, StrictConfinesAHookStandardDoesNot)
{
	bool strict = GetParam();
	if (strict)
		WriteFile(policy_, "{\"profile\":\"strict\",\"keepCapabilities\":"
				   "[\"CAP_SYSLOG\",\"CAP_SYS_ADMIN\",\"CAP_DAC_OVERRIDE\"]}");
	std::string script =
		Script("confine.sh", "grep -E '^(NoNewPrivs|Seccomp|CapBnd):' /proc/self/status "
				     "> \"$1/status\"\n"
				     "/bin/busybox dmesg > /dev/null 2> \"$1/dmesg.err\"\n"
				     "echo $? > \"$1/dmesg.rc\"\n");
	AddHook("createRuntime", script, {log_});
	config_->SetArgs({"/bin/true"});
	Result r;
	CreateH(&r);
	ASSERT_EQ(r.exit_code, 0) << r;
	std::string status = Log("status");
	if (strict) {
		EXPECT_TRUE(Contains(status, "NoNewPrivs:\t1")) << status;
		EXPECT_TRUE(Contains(status, "Seccomp:\t2")) << status;
		// CAP_SYSLOG (34), CAP_SYS_ADMIN (21), CAP_DAC_OVERRIDE (1).
		EXPECT_TRUE(Contains(status, "CapBnd:\t0000000400200002")) << status;
		EXPECT_EQ(Log("dmesg.rc"), "1\n") << Log("dmesg.err");
		EXPECT_TRUE(Contains(Log("dmesg.err"), "Operation not permitted"))
			<< Log("dmesg.err");
	} else {
		EXPECT_TRUE(Contains(status, "NoNewPrivs:\t0")) << status;
		EXPECT_TRUE(Contains(status, "Seccomp:\t0")) << status;
		EXPECT_EQ(Log("dmesg.rc"), "0\n") << Log("dmesg.err");
	}
}

INSTANTIATE_TEST_SUITE_P(StandardAndStrict, Profile, ::testing::Bool(),
			 [](const ::testing::TestParamInfo<bool> &info) {
				 return std::string(info.param ? "Strict" : "Standard");
			 });

// A GPU-style hook: createContainer bind-mounts a host dir into the
// container (its mount namespace, before pivot_root), under standard.
TEST_F(Hooks, ACreateContainerHookCanBindMountIntoTheContainer)
{
	std::string src = HostTempDir("gpu");
	WriteFile(src + "/device", "from-the-hook\n");
	ASSERT_EQ(mkdir((rootfs_ + "/gpu").c_str(), 0755), 0);
	std::string script = Script("gpu.sh", "mount --bind \"$1\" rootfs/gpu\n");
	AddHook("createContainer", script, {src});
	config_->SetArgs({"/bin/cat", "/gpu/device"});
	SaveConfig();
	Result r = KakoiH({"run", "--bundle", bundle_, id_});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "from-the-hook\n") << r;
	ExpectNothingLeftBehind(id_);
}

const char *const kAuditFields[] = {
	"time",	       "event",	    "id",	   "bundle",	"kind",		"index",
	"path",	       "resolved",  "sha256",	   "argv",	"env",		"uid",
	"gid",	       "pid",	    "runtime_pid", "profile",	"timeout",	"start",
	"duration_ns", "exit_code", "signal",	   "timed_out", "stdout_bytes", "stderr_bytes",
	"stderr",      "reason"};

// 2026-11-29T10:20:45.945696382Z: RFC 3339, UTC, nanoseconds. (No
// std::regex: gcc 12 warns inside it under --config=asan.)
bool IsRfc3339Ns(const std::string &t)
{
	const std::string shape = "dddd-dd-ddTdd:dd:dd.dddddddddZ";
	if (t.size() != shape.size())
		return false;
	for (size_t i = 0; i < t.size(); i++)
		if (shape[i] == 'd' ? !isdigit(static_cast<unsigned char>(t[i])) : t[i] != shape[i])
			return false;
	return true;
}

std::string Sha256Of(const std::string &path)
{
	Result r = RunCommand("/usr/bin/sha256sum", {path});
	return r.out.substr(0, 64);
}

std::vector<std::string> Strings(json_object *arr)
{
	std::vector<std::string> out;
	for (size_t i = 0; arr != nullptr && i < json_object_array_length(arr); i++)
		out.push_back(json_object_get_string(json_object_array_get_idx(arr, i)));
	return out;
}

TEST_F(Hooks, EveryAuditLineParsesAndCarriesEveryField)
{
	std::string ok = Script("ok.sh", "echo to-stdout\necho warn-on-stderr >&2\n");
	std::string bad = Script("bad.sh", "exit 3\n");
	AddHook("prestart", ok, {"one", "two"}, {"HOOK_SECRET=secret-value"}, 5);
	AddHook("createRuntime", bad, {});
	config_->SetArgs({"/bin/true"});
	Result r;
	CreateH(&r);
	ASSERT_NE(r.exit_code, 0) << r;
	std::string text = ReadFile(audit_);
	EXPECT_FALSE(Contains(text, "secret-value")) << "an env value was logged: " << text;
	std::vector<Json> recs = AuditRecords();
	ASSERT_EQ(recs.size(), 4u) << text;
	const char *events[] = {"start", "end", "start", "end"};
	for (size_t i = 0; i < recs.size(); i++) {
		json_object *rec = recs[i].get(), *v = nullptr;
		ASSERT_NE(rec, nullptr);
		for (const char *f : kAuditFields)
			EXPECT_TRUE(json_object_object_get_ex(rec, f, nullptr))
				<< "record " << i << " lacks " << f << ": " << text;
		bool first = i < 2, end = i % 2 == 1;
		std::string path = first ? ok : bad;
		EXPECT_EQ(JsonString(rec, "event"), events[i]);
		EXPECT_TRUE(IsRfc3339Ns(JsonString(rec, "time"))) << JsonString(rec, "time");
		EXPECT_EQ(JsonString(rec, "id"), id_);
		EXPECT_EQ(JsonString(rec, "bundle"), bundle_);
		EXPECT_EQ(JsonString(rec, "kind"), first ? "prestart" : "createRuntime");
		EXPECT_EQ(JsonInt(rec, "index"), 0);
		EXPECT_EQ(JsonString(rec, "path"), path);
		EXPECT_EQ(JsonString(rec, "resolved"), path);
		EXPECT_EQ(JsonString(rec, "sha256"), Sha256Of(path));
		json_object_object_get_ex(rec, "argv", &v);
		std::vector<std::string> argv{path};
		if (first)
			argv.insert(argv.end(), {"one", "two"});
		EXPECT_EQ(Strings(v), argv);
		json_object_object_get_ex(rec, "env", &v);
		std::vector<std::string> names{"KAKOI_IT", "PATH"};
		if (first)
			names.insert(names.begin(), "HOOK_SECRET");
		EXPECT_EQ(Strings(v), names);
		EXPECT_EQ(JsonInt(rec, "uid"), 0);
		EXPECT_EQ(JsonInt(rec, "gid"), 0);
		EXPECT_GT(JsonInt(rec, "pid"), 0);
		EXPECT_GT(JsonInt(rec, "runtime_pid"), 0);
		EXPECT_EQ(JsonString(rec, "profile"), "standard");
		EXPECT_EQ(JsonInt(rec, "timeout"), first ? 5 : 60);
		json_object_object_get_ex(rec, "timed_out", &v);
		EXPECT_TRUE(json_object_is_type(v, json_type_boolean) &&
			    !json_object_get_boolean(v));
		if (!end)
			continue;
		EXPECT_TRUE(IsRfc3339Ns(JsonString(rec, "start")));
		EXPECT_GE(JsonInt(rec, "duration_ns"), 0);
		EXPECT_EQ(JsonInt(rec, "exit_code"), first ? 0 : 3);
		json_object_object_get_ex(rec, "signal", &v);
		EXPECT_EQ(v, nullptr) << "signal of a hook that exited";
		EXPECT_EQ(JsonInt(rec, "stdout_bytes"), first ? 10 : 0);
		EXPECT_EQ(JsonInt(rec, "stderr_bytes"), first ? 15 : 0);
		EXPECT_EQ(JsonString(rec, "stderr"), first ? "warn-on-stderr\\x0a" : "");
		EXPECT_EQ(JsonInt(rec, "pid"), JsonInt(recs[i - 1].get(), "pid"));
	}
	ExpectNothingLeftBehind(id_);
}

// Fail closed: a record that cannot be written, or a log that cannot be
// opened, means no hook runs and create fails with nothing left.
class UnwritableAudit : public Hooks, public ::testing::WithParamInterface<const char *>
{
};

TEST_P(UnwritableAudit, NoHookRunsAndCreateFails)
{
	audit_ = GetParam();
	std::string script = Script("mark.sh", "touch \"$1/hook-ran\"\n");
	AddHook("prestart", script, {log_});
	config_->SetArgs({"/bin/true"});
	Result r;
	CreateH(&r);
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "audit")) << r;
	EXPECT_FALSE(Logged("hook-ran")) << "a hook ran without its audit record";
	ExpectNothingLeftBehind(id_);
}

INSTANTIATE_TEST_SUITE_P(Paths, UnwritableAudit,
			 ::testing::Values("/dev/full", "/proc/kakoi-it-no-such-dir/hooks.log"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 return std::string(info.index == 0 ? "DevFull" : "ReadOnlyDir");
			 });

// Without hooks the audit log is never opened: no error, no file.
TEST_F(Hooks, AConfigWithoutHooksNeverOpensTheAuditLog)
{
	for (const std::string &path : {std::string("/dev/full"), dir_ + "/sub/hooks.log"}) {
		audit_ = path;
		config_->SetArgs({"/bin/sh", "-c", "echo ran"});
		SaveConfig();
		Result r = KakoiH({"run", "--bundle", bundle_, id_});
		EXPECT_EQ(r.exit_code, 0) << path << ": " << r;
		EXPECT_EQ(r.out, "ran\n") << r;
	}
	EXPECT_FALSE(Exists(dir_ + "/sub")) << "the audit log's directory was created";
	ExpectNothingLeftBehind(id_);
}

} // namespace
} // namespace kk_it
