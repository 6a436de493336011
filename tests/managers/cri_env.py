"""The CRI suite's fixture: a private containerd 1.6 whose CRI plugin runs
pods on kakoi (runtime handler "kakoi") or runc (the default handler),
images built at test time, a runtime.v1 client, and the check that nothing
of the suite's is left on the host.

Everything containerd keeps is under T = /tmp/kakoi-cri-*: its socket, root
and state, the CRI plugin's dirs (below those two), both runtimes' state
(the shim's options.Root), the CNI config, the pods' logs. Pods get the
cgroup parent /kakoi-test-<pid>. The shims' sockets are in the host's
/run/containerd/s, named after the daemon's address and the pod: only those
are looked at. See README.md and docs/testing.md.
"""

import hashlib
import io
import json
import os
import platform
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

import grpc

CONTAINERD = "/usr/bin/containerd"
CTR = "/usr/bin/ctr"
BUSYBOX = "/bin/busybox"
CNI_BIN = "/usr/lib/cni"
# libcni's cache of ADD results (not configurable through the CRI plugin).
CNI_CACHE = "/var/lib/cni"
SHIM_SOCKETS = "/run/containerd/s"
CGROUP_ROOT = "/sys/fs/cgroup"
# The containerd namespace the CRI plugin keeps its pods and images in.
K8S_NS = "k8s.io"
PAUSE_IMAGE = "localhost/kakoi-pause:latest"
IMAGE = "localhost/kakoi-cri:latest"
HANDLERS = ("kakoi", "runc")
RPC_TIMEOUT = 60


def runfile(path):
    """A file of the build, from the test's runfiles."""
    base = os.environ.get("TEST_SRCDIR", "")
    return os.path.join(base, "kakoi", path)


def wait_until(predicate, timeout=10.0, step=0.05):
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)


def read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def listdir(path):
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def run(argv, timeout=60, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


# ---- the images --------------------------------------------------------


def _rootfs_layer():
    """An uncompressed tar: busybox-static with its applets, /probe, a
    minimal /etc."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:

        def add(name, kind=tarfile.DIRTYPE, mode=0o755, data=b"", link=""):
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime = kind, mode, 0
            info.linkname, info.size = link, len(data)
            tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

        for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "dev", "proc",
                  "sys", "root", "var"):
            add(d)
        add("tmp", mode=0o1777)
        for name, path in (("bin/busybox", BUSYBOX), ("probe", runfile("tests/probe/probe_bin"))):
            with open(path, "rb") as f:
                add(name, tarfile.REGTYPE, 0o755, f.read())
        applets = run([BUSYBOX, "--list-full"]).stdout.split()
        for applet in applets:
            if applet != "bin/busybox":
                add(applet, tarfile.SYMTYPE, 0o777, link="/bin/busybox")
        add("etc/passwd", tarfile.REGTYPE, 0o644,
            b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
        add("etc/group", tarfile.REGTYPE, 0o644, b"root:x:0:\nnogroup:x:65534:\n")
    return out.getvalue()


def _oci_archive(path, layer, config):
    """Writes an OCI image-layout tar of one image (tag "latest")."""
    blobs = {}

    def blob(media_type, data, **extra):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return dict(mediaType=media_type, digest=digest, size=len(data), **extra)

    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    config = dict(architecture=arch, os="linux", config=config,
                  rootfs=dict(type="layers",
                              diff_ids=["sha256:" + hashlib.sha256(layer).hexdigest()]))
    manifest = dict(
        schemaVersion=2, mediaType="application/vnd.oci.image.manifest.v1+json",
        config=blob("application/vnd.oci.image.config.v1+json", json.dumps(config).encode()),
        layers=[blob("application/vnd.oci.image.layer.v1.tar", layer)])
    index = dict(schemaVersion=2, manifests=[blob(
        "application/vnd.oci.image.manifest.v1+json", json.dumps(manifest).encode(),
        platform=dict(architecture=arch, os="linux"),
        annotations={"org.opencontainers.image.ref.name": "latest"})])
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}',
             "index.json": json.dumps(index).encode()}
    files.update(("blobs/sha256/" + d[len("sha256:"):], data) for d, data in blobs.items())
    with tarfile.open(path, "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))


# ---- the client --------------------------------------------------------


def compile_api(out_dir):
    """Generates runtime.v1's Python stubs from cri_api.proto into out_dir
    (grpc_tools' protoc; nothing is fetched) and imports them."""
    proto = runfile("tests/managers/cri_api.proto")
    from grpc_tools import protoc  # Debian's python3-grpc-tools

    status = protoc.main(["protoc", "-I" + os.path.dirname(proto), "--python_out=" + out_dir,
                          "--grpc_python_out=" + out_dir, proto])
    if status != 0:
        raise RuntimeError("protoc failed on %s" % proto)
    sys.path.insert(0, out_dir)
    import cri_api_pb2
    import cri_api_pb2_grpc
    return cri_api_pb2, cri_api_pb2_grpc


class Cri:
    """runtime.v1 over the daemon's socket: cri.rt.Method(Request(...))."""

    def __init__(self, socket, pb, pb_grpc):
        self.pb = pb
        self.channel = grpc.insecure_channel("unix://" + socket)
        self.rt = _WithTimeout(pb_grpc.RuntimeServiceStub(self.channel))
        self.img = _WithTimeout(pb_grpc.ImageServiceStub(self.channel))

    def close(self):
        self.channel.close()


class _WithTimeout:
    """Every RPC with a deadline, so a hung daemon fails the test."""

    def __init__(self, stub):
        self._stub = stub

    def __getattr__(self, name):
        method = getattr(self._stub, name)
        return lambda request, timeout=RPC_TIMEOUT: method(request, timeout=timeout)


# ---- the daemon --------------------------------------------------------


def _has_cap_sys_resource():
    for line in read("/proc/self/status").splitlines():
        if line.startswith("CapEff:"):
            return bool(int(line.split()[1], 16) >> 24 & 1)
    return False


def _config(temp, socket):
    """containerd's config: everything under temp; the CRI plugin with a
    "kakoi" runtime handler beside the default "runc", each keeping its
    runtime state under temp (options.Root); no AppArmor profile loaded
    into the host's kernel; the streaming server on a free loopback port;
    CNI config of the suite's own; netns mounts under the state dir. A host
    that withholds CAP_SYS_RESOURCE cannot give the pause container the
    oom_score_adj of -998 the plugin asks for: there the plugin clamps
    it (restrict_oom_score_adj, meant for containerd in a container)."""
    cri = 'plugins."io.containerd.grpc.v1.cri"'
    runtimes = ""
    for handler in HANDLERS:
        table = "%s.containerd.runtimes.%s" % (cri, handler)
        binary = '\n  BinaryName = "%s/kakoi"' % temp if handler == "kakoi" else ""
        runtimes += ('[%s]\n  runtime_type = "io.containerd.runc.v2"\n'
                     '[%s.options]%s\n  Root = "%s/%s-root"\n') % (table, table, binary,
                                                                    temp, handler)
    return f"""version = 2
root = "{temp}/root"
state = "{temp}/state"
[grpc]
  address = "{socket}"
[ttrpc]
  address = "{socket}.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "{temp}/opt"
[{cri}]
  sandbox_image = "{PAUSE_IMAGE}"
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
  restrict_oom_score_adj = {"false" if _has_cap_sys_resource() else "true"}
[{cri}.cni]
  bin_dir = "{CNI_BIN}"
  conf_dir = "{temp}/cni"
[{cri}.containerd]
  default_runtime_name = "runc"
{runtimes}"""


class Suite:
    """One private containerd with the CRI plugin for the whole suite."""

    def __init__(self):
        self.name = "kakoi-test-%d" % os.getpid()
        self.cgroup_parent = "/" + self.name
        self.marker = "KAKOI_CRI_TEST=" + self.name
        self.temp = tempfile.mkdtemp(prefix="kakoi-cri-", dir="/tmp")
        os.chmod(self.temp, 0o755)
        self.socket = self.temp + "/c.sock"
        self.kakoi = self.temp + "/kakoi"
        self.daemon = None
        self.api = None  # the generated modules: runtime.v1's messages, its stubs
        self.cri = None
        # Every pod made: its shim's socket is named after it.
        self.pods = set()
        # The bridge pod's network: a bridge with no address (no route, no
        # forwarding, no NAT on the host) that the bridge plugin makes at
        # the first pod and the suite deletes at the end.
        self.bridge = "kkt%d" % os.getpid()
        self.bridge_skip = None
        self.cni_made = not os.path.exists(CNI_CACHE)

    def path(self, name):
        return os.path.join(self.temp, name)

    def start(self):
        with open(runfile("runtime/kakoi"), "rb") as src, open(self.kakoi, "wb") as dst:
            dst.write(src.read())
        os.chmod(self.kakoi, 0o755)
        os.makedirs(self.path("cni"))
        self.write_cni_config()
        with open(self.path("config.toml"), "w") as f:
            f.write(_config(self.temp, self.socket))
        self.api = compile_api(self.temp)
        self.start_daemon()
        self.import_images()

    def write_cni_config(self):
        """A bridge network for the one pod that is not on the host's
        network, addresses from 198.18.0.0/15 (RFC 2544, for tests) kept
        under T."""
        if os.path.exists("/sys/class/net/" + self.bridge):
            self.bridge_skip = "the host already has a link %s" % self.bridge
        elif not os.path.exists(CNI_BIN + "/bridge"):
            self.bridge_skip = "no CNI bridge plugin (containernetworking-plugins)"
        if self.bridge_skip:
            return
        bridge = dict(type="bridge", bridge=self.bridge, isGateway=False, ipMasq=False,
                      ipam=dict(type="host-local", dataDir=self.path("cni-ipam"),
                                ranges=[[dict(subnet="198.18.0.0/24")]]))
        with open(self.path("cni/10-kakoi-test.conflist"), "w") as f:
            json.dump(dict(cniVersion="1.0.0", name=self.name, plugins=[bridge]), f)

    def start_daemon(self):
        """Starts containerd and connects a client once the CRI plugin
        answers (after a restart it first recovers its pods)."""
        log = open(self.path("containerd.log"), "ab")
        self.daemon = subprocess.Popen([CONTAINERD, "--config", self.path("config.toml")],
                                       stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        # A client made before the socket exists would back off for seconds.
        wait_until(lambda: self.daemon.poll() is not None or
                   self.ctr("version", timeout=5).returncode == 0, 30, 0.1)
        self.cri = Cri(self.socket, *self.api)

        def answers():
            try:
                self.cri.rt.Version(self.cri.pb.VersionRequest(), timeout=2)
                return True
            except grpc.RpcError:
                return self.daemon.poll() is not None  # no point waiting

        if not wait_until(answers, 30, 0.1) or self.daemon.poll() is not None:
            raise RuntimeError("containerd's CRI plugin did not come up:\n" + self.daemon_log())

    def restart_daemon(self, while_down=lambda: None):
        """Stops containerd (SIGTERM), calls while_down, and starts it again
        on the same state, with a new client: the old connection is gone."""
        self.cri.close()
        try:
            self.stop_daemon()
            while_down()
        finally:
            self.start_daemon()

    def stop_daemon(self):
        if self.daemon is None:
            return
        self.daemon.send_signal(signal.SIGTERM)
        try:
            self.daemon.wait(30)
        finally:
            self.daemon = None

    def daemon_log(self):
        return read(self.path("containerd.log"))[-4000:]

    def ctr(self, *args, timeout=60):
        return run([CTR, "-a", self.socket, "-n", K8S_NS] + list(args), timeout=timeout)

    def import_images(self):
        layer = _rootfs_layer()
        pb = self.cri.pb
        for ref, config in ((PAUSE_IMAGE, {"Entrypoint": ["/bin/sleep", "inf"]}),
                            (IMAGE, {"Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                                     "Cmd": ["/bin/sh"]})):
            archive = self.path("image.tar")
            _oci_archive(archive, layer, config)
            r = self.ctr("images", "import", "--base-name", ref.rsplit(":", 1)[0], archive)
            os.unlink(archive)
            if r.returncode != 0:
                raise RuntimeError("ctr images import %s: %s" % (ref, r.stderr))
            # The CRI plugin learns of the image from containerd's events.
            seen = wait_until(lambda: self.cri.img.ImageStatus(pb.ImageStatusRequest(
                image=pb.ImageSpec(image=ref))).HasField("image"), 10)
            if not seen:
                raise RuntimeError("the CRI plugin does not see " + ref)

    # ---- what the suite could leave on the host -----------------------

    def processes(self):
        """Pids naming T (containerd, the shims, the runtimes), carrying the
        marker (the containers' processes) or in the run's cgroups."""
        pids = []
        cgroup = ":%s/" % self.cgroup_parent
        for entry in listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            cmdline = read("/proc/%s/cmdline" % entry)
            if (self.temp in cmdline or (self.marker + "\0") in read("/proc/%s/environ" % entry)
                    or cgroup in read("/proc/%s/cgroup" % entry)):
                pids.append(int(entry))
        return pids

    def mounts(self):
        """Mount points under T, in mount order."""
        points = []
        for line in read("/proc/self/mountinfo").splitlines():
            fields = line.split(" ")
            point = fields[4].encode().decode("unicode_escape") if len(fields) > 4 else ""
            if point == self.temp or point.startswith(self.temp + "/"):
                points.append(point)
        return points

    def cgroups(self, containers_only):
        """The run's cgroup parent in each hierarchy, and the pods' and
        containers' cgroups below it."""
        dirs = []
        for hierarchy in listdir(CGROUP_ROOT):
            parent = os.path.join(CGROUP_ROOT, hierarchy, self.name)
            if not os.path.isdir(parent):
                continue
            if not containers_only:
                dirs.append(parent)
            dirs += [os.path.join(parent, d) for d in listdir(parent)
                     if os.path.isdir(os.path.join(parent, d))]
        return dirs

    def runtime_state(self):
        """Containers the runtimes still keep state for."""
        # A dot entry is kakoi's own cache (.seccomp), never a container's.
        return [os.path.join(self.path(h + "-root"), K8S_NS, c) for h in HANDLERS
                for c in listdir(os.path.join(self.path(h + "-root"), K8S_NS))
                if not c.startswith(".")]

    def shim_socket(self, pod_id):
        """containerd 1.6 names a shim's socket after the hex sha256 of
        "<daemon address>/<namespace>/<id>"; the CRI plugin starts one shim
        per pod, with the sandbox's id."""
        key = "%s/%s/%s" % (self.socket, K8S_NS, pod_id)
        return os.path.join(SHIM_SOCKETS, hashlib.sha256(key.encode()).hexdigest())

    def shim_sockets(self):
        return [s for s in map(self.shim_socket, sorted(self.pods)) if os.path.lexists(s)]

    def cni_results(self):
        """libcni's cached results for the suite's network."""
        results = os.path.join(CNI_CACHE, "results")
        return [os.path.join(results, r) for r in listdir(results)
                if r.startswith(self.name + "-")]

    def leftovers(self, containers_only=True):
        """What of the suite's is on the host; empty means nothing. With
        containers_only, the daemon, the run's cgroup parent and the bridge
        are expected."""
        daemon = self.daemon.pid if self.daemon else None
        left = ["process %d: %s" % (p, read("/proc/%d/cmdline" % p).replace("\0", " "))
                for p in self.processes() if not (containers_only and p == daemon)]
        left += ["mount " + m for m in self.mounts()]
        left += ["cgroup " + c for c in self.cgroups(containers_only)]
        left += ["runtime state " + s for s in self.runtime_state()]
        left += ["shim socket " + s for s in self.shim_sockets()]
        left += ["CNI result " + r for r in self.cni_results()]
        if not containers_only and not self.bridge_skip and os.path.exists(
                "/sys/class/net/" + self.bridge):
            left.append("link " + self.bridge)
        return left

    # ---- the end ------------------------------------------------------

    def remove_pod(self, pod_id):
        """What kubelet does: stop the pod, then remove it with its
        containers. A pod already removed is no error."""
        pb = self.cri.pb
        try:
            self.cri.rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod_id))
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.NOT_FOUND:
                raise
        self.cri.rt.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=pod_id))

    def remove_pods(self):
        """Every pod the daemon knows (all are the suite's: the daemon is
        private)."""
        for pod in self.cri.rt.ListPodSandbox(self.cri.pb.ListPodSandboxRequest()).items:
            self.remove_pod(pod.id)

    def close(self):
        """Graceful first, then the check, then by force. Returns what was
        left before the force, and what the force could not remove."""
        if self.daemon is not None and self.cri is not None:
            try:
                self.remove_pods()
            except grpc.RpcError as e:
                print("removing the pods at the end: %s" % e, file=sys.stderr)
        if self.cri is not None:
            self.cri.close()
        self.stop_daemon()
        wait_until(lambda: not self.leftovers(), 5)
        left = self.leftovers()
        self.force_clean_up()
        return left, self.leftovers(False)

    def force_clean_up(self):
        for c in self.cgroups(True):
            if c.startswith(CGROUP_ROOT + "/freezer/"):
                write(c + "/freezer.state", "THAWED")
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_until(lambda: not self.processes(), 5)
        for point in reversed(self.mounts()):
            run(["umount", "-l", point])
        for c in sorted(self.cgroups(False), key=len, reverse=True):
            wait_until(lambda: _rmdir(c), 2)
        for s in self.shim_sockets() + self.cni_results():
            os.unlink(s)
        if not self.bridge_skip and os.path.exists("/sys/class/net/" + self.bridge):
            run(["ip", "link", "delete", self.bridge])
        if self.cni_made:
            for d in ("results", ""):
                _rmdir(os.path.join(CNI_CACHE, d))
        if not self.mounts():
            run(["rm", "-rf", "--one-file-system", self.temp])


def write(path, data):
    try:
        with open(path, "w") as f:
            f.write(data)
    except OSError:
        pass


def _rmdir(path):
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True
