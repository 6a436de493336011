// The hooks' sandbox against a hostile image or hook (issue 4's review):
// the bytes that run are the hashed ones, the allowlist pins files not
// paths, strict hooks cannot write the kernel's knobs, container hooks
// cannot reach the init's fds, the supervisor never hangs in a child pid
// namespace, and the audit log stays line-per-record and trusted.
#include <sys/prctl.h>
#include <sys/wait.h>

#include "tests/hooks/hook_fixture.h"
#include "tests/scope/scope.h"

extern "C" long hk_reply_margin_s; // hooks/run.c: how long R waits for S beyond the timeout

namespace hooktest
{

// The script overwrites a later line of its own file (in place, same
// length) before the shell has read that far: only the copy that was
// hashed may run.
TEST_F(HookRun, ScriptRewrittenWhileRunningRunsTheHashedBytes)
{
	std::string path = dir + "/self.sh", out = dir + "/out";
	std::string tail = "echo ORIGINAL > " + out + "\n";
	std::string evil = "echo MODIFIED > " + out + "\n";
	std::string pad(64, '#');
	std::string body = "#!/bin/sh\n";
	size_t offset;

	body += "printf '%s' '" + evil.substr(0, evil.size() - 1) + "' | /bin/dd of=" + path +
		" bs=1 seek=OFFSET___ conv=notrunc 2>/dev/null\n";
	for (int i = 0; i < 4096; i++) // 260 KB: far past any shell's read buffer
		body += pad + "\n";
	offset = body.size();
	body += tail;
	char num[16];
	snprintf(num, sizeof(num), "%-9zu", offset);
	body.replace(body.find("OFFSET___"), 9, num);
	ASSERT_EQ(body.size(), offset + tail.size());
	std::ofstream(path) << body;
	chmod(path.c_str(), 0755);
	std::string hashed = Sha256(path);
	Add(path);
	ASSERT_EQ(Run(), 0) << err.msg;
	EXPECT_EQ(Slurp(out), "ORIGINAL\n");
	EXPECT_NE(Slurp(path).find("MODIFIED"), std::string::npos) << "the file was not rewritten";
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Str(lines[1], "sha256"), hashed);
	EXPECT_EQ(Str(lines[1], "resolved"), path);
	Free(lines);
}

TEST_F(HookRun, NonExecutableFileIsRefused)
{
	std::string hook = Script("noexec.sh", "exit 0\n");

	chmod(hook.c_str(), 0644);
	Add(hook);
	EXPECT_EQ(Run(), -1);
	EXPECT_NE(std::string(err.msg).find("no execute permission"), std::string::npos) << err.msg;
}

// The allowlist names dir/hooks/gpu.sh, which does not exist when the
// policy is loaded; a "container" then supplies a file at that path.
TEST_F(HookRun, AllowlistPathSuppliedByAContainerIsRefused)
{
	std::string hooks_dir = dir + "/hooks", rootfs = dir + "/rootfs";
	std::string allowed = hooks_dir + "/gpu.sh";

	ASSERT_EQ(mkdir(hooks_dir.c_str(), 0755), 0);
	ASSERT_EQ(mkdir(rootfs.c_str(), 0755), 0);
	Policy(R"({"profile":"strict","allowedHooks":[")" + allowed + R"("]})");
	std::ofstream(rootfs + "/gpu.sh") << "#!/bin/sh\n/bin/touch " + dir + "/ran\n";
	chmod((rootfs + "/gpu.sh").c_str(), 0755);
	Add(allowed);
	int rc = InChild([&] {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0 ||
		    mount(rootfs.c_str(), hooks_dir.c_str(), nullptr, MS_BIND, nullptr) < 0)
			return 10;
		if (Run() == 0)
			return 11;
		std::ofstream(dir + "/err") << err.msg;
		return 0;
	});
	EXPECT_EQ(rc, 0);
	EXPECT_FALSE(Exists(dir + "/ran"));
	EXPECT_NE(
		Slurp(dir + "/err")
			.find("refused by the hook policy: " + allowed + " is not in allowedHooks"),
		std::string::npos)
		<< Slurp(dir + "/err");
}

TEST_F(HookRun, AllowlistPinsTheFileAndFollowsSymlinksToIt)
{
	std::string hook = Script("gpu.sh", "/bin/echo x >> " + dir + "/ran\n");
	std::string link = dir + "/link.sh";

	ASSERT_EQ(symlink(hook.c_str(), link.c_str()), 0);
	Policy(R"({"profile":"strict","allowedHooks":[")" + hook + R"("]})");
	Add(hook);
	Add(link);
	ASSERT_EQ(Run(), 0) << err.msg;
	EXPECT_EQ(Slurp(dir + "/ran"), "x\nx\n");
	// Replaced after the policy was loaded: another file, refused.
	ASSERT_EQ(rename(hook.c_str(), (dir + "/old.sh").c_str()), 0);
	Script("gpu.sh", "/bin/echo y >> " + dir + "/ran\n");
	hooks.pop_back();
	EXPECT_EQ(Run(), -1);
	EXPECT_NE(std::string(err.msg).find("is not in allowedHooks"), std::string::npos)
		<< err.msg;
	EXPECT_EQ(Slurp(dir + "/ran"), "x\nx\n");
}

TEST_F(HookRun, UnpinnedAllowlistRefusesEverything)
{
	std::string hook = Script("gpu.sh", "exit 0\n");
	std::string json = R"({"profile":"strict","allowedHooks":[")" + hook + R"("]})";

	policy = static_cast<const kk_hook_policy *>(
		kk_doc_parse(KK_DOC_HOOK_POLICY, json.data(), json.size(), &err));
	ASSERT_NE(policy, nullptr) << err.msg;
	Add(hook);
	EXPECT_EQ(Run(), -1);
	EXPECT_NE(std::string(err.msg).find("is not in allowedHooks"), std::string::npos)
		<< err.msg;
}

TEST_F(HookRun, StrictHooksCannotWriteTheKernelsKnobs)
{
	// The host's mounts of what a strict hook remounts read-only; the rest
	// of the mount table is other containers' and may change meanwhile.
	auto knobs = [] {
		std::vector<std::string> out;
		for (const auto &line : kk_scope::MountsUnder({"/proc", "/sys"})) {
			std::string point = kk_scope::MountPoint(line);
			if (point == "/proc" || point == "/proc/sys" || point == "/sys")
				out.push_back(line);
		}
		return out;
	};
	std::vector<std::string> before = knobs();

	Policy(R"({"profile":"strict"})");
	Add(helper, {"helper", "sysctl", dir + "/sysctl"});
	Add(helper, {"helper", "hostname", dir + "/hostname"});
	Add(Script("sys.sh", "/bin/touch /sys/kernel/kakoi-probe 2> " + dir + "/sys\nexit 0\n"));
	ASSERT_EQ(Run(), 0) << err.msg;
	EXPECT_EQ(Slurp(dir + "/sysctl"), "sysctl EROFS\n");
	EXPECT_EQ(Slurp(dir + "/hostname"), "sethostname EPERM\n");
	EXPECT_NE(Slurp(dir + "/sys").find("Read-only file system"), std::string::npos)
		<< Slurp(dir + "/sys");
	EXPECT_EQ(knobs(), before);
}

TEST_F(HookRun, StandardHooksStillWriteTheKernelsKnobs)
{
	Add(helper, {"helper", "sysctl", dir + "/sysctl"});
	ASSERT_EQ(Run(), 0) << err.msg;
	EXPECT_EQ(Slurp(dir + "/sysctl"), "sysctl ok\n");
}

// The runner stands in for a container's init: non-dumpable, holding the
// audit fd. A hook in the container's namespaces must not open it.
TEST_F(HookRun, ContainerHooksCannotOpenTheInitsFds)
{
	for (bool container_ns : {true, false}) {
		std::string out = dir + (container_ns ? "/in" : "/out");
		int rc = InChild([&] {
			std::string fd = "/proc/" + std::to_string(getpid()) + "/fd/" +
					 std::to_string(audit_fd);
			if (prctl(PR_SET_DUMPABLE, 0) < 0)
				return 10;
			hooks.clear();
			Add(helper, {"helper", "open", out, fd});
			Add(helper, {"helper", "status", out + "-status"});
			return Run(container_ns ? KK_HOOK_START_CONTAINER : KK_HOOK_PRESTART,
				   container_ns) == 0
				       ? 0
				       : 11;
		});
		EXPECT_EQ(rc, 0);
		std::string status = Slurp(out + "-status");
		size_t at = status.find("CapBnd:\t");
		ASSERT_NE(at, std::string::npos);
		bool ptrace = strtoull(status.c_str() + at + 8, nullptr, 16) & (1ULL << 19);
		if (container_ns) {
			EXPECT_EQ(Slurp(out), "open EACCES\n");
			EXPECT_FALSE(ptrace) << status;
		} else {
			EXPECT_EQ(Slurp(out), "open ok\n"); // the test can fail
			EXPECT_TRUE(ptrace) << status;
		}
	}
}

// The runner is pid 1 of a new pid namespace while /proc is still the
// host's (createContainer before pivot_root): the daemon a hook leaves is
// found and killed, and nothing hangs.
TEST_F(HookRun, DaemonIsKilledFromAChildPidNamespace)
{
	long saved = hk_reply_margin_s;

	hk_reply_margin_s = 3;
	Add(helper, {"helper", "daemon", dir + "/daemon"}, {}, 2);
	int rc = InChild([&] {
		if (unshare(CLONE_NEWPID) < 0)
			return 10;
		return InChild([&] {
			struct timespec a, b;
			clock_gettime(CLOCK_MONOTONIC, &a);
			int r = Run(KK_HOOK_CREATE_CONTAINER, true);
			clock_gettime(CLOCK_MONOTONIC, &b);
			std::ofstream(dir + "/err") << err.msg;
			pid_t daemon = atoi(Slurp(dir + "/daemon").c_str());
			if (r != 0)
				return 11;
			if (b.tv_sec - a.tv_sec > 1)
				return 12;
			return daemon > 0 && Gone(daemon) ? 0 : 13;
		});
	});
	hk_reply_margin_s = saved;
	EXPECT_EQ(rc, 0) << Slurp(dir + "/err");
}

int g_short_left;
ssize_t ShortWrite(int fd, const void *buf, size_t n)
{
	if (g_short_left-- == 0)
		n /= 2;
	return write(fd, buf, n);
}

TEST_F(HookRun, ShortAuditWriteFailsAndTheNextRecordIsALine)
{
	struct kk_sys table = *kk_sys();
	table.write = ShortWrite;
	const struct kk_sys *saved = kk_sys_set(&table);

	Add(Script("marker.sh", "/bin/touch " + dir + "/ran\n"));
	g_short_left = 0;
	EXPECT_EQ(Run(), -1);
	EXPECT_NE(std::string(err.msg).find("short write"), std::string::npos) << err.msg;
	EXPECT_FALSE(Exists(dir + "/ran"));
	kk_sys_set(saved);
	ASSERT_EQ(Run(), 0) << err.msg;
	std::istringstream in(Slurp(audit_path));
	std::vector<std::string> lines;
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	ASSERT_EQ(lines.size(), 3u);
	for (size_t i = 1; i < 3; i++) {
		json_object *o = json_tokener_parse(lines[i].c_str());
		ASSERT_NE(o, nullptr) << lines[i];
		EXPECT_EQ(Str(o, "event"), i == 1 ? "start" : "end");
		json_object_put(o);
	}
}

int g_dir_syncs;
int CountingFsync(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		g_dir_syncs++;
	return fsync(fd);
}

TEST_F(HookRun, NewAuditLogsDirectoryIsSynced)
{
	struct kk_sys table = *kk_sys();
	table.fsync = CountingFsync;
	const struct kk_sys *saved = kk_sys_set(&table);
	std::string fresh = dir + "/log/fresh.log";

	g_dir_syncs = 0;
	int fd = kk_hook_audit_open(fresh.c_str(), &err);
	EXPECT_GE(fd, 0) << err.msg;
	close(fd);
	EXPECT_EQ(g_dir_syncs, 1);
	fd = kk_hook_audit_open(fresh.c_str(), &err); // exists: nothing new to sync
	EXPECT_GE(fd, 0) << err.msg;
	close(fd);
	EXPECT_EQ(g_dir_syncs, 1);
	kk_sys_set(saved);
}

TEST_F(HookRun, UntrustedAuditLogsAreRefused)
{
	ASSERT_EQ(chmod(audit_path.c_str(), 0620), 0);
	EXPECT_EQ(kk_hook_audit_open(audit_path.c_str(), &err), -1);
	EXPECT_NE(std::string(err.msg).find("writable by group or others (mode 0620)"),
		  std::string::npos)
		<< err.msg;
	ASSERT_EQ(chmod(audit_path.c_str(), 0600), 0);
	ASSERT_EQ(chown(audit_path.c_str(), 1000, 0), 0);
	EXPECT_EQ(kk_hook_audit_open(audit_path.c_str(), &err), -1);
	EXPECT_NE(std::string(err.msg).find("owned by uid 1000, not 0"), std::string::npos)
		<< err.msg;
	std::string fifo = dir + "/fifo";
	ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
	EXPECT_EQ(kk_hook_audit_open(fifo.c_str(), &err), -1);
}

// The hook stops its supervisor: R gives up after the timeout and its
// margin, kills both, and records the timeout and how long it waited.
TEST_F(HookRun, GivingUpOnTheSupervisorIsATimeoutWithADuration)
{
	long saved = hk_reply_margin_s;
	std::string hook = Script("stop.sh", "kill -STOP $PPID\n/bin/sleep 30\n");

	hk_reply_margin_s = 1;
	Add(hook, {}, {}, 1);
	EXPECT_EQ(Run(), -1);
	EXPECT_EQ(std::string(err.msg),
		  "hooks.prestart[0] " + hook + ": the hook supervisor did not answer");
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Str(lines[1], "timed_out"), "true");
	EXPECT_GE(Int(lines[1], "duration_ns"), 1900000000);
	EXPECT_FALSE(Null(lines[1], "start"));
	EXPECT_EQ(Str(lines[1], "reason"), "the hook supervisor did not answer");
	Free(lines);
	hk_reply_margin_s = saved;
}

int g_writes_left;
ssize_t FailingWrite(int fd, const void *buf, size_t n)
{
	if (g_writes_left-- <= 0) {
		errno = EIO;
		return -1;
	}
	return write(fd, buf, n);
}

TEST_F(HookRun, UnauditedGiveUpNamesTheRealErrorFirst)
{
	long saved = hk_reply_margin_s;
	struct kk_sys table = *kk_sys();
	table.write = FailingWrite;
	const struct kk_sys *saved_sys = kk_sys_set(&table);

	hk_reply_margin_s = 1;
	Add(Script("stop.sh", "kill -STOP $PPID\n/bin/sleep 30\n"), {}, {}, 1);
	g_writes_left = 1;
	EXPECT_EQ(Run(), -1);
	EXPECT_NE(std::string(err.msg).find(": the hook supervisor did not answer (not audited: "
					    "hook audit log: write: Input/output error)"),
		  std::string::npos)
		<< err.msg;
	kk_sys_set(saved_sys);
	hk_reply_margin_s = saved;
}

} // namespace hooktest
