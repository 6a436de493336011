#!/usr/bin/python3
"""containerd 1.6's CRI plugin running pods on kakoi (runtime handler
"kakoi"), and the same scenarios on runc (the default handler) as the
control: the calls kubelet makes, over runtime.v1, with the checks made from
inside the containers (ExecSync, logs) and from the host (/proc, cgroups,
the runtime's own state). See cri_env.py for the fixture.
"""

import json
import os
import shutil
import signal
import stat
import sys
import time
import unittest
import uuid

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cri_env  # noqa: E402
from cri_env import CGROUP_ROOT, IMAGE, K8S_NS, read, wait_until  # noqa: E402

SUITE = None
MiB = 1 << 20
# What kubelet asks of every unprivileged container (its default ProcMount).
MASKED_PATHS = ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                "/sys/firmware"]
READONLY_PATHS = ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                  "/proc/sysrq-trigger"]
CAP_CHOWN, CAP_KILL, CAP_NET_BIND_SERVICE, CAP_NET_RAW = 0, 5, 10, 13


def containers(state):
    """The container directories in a runtime's state root: a dot entry
    is kakoi's own cache (.seccomp), never a container's."""
    return [c for c in os.listdir(state) if not c.startswith(".")]


def proc_status(pid):
    """/proc/PID/status as a dict of its fields."""
    return dict(line.split(":\t", 1) for line in read("/proc/%d/status" % pid).splitlines()
                if ":\t" in line)


def ns(pid, kind):
    """The namespace of kind that pid is in, as its /proc link reads."""
    return os.readlink("/proc/%d/ns/%s" % (pid, kind))


def device_kind(path):
    """What `/probe stat` says of a device node: "chr 1:3", "blk 7:0"."""
    st = os.stat(path)
    kind = "chr" if stat.S_ISCHR(st.st_mode) else "blk"
    return "%s %d:%d\n" % (kind, os.major(st.st_rdev), os.minor(st.st_rdev))


def host_devices():
    """A few of the host's device nodes that no container gets by default."""
    default = {"null", "zero", "full", "random", "urandom", "tty", "console", "ptmx"}
    names = [d for d in cri_env.listdir("/dev") if d not in default and
             (stat.S_ISCHR(os.lstat("/dev/" + d).st_mode) or
              stat.S_ISBLK(os.lstat("/dev/" + d).st_mode))]
    return names[:3] + names[-3:]


def setUpModule():
    global SUITE
    SUITE = cri_env.Suite()
    try:
        SUITE.start()
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    left, stuck = SUITE.close()
    if left or stuck:
        raise AssertionError("the CRI suite left behind:\n  %s\nand cannot remove:\n  %s"
                             % ("\n  ".join(left), "\n  ".join(stuck)))


class Pod:
    def __init__(self, pod_id, config):
        self.id, self.config = pod_id, config


class Scenarios:
    """The scenarios, run once per runtime handler (HANDLER)."""

    HANDLER = None

    def setUp(self):
        self.pb = SUITE.cri.pb
        self.pods = []

    @property
    def rt(self):
        return SUITE.cri.rt  # a new client after a daemon restart

    def tearDown(self):
        for pod in self.pods:
            SUITE.remove_pod(pod.id)
        wait_until(lambda: not SUITE.leftovers(), 5)
        self.assertEqual(SUITE.leftovers(), [], "left behind by the test")

    # ---- helpers ------------------------------------------------------

    def run_pod(self, network=None, pid=None, hostname="", sysctls=None, privileged=False):
        """A pod as kubelet makes it: the pod's IPC namespace, a PID
        namespace per container unless pid=POD, the host's network unless
        network=POD."""
        pb = self.pb
        name = "%s-%s-%d" % (self._testMethodName[5:].replace("_", "-"), self.HANDLER,
                             len(self.pods))
        namespaces = pb.NamespaceOption(network=pb.NODE if network is None else network,
                                        ipc=pb.POD, pid=pb.CONTAINER if pid is None else pid)
        logs = SUITE.path("logs/" + name)
        os.makedirs(logs)
        config = pb.PodSandboxConfig(
            metadata=pb.PodSandboxMetadata(name=name, uid=str(uuid.uuid4()),
                                           namespace="kakoi-test"),
            log_directory=logs, hostname=hostname,
            linux=pb.LinuxPodSandboxConfig(
                cgroup_parent=SUITE.cgroup_parent, sysctls=sysctls or {},
                security_context=pb.LinuxSandboxSecurityContext(namespace_options=namespaces,
                                                                privileged=privileged)))
        pod_id = self.rt.RunPodSandbox(pb.RunPodSandboxRequest(
            config=config, runtime_handler=self.HANDLER)).pod_sandbox_id
        SUITE.pods.add(pod_id)
        pod = Pod(pod_id, config)
        self.pods.append(pod)
        return pod

    def create(self, pod, name, command, resources=None, security=None):
        pb = self.pb
        security = security or pb.LinuxContainerSecurityContext()
        security.namespace_options.CopyFrom(
            pod.config.linux.security_context.namespace_options)
        security.masked_paths[:] = MASKED_PATHS
        security.readonly_paths[:] = READONLY_PATHS
        key, value = SUITE.marker.split("=", 1)
        config = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=name), image=pb.ImageSpec(image=IMAGE),
            command=command, log_path=name + ".log", envs=[pb.KeyValue(key=key, value=value)],
            linux=pb.LinuxContainerConfig(resources=resources, security_context=security))
        return self.rt.CreateContainer(pb.CreateContainerRequest(
            pod_sandbox_id=pod.id, config=config, sandbox_config=pod.config)).container_id

    def start(self, pod, name, command, **kwargs):
        cid = self.create(pod, name, command, **kwargs)
        self.rt.StartContainer(self.pb.StartContainerRequest(container_id=cid))
        return cid

    def status(self, cid):
        return self.rt.ContainerStatus(self.pb.ContainerStatusRequest(container_id=cid)).status

    def info(self, cid):
        """containerd's verbose info: pid, runtimeSpec, ..."""
        r = self.rt.ContainerStatus(self.pb.ContainerStatusRequest(container_id=cid,
                                                                   verbose=True))
        return json.loads(r.info["info"])

    def pid(self, cid):
        return self.info(cid)["pid"]

    def pod_pid(self, pod):
        r = self.rt.PodSandboxStatus(self.pb.PodSandboxStatusRequest(pod_sandbox_id=pod.id,
                                                                     verbose=True))
        return json.loads(r.info["info"])["pid"]

    def wait_exited(self, cid, timeout=20):
        self.assertTrue(wait_until(
            lambda: self.status(cid).state == self.pb.CONTAINER_EXITED, timeout),
                        "not exited: %s" % self.status(cid))
        return self.status(cid)

    def wait_sleeping(self, pod, name):
        """Until `/probe sleep` in container name has set itself up."""
        log = os.path.join(pod.config.log_directory, name + ".log")
        self.assertTrue(wait_until(lambda: "sleeping" in read(log), 30), read(log))

    def exec(self, cid, *cmd, timeout=0):
        return self.rt.ExecSync(self.pb.ExecSyncRequest(container_id=cid, cmd=list(cmd),
                                                        timeout=timeout))

    def out(self, cid, *cmd):
        """ExecSync's stdout, which must succeed."""
        r = self.exec(cid, *cmd)
        self.assertEqual(r.exit_code, 0, "%s: %s" % (cmd, r))
        return r.stdout.decode()

    def runtime_root(self):
        """Where the handler's runtime keeps its state (the shim's --root)."""
        return os.path.join(SUITE.path(self.HANDLER + "-root"), K8S_NS)

    def runtime_status(self, cid):
        """`status` in the handler's own `state` for the container, "gone"
        when it keeps no state for it (the shim deletes a container from
        the runtime as soon as it has exited)."""
        binary = SUITE.kakoi if self.HANDLER == "kakoi" else shutil.which("runc")
        r = cri_env.run([binary, "--root", self.runtime_root(), "state", cid])
        if r.returncode == 0:
            return json.loads(r.stdout)["status"]
        return "gone" if not os.path.exists(os.path.join(self.runtime_root(), cid)) else r.stderr

    def cgroup(self, controller, cid):
        return os.path.join(CGROUP_ROOT, controller, SUITE.name, cid)

    def cgroup_value(self, controller, cid, name):
        return read(os.path.join(self.cgroup(controller, cid), name)).strip()

    # ---- the scenarios ------------------------------------------------

    def test_two_containers_share_the_pods_ipc_and_net_namespaces(self):
        host_msgmax = read("/proc/sys/kernel/msgmax")
        try:
            self.check_two_containers_share_the_pods_ipc_and_net_namespaces()
        finally:
            if read("/proc/sys/kernel/msgmax") != host_msgmax:
                cri_env.write("/proc/sys/kernel/msgmax", host_msgmax)
                self.fail("the pod's sysctl reached the host (restored)")

    def check_two_containers_share_the_pods_ipc_and_net_namespaces(self):
        # An IPC sysctl of the pod: set in the pod's IPC namespace.
        pod = self.run_pod(sysctls={"kernel.msgmax": "16384"})
        a = self.start(pod, "a", ["/probe", "sleep", "600"])
        b = self.start(pod, "b", ["/probe", "sleep", "600"])
        for cid in (pod.id, a, b):
            self.assertEqual(self.runtime_status(cid), "running", cid)
        self.wait_sleeping(pod, "a")
        self.wait_sleeping(pod, "b")
        pause, pid_a, pid_b = self.pod_pid(pod), self.pid(a), self.pid(b)
        self.assertEqual(ns(pid_a, "ipc"), ns(pause, "ipc"))
        self.assertEqual(ns(pid_b, "ipc"), ns(pause, "ipc"))
        self.assertNotEqual(ns(pid_a, "ipc"), ns(os.getpid(), "ipc"))
        self.assertEqual(ns(pid_a, "net"), ns(os.getpid(), "net"), "host network")
        self.assertEqual(ns(pid_b, "net"), ns(os.getpid(), "net"), "host network")
        self.assertNotEqual(ns(pid_a, "pid"), ns(pid_b, "pid"), "a pid namespace each")
        self.assertEqual(self.out(a, "readlink", "/proc/self/ns/ipc").strip(), ns(pause, "ipc"))
        # The pod's /dev/shm is one tmpfs for all its containers.
        self.out(a, "sh", "-c", "echo from-a > /dev/shm/note")
        self.assertEqual(self.out(b, "cat", "/dev/shm/note"), "from-a\n")
        self.assertEqual(self.out(b, "cat", "/proc/1/cmdline"), "/probe\0sleep\0" "600\0")
        for cid in (a, b):
            self.assertEqual(self.out(cid, "cat", "/proc/sys/kernel/msgmax"), "16384\n")

    def test_shared_process_namespace(self):
        # shareProcessNamespace: the pause container is every container's
        # pid 1.
        pb = self.pb
        pod = self.run_pod(pid=pb.POD)
        a = self.start(pod, "a", ["/probe", "sleep", "600"])
        b = self.start(pod, "b", ["/probe", "sleep", "600"])
        self.wait_sleeping(pod, "a")
        self.wait_sleeping(pod, "b")
        pause = self.pod_pid(pod)
        self.assertEqual(ns(self.pid(a), "pid"), ns(pause, "pid"))
        self.assertEqual(ns(self.pid(b), "pid"), ns(pause, "pid"))
        self.assertEqual(self.out(b, "cat", "/proc/1/cmdline"), "/bin/sleep\0inf\0")
        cmdlines = self.out(b, "sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '")
        self.assertEqual(cmdlines.count("/probe sleep 600"), 2, cmdlines)

    def test_privileged_container(self):
        pb = self.pb
        pod = self.run_pod(privileged=True)
        cid = self.start(pod, "privileged", ["/probe", "sleep", "600"],
                         security=pb.LinuxContainerSecurityContext(privileged=True))
        self.wait_sleeping(pod, "privileged")
        init = proc_status(self.pid(cid))
        host = proc_status(os.getpid())
        self.assertEqual((init["CapEff"], init["CapBnd"]), (host["CapBnd"], host["CapBnd"]))
        self.assertEqual(init["Seccomp"], "0")
        # The host's devices, as they are on the host.
        for name in host_devices():
            self.assertEqual(self.out(cid, "/probe", "stat", "/dev/" + name),
                             device_kind("/dev/" + name), name)
        mounts = self.out(cid, "cat", "/proc/self/mounts").splitlines()
        self.assertIn("rw", [m.split()[3].split(",")[0] for m in mounts
                             if m.split()[1] == "/sys"], mounts)

    def test_bridge_pod_shares_its_network_namespace(self):
        if SUITE.bridge_skip:
            self.skipTest(SUITE.bridge_skip)
        pb = self.pb
        pod = self.run_pod(network=pb.POD, hostname="kakoi-pod")
        ip = self.rt.PodSandboxStatus(pb.PodSandboxStatusRequest(
            pod_sandbox_id=pod.id)).status.network.ip
        self.assertTrue(ip.startswith("198.18.0."), ip)
        server = self.start(pod, "server", ["nc", "-ll", "-p", "8080", "-e", "echo", "served"])
        client = self.start(pod, "client", ["/probe", "sleep", "600"])
        pause, pid_server, pid_client = self.pod_pid(pod), self.pid(server), self.pid(client)
        for kind in ("net", "uts", "ipc"):
            self.assertEqual(ns(pid_server, kind), ns(pause, kind), kind)
            self.assertEqual(ns(pid_client, kind), ns(pause, kind), kind)
        self.assertNotEqual(ns(pid_client, "net"), ns(os.getpid(), "net"))
        self.assertEqual(self.out(client, "hostname"), "kakoi-pod\n")
        self.assertIn("inet %s/24" % ip, self.out(client, "ip", "-4", "addr", "show", "eth0"))
        # One loopback for the pod: the client reaches the server there.
        self.assertTrue(wait_until(lambda: self.exec(
            client, "nc", "127.0.0.1", "8080").stdout == b"served\n", 10))

    def test_exec_sync_returns_the_exit_code(self):
        pod = self.run_pod()
        cid = self.start(pod, "c", ["/probe", "sleep", "600"])
        r = self.exec(cid, "sh", "-c", "echo out; echo err >&2; exit 3")
        self.assertEqual((r.exit_code, r.stdout, r.stderr), (3, b"out\n", b"err\n"))
        self.assertEqual(self.exec(cid, "/probe", "exit", "0").exit_code, 0)
        started = time.monotonic()
        with self.assertRaises(grpc.RpcError) as timeout:
            self.exec(cid, "sleep", "60", timeout=1)
        self.assertLess(time.monotonic() - started, 15)
        self.assertIn("timeout", timeout.exception.details())
        with self.assertRaises(grpc.RpcError) as missing:
            self.exec(cid, "no-such-command")
        self.assertIn("executable file not found", missing.exception.details())
        self.assertEqual(self.status(cid).state, self.pb.CONTAINER_RUNNING)
        self.assertEqual(self.runtime_status(cid), "running")

    def test_a_missing_command_fails_the_start(self):
        pod = self.run_pod()
        cid = self.create(pod, "missing", ["no-such-command"])
        with self.assertRaises(grpc.RpcError) as start:
            self.rt.StartContainer(self.pb.StartContainerRequest(container_id=cid))
        self.assertIn("executable file not found in $PATH", start.exception.details())
        status = self.status(cid)
        self.assertEqual((status.state, status.reason, status.exit_code),
                         (self.pb.CONTAINER_EXITED, "StartError", 128))
        self.assertIn("executable file not found", status.message)
        self.assertEqual(self.runtime_status(cid), "gone")
        self.assertFalse(os.path.exists(self.cgroup("memory", cid)))

    def test_logs_go_to_the_cri_log_path(self):
        pod = self.run_pod()
        cid = self.start(pod, "logger", ["sh", "-c", "echo to-stdout; echo to-stderr >&2; "
                                         "printf partial; exit 4"])
        status = self.wait_exited(cid)
        self.assertEqual((status.exit_code, status.reason), (4, "Error"))
        path = os.path.join(pod.config.log_directory, "logger.log")
        self.assertEqual(status.log_path, path)
        # CRI log format: "<RFC 3339 time> <stream> <F(ull)|P(artial)> <text>".
        wait_until(lambda: read(path).count("\n") >= 3, 5)
        lines = sorted(line.split(" ", 1)[1] for line in read(path).splitlines())
        self.assertEqual(lines, ["stderr F to-stderr", "stdout F to-stdout",
                                 "stdout P partial"], read(path))

    def test_cpu_and_memory_limits_reach_the_cgroup(self):
        pb = self.pb
        pod = self.run_pod()
        limits = pb.LinuxContainerResources(cpu_period=100000, cpu_quota=50000,
                                            cpu_shares=512, memory_limit_in_bytes=64 * MiB,
                                            oom_score_adj=500, cpuset_cpus="0",
                                            cpuset_mems="0")
        cid = self.start(pod, "limited", ["/probe", "sleep", "600"], resources=limits)
        pid = self.pid(cid)
        self.assertIn(str(pid), read(self.cgroup("memory", cid) + "/cgroup.procs").split())
        self.assertEqual(self.cgroup_value("memory", cid, "memory.limit_in_bytes"),
                         str(64 * MiB))
        self.assertEqual(self.cgroup_value("cpu", cid, "cpu.cfs_quota_us"), "50000")
        self.assertEqual(self.cgroup_value("cpu", cid, "cpu.cfs_period_us"), "100000")
        self.assertEqual(self.cgroup_value("cpu", cid, "cpu.shares"), "512")
        self.assertEqual(self.cgroup_value("cpuset", cid, "cpuset.cpus"), "0")
        self.assertEqual(self.cgroup_value("cpuset", cid, "cpuset.mems"), "0")
        self.assertEqual(proc_status(pid)["Cpus_allowed_list"], "0")
        self.assertEqual(read("/proc/%d/oom_score_adj" % pid).strip(), "500")
        # From inside: its own cgroup, and the limit at the root of its view.
        self.assertIn("memory:%s/%s" % (SUITE.cgroup_parent, cid),
                      self.out(cid, "cat", "/proc/self/cgroup"))
        self.assertEqual(self.out(cid, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                         "%d\n" % (64 * MiB))
        self.assertEqual(self.out(cid, "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), "50000\n")
        # Past the limit the kernel kills it, and CRI says why.
        hog = self.start(pod, "hog", ["sh", "-c", "x=$(head -c 200m /dev/zero | tr '\\0' x)"],
                         resources=pb.LinuxContainerResources(memory_limit_in_bytes=32 * MiB))
        status = self.wait_exited(hog, 60)
        self.assertEqual((status.exit_code, status.reason), (137, "OOMKilled"))

    def test_read_only_root_and_security_context(self):
        pb = self.pb
        pod = self.run_pod()
        user = self.start(pod, "user", ["/probe", "sleep", "600"],
                          security=pb.LinuxContainerSecurityContext(
                              readonly_rootfs=True, run_as_user=pb.Int64Value(value=1000),
                              run_as_group=pb.Int64Value(value=1000),
                              supplemental_groups=[2000], no_new_privs=True,
                              capabilities=pb.Capability(drop_capabilities=["NET_RAW",
                                                                            "CHOWN"]),
                              seccomp=pb.SecurityProfile(
                                  profile_type=pb.SecurityProfile.RuntimeDefault)))
        # The container's init, seen from the host once it runs /probe (a
        # runtime may set the effective capabilities the spec lists, which
        # a non-root user loses at execve).
        self.wait_sleeping(pod, "user")
        init = proc_status(self.pid(user))
        self.assertEqual(init["Uid"].split(), ["1000"] * 4)
        self.assertEqual(init["Gid"].split(), ["1000"] * 4)
        self.assertIn("2000", init["Groups"].split())
        self.assertEqual((init["NoNewPrivs"], init["Seccomp"]), ("1", "2"))
        self.assertEqual(int(init["CapEff"], 16), 0, "a non-root user has no capability")
        bounding = int(init["CapBnd"], 16)
        self.assertFalse(bounding >> CAP_NET_RAW & 1, init["CapBnd"])
        self.assertFalse(bounding >> CAP_CHOWN & 1, init["CapBnd"])
        self.assertTrue(bounding >> CAP_KILL & 1, init["CapBnd"])
        # An exec'd process gets the same.
        ids = self.out(user, "/probe", "ids").split()
        self.assertEqual(ids[:2], ["uid=1000", "gid=1000"])
        self.assertIn("2000", ids[2][len("groups="):].split(","))
        caps = dict(kv.split("=") for kv in self.out(user, "/probe", "caps").split())
        self.assertEqual((caps["CapEff"], caps["CapBnd"]), ("0000000000000000", init["CapBnd"]))
        self.assertEqual(self.out(user, "/probe", "nnp"), "1\n")
        self.assertEqual(self.out(user, "/probe", "seccomp"), "2\n")
        for path in ("/new-file", "/tmp/new-file"):
            r = self.exec(user, "/probe", "write", path)
            self.assertEqual((r.exit_code, r.stdout), (1, b"EROFS\n"), path)
        # A file CRI mounts into the read-only root; CRI's masked paths.
        self.assertEqual(self.out(user, "cat", "/etc/hostname"), read("/etc/hostname"))
        for path in ("/proc/keys", "/proc/timer_list", "/sys/firmware"):
            if os.path.exists(path):
                verb = "ls" if os.path.isdir(path) else "read"
                self.assertEqual(self.out(user, "/probe", verb, path).strip(), "", path)

        root = self.start(pod, "root", ["/probe", "sleep", "600"],
                          security=pb.LinuxContainerSecurityContext(
                              capabilities=pb.Capability(drop_capabilities=["ALL"],
                                                         add_capabilities=["NET_BIND_SERVICE"])))
        caps = dict(kv.split("=") for kv in self.out(root, "/probe", "caps").split())
        for key in ("CapPrm", "CapEff", "CapBnd"):
            self.assertEqual(int(caps[key], 16), 1 << CAP_NET_BIND_SERVICE, caps)
        self.assertEqual(self.out(root, "/probe", "write", "/tmp/new-file"), "ok\n")
        # CRI's read-only /proc/sys (a value no sysctl takes, should it
        # not be).
        r = self.exec(root, "/probe", "write", "/proc/sys/vm/overcommit_memory", "not-a-number")
        self.assertEqual((r.exit_code, r.stdout), (1, b"EROFS\n"))

    def test_update_resources_and_stats(self):
        pb = self.pb
        pod = self.run_pod()
        cid = self.start(pod, "updated", [
            "sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; "
            "exec /probe sleep 600"], resources=pb.LinuxContainerResources(
                cpu_period=100000, cpu_quota=50000, memory_limit_in_bytes=64 * MiB))
        self.rt.UpdateContainerResources(pb.UpdateContainerResourcesRequest(
            container_id=cid, linux=pb.LinuxContainerResources(
                cpu_period=100000, cpu_quota=20000, cpu_shares=256,
                memory_limit_in_bytes=128 * MiB)))
        self.assertEqual(self.cgroup_value("memory", cid, "memory.limit_in_bytes"),
                         str(128 * MiB))
        self.assertEqual(self.cgroup_value("cpu", cid, "cpu.cfs_quota_us"), "20000")
        self.assertEqual(self.cgroup_value("cpu", cid, "cpu.shares"), "256")
        self.assertEqual(self.runtime_status(cid), "running")
        limit = self.info(cid)["runtimeSpec"]["linux"]["resources"]["memory"]["limit"]
        self.assertEqual(limit, 128 * MiB, "containerd's copy of the spec")

        self.wait_sleeping(pod, "updated")
        stats = self.rt.ContainerStats(pb.ContainerStatsRequest(container_id=cid)).stats
        self.assertEqual(stats.attributes.id, cid)
        self.assertEqual(stats.attributes.metadata.name, "updated")
        self.assertGreater(stats.cpu.usage_core_nano_seconds.value, 0, stats)
        self.assertGreater(stats.memory.working_set_bytes.value, 0, stats)
        usage = int(self.cgroup_value("cpuacct", cid, "cpuacct.usage"))
        self.assertLessEqual(stats.cpu.usage_core_nano_seconds.value, usage)

    def test_stop_honours_the_grace_period(self):
        pb = self.pb
        pod = self.run_pod()
        # /probe exits 128+15 on SIGTERM; busybox sleep as a pid
        # namespace's init never sees it.
        polite = self.start(pod, "polite", ["/probe", "sleep", "600"])
        stubborn = self.start(pod, "stubborn", ["sleep", "600"])
        self.wait_sleeping(pod, "polite")
        started = time.monotonic()
        self.rt.StopContainer(pb.StopContainerRequest(container_id=polite, timeout=30))
        self.assertLess(time.monotonic() - started, 10, "SIGTERM was enough")
        self.assertEqual(self.status(polite).exit_code, 143)

        started = time.monotonic()
        self.rt.StopContainer(pb.StopContainerRequest(container_id=stubborn, timeout=2))
        took = time.monotonic() - started
        self.assertGreaterEqual(took, 2, "killed before the grace period ended")
        self.assertLess(took, 15)
        status = self.status(stubborn)
        self.assertEqual((status.state, status.exit_code), (pb.CONTAINER_EXITED, 137))
        self.assertEqual(self.runtime_status(stubborn), "gone")
        # Stopping a stopped container is no error.
        self.rt.StopContainer(pb.StopContainerRequest(container_id=stubborn, timeout=2))

    def test_removing_the_pod_leaves_nothing(self):
        pb = self.pb
        pod = self.run_pod()
        running = self.start(pod, "running", ["/probe", "sleep", "600"])
        exited = self.start(pod, "exited", ["true"])
        self.wait_exited(exited)
        pids = [self.pod_pid(pod), self.pid(running)]
        cgroups = [self.cgroup(c, i) for c in ("memory", "cpu", "pids", "freezer")
                   for i in (pod.id, running)]
        for d in cgroups:
            self.assertTrue(os.path.isdir(d), d)
        state = self.runtime_root()
        self.assertEqual(sorted(containers(state)), sorted([pod.id, running]))
        self.assertTrue(any(pod.id in m for m in SUITE.mounts()), "no shm mount")
        self.assertTrue(any(running in m for m in SUITE.mounts()), "no rootfs mount")
        self.assertTrue(os.path.exists(SUITE.shim_socket(pod.id)))

        SUITE.remove_pod(pod.id)
        self.assertEqual(list(self.rt.ListContainers(pb.ListContainersRequest(
            filter=pb.ContainerFilter(pod_sandbox_id=pod.id))).containers), [])
        self.assertNotIn(pod.id, [p.id for p in self.rt.ListPodSandbox(
            pb.ListPodSandboxRequest()).items])
        wait_until(lambda: not SUITE.leftovers(), 5)
        self.assertEqual(SUITE.leftovers(), [])
        self.assertEqual(containers(state), [])
        for d in cgroups:
            self.assertFalse(os.path.exists(d), d)
        for pid in pids:
            self.assertFalse(os.path.exists("/proc/%d" % pid), pid)

    def test_pod_survives_a_containerd_restart(self):
        pb = self.pb
        pod = self.run_pod()
        ticker = self.start(pod, "ticker", ["sh", "-c", "i=0; while true; do echo tick $i; "
                                            "i=$((i+1)); sleep 0.2; done"])
        # One that ends while containerd is down: its shim keeps the exit.
        ending = self.start(pod, "ending", ["/probe", "sleep", "600"])
        pid, ending_pid = self.pid(ticker), self.pid(ending)
        log = os.path.join(pod.config.log_directory, "ticker.log")

        def while_down():
            os.kill(ending_pid, signal.SIGKILL)
            self.assertTrue(wait_until(lambda: not os.path.exists("/proc/%d" % ending_pid)))

        SUITE.restart_daemon(while_down)
        pods = self.rt.ListPodSandbox(pb.ListPodSandboxRequest(
            filter=pb.PodSandboxFilter(id=pod.id))).items
        self.assertEqual([(p.id, p.state) for p in pods], [(pod.id, pb.SANDBOX_READY)])
        listed = self.rt.ListContainers(pb.ListContainersRequest(
            filter=pb.ContainerFilter(pod_sandbox_id=pod.id))).containers
        self.assertEqual(sorted((c.id, c.state) for c in listed
                                if c.state == pb.CONTAINER_RUNNING or c.id == ending),
                         sorted([(ticker, pb.CONTAINER_RUNNING),
                                 (ending, self.wait_exited(ending).state)]))
        self.assertEqual(self.status(ending).exit_code, 137)
        self.assertTrue(wait_until(lambda: self.runtime_status(ending) == "gone"),
                        "the exit while containerd was down left the runtime's state")
        self.assertEqual(self.pid(ticker), pid)
        self.assertEqual(self.exec(ticker, "sh", "-c", "exit 7").exit_code, 7)
        ticks = read(log).count("\n")
        self.assertTrue(wait_until(lambda: read(log).count("\n") > ticks + 2, 10),
                        "the log stopped after the restart")
        late = self.start(pod, "late", ["/probe", "sleep", "600"])
        self.assertEqual(self.runtime_status(late), "running")
        self.rt.StopContainer(pb.StopContainerRequest(container_id=ticker, timeout=1))
        self.assertEqual(self.status(ticker).state, pb.CONTAINER_EXITED)
        self.assertEqual(self.runtime_status(ticker), "gone")


class KakoiTest(Scenarios, unittest.TestCase):
    HANDLER = "kakoi"


class RuncTest(Scenarios, unittest.TestCase):
    """The control: the same scenarios on runc."""

    HANDLER = "runc"

    @classmethod
    def setUpClass(cls):
        # --config=asan (which sets ASAN_OPTIONS) changes kakoi, not runc:
        # the control would only repeat the default build's.
        if "ASAN_OPTIONS" in os.environ:
            raise unittest.SkipTest("runc is the same in the ASan build")


if __name__ == "__main__":
    unittest.main(verbosity=2)
