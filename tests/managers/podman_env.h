// The Podman suite's fixture: one private temp dir T per test binary holding
// Podman's whole state (storage, runroot, tmpdir, containers.conf), a copy of
// kakoi as the runtime, and a busybox + /probe image imported at setup; a
// `podman` runner; and the check that nothing was left on the host.
//
// Podman runs as `podman --root T/storage --runroot T/run --storage-driver vfs
// --tmpdir T/tmp`, with cwd T (conmon writes files into its cwd),
// CONTAINERS_CONF=T/containers.conf (docs/managers.md's snippet, kakoi the
// default runtime by name at T/kakoi; plus file events, ulimits this VM can
// grant: no CAP_SYS_RESOURCE here, image copies in T/tmp) and
// `--network none` unless a test says otherwise. Every container and pod gets
// `--cgroup-parent /kakoi-test-<pid>`, and T/kakoi is a wrapper that runs the
// built binary with `--root T/kakoi-state`: nothing of the suite lands in
// libpod_parent or /run/kakoi, where the host's own containers live.
#ifndef KK_TESTS_MANAGERS_PODMAN_ENV_H
#define KK_TESTS_MANAGERS_PODMAN_ENV_H

#include <sys/types.h>

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/managers/host_view.h"

namespace kk_pm
{

using kk_it::Result;
using kk_it::RunOptions;

// Podman is slower than kakoi alone: give each call this long by default.
constexpr int kPodmanTimeoutMs = 60000;

// The image every test runs: busybox applets, /probe, /etc/passwd.
extern const char kImage[];

class PodmanTest : public ::testing::Test
{
      protected:
	static void SetUpTestSuite();
	static void TearDownTestSuite();
	void SetUp() override;
	void TearDown() override;

	// podman <global flags> args..., cwd T unless opts.cwd is set, a
	// kPodmanTimeoutMs deadline unless opts.timeout_ms is set.
	static Result Podman(const std::vector<std::string> &args, RunOptions opts = {});
	static std::unique_ptr<kk_it::Process> PodmanSpawn(const std::vector<std::string> &args,
							   RunOptions opts = {});
	// The podman command line as one shell-quoted string (for script(1)).
	static std::string PodmanShellLine(const std::vector<std::string> &args);
	// Runs `script -qec LINE /dev/null` in T: the command gets a pty as its
	// controlling terminal and stdio, as under an interactive shell.
	// input, when given, is what the "user" types (written to script's stdin).
	static Result UnderPty(const std::string &line, const std::string &input = "",
			       int timeout_ms = kPodmanTimeoutMs);

	// A unique container (or pod) name for this test: pm-<test>-<suffix>.
	std::string Name(const std::string &suffix = "c") const;
	// `podman inspect --format FORMAT name`, trailing newline removed ("" on
	// failure, which the test reports).
	std::string Inspect(const std::string &name, const std::string &format);
	std::string ContainerId(const std::string &name);
	pid_t ContainerPid(const std::string &name);
	// `podman run -d --network none [flags] IMAGE /probe sleep 100`, waiting
	// until the probe says it is sleeping; false (and a failure) otherwise.
	bool RunSleeper(const std::string &name, const std::vector<std::string> &flags = {});
	// `podman run --rm --network none [flags] IMAGE cmd...`.
	Result RunRm(const std::vector<std::string> &flags, const std::vector<std::string> &cmd,
		     RunOptions opts = {});
	// `kakoi --root KakoiRoot() state ID`, status field ("" on failure).
	std::string KakoiStatus(const std::string &id);
	// Where kakoi keeps the suite's containers: T/kakoi-state.
	static std::string KakoiRoot();

	static std::string Dir()
	{
		return dir_;
	}

      private:
	static std::string dir_, runtime_;
	static std::set<std::string> ids_seen_;
	std::string test_name_;

	// The global flags, then args (with the run's --cgroup-parent).
	static std::vector<std::string> FullArgs(const std::vector<std::string> &args);
	static bool BuildImage(std::string *why);
	// Every container and pod ID Podman knows of now.
	static std::vector<std::string> KnownIds();
	static void RemoveEverything();
	// What is left on the host of these IDs and of T. Empty means nothing.
	static std::vector<std::string> LeftBehind(const std::set<std::string> &ids);
	static void ExpectNothingLeftBehind(const std::set<std::string> &ids,
					    const std::string &when);
	static void CleanUpLeftovers();
	static void ForceCleanUp();
};

// The host's view of a container, shared with the containerd suite.
using kk_managers::CgroupDir;
using kk_managers::Contains;
using kk_managers::Lines;
using kk_managers::NamespaceOf;
using kk_managers::ProcStatus;
using kk_managers::ShellQuote;
using kk_managers::Trim;

} // namespace kk_pm

#endif
