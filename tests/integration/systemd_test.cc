// The systemd cgroup driver against a real systemd. This host has no
// systemd as PID 1, so the test boots Debian's: kakoi runs
// /usr/lib/systemd/systemd as the init of a container (the host's /usr
// bound read-only, a small writable /etc, /run and /tmp as tmpfs, a cgroup
// namespace and the "cgroup" mount read-write, so systemd runs in the hybrid
// layout this host has). Then kakoi itself, bound in, runs inside with
// --systemd-cgroup against that systemd, over its private socket
// (/run/systemd/private: no dbus-daemon in the container), and the test
// checks the scope both through systemctl and in the host's cgroup files.
// Nothing here fakes D-Bus.
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/parser/fixture.h"

namespace kk_it
{
namespace
{

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

// Every capability in this process's bounding set, as config names.
std::string BoundingCaps()
{
	std::string out = "[";
	for (int i = 0; i <= CAP_LAST_CAP; i++) {
		if (cap_get_bound(i) != 1)
			continue;
		char *name = cap_to_name(i);
		std::string n = name;
		cap_free(name);
		std::transform(n.begin(), n.end(), n.begin(), ::toupper);
		out += (out.size() > 1 ? "," : "") + Quote(n);
	}
	return out + "]";
}

class Systemd : public IntegrationTest
{
      protected:
	void SetUp() override
	{
		IntegrationTest::SetUp();
		if (HasFatalFailure())
			return;
		if (!Exists("/usr/lib/systemd/systemd"))
			GTEST_SKIP() << "Debian's systemd is not installed (scripts/setup.sh)";
		sdroot_ = bundle_ + "/sdroot";
		BuildSystemdRoot();
		ConfigureSystemd();
	}

	// A root whose programs are the host's (/usr, read-only) and whose
	// /etc is just enough for systemd: os-release, an empty machine-id
	// (systemd fills in a transient one), root in passwd, a target that
	// starts nothing but the early boot units.
	void BuildSystemdRoot()
	{
		for (const char *d :
		     {"usr", "etc/systemd/system", "var/lib", "var/log", "run", "tmp", "proc",
		      "sys", "dev", "root", "inner/rootfs/usr", "inner/rootfs/proc",
		      "inner/rootfs/dev", "inner/rootfs/sys", "inner/rootfs/tmp"})
			ASSERT_EQ(RunCommand("/bin/mkdir", {"-p", sdroot_ + "/" + d}).exit_code, 0);
		for (const char *l : {"bin", "sbin", "lib", "lib64"}) {
			ASSERT_EQ(symlink((std::string("usr/") + l).c_str(),
					  (sdroot_ + "/" + l).c_str()),
				  0);
			ASSERT_EQ(symlink((std::string("usr/") + l).c_str(),
					  (sdroot_ + "/inner/rootfs/" + l).c_str()),
				  0);
		}
		WriteFile(sdroot_ + "/etc/os-release", ReadFile("/usr/lib/os-release"));
		WriteFile(sdroot_ + "/etc/machine-id", "");
		WriteFile(sdroot_ + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
		WriteFile(sdroot_ + "/etc/group", "root:x:0:\n");
		WriteFile(sdroot_ + "/etc/systemd/system/kakoi-it.target",
			  "[Unit]\nDescription=kakoi integration test\nRequires=sysinit.target\n"
			  "After=sysinit.target\n");
		WriteFile(sdroot_ + "/kakoi", "");
		WriteFile(sdroot_ + "/kakoi_fault", "");
	}

	void ConfigureSystemd()
	{
		Config &c = *config_;
		c.Set("root", "{\"path\": \"sdroot\", \"readonly\": false}");
		c.SetArgs({"/usr/lib/systemd/systemd", "--unit=kakoi-it.target",
			   "--log-target=console"});
		c.AddEnv("container=kakoi");
		c.Set("process.noNewPrivileges", "false");
		std::string caps = BoundingCaps();
		for (const char *set : {"bounding", "effective", "permitted"})
			c.Set(std::string("process.capabilities.") + set, caps);
		c.RemoveMount("/sys/fs/cgroup");
		c.AddMount("/sys/fs/cgroup", "cgroup", "cgroup",
			   {"nosuid", "noexec", "nodev", "rw"});
		c.AddMount("/usr", "bind", "/usr", {"rbind", "ro"});
		c.AddMount("/run", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=755"});
		c.AddMount("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777"});
		c.AddMount("/kakoi", "bind", KakoiBinary(), {"bind", "ro"});
		c.AddMount("/kakoi_fault", "bind", RunfilePath("runtime/kakoi_fault"),
			   {"bind", "ro"});
		c.Remove("linux.seccomp");
		c.Set("linux.maskedPaths", "[]");
		c.Set("linux.readonlyPaths", "[]");
		SaveConfig();
	}

	// The inner container's bundle, at /inner in the systemd container.
	void WriteInnerBundle(const std::string &cgroups_path, const std::string &resources,
			      const std::vector<std::string> &args = {"/usr/bin/sleep", "1000"})
	{
		RunOptions in;
		in.cwd = sdroot_ + "/inner";
		unlink((in.cwd + "/config.json").c_str());
		ASSERT_EQ(RunCommand(KakoiBinary(), {"spec"}, in).exit_code, 0);
		auto c = Config::Load(in.cwd + "/config.json");
		ASSERT_NE(c, nullptr);
		c->SetArgs(args);
		c->SetTerminal(false);
		c->AddMount("/usr", "bind", "/usr", {"rbind", "ro"});
		c->SetCgroupsPath(cgroups_path);
		c->Set("linux.resources", resources);
		ASSERT_TRUE(c->Save(in.cwd + "/config.json"));
	}

	// systemd in the unified layout: cgroup2 (the host's unified
	// hierarchy, holding no controller but hugetlb here) at /sys/fs/cgroup.
	void UseUnifiedLayout()
	{
		config_->RemoveMount("/sys/fs/cgroup");
		config_->AddMount("/sys/fs/cgroup", "cgroup2", "cgroup2",
				  {"nosuid", "noexec", "nodev", "rw"});
		SaveConfig();
	}

	// Boots systemd and waits (at most 60 s) until it says it is running.
	void Boot()
	{
		boot_ = KakoiSpawn({"run", "--bundle", bundle_, id_});
		std::string state;
		bool up = WaitUntil(
			[&] {
				Result r = In({"systemctl", "is-system-running"});
				state = r.out;
				return Contains(r.out, "running") || Contains(r.out, "degraded");
			},
			60000);
		ASSERT_TRUE(up) << "systemd did not come up: " << state << "\nits output:\n"
				<< boot_->Out() << boot_->Err();
	}

	// A command in the systemd container.
	Result In(const std::vector<std::string> &args)
	{
		std::vector<std::string> a = {"exec", id_};
		a.insert(a.end(), args.begin(), args.end());
		return Kakoi(a);
	}

	// kakoi --systemd-cgroup --root /run/kk ... inside.
	Result Inner(const std::vector<std::string> &args)
	{
		std::vector<std::string> a = {"/kakoi", "--systemd-cgroup", "--root", "/run/kk"};
		a.insert(a.end(), args.begin(), args.end());
		return In(a);
	}

	// The kakoi scopes systemd knows, in any state ("" when none).
	std::string KakoiScopes()
	{
		return In({"systemctl", "list-units", "--all", "--no-legend", "--plain",
			   "kakoi-*.scope"})
			.out;
	}

	std::string Show(const std::string &unit, const std::string &props)
	{
		return In({"systemctl", "show", unit, "-p", props}).out;
	}

	// The scope's directory in a host hierarchy.
	std::string HostDir(const std::string &hier, const std::string &scope_path)
	{
		return "/sys/fs/cgroup/" + hier + cgroups_path_ + scope_path;
	}

	std::string Value(const std::string &hier, const std::string &scope_path,
			  const std::string &file)
	{
		std::string v = ReadFile(HostDir(hier, scope_path) + "/" + file);
		while (!v.empty() && v.back() == '\n')
			v.pop_back();
		return v;
	}

	std::string sdroot_;
	std::unique_ptr<Process> boot_;
};

const char *const kScope = "/kakoi.slice/kakoi-it.slice/kakoi-c1.scope";
const char *const kLimits = R"({"memory": {"limit": 104857600}, "pids": {"limit": 50},
	"cpu": {"shares": 512, "quota": 33333, "period": 100000, "cpus": "0"}})";

TEST_F(Systemd, ScopeCarriesTheLimitsUpdateChangesThemDeleteStopsIt)
{
	WriteInnerBundle("kakoi-it.slice:kakoi:c1", kLimits);
	ASSERT_NO_FATAL_FAILURE(Boot());
	Result run = Inner({"run", "--detach", "--bundle", "/inner", "c1"});
	ASSERT_EQ(run.exit_code, 0) << run;

	// systemd's view: the scope, delegated, in the nested slice, with
	// the properties mapped as runc maps them on v1 controllers.
	std::string show = Show("kakoi-c1.scope", "ActiveState,ControlGroup,Delegate,MemoryLimit,"
						  "TasksMax,CPUShares,CPUQuotaPerSecUSec");
	EXPECT_TRUE(Contains(show, "ActiveState=active")) << show;
	EXPECT_TRUE(Contains(show, std::string("ControlGroup=") + kScope)) << show;
	EXPECT_TRUE(Contains(show, "Delegate=yes")) << show;
	EXPECT_TRUE(Contains(show, "MemoryLimit=104857600")) << show;
	EXPECT_TRUE(Contains(show, "TasksMax=50")) << show;
	EXPECT_TRUE(Contains(show, "CPUShares=512")) << show;
	EXPECT_TRUE(Contains(show, "CPUQuotaPerSecUSec=340ms")) << show;

	// The kernel's view, from the host: the values (the quota exact: the
	// files are written after systemd's rounding) and the container's
	// process in the scope.
	EXPECT_EQ(Value("memory", kScope, "memory.limit_in_bytes"), "104857600");
	EXPECT_EQ(Value("pids", kScope, "pids.max"), "50");
	EXPECT_EQ(Value("cpu", kScope, "cpu.shares"), "512");
	EXPECT_EQ(Value("cpu", kScope, "cpu.cfs_quota_us"), "33333");
	// systemd has no v1 cpuset: kakoi made that directory itself.
	EXPECT_EQ(Value("cpuset", kScope, "cpuset.cpus"), "0");
	EXPECT_TRUE(Contains(Show("kakoi-c1.scope", "AllowedCPUs"), "AllowedCPUs=0"));
	std::string procs = Value("pids", kScope, "cgroup.procs");
	ASSERT_FALSE(procs.empty());
	EXPECT_TRUE(Contains(ReadFile("/proc/" + procs.substr(0, procs.find('\n')) + "/cmdline"),
			     "sleep"));

	// The other verbs find the scope from the record, without the flag.
	Result ps = In({"/kakoi", "--root", "/run/kk", "ps", "c1"});
	EXPECT_EQ(ps.exit_code, 0) << ps;
	EXPECT_TRUE(Contains(ps.out, "sleep")) << ps;
	EXPECT_EQ(In({"/kakoi", "--root", "/run/kk", "pause", "c1"}).exit_code, 0);
	EXPECT_EQ(Value("freezer", kScope, "freezer.state"), "FROZEN");
	EXPECT_EQ(In({"/kakoi", "--root", "/run/kk", "resume", "c1"}).exit_code, 0);
	EXPECT_EQ(Value("freezer", kScope, "freezer.state"), "THAWED");

	Result up = Inner({"update", "--memory", "209715200", "--pids-limit", "77", "--cpu-quota",
			   "50000", "--cpuset-cpus", "0-1", "c1"});
	ASSERT_EQ(up.exit_code, 0) << up;
	show = Show("kakoi-c1.scope", "MemoryLimit,TasksMax,CPUQuotaPerSecUSec,AllowedCPUs");
	EXPECT_TRUE(Contains(show, "MemoryLimit=209715200")) << show;
	EXPECT_TRUE(Contains(show, "TasksMax=77")) << show;
	EXPECT_TRUE(Contains(show, "CPUQuotaPerSecUSec=500ms")) << show;
	EXPECT_TRUE(Contains(show, "AllowedCPUs=0-1")) << show;
	EXPECT_EQ(Value("cpu", kScope, "cpu.cfs_quota_us"), "50000");
	EXPECT_EQ(Value("cpuset", kScope, "cpuset.cpus"), "0-1");
	EXPECT_EQ(Value("memory", kScope, "memory.limit_in_bytes"), "209715200");
	EXPECT_EQ(Value("pids", kScope, "pids.max"), "77");

	Result del = Inner({"delete", "--force", "c1"});
	ASSERT_EQ(del.exit_code, 0) << del;
	EXPECT_TRUE(Contains(Show("kakoi-c1.scope", "LoadState"), "LoadState=not-found"));
	for (const char *h : {"memory", "pids", "cpu", "cpuset", "freezer", "devices", "systemd"})
		EXPECT_FALSE(Exists(HostDir(h, kScope))) << h;
}

// A create that fails after systemd made the scope (the executable does not
// exist) stops the unit again; a create whose unit name is taken fails
// without stopping the other container's unit.
TEST_F(Systemd, FailuresLeaveNoUnitAndNeverStopAnothers)
{
	ASSERT_NO_FATAL_FAILURE(Boot());
	WriteInnerBundle("kakoi-it.slice:kakoi:bad", "{}", {"/no/such/program"});
	Result bad = Inner({"run", "--detach", "--bundle", "/inner", "bad"});
	EXPECT_NE(bad.exit_code, 0) << bad;
	EXPECT_TRUE(Contains(Show("kakoi-bad.scope", "LoadState"), "LoadState=not-found"));
	EXPECT_FALSE(Exists(HostDir("pids", "/kakoi.slice/kakoi-it.slice/kakoi-bad.scope")));

	WriteInnerBundle("kakoi-it.slice:kakoi:c1", kLimits);
	Result first = Inner({"run", "--detach", "--bundle", "/inner", "c1"});
	ASSERT_EQ(first.exit_code, 0) << first;
	Result second = Inner({"run", "--detach", "--bundle", "/inner", "c2"});
	EXPECT_NE(second.exit_code, 0) << second;
	EXPECT_TRUE(Contains(second.err, "--systemd-cgroup: start kakoi-c1.scope")) << second;
	EXPECT_TRUE(Contains(Show("kakoi-c1.scope", "ActiveState"), "ActiveState=active"));
	EXPECT_EQ(Inner({"state", "c2"}).exit_code, 1);
	Result del = Inner({"delete", "--force", "c1"});
	EXPECT_EQ(del.exit_code, 0) << del;
}

// systemd in the unified layout: the scope is made there, kakoi's v2 steps
// work around it (its device program on the scope's directory), delete
// stops it. No controller but hugetlb reaches this cgroup2 hierarchy on
// these hosts, so a memory or pids limit is a plan error here, and
// systemd's v2 properties (MemoryMax, CPUWeight...) are not enforced.
TEST_F(Systemd, UnifiedLayoutScopeAndDeviceProgram)
{
	UseUnifiedLayout();
	ASSERT_NO_FATAL_FAILURE(Boot());
	WriteInnerBundle("kakoi-it.slice:kakoi:c1", "{}");
	Result run = Inner({"run", "--detach", "--bundle", "/inner", "c1"});
	ASSERT_EQ(run.exit_code, 0) << run;
	std::string show = Show("kakoi-c1.scope", "ActiveState,ControlGroup,Delegate");
	EXPECT_TRUE(Contains(show, "ActiveState=active")) << show;
	EXPECT_TRUE(Contains(show, std::string("ControlGroup=") + kScope)) << show;
	EXPECT_TRUE(Contains(show, "Delegate=yes")) << show;
	std::string dir = HostDir("unified", kScope);
	std::string procs = Value("unified", kScope, "cgroup.procs");
	ASSERT_FALSE(procs.empty());
	EXPECT_TRUE(Contains(ReadFile("/proc/" + procs.substr(0, procs.find('\n')) + "/cmdline"),
			     "sleep"));
	EXPECT_EQ(kk_it::DeviceProgramIds(dir).size(), 1u);

	WriteInnerBundle("kakoi-it.slice:kakoi:c2", R"({"pids": {"limit": 5}})");
	Result limited = Inner({"run", "--detach", "--bundle", "/inner", "c2"});
	EXPECT_NE(limited.exit_code, 0) << limited;
	EXPECT_TRUE(Contains(limited.err, "linux.resources.pids.limit")) << limited;

	Result del = Inner({"delete", "--force", "c1"});
	EXPECT_EQ(del.exit_code, 0) << del;
	EXPECT_FALSE(Exists(dir));
	EXPECT_EQ(KakoiScopes(), "");
}

// kakoi_fault fails create at the D-Bus call that starts the unit, then at
// each write in turn (the state files and every cgroup file written after
// the scope started): each failed create leaves no unit and no state, and
// the sweep ends with a create that succeeds.
TEST_F(Systemd, EveryFailedCreateStopsTheUnit)
{
	ASSERT_NO_FATAL_FAILURE(Boot());
	WriteInnerBundle("kakoi-it.slice:kakoi:c1", kLimits);
	auto faulty = [&](const std::string &match, int at) {
		return In({"/usr/bin/env", "KAKOI_FAULT_MATCH=" + match,
			   "KAKOI_FAULT_AT=" + std::to_string(at), "/kakoi_fault",
			   "--systemd-cgroup", "--root", "/run/kk", "run", "--detach", "--bundle",
			   "/inner", "c1"});
	};
	Result r = faulty("sd_call", 1);
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "systemd-scope")) << r;
	EXPECT_EQ(KakoiScopes(), "");
	int at = 1, failed_after_scope = 0;
	for (; at <= 100; at++) {
		r = faulty("write", at);
		if (r.exit_code == 0)
			break;
		std::string scopes = KakoiScopes();
		EXPECT_EQ(scopes, "") << "write " << at << ": " << r;
		EXPECT_NE(Inner({"state", "c1"}).exit_code, 0) << "write " << at;
		failed_after_scope +=
			Contains(r.err, "host-attach") && !Contains(r.err, "systemd-scope");
		if (!scopes.empty())
			break;
	}
	EXPECT_EQ(r.exit_code, 0) << "no create succeeded in " << at - 1 << " faults";
	RecordProperty("writes_failed", at - 1);
	RecordProperty("failed_after_scope", failed_after_scope);
	EXPECT_GT(failed_after_scope, 5) << "the sweep never failed a step after the scope";
	EXPECT_TRUE(Contains(Show("kakoi-c1.scope", "ActiveState"), "ActiveState=active"));
	Result del = Inner({"delete", "--force", "c1"});
	EXPECT_EQ(del.exit_code, 0) << del;
	EXPECT_EQ(KakoiScopes(), "");
}

} // namespace
} // namespace kk_it
