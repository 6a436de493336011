// kk_plan_rootfs without running anything: the op list of runc's default
// config (what `kakoi spec` writes), and every plan-time refusal with its
// exact message.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/cli/default_spec.h"
#include "tests/rootfs/helpers.h"

namespace
{

using kkrootfs::Config;
using kkrootfs::Parse;
using kkrootfs::PlanError;
using kkrootfs::PlanInto;
using kkrootfs::Planned;
using kkrootfs::WithMountNs;

TEST(Plan, DefaultSpecInRuncOrder)
{
	std::string err;
	auto spec = Parse(kk_default_spec_json, &err);
	ASSERT_TRUE(spec) << err;
	Planned p;
	PlanInto(spec.get(), &p);
	ASSERT_EQ(p.rc, 0) << p.error;

	const std::vector<std::string> want = {
		"root-slave: make / rslave (no mount reaches the host)",
		"bind-rootfs: bind rootfs onto itself (rbind), its parent mount private",
		"mount: mount proc on /proc type proc",
		"mount: mount tmpfs on /dev type tmpfs (nosuid,strictatime,mode=755,size=65536k)",
		"mount: mount devpts on /dev/pts type devpts "
		"(nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5)",
		"mount: mount shm on /dev/shm type tmpfs "
		"(nosuid,noexec,nodev,mode=1777,size=65536k)",
		"mount: mount mqueue on /dev/mqueue type mqueue (nosuid,noexec,nodev)",
		"mount: mount sysfs on /sys type sysfs (nosuid,noexec,nodev,ro)",
		"mount: mount cgroup on /sys/fs/cgroup type cgroup "
		"(nosuid,noexec,nodev,relatime,ro)",
		"mknod: mknod /dev/null c 1:3 0666 0:0 (default)",
		"mknod: mknod /dev/zero c 1:5 0666 0:0 (default)",
		"mknod: mknod /dev/full c 1:7 0666 0:0 (default)",
		"mknod: mknod /dev/random c 1:8 0666 0:0 (default)",
		"mknod: mknod /dev/urandom c 1:9 0666 0:0 (default)",
		"mknod: mknod /dev/tty c 5:0 0666 0:0 (default)",
		"symlink: symlink /dev/ptmx -> pts/ptmx (replacing)",
		"symlink: symlink /dev/fd -> /proc/self/fd",
		"symlink: symlink /dev/stdin -> /proc/self/fd/0",
		"symlink: symlink /dev/stdout -> /proc/self/fd/1",
		"symlink: symlink /dev/stderr -> /proc/self/fd/2",
		"symlink: symlink /dev/core -> /proc/kcore (if the kernel has it)",
		"pivot-root: pivot_root into rootfs and detach the old root (--no-pivot: MS_MOVE + "
		"chroot)",
		"root-readonly: remount / read-only",
		"uts-name: sethostname kakoi",
		"readonly-path: make /proc/bus read-only (skipped if missing)",
		"readonly-path: make /proc/fs read-only (skipped if missing)",
		"readonly-path: make /proc/irq read-only (skipped if missing)",
		"readonly-path: make /proc/sys read-only (skipped if missing)",
		"readonly-path: make /proc/sysrq-trigger read-only (skipped if missing)",
		"mask: mask /proc/acpi (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/asound (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/kcore (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/keys (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/latency_stats (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/timer_list (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/timer_stats (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/sched_debug (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /sys/firmware (empty tmpfs or /dev/null; skipped if missing)",
		"mask: mask /proc/scsi (empty tmpfs or /dev/null; skipped if missing)",
	};
	EXPECT_EQ(p.Lines(), want);
	for (size_t i = 0; i < p.plan.n; i++)
		EXPECT_EQ(p.plan.ops[i].type->phase, KK_PHASE_INIT_ROOTFS) << i;
}

// Everything after pivot_root, in the order that keeps it working: sysctls
// before /proc/sys turns read-only, read-only tmpfs after /dev is filled,
// the root's propagation after the binds of read-only and masked paths.
TEST(Plan, FullOrder)
{
	std::string json = Config(
		R"("hostname":"h","domainname":"d",)"
		R"("mounts":[{"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["ro"]}],)"
		R"("linux":{)" +
		WithMountNs(R"({"type":"uts"},{"type":"ipc"})") +
		R"(,"rootfsPropagation":"shared","sysctl":{"kernel.shmmax":"1"},)"
		R"("devices":[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":384,"uid":1,"gid":2},)"
		R"({"path":"/dev/null","type":"c","major":1,"minor":3}],)"
		R"("readonlyPaths":["/a"],"maskedPaths":["/b/../c"]})");
	std::string err;
	auto spec = Parse(json, &err);
	ASSERT_TRUE(spec) << err;
	Planned p;
	PlanInto(spec.get(), &p);
	ASSERT_EQ(p.rc, 0) << p.error;

	std::vector<std::string> names;
	for (const auto &l : p.Lines())
		names.push_back(l.substr(0, l.find(':')));
	const std::vector<std::string> want = {
		"root-slave", "bind-rootfs",   "mount",	   "mknod",
		"mknod",      "mknod",	       "mknod",	   "mknod",
		"mknod",      "mknod",	       "symlink",  "symlink",
		"symlink",    "symlink",       "symlink",  "symlink",
		"pivot-root", "remount-ro",    "uts-name", "uts-name",
		"sysctl",     "readonly-path", "mask",	   "root-propagation",
	};
	EXPECT_EQ(names, want);
	auto lines = p.Lines();
	// The configured /dev/null replaces the default one, in config order.
	EXPECT_EQ(lines[3], "mknod: mknod /dev/zero c 1:5 0666 0:0 (default)");
	EXPECT_EQ(lines[8], "mknod: mknod /dev/fuse c 10:229 0600 1:2");
	EXPECT_EQ(lines[9], "mknod: mknod /dev/null c 1:3 0666 0:0");
	EXPECT_EQ(lines[17], "remount-ro: remount /dev read-only");
	EXPECT_EQ(lines[19], "uts-name: setdomainname d");
	EXPECT_EQ(lines[20], "sysctl: sysctl kernel.shmmax=1 (/proc/sys/kernel/shmmax)");
	EXPECT_EQ(lines[22], "mask: mask /c (empty tmpfs or /dev/null; skipped if missing)");
	// Last: the read-only and masked paths bind from mounts "runbindable"
	// would make unbindable.
	EXPECT_EQ(lines[23], "root-propagation: make / shared (linux.rootfsPropagation)");
}

TEST(Plan, BoundDevIsLeftAlone)
{
	std::string json =
		Config(R"("mounts":[{"destination":"/dev/","source":"/dev","options":["rbind"]}],)"
		       R"("linux":{)" +
		       WithMountNs() + "}");
	std::string err;
	auto spec = Parse(json, &err);
	ASSERT_TRUE(spec) << err;
	Planned p;
	PlanInto(spec.get(), &p);
	ASSERT_EQ(p.rc, 0) << p.error;
	for (const auto &l : p.Lines()) {
		EXPECT_EQ(l.find("mknod"), std::string::npos) << l;
		EXPECT_EQ(l.find("symlink"), std::string::npos) << l;
	}
}

// A mount namespace that is not listed (kakoi's) or joined by path is no
// longer refused: the namespaces plan puts a private one over it for these
// ops (runtime/container/namespaces.c, tests/integration/namespaces_test).
TEST(Plan, MountNamespaceNotRequired)
{
	EXPECT_EQ(PlanError(Config("")), "");
	EXPECT_EQ(PlanError(Config(R"("linux":{"namespaces":[{"type":"pid"}]})")), "");
	EXPECT_EQ(PlanError(Config(
			  R"("linux":{"namespaces":[{"type":"mount","path":"/proc/1/ns/mnt"}]})")),
		  "");
	EXPECT_EQ(PlanError(Config(R"("linux":{)" + WithMountNs() + "}")), "");
}

std::string MountError(const std::string &mount_json)
{
	return PlanError(Config(R"("mounts":[{"destination":"/ok","type":"tmpfs"},)" + mount_json +
				R"(],"linux":{)" + WithMountNs() + "}"));
}

TEST(Plan, MountRefusals)
{
	// config.md: a relative destination is taken from "/" (with a warning).
	EXPECT_EQ(MountError(R"({"destination":"rel/dir","type":"tmpfs"})"), "");
	EXPECT_EQ(MountError(R"({"destination":"../proc/sys","type":"tmpfs"})"),
		  "mounts[1].destination: /proc/sys cannot be mounted because it is inside /proc");
	EXPECT_EQ(MountError(R"({"destination":"/a/..","type":"tmpfs"})"),
		  "mounts[1].destination: mounting over the root is not supported");
	EXPECT_EQ(MountError(R"({"destination":"/proc/self/attr/exec","type":"tmpfs"})"),
		  "mounts[1].destination: /proc/self/attr/exec cannot be mounted because it is "
		  "inside /proc");
	EXPECT_EQ(MountError(
			  R"({"destination":"/x/../proc/sys","source":"/tmp","options":["bind"]})"),
		  "mounts[1].destination: /proc/sys cannot be mounted because it is inside /proc");
	EXPECT_EQ(
		MountError(
			R"({"destination":"/proc/cpuinfo","source":"/tmp/c","options":["bind"]})"),
		"");
	EXPECT_EQ(MountError(R"({"destination":"/t","type":"tmpfs","options":["tmpcopyup"]})"), "");
	EXPECT_EQ(
		MountError(R"({"destination":"/t","source":"/s","options":["rbind","tmpcopyup"]})"),
		"mounts[1].options: \"tmpcopyup\" is only valid on a tmpfs mount");
	EXPECT_EQ(MountError(R"({"destination":"/t","source":"/s","options":["rbind","rro"]})"),
		  "");
	EXPECT_EQ(MountError(R"({"destination":"/t","source":"/s","options":["rbind","ridmap"]})"),
		  "");
	EXPECT_EQ(MountError(R"({"destination":"/t","type":"tmpfs","options":["idmap"]})"),
		  "mounts[1].options: an idmapped mount must be a bind mount");
	EXPECT_EQ(MountError(R"({"destination":"/t","options":["bind"]})"),
		  "mounts[1].source: required for a bind mount");
	EXPECT_EQ(MountError(R"({"destination":"/t","source":"x"})"),
		  "mounts[1].type: required unless the mount is a bind mount");
	EXPECT_EQ(MountError(R"({"destination":"/t","source":"/s","type":"bind",)"
			     R"("uidMappings":[{"containerID":0,"hostID":1000,"size":1}],)"
			     R"("gidMappings":[{"containerID":0,"hostID":1000,"size":1}]})"),
		  "");
	EXPECT_EQ(MountError(R"({"destination":"/t","type":"tmpfs","options":)"
			     R"(["private","shared","slave","unbindable","rprivate"]})"),
		  "mounts[1].options: more than 4 propagation options");
	// Unknown words are file system data, not errors.
	EXPECT_EQ(
		MountError(R"({"destination":"/t","type":"tmpfs","options":["huge=always","x"]})"),
		"");
}

std::string DeviceError(const std::string &path)
{
	return PlanError(Config(R"("linux":{)" + WithMountNs() + R"(,"devices":[{"path":")" + path +
				R"(","type":"c","major":1,"minor":3}]})"));
}

// config-linux.md: the path "MAY be anywhere in the container filesystem".
TEST(Plan, DevicesAnywhereInTheRootfs)
{
	EXPECT_EQ(DeviceError("/dev/kk"), "");
	EXPECT_EQ(DeviceError("/dev/a/b"), "");
	EXPECT_EQ(DeviceError("/mydevs/null"), "");
	EXPECT_EQ(DeviceError("/dev/../opt/x/zero"), "");
	EXPECT_EQ(DeviceError("/dev"), "");
	EXPECT_EQ(DeviceError("/"), "linux.devices[0].path: \"/\" is not a valid device path");
	EXPECT_EQ(DeviceError("/dev/../.."),
		  "linux.devices[0].path: \"/dev/../..\" is not a valid device path");
}

TEST(Plan, NamesNeedUtsNamespace)
{
	const std::string linux_ = R"("linux":{)" + WithMountNs() + "}";
	const std::string with_uts = R"("linux":{)" + WithMountNs(R"({"type":"uts"})") + "}";

	EXPECT_EQ(PlanError(Config(R"("hostname":"h",)" + linux_)),
		  "hostname: unable to set the hostname without a private UTS namespace");
	EXPECT_EQ(PlanError(Config(R"("domainname":"d",)" + linux_)),
		  "domainname: unable to set the domainname without a private UTS namespace");
	EXPECT_EQ(PlanError(Config(R"("hostname":"",)" + linux_)), "");
	EXPECT_EQ(PlanError(Config(R"("hostname":"h","domainname":"d",)" + with_uts)), "");
	// A path to the host's own uts namespace is not a private one.
	EXPECT_EQ(PlanError(Config(R"("hostname":"h","linux":{)" +
				   WithMountNs(R"({"type":"uts","path":"/proc/self/ns/uts"})") +
				   "}")),
		  "hostname: unable to set the hostname without a private UTS namespace: the uts "
		  "namespace at /proc/self/ns/uts is the host's");
}

std::string SysctlError(const std::string &key, const std::string &namespaces = "")
{
	return PlanError(Config(R"("linux":{)" + WithMountNs(namespaces) + R"(,"sysctl":{")" + key +
				R"(":"1"}})"));
}

// The /proc/sys file the sysctl op of a one-key config writes.
std::string SysctlPath(const std::string &key, const std::string &namespaces)
{
	std::string perr;
	auto spec = Parse(Config(R"("linux":{)" + WithMountNs(namespaces) + R"(,"sysctl":{")" +
				 key + R"(":"1"}})"),
			  &perr);
	Planned p;
	if (!spec)
		return "parse: " + perr;
	PlanInto(spec.get(), &p);
	for (size_t i = 0; i < p.plan.n; i++)
		if (std::string(p.plan.ops[i].type->name) == "sysctl")
			return p.plan.ops[i].path;
	return "no sysctl op: " + p.error;
}

TEST(Plan, SysctlNeedsItsNamespace)
{
	EXPECT_EQ(SysctlError("net.ipv4.ip_forward"),
		  "linux.sysctl.net.ipv4.ip_forward: not allowed in the host's network namespace");
	EXPECT_EQ(SysctlError("net.ipv4.ip_forward", R"({"type":"network"})"), "");
	// A path must lead to a namespace that is not the host's (own_ns.c).
	EXPECT_EQ(
		SysctlError("net.ipv4.ip_forward", R"({"type":"network","path":"/run/netns/x"})"),
		"linux.sysctl.net.ipv4.ip_forward: not allowed in the host's network namespace: "
		"cannot tell whether the network namespace at /run/netns/x is the host's: No such "
		"file or directory");
	EXPECT_EQ(SysctlError("net.ipv4.ip_forward",
			      R"({"type":"network","path":"/proc/self/ns/net"})"),
		  "linux.sysctl.net.ipv4.ip_forward: not allowed in the host's network namespace: "
		  "the network namespace at /proc/self/ns/net is the host's");
	EXPECT_EQ(SysctlError("kernel.shmmax"),
		  "linux.sysctl.kernel.shmmax: not allowed in the host's ipc namespace");
	EXPECT_EQ(SysctlError("fs.mqueue.msg_max"),
		  "linux.sysctl.fs.mqueue.msg_max: not allowed in the host's ipc namespace");
	EXPECT_EQ(SysctlError("kernel.msgmax", R"({"type":"ipc"})"), "");
	EXPECT_EQ(SysctlError("kernel.sem", R"({"type":"ipc"})"), "");
	EXPECT_EQ(SysctlError("kernel.domainname"),
		  "linux.sysctl.kernel.domainname: not in a separate kernel namespace");
	EXPECT_EQ(SysctlError("kernel.domainname", R"({"type":"uts"})"), "");
	EXPECT_EQ(SysctlError("kernel.hostname", R"({"type":"uts"})"),
		  "linux.sysctl.kernel.hostname: not allowed as it conflicts with the hostname "
		  "field");
	EXPECT_EQ(
		SysctlError("vm.swappiness", R"({"type":"uts"},{"type":"ipc"},{"type":"network"})"),
		"linux.sysctl.vm.swappiness: not in a separate kernel namespace");
}

// Never a file outside the one the key names: no empty, "." or ".."
// component, whichever of sysctl's two spellings.
TEST(Plan, SysctlKeyNamesOneFile)
{
	const std::string ns = R"({"type":"network"})";
	const std::string why = ": not a sysctl name (an empty, \".\" or \"..\" component)";

	EXPECT_EQ(SysctlError("net..ipv4", ns), "linux.sysctl.net..ipv4" + why);
	EXPECT_EQ(SysctlError(".net.x", ns), "linux.sysctl..net.x" + why);
	EXPECT_EQ(SysctlError("net.x.", ns), "linux.sysctl.net.x." + why);
	EXPECT_EQ(SysctlError("net/../kernel/x", ns),
		  "parse: config.json: linux.sysctl.net/../kernel/x: must not have a \".\" or "
		  "\"..\" component");
	EXPECT_EQ(SysctlError("net.//.kernel", ns), "linux.sysctl.net.//.kernel" + why);
	EXPECT_EQ(SysctlError("/net/x", ns), "linux.sysctl./net/x" + why);
}

// sysctl(8)'s path form, read as runc reads it: swapping "." and "/" gives
// the dotted name, where "/" stands for a dot inside a name.
TEST(Plan, SysctlPathFormIsTheSameFile)
{
	const std::string ns = R"({"type":"network"})";

	EXPECT_EQ(SysctlError("net/ipv4/ip_forward", ns), "");
	EXPECT_EQ(SysctlPath("net/ipv4/ip_forward", ns), "/proc/sys/net/ipv4/ip_forward");
	EXPECT_EQ(SysctlPath("net.ipv4.ip_forward", ns), "/proc/sys/net/ipv4/ip_forward");
	EXPECT_EQ(SysctlPath("net/ipv4/conf/eth0.100/forwarding", ns),
		  "/proc/sys/net/ipv4/conf/eth0.100/forwarding");
	EXPECT_EQ(SysctlPath("net.ipv4.conf.eth0/100.forwarding", ns),
		  "/proc/sys/net/ipv4/conf/eth0.100/forwarding");
	// The namespace rules read the dotted name: a host-wide key stays refused.
	EXPECT_EQ(SysctlError("vm/swappiness", ns),
		  "linux.sysctl.vm/swappiness: not in a separate kernel namespace");
}

} // namespace
