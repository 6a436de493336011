// The integration test harness: a fresh bundle per test (busybox + /probe
// rootfs, config.json from `kakoi spec`, edited through json-c), a private
// state root, a runner for the kakoi binary, and a check that the test left
// nothing on the host. Tests run as root outside Bazel's sandbox.
#ifndef KK_TESTS_INTEGRATION_HARNESS_H
#define KK_TESTS_INTEGRATION_HARNESS_H

#include <json-c/json.h>
#include <sys/types.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kk_it
{

// How a process ended. exit_code is its exit status when it exited, -1
// otherwise (then term_signal or timed_out says why): a process killed by
// SIGTERM must not pass for one that exited 143.
struct Result {
	int exit_code = -1;
	int term_signal = 0;
	bool timed_out = false;
	std::string out;
	std::string err;
};

// Prints a Result in gtest failure messages.
std::ostream &operator<<(std::ostream &os, const Result &r);

struct RunOptions {
	std::string cwd;
	// Extra fds for the child: target fd -> fd in the test process. Each
	// target is left open across exec (no CLOEXEC), like a caller's leak.
	std::map<int, int> fds;
	int timeout_ms = -1; // -1: Patience()
};

// The default deadline for a process, in ms: 10 s, and 3 s once any process
// in this test binary timed out, so a hung runtime fails each test quickly
// instead of running the whole target into Bazel's timeout.
int Patience();

// A process started in the background. stdout and stderr are files, not
// pipes: a container that inherits them may write after the process exits,
// and a full pipe could never block it.
class Process
{
      public:
	Process(pid_t pid, std::string out_path, std::string err_path);
	~Process(); // SIGKILLs and reaps it if still running; removes the files
	Process(const Process &) = delete;
	Process &operator=(const Process &) = delete;

	pid_t pid() const
	{
		return pid_;
	}
	std::string Out() const;
	std::string Err() const;
	// Polls stdout until it contains needle.
	bool WaitForOutput(const std::string &needle, int timeout_ms = -1) const;
	// Has it not exited yet? (Reaps it when it has; Wait then returns that.)
	bool Running();
	// Waits for the exit (SIGKILL after timeout_ms: timed_out). Idempotent.
	Result Wait(int timeout_ms = -1);
	void Signal(int sig) const;

      private:
	pid_t pid_;
	bool reaped_ = false;
	Result result_;
	std::string out_path_, err_path_;
};

std::unique_ptr<Process> Spawn(const std::string &bin, const std::vector<std::string> &args,
			       const RunOptions &opts = {});
Result RunCommand(const std::string &bin, const std::vector<std::string> &args,
		  const RunOptions &opts = {});

std::string KakoiBinary();
std::string ProbeBinary();

std::string ReadFile(const std::string &path);
void WriteFile(const std::string &path, const std::string &data);
bool Exists(const std::string &path);
// Polls pred every 10 ms until it holds or timeout_ms passes.
bool WaitUntil(const std::function<bool()> &pred, int timeout_ms = 10000);
// Removes a tree without following symlinks or crossing mount points.
void RemoveTree(const std::string &path);

// A json-c document owned by the test.
using Json = std::unique_ptr<json_object, int (*)(json_object *)>;
Json ParseJson(const std::string &text); // holds nullptr when text is not JSON
std::string JsonString(json_object *obj, const std::string &key);
long long JsonInt(json_object *obj, const std::string &key, long long missing = -1);

// config.json, addressed by dotted paths ("linux.resources.pids").
class Config
{
      public:
	explicit Config(json_object *root) : root_(root)
	{
	}
	~Config();
	Config(const Config &) = delete;
	Config &operator=(const Config &) = delete;

	static std::unique_ptr<Config> Load(const std::string &path);
	bool Save(const std::string &path) const;
	std::string Text() const;

	json_object *Find(const std::string &path) const;
	std::string Get(const std::string &path) const; // JSON text, "" when absent
	// Sets the value (JSON text) at path, creating missing objects.
	void Set(const std::string &path, const std::string &json);
	void Remove(const std::string &path);
	// Appends a value (JSON text) to the array at path (created if missing).
	void Append(const std::string &path, const std::string &json);

	void SetArgs(const std::vector<std::string> &args);
	void SetTerminal(bool terminal);
	void SetReadonlyRoot(bool readonly);
	void SetHostname(const std::string &hostname);
	void AddEnv(const std::string &entry);
	void AddMount(const std::string &destination, const std::string &type,
		      const std::string &source, const std::vector<std::string> &options);
	void RemoveMount(const std::string &destination);
	void AddNamespace(const std::string &type, const std::string &path = "");
	void RemoveNamespace(const std::string &type);
	void SetCgroupsPath(const std::string &path);
	void SetSeccomp(const std::string &json);
	void AddRlimit(const std::string &type, unsigned long long soft, unsigned long long hard);

      private:
	json_object *root_;
};

// A console-socket receiver, as conmon and the containerd shim are
// (console.cc): a listening unix socket at path, or -1.
int Listen(const std::string &path);
// Accepts one connection (within Patience()) and returns the fd it carried
// as SCM_RIGHTS, or -1.
int ReceiveFd(int listener);
// Reads fd until the text holds needle, EOF, or Patience() without data.
std::string ReadUntil(int fd, const std::string &needle);

// Quotes a string as a JSON string literal.
std::string Quote(const std::string &s);

// Builds rootfs: bin/busybox with every applet linked at its usual path,
// /probe, the usual empty directories, /etc/passwd and /etc/group.
bool BuildRootfs(const std::string &rootfs, std::string *why);

// The base fixture. Each test gets a unique container ID, state root,
// bundle (with config_ loaded from `kakoi spec` and a unique cgroupsPath)
// and a marker in the container's environment; TearDown force-deletes the
// container, expects nothing left behind and removes the temp dirs.
class IntegrationTest : public ::testing::Test
{
      protected:
	void SetUp() override;
	void TearDown() override;

	// kakoi --root <root_> args...
	Result Kakoi(const std::vector<std::string> &args, const RunOptions &opts = {});
	std::unique_ptr<Process> KakoiSpawn(const std::vector<std::string> &args,
					    const RunOptions &opts = {});
	void SaveConfig();
	// Sets process.args, saves, and runs `kakoi run --bundle B [flags] ID`.
	Result RunContainer(const std::vector<std::string> &args,
			    const std::vector<std::string> &flags = {},
			    const RunOptions &opts = {});
	// Saves the config and runs `kakoi create --bundle B ID`; the handle
	// keeps the output files the container inherited.
	std::unique_ptr<Process> Create(const std::string &id);
	// Sets args to `/probe sleep 100`, `run --detach`s it and waits until
	// the probe says it is sleeping. Fails the test when it cannot.
	std::unique_ptr<Process> RunSleeper(const std::string &id);
	// Spawns a foreground `kakoi run` of `/probe sleep 100` and waits until
	// the probe says it is sleeping.
	std::unique_ptr<Process> SpawnForegroundSleeper();

	// The state of a container: `kakoi state ID` decoded (status "" when
	// the command failed).
	struct State {
		Result result;
		std::string status, id, bundle, oci_version;
		pid_t pid = 0;
	};
	State GetState(const std::string &id);
	bool WaitForStatus(const std::string &id, const std::string &status,
			   int timeout_ms = 10000);

	// A new container ID for tests that need more than id_; deleted in
	// TearDown. Create and RunSleeper give each ID its own cgroupsPath.
	std::string ExtraId(const std::string &suffix);
	// Deletes id in TearDown too (an ID a test expects to be refused).
	void TrackId(const std::string &id);
	// A temp dir on the host, removed in TearDown.
	std::string HostTempDir(const std::string &what = "tmp");

	// What the test left on the host for id: state dir, cgroup dirs,
	// processes, mounts. Empty means nothing.
	std::vector<std::string> LeftBehind(const std::string &id) const;
	void ExpectNothingLeftBehind(const std::string &id);
	// The cgroupsPath the harness gives a container ID.
	static std::string CgroupPathFor(const std::string &id);

	std::string id_, root_, bundle_, rootfs_, cgroups_path_, marker_;
	std::unique_ptr<Config> config_;

      private:
	std::vector<std::string> ids_;
	std::vector<std::string> temp_dirs_;
	void CleanUpHost();
};

// Every cgroup hierarchy root: /sys/fs/cgroup itself (v2, or the tmpfs of
// v1 where nothing should appear either) and each directory under it,
// including the hybrid layout's "unified".
std::vector<std::string> CgroupHierarchies();

// Kills what is still in a cgroup of ours (dir: a hierarchy root joined
// with its path), waits for it to empty, removes it.
void RemoveCgroup(const std::string &dir);

// The ids of the BPF_CGROUP_DEVICE programs attached to the cgroup2
// directory dir. A failed query is a test failure (and no ids), never ids
// a count could mistake for programs.
std::vector<uint32_t> DeviceProgramIds(const std::string &dir);

} // namespace kk_it

#endif
