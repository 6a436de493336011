// Real hooks, as root: shell scripts and the static hook_helper. Each case
// runs kk_hooks_run on a temp dir and checks the hooks' effects, the error
// and the audit log.
#include "tests/hooks/hook_fixture.h"

namespace hooktest
{

TEST_F(HookRun, StateOnStdinAndAuditRecords)
{
	std::string hook = Script("stdin.sh", "/bin/cat > " + dir + "/stdin\necho hi >&2\n");

	Add(hook);
	ASSERT_EQ(Run(KK_HOOK_CREATE_RUNTIME), 0) << err.msg;
	EXPECT_EQ(Slurp(dir + "/stdin"), kState);
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Str(lines[0], "event"), "start");
	EXPECT_EQ(Str(lines[1], "event"), "end");
	for (auto *o : lines) {
		EXPECT_EQ(Str(o, "id"), "c1");
		EXPECT_EQ(Str(o, "bundle"), dir);
		EXPECT_EQ(Str(o, "kind"), "createRuntime");
		EXPECT_EQ(Int(o, "index"), 0);
		EXPECT_EQ(Str(o, "path"), hook);
		EXPECT_EQ(Str(o, "resolved"), hook);
		EXPECT_EQ(Str(o, "sha256"), Sha256(hook));
		EXPECT_EQ(Str(o, "profile"), "standard");
		EXPECT_EQ(Int(o, "uid"), 0);
		EXPECT_EQ(Int(o, "runtime_pid"), getpid());
		EXPECT_GT(Int(o, "pid"), 0);
		EXPECT_EQ(Int(o, "timeout"), KK_POLICY_TIMEOUT_DEFAULT);
		EXPECT_EQ(Str(o, "time").size(), strlen("2024-01-01T00:00:00.000000000Z"));
	}
	EXPECT_EQ(Int(lines[0], "pid"), Int(lines[1], "pid"));
	EXPECT_TRUE(Null(lines[0], "exit_code"));
	EXPECT_TRUE(Null(lines[0], "start"));
	EXPECT_EQ(Int(lines[1], "exit_code"), 0);
	EXPECT_TRUE(Null(lines[1], "signal"));
	EXPECT_EQ(Str(lines[1], "timed_out"), "false");
	EXPECT_EQ(Str(lines[1], "stderr"), "hi\\x0a");
	EXPECT_EQ(Int(lines[1], "stderr_bytes"), 3);
	EXPECT_GT(Int(lines[1], "duration_ns"), 0);
	EXPECT_EQ(Json(lines[1], "argv"), "[\"" + hook + "\"]");
	EXPECT_TRUE(Null(lines[1], "reason"));
	Free(lines);
}

TEST_F(HookRun, OrderWithinAKind)
{
	for (int i = 0; i < 3; i++)
		Add(Script("h" + std::to_string(i),
			   "echo " + std::to_string(i) + " >> " + dir + "/order\n"));
	ASSERT_EQ(Run(), 0) << err.msg;
	EXPECT_EQ(Slurp(dir + "/order"), "0\n1\n2\n");
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 6u);
	for (size_t i = 0; i < 6; i++)
		EXPECT_EQ(Int(lines[i], "index"), (int64_t)i / 2);
	Free(lines);
}

TEST_F(HookRun, EnvironmentIsExactlyTheHooks)
{
	setenv("KAKOI_RUNTIME_SECRET", "s3cret", 1);
	Add(helper, {"helper", "env", dir + "/env"}, {"HOOK_VAR=1", "OTHER=a=b"});
	ASSERT_EQ(Run(), 0) << err.msg;
	unsetenv("KAKOI_RUNTIME_SECRET");
	EXPECT_EQ(Slurp(dir + "/env"), "HOOK_VAR=1\nOTHER=a=b\n");
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Json(lines[1], "env"), R"(["HOOK_VAR","OTHER"])");
	EXPECT_EQ(Json(lines[1], "argv"), R"(["helper","env",")" + dir + "/env\"]");
	EXPECT_EQ(Slurp(audit_path).find("a=b"), std::string::npos);
	Free(lines);
}

TEST_F(HookRun, RuntimeFdsAreNotInherited)
{
	int fd = open("/dev/null", O_RDONLY); // no O_CLOEXEC, on purpose
	ASSERT_GE(fd, 0);
	ASSERT_EQ(dup2(fd, 42), 42);
	Add(helper, {"helper", "fds", dir + "/fds"});
	ASSERT_EQ(Run(), 0) << err.msg;
	close(42);
	close(fd);
	// The helper's own answer file is open as 3 while it lists.
	EXPECT_EQ(Slurp(dir + "/fds"), "0\n1\n2\n3\n");
}

TEST_F(HookRun, ScriptsSeeOnlyTheirOwnFd)
{
	ASSERT_EQ(dup2(1, 43), 43);
	Add(Script("fds.sh", "/bin/ls /proc/self/fd > " + dir + "/fds\n"));
	ASSERT_EQ(Run(), 0) << err.msg;
	close(43);
	EXPECT_EQ(Slurp(dir + "/fds").find("43"), std::string::npos) << Slurp(dir + "/fds");
}

TEST_F(HookRun, TimeoutKillsTheWholeTree)
{
	Add(Script("sleep.sh", "/bin/sleep 100 &\necho $! > " + dir + "/bg\n" + helper +
				       " daemon " + dir + "/daemon\nexec /bin/sleep 100\n"),
	    {}, {}, 1);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	EXPECT_EQ(Run(), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	EXPECT_LT(secs, 2.5);
	EXPECT_NE(std::string(err.msg).find("hooks.prestart[0] " + dir +
					    "/sleep.sh: timed out after 1 s and was killed"),
		  std::string::npos)
		<< err.msg;
	pid_t bg = atoi(Slurp(dir + "/bg").c_str()), daemon = atoi(Slurp(dir + "/daemon").c_str());
	ASSERT_GT(bg, 0);
	ASSERT_GT(daemon, 0);
	EXPECT_TRUE(Gone(bg));
	EXPECT_TRUE(Gone(daemon));
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Str(lines[1], "timed_out"), "true");
	EXPECT_EQ(Str(lines[1], "signal"), "SIGKILL");
	EXPECT_EQ(Int(lines[1], "timeout"), 1);
	Free(lines);
}

TEST_F(HookRun, DaemonLeftByASuccessfulHookIsKilled)
{
	Add(helper, {"helper", "daemon", dir + "/daemon"});
	ASSERT_EQ(Run(), 0) << err.msg;
	pid_t daemon = atoi(Slurp(dir + "/daemon").c_str());
	ASSERT_GT(daemon, 0);
	EXPECT_TRUE(Gone(daemon));
}

TEST_F(HookRun, ExitCodeIsAFailureWithStderr)
{
	Add(Script("fail.sh", "echo boom >&2\nexit 3\n"));
	EXPECT_EQ(Run(), -1);
	EXPECT_EQ(std::string(err.msg),
		  "hooks.prestart[0] " + dir +
			  "/fail.sh: exited with status 3; stderr: \"boom\\x0a\"");
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Int(lines[1], "exit_code"), 3);
	EXPECT_EQ(Str(lines[1], "stderr"), "boom\\x0a");
	Free(lines);
}

TEST_F(HookRun, SignalIsAFailure)
{
	Add(Script("segv.sh", "kill -SEGV $$\n"));
	EXPECT_EQ(Run(KK_HOOK_POSTSTART), -1);
	EXPECT_NE(std::string(err.msg).find("poststart[0]"), std::string::npos) << err.msg;
	EXPECT_NE(std::string(err.msg).find("killed by signal 11"), std::string::npos) << err.msg;
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Str(lines[1], "signal"), "SIGSEGV");
	EXPECT_TRUE(Null(lines[1], "exit_code"));
	Free(lines);
}

TEST_F(HookRun, FirstFailureStopsTheKind)
{
	Add(Script("fail.sh", "exit 1\n"));
	Add(Script("after.sh", "touch " + dir + "/after\n"));
	EXPECT_EQ(Run(), -1);
	EXPECT_FALSE(Exists(dir + "/after"));
}

TEST_F(HookRun, KeepGoingRunsAllAndReportsTheFirst)
{
	keep_going = true;
	Add(Script("fail1.sh", "exit 1\n"));
	Add(Script("fail2.sh", "exit 2\n"));
	Add(Script("after.sh", "/bin/touch " + dir + "/after\n"));
	EXPECT_EQ(Run(KK_HOOK_POSTSTOP), -1);
	EXPECT_TRUE(Exists(dir + "/after"));
	EXPECT_NE(std::string(err.msg).find("poststop[0]"), std::string::npos) << err.msg;
	EXPECT_NE(std::string(err.msg).find("status 1"), std::string::npos) << err.msg;
	auto lines = Audit();
	EXPECT_EQ(lines.size(), 6u);
	Free(lines);
}

TEST_F(HookRun, MissingHookIsRefusedAndAudited)
{
	Add(dir + "/nope");
	EXPECT_EQ(Run(), -1);
	EXPECT_NE(std::string(err.msg).find("No such file"), std::string::npos) << err.msg;
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 1u);
	EXPECT_EQ(Str(lines[0], "event"), "refused");
	EXPECT_TRUE(Null(lines[0], "sha256"));
	EXPECT_TRUE(Null(lines[0], "pid"));
	EXPECT_NE(Str(lines[0], "reason").find("No such file"), std::string::npos);
	Free(lines);
}

TEST_F(HookRun, ExecFailureIsReported)
{
	std::string path = dir + "/garbage";
	std::ofstream(path) << "not an executable\n";
	chmod(path.c_str(), 0755);
	Add(path);
	EXPECT_EQ(Run(), -1);
	EXPECT_NE(std::string(err.msg).find("could not be executed: exec: Exec format error"),
		  std::string::npos)
		<< err.msg;
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(Str(lines[1], "reason"), "exec: Exec format error");
	Free(lines);
}

TEST_F(HookRun, StandardAllowsWhatStrictForbids)
{
	Add(helper, {"helper", "syscalls", dir + "/sys"});
	Add(helper, {"helper", "status", dir + "/status"});
	ASSERT_EQ(Run(), 0) << err.msg;
	std::string sys = Slurp(dir + "/sys");
	EXPECT_EQ(sys.find("EPERM"), std::string::npos) << sys;
	EXPECT_NE(Slurp(dir + "/status").find("NoNewPrivs:\t0"), std::string::npos);
}

TEST_F(HookRun, StrictBlocksForbiddenSyscalls)
{
	Policy(R"({"profile":"strict"})");
	Add(helper, {"helper", "syscalls", dir + "/sys"});
	Add(helper, {"helper", "status", dir + "/status"});
	ASSERT_EQ(Run(), 0) << err.msg;
	EXPECT_EQ(Slurp(dir + "/sys"), "init_module EPERM\nbpf EPERM\nptrace EPERM\n");
	std::string status = Slurp(dir + "/status");
	EXPECT_NE(status.find("NoNewPrivs:\t1"), std::string::npos) << status;
	size_t at = status.find("CapBnd:\t");
	ASSERT_NE(at, std::string::npos);
	unsigned long long bnd = strtoull(status.c_str() + at + 8, nullptr, 16);
	EXPECT_TRUE(bnd & (1ULL << 21)) << std::hex << bnd;  // CAP_SYS_ADMIN kept
	EXPECT_FALSE(bnd & (1ULL << 16)) << std::hex << bnd; // CAP_SYS_MODULE gone
	EXPECT_FALSE(bnd & (1ULL << 19)) << std::hex << bnd; // CAP_SYS_PTRACE gone
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 4u);
	EXPECT_EQ(Str(lines[3], "profile"), "strict");
	Free(lines);
}

TEST_F(HookRun, StrictKeepCapabilitiesFromThePolicy)
{
	Policy(R"({"profile":"strict","keepCapabilities":["CAP_CHOWN"]})");
	Add(helper, {"helper", "status", dir + "/status"});
	ASSERT_EQ(Run(), 0) << err.msg;
	std::string status = Slurp(dir + "/status");
	EXPECT_NE(status.find("CapBnd:\t0000000000000001"), std::string::npos) << status;
}

TEST_F(HookRun, StrictAllowlistRefusesBeforeRunning)
{
	std::string other = Script("other.sh", "exit 0\n");
	std::string hook = Script("marker.sh", "/bin/touch " + dir + "/ran\n");

	Policy(R"({"profile":"strict","allowedHooks":[")" + other + R"("]})");
	Add(hook);
	EXPECT_EQ(Run(), -1);
	EXPECT_FALSE(Exists(dir + "/ran"));
	EXPECT_EQ(std::string(err.msg), "hooks.prestart[0] " + hook +
						": refused by the hook policy: " + hook +
						" is not in allowedHooks");
	auto lines = Audit();
	ASSERT_EQ(lines.size(), 1u);
	EXPECT_EQ(Str(lines[0], "event"), "refused");
	EXPECT_EQ(Str(lines[0], "sha256"), Sha256(hook));
	EXPECT_NE(Str(lines[0], "reason").find("not in allowedHooks"), std::string::npos);
	Free(lines);
}

TEST_F(HookRun, StrictAllowlistComparesResolvedPaths)
{
	std::string hook = Script("marker.sh", "/bin/touch " + dir + "/ran\n");
	std::string link = dir + "/link.sh";

	ASSERT_EQ(symlink(hook.c_str(), link.c_str()), 0);
	Policy(R"({"profile":"strict","allowedHooks":[")" + link + R"("]})");
	Add(hook);
	ASSERT_EQ(Run(), 0) << err.msg;
	EXPECT_TRUE(Exists(dir + "/ran"));
}

// Strict hooks run in a mount namespace of their own: their mounts reach
// the test's namespace through a shared mount, as they reach a host's
// (or container's) shared "/".
TEST_F(HookRun, BindMountingHookWorksUnderStandardAndStrict)
{
	PrivateMounts();
	ASSERT_EQ(mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr), 0);
	ASSERT_EQ(mount(nullptr, dir.c_str(), nullptr, MS_SHARED, nullptr), 0);
	for (const char *profile : {"standard", "strict"}) {
		std::string src = dir + "/src-" + profile, dst = dir + "/dst-" + profile;
		ASSERT_EQ(mkdir(src.c_str(), 0755), 0);
		ASSERT_EQ(mkdir(dst.c_str(), 0755), 0);
		std::ofstream(src + "/file") << "gpu";
		kk_hook_policy_free(policy);
		policy = nullptr;
		Policy(std::string(R"({"profile":")") + profile + "\"}");
		hooks.clear();
		Add(helper, {"helper", "bind", dir + "/bind", src, dst});
		ASSERT_EQ(Run(KK_HOOK_CREATE_CONTAINER), 0) << err.msg;
		EXPECT_EQ(Slurp(dir + "/bind"), "bind ok\n") << profile;
		EXPECT_EQ(Slurp(dst + "/file"), "gpu") << profile;
		EXPECT_EQ(umount2(dst.c_str(), MNT_DETACH), 0);
	}
	EXPECT_EQ(umount2(dir.c_str(), MNT_DETACH), 0);
}

TEST_F(HookRun, FullAuditFilesystemMeansTheHookDoesNotRun)
{
	std::string fs = dir + "/full";

	PrivateMounts();
	ASSERT_EQ(mkdir(fs.c_str(), 0700), 0);
	ASSERT_EQ(mount("tmpfs", fs.c_str(), "tmpfs", 0, "size=16k"), 0) << strerror(errno);
	close(audit_fd);
	audit_fd = kk_hook_audit_open((fs + "/hooks.log").c_str(), &err);
	ASSERT_GE(audit_fd, 0) << err.msg;
	{
		int fill = open((fs + "/fill").c_str(), O_WRONLY | O_CREAT, 0600);
		char block[4096] = {0};
		while (write(fill, block, sizeof(block)) > 0)
			;
		close(fill);
	}
	Add(Script("marker.sh", "/bin/touch " + dir + "/ran\n"));
	EXPECT_EQ(Run(), -1);
	EXPECT_FALSE(Exists(dir + "/ran"));
	EXPECT_NE(std::string(err.msg).find("not run, the audit log failed: hook audit log: write: "
					    "No space left on device"),
		  std::string::npos)
		<< err.msg;
	close(audit_fd);
	audit_fd = -1;
	EXPECT_EQ(umount2(fs.c_str(), MNT_DETACH), 0);
}

TEST_F(HookRun, DevFullIsNotAnAuditLog)
{
	EXPECT_EQ(kk_hook_audit_open("/dev/full", &err), -1);
	EXPECT_NE(std::string(err.msg).find("/dev/full: not a regular file"), std::string::npos)
		<< err.msg;
}

TEST_F(HookRun, ReadOnlyAuditLogCannotBeOpenedAndNothingRuns)
{
	std::string ro = dir + "/ro";

	PrivateMounts();
	ASSERT_EQ(mkdir(ro.c_str(), 0700), 0);
	ASSERT_EQ(mount("tmpfs", ro.c_str(), "tmpfs", MS_RDONLY, "size=16k"), 0);
	EXPECT_EQ(kk_hook_audit_open((ro + "/hooks.log").c_str(), &err), -1);
	EXPECT_NE(std::string(err.msg).find("Read-only file system"), std::string::npos) << err.msg;
	close(audit_fd);
	audit_fd = -1;
	Add(Script("marker.sh", "/bin/touch " + dir + "/ran\n"));
	EXPECT_EQ(Run(), -1);
	EXPECT_FALSE(Exists(dir + "/ran"));
	EXPECT_NE(std::string(err.msg).find("no audit log is open"), std::string::npos);
	EXPECT_EQ(umount2(ro.c_str(), MNT_DETACH), 0);
}

// Fault injection through the syscall seam: the n-th audit write fails.
int g_writes_left;
ssize_t FailingWrite(int fd, const void *buf, size_t n)
{
	if (g_writes_left-- <= 0) {
		errno = EIO;
		return -1;
	}
	return write(fd, buf, n);
}

TEST_F(HookRun, AuditWriteFailuresAreFatal)
{
	struct kk_sys table = *kk_sys();
	table.write = FailingWrite;
	const struct kk_sys *saved = kk_sys_set(&table);

	Add(Script("marker.sh", "/bin/touch " + dir + "/ran\n"));
	g_writes_left = 0; // the start record fails: not run
	EXPECT_EQ(Run(), -1);
	EXPECT_FALSE(Exists(dir + "/ran"));
	EXPECT_NE(std::string(err.msg).find("not run, the audit log failed: hook audit log: "
					    "write: Input/output error"),
		  std::string::npos)
		<< err.msg;
	g_writes_left = 1; // the end record fails: it ran, the operation still fails
	EXPECT_EQ(Run(), -1);
	EXPECT_TRUE(Exists(dir + "/ran"));
	EXPECT_NE(std::string(err.msg).find("the hook ran, but its end record failed"),
		  std::string::npos)
		<< err.msg;
	kk_sys_set(saved);
}

TEST_F(HookRun, NoHooksIsANoOp)
{
	EXPECT_EQ(Run(), 0);
	EXPECT_EQ(kk_hooks_run(nullptr, KK_HOOK_POSTSTOP, nullptr, &err), 0);
	EXPECT_EQ(Slurp(audit_path), "");
}

} // namespace hooktest
