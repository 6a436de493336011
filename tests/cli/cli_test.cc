// The kakoi binary end to end: validate, spec, --version and usage errors,
// as an operator or a manager would call them.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/parser/fixture.h"

namespace
{

struct Result {
	int exit_code;
	std::string out;
	std::string err;
};

std::string Slurp(int fd)
{
	std::string s;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		s.append(buf, static_cast<size_t>(n));
	return s;
}

// Runs bazel-bin's kakoi with args in cwd; stdout and stderr are files so
// neither pipe can fill up and block the child.
Result Kakoi(const std::vector<std::string> &args, const std::string &cwd = "")
{
	std::string bin = RunfilePath("runtime/kakoi");
	char out_path[] = "/tmp/kakoi-cli-out-XXXXXX", err_path[] = "/tmp/kakoi-cli-err-XXXXXX";
	int out = mkstemp(out_path), err = mkstemp(err_path);
	pid_t pid = fork();
	if (pid == 0) {
		std::vector<char *> argv{const_cast<char *>(bin.c_str())};
		for (const auto &a : args)
			argv.push_back(const_cast<char *>(a.c_str()));
		argv.push_back(nullptr);
		dup2(out, 1);
		dup2(err, 2);
		if (!cwd.empty() && chdir(cwd.c_str()) < 0)
			_exit(99);
		execv(bin.c_str(), argv.data());
		_exit(98);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	lseek(out, 0, SEEK_SET);
	lseek(err, 0, SEEK_SET);
	Result r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
	close(out);
	close(err);
	unlink(out_path);
	unlink(err_path);
	return r;
}

std::string TempDir()
{
	char dir[] = "/tmp/kakoi-cli-XXXXXX";
	return mkdtemp(dir);
}

std::string ReadFile(const std::string &path)
{
	std::ifstream in(path);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

TEST(Cli, VersionNamesSpecAndLibraries)
{
	Result r = Kakoi({"--version"});
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_EQ(r.out.rfind("kakoi version ", 0), 0u) << r.out;
	// The commit from Bazel's workspace status (//runtime:kakoi is stamped).
	size_t at = r.out.find("\ncommit: ");
	ASSERT_NE(at, std::string::npos) << r.out;
	std::string commit = r.out.substr(at + 9, r.out.find('\n', at + 1) - at - 9);
	EXPECT_TRUE(commit == "unknown" ||
		    (commit.size() == 40 &&
		     commit.find_first_not_of("0123456789abcdef") == std::string::npos))
		<< commit;
	EXPECT_NE(r.out.find("\nspec: 1.3.0\n"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("\nlibseccomp: 2."), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("\nlibcap: 2."), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("\njson-c: 0."), std::string::npos) << r.out;
}

TEST(Cli, SpecThenValidate)
{
	std::string dir = TempDir();
	Result spec = Kakoi({"spec"}, dir);
	ASSERT_EQ(spec.exit_code, 0) << spec.err;
	std::string config = ReadFile(dir + "/config.json");
	EXPECT_NE(config.find("\"terminal\": false"), std::string::npos);
	EXPECT_NE(config.find("\"ociVersion\": \"1.3.0\""), std::string::npos);

	Result ok = Kakoi({"validate", "--bundle", dir});
	EXPECT_EQ(ok.exit_code, 0) << ok.err;
	EXPECT_EQ(ok.out, "ok\n");
	Result ok_cwd = Kakoi({"validate"}, dir);
	EXPECT_EQ(ok_cwd.out, "ok\n") << ok_cwd.err;
	Result ok_file = Kakoi({"validate", dir + "/config.json"});
	EXPECT_EQ(ok_file.out, "ok\n") << ok_file.err;

	Result again = Kakoi({"spec", "--bundle", dir});
	EXPECT_EQ(again.exit_code, 1);
	EXPECT_EQ(again.err, "kakoi: File " + dir + "/config.json exists. Remove it first\n");
	unlink((dir + "/config.json").c_str());
	rmdir(dir.c_str());
}

TEST(Cli, SpecRootlessAndTerminal)
{
	std::string dir = TempDir();
	ASSERT_EQ(Kakoi({"spec", "--rootless", "--terminal", "--bundle", dir}).exit_code, 0);
	std::string config = ReadFile(dir + "/config.json");
	EXPECT_NE(config.find("\"terminal\": true"), std::string::npos);
	EXPECT_NE(config.find("\"type\": \"user\""), std::string::npos);
	EXPECT_EQ(config.find("\"type\": \"network\""), std::string::npos);
	EXPECT_NE(config.find("\"hostID\": " + std::to_string(geteuid())), std::string::npos);
	EXPECT_EQ(config.find("gid=5"), std::string::npos);
	EXPECT_EQ(config.find("\"resources\""), std::string::npos);
	EXPECT_NE(config.find("\"rbind\""), std::string::npos);
	Result ok = Kakoi({"validate", "--bundle", dir});
	EXPECT_EQ(ok.out, "ok\n") << ok.err;
	// runc's global --rootless spelling works too.
	unlink((dir + "/config.json").c_str());
	ASSERT_EQ(Kakoi({"--rootless=true", "spec", "--bundle", dir}).exit_code, 0);
	EXPECT_NE(ReadFile(dir + "/config.json").find("\"type\": \"user\""), std::string::npos);
	unlink((dir + "/config.json").c_str());
	rmdir(dir.c_str());
}

TEST(Cli, ValidateSpecFixtures)
{
	for (const auto &f : ListRunfiles("tests/fixtures/config/good")) {
		Result r = Kakoi({"validate", RunfilePath(f)});
		EXPECT_EQ(r.exit_code, 0) << f << ": " << r.err;
		EXPECT_EQ(r.out, "ok\n");
	}
	for (const auto &f : ListRunfiles("tests/fixtures/config/bad")) {
		Result r = Kakoi({"validate", RunfilePath(f)});
		EXPECT_EQ(r.exit_code, 1) << f;
		EXPECT_EQ(r.out, "");
		EXPECT_EQ(r.err.rfind("kakoi: config.json: ", 0), 0u) << r.err;
	}
	Result hugepage =
		Kakoi({"validate", RunfilePath("tests/fixtures/config/bad/linux-hugepage.json")});
	EXPECT_NE(hugepage.err.find("linux.resources.hugepageLimits[0].pageSize"),
		  std::string::npos)
		<< hugepage.err;
}

TEST(Cli, ValidateErrors)
{
	Result missing = Kakoi({"validate", "--bundle", "/nonexistent"});
	EXPECT_EQ(missing.exit_code, 1);
	EXPECT_EQ(missing.err, "kakoi: open /nonexistent/config.json: No such file or directory\n");
	Result dir = Kakoi({"validate", "/"});
	EXPECT_EQ(dir.err, "kakoi: /: not a regular file\n");
	Result both = Kakoi({"validate", "--bundle", "/x", "/y"});
	EXPECT_EQ(both.exit_code, 1);
	EXPECT_EQ(both.err, "kakoi: validate: give either --bundle or one FILE; usage: kakoi "
			    "validate [--strict] [--bundle DIR] [FILE]\n");
}

// Errors quote untrusted config text; control characters must not reach the
// terminal, where an ESC or a newline could forge output such as "ok".
TEST(Cli, ErrorsArePrintable)
{
	std::string dir = TempDir();
	std::string path = dir + "/config.json";
	std::ofstream(path)
		<< R"({"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"/",)"
		<< R"("args":["sh"],"rlimits":[{"type":"X\u001b[2K\rok\n","soft":1,"hard":1}]}})";
	Result r = Kakoi({"validate", path});
	EXPECT_EQ(r.exit_code, 1);
	EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
	EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
	EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
	unlink(path.c_str());
	rmdir(dir.c_str());
}

TEST(Cli, UsageErrorsExitOneAndChangeNothing)
{
	std::string dir = TempDir();
	Result unknown = Kakoi({"frobnicate"}, dir);
	EXPECT_EQ(unknown.exit_code, 1);
	EXPECT_EQ(unknown.err, "kakoi: unknown command \"frobnicate\"; see kakoi --help\n");
	Result flag = Kakoi({"spec", "--frob"}, dir);
	EXPECT_EQ(flag.exit_code, 1);
	EXPECT_NE(flag.err.find("spec: unknown flag"), std::string::npos);
	Result global = Kakoi({"--frob", "spec"}, dir);
	EXPECT_EQ(global.exit_code, 1);
	Result fmt = Kakoi({"--log-format", "xml", "spec"}, dir);
	EXPECT_EQ(fmt.err, "kakoi: --log-format: \"xml\" is not text or json\n");
	Result none = Kakoi({});
	EXPECT_EQ(none.exit_code, 1);
	struct stat st;
	EXPECT_NE(stat((dir + "/config.json").c_str(), &st), 0) << "a failed command wrote a file";
	rmdir(dir.c_str());
}

} // namespace
