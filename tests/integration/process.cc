// Starting and waiting for processes (kakoi, or anything) with stdout and
// stderr in files, extra fds placed as a caller would leak them, and a
// deadline so a hung runtime fails the test instead of hanging it.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/harness.h"
#include "tests/parser/fixture.h"

namespace kk_it
{

std::ostream &operator<<(std::ostream &os, const Result &r)
{
	os << "exit_code=" << r.exit_code;
	if (r.term_signal != 0)
		os << " signal=" << r.term_signal;
	if (r.timed_out)
		os << " TIMED OUT";
	return os << "\n--- stdout ---\n" << r.out << "\n--- stderr ---\n" << r.err;
}

std::string KakoiBinary()
{
	return RunfilePath("runtime/kakoi");
}

std::string ProbeBinary()
{
	return RunfilePath("tests/probe/probe_bin");
}

std::string ReadFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

void WriteFile(const std::string &path, const std::string &data)
{
	std::ofstream out(path, std::ios::binary | std::ios::trunc);
	out << data;
}

bool Exists(const std::string &path)
{
	struct stat st;
	return lstat(path.c_str(), &st) == 0;
}

bool WaitUntil(const std::function<bool()> &pred, int timeout_ms)
{
	auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
	while (!pred()) {
		if (std::chrono::steady_clock::now() >= deadline)
			return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	return true;
}

static bool some_process_hung;

int Patience()
{
	return some_process_hung ? 3000 : 10000;
}

Process::Process(pid_t pid, std::string out_path, std::string err_path)
    : pid_(pid), out_path_(std::move(out_path)), err_path_(std::move(err_path))
{
}

Process::~Process()
{
	if (!reaped_ && pid_ > 0) {
		kill(pid_, SIGKILL);
		waitpid(pid_, nullptr, 0);
	}
	unlink(out_path_.c_str());
	unlink(err_path_.c_str());
}

std::string Process::Out() const
{
	return ReadFile(out_path_);
}

std::string Process::Err() const
{
	return ReadFile(err_path_);
}

bool Process::WaitForOutput(const std::string &needle, int timeout_ms) const
{
	bool found = WaitUntil([&] { return Out().find(needle) != std::string::npos; },
			       timeout_ms < 0 ? Patience() : timeout_ms);
	some_process_hung = some_process_hung || (!found && timeout_ms < 0);
	return found;
}

void Process::Signal(int sig) const
{
	if (!reaped_)
		kill(pid_, sig);
}

// Records how the reaped process ended.
static void Decode(int status, Result *r)
{
	if (WIFEXITED(status) && !r->timed_out)
		r->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->term_signal = WTERMSIG(status);
}

bool Process::Running()
{
	int status = 0;
	if (reaped_ || pid_ <= 0)
		return false;
	if (waitpid(pid_, &status, WNOHANG) != pid_)
		return true;
	reaped_ = true;
	Decode(status, &result_);
	return false;
}

Result Process::Wait(int timeout_ms)
{
	if (reaped_ || pid_ <= 0) {
		result_.out = Out();
		result_.err = Err();
		return result_;
	}
	int status = 0;
	bool done = WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; },
			      timeout_ms < 0 ? Patience() : timeout_ms);
	if (!done) {
		some_process_hung = some_process_hung || timeout_ms < 0;
		kill(pid_, SIGKILL);
		waitpid(pid_, &status, 0);
		result_.timed_out = true;
	}
	reaped_ = true;
	Decode(status, &result_);
	result_.out = Out();
	result_.err = Err();
	return result_;
}

// In the child between fork and exec: only async-signal-safe calls. Sources
// go to high fds first so a target never overwrites a source still needed.
[[noreturn]] static void ExecChild(const std::string &bin, std::vector<char *> &argv,
				   const RunOptions &opts, int out, int err)
{
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(97);
	int staged[64], n = 0;
	for (const auto &kv : opts.fds) {
		if (n == 64 || (staged[n++] = fcntl(kv.second, F_DUPFD_CLOEXEC, 200)) < 0)
			_exit(96);
	}
	n = 0;
	for (const auto &kv : opts.fds)
		if (dup2(staged[n++], kv.first) < 0)
			_exit(95);
	if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) < 0)
		_exit(99);
	execv(bin.c_str(), argv.data());
	_exit(98);
}

std::unique_ptr<Process> Spawn(const std::string &bin, const std::vector<std::string> &args,
			       const RunOptions &opts)
{
	char out_path[] = "/tmp/kakoi-it-out-XXXXXX", err_path[] = "/tmp/kakoi-it-err-XXXXXX";
	int out = mkostemp(out_path, O_CLOEXEC), err = mkostemp(err_path, O_CLOEXEC);
	std::vector<char *> argv{const_cast<char *>(bin.c_str())};
	for (const auto &a : args)
		argv.push_back(const_cast<char *>(a.c_str()));
	argv.push_back(nullptr);
	pid_t pid = (out < 0 || err < 0) ? -1 : fork();
	if (pid == 0)
		ExecChild(bin, argv, opts, out, err);
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	EXPECT_GT(pid, 0) << "cannot start " << bin;
	return std::make_unique<Process>(pid, out_path, err_path);
}

Result RunCommand(const std::string &bin, const std::vector<std::string> &args,
		  const RunOptions &opts)
{
	return Spawn(bin, args, opts)->Wait(opts.timeout_ms);
}

} // namespace kk_it
