// The init-created ops (cwd, lookup, LSM check) on a temp directory: they
// only read, or create directories under the test's own temp dir.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/process/process_helpers.h"

using kkproc::Config;
using kkproc::Parse;
using kkproc::Plan;

namespace
{

class Created : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		const char *tmp = getenv("TEST_TMPDIR");
		std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/kkprocXXXXXX";

		ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
		dir_ = tmpl;
		WriteFile("tool", 0755);
		WriteFile("data", 0644);
		ASSERT_EQ(mkdir((dir_ + "/bin").c_str(), 0755), 0);
	}

	void TearDown() override
	{
		std::string cmd = "rm -rf '" + dir_ + "'";
		ASSERT_EQ(system(cmd.c_str()), 0);
	}

	void WriteFile(const std::string &name, mode_t mode)
	{
		std::ofstream(dir_ + "/" + name) << "#!/bin/sh\n";
		ASSERT_EQ(chmod((dir_ + "/" + name).c_str(), mode), 0);
	}

	// Runs the init-created phase; returns the error message or "".
	std::string Run(const std::string &process_body)
	{
		std::string perr;
		kkproc::Spec spec = Parse(Config(process_body), &perr);
		Plan p;
		kk_ctx ctx = kkproc::NewCtx();
		kk_error err = {};

		if (!spec)
			return "parse: " + perr;
		ctx.spec = spec.get();
		if (kk_plan_process(&p.plan, spec.get(), &err) < 0 ||
		    kk_plan_run(&p.plan, KK_PHASE_INIT_CREATED, &ctx, &err) < 0)
			return err.msg;
		exec_path_ = ctx.exec_path;
		return "";
	}

	std::string dir_;
	std::string exec_path_;
};

std::string Tail(const std::string &msg)
{
	// kk_plan_run prefixes "init-created step N type: description: ".
	size_t at = msg.find("exec: ");
	if (at == std::string::npos)
		at = msg.find("process.");
	return at == std::string::npos ? msg : msg.substr(at);
}

TEST_F(Created, FindsInPath)
{
	EXPECT_EQ(Run(R"("cwd":"/","args":["tool"],"env":["PATH=/nonexistent:)" + dir_ + R"("])"),
		  "");
	EXPECT_EQ(exec_path_, dir_ + "/tool");
}

// As runc: PATH comes from process.env only; none, or an empty one, finds
// nothing (no default PATH), while a path with a slash needs none.
TEST_F(Created, NoPathInEnvFindsNothingAsWithRunc)
{
	EXPECT_EQ(Tail(Run(R"("cwd":"/","args":["sh"],"env":["HOME=/"])")),
		  "exec: \"sh\": executable file not found in $PATH");
	EXPECT_EQ(Tail(Run(R"("cwd":"/","args":["sh"],"env":["PATH="])")),
		  "exec: \"sh\": executable file not found in $PATH");
	EXPECT_EQ(Run(R"("cwd":"/","args":["/bin/sh"],"env":["HOME=/"])"), "");
}

TEST_F(Created, NotFoundInPathKeepsRuncWording)
{
	std::string msg = Run(R"("cwd":"/","args":["data"],"env":["PATH=)" + dir_ + R"("])");
	EXPECT_EQ(Tail(msg), "exec: \"data\": executable file not found in $PATH") << msg;
	msg = Run(R"("cwd":"/","args":["kk-no-such-tool"],"env":["PATH=/bin"])");
	EXPECT_EQ(Tail(msg), "exec: \"kk-no-such-tool\": executable file not found in $PATH");
	EXPECT_EQ(msg.rfind("init-created step 2 lookup: ", 0), 0u) << msg;
}

TEST_F(Created, PathMissingKeepsRuncWording)
{
	std::string msg = Run(R"("cwd":"/","args":["/bin/kk-nope"])");
	EXPECT_EQ(Tail(msg),
		  "exec: \"/bin/kk-nope\": stat /bin/kk-nope: no such file or directory");
}

TEST_F(Created, PermissionDeniedKeepsRuncWording)
{
	std::string path = dir_ + "/data";
	std::string msg = Run(R"("cwd":"/","args":[")" + path + R"("])");
	EXPECT_EQ(Tail(msg), "exec: \"" + path + "\": permission denied");
	msg = Run(R"("cwd":"/","args":[")" + dir_ + R"(/bin"])");
	EXPECT_EQ(Tail(msg), "exec: \"" + dir_ + "/bin\": is a directory");
}

TEST_F(Created, RelativeNamesResolveFromCwd)
{
	EXPECT_EQ(Run(R"("cwd":")" + dir_ + R"(","args":["./tool"])"), "");
	EXPECT_EQ(exec_path_, dir_ + "/./tool") << "relative to process.cwd";
	std::string msg = Run(R"("cwd":")" + dir_ + R"(","args":["tool"],"env":["PATH=bin:."])");
	EXPECT_EQ(Tail(msg),
		  "exec: \"tool\": cannot run executable found relative to current directory");
}

TEST_F(Created, CwdIsCreated)
{
	std::string cwd = dir_ + "/a/b/c";
	struct stat st;

	EXPECT_EQ(Run(R"("cwd":")" + cwd + R"(","args":["/bin/sh"])"), "");
	ASSERT_EQ(stat(cwd.c_str(), &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST_F(Created, CwdMustBeADirectory)
{
	std::string msg = Run(R"("cwd":")" + dir_ + R"(/data","args":["/bin/sh"])");
	EXPECT_EQ(Tail(msg), "process.cwd: " + dir_ + "/data is not a directory");
	msg = Run(R"("cwd":")" + dir_ + R"(/data/x","args":["/bin/sh"])");
	EXPECT_NE(msg.find("process.cwd: stat " + dir_ + "/data/x: Not a directory"),
		  std::string::npos)
		<< msg;
}

// This host has neither AppArmor nor SELinux.
TEST_F(Created, LsmNotEnabledIsAClearError)
{
	if (access("/sys/kernel/security/apparmor", F_OK) == 0 ||
	    access("/sys/fs/selinux/enforce", F_OK) == 0)
		GTEST_SKIP() << "this host has an LSM";
	EXPECT_EQ(Tail(Run(R"("cwd":"/","args":["/bin/sh"],"apparmorProfile":"kk")")),
		  "process.apparmorProfile: AppArmor is not enabled on this host");
	EXPECT_EQ(Tail(Run(R"("cwd":"/","args":["/bin/sh"],"selinuxLabel":"system_u:r:t:s0")")),
		  "process.selinuxLabel: SELinux is not enabled on this host");
}

} // namespace
