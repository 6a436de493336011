// An image's hook through the kakoi binary (issue 11, item 3): a
// startContainer hook is found in the container's filesystem, so the image
// supplies it; a createContainer hook whose path points into the rootfs
// too. Each runs as the container's process (user, groups, capabilities,
// no_new_privs) under both hook profiles, and each escape attempt fails:
// open_by_handle_at of a host file, /proc/sys, a fresh procfs. The host is
// checked afterwards (the file, the sysctl; a changed sysctl is restored
// and fails the test). Item 13: a hook without env inherits kakoi's
// environment under standard (the container process's, for a hook in the
// container), none under strict.
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "tests/hooks/file_handle.h"
#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{
namespace
{

// Global (not namespaced), harmless to change for an instant.
const char kSysctl[] = "kernel/printk_ratelimit_burst";
// CAP_KILL, CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE: `kakoi spec`'s set.
const char kSpecCaps[] = "0000000020000420";

std::string EscapeHelper()
{
	char real[PATH_MAX];
	return realpath("tests/hooks/escape_helper_bin", real) ? real : "/nonexistent";
}

std::string Line(const std::string &text, const std::string &key)
{
	size_t at = text.find(key);
	if (at == std::string::npos)
		return "(no " + key + ")";
	return text.substr(at, text.find('\n', at) - at);
}

std::set<std::string> Lines(const std::string &text)
{
	std::set<std::string> out;
	std::stringstream ss(text);
	for (std::string line; std::getline(ss, line);)
		out.insert(line);
	return out;
}

// What the escapes need, on top of `kakoi spec`'s set: a container
// configured with them may do this itself; the image's hook still may not.
const char kEscapeCaps[] = "[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\",\"CAP_AUDIT_WRITE\","
			   "\"CAP_DAC_OVERRIDE\",\"CAP_DAC_READ_SEARCH\",\"CAP_SYS_ADMIN\"]";

using kk_hooks_test::FileHandle;

using kk_scope::SysctlGuard;

class HooksConfine : public IntegrationTest, public ::testing::WithParamInterface<bool>
{
      protected:
	void SetUp() override
	{
		IntegrationTest::SetUp();
		if (HasFatalFailure())
			return;
		dir_ = HostTempDir("hooks-confine");
		audit_ = dir_ + "/audit.log";
		policy_ = dir_ + "/policy.json";
		WriteFile(policy_, GetParam() ? "{\"profile\":\"strict\"}\n"
					      : "{\"profile\":\"standard\"}\n");
		// Where hooks answer: the host's log_, the container's /hooklog;
		// any user may write there.
		log_ = HostTempDir("hooklog");
		ASSERT_EQ(chmod(log_.c_str(), 0777), 0);
		ASSERT_EQ(mkdir((rootfs_ + "/hooklog").c_str(), 0755), 0);
		ASSERT_EQ(mkdir((rootfs_ + "/hooks").c_str(), 0755), 0);
		config_->AddMount("/hooklog", "bind", log_, {"rbind", "rw"});
		std::string image_hook = rootfs_ + "/hooks/escape";
		WriteFile(image_hook, ReadFile(EscapeHelper()));
		ASSERT_EQ(chmod(image_hook.c_str(), 0755), 0);
		ASSERT_FALSE(ReadFile(image_hook).empty()) << "no escape helper";
	}

	bool Strict() const
	{
		return GetParam();
	}

	// A hook without env unless env is given.
	void AddHook(const std::string &kind, const std::string &path,
		     const std::vector<std::string> &args, const std::string &env_json = "")
	{
		std::string argv = "[" + Quote(path);
		for (const auto &a : args)
			argv += "," + Quote(a);
		std::string json = "{\"path\":" + Quote(path) + ",\"args\":" + argv + "]";
		if (!env_json.empty())
			json += ",\"env\":" + env_json;
		config_->Append("hooks." + kind, json + "}");
	}

	// The image's hook: startContainer, /hooks/escape in the rootfs.
	void AddImageHook(const std::vector<std::string> &args)
	{
		AddHook("startContainer", "/hooks/escape", args);
	}

	void SetCaps(const std::string &caps_json)
	{
		for (const char *set :
		     {"bounding", "effective", "permitted", "inheritable", "ambient"})
			config_->Set(std::string("process.capabilities.") + set, caps_json);
	}

	Result RunH(const std::vector<std::string> &process_args)
	{
		config_->SetArgs(process_args);
		SaveConfig();
		return Kakoi({"--hook-policy", policy_, "--hook-audit-log", audit_, "run",
			      "--bundle", bundle_, id_});
	}

	std::string Log(const std::string &name) const
	{
		return ReadFile(log_ + "/" + name);
	}

	std::string dir_, audit_, policy_, log_;
};

// The hook's identity and capabilities are the process's (standard) or
// within them (strict), as root and as another user.
TEST_P(HooksConfine, AStartContainerHookRunsAsTheContainersProcess)
{
	for (bool root : {true, false}) {
		std::string who = root ? "root" : "user";
		if (!root)
			config_->Set("process.user",
				     R"({"uid":1000,"gid":1000,"additionalGids":[5]})");
		config_->Remove("hooks");
		AddImageHook({"status", "/hooklog/hook-" + who});
		Result r = RunH({"/hooks/escape", "status", "/hooklog/process-" + who});
		ASSERT_EQ(r.exit_code, 0) << who << ": " << r;
		std::string hook = Log("hook-" + who), process = Log("process-" + who);
		ASSERT_FALSE(process.empty()) << who;
		EXPECT_EQ(Line(hook, "Uid:"),
			  root ? "Uid:\t0\t0\t0\t0" : "Uid:\t1000\t1000\t1000\t1000")
			<< who << "\n"
			<< hook;
		if (!root) {
			EXPECT_EQ(Line(hook, "Groups:"), "Groups:\t5 ") << hook;
		}
		EXPECT_EQ(Line(hook, "NoNewPrivs:"), "NoNewPrivs:\t1") << hook;
		EXPECT_NE(Line(hook, "CapEff:"), "CapEff:\t000001fffef7ffff") << hook;
		if (!Strict()) {
			EXPECT_EQ(Lines(hook), Lines(process)) << who << "\nhook:\n"
							       << hook << "process:\n"
							       << process;
			EXPECT_EQ(Line(hook, "CapBnd:"), std::string("CapBnd:\t") + kSpecCaps);
		} else {
			// Strict's default keepCapabilities leave CAP_KILL of the three.
			EXPECT_EQ(Line(hook, "CapBnd:"), "CapBnd:\t0000000000000020") << hook;
			EXPECT_EQ(Line(hook, "CapAmb:"), "CapAmb:\t0000000000000000") << hook;
		}
		ExpectNothingLeftBehind(id_);
	}
}

// The Shocker escape: the handle of a host file outside the rootfs, opened
// through a mount of the same filesystem in the container. The process is
// configured with CAP_DAC_READ_SEARCH and CAP_SYS_ADMIN: the image's
// hook still cannot.
TEST_P(HooksConfine, AStartContainerHookCannotOpenAHostFileByHandle)
{
	std::string victim = bundle_ + "/host-file";
	WriteFile(victim, "host data\n");
	std::string type, hex;
	ASSERT_TRUE(FileHandle(victim, &type, &hex)) << strerror(errno);
	SetCaps(kEscapeCaps);
	// Through /hooklog: a writable mount of the same filesystem.
	AddImageHook({"handle", "/hooklog/handle", "/hooklog", type, hex, "HACKED"});
	Result r = RunH({"/bin/true"});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(Log("handle"), "open EPERM\nwrite EPERM\n");
	EXPECT_EQ(ReadFile(victim), "host data\n") << "the hook wrote a host file";
	ExpectNothingLeftBehind(id_);
}

// /proc/sys and a fresh procfs, with CAP_SYS_ADMIN configured, from
// startContainer (inside, /proc/sys read-only as configured, and also with
// no readonlyPaths at all) and from a createContainer hook in the rootfs
// (before pivot_root: the host's /proc). The host's sysctl is unchanged.
TEST_P(HooksConfine, AnImagesHookCannotWriteAHostSysctl)
{
	SysctlGuard guard(kSysctl);
	ASSERT_FALSE(guard.Before().empty());
	std::string changed = std::to_string(atoi(guard.Before().c_str()) + 1);
	ASSERT_EQ(mkdir((log_ + "/mnt").c_str(), 0755), 0);
	SetCaps(kEscapeCaps);
	AddImageHook({"sysctl", "/hooklog/start", "/hooklog/mnt", kSysctl, changed});
	AddHook("createContainer", rootfs_ + "/hooks/escape",
		{"sysctl", log_ + "/create", log_ + "/mnt", kSysctl, changed});
	for (bool readonly_paths : {true, false}) {
		if (!readonly_paths)
			config_->Remove("linux.readonlyPaths");
		Result r = RunH({"/bin/true"});
		ASSERT_EQ(r.exit_code, 0) << r;
		EXPECT_EQ(Log("start"), "proc EROFS\nmount EPERM\nfresh ENOENT\n")
			<< "readonlyPaths: " << readonly_paths;
		EXPECT_EQ(Log("create"), "proc EROFS\nmount EPERM\nfresh ENOENT\n")
			<< "readonlyPaths: " << readonly_paths;
		EXPECT_FALSE(guard.Restore()) << "an image's hook changed the host's " << kSysctl;
		ExpectNothingLeftBehind(id_);
	}
}

// A createContainer hook named by a host path stays the operator's: it
// keeps the runtime's power (a GPU hook mounts), as with runc.
TEST_P(HooksConfine, AHostCreateContainerHookKeepsTheRuntimesPower)
{
	std::string host_hook = dir_ + "/escape";
	WriteFile(host_hook, ReadFile(EscapeHelper()));
	ASSERT_EQ(chmod(host_hook.c_str(), 0755), 0);
	config_->Set("process.user", R"({"uid":1000,"gid":1000})");
	AddHook("createContainer", host_hook, {"status", log_ + "/create"});
	Result r = RunH({"/bin/true"});
	ASSERT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(Line(Log("create"), "Uid:"), "Uid:\t0\t0\t0\t0") << Log("create");
	ExpectNothingLeftBehind(id_);
}

// Item 13. prestart without env: kakoi's environment under standard, none
// under strict; startContainer without env: the container process's
// environment (kakoi's never reaches the image); with env: exactly it.
TEST_P(HooksConfine, AHookWithoutEnvInheritsUnderStandardOnly)
{
	std::string host_hook = dir_ + "/escape";
	WriteFile(host_hook, ReadFile(EscapeHelper()));
	ASSERT_EQ(chmod(host_hook.c_str(), 0755), 0);
	AddHook("prestart", host_hook, {"env", log_ + "/prestart"});
	AddHook("poststart", host_hook, {"env", log_ + "/poststart"}, "[\"OWN=1\"]");
	AddImageHook({"env", "/hooklog/start"});
	setenv("KAKOI_IT_RUNTIME_VAR", "from-kakoi", 1);
	Result r = RunH({"/bin/true"});
	unsetenv("KAKOI_IT_RUNTIME_VAR");
	ASSERT_EQ(r.exit_code, 0) << r;
	std::set<std::string> prestart = Lines(Log("prestart")), start = Lines(Log("start"));
	EXPECT_EQ(Log("poststart"), "OWN=1\n");
	if (Strict()) {
		EXPECT_EQ(Log("prestart"), "");
		EXPECT_EQ(Log("start"), "");
		return;
	}
	EXPECT_EQ(prestart.count("KAKOI_IT_RUNTIME_VAR=from-kakoi"), 1u) << Log("prestart");
	EXPECT_EQ(prestart.count(marker_), 0u) << Log("prestart");
	EXPECT_EQ(start.count(marker_), 1u) << Log("start");
	EXPECT_EQ(start.count("KAKOI_IT_RUNTIME_VAR=from-kakoi"), 0u) << Log("start");
	EXPECT_EQ(start.count("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
		  1u)
		<< Log("start");
}

INSTANTIATE_TEST_SUITE_P(StandardAndStrict, HooksConfine, ::testing::Bool(),
			 [](const ::testing::TestParamInfo<bool> &info) {
				 return std::string(info.param ? "Strict" : "Standard");
			 });

} // namespace
} // namespace kk_it
