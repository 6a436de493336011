// Configs that the spec allows, or that runc and crun run, run on kakoi
// (issue 11): a seccomp profile that denies what it does not list, unknown
// capabilities, ambient capabilities without inheritable ones (crun's own
// `spec`), a missing cwd under a read-only root, kernelTCP; `exec --cap`
// gives no inheritable or ambient capability; exec's exit status and --log
// as managers read them; `validate --strict`.
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

// A line "Name:\tvalue" of a /proc/PID/status text.
std::string StatusField(const std::string &status, const std::string &name)
{
	std::stringstream ss(status);
	for (std::string line; std::getline(ss, line);)
		if (line.rfind(name + ":", 0) == 0)
			return line.substr(line.find_first_not_of(" \t", name.size() + 1));
	return "";
}

// The syscalls a static busybox needs to run `echo`, nothing of kakoi's
// own setup: no close_range, getcwd, chdir, fcntl, capset, setuid.
std::string StrictProfile(const std::string &extra_allowed = "")
{
	return R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["execve","brk",)"
	       R"("arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64",)"
	       R"("getrandom","mprotect","readlink","getuid","prctl","write","exit_group",)"
	       R"("exit")" +
	       extra_allowed + R"(],"action":"SCMP_ACT_ALLOW"}]})";
}

class Conformance : public IntegrationTest
{
      protected:
	// The container process's status file, read by itself.
	std::string OwnStatus()
	{
		Result r = RunContainer({"/bin/cat", "/proc/self/status"});
		EXPECT_EQ(r.exit_code, 0) << r;
		return r.out;
	}
};

// Podman's and Docker's profiles deny whatever they do not list. The filter
// is the last thing before execve, so it constrains the process only.
TEST_F(Conformance, ASeccompProfileThatDeniesTheSetupStillRuns)
{
	config_->Set("process.noNewPrivileges", "true");
	config_->SetSeccomp(StrictProfile());
	Result r = RunContainer({"/bin/busybox", "echo", "filtered"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "filtered\n") << r;
}

// Without no_new_privs the filter needs CAP_SYS_ADMIN to load: it is held
// for it and dropped by one capset after it, the one syscall the profile
// must allow besides execve. A profile that denies it is refused at create,
// before anything runs: after the filter the init could report nothing.
TEST_F(Conformance, WithoutNoNewPrivilegesOnlyCapsetFollowsTheFilter)
{
	config_->Set("process.noNewPrivileges", "false");
	config_->SetSeccomp(StrictProfile(R"(,"capset")"));
	Result r = RunContainer({"/bin/busybox", "echo", "filtered"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "filtered\n") << r;

	config_->SetSeccomp(StrictProfile());
	Result denied = RunContainer({"/bin/busybox", "echo", "filtered"});
	EXPECT_EQ(denied.exit_code, 1) << denied;
	EXPECT_EQ(denied.err, "kakoi: linux.seccomp: the profile denies capset, which must follow "
			      "the filter when process.noNewPrivileges is false (the filter is "
			      "loaded holding CAP_SYS_ADMIN, the process does not keep it): allow "
			      "capset or set noNewPrivileges\n")
		<< denied;
}

// The CAP_SYS_ADMIN held for the filter is gone from the process.
TEST_F(Conformance, TheCapabilityHeldForTheFilterIsDropped)
{
	config_->Set("process.noNewPrivileges", "false");
	config_->SetSeccomp(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],)"
			    R"("action":"SCMP_ACT_ERRNO"}]})");
	std::string with_filter = OwnStatus();
	config_->Remove("linux.seccomp");
	std::string without = OwnStatus();
	for (const char *set : {"CapPrm", "CapEff", "CapInh", "CapBnd", "CapAmb"})
		EXPECT_EQ(StatusField(with_filter, set), StatusField(without, set)) << set;
	EXPECT_EQ(StatusField(with_filter, "Seccomp"), "2");
	// CAP_SYS_ADMIN is bit 21: not in kakoi spec's default sets.
	EXPECT_EQ(std::stoull(StatusField(with_filter, "CapEff"), nullptr, 16) & (1ull << 21), 0u);
}

// config.md: an unknown capability "MUST be logged as a warning by the
// runtime and SHOULD NOT fail".
TEST_F(Conformance, UnknownCapabilitiesAreWarnedAboutAndLeftOut)
{
	config_->Append("process.capabilities.bounding", "\"CAP_UNKNOWN\"");
	Result r = RunContainer({"/bin/true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "kakoi: warning: config.json: process.capabilities.bounding["))
		<< r;
	EXPECT_TRUE(Contains(r.err, "]: unknown capability \"CAP_UNKNOWN\", ignored")) << r;
}

// crun's default config lists ambient capabilities without inheritable
// ones: runc and crun run it (the kernel cannot raise them; runc warns).
TEST_F(Conformance, CrunsOwnSpecRuns)
{
	std::string dir = HostTempDir("crun-spec");
	RunOptions in_dir;
	in_dir.cwd = dir;
	Result spec = RunCommand("/usr/bin/crun", {"spec"}, in_dir);
	ASSERT_EQ(spec.exit_code, 0) << spec;
	config_ = Config::Load(dir + "/config.json");
	ASSERT_NE(config_, nullptr);
	config_->Set("root.path", Quote(rootfs_));
	config_->SetCgroupsPath(cgroups_path_);
	config_->SetTerminal(false);
	config_->AddEnv(marker_);
	Result r = RunContainer({"/bin/grep", "Cap", "/proc/self/status"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(StatusField(r.out, "CapAmb"), "0000000000000000") << r;
	EXPECT_TRUE(Contains(r.err, "process.capabilities.ambient: CAP_KILL is not also permitted "
				    "and inheritable, ignored"))
		<< r;
}

// Fields runc (Go) and crun read leniently: JSON null is an absent field,
// "pids": {} has no limit (limit is OPTIONAL in config-linux.md, whose
// schema still requires it), and a hook's "env": [] is an empty
// environment where a missing one inherits kakoi's. Each is a warning at
// most; the container runs.
TEST_F(Conformance, NullFieldsEmptyPidsAndAHookWithAnEmptyEnvRun)
{
	std::string out = HostTempDir("hook-env");
	config_->Set("hostname", "null");
	config_->Set("process.rlimits", "null");
	config_->Set("linux.resources.pids", "{}");
	config_->Set("hooks.prestart", R"([{"path":"/bin/sh","args":["sh","-c","env > )" + out +
					       R"(/empty"],"env":[]},)"
					       R"({"path":"/bin/sh","args":["sh","-c","env > )" +
					       out + R"(/none"]}])");
	Result r = RunContainer({"/bin/true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.err, "hostname: is null: taken as absent")) << r;
	EXPECT_TRUE(Exists(out + "/empty"));
	EXPECT_FALSE(Contains(ReadFile(out + "/empty"), "PATH=")) << "env: [] is empty";
	EXPECT_TRUE(Contains(ReadFile(out + "/none"), "PATH=")) << "no env inherits";
}

// kakoi's own /kakoi in each hierarchy where it is not there yet: a delete
// leaves it for the next container (docs/cgroups.md), so the test that made
// it removes it, while empty, however it ends.
class PrefixMadeHere
{
      public:
	PrefixMadeHere()
	{
		for (const auto &h : CgroupHierarchies())
			if (!Exists(h + "/kakoi"))
				dirs_.push_back(h + "/kakoi");
	}
	~PrefixMadeHere()
	{
		for (const auto &d : dirs_)
			rmdir(d.c_str());
	}

      private:
	std::vector<std::string> dirs_;
};

// config.md: `linux` is OPTIONAL. Without it no namespace is listed, so
// each is kakoi's (the host's here), and the cgroup is the default
// /kakoi/<id> (this test's own ID), gone after the run; /kakoi stays.
TEST_F(Conformance, WithoutALinuxSectionTheContainerRunsInKakoisNamespaces)
{
	PrefixMadeHere prefix;
	config_->Remove("linux");
	config_->Remove("hostname");
	char host_pid_ns[64] = {};
	ASSERT_GT(readlink("/proc/self/ns/pid", host_pid_ns, sizeof(host_pid_ns) - 1), 0);
	Result r = RunContainer({"/bin/readlink", "/proc/self/ns/pid"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, std::string(host_pid_ns) + "\n") << r;
	for (const auto &h : CgroupHierarchies()) {
		EXPECT_FALSE(Exists(h + "/kakoi/" + id_)) << h;
		bool hierarchy = Exists(h + "/cgroup.procs"); // not v1's tmpfs
		EXPECT_TRUE(!hierarchy || Exists(h + "/kakoi"))
			<< h << ": kakoi's own parent stays";
	}
}

// config.md: a relative destination "MUST be interpreted as relative to
// "/""; runc warns that it is deprecated and mounts it.
TEST_F(Conformance, ARelativeMountDestinationIsTakenFromTheRoot)
{
	config_->AddMount("rel/tmp", "tmpfs", "tmpfs", {"size=1m"});
	Result r = RunContainer({"/bin/sh", "-c", "grep -c ' /rel/tmp ' /proc/self/mountinfo"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "1\n") << r;
	EXPECT_TRUE(Contains(r.err, "kakoi: warning: mounts[")) << r;
	EXPECT_TRUE(Contains(r.err, "].destination: \"rel/tmp\" is relative, taken from \"/\""))
		<< r;
}

// sysctl(8)'s path form, as runc reads it.
TEST_F(Conformance, ASysctlInPathFormIsSet)
{
	config_->Set("linux.sysctl", R"({"net/ipv4/ip_forward":"1"})");
	Result r = RunContainer({"/bin/cat", "/proc/sys/net/ipv4/ip_forward"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "1\n") << r;
}

// runc creates a missing cwd while the rootfs is still writable.
TEST_F(Conformance, AMissingCwdIsMadeBeforeTheRootIsReadOnly)
{
	config_->SetReadonlyRoot(true);
	config_->Set("process.cwd", "\"/work/deep/dir\"");
	Result r = RunContainer({"/bin/sh", "-c", "pwd; touch /work/x 2>&1 || echo read-only"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "/work/deep/dir") << r;
	EXPECT_TRUE(Contains(r.out, "read-only")) << r;
	EXPECT_TRUE(Exists(rootfs_ + "/work/deep/dir"));
}

// cgroup v1 still has the file: the limit is written; elsewhere a warning.
TEST_F(Conformance, KernelTcpIsWrittenWhereTheKernelHasIt)
{
	const std::string file = "memory.kmem.tcp.limit_in_bytes";
	if (!Exists("/sys/fs/cgroup/memory/" + file))
		GTEST_SKIP() << "no v1 memory hierarchy with " << file;
	config_->Set("linux.resources.memory", R"({"kernelTCP":8388608})");
	auto sleeper = RunSleeper(id_);
	EXPECT_EQ(ReadFile("/sys/fs/cgroup/memory" + cgroups_path_ + "/" + file), "8388608\n");
}

// exec --cap adds to bounding, effective and permitted only, as runc and
// crun: inheritable or ambient, it would survive the execve of any program
// (CVE-2022-29162).
TEST_F(Conformance, ExecCapIsNeitherInheritableNorAmbient)
{
	auto sleeper = RunSleeper(id_);
	Result root =
		Kakoi({"exec", "--cap", "CAP_SYS_ADMIN", id_, "/bin/cat", "/proc/self/status"});
	ASSERT_EQ(root.exit_code, 0) << root;
	EXPECT_EQ(StatusField(root.out, "CapInh"), "0000000000000000") << root.out;
	EXPECT_EQ(StatusField(root.out, "CapAmb"), "0000000000000000") << root.out;
	EXPECT_NE(std::stoull(StatusField(root.out, "CapEff"), nullptr, 16) & (1ull << 21), 0u)
		<< root.out;
	EXPECT_NE(std::stoull(StatusField(root.out, "CapBnd"), nullptr, 16) & (1ull << 21), 0u)
		<< root.out;

	// A user's process keeps nothing across its execve.
	Result user = Kakoi({"exec", "--user", "1000:1000", "--cap", "CAP_NET_RAW", id_, "/bin/cat",
			     "/proc/self/status"});
	ASSERT_EQ(user.exit_code, 0) << user;
	EXPECT_EQ(StatusField(user.out, "CapInh"), "0000000000000000") << user.out;
	EXPECT_EQ(StatusField(user.out, "CapAmb"), "0000000000000000") << user.out;
	EXPECT_EQ(StatusField(user.out, "CapEff"), "0000000000000000") << user.out;

	Result unknown = Kakoi({"exec", "--cap", "CAP_NOPE", id_, "/bin/true"});
	EXPECT_EQ(unknown.exit_code, 0) << unknown;
	EXPECT_TRUE(
		Contains(unknown.err,
			 "kakoi: warning: exec: --cap: unknown capability \"CAP_NOPE\", ignored"))
		<< unknown;
}

// containerd and CRI-O send the mappings along with a user namespace they
// made and the container joins: they must be that namespace's, as runc
// checks; they are never written. (kakoi plan: nothing is created.)
TEST_F(Conformance, MappingsOfAJoinedUserNamespaceMustBeItsOwn)
{
	const std::string ns = "/proc/" + std::to_string(getpid()) + "/ns/";
	config_->Set("linux.namespaces", "[]");
	for (const char *type : {"user", "pid", "mount", "network", "ipc", "uts"})
		config_->Append("linux.namespaces",
				R"({"type":")" + std::string(type) + R"(","path":")" + ns +
					(std::string(type) == "mount"	  ? "mnt"
					 : std::string(type) == "network" ? "net"
									  : type) +
					"\"}");
	config_->Remove("hostname");
	const std::string identity = R"([{"containerID":0,"hostID":0,"size":4294967295}])";
	config_->Set("linux.uidMappings", identity);
	config_->Set("linux.gidMappings", identity);
	SaveConfig();
	Result same = Kakoi({"plan", "--bundle", bundle_, id_});
	EXPECT_EQ(same.exit_code, 0) << same;

	config_->Set("linux.uidMappings", R"([{"containerID":0,"hostID":100000,"size":65536}])");
	SaveConfig();
	Result other = Kakoi({"plan", "--bundle", bundle_, id_});
	EXPECT_EQ(other.exit_code, 1) << other;
	EXPECT_EQ(other.err,
		  "kakoi: linux.uidMappings: not the mappings of the user namespace at " + ns +
			  "user, which is joined, not made\n");
}

// runc creates the --log file at start; managers open it afterwards.
TEST_F(Conformance, TheLogFileIsCreatedEvenWhenNothingIsLogged)
{
	std::string log = HostTempDir("log") + "/kakoi.log";
	Result r = Kakoi({"--log", log, "list"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Exists(log));
	EXPECT_EQ(ReadFile(log), "");
	Result bad = Kakoi({"--log", "/nonexistent/dir/kakoi.log", "list"});
	EXPECT_EQ(bad.exit_code, 1) << bad;
	EXPECT_EQ(bad.err, "kakoi: --log /nonexistent/dir/kakoi.log: No such file or directory\n");
}

// validate prints the warnings create would give and exits 0; --strict
// makes any of them an error, for pipelines that opt in.
TEST_F(Conformance, ValidateStrictRefusesWhatCreateOnlyWarnsAbout)
{
	Result clean = Kakoi({"validate", "--strict", "--bundle", bundle_});
	EXPECT_EQ(clean.exit_code, 0) << clean;
	EXPECT_EQ(clean.out, "ok\n");

	config_->Append("process.capabilities.effective", "\"CAP_FROM_THE_FUTURE\"");
	SaveConfig();
	Result lax = Kakoi({"validate", "--bundle", bundle_});
	EXPECT_EQ(lax.exit_code, 0) << lax;
	EXPECT_TRUE(Contains(lax.out, "warning: config.json: process.capabilities.effective["))
		<< lax;
	EXPECT_EQ(lax.out.substr(lax.out.size() - 3), "ok\n") << lax;

	Result strict = Kakoi({"validate", "--strict", "--bundle", bundle_});
	EXPECT_EQ(strict.exit_code, 1) << strict;
	EXPECT_TRUE(Contains(strict.out, "unknown capability \"CAP_FROM_THE_FUTURE\", ignored"))
		<< strict;
	EXPECT_EQ(strict.err, "kakoi: " + bundle_ + "/config.json: 1 warning (--strict)\n");
}

} // namespace
} // namespace kk_it
