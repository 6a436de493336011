// containerd and kakoi beyond one task: the daemon's restart monitor, a
// container joining another's namespaces (a pod), fds the daemon and shim
// hold, user namespaces, and a daemon restart under a running task. Part of
// containerd_test (one binary, one daemon); see containerd_env.h.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "tests/managers/containerd_env.h"

namespace kk_mgr
{
namespace
{

// The restart monitor plugin (interval 1s in config.toml) starts a task
// again when the container has the label containerd.io/restart.status=
// running. The label goes on once the task runs: a monitor tick between
// ctr's create and start would otherwise replace the created task.
TEST_F(ContainerdTest, RestartMonitorRestartsAnExitedTask)
{
	std::string name = Name(), shared = TempPath("restart-" + name);
	ASSERT_EQ(mkdir(shared.c_str(), 0755), 0);
	ASSERT_TRUE(RunDetached(
		name, {"--mount", "type=bind,src=" + shared + ",dst=/shared,options=rbind:rw"},
		{"sh", "-c", "echo run >> /shared/runs; sleep 1; exit 1"}));
	Result label = Ctr({"container", "label", name, "containerd.io/restart.status=running"});
	ASSERT_EQ(label.exit_code, 0) << label;
	EXPECT_TRUE(
		WaitUntil([&] { return ReadFile(shared + "/runs") == "run\nrun\nrun\n"; }, 20000))
		<< "runs: " << ReadFile(shared + "/runs");
	EXPECT_NE(TaskStatus(name), "") << "no task after the restarts";
}

TEST_F(ContainerdTest, SecondContainerJoinsTheFirstsNamespaces)
{
	std::string first = Name("first"), second = Name("second");
	std::string spec = WriteSpec(first, {"/probe", "sleep", "100"},
				     [](kk_it::Config &c) { c.Set("hostname", "\"kakoi-pod\""); });
	Result r1 = Ctr(RunSpecArgs(first, spec, {"-d"}));
	ASSERT_EQ(r1.exit_code, 0) << r1;
	ASSERT_TRUE(WaitForTaskStatus(first, "RUNNING"));
	std::string ns = "/proc/" + std::to_string(TaskPid(first)) + "/ns/";
	Result r2 = Run(second,
			{"--with-ns", "network:" + ns + "net", "--with-ns", "ipc:" + ns + "ipc",
			 "--with-ns", "uts:" + ns + "uts"},
			{"sh", "-c",
			 "hostname; for t in net ipc uts pid; do readlink /proc/self/ns/$t; done"});
	EXPECT_EQ(r2.exit_code, 0) << r2;
	char link[256];
	std::string expected = "kakoi-pod\n";
	for (const char *t : {"net", "ipc", "uts"}) {
		ssize_t n = readlink((ns + t).c_str(), link, sizeof(link) - 1);
		ASSERT_GT(n, 0);
		expected += std::string(link, n) + "\n";
	}
	ssize_t n = readlink((ns + "pid").c_str(), link, sizeof(link) - 1);
	ASSERT_GT(n, 0);
	EXPECT_EQ(r2.out.substr(0, expected.size()), expected) << r2;
	EXPECT_EQ(r2.out.find(std::string(link, n)), std::string::npos) << "pid ns is shared";
}

// The daemon was started with fd 7 leaked to it (and so to the shim), ctr
// gets one too: only 0, 1 and 2 may reach the container, in run and exec.
TEST_F(ContainerdTest, LeakedFdsDoNotReachTheContainer)
{
	std::string name = Name();
	int leak = open("/dev/null", O_RDONLY | O_CLOEXEC);
	RunOptions opts;
	opts.fds[9] = leak;
	Result r = Run(name, {}, {"/probe", "fds"}, opts);
	EXPECT_EQ(r.out, "0 1 2\n") << r;
	std::string sleeper = Name("exec");
	ASSERT_TRUE(RunDetached(sleeper, {}, {"/probe", "sleep", "100"}));
	Result e = Exec(sleeper, {}, {"/probe", "fds"}, opts);
	EXPECT_EQ(e.out, "0 1 2\n") << e;
	close(leak);
}

TEST_F(ContainerdTest, UserNamespaceMapping)
{
	std::string name = Name();
	ASSERT_TRUE(RunDetached(name, {"--uidmap", "0:100000:65536", "--gidmap", "0:200000:65536"},
				{"/probe", "sleep", "100"}));
	pid_t pid = TaskPid(name);
	EXPECT_EQ(ProcStatus(pid, "Uid").substr(0, 6), "100000");
	EXPECT_EQ(ProcStatus(pid, "Gid").substr(0, 6), "200000");
	Result r = Exec(name, {}, {"sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u"});
	EXPECT_EQ(r.exit_code, 0) << r;
	std::stringstream ss(r.out);
	std::vector<std::string> words;
	for (std::string w; ss >> w;)
		words.push_back(w);
	EXPECT_EQ(words,
		  (std::vector<std::string>{"0", "100000", "65536", "0", "200000", "65536", "0"}))
		<< r;
	// --uidmap alone has ctr chown a copy of the snapshot: the image's files
	// belong to the container's root.
	Result own = Exec(name, {}, {"stat", "-c", "%u:%g", "/bin/busybox"});
	EXPECT_EQ(own.out, "0:0\n") << own;

	// --remap-labels leaves it to the snapshotter, and 1.6's overlayfs
	// ignores the labels (the files show as the overflow id, with runc
	// too): only the mapping itself is the runtime's.
	Result labels =
		Run(Name("labels"),
		    {"--remap-labels", "--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536"},
		    {"sh", "-c", "cat /proc/self/uid_map; id -u"});
	EXPECT_EQ(labels.exit_code, 0) << labels;
	std::stringstream ls(labels.out);
	words.clear();
	for (std::string w; ls >> w;)
		words.push_back(w);
	EXPECT_EQ(words, (std::vector<std::string>{"0", "100000", "65536", "0"})) << labels;
}

// The shims outlive containerd: a restarted daemon finds the running task
// (and one that exited and one that was paused meanwhile) and can still
// exec, kill and delete.
TEST_F(ContainerdTest, DaemonRestartReattachesToARunningTask)
{
	std::string name = Name(), ending = Name("ending"), paused = Name("paused");
	ASSERT_TRUE(RunDetached(name, {}, {"/probe", "sleep", "100"}));
	ASSERT_TRUE(RunDetached(ending, {}, {"sh", "-c", "read x"}));
	ASSERT_TRUE(RunDetached(paused, {}, {"/probe", "sleep", "100"}));
	ASSERT_EQ(Ctr({"task", "pause", paused}).exit_code, 0);
	pid_t pid = TaskPid(name), ending_pid = TaskPid(ending);
	ASSERT_TRUE(StopDaemon());
	EXPECT_EQ(kill(pid, 0), 0) << "the task died with the daemon";
	EXPECT_EQ(KakoiStatus(name), "running");
	kill(ending_pid, SIGKILL);
	ASSERT_TRUE(StartDaemon());
	EXPECT_EQ(TaskStatus(name), "RUNNING");
	EXPECT_EQ(TaskPid(name), pid);
	EXPECT_TRUE(WaitForTaskStatus(ending, "STOPPED")) << TaskStatus(ending);
	EXPECT_EQ(TaskStatus(paused), "PAUSED");
	EXPECT_EQ(KakoiStatus(paused), "paused");
	Result resume = Ctr({"task", "resume", paused});
	EXPECT_EQ(resume.exit_code, 0) << resume;
	EXPECT_EQ(KakoiStatus(paused), "running");
	Result exec = Exec(name, {}, {"echo", "still here"});
	EXPECT_EQ(exec.out, "still here\n") << exec;
	Result kill = Ctr({"task", "kill", "-s", "SIGKILL", name});
	EXPECT_EQ(kill.exit_code, 0) << kill;
	EXPECT_TRUE(WaitForTaskStatus(name, "STOPPED")) << TaskStatus(name);
	for (const auto &n : {name, ending}) {
		Result del = Ctr({"task", "delete", n});
		EXPECT_EQ(del.exit_code, 0) << del;
		EXPECT_NE(Kakoi({"state", n}).exit_code, 0) << n;
	}
}

} // namespace
} // namespace kk_mgr
