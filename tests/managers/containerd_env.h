// The containerd suite's fixture: a private containerd (own socket, root,
// state dir and namespace) with kakoi as the runc binary of the v2 shim, an
// OCI image-layout archive of the busybox + /probe rootfs built and imported
// at test time, a `ctr` runner, and the check that nothing is left on the
// host once the suite is done.
#ifndef KK_TESTS_MANAGERS_CONTAINERD_ENV_H
#define KK_TESTS_MANAGERS_CONTAINERD_ENV_H

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/managers/host_view.h"

namespace kk_mgr
{

using kk_it::ReadFile;
using kk_it::Result;
using kk_it::RunOptions;
using kk_it::WaitUntil;
using kk_managers::Lines;
using kk_managers::ProcStatus;
using kk_managers::ShellLine;
using kk_managers::Trim;

// Deadlines, in ms: ctr goes through the daemon and the shim, and a first
// container start has to mount the snapshot.
constexpr int kCtrTimeoutMs = 30000;

// The whole suite shares one daemon; each TEST uses unique container names
// (Name()) that TearDown kills and deletes.
class ContainerdTest : public ::testing::Test
{
      public:
	static void SetUpTestSuite();
	static void TearDownTestSuite();

	// Public: the file-local helpers of the fixture use them too.
	void SetUp() override;
	void TearDown() override;

	// ctr -a <socket> -n <namespace> args... (runs /usr/bin/ctr).
	static kk_it::Result Ctr(const std::vector<std::string> &args, kk_it::RunOptions opts = {});
	static std::unique_ptr<kk_it::Process> CtrSpawn(const std::vector<std::string> &args,
							kk_it::RunOptions opts = {});
	// The `ctr run` prefix every container uses: kakoi as the runc binary,
	// private fifos, and the suite's marker in the environment.
	static std::vector<std::string> RunArgs(const std::vector<std::string> &flags);
	// The arguments of `ctr run` (after -a/-n): RunArgs(flags) IMAGE name cmd...
	static std::vector<std::string> RunArgsFor(const std::string &name,
						   const std::vector<std::string> &flags,
						   const std::vector<std::string> &cmd);
	// The whole command line of ctr with args, for running it another way.
	static std::vector<std::string> CtrArgv(const std::vector<std::string> &args);
	// The arguments of `ctr run [flags] --config spec name`: a container
	// without an image, for what ctr has no flag for (see WriteSpec).
	static std::vector<std::string> RunSpecArgs(const std::string &name,
						    const std::string &spec,
						    const std::vector<std::string> &flags);
	// ctr run [flags] IMAGE name cmd... in the foreground (with --rm).
	kk_it::Result Run(const std::string &name, const std::vector<std::string> &flags,
			  const std::vector<std::string> &cmd, kk_it::RunOptions opts = {});
	// ctr run -d [flags] IMAGE name cmd...; waits until the task is RUNNING.
	bool RunDetached(const std::string &name, const std::vector<std::string> &flags,
			 const std::vector<std::string> &cmd);
	// ctr task exec --exec-id ... name cmd...
	kk_it::Result Exec(const std::string &name, const std::vector<std::string> &flags,
			   const std::vector<std::string> &cmd, kk_it::RunOptions opts = {});
	// The task's status in `ctr task ls` ("" when absent), and its pid.
	static std::string TaskStatus(const std::string &name);
	static pid_t TaskPid(const std::string &name);
	bool WaitForTaskStatus(const std::string &name, const std::string &status,
			       int timeout_ms = 10000);
	// ctr 1.6 has no `task update`: calls containerd's Tasks/Update over
	// gRPC with curl (HTTP/2 on the daemon's socket), resources given as
	// the JSON of an OCI LinuxResources. out holds the response headers and
	// trailers ("grpc-status: 0" on success, grpc-message otherwise).
	static kk_it::Result UpdateResources(const std::string &name,
					     const std::string &resources_json);
	// The CRI plugin's RuntimeService/Status, verbose, over gRPC with
	// curl: headers and trailers in out, the StatusResponse (its config
	// JSON inside) in *body.
	static kk_it::Result CriStatus(std::string *body);
	// Kills (SIGKILL), deletes the task and the container.
	static void Remove(const std::string &name);

	// kakoi --root <the shim's root> args...: what the runtime itself says.
	static kk_it::Result Kakoi(const std::vector<std::string> &args);
	// "status" from `kakoi state name` ("" when it failed).
	static std::string KakoiStatus(const std::string &name);
	// The container's cgroup directory in a v1 hierarchy (ctr's default
	// cgroupsPath is /<namespace>/<name>).
	static std::string CgroupDir(const std::string &controller, const std::string &name);

	// A unique container name for this test, removed in TearDown.
	std::string Name(const std::string &suffix = "");
	// A file in the suite's temp dir (removed at the end of the suite).
	static std::string TempPath(const std::string &name);
	// A runtime spec for `ctr run --config`, which takes no image: `ctr oci
	// spec` with root.path the suite's own busybox + /probe rootfs (shared,
	// so keep such containers from writing to it), args, the marker env,
	// cgroupsPath /<ns>/<name>; edit() may change it further. Returns the
	// path of the file.
	std::string WriteSpec(const std::string &name, const std::vector<std::string> &args,
			      const std::function<void(kk_it::Config &)> &edit);

	// Stops containerd (SIGTERM) and starts it again on the same state.
	static bool StopDaemon();
	static bool StartDaemon();

	static std::string temp_, ns_, socket_, kakoi_, image_, marker_;

      private:
	static void ForceCleanUp();
	std::vector<std::string> names_;
};

// What the suite could leave on the host: processes, mounts, cgroups, the
// runtime's state, shim sockets. Empty means nothing. containers_only:
// leave out the namespace's parent cgroups and the runtime root
// /run/containerd/runc/<ns>, which the runtime keeps (as runc does) and the
// suite removes itself.
std::vector<std::string> ContainerdLeftovers(bool containers_only);
// The suite's containers' shim sockets that exist (in /run/containerd/s,
// which every containerd on the host shares).
std::vector<std::string> ShimSockets();

} // namespace kk_mgr

#endif
