// The isolation boundary: the real parser child, and children that crash,
// hang, burn CPU, break out of their syscall allowlist, or lie about their
// result. Each must end in one clear error and no leftover process.
extern "C" {
#include "parser/image.h"
#include "runtime/loader/loader.h"
}

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace
{

const std::string kGood = R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},"hostname":"iso",)"
			  R"("process":{"cwd":"/","args":["sh"]}})";

std::string LoadError(const std::string &json, kk_loader_child_fn child = nullptr,
		      unsigned timeout_ms = 0)
{
	kk_loader_opts opts{timeout_ms, child};
	kk_error err{};
	const void *doc = kk_loader_parse(KK_DOC_CONFIG, json.data(), json.size(), &opts, &err);
	if (doc == nullptr)
		return err.msg;
	kk_doc_free(doc);
	return "";
}

// No child may outlive the call: nothing left to reap.
void ExpectNoChildren()
{
	errno = 0;
	EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
	EXPECT_EQ(errno, ECHILD);
}

TEST(Loader, ParsesInIsolationIntoAReadOnlyDocument)
{
	kk_error err{};
	const kk_spec *s = static_cast<const kk_spec *>(
		kk_loader_parse(KK_DOC_CONFIG, kGood.data(), kGood.size(), nullptr, &err));
	ASSERT_NE(s, nullptr) << err.msg;
	EXPECT_STREQ(s->hostname, "iso");
	EXPECT_STREQ(s->process->args.v[0], "sh");
	EXPECT_DEATH(const_cast<char *>(s->hostname)[0] = 'X', "");
	kk_doc_free(s);
	ExpectNoChildren();
}

TEST(Loader, InvalidConfigGivesTheParsersError)
{
	EXPECT_EQ(
		LoadError(
			R"({"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"x","args":["a"]}})"),
		"config.json: process.cwd: \"x\" must be an absolute path");
	EXPECT_EQ(LoadError("{]"),
		  "config.json: invalid JSON at byte 1: quoted object property name expected");
	ExpectNoChildren();
}

TEST(Loader, OversizedInputNeverReachesAChild)
{
	std::string big(5 * 1024 * 1024, ' ');
	EXPECT_EQ(LoadError(big).find("KK_LIMIT_INPUT_BYTES") != std::string::npos, true);
}

int Crash(kk_doc_kind, const char *, size_t, int, kk_error *)
{
	__builtin_trap(); // SIGILL: not intercepted by sanitizers, unlike SIGSEGV
}

int Sleep(kk_doc_kind, const char *, size_t, int, kk_error *)
{
	pause(); // not in the allowlist: killed at once
	return 0;
}

int Spin(kk_doc_kind, const char *, size_t, int, kk_error *)
{
	for (volatile unsigned long i = 0;; i++) {
	}
}

int OpenFile(kk_doc_kind, const char *, size_t, int, kk_error *)
{
	return open("/etc/hostname", O_RDONLY) >= 0 ? 0 : -1;
}

int ExecMemory(kk_doc_kind, const char *, size_t, int, kk_error *)
{
	void *p = mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? -1 : 0;
}

int WriteGarbage(kk_doc_kind, const char *, size_t, int fd, kk_error *)
{
	char junk[256];
	memset(junk, 0x41, sizeof(junk));
	return write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk) ? 0 : -1;
}

int WriteNothing(kk_doc_kind, const char *, size_t, int, kk_error *)
{
	return 0;
}

int ExitSilently(kk_doc_kind, const char *, size_t, int, kk_error *)
{
	syscall(SYS_exit_group, 0);
	return 0;
}

int ReportError(kk_doc_kind, const char *, size_t, int, kk_error *err)
{
	return kk_error_set(err, KK_ERR_INVALID, "config.json: evil\x1b[31m message");
}

TEST(Loader, CrashingChild)
{
	EXPECT_EQ(LoadError(kGood, Crash),
		  "config.json: parser child killed by Illegal instruction: it crashed");
	ExpectNoChildren();
}

TEST(Loader, HangingChildIsKilledAtTheTimeout)
{
	EXPECT_EQ(LoadError(kGood, Spin, 300), "config.json: parser child timed out after 300 ms");
	ExpectNoChildren();
}

TEST(Loader, CpuLimitKillsABusyChild)
{
	// Wall timeout above the 2 s CPU rlimit: RLIMIT_CPU must fire first.
	EXPECT_EQ(LoadError(kGood, Spin, 10000), "config.json: parser child killed by CPU time "
						 "limit exceeded: it exceeded its CPU time limit");
	ExpectNoChildren();
}

TEST(Loader, SyscallOutsideTheAllowlistKills)
{
	const std::string sigsys = "config.json: parser child killed by Bad system call: it made a "
				   "system call outside "
				   "its seccomp allowlist";
	EXPECT_EQ(LoadError(kGood, OpenFile), sigsys);
	EXPECT_EQ(LoadError(kGood, Sleep), sigsys);
	EXPECT_EQ(LoadError(kGood, ExecMemory), sigsys);
	ExpectNoChildren();
}

TEST(Loader, LyingChildren)
{
	EXPECT_EQ(LoadError(kGood, WriteGarbage), "spec image: bad magic or version");
	EXPECT_EQ(LoadError(kGood, WriteNothing),
		  "config.json: spec image of 0 bytes is out of bounds");
	EXPECT_EQ(LoadError(kGood, ExitSilently),
		  "config.json: parser child exited with status 0 without a coherent report");
	ExpectNoChildren();
}

TEST(Loader, ChildErrorTextIsSanitized)
{
	EXPECT_EQ(LoadError(kGood, ReportError), "config.json: evil?[31m message");
}

TEST(Loader, IgnoredSigchldIsNoExcuse)
{
	// main() resets SIGCHLD; the loader still reaps on EINTR and reports ECHILD clearly.
	signal(SIGCHLD, SIG_DFL);
	EXPECT_EQ(LoadError(kGood), "");
	ExpectNoChildren();
}

TEST(LoaderFiles, FifoDoesNotHang)
{
	char dir[] = "/tmp/kakoi-fifo-XXXXXX";
	ASSERT_NE(mkdtemp(dir), nullptr);
	std::string fifo = std::string(dir) + "/config.json";
	ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
	char *buf = nullptr;
	size_t len = 0;
	kk_error err{};
	EXPECT_EQ(kk_loader_read_file(fifo.c_str(), &buf, &len, &err), -1);
	EXPECT_EQ(std::string(err.msg), fifo + ": not a regular file");
	unlink(fifo.c_str());
	rmdir(dir);
}

TEST(LoaderFiles, ReadFileRefusesNonRegularAndOversized)
{
	char *buf = nullptr;
	size_t len = 0;
	kk_error err{};
	EXPECT_EQ(kk_loader_read_file("/", &buf, &len, &err), -1);
	EXPECT_STREQ(err.msg, "/: not a regular file");
	EXPECT_EQ(kk_loader_read_file("/nonexistent/config.json", &buf, &len, &err), -1);
	EXPECT_STREQ(err.msg, "open /nonexistent/config.json: No such file or directory");

	char path[] = "/tmp/kakoi-loader-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	std::string big(5 * 1024 * 1024, ' ');
	ASSERT_EQ(write(fd, big.data(), big.size()), (ssize_t)big.size());
	close(fd);
	EXPECT_EQ(kk_loader_read_file(path, &buf, &len, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	unlink(path);
}

} // namespace
