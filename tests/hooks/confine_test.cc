// An image's hook (issue 11, item 3) and a hook's environment (item 13),
// through kk_hooks_run as root on the host: a hook the container's image
// supplies runs as the container's process (user, groups, capabilities,
// no_new_privs), cannot open host files by handle, mount a procfs or write
// /proc/sys, under both profiles; a hook without env inherits under
// standard and gets nothing under strict. Every host file and sysctl a
// hook tries is checked afterwards; a sysctl is restored if it changed.
#include <fcntl.h>
#include <stddef.h>
#include <sys/wait.h>

#include "tests/hooks/file_handle.h"
#include "tests/hooks/hook_fixture.h"
#include "tests/scope/scope.h"

namespace hooktest
{
namespace
{

// KILL, NET_BIND_SERVICE, AUDIT_WRITE: `kakoi spec`'s (and runc's) sets.
const uint64_t kDefaultCaps = (1ULL << 5) | (1ULL << 10) | (1ULL << 29);
const uint64_t kAllCaps = (1ULL << 41) - 1;
// Global (not namespaced) and harmless to change for an instant.
const char kSysctl[] = "kernel/printk_ratelimit_burst";

std::string Line(const std::string &text, const std::string &key)
{
	size_t at = text.find(key);
	if (at == std::string::npos)
		return "(no " + key + ")";
	return text.substr(at, text.find('\n', at) - at);
}

using kk_scope::SysctlGuard;

using kk_hooks_test::FileHandle;

class Confine : public HookRun
{
      protected:
	kk_capabilities caps = {};
	kk_user user = {};
	kk_process process = {};
	std::string escape, out;

	void SetUp() override
	{
		char real[PATH_MAX];

		HookRun::SetUp();
		if (HasFatalFailure())
			return;
		ASSERT_NE(realpath("tests/hooks/escape_helper_bin", real), nullptr);
		escape = real;
		// A hook running as another user writes its answers here,
		// relative to its cwd (the bundle): the test's temp parents may
		// not be searchable for it.
		out = dir + "/out";
		ASSERT_EQ(chmod(dir.c_str(), 0711), 0);
		ASSERT_EQ(mkdir(out.c_str(), 0777), 0);
		ASSERT_EQ(chmod(out.c_str(), 0777), 0);
		AsProcess(0, 0, kDefaultCaps, false);
	}

	void AsProcess(uint32_t uid, uint32_t gid, uint64_t set, bool nnp)
	{
		caps = {set, set, set, set, set};
		user.uid = uid;
		user.gid = gid;
		process.capabilities = &caps;
		process.user = &user;
		process.no_new_privileges = nnp;
		as_process = &process;
	}

	void Profile(const char *name)
	{
		kk_hook_policy_free(policy);
		policy = nullptr;
		Policy(std::string(R"({"profile":")") + name + "\"}");
	}

	// startContainer: the image's hook, in the container's namespaces.
	int RunImageHook()
	{
		return Run(KK_HOOK_START_CONTAINER, true);
	}
};

TEST_F(Confine, AnImagesHookRunsAsTheContainersProcess)
{
	static const gid_t groups[] = {5, 7};

	for (const char *profile : {"standard", "strict"}) {
		Profile(profile);
		AsProcess(1000, 1001, kDefaultCaps, true);
		user.additional_gids = {reinterpret_cast<const uint32_t *>(groups), 2};
		hooks.clear();
		Add(escape, {"escape", "status", "out/user-" + std::string(profile)});
		ASSERT_EQ(RunImageHook(), 0) << profile << ": " << err.msg;
		std::string st = Slurp(out + "/user-" + profile);
		EXPECT_EQ(Line(st, "Uid:"), "Uid:\t1000\t1000\t1000\t1000") << st;
		EXPECT_EQ(Line(st, "Gid:"), "Gid:\t1001\t1001\t1001\t1001") << st;
		EXPECT_EQ(Line(st, "Groups:"), "Groups:\t5 7 ") << st;
		bool strict = !strcmp(profile, "strict");
		// Strict keeps CAP_KILL of the three (its default keepCapabilities).
		EXPECT_EQ(Line(st, "CapBnd:"),
			  std::string("CapBnd:\t") +
				  (strict ? "0000000000000020" : "0000000020000420"))
			<< st;
		// Strict empties inheritable and ambient, so a non-root hook has
		// nothing; standard keeps the process's ambient set.
		std::string held = strict ? "0000000000000000" : "0000000020000420";
		EXPECT_EQ(Line(st, "CapEff:"), "CapEff:\t" + held) << st;
		EXPECT_EQ(Line(st, "CapPrm:"), "CapPrm:\t" + held) << st;
		EXPECT_EQ(Line(st, "NoNewPrivs:"), "NoNewPrivs:\t1") << st;

		// The audit record says whom it ran as.
		auto recs = Audit();
		ASSERT_FALSE(recs.empty());
		EXPECT_EQ(Int(recs.back(), "uid"), 1000) << profile;
		EXPECT_EQ(Int(recs.back(), "gid"), 1001) << profile;
		Free(recs);
	}
}

// Root in the container, runc's default capabilities: after exec root holds
// its bounding set, which is the process's, as the process itself does.
TEST_F(Confine, ARootImageHookHasTheProcesssCapabilitiesNotTheInits)
{
	for (const char *profile : {"standard", "strict"}) {
		Profile(profile);
		hooks.clear();
		Add(escape, {"escape", "status", "out/root-" + std::string(profile)});
		ASSERT_EQ(RunImageHook(), 0) << profile << ": " << err.msg;
		std::string st = Slurp(out + "/root-" + profile);
		// Strict also cuts to its keepCapabilities: CAP_KILL of the three.
		std::string held =
			strcmp(profile, "strict") ? "0000000020000420" : "0000000000000020";
		EXPECT_EQ(Line(st, "Uid:"), "Uid:\t0\t0\t0\t0") << st;
		EXPECT_EQ(Line(st, "CapBnd:"), "CapBnd:\t" + held) << st;
		EXPECT_EQ(Line(st, "CapEff:"), "CapEff:\t" + held) << st;
		EXPECT_EQ(Line(st, "CapPrm:"), "CapPrm:\t" + held) << st;
		EXPECT_EQ(Line(st, "NoNewPrivs:"),
			  std::string("NoNewPrivs:\t") + (strcmp(profile, "strict") ? "0" : "1"))
			<< st;
	}
}

// The Shocker escape: a handle of a host file, opened through "/". Denied
// even when the process's configuration has CAP_DAC_READ_SEARCH; a hook
// of the runtime's own (prestart) shows the attempt works otherwise.
TEST_F(Confine, AnImagesHookCannotOpenAHostFileByHandle)
{
	std::string victim = dir + "/host-file";
	std::ofstream(victim) << "host data\n";
	std::string type, hex;
	ASSERT_TRUE(FileHandle(victim, &type, &hex));

	for (const char *profile : {"standard", "strict"}) {
		Profile(profile);
		AsProcess(0, 0, kAllCaps, false);
		hooks.clear();
		Add(escape, {"escape", "handle", "out/handle", "/", type, hex, "HACKED"});
		ASSERT_EQ(RunImageHook(), 0) << profile << ": " << err.msg;
		EXPECT_EQ(Slurp(out + "/handle"), "open EPERM\nwrite EPERM\n") << profile;
		EXPECT_EQ(Slurp(victim), "host data\n") << profile;
	}
	Profile("standard");
	as_process = nullptr;
	hooks.clear();
	Add(escape, {"escape", "handle", "out/handle", "/", type, hex, "HOST"});
	ASSERT_EQ(Run(KK_HOOK_PRESTART), 0) << err.msg;
	EXPECT_EQ(Slurp(out + "/handle"), "open ok\nread host data\nwrite ok\n");
}

// /proc/sys as the hook finds it (the host's, as createContainer does
// before pivot_root) and a fresh procfs: neither writes the host's
// sysctl, even for a process configured with every capability.
TEST_F(Confine, AnImagesHookCannotWriteAHostSysctl)
{
	SysctlGuard guard(kSysctl);
	ASSERT_FALSE(guard.Before().empty());
	std::string changed = std::to_string(atoi(guard.Before().c_str()) + 1);
	ASSERT_EQ(mkdir((dir + "/mnt").c_str(), 0755), 0);

	for (const char *profile : {"standard", "strict"}) {
		int rc = InChild([&] {
			PrivateMounts();
			Profile(profile);
			AsProcess(0, 0, kAllCaps, false);
			Add(escape,
			    {"escape", "sysctl", "out/sysctl", dir + "/mnt", kSysctl, changed});
			return RunImageHook() == 0 ? 0 : 11;
		});
		EXPECT_EQ(rc, 0) << profile;
		EXPECT_EQ(Slurp(out + "/sysctl"), "proc EROFS\nmount EPERM\nfresh ENOENT\n")
			<< profile;
		EXPECT_FALSE(guard.Restore()) << profile << ": the hook changed " << kSysctl;
	}
	// The same hook as the runtime's own writes /proc/sys: the test can
	// fail. It writes the value that is there, changing nothing.
	int rc = InChild([&] {
		PrivateMounts();
		as_process = nullptr;
		Add(escape,
		    {"escape", "sysctl", "out/control", dir + "/mnt", kSysctl, guard.Before()});
		return Run(KK_HOOK_PRESTART) == 0 ? 0 : 11;
	});
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(Line(Slurp(out + "/control"), "proc"), "proc ok");
	EXPECT_FALSE(guard.Restore());
}

// createContainer resolves its path in the runtime's view: a host file is
// the operator's hook (the runtime's power, a GPU hook's mounts), a file
// in the rootfs is the image's.
TEST_F(Confine, ACreateContainerHookIsTheImagesOnlyFromTheRootfs)
{
	std::string rootfs = dir + "/rootfs";
	ASSERT_EQ(mkdir(rootfs.c_str(), 0755), 0);
	std::string in_image = rootfs + "/escape";
	std::ifstream src(escape, std::ios::binary);
	std::ofstream(in_image, std::ios::binary) << src.rdbuf();
	ASSERT_EQ(chmod(in_image.c_str(), 0755), 0);
	AsProcess(1000, 1000, kDefaultCaps, true);
	image_rootfs = rootfs.c_str();

	Add(in_image, {"escape", "status", "out/image"});
	Add(escape, {"escape", "status", "out/host"});
	ASSERT_EQ(Run(KK_HOOK_CREATE_CONTAINER, true), 0) << err.msg;
	EXPECT_EQ(Line(Slurp(out + "/image"), "Uid:"), "Uid:\t1000\t1000\t1000\t1000");
	EXPECT_EQ(Line(Slurp(out + "/host"), "Uid:"), "Uid:\t0\t0\t0\t0");
	EXPECT_EQ(Line(Slurp(out + "/host"), "NoNewPrivs:"), "NoNewPrivs:\t0");
}

// Item 13: a hook without env inherits under standard, gets none under
// strict; a hook with env gets exactly it under both, and "env": [] (runc:
// an empty environment) gets none under both. The audit record names what
// it got.
TEST_F(Confine, AHookWithoutEnvInheritsUnderStandardOnly)
{
	inherit_env = Strv({"PATH=/usr/bin:/bin", "INHERITED=1"});
	as_process = nullptr;
	for (const char *profile : {"standard", "strict"}) {
		Profile(profile);
		hooks.clear();
		std::string p = profile;
		Add(escape, {"escape", "env", "out/none-" + p});
		Add(escape, {"escape", "env", "out/own-" + p}, {"OWN=2"});
		AddEmptyEnv(escape, {"escape", "env", "out/empty-" + p});
		ASSERT_EQ(Run(), 0) << profile << ": " << err.msg;
		EXPECT_EQ(Slurp(out + "/none-" + p),
			  p == "standard" ? "PATH=/usr/bin:/bin\nINHERITED=1\n" : "")
			<< profile;
		EXPECT_EQ(Slurp(out + "/own-" + p), "OWN=2\n") << profile;
		EXPECT_EQ(Slurp(out + "/empty-" + p), "") << profile;
	}
	auto recs = Audit();
	ASSERT_EQ(recs.size(), 12u);
	EXPECT_EQ(Json(recs[0], "env"), R"(["PATH","INHERITED"])");
	EXPECT_EQ(Json(recs[2], "env"), R"(["OWN"])");
	EXPECT_EQ(Json(recs[4], "env"), "[]");
	EXPECT_EQ(Json(recs[6], "env"), "[]");
	Free(recs);
}

} // namespace
} // namespace hooktest
