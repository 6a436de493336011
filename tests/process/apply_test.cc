// The init-process ops for real, as root: each case forks a child that
// applies some ops of a plan and reports through its exit code and a pipe.
#include <errno.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <json-c/json.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <fstream>
#include <sstream>

#include "runtime/exec/undo.h"
#include "tests/process/ioprio_probe.h"
#include "tests/process/process_helpers.h"

using kkproc::ChildResult;
using kkproc::Config;
using kkproc::InChild;
using kkproc::Parse;
using kkproc::Plan;
using kkproc::Report;

namespace
{

const int kOpFailed = 99;

std::string StatusField(const std::string &name)
{
	std::ifstream in("/proc/self/status");
	std::string line;

	while (std::getline(in, line))
		if (line.rfind(name + ":", 0) == 0)
			return line.substr(line.find_first_not_of(" \t", name.size() + 1));
	return "";
}

bool HasCapSysResource()
{
	return std::stoull(StatusField("CapEff"), nullptr, 16) & (1ull << 24);
}

// Plans `json` and, in a child, applies the ops named in `ops` (after
// `setup`), then returns check(report) as the exit code. An op failure
// exits kOpFailed with the error message as the report.
ChildResult Apply(const std::string &json, const std::set<std::string> &ops,
		  const std::function<int(int)> &check,
		  const std::function<void(kk_ctx &)> &setup = nullptr)
{
	std::string perr;
	kkproc::Spec spec = Parse(json, &perr);
	Plan p;
	kk_error err = {};

	if (!spec) {
		ChildResult r;
		r.out = "parse: " + perr;
		return r;
	}
	if (kk_plan_process(&p.plan, spec.get(), &err) < 0) {
		ChildResult r;
		r.out = std::string("plan: ") + err.msg;
		return r;
	}
	return InChild([&](int report) {
		kk_ctx ctx = kkproc::NewCtx();
		kk_error e = {};

		ctx.spec = spec.get();
		ctx.no_new_keyring = true;
		if (setup)
			setup(ctx);
		if (kkproc::RunOps(p.plan, ops, &ctx, &e) < 0) {
			Report(report, e.msg);
			return kOpFailed;
		}
		return check(report);
	});
}

TEST(ProcessApply, RlimitIsLowered)
{
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"],"rlimits":[
		{"type":"RLIMIT_NOFILE","soft":100,"hard":200}])"),
			      {"rlimit"}, [](int report) {
				      struct rlimit rl;
				      getrlimit(RLIMIT_NOFILE, &rl);
				      Report(report, std::to_string(rl.rlim_cur) + "/" +
							     std::to_string(rl.rlim_max));
				      return 0;
			      });
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.out, "100/200");
}

TEST(ProcessApply, RaisingHardRlimitFailsClearly)
{
	struct rlimit rl;

	if (HasCapSysResource())
		GTEST_SKIP() << "this host can raise hard limits";
	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	std::string soft = std::to_string(rl.rlim_max), hard = std::to_string(rl.rlim_max + 1000);
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"],"rlimits":[
		{"type":"RLIMIT_CORE","soft":0,"hard":0},
		{"type":"RLIMIT_NOFILE","soft":)" +
				     soft + R"(,"hard":)" + hard + "}]"),
			      {"rlimit"}, [](int) { return 0; });
	EXPECT_EQ(r.status, kOpFailed);
	EXPECT_EQ(r.out, "process.rlimits[1]: RLIMIT_NOFILE soft " + soft + " hard " + hard +
				 ": Operation not permitted (this host cannot raise hard limits)");
}

TEST(ProcessApply, OomScoreAdj)
{
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"],"oomScoreAdj":500)"),
			      {"oom-score-adj"}, [](int report) {
				      std::ifstream in("/proc/self/oom_score_adj");
				      std::string v;
				      in >> v;
				      Report(report, v);
				      return 0;
			      });
	EXPECT_EQ(r.status, 0);
	EXPECT_EQ(r.out, "500");
	if (HasCapSysResource())
		return;
	r = Apply(Config(R"("cwd":"/","args":["sh"],"oomScoreAdj":-500)"), {"oom-score-adj"},
		  [](int) { return 0; });
	EXPECT_EQ(r.status, kOpFailed);
	EXPECT_EQ(r.out, "process.oomScoreAdj: write /proc/self/oom_score_adj: Permission denied "
			 "(going below the inherited value needs CAP_SYS_RESOURCE)");
}

std::string SessionKeyring()
{
	char desc[256] = "";
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);

	if (id < 0 || syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, desc, sizeof(desc)) < 0)
		return "";
	std::string s(desc);
	return s.substr(s.rfind(';') + 1);
}

TEST(ProcessApply, SchedulerIoPriorityPersonality)
{
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"],
		"scheduler":{"policy":"SCHED_BATCH","nice":5},
		"ioPriority":{"class":"IOPRIO_CLASS_BE","priority":3})",
				     R"("linux":{"personality":{"domain":"LINUX32"}})"),
			      {"scheduler", "ioprio", "personality"}, [](int report) {
				      std::ostringstream o;
				      o << sched_getscheduler(0) << " "
					<< getpriority(PRIO_PROCESS, 0) << " " << std::hex
					<< kk_test_ioprio_self() << " "
					<< (personality(0xffffffff) & 0xff);
				      Report(report, o.str());
				      return 0;
			      });
	EXPECT_EQ(r.status, 0) << r.out;
	// SCHED_BATCH = 3; ioprio (BE=2 << 13) | 3; PER_LINUX32 = 8.
	EXPECT_EQ(r.out, "3 5 4003 8");
}

TEST(ProcessApply, SessionKeyring)
{
	auto check = [](int report) {
		Report(report, SessionKeyring());
		return 0;
	};
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"])"), {"session-keyring"}, check,
			      [](kk_ctx &ctx) {
				      ctx.no_new_keyring = false;
				      ctx.id = "kktest";
			      });
	EXPECT_EQ(r.status, 0) << r.out;
	EXPECT_EQ(r.out, "_ses.kktest");
	r = Apply(Config(R"("cwd":"/","args":["sh"])"), {"session-keyring"}, check,
		  [](kk_ctx &ctx) { ctx.id = "kktest"; });
	EXPECT_NE(r.out, "_ses.kktest");
}

TEST(ProcessApply, CapabilitiesDropToChown)
{
	ChildResult r = Apply(
		Config(R"("cwd":"/","args":["sh"],"capabilities":{
		"bounding":["CAP_CHOWN"],"effective":["CAP_CHOWN"],"permitted":["CAP_CHOWN"]})"),
		{"cap-bounding", "user", "capabilities"}, [](int report) {
			Report(report, StatusField("CapBnd") + " " + StatusField("CapEff") + " " +
					       StatusField("CapPrm") + " " + StatusField("CapInh"));
			return 0;
		});
	EXPECT_EQ(r.status, 0) << r.out;
	EXPECT_EQ(r.out, "0000000000000001 0000000000000001 0000000000000001 0000000000000000");
}

TEST(ProcessApply, NoCapabilitiesObjectMeansNone)
{
	ChildResult r =
		Apply(Config(R"("cwd":"/","args":["sh"])"),
		      {"cap-bounding", "user", "capabilities"}, [](int report) {
			      Report(report, StatusField("CapBnd") + " " + StatusField("CapEff"));
			      return 0;
		      });
	EXPECT_EQ(r.status, 0) << r.out;
	EXPECT_EQ(r.out, "0000000000000000 0000000000000000");
}

// KEEPCAPS carries the permitted set across setuid; ambient needs the
// capability permitted and inheritable.
TEST(ProcessApply, UserGroupsUmaskAndAmbient)
{
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"],
		"user":{"uid":1000,"gid":1001,"additionalGids":[2000,3000],"umask":23},
		"capabilities":{"bounding":["CAP_CHOWN","CAP_NET_BIND_SERVICE"],
		"effective":["CAP_CHOWN"],"permitted":["CAP_CHOWN","CAP_NET_BIND_SERVICE"],
		"inheritable":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE"]})"),
			      {"cap-bounding", "user", "umask", "capabilities"}, [](int report) {
				      gid_t groups[8];
				      int n = getgroups(8, groups);
				      std::ostringstream o;
				      o << getuid() << "," << geteuid() << " " << getgid() << ","
					<< getegid() << " [";
				      for (int i = 0; i < n; i++)
					      o << (i ? "," : "") << groups[i];
				      o << "] " << std::oct << umask(0) << std::dec << " "
					<< StatusField("CapEff") << " " << StatusField("CapPrm")
					<< " " << StatusField("CapAmb");
				      Report(report, o.str());
				      return 0;
			      });
	EXPECT_EQ(r.status, 0) << r.out;
	EXPECT_EQ(r.out, "1000,1000 1001,1001 [2000,3000] 27 0000000000000001 "
			 "0000000000000401 0000000000000400");
}

// The parser left the lone ambient capability out (with a warning, as
// runc warns): the process runs, without it.
TEST(ProcessApply, AmbientWithoutInheritableIsLeftOut)
{
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"],"capabilities":{
		"bounding":["CAP_KILL"],"permitted":["CAP_KILL"],"ambient":["CAP_KILL"]})"),
			      {"cap-bounding", "user", "capabilities"}, [](int report) {
				      Report(report, StatusField("CapAmb"));
				      return 0;
			      });
	EXPECT_EQ(r.status, 0) << r.out;
	EXPECT_EQ(r.out, "0000000000000000");
}

TEST(ProcessApply, NoNewPrivileges)
{
	auto check = [](int report) {
		Report(report, StatusField("NoNewPrivs"));
		return 0;
	};
	ChildResult r = Apply(Config(R"("cwd":"/","args":["sh"],"noNewPrivileges":true)"),
			      {"no-new-privileges"}, check);
	EXPECT_EQ(r.status, 0) << r.out;
	EXPECT_EQ(r.out, "1");
	r = Apply(Config(R"("cwd":"/","args":["sh"])"), {"no-new-privileges"}, check);
	EXPECT_EQ(r.out, "0");
}

std::string TempDir()
{
	std::string tmpl = "/tmp/kkprocXXXXXX";

	if (mkdtemp(tmpl.data()) == nullptr)
		return "";
	return tmpl;
}

void RemoveAll(const std::string &dir)
{
	std::string cmd = "rm -rf '" + dir + "'";
	if (system(cmd.c_str()) != 0) {
	}
}

const char kSeccompRules[] = R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
	"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[
	{"names":["mkdir","mkdirat","kk_not_a_syscall"],"action":"SCMP_ACT_ERRNO","errnoRet":54},
	{"names":["fchmod"],"action":"SCMP_ACT_ERRNO","errnoRet":55,
	 "args":[{"index":1,"value":448,"valueTwo":448,"op":"SCMP_CMP_MASKED_EQ"}]},
	{"names":["fchown"],"action":"SCMP_ACT_ERRNO","errnoRet":56,
	 "args":[{"index":1,"value":5,"op":"SCMP_CMP_EQ"},{"index":1,"value":6,"op":"SCMP_CMP_EQ"}]},
	{"names":["getpid"],"action":"SCMP_ACT_ALLOW"},
	{"names":["getcwd"],"action":"SCMP_ACT_ERRNO"}]}})";

int Errno(int r)
{
	return r < 0 ? errno : 0;
}

TEST(ProcessApply, SeccompErrnoRulesAndArguments)
{
	std::string dir = TempDir();
	ASSERT_FALSE(dir.empty());
	std::string file = dir + "/f";
	ChildResult r = Apply(
		Config(R"("cwd":"/","args":["sh"])", kSeccompRules), {"seccomp-compile", "seccomp"},
		[&](int report) {
			std::ostringstream o;
			char buf[64];
			o << Errno(mkdir((dir + "/d").c_str(), 0755)) << " ";
			o << Errno(open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600) < 0 ? -1
												: 0)
			  << " ";
			int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
			o << Errno(fchmod(fd, 0755)) << " " << Errno(fchmod(fd, 0644)) << " ";
			o << Errno(fchown(fd, 5, -1)) << " " << Errno(fchown(fd, 6, -1)) << " "
			  << Errno(fchown(fd, -1, -1)) << " ";
			o << (getcwd(buf, sizeof(buf)) == nullptr ? errno : 0);
			Report(report, o.str());
			return 0;
		});
	RemoveAll(dir);
	EXPECT_EQ(r.status, 0) << r.out;
	EXPECT_EQ(r.out, "54 0 55 0 56 56 0 1");
}

// The agent gets the notify fd and the container process state, and
// answers the child's blocked mkdir.
class SeccompNotify : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		dir_ = TempDir();
		ASSERT_FALSE(dir_.empty());
		path_ = dir_ + "/agent.sock";
		listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un addr = {};
		addr.sun_family = AF_UNIX;
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
		ASSERT_EQ(bind(listen_fd_, (struct sockaddr *)&addr, sizeof(addr)), 0);
		ASSERT_EQ(listen(listen_fd_, 1), 0);
	}

	void TearDown() override
	{
		close(listen_fd_);
		RemoveAll(dir_);
	}

	// Receives the state JSON and the fd; reads until EOF.
	std::string Receive(int conn, int *fd)
	{
		std::string text;
		char buf[4096];
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = {buf, sizeof(buf)};
		struct msghdr msg = {};
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = u.b;
		msg.msg_controllen = sizeof(u.b);
		ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		*fd = -1;
		if (n > 0 && c != nullptr && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
		while (n > 0) {
			text.append(buf, (size_t)n);
			n = read(conn, buf, sizeof(buf));
		}
		return text;
	}

	std::string dir_, path_;
	int listen_fd_ = -1;
};

TEST_F(SeccompNotify, AgentGetsFdAndStateAndAnswers)
{
	std::string json = Config(R"("cwd":"/","args":["sh"])",
				  R"("annotations":{"k":"v"},"linux":{"seccomp":{
		"defaultAction":"SCMP_ACT_ALLOW","listenerPath":")" +
					  path_ + R"(","listenerMetadata":"meta \"q\"",
		"syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]}})");
	kkproc::Spec spec = Parse(json);
	ASSERT_TRUE(spec);
	Plan p;
	kk_error err = {};
	kk_undo undo{};
	kk_ctx ctx = kkproc::NewCtx();
	ctx.spec = spec.get();
	ctx.undo = &undo;
	ctx.id = "kktest";
	ctx.bundle = "/b";
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	ASSERT_EQ(kk_plan_run(&p.plan, KK_PHASE_HOST_PREPARE, &ctx, &err), 0) << err.msg;
	ASSERT_GE(ctx.seccomp_sock_fd, 0);
	int conn = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
	ASSERT_GE(conn, 0);
	std::string dir = dir_;

	pid_t pid = fork();
	if (pid == 0) {
		kk_error e = {};
		alarm(10);
		if (kkproc::RunOps(p.plan, {"seccomp-compile", "seccomp"}, &ctx, &e) < 0)
			_exit(kOpFailed);
		_exit(mkdir((dir + "/d").c_str(), 0755) < 0 && errno == 54 ? 0 : 1);
	}
	// The runtime's own copy of the connection goes: the agent sees EOF.
	ASSERT_EQ(kk_undo_run(&undo, &err), 0);

	int fd = -1;
	std::string text = Receive(conn, &fd);
	close(conn);
	ASSERT_GE(fd, 0) << text;
	json_object *obj = json_tokener_parse(text.c_str());
	ASSERT_NE(obj, nullptr) << text;
	json_object *state = json_object_object_get(obj, "state");
	EXPECT_STREQ(json_object_get_string(json_object_object_get(obj, "ociVersion")), "1.3.0");
	EXPECT_STREQ(json_object_get_string(
			     json_object_array_get_idx(json_object_object_get(obj, "fds"), 0)),
		     "seccompFd");
	EXPECT_EQ(json_object_get_int(json_object_object_get(obj, "pid")), pid);
	EXPECT_STREQ(json_object_get_string(json_object_object_get(obj, "metadata")), "meta \"q\"");
	EXPECT_STREQ(json_object_get_string(json_object_object_get(state, "id")), "kktest");
	EXPECT_STREQ(json_object_get_string(json_object_object_get(state, "status")), "created");
	EXPECT_STREQ(json_object_get_string(json_object_object_get(state, "bundle")), "/b");
	EXPECT_STREQ(json_object_get_string(json_object_object_get(
			     json_object_object_get(state, "annotations"), "k")),
		     "v");
	json_object_put(obj);

	struct seccomp_notif *req = nullptr;
	struct seccomp_notif_resp *resp = nullptr;
	ASSERT_EQ(seccomp_notify_alloc(&req, &resp), 0);
	int rc = seccomp_notify_receive(fd, req);
	EXPECT_EQ(rc, 0);
	if (rc == 0) {
		EXPECT_TRUE(req->data.nr == __NR_mkdir || req->data.nr == __NR_mkdirat);
		resp->id = req->id;
		resp->error = -54;
		resp->val = 0;
		resp->flags = 0;
		EXPECT_EQ(seccomp_notify_respond(fd, resp), 0);
	}
	seccomp_notify_free(req, resp);
	close(fd);
	int st = 0;
	if (rc != 0)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
}

const char kFdCheck[] = "test -e /proc/self/fd/10 && exit 3; test -e /proc/self/fd/3 || exit 4;"
			"[ $(pwd -P) = /tmp ] || exit 5; exit 0";

ChildResult RunWithFds(const std::set<std::string> &ops)
{
	return Apply(
		Config(R"("cwd":"/tmp","env":["PATH=/usr/bin:/bin"],
		"args":["sh","-c",")" +
		       std::string(kFdCheck) + R"("])"),
		ops,
		[](int report) {
			Report(report, "exec returned");
			return 1;
		},
		[](kk_ctx &ctx) {
			int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			dup3(fd, 3, O_CLOEXEC); // preserved: must survive exec
			dup2(fd, 10);		// leaked: must not
			if (fd != 3 && fd != 10)
				close(fd);
			ctx.preserve_fds = 1;
		});
}

TEST(ProcessApply, OnlyStdioAndPreservedFdsSurviveExec)
{
	ChildResult r = RunWithFds({"lookup", "fds", "chdir", "exec-args", "exec"});
	EXPECT_EQ(r.status, 0) << r.out;
	// Without the fds op the leak is visible: the check can fail.
	r = RunWithFds({"lookup", "chdir", "exec-args", "exec"});
	EXPECT_EQ(r.status, 3) << r.out;
}

TEST(ProcessApply, ExecFailureKeepsRuncWording)
{
	std::string dir = TempDir();
	ASSERT_FALSE(dir.empty());
	std::string bad = dir + "/bad";
	std::ofstream(bad) << "\x01\x02\x03 not a program";
	ASSERT_EQ(chmod(bad.c_str(), 0755), 0);
	ChildResult r = Apply(Config(R"("cwd":"/","args":[")" + bad + R"("])"),
			      {"lookup", "exec-args", "exec"}, [](int) { return 1; });
	RemoveAll(dir);
	EXPECT_EQ(r.status, kOpFailed);
	EXPECT_EQ(r.out, "exec " + bad + ": exec format error");
}

// Every phase in order, as the init would run it, ending in a shell that
// checks what it got.
TEST(ProcessApply, WholePhaseEndsInExec)
{
	std::string script = "[ $(id -u):$(id -g) = 1000:1000 ] || exit 3;"
			     "grep -q 'NoNewPrivs:.1' /proc/self/status || exit 4;"
			     "grep -q 'CapBnd:.0000000000000000' /proc/self/status || exit 5;"
			     "mkdir /tmp/kk-process-never 2>/dev/null && exit 6;"
			     "[ $(ulimit -n) = 64 ] || exit 7; exit 0";
	std::string json = Config(R"("cwd":"/","env":["PATH=/usr/bin:/bin"],
		"args":["sh","-c",")" + script +
					  R"("],"noNewPrivileges":true,
		"user":{"uid":1000,"gid":1000},"rlimits":[{"type":"RLIMIT_NOFILE","soft":64,"hard":64}])",
				  R"("linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}})");
	kkproc::Spec spec = Parse(json);
	ASSERT_TRUE(spec);
	Plan p;
	kk_error err = {};
	ASSERT_EQ(kk_plan_process(&p.plan, spec.get(), &err), 0) << err.msg;
	ChildResult r = InChild([&](int report) {
		kk_ctx ctx = kkproc::NewCtx();
		kk_error e = {};
		ctx.spec = spec.get();
		ctx.no_new_keyring = true;
		if (kk_plan_run(&p.plan, KK_PHASE_HOST_PREPARE, &ctx, &e) < 0 ||
		    kk_plan_run(&p.plan, KK_PHASE_INIT_CREATED, &ctx, &e) < 0 ||
		    kk_plan_run(&p.plan, KK_PHASE_INIT_PROCESS, &ctx, &e) < 0)
			Report(report, e.msg);
		return kOpFailed;
	});
	EXPECT_EQ(r.status, 0) << r.out;
}

} // namespace
