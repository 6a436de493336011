// The fault campaign (issue 5): for each of create, start, run, kill, delete
// and delete --force, the operation is run by kakoi_fault with
// KAKOI_FAULT_AT = 1, 2, 3, ... until it completes without reaching the
// fault. After every injected failure the host is checked: the state as
// before the operation, no cgroup directory, no mount under the test's dirs, no process
// of ours, no pid file, nothing in the state root (start.sock, fifo, lock),
// a non-zero exit with one "kakoi: ..." error line. A failed delete must
// leave the container deletable by a second delete. The figure is printed
// at the end: fault points per operation and how many left something.
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>

#include "tests/fault/text.h"
#include "tests/integration/harness.h"
#include "tests/parser/fixture.h"

namespace kk_it
{
namespace
{

// More points than any operation has: reaching it means the loop never ends.
constexpr long kMaxPoints = 600;

// "run" (default): every seam call of every process of the operation gets
// one number and exactly one fails. "process" (--test_env=
// KAKOI_CAMPAIGN_SCOPE=process): each process fails its own Nth call, so the
// init and the runtime's rollback can both fail (double faults).
const char *Scope()
{
	const char *scope = getenv("KAKOI_CAMPAIGN_SCOPE");
	return scope != nullptr && strcmp(scope, "process") == 0 ? "process" : "run";
}

struct Figure {
	long points = 0;      // runs in which the fault fired
	long left_behind = 0; // of those, how many failed a check
	long tolerated = 0;   // fired, yet the operation succeeded
	std::vector<std::string> findings;
};

std::map<std::string, Figure> &Figures()
{
	static std::map<std::string, Figure> figures;
	return figures;
}

// Prints the figure after the last test, whichever ran.
class PrintFigure : public ::testing::Environment
{
      public:
	void TearDown() override
	{
		std::cout << "\n=== fault campaign (scope " << Scope()
			  << "): fault points exercised, left something behind (goal 0) ===\n";
		for (const auto &kv : Figures())
			std::cout << "  " << kv.first << ": " << kv.second.points << " points, "
				  << kv.second.left_behind << " left something behind, "
				  << kv.second.tolerated << " fired but succeeded\n";
		for (const auto &kv : Figures())
			for (const auto &f : kv.second.findings)
				std::cout << "  FINDING " << kv.first << " " << f << "\n";
	}
};
::testing::Environment *const print_figure = ::testing::AddGlobalTestEnvironment(new PrintFigure);

using kk_fault_text::DirEntries;
using kk_fault_text::Join;
using kk_fault_text::Lines;

class FaultCampaign : public IntegrationTest
{
      protected:
	void SetUp() override
	{
		IntegrationTest::SetUp();
		work_ = HostTempDir("fault");
		report_ = work_ + "/report";
		pid_file_ = work_ + "/pid";
	}

	// One run of the fault binary: its result and the faults that fired
	// ("fault fired at N: NAME (pid P)", one per process).
	struct Shot {
		Result result;
		std::vector<std::string> fired;
	};

	Shot KakoiFault(long at, const std::vector<std::string> &args)
	{
		unlink(report_.c_str());
		setenv("KAKOI_FAULT_AT", std::to_string(at).c_str(), 1);
		setenv("KAKOI_FAULT_REPORT", report_.c_str(), 1);
		setenv("KAKOI_FAULT_SCOPE", Scope(), 1);
		std::vector<std::string> full{"--root", root_};
		full.insert(full.end(), args.begin(), args.end());
		Shot s;
		if (as_user_.empty()) {
			s.result = RunCommand(RunfilePath("runtime/kakoi_fault"), full);
		} else {
			std::vector<std::string> line = as_user_;
			line.insert(line.end(), full.begin(), full.end());
			s.result = RunCommand("/usr/bin/setpriv", line);
		}
		unsetenv("KAKOI_FAULT_AT");
		unsetenv("KAKOI_FAULT_REPORT");
		unsetenv("KAKOI_FAULT_SCOPE");
		std::string text;
		for (char c : ReadFile(report_))
			text += c == '\0' ? '\n' : c;
		for (const auto &line : Lines(text))
			if (line.rfind("fault fired at ", 0) == 0)
				s.fired.push_back(line);
		return s;
	}

	// The error lines of a failed run: "kakoi: ..." but not warnings.
	static std::vector<std::string> ErrorLines(const Result &r)
	{
		std::vector<std::string> out;
		for (const auto &line : Lines(r.err))
			if (line.rfind("kakoi: ", 0) == 0 && line.rfind("kakoi: warning: ", 0) != 0)
				out.push_back(line);
		return out;
	}

	// Problems with how a failed run ended: exit, the one error line.
	static std::vector<std::string> CheckFailure(const Shot &s)
	{
		std::vector<std::string> bad;
		std::vector<std::string> errors = ErrorLines(s.result);
		if (s.result.timed_out || s.result.term_signal != 0)
			bad.push_back("did not exit: signal " +
				      std::to_string(s.result.term_signal) +
				      (s.result.timed_out ? " (timed out)" : ""));
		else if (s.result.exit_code == 0)
			bad.push_back("exit 0 after a failed step");
		if (errors.size() != 1)
			bad.push_back(std::to_string(errors.size()) +
				      " error lines, want 1: " + Join(Lines(s.result.err), " | "));
		else if (errors[0].find(strerror(EIO)) == std::string::npos ||
			 errors[0].size() < strlen("kakoi: ") + strlen(strerror(EIO)) + 4)
			bad.push_back("the error line names no failed step: " + errors[0]);
		return bad;
	}

	// The host as before a create or run: nothing of the container. The
	// pid file counts only after a failed create (after a successful one it
	// is the caller's: delete leaves it, as runc's does).
	std::vector<std::string> CheckNothingOfIt(bool pid_file = true)
	{
		std::vector<std::string> left;
		WaitUntil([&] { return (left = LeftBehind(id_)).empty(); }, 1000);
		for (const auto &name : DirEntries(root_))
			left.push_back("in the state root: " + name);
		if (pid_file && Exists(pid_file_))
			left.push_back("pid file " + pid_file_);
		return left;
	}

	// Host things that must never change: mounts, stray processes, cgroups
	// of other IDs. LeftBehind(id_) minus what a live container has.
	std::vector<std::string> CheckMountsOnly()
	{
		std::vector<std::string> out;
		for (const auto &l : LeftBehind(id_))
			if (l.rfind("mount changed", 0) == 0)
				out.push_back(l);
		return out;
	}

	// Force-deletes with the release binary and expects the host clean.
	std::vector<std::string> CleanUp(bool force = true)
	{
		std::vector<std::string> left;
		std::vector<std::string> args{"delete"};
		if (force)
			args.push_back("--force");
		args.push_back(id_);
		Result d = Kakoi(args);
		if (d.exit_code != 0 && Exists(root_ + "/" + id_))
			left.push_back("the container cannot be deleted: " +
				       Join(Lines(d.err), " | "));
		std::vector<std::string> rest = CheckNothingOfIt(false);
		left.insert(left.end(), rest.begin(), rest.end());
		unlink(pid_file_.c_str());
		return left;
	}

	// Records the outcome of one run at point n.
	void Record(const std::string &op, long n, const Shot &s, std::vector<std::string> bad)
	{
		std::sort(bad.begin(), bad.end());
		bad.erase(std::unique(bad.begin(), bad.end()), bad.end());
		Figure &f = Figures()[op];
		f.points++;
		if (s.result.exit_code == 0 && bad.empty()) {
			f.tolerated++;
			return;
		}
		if (bad.empty())
			return;
		f.left_behind++;
		std::string errors = Join(ErrorLines(s.result), " | ");
		std::string finding =
			"N=" + std::to_string(n) + " [" + Join(s.fired, "; ") +
			"] error: " + (errors.empty() ? "(none)" : errors) +
			(s.result.out.empty() ? "" : " (stdout: " + s.result.out + ")") +
			"\n      left: " + Join(bad, "\n      left: ");
		f.findings.push_back(finding);
		ADD_FAILURE() << op << " " << finding;
	}

	// The loop: prepare, run the operation failing call n, check, clean up,
	// until a run does not reach n.
	void Campaign(const std::string &op, const std::function<bool()> &prepare,
		      const std::vector<std::string> &args,
		      const std::function<std::vector<std::string>(const Shot &)> &check)
	{
		Figures()[op];
		for (long n = 1; n <= kMaxPoints; n++) {
			if (!prepare()) {
				ADD_FAILURE()
					<< op << " N=" << n << ": cannot set up the precondition";
				return;
			}
			Shot s = KakoiFault(n, args);
			if (s.fired.empty()) {
				EXPECT_EQ(s.result.exit_code, 0)
					<< op << " without a fault: " << s.result;
				std::vector<std::string> left = CleanUp();
				EXPECT_TRUE(left.empty()) << op << ": " << Join(left, "\n");
				std::cout << op << ": " << (n - 1) << " fault points\n";
				return;
			}
			std::vector<std::string> bad = check(s);
			std::vector<std::string> left = CleanUp();
			bad.insert(bad.end(), left.begin(), left.end());
			Record(op, n, s, bad);
			if (!left.empty() && !CleanUp().empty()) {
				ADD_FAILURE()
					<< op << " N=" << n << ": the host stays dirty; stopping";
				return;
			}
		}
		ADD_FAILURE() << op << ": still failing after " << kMaxPoints << " points";
	}

	// The status and pid of the container ("" when state fails).
	std::pair<std::string, pid_t> Status()
	{
		State st = GetState(id_);
		return {st.status, st.pid};
	}

	bool CreateNormally()
	{
		auto p = Create(id_);
		return p->Wait().exit_code == 0;
	}

	bool RunSleeperNormally()
	{
		sleeper_ = RunSleeper(id_);
		auto st = Status();
		sleeper_pid_ = st.second;
		return st.first == "running";
	}

	bool RunStoppedNormally()
	{
		config_->SetArgs({"/bin/true"});
		SaveConfig();
		Result r = Kakoi({"run", "--detach", "--bundle", bundle_, id_});
		return r.exit_code == 0 && WaitForStatus(id_, "stopped", 5000);
	}

	// A fault in create leaves nothing of the container, or the fault was
	// survived and it is created.
	void CreateCampaign(const std::string &label)
	{
		config_->SetArgs({"/bin/true"});
		SaveConfig();
		Campaign(
			label, [] { return true; },
			{"create", "--bundle", bundle_, "--pid-file", pid_file_, id_},
			[&](const Shot &s) {
				if (s.result.exit_code == 0) // a fault the operation may survive
					return Status().first == "created"
						       ? std::vector<std::string>{}
						       : std::vector<std::string>{
								 "exit 0 but not created"};
				std::vector<std::string> bad = CheckFailure(s),
							 left = CheckNothingOfIt();
				bad.insert(bad.end(), left.begin(), left.end());
				return bad;
			});
	}

	// Makes the next runs of the fault binary those of nobody (65534), on
	// a `spec --rootless` config mapping root to it: the binary is copied
	// out of /root's runfiles, the state root and work dir become its.
	bool BecomeRootless()
	{
		std::string bin = HostTempDir("fault-bin");
		std::string fault = bin + "/kakoi_fault";
		WriteFile(fault, ReadFile(RunfilePath("runtime/kakoi_fault")));
		if (chmod(bin.c_str(), 0755) < 0 || chmod(fault.c_str(), 0755) < 0 ||
		    chown(root_.c_str(), 65534, 65534) < 0 ||
		    chown(work_.c_str(), 65534, 65534) < 0 ||
		    unlink((bundle_ + "/config.json").c_str()) < 0)
			return false;
		RunOptions in_bundle;
		in_bundle.cwd = bundle_;
		if (Kakoi({"spec", "--rootless"}, in_bundle).exit_code != 0)
			return false;
		config_ = Config::Load(bundle_ + "/config.json");
		if (config_ == nullptr)
			return false;
		const std::string map = R"([{"containerID":0,"hostID":65534,"size":1}])";
		config_->Set("linux.uidMappings", map);
		config_->Set("linux.gidMappings", map);
		config_->SetTerminal(false);
		config_->AddEnv(marker_);
		as_user_ = {"--reuid=65534", "--regid=65534", "--clear-groups", fault};
		return true;
	}

	std::string work_, report_, pid_file_;
	std::vector<std::string> as_user_; // setpriv's arguments, or empty: as root
	std::unique_ptr<Process> sleeper_;
	pid_t sleeper_pid_ = 0;
};

TEST_F(FaultCampaign, Create)
{
	CreateCampaign("create");
}

// Without a mount namespace of its own the container's mounts are made in
// the test's (the host's) namespace: every failed create takes them away.
TEST_F(FaultCampaign, CreateWithoutAMountNamespace)
{
	config_->RemoveNamespace("mount");
	CreateCampaign("create (no mount namespace)");
}

// Rootless (issue 13): nobody creates without a cgroup, writes its own id
// maps (setgroups first) and keeps its state in a root of its own; every
// failed create takes all of it away.
TEST_F(FaultCampaign, CreateRootless)
{
	ASSERT_TRUE(BecomeRootless());
	CreateCampaign("create (rootless)");
}

// Before the container's process ran, a failed run leaves nothing; after it
// (the final delete failed) the stopped container must go with a plain delete.
TEST_F(FaultCampaign, Run)
{
	const std::string ran = "kakoi-fault-container-ran";
	config_->SetArgs({"/bin/echo", ran});
	SaveConfig();
	Campaign(
		"run", [] { return true; },
		{"run", "--bundle", bundle_, "--pid-file", pid_file_, id_},
		[&](const Shot &s) {
			if (s.result.exit_code == 0)
				return std::vector<std::string>{};
			std::vector<std::string> bad = CheckFailure(s), left;
			if (s.result.out.find(ran) == std::string::npos)
				left = CheckNothingOfIt();
			else
				left = CleanUp(false);
			bad.insert(bad.end(), left.begin(), left.end());
			return bad;
		});
}

TEST_F(FaultCampaign, Start)
{
	config_->SetArgs({"/bin/true"});
	SaveConfig();
	Campaign(
		"start", [&] { return CreateNormally(); }, {"start", id_},
		[&](const Shot &s) {
			std::vector<std::string> bad;
			if (s.result.exit_code == 0)
				return bad;
			bad = CheckFailure(s);
			std::string status = Status().first;
			if (status != "created")
				bad.push_back("start failed but the container is " + status +
					      " (was created)");
			if (status == "created" && !Exists(root_ + "/" + id_ + "/start.sock"))
				bad.push_back("still created but start.sock is gone");
			std::vector<std::string> mounts = CheckMountsOnly();
			bad.insert(bad.end(), mounts.begin(), mounts.end());
			return bad;
		});
}

// kill --all freezes the cgroup around the signals (no pid reuse between
// reading and signalling): whatever fails, the container is running and
// thawed afterwards.
TEST_F(FaultCampaign, KillAll)
{
	Campaign(
		"kill --all", [&] { return RunSleeperNormally(); }, {"kill", "--all", id_, "CONT"},
		[&](const Shot &s) {
			std::vector<std::string> bad;
			std::string freezer = ReadFile("/sys/fs/cgroup/freezer" + cgroups_path_ +
						       "/freezer.state");
			if (freezer != "THAWED\n")
				bad.push_back("freezer left " + freezer);
			if (s.result.exit_code == 0)
				return bad;
			std::vector<std::string> failure = CheckFailure(s);
			bad.insert(bad.end(), failure.begin(), failure.end());
			auto now = Status();
			if (now.first != "running" || now.second != sleeper_pid_)
				bad.push_back("kill --all failed but the container is " +
					      now.first);
			return bad;
		});
}

TEST_F(FaultCampaign, Kill)
{
	Campaign(
		"kill", [&] { return RunSleeperNormally(); }, {"kill", id_, "KILL"},
		[&](const Shot &s) {
			std::vector<std::string> bad;
			if (s.result.exit_code == 0)
				return bad;
			bad = CheckFailure(s);
			auto now = Status();
			if (now.first != "running" || now.second != sleeper_pid_)
				bad.push_back("kill failed but the container is " + now.first);
			std::vector<std::string> mounts = CheckMountsOnly();
			bad.insert(bad.end(), mounts.begin(), mounts.end());
			return bad;
		});
}

TEST_F(FaultCampaign, Delete)
{
	Campaign(
		"delete", [&] { return RunStoppedNormally(); }, {"delete", id_},
		[&](const Shot &s) {
			std::vector<std::string> bad;
			if (s.result.exit_code == 0) {
				// Deleted despite the fault: then completely.
				bad = CheckNothingOfIt();
				return bad;
			}
			bad = CheckFailure(s);
			// A second, plain delete must finish the job.
			std::vector<std::string> left = CleanUp(false);
			bad.insert(bad.end(), left.begin(), left.end());
			return bad;
		});
}

TEST_F(FaultCampaign, DeleteForce)
{
	Campaign(
		"delete --force", [&] { return RunSleeperNormally(); }, {"delete", "--force", id_},
		[&](const Shot &s) {
			std::vector<std::string> bad;
			if (s.result.exit_code == 0)
				return CheckNothingOfIt();
			bad = CheckFailure(s);
			std::vector<std::string> left = CleanUp(true);
			bad.insert(bad.end(), left.begin(), left.end());
			return bad;
		});
}

} // namespace
} // namespace kk_it
