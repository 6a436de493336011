// Podman 4.3 (conmon, cgroupfs) driving the built kakoi as its OCI runtime:
// each scenario of issue 6, checked from inside the container (command
// output, /probe) and from outside (podman inspect, kakoi state, cgroup files,
// /proc/<pid>). The fixture (podman_env.h) keeps Podman's state private and
// checks after every test that nothing was left on the host.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "tests/managers/podman_env.h"
#include "tests/scope/scope.h"

namespace kk_pm
{
namespace
{

using kk_it::ReadFile;
using kk_it::WaitUntil;
using kk_it::WriteFile;

// A pipe already holding data and closed for writing: a caller's `echo | `.
int PipeWith(const std::string &data)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	bool ok = write(fds[1], data.data(), data.size()) == static_cast<ssize_t>(data.size());
	close(fds[1]);
	if (!ok) {
		close(fds[0]);
		return -1;
	}
	return fds[0];
}

// Reads a cgroup file of the container's cgroup from the host side.
std::string HostCgroupFile(pid_t pid, const std::string &controller, const std::string &file)
{
	std::string dir = CgroupDir(pid, controller);
	return dir.empty() ? "<no " + controller + " cgroup for pid " + std::to_string(pid) + ">"
			   : Trim(ReadFile(dir + "/" + file));
}

TEST_F(PodmanTest, RunAndRm)
{
	std::string name = Name();
	Result r = Podman({"run", "--name", name, "--network", "none", kImage, "echo", "hello"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "hello\n");
	std::string id = ContainerId(name);
	EXPECT_EQ(Inspect(name, "{{.State.Status}} {{.State.ExitCode}}"), "exited 0");
	// The runtime docs/managers.md's containers.conf names: no --runtime flag.
	EXPECT_EQ(Inspect(name, "{{.OCIRuntime}}"), "kakoi");
	// Podman deletes the runtime's container once it has exited.
	EXPECT_EQ(KakoiStatus(id), "");
	Result rm = Podman({"rm", name});
	EXPECT_EQ(rm.exit_code, 0) << rm;
	EXPECT_EQ(Podman({"container", "exists", name}).exit_code, 1);
	EXPECT_FALSE(kk_it::Exists(KakoiRoot() + "/" + id)) << "kakoi state kept";

	Result rm_flag = RunRm({}, {"sh", "-c", "echo once"});
	EXPECT_EQ(rm_flag.exit_code, 0) << rm_flag;
	EXPECT_EQ(rm_flag.out, "once\n");
	EXPECT_EQ(Trim(Podman({"ps", "-aq"}).out), "") << "--rm left a container";
}

TEST_F(PodmanTest, ExitCodes)
{
	EXPECT_EQ(RunRm({}, {"sh", "-c", "exit 0"}).exit_code, 0);
	EXPECT_EQ(RunRm({}, {"sh", "-c", "exit 3"}).exit_code, 3);

	// Podman maps the runtime's message to 127 / 126 by its text.
	Result missing = RunRm({}, {"/nonexistent"});
	EXPECT_EQ(missing.exit_code, 127) << missing;
	EXPECT_TRUE(Contains(missing.err, "no such file or directory")) << missing;
	Result not_in_path = RunRm({}, {"nonexistent"});
	EXPECT_EQ(not_in_path.exit_code, 127) << not_in_path;
	EXPECT_TRUE(Contains(not_in_path.err, "executable file not found in $PATH")) << not_in_path;
	Result not_exec = RunRm({}, {"/etc/passwd"});
	EXPECT_EQ(not_exec.exit_code, 126) << not_exec;
	EXPECT_TRUE(Contains(not_exec.err, "permission denied")) << not_exec;
}

TEST_F(PodmanTest, StdinPipe)
{
	const std::string data = "line one\nline two\n";
	RunOptions opts;
	opts.fds[0] = PipeWith(data);
	ASSERT_GE(opts.fds[0], 0);
	Result r = RunRm({"-i"}, {"cat"}, opts);
	close(opts.fds[0]);
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, data);

	// Without -i the container's stdin is not the caller's.
	opts.fds[0] = PipeWith(data);
	Result no_i = RunRm({}, {"cat"}, opts);
	close(opts.fds[0]);
	EXPECT_EQ(no_i.exit_code, 0) << no_i;
	EXPECT_EQ(no_i.out, "");
}

TEST_F(PodmanTest, Exec)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name));
	Result ids = Podman({"exec", name, "/probe", "ids"});
	EXPECT_EQ(ids.exit_code, 0) << ids;
	EXPECT_EQ(ids.out, "uid=0 gid=0 groups=\n");
	// It joined the container's pid namespace: pid 1 is the sleeper.
	Result init = Podman({"exec", name, "cat", "/proc/1/cmdline"});
	const std::string nul(1, '\0');
	EXPECT_EQ(init.out, "/probe" + nul + "sleep" + nul + "100" + nul) << init;
	Result as_user = Podman({"exec", "--user", "1000:1000", "--workdir", "/tmp", "-e",
				 "FOO=bar", name, "sh", "-c", "id -u; pwd; echo $FOO"});
	EXPECT_EQ(as_user.exit_code, 0) << as_user;
	EXPECT_EQ(as_user.out, "1000\n/tmp\nbar\n");
	EXPECT_EQ(Podman({"exec", name, "sh", "-c", "exit 5"}).exit_code, 5);
	Result missing = Podman({"exec", name, "/nonexistent"});
	EXPECT_EQ(missing.exit_code, 127) << missing;
	// Detached too, the failure is reported before kakoi detaches (Podman
	// exits 125 then, as with runc).
	Result missing_d = Podman({"exec", "-d", name, "/nonexistent"});
	EXPECT_EQ(missing_d.exit_code, 125) << missing_d;
	EXPECT_TRUE(Contains(missing_d.err, "no such file or directory")) << missing_d;
	RunOptions piped;
	piped.fds[0] = PipeWith("to exec\n");
	Result stdin_exec = Podman({"exec", "-i", name, "cat"}, piped);
	close(piped.fds[0]);
	EXPECT_EQ(stdin_exec.out, "to exec\n") << stdin_exec;
	// exec -d: the process runs on in the container.
	Result detached = Podman({"exec", "-d", name, "/probe", "sleep", "50"});
	EXPECT_EQ(detached.exit_code, 0) << detached;
	EXPECT_TRUE(WaitUntil(
		[&] {
			return Contains(Podman({"top", name, "args"}).out, "sleep 50");
		},
		10000))
		<< Podman({"top", name, "args"});
}

TEST_F(PodmanTest, ExecInteractiveTty)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name));
	Result r = UnderPty(
		PodmanShellLine({"exec", "-it", name, "sh", "-c", "/probe isatty; tty; exit 6"}));
	EXPECT_EQ(r.exit_code, 6) << r;
	EXPECT_TRUE(Contains(r.out, "stdin=yes stdout=yes stderr=yes")) << r;
	EXPECT_TRUE(Contains(r.out, "/dev/pts/")) << r;
}

TEST_F(PodmanTest, TtyRun)
{
	Result t = RunRm({"-t"}, {"/probe", "isatty"});
	EXPECT_EQ(t.exit_code, 0) << t;
	EXPECT_TRUE(Contains(t.out, "stdin=yes stdout=yes stderr=yes")) << t;
	Result it = UnderPty(PodmanShellLine({"run", "--rm", "-it", "--network", "none", kImage,
					      "sh", "-c", "tty; /probe isatty; exit 4"}));
	EXPECT_EQ(it.exit_code, 4) << it;
	EXPECT_TRUE(Contains(it.out, "/dev/pts/0")) << it;
	EXPECT_TRUE(Contains(it.out, "stdin=yes stdout=yes stderr=yes")) << it;
	Result no_tty = RunRm({}, {"/probe", "isatty"});
	EXPECT_TRUE(Contains(no_tty.out, "stdin=no stdout=no stderr=no")) << no_tty;
}

// A detached container with a terminal (kakoi hands the pty master to
// conmon over --console-socket), attached later from a pty of our own.
TEST_F(PodmanTest, TtyAttach)
{
	std::string name = Name();
	Result run = Podman({"run", "-dit", "--name", name, "--network", "none", kImage, "sh"});
	ASSERT_EQ(run.exit_code, 0) << run;
	Result a = UnderPty(PodmanShellLine({"attach", name}), "echo attached-$((1+2))\nexit 9\n");
	EXPECT_FALSE(a.timed_out) << a;
	EXPECT_TRUE(Contains(a.out, "attached-3")) << a;
	EXPECT_TRUE(
		WaitUntil([&] { return Inspect(name, "{{.State.Status}}") == "exited"; }, 10000));
	EXPECT_EQ(Inspect(name, "{{.State.ExitCode}}"), "9");
}

TEST_F(PodmanTest, DetachedLogsStop)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name));
	EXPECT_EQ(Inspect(name, "{{.State.Status}}"), "running");
	EXPECT_EQ(KakoiStatus(ContainerId(name)), "running");
	EXPECT_EQ(Podman({"logs", name}).out, "sleeping\n");
	// The probe exits 143 on SIGTERM: well within the 10 s before a SIGKILL.
	Result stop = Podman({"stop", "-t", "10", name});
	EXPECT_EQ(stop.exit_code, 0) << stop;
	EXPECT_EQ(Inspect(name, "{{.State.Status}} {{.State.ExitCode}}"), "exited 143");
	EXPECT_FALSE(kk_it::Exists(KakoiRoot() + "/" + ContainerId(name)));
}

TEST_F(PodmanTest, KillTermAndKill)
{
	std::string term = Name("term"), killed = Name("kill");
	ASSERT_TRUE(RunSleeper(term));
	ASSERT_TRUE(RunSleeper(killed));
	pid_t pid = ContainerPid(killed);
	EXPECT_EQ(Podman({"kill", "-s", "TERM", term}).exit_code, 0);
	EXPECT_EQ(Trim(Podman({"wait", term}).out), "143");
	EXPECT_EQ(Podman({"kill", "-s", "KILL", killed}).exit_code, 0);
	EXPECT_EQ(Trim(Podman({"wait", killed}).out), "137");
	EXPECT_NE(kill(pid, 0), 0) << "the container's process " << pid << " still exists";
	EXPECT_EQ(Inspect(killed, "{{.State.Status}} {{.State.ExitCode}}"), "exited 137");
}

TEST_F(PodmanTest, PauseUnpause)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name));
	std::string id = ContainerId(name);
	pid_t pid = ContainerPid(name);
	Result pause = Podman({"pause", name});
	EXPECT_EQ(pause.exit_code, 0) << pause;
	EXPECT_EQ(Inspect(name, "{{.State.Status}}"), "paused");
	EXPECT_EQ(KakoiStatus(id), "paused");
	EXPECT_EQ(HostCgroupFile(pid, "freezer", "freezer.state"), "FROZEN");
	Result unpause = Podman({"unpause", name});
	EXPECT_EQ(unpause.exit_code, 0) << unpause;
	EXPECT_EQ(Inspect(name, "{{.State.Status}}"), "running");
	EXPECT_EQ(KakoiStatus(id), "running");
	EXPECT_EQ(HostCgroupFile(pid, "freezer", "freezer.state"), "THAWED");
	Result exec = Podman({"exec", name, "echo", "awake"});
	EXPECT_EQ(exec.out, "awake\n") << exec;
}

TEST_F(PodmanTest, MemoryPidsCpuLimits)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--memory", "64m", "--memory-swap", "96m", "--pids-limit",
				      "50", "--cpus", "0.5", "--cpu-shares", "512"}));
	pid_t pid = ContainerPid(name);
	EXPECT_EQ(HostCgroupFile(pid, "memory", "memory.limit_in_bytes"), "67108864");
	EXPECT_EQ(HostCgroupFile(pid, "memory", "memory.memsw.limit_in_bytes"), "100663296");
	EXPECT_EQ(HostCgroupFile(pid, "pids", "pids.max"), "50");
	EXPECT_EQ(HostCgroupFile(pid, "cpu", "cpu.cfs_period_us"), "100000");
	EXPECT_EQ(HostCgroupFile(pid, "cpu", "cpu.cfs_quota_us"), "50000");
	EXPECT_EQ(HostCgroupFile(pid, "cpu", "cpu.shares"), "512");
	EXPECT_TRUE(Contains(CgroupDir(pid, "memory"), ContainerId(name)))
		<< "not in Podman's cgroup: " << CgroupDir(pid, "memory");
	// Inside: the container sees its own cgroup's files (cgroupns=host on v1).
	Result in = Podman({"exec", name, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes",
			    "/sys/fs/cgroup/pids/pids.max"});
	EXPECT_EQ(in.out, "67108864\n50\n") << in;
	// Podman reads the same cgroup for its stats.
	Result stats =
		Podman({"stats", "--no-stream", "--format", "{{.MemUsage}} {{.PIDs}}", name});
	EXPECT_TRUE(Contains(stats.out, "/ 67.11MB 1")) << stats;

	// The pids limit bites: 8 more processes under a limit of 5 cannot all start.
	Result forks = RunRm({"--pids-limit", "5"},
			     {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 2 & done; wait"});
	EXPECT_TRUE(Contains(forks.err, "can't fork")) << forks;
}

TEST_F(PodmanTest, OomKill)
{
	std::string name = Name();
	// The process in the container (sh, pid 1) grows past 32 MiB.
	Result create = Podman({"create", "--name", name, "--network", "none", "--memory", "32m",
				"--memory-swap", "32m", kImage, "sh", "-c",
				"sleep 1; x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo "
				"survived"});
	ASSERT_EQ(create.exit_code, 0) << create;
	std::string bundle = Inspect(name, "{{.StaticDir}}");
	ASSERT_TRUE(kk_it::Exists(bundle)) << bundle;
	// conmon 2.1.6 writes its "oom" marker into its cwd and Podman 4.3 looks
	// for it in the bundle (podman#13102): start it from the bundle.
	RunOptions in_bundle;
	in_bundle.cwd = bundle;
	Result start = Podman({"start", "--attach", name}, in_bundle);
	EXPECT_EQ(start.exit_code, 137) << start;
	EXPECT_FALSE(Contains(start.out, "survived")) << start;
	EXPECT_EQ(Inspect(name, "{{.State.ExitCode}} {{.State.OOMKilled}}"), "137 true");
}

// Podman's --read-only also mounts tmpfs on /tmp, /var/tmp and /run with
// "tmpcopyup" (the directory's contents copied into the new tmpfs).
TEST_F(PodmanTest, ReadOnlyRoot)
{
	Result r = RunRm({"--read-only"},
			 {"sh", "-c", "/probe write /x; /probe write /tmp/x; /probe write /run/x"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "EROFS\nok\nok\n") << r;
}

TEST_F(PodmanTest, ReadOnlyRootWithoutTmpfs)
{
	Result r = RunRm(
		{"--read-only", "--read-only-tmpfs=false"},
		{"sh", "-c", "/probe write /x; /probe write /tmp/x; head -1 /proc/self/mountinfo"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.out, "EROFS\nEROFS\n")) << r;
	EXPECT_TRUE(Contains(r.out, " / ro,")) << r;
}

TEST_F(PodmanTest, CapDropAdd)
{
	// Podman's default set: chown dac_override fowner fsetid kill setgid
	// setuid setpcap net_bind_service net_raw sys_chroot mknod audit_write setfcap.
	Result def = RunRm({}, {"/probe", "caps"});
	EXPECT_TRUE(Contains(def.out, "CapEff=00000000a80425fb")) << def;
	Result drop = RunRm({"--cap-drop", "chown"}, {"/probe", "caps"});
	EXPECT_TRUE(Contains(drop.out, "CapEff=00000000a80425fa")) << drop;
	EXPECT_TRUE(Contains(drop.out, "CapBnd=00000000a80425fa")) << drop;
	Result chown = RunRm({"--cap-drop", "chown"}, {"chown", "1000", "/tmp"});
	EXPECT_NE(chown.exit_code, 0) << chown;

	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--cap-drop", "all", "--cap-add", "net_admin"}));
	Result in = Podman({"exec", name, "grep", "CapEff", "/proc/self/status"});
	EXPECT_EQ(in.out, "CapEff:\t0000000000001000\n") << in;
	pid_t pid = ContainerPid(name);
	EXPECT_EQ(ProcStatus(pid, "CapEff"), "0000000000001000");
	EXPECT_EQ(ProcStatus(pid, "CapBnd"), "0000000000001000");
}

// Podman passes a device's fileMode with its type bits (S_IFCHR | 0644 =
// 8612), as Go's os.FileMode does; runc takes the permission bits.
TEST_F(PodmanTest, Device)
{
	struct stat host;
	ASSERT_EQ(stat("/dev/fuse", &host), 0) << "the host has no /dev/fuse";
	char mode[8];
	snprintf(mode, sizeof(mode), "%o", host.st_mode & 0777);
	Result r = RunRm({"--device", "/dev/fuse"},
			 {"sh", "-c", "/probe stat /dev/fuse; stat -c %a /dev/fuse"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "chr 10:229\n" + std::string(mode) + "\n") << r;
	Result absent = RunRm({}, {"/probe", "stat", "/dev/fuse"});
	EXPECT_EQ(absent.out, "ENOENT\n") << absent;
}

// --privileged: every host device, every capability the host has, no
// seccomp filter, no masked or read-only paths.
TEST_F(PodmanTest, Privileged)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--privileged"}));
	pid_t pid = ContainerPid(name);
	EXPECT_EQ(ProcStatus(pid, "CapEff"), ProcStatus(getpid(), "CapBnd"));
	EXPECT_EQ(ProcStatus(pid, "Seccomp"), "0");
	Result in = Podman({"exec", name, "sh", "-c",
			    "/probe stat /dev/kmsg; /probe stat /proc/keys; "
			    "/probe write /proc/sys/kernel/domainname x"});
	EXPECT_EQ(in.out, "chr 1:11\nreg\nok\n") << in;
}

// containers.conf's default_ulimits reach the container; a limit above the
// host's hard limit (no CAP_SYS_RESOURCE here) fails naming the rlimit and
// the values. (Any --ulimit makes Podman drop default_ulimits and ask for
// NPROC 1048576 again, so both are given.)
TEST_F(PodmanTest, Ulimits)
{
	Result def = RunRm({}, {"sh", "-c", "/probe rlimit NOFILE; /probe rlimit NPROC"});
	EXPECT_EQ(def.out, "1024 1024\n4096 4096\n") << def;
	Result set = RunRm({"--ulimit", "nofile=512:600", "--ulimit", "nproc=2048:2048"},
			   {"/probe", "rlimit", "NOFILE"});
	EXPECT_EQ(set.out, "512 600\n") << set;
	Result too_big = RunRm(
		{"--ulimit", "nofile=2000000:2000000", "--ulimit", "nproc=2048:2048"}, {"true"});
	EXPECT_NE(too_big.exit_code, 0) << too_big;
	EXPECT_TRUE(Contains(too_big.err, "RLIMIT_NOFILE")) << too_big;
	EXPECT_TRUE(Contains(too_big.err, "2000000")) << too_big;
}

TEST_F(PodmanTest, SeccompDefault)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name));
	EXPECT_EQ(ProcStatus(ContainerPid(name), "Seccomp"), "2");
	// Podman's profile denies swapoff even with CAP_SYS_ADMIN (EPERM);
	// unconfined, the kernel gets to say the file is missing.
	Result denied = RunRm({"--cap-add", "sys_admin"}, {"swapoff", "/nonexistent"});
	EXPECT_TRUE(Contains(denied.err, "Operation not permitted")) << denied;
	Result allowed = RunRm({"--cap-add", "sys_admin", "--security-opt", "seccomp=unconfined"},
			       {"swapoff", "/nonexistent"});
	EXPECT_TRUE(Contains(allowed.err, "No such file or directory")) << allowed;
	Result mode = RunRm({"--security-opt", "seccomp=unconfined"}, {"/probe", "seccomp"});
	EXPECT_EQ(Trim(mode.out), "0") << mode;
}

TEST_F(PodmanTest, SeccompCustomProfile)
{
	std::string profile = Dir() + "/seccomp-" + Name() + ".json";
	WriteFile(profile, R"({
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}
  ]
})");
	Result r = RunRm({"--security-opt", "seccomp=" + profile},
			 {"sh", "-c", "/probe mkdir /tmp/d; /probe write /tmp/f"});
	unlink(profile.c_str());
	EXPECT_EQ(r.out, "EOPNOTSUPP\nok\n") << r;
}

TEST_F(PodmanTest, User1000)
{
	Result id = RunRm({"--user", "1000"}, {"id", "-u"});
	EXPECT_EQ(id.out, "1000\n") << id;
	Result ids = RunRm({"--user", "1000:1000"}, {"/probe", "ids"});
	EXPECT_EQ(ids.out, "uid=1000 gid=1000 groups=1000\n") << ids;
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--user", "1000:1000"}));
	pid_t pid = ContainerPid(name);
	EXPECT_EQ(ProcStatus(pid, "Uid"), "1000\t1000\t1000\t1000");
	EXPECT_EQ(ProcStatus(pid, "Gid"), "1000\t1000\t1000\t1000");
}

TEST_F(PodmanTest, BindMounts)
{
	std::string host = Dir() + "/bind-" + Name();
	ASSERT_EQ(mkdir(host.c_str(), 0755), 0);
	WriteFile(host + "/in", "from the host\n");
	Result rw = RunRm({"-v", host + ":/mnt/b"},
			  {"sh", "-c", "cat /mnt/b/in; echo back > /mnt/b/out"});
	EXPECT_EQ(rw.exit_code, 0) << rw;
	EXPECT_EQ(rw.out, "from the host\n");
	EXPECT_EQ(ReadFile(host + "/out"), "back\n");
	Result ro = RunRm({"-v", host + ":/mnt/b:ro"}, {"/probe", "write", "/mnt/b/x"});
	EXPECT_EQ(ro.out, "EROFS\n") << ro;
	kk_it::RemoveTree(host);
}

// Podman's --tmpfs adds "tmpcopyup": the tmpfs starts with a copy of what it
// covers (here /etc/passwd).
TEST_F(PodmanTest, TmpfsMount)
{
	Result r = RunRm({"--tmpfs", "/etc:size=1m"},
			 {"sh", "-c", "grep ' /etc ' /proc/self/mounts; head -1 /etc/passwd"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.out, "tmpfs /etc tmpfs rw,nosuid,nodev")) << r;
	EXPECT_TRUE(Contains(r.out, "size=1024k")) << r;
	EXPECT_TRUE(Contains(r.out, "root:x:0:0:")) << r;
	Result m = RunRm({"--mount", "type=tmpfs,destination=/mnt/t,tmpfs-size=2m"},
			 {"sh", "-c", "grep ' /mnt/t ' /proc/self/mounts"});
	EXPECT_TRUE(Contains(m.out, "size=2048k")) << m;
}

TEST_F(PodmanTest, TmpfsMountWithoutCopyUp)
{
	Result r = RunRm({"--tmpfs", "/mnt/t:size=1m,notmpcopyup"},
			 {"sh", "-c", "grep ' /mnt/t ' /proc/self/mounts; /probe write /mnt/t/x"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_TRUE(Contains(r.out, "tmpfs /mnt/t tmpfs rw,nosuid,nodev")) << r;
	EXPECT_TRUE(Contains(r.out, "size=1024k")) << r;
	EXPECT_TRUE(Contains(r.out, "\nok\n")) << r;
}

TEST_F(PodmanTest, MaskedAndReadonlyPaths)
{
	std::string script = "/probe stat /proc/keys; /probe read /proc/keys; "
			     "/probe stat /proc/timer_list; /probe ls /sys/firmware; "
			     "/probe write /proc/sys/kernel/domainname x; /probe stat /proc/kcore";
	Result r = RunRm({}, {"sh", "-c", script});
	std::string kcore = kk_it::Exists("/proc/kcore") ? "chr 1:3\n" : "ENOENT\n";
	// /proc/keys is /dev/null (read: empty); /sys/firmware an empty dir
	// (the host's has entries); /proc/sys read-only.
	EXPECT_EQ(r.out, "chr 1:3\nchr 1:3\n\nEROFS\n" + kcore) << r;
	EXPECT_TRUE(kk_it::Exists("/sys/firmware/acpi") || kk_it::Exists("/sys/firmware/memmap"))
		<< "the host's /sys/firmware is empty: the mask check proves nothing";
}

TEST_F(PodmanTest, Sysctl)
{
	std::string host_shmmax = Trim(ReadFile("/proc/sys/kernel/shmmax"));
	std::string host_forward = Trim(ReadFile("/proc/sys/net/ipv4/ip_forward"));
	std::string want_forward = host_forward == "1" ? "0" : "1";
	Result r = RunRm({"--sysctl", "kernel.shmmax=123456789", "--sysctl",
			  "net.ipv4.ip_forward=" + want_forward},
			 {"cat", "/proc/sys/kernel/shmmax", "/proc/sys/net/ipv4/ip_forward"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "123456789\n" + want_forward + "\n") << r;
	EXPECT_EQ(Trim(ReadFile("/proc/sys/kernel/shmmax")), host_shmmax);
	EXPECT_EQ(Trim(ReadFile("/proc/sys/net/ipv4/ip_forward")), host_forward);
}

TEST_F(PodmanTest, UpdateMemory)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--memory", "64m"}));
	pid_t pid = ContainerPid(name);
	EXPECT_EQ(HostCgroupFile(pid, "memory", "memory.limit_in_bytes"), "67108864");
	Result u = Podman({"update", "--memory", "128m", name});
	EXPECT_EQ(u.exit_code, 0) << u;
	EXPECT_EQ(HostCgroupFile(pid, "memory", "memory.limit_in_bytes"), "134217728");
	Result in = Podman({"exec", name, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"});
	EXPECT_EQ(in.out, "134217728\n") << in;
	// (Podman 4.3's inspect keeps showing the old HostConfig.Memory, with
	// runc too: not checked.)
}

TEST_F(PodmanTest, Top)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name));
	Result top = Podman({"top", name, "pid", "args"});
	EXPECT_EQ(top.exit_code, 0) << top;
	EXPECT_TRUE(Contains(top.out, "/probe sleep 100")) << top;
	Result hpid = Podman({"top", name, "hpid"});
	EXPECT_TRUE(Contains(hpid.out, std::to_string(ContainerPid(name)))) << hpid;
	ASSERT_EQ(Podman({"exec", "-d", name, "/probe", "sleep", "60"}).exit_code, 0);
	EXPECT_TRUE(WaitUntil(
		[&] {
			return Contains(Podman({"top", name, "args"}).out, "/probe sleep 60");
		},
		10000))
		<< Podman({"top", name, "args"});
}

TEST_F(PodmanTest, RestartOnFailure)
{
	std::string name = Name();
	Result r = Podman({"run", "-d", "--name", name, "--network", "none", "--restart",
			   "on-failure:2", kImage, "sh", "-c", "echo run; exit 5"});
	ASSERT_EQ(r.exit_code, 0) << r;
	std::string state;
	EXPECT_TRUE(WaitUntil(
		[&] {
			state = Inspect(name,
					"{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}");
			return state == "2 exited 5";
		},
		30000))
		<< state;
	EXPECT_EQ(Podman({"logs", name}).out, "run\nrun\nrun\n");
}

TEST_F(PodmanTest, PodSharesUtsIpcNet)
{
	std::string pod = Name("pod"), a = Name("a"), b = Name("b");
	Result p = Podman({"pod", "create", "--name", pod, "--share", "uts,ipc,net", "--network",
			   "none", "--hostname", "podhost"});
	ASSERT_EQ(p.exit_code, 0) << p;
	for (const auto &c : {a, b}) {
		Result r = Podman(
			{"run", "-d", "--pod", pod, "--name", c, kImage, "/probe", "sleep", "100"});
		ASSERT_EQ(r.exit_code, 0) << r;
	}
	pid_t pa = ContainerPid(a), pb = ContainerPid(b);
	pid_t infra = ContainerPid(Inspect(pod, "{{.InfraContainerID}}"));
	ASSERT_GT(pa, 0);
	ASSERT_GT(pb, 0);
	for (const char *ns : {"uts", "ipc", "net"}) {
		EXPECT_EQ(NamespaceOf(pa, ns), NamespaceOf(pb, ns)) << ns;
		EXPECT_EQ(NamespaceOf(pa, ns), NamespaceOf(infra, ns)) << ns;
		EXPECT_NE(NamespaceOf(pa, ns), NamespaceOf(getpid(), ns)) << ns;
	}
	EXPECT_NE(NamespaceOf(pa, "pid"), NamespaceOf(pb, "pid"));
	EXPECT_NE(NamespaceOf(pa, "mnt"), NamespaceOf(pb, "mnt"));
	EXPECT_EQ(Podman({"exec", b, "hostname"}).out, "podhost\n");
	EXPECT_EQ(Trim(Podman({"pod", "inspect", "--format", "{{.State}}", pod}).out), "Running");
}

// --pid/--ipc/--uts host share the host's namespaces (kakoi joins the
// given paths or leaves the namespace out); the others stay private.
TEST_F(PodmanTest, HostNamespaces)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--pid", "host", "--ipc", "host", "--uts", "host"}));
	pid_t pid = ContainerPid(name);
	for (const char *ns : {"pid", "ipc", "uts"})
		EXPECT_EQ(NamespaceOf(pid, ns), NamespaceOf(getpid(), ns)) << ns;
	for (const char *ns : {"mnt", "net"})
		EXPECT_NE(NamespaceOf(pid, ns), NamespaceOf(getpid(), ns)) << ns;
	Result host = Podman({"exec", name, "sh", "-c",
			      "test -d /proc/" + std::to_string(getpid()) + " && echo seen"});
	EXPECT_EQ(host.out, "seen\n") << host;
}

TEST_F(PodmanTest, CgroupNamespace)
{
	Result priv = RunRm({"--cgroupns", "private"}, {"grep", ":memory:", "/proc/self/cgroup"});
	EXPECT_TRUE(Contains(priv.out, ":memory:/\n")) << priv;
	Result host = RunRm({"--cgroupns", "host"}, {"grep", ":memory:", "/proc/self/cgroup"});
	EXPECT_TRUE(Contains(host.out, ":memory:" + kk_scope::CgroupParent() + "/libpod-")) << host;
}

// --init: catatonit (bind-mounted by Podman) is pid 1 and forwards signals.
TEST_F(PodmanTest, Init)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--init"}));
	Result init = Podman({"exec", name, "cat", "/proc/1/cmdline"});
	EXPECT_EQ(init.out.rfind("/run/podman-init", 0), 0u) << init;
	EXPECT_EQ(Podman({"kill", "-s", "TERM", name}).exit_code, 0);
	EXPECT_EQ(Trim(Podman({"wait", name}).out), "143");
}

TEST_F(PodmanTest, LeakedFdsDoNotReachTheContainer)
{
	int file = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	int fds[2];
	ASSERT_GE(file, 0);
	ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
	RunOptions leaky;
	leaky.fds = {{5, file}, {7, fds[0]}, {9, fds[1]}};
	Result probe = RunRm({}, {"/probe", "fds"}, leaky);
	EXPECT_EQ(probe.out, "0 1 2\n") << probe;
	// ls's own directory fd is 3.
	Result ls = RunRm({}, {"ls", "/proc/self/fd"}, leaky);
	EXPECT_EQ(ls.out, "0\n1\n2\n3\n") << ls;
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name));
	Result exec = Podman({"exec", name, "/probe", "fds"}, leaky);
	EXPECT_EQ(exec.out, "0 1 2\n") << exec;
	Result init_fds = Podman({"exec", name, "ls", "/proc/1/fd"});
	EXPECT_EQ(init_fds.out, "0\n1\n2\n") << init_fds;
	close(file);
	close(fds[0]);
	close(fds[1]);
}

TEST_F(PodmanTest, PreserveFds)
{
	std::string path = Dir() + "/preserved-" + Name();
	WriteFile(path, "through fd 3\n");
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	RunOptions with3;
	with3.fds = {{3, fd}};
	Result r = RunRm({"--preserve-fds", "1"}, {"sh", "-c", "/probe fds; cat <&3"}, with3);
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "0 1 2 3\nthrough fd 3\n") << r;
	close(fd);
	unlink(path.c_str());
}

TEST_F(PodmanTest, UserNamespaceMapping)
{
	std::string name = Name();
	ASSERT_TRUE(RunSleeper(name, {"--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536"}));
	Result in = Podman(
		{"exec", name, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u"});
	EXPECT_EQ(in.exit_code, 0) << in;
	EXPECT_TRUE(Contains(in.out, "0     100000      65536\n")) << in;
	EXPECT_TRUE(Contains(in.out, "\n0\n")) << in;
	pid_t pid = ContainerPid(name);
	EXPECT_EQ(ProcStatus(pid, "Uid"), "100000\t100000\t100000\t100000");
	EXPECT_EQ(ProcStatus(pid, "Gid"), "100000\t100000\t100000\t100000");
	EXPECT_NE(NamespaceOf(pid, "user"), NamespaceOf(getpid(), "user"));
	// The image's files, chowned for the mapping, belong to root inside.
	Result owner = Podman({"exec", name, "stat", "-c", "%u:%g", "/probe"});
	EXPECT_EQ(owner.out, "0:0\n") << owner;
}

// OCI hooks from Podman's hooks dir run with the container's state on stdin.
TEST_F(PodmanTest, Hooks)
{
	std::string hooks = Dir() + "/hooks-" + Name(), out = hooks + "/out";
	ASSERT_EQ(mkdir(hooks.c_str(), 0755), 0);
	ASSERT_EQ(mkdir(out.c_str(), 0755), 0);
	for (const std::string stage : {"prestart", "poststop"}) {
		std::string script = hooks + "/" + stage + ".sh";
		WriteFile(script, "#!/bin/sh\ncat > " + out + "/" + stage + "\n");
		chmod(script.c_str(), 0755);
		WriteFile(hooks + "/" + stage + ".json",
			  R"({"version": "1.0.0", "hook": {"path": ")" + script +
				  R"("}, "when": {"always": true}, "stages": [")" + stage +
				  R"("]})");
	}
	std::string name = Name();
	Result r = Podman(
		{"--hooks-dir", hooks, "run", "--name", name, "--network", "none", kImage, "true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	std::string id = ContainerId(name);
	Podman({"rm", name});
	for (const char *stage : {"prestart", "poststop"}) {
		kk_it::Json state = kk_it::ParseJson(ReadFile(out + "/" + stage));
		ASSERT_NE(state, nullptr) << stage << " hook got no state";
		EXPECT_EQ(kk_it::JsonString(state.get(), "id"), id) << stage;
		EXPECT_TRUE(Contains(kk_it::JsonString(state.get(), "bundle"), id)) << stage;
	}
	kk_it::RemoveTree(hooks);
}

// Podman has no daemon: a detached container outlives the podman process
// that ran it, and new podman processes attach, follow its logs, stop it.
TEST_F(PodmanTest, ReattachFromANewPodman)
{
	std::string name = Name();
	Result run =
		Podman({"run", "-d", "--name", name, "--network", "none", kImage, "sh", "-c",
			"trap 'echo bye; exit 7' TERM; while :; do echo tick; sleep 0.2; done"});
	ASSERT_EQ(run.exit_code, 0) << run;
	pid_t pid = ContainerPid(name);
	ASSERT_GT(pid, 0);
	pid_t parent = static_cast<pid_t>(atoi(ProcStatus(pid, "PPid").c_str()));
	EXPECT_EQ(ProcStatus(parent, "Name"), "conmon") << "parent " << parent;
	auto attach = PodmanSpawn({"attach", "--no-stdin", name});
	auto logs = PodmanSpawn({"logs", "-f", name});
	EXPECT_TRUE(attach->WaitForOutput("tick", 20000)) << attach->Err();
	EXPECT_TRUE(logs->WaitForOutput("tick", 20000)) << logs->Err();
	Result stop = Podman({"stop", "-t", "10", name});
	EXPECT_EQ(stop.exit_code, 0) << stop;
	Result a = attach->Wait(20000), l = logs->Wait(20000);
	EXPECT_FALSE(a.timed_out) << a;
	EXPECT_FALSE(l.timed_out) << l;
	EXPECT_TRUE(Contains(a.out, "bye")) << a;
	EXPECT_TRUE(Contains(l.out, "bye")) << l;
	EXPECT_EQ(Inspect(name, "{{.State.Status}} {{.State.ExitCode}}"), "exited 7");
}

} // namespace
} // namespace kk_pm
