// kk_plan_process without root: which ops, in which order, and what they
// say about themselves.
#include <gtest/gtest.h>
#include <seccomp.h>

#include "runtime/sys/sys.h"
#include "tests/process/process_helpers.h"

using kkproc::Config;
using kkproc::Describe;
using kkproc::OpNames;
using kkproc::Parse;
using kkproc::Plan;
using Names = std::vector<std::string>;

namespace
{

const std::string kLibseccomp = "libseccomp " + std::to_string(SCMP_VER_MAJOR) + "." +
				std::to_string(SCMP_VER_MINOR) + "." +
				std::to_string(SCMP_VER_MICRO);

const char kSeccomp[] = R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO",
	"syscalls":[{"names":["read","write","exit"],"action":"SCMP_ACT_ALLOW"}]}})";

std::string PlanError(const std::string &json)
{
	kkproc::Spec spec = Parse(json);
	Plan p;
	kk_error err = {};

	if (!spec)
		return "parse failed";
	if (kk_plan_process(&p.plan, spec.get(), &err) == 0)
		return "";
	return err.msg;
}

TEST(ProcessPlan, MissingProcessIsRefused)
{
	EXPECT_EQ(PlanError(R"({"ociVersion":"1.0.0","root":{"path":"rootfs"}})"),
		  "process: required for create");
}

TEST(ProcessPlan, MinimalProcessOrder)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/","args":["sh"])"));
	Plan p;
	kk_error err = {};

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_INIT_CREATED), (Names{"cwd", "lookup"}));
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_INIT_PROCESS),
		  (Names{"session-keyring", "chdir", "cap-bounding", "user", "umask", "chdir-again",
			 "capabilities", "fds", "exec-args", "exec"}));
	EXPECT_TRUE(OpNames(p.plan, KK_PHASE_HOST_PREPARE).empty());
	EXPECT_EQ(Describe(p.plan, "umask"), "umask 0022");
	EXPECT_EQ(Describe(p.plan, "cap-bounding"), "capabilities bounding=none");
	EXPECT_EQ(Describe(p.plan, "user"), "user uid=0 gid=0 groups=none");
}

// The filter is the last thing before execve, also without no_new_privs:
// then it needs CAP_SYS_ADMIN to load, which the capability sets hold for
// it, and one capset right after it drops.
TEST(ProcessPlan, SeccompLastWithoutNoNewPrivilegesHoldingSysAdminForIt)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/","args":["sh"])",
					 R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO",
	"syscalls":[{"names":["read","write","exit","capset"],"action":"SCMP_ACT_ALLOW"}]}})"));
	Plan p;
	kk_error err = {};

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_INIT_PROCESS),
		  (Names{"session-keyring", "chdir", "cap-bounding", "user", "umask", "chdir-again",
			 "capabilities", "fds", "exec-args", "seccomp", "capabilities-release",
			 "exec"}));
	EXPECT_EQ(Describe(p.plan, "seccomp"), "seccomp default=SCMP_ACT_ERRNO(1) 4 rules");
	EXPECT_EQ(Describe(p.plan, "capabilities"),
		  "capabilities effective=none permitted=none inheritable=none ambient=none "
		  "(CAP_SYS_ADMIN held for the seccomp filter)");
}

// After the filter the init could not even report a denied capset: such a
// profile is refused when the plan is made. With no_new_privs, or for a
// process that keeps CAP_SYS_ADMIN, nothing follows the filter but execve.
TEST(ProcessPlan, AProfileDenyingTheCapsetAfterTheFilterIsRefused)
{
	EXPECT_EQ(PlanError(Config(R"("cwd":"/","args":["sh"])", kSeccomp)),
		  "linux.seccomp: the profile denies capset, which must follow the filter when "
		  "process.noNewPrivileges is false (the filter is loaded holding CAP_SYS_ADMIN, "
		  "the process does not keep it): allow capset or set noNewPrivileges");
	EXPECT_EQ(PlanError(Config(R"("cwd":"/","args":["sh"],"noNewPrivileges":true)", kSeccomp)),
		  "");
	EXPECT_EQ(PlanError(Config(R"("cwd":"/","args":["sh"])",
				   R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":["capset"],"action":"SCMP_ACT_ERRNO"},
		{"names":["capset"],"action":"SCMP_ACT_ALLOW"}]}})")),
		  "");
	EXPECT_NE(PlanError(Config(R"("cwd":"/","args":["sh"])",
				   R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":["capset"],"action":"SCMP_ACT_KILL"}]}})")),
		  "");
}

// A process that keeps CAP_SYS_ADMIN loads the filter with it: nothing to
// hold, nothing after the filter but execve.
TEST(ProcessPlan, NothingIsHeldForAProcessThatKeepsSysAdmin)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/","args":["sh"],"capabilities":{
		"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_SYS_ADMIN"]})",
					 kSeccomp));
	Plan p;
	kk_error err = {};

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_INIT_PROCESS),
		  (Names{"session-keyring", "chdir", "cap-bounding", "user", "umask", "chdir-again",
			 "capabilities", "fds", "exec-args", "seccomp", "exec"}));
}

TEST(ProcessPlan, SeccompLastWithNoNewPrivileges)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/","args":["sh"],"noNewPrivileges":true,
		"oomScoreAdj":100,"apparmorProfile":"p","rlimits":[
		{"type":"RLIMIT_NOFILE","soft":1024,"hard":1024},
		{"type":"RLIMIT_CORE","soft":0,"hard":18446744073709551615}])",
					 kSeccomp));
	Plan p;
	kk_error err = {};

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_INIT_CREATED),
		  (Names{"cwd", "lookup", "lsm-check", "rlimit", "rlimit"}));
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_INIT_PROCESS),
		  (Names{"oom-score-adj", "session-keyring", "lsm-label", "chdir", "cap-bounding",
			 "user", "umask", "chdir-again", "capabilities", "no-new-privileges", "fds",
			 "exec-args", "seccomp", "exec"}));
	EXPECT_EQ(Describe(p.plan, "rlimit"), "rlimit RLIMIT_NOFILE soft=1024 hard=1024");
	ASSERT_EQ(p.plan.ops[4].type->name, std::string("rlimit"));
	char buf[256];
	kk_op_describe(&p.plan.ops[4], buf, sizeof(buf));
	EXPECT_STREQ(buf, "rlimit RLIMIT_CORE soft=0 hard=unlimited");
	EXPECT_EQ(Describe(p.plan, "oom-score-adj"), "oom_score_adj 100");
	EXPECT_EQ(Describe(p.plan, "lsm-label"), "apparmor exec profile p");
}

TEST(ProcessPlan, DescribesCapabilitiesAndUser)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/work","args":["/bin/app","-x"],
		"env":["PATH=/bin"],"user":{"uid":1000,"gid":100,"umask":63,
		"additionalGids":[5,6]},"capabilities":{"bounding":["CAP_CHOWN","CAP_KILL"],
		"effective":["CAP_KILL"],"permitted":["CAP_KILL"]})"));
	Plan p;
	kk_error err = {};

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	EXPECT_EQ(Describe(p.plan, "cap-bounding"), "capabilities bounding=CAP_CHOWN,CAP_KILL");
	EXPECT_EQ(Describe(p.plan, "capabilities"),
		  "capabilities effective=CAP_KILL permitted=CAP_KILL inheritable=none "
		  "ambient=none");
	EXPECT_EQ(Describe(p.plan, "user"), "user uid=1000 gid=100 groups=5,6");
	EXPECT_EQ(Describe(p.plan, "umask"), "umask 0077");
	EXPECT_EQ(Describe(p.plan, "lookup"), "executable /bin/app");
	EXPECT_EQ(Describe(p.plan, "cwd"),
		  "cwd /work (create 0755 if missing, must be a directory)");
	EXPECT_EQ(Describe(p.plan, "chdir"), "chdir /work (as root; as the user if refused)");
	EXPECT_EQ(Describe(p.plan, "exec"), "execve /bin/app (2 args, 1 env)");
}

TEST(ProcessPlan, SchedulerIoPriorityPersonality)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/","args":["sh"],
		"scheduler":{"policy":"SCHED_BATCH","nice":5},
		"ioPriority":{"class":"IOPRIO_CLASS_BE","priority":3})",
					 R"("linux":{"personality":{"domain":"LINUX32"}})"));
	Plan p;
	kk_error err = {};

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_INIT_PROCESS),
		  (Names{"scheduler", "ioprio", "personality", "session-keyring", "chdir",
			 "cap-bounding", "user", "umask", "chdir-again", "capabilities", "fds",
			 "exec-args", "exec"}));
	EXPECT_EQ(Describe(p.plan, "scheduler"), "scheduler SCHED_BATCH nice=5 priority=0");
	EXPECT_EQ(Describe(p.plan, "ioprio"), "ioprio IOPRIO_CLASS_BE 3");
	EXPECT_EQ(Describe(p.plan, "personality"), "personality LINUX32");
}

// The listener connection fails cleanly: the error names the path, and
// nothing is left to undo.
TEST(ProcessPlan, ListenerConnectFailureNamesThePath)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/","args":["sh"])",
					 R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"listenerPath":"/run/agent.sock","syscalls":[{"names":["mkdir"],
		"action":"SCMP_ACT_NOTIFY"}]}})"));
	Plan p;
	kk_error err = {};
	kk_undo undo{};
	kk_ctx ctx = kkproc::NewCtx();
	struct kk_sys fake = kk_sys_linux;

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	fake.connect = [](int, const struct sockaddr *, socklen_t) {
		errno = ECONNREFUSED;
		return -1;
	};
	ctx.undo = &undo;
	const struct kk_sys *old = kk_sys_set(&fake);
	int r = kk_plan_run(&p.plan, KK_PHASE_HOST_PREPARE, &ctx, &err);
	kk_sys_set(old);
	EXPECT_EQ(r, -1);
	EXPECT_STREQ(err.msg, "host-prepare step 14 seccomp-listener: connect to seccomp listener "
			      "/run/agent.sock: linux.seccomp.listenerPath: connect "
			      "/run/agent.sock: Connection refused");
	EXPECT_EQ(undo.n, 0u);
	EXPECT_EQ(ctx.seccomp_sock_fd, -1);
}

TEST(ProcessPlan, NotifyAddsListenerConnection)
{
	kkproc::Spec spec = Parse(Config(R"("cwd":"/","args":["sh"])",
					 R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"listenerPath":"/run/agent.sock","syscalls":[{"names":["mkdir"],
		"action":"SCMP_ACT_NOTIFY"}]}})"));
	Plan p;
	kk_error err = {};

	ASSERT_TRUE(spec);
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	EXPECT_EQ(OpNames(p.plan, KK_PHASE_HOST_PREPARE),
		  (Names{"seccomp-compile", "seccomp-listener"}));
	EXPECT_EQ(Describe(p.plan, "seccomp-listener"),
		  "connect to seccomp listener /run/agent.sock");
	EXPECT_EQ(Describe(p.plan, "seccomp"),
		  "seccomp default=SCMP_ACT_ALLOW 1 rules notify=/run/agent.sock");
}

TEST(ProcessPlan, RefusesWhatLibseccompCannotDo)
{
#if SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 6
	EXPECT_EQ(
		PlanError(Config(R"("cwd":"/","args":["sh"])",
				 R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}})")),
		"linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported by " +
			kLibseccomp);
	EXPECT_EQ(PlanError(Config(R"("cwd":"/","args":["sh"])",
				   R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_M68K"]}})")),
		  "linux.seccomp.architectures[1]: SCMP_ARCH_M68K is not supported by " +
			  kLibseccomp);
#endif
	EXPECT_EQ(PlanError(Config(R"("cwd":"/","args":["sh"])",
				   R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"flags":["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG"],
		"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_AARCH64"]}})")),
		  "");
}

} // namespace
