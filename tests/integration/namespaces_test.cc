// Namespaces joined by path (issue 11, items 1 and 12). A path that leads to
// the host's own namespace gets the refusals of a namespace that is not
// listed: net.* and IPC sysctls, the uts names. Each refusal test reads the
// host's values first and checks them afterwards; should kakoi ever change
// one, the test puts it back and fails. Nothing is left behind (TearDown).
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{
namespace
{

using Namespaces = IntegrationTest;

std::string Trim(std::string s)
{
	while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
		s.pop_back();
	return s;
}

// The host's values of some /proc/sys files, read when made. Verify()
// compares them with the host's now, restores any that changed and fails.
class HostValues
{
      public:
	explicit HostValues(const std::vector<std::string> &keys)
	{
		for (const auto &key : keys)
			values_.emplace_back(key, Trim(ReadFile(Path(key))));
	}
	~HostValues()
	{
		Verify();
	}
	HostValues(const HostValues &) = delete;
	HostValues &operator=(const HostValues &) = delete;

	const std::string &Value(const std::string &key) const
	{
		for (const auto &kv : values_)
			if (kv.first == key)
				return kv.second;
		static const std::string none;
		return none;
	}

	void Verify()
	{
		for (const auto &kv : values_) {
			std::string now = Trim(ReadFile(Path(kv.first)));
			if (now == kv.second)
				continue;
			WriteFile(Path(kv.first), kv.second + "\n");
			ADD_FAILURE() << "the host's " << kv.first << " changed from \""
				      << kv.second << "\" to \"" << now << "\" (restored)";
		}
	}

	static std::string Path(std::string key)
	{
		for (auto &c : key)
			if (c == '.')
				c = '/';
		return "/proc/sys/" + key;
	}

      private:
	std::vector<std::pair<std::string, std::string>> values_;
};

// What kakoi says of a path to the host's namespace: it is the host's, or,
// where the path cannot be read (PID 1 may be non-dumpable), that nothing
// shows it is not. Ends the message.
std::string Whose(const std::string &type, const std::string &path)
{
	struct stat st;
	if (stat(path.c_str(), &st) == 0)
		return "the " + type + " namespace at " + path + " is the host's\n";
	return "cannot tell whether the " + type + " namespace at " + path +
	       " is the host's: " + strerror(errno) + "\n";
}

// A value for key that differs from the host's: the host's numbers + 1000
// (icmp_ratelimit is kept in jiffies: a whole second reads back unchanged).
std::string Different(const std::string &host)
{
	std::string out, num;
	for (char c : host + " ") {
		if (c >= '0' && c <= '9') {
			num += c;
			continue;
		}
		if (!num.empty())
			out += std::to_string(std::stoull(num) + 1000);
		num.clear();
		if (c == ' ' || c == '\t')
			out += ' ';
	}
	return Trim(out);
}

const std::vector<std::string> kWatched = {
	"kernel.hostname", "kernel.domainname", "net.ipv4.icmp_ratelimit", "kernel.shmmni",
	"kernel.msgmax",   "kernel.sem",	"fs.mqueue.msg_max",
};

// The paths to the host's namespace of a type that a config can name: the
// test process's (kakoi's parent, in the host's namespaces) and PID 1's.
std::vector<std::string> HostPaths(const std::string &file)
{
	return {"/proc/" + std::to_string(getpid()) + "/ns/" + file, "/proc/1/ns/" + file};
}

TEST_F(Namespaces, SysctlsOfAJoinedHostNamespaceAreRefused)
{
	HostValues host(kWatched);
	struct Case {
		std::string type, file, key;
	};
	const std::vector<Case> cases = {
		{"network", "net", "net.ipv4.icmp_ratelimit"},
		{"ipc", "ipc", "kernel.shmmni"},
		{"ipc", "ipc", "kernel.msgmax"},
		{"ipc", "ipc", "kernel.sem"},
		{"ipc", "ipc", "fs.mqueue.msg_max"},
		{"uts", "uts", "kernel.domainname"},
		{"uts", "uts", "kernel.hostname"},
	};
	// The hostname field would be refused first.
	config_->Remove("hostname");
	config_->Remove("domainname");
	for (const auto &c : cases) {
		for (const auto &path : HostPaths(c.file)) {
			SCOPED_TRACE(c.key + " in " + path);
			std::string value =
				c.type == "uts" ? "kk-evil" : Different(host.Value(c.key));
			config_->AddNamespace(c.type, path);
			config_->Set("linux.sysctl", "{" + Quote(c.key) + ":" + Quote(value) + "}");
			Result r = RunContainer({"/bin/true"});
			EXPECT_NE(r.exit_code, 0) << r;
			EXPECT_NE(r.err.find("linux.sysctl." + c.key + ": "), std::string::npos)
				<< r;
			EXPECT_NE(r.err.find(Whose(c.type, path)), std::string::npos) << r;
			host.Verify();
			EXPECT_FALSE(Exists(root_ + "/" + id_)) << "created before the refusal";
		}
	}
}

TEST_F(Namespaces, NamesInAJoinedHostUtsNamespaceAreRefused)
{
	HostValues host(kWatched);
	for (const char *field : {"hostname", "domainname"}) {
		for (const auto &path : HostPaths("uts")) {
			SCOPED_TRACE(std::string(field) + " in " + path);
			config_->AddNamespace("uts", path);
			config_->Remove("hostname");
			config_->Remove("domainname");
			config_->Set(field, Quote("kk-evil-name"));
			Result r = RunContainer({"/bin/true"});
			EXPECT_NE(r.exit_code, 0) << r;
			EXPECT_NE(r.err.find(std::string(field) + ": unable to set the " + field +
					     " without a private UTS namespace: " +
					     Whose("uts", path)),
				  std::string::npos)
				<< r;
			host.Verify();
		}
	}
}

// A namespace path kakoi cannot read cannot be shown not to be the host's.
TEST_F(Namespaces, AnUnreadablePathIsNotTakenForAPrivateNamespace)
{
	HostValues host(kWatched);
	std::string missing = HostTempDir("ns") + "/no-such-netns";
	config_->AddNamespace("network", missing);
	config_->Set("linux.sysctl", "{\"net.ipv4.icmp_ratelimit\":\"7\"}");
	Result r = RunContainer({"/bin/true"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("linux.sysctl.net.ipv4.icmp_ratelimit: not allowed in the host's "
			     "network namespace: cannot tell whether the network namespace at " +
			     missing + " is the host's"),
		  std::string::npos)
		<< r;
}

// The control: a private namespace joined by path (another container's)
// takes the sysctl and the names, and the host keeps its own.
TEST_F(Namespaces, APrivateNamespaceJoinedByPathTakesSysctlsAndNames)
{
	HostValues host(kWatched);
	std::string owner = ExtraId("owner");
	auto sleeper = RunSleeper(owner);
	ASSERT_TRUE(sleeper);
	State st = GetState(owner);
	ASSERT_GT(st.pid, 0) << st.result;
	std::string ns = "/proc/" + std::to_string(st.pid) + "/ns/";
	config_->SetCgroupsPath(cgroups_path_); // RunSleeper left the owner's
	std::string ratelimit = Different(host.Value("net.ipv4.icmp_ratelimit"));
	std::string shmmni = Different(host.Value("kernel.shmmni"));

	config_->AddNamespace("network", ns + "net");
	config_->AddNamespace("ipc", ns + "ipc");
	config_->AddNamespace("uts", ns + "uts");
	config_->SetHostname("kk-joined");
	config_->Set("domainname", "\"kk-joined-dom\"");
	config_->Set("linux.sysctl", "{\"net.ipv4.icmp_ratelimit\":" + Quote(ratelimit) +
					     ",\"kernel.shmmni\":" + Quote(shmmni) + "}");
	Result r = RunContainer(
		{"/bin/sh", "-c",
		 "cat /proc/sys/net/ipv4/icmp_ratelimit /proc/sys/kernel/shmmni; /probe hostname; "
		 "/probe domainname"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, ratelimit + "\n" + shmmni + "\nkk-joined\nkk-joined-dom\n");
	// The owner sees them too: it is one namespace.
	Result seen = Kakoi({"exec", owner, "/bin/sh", "-c",
			     "cat /proc/sys/net/ipv4/icmp_ratelimit; /probe hostname"});
	EXPECT_EQ(seen.exit_code, 0) << seen;
	EXPECT_EQ(seen.out, ratelimit + "\nkk-joined\n");
	host.Verify();
	EXPECT_EQ(Kakoi({"delete", "--force", owner}).exit_code, 0);
}

// The lines of /proc/<pid>/mountinfo, or only the one of "/" (its fields
// after the mount point say whether it is shared or a slave).
std::vector<std::string> MountInfo(const std::string &pid, bool root_only = false)
{
	std::stringstream ss(ReadFile("/proc/" + pid + "/mountinfo"));
	std::vector<std::string> lines;
	std::string line;
	while (std::getline(ss, line)) {
		std::stringstream fields(line);
		std::string f;
		for (int i = 0; i < 5; i++)
			fields >> f;
		if (!root_only || f == "/")
			lines.push_back(line);
	}
	return lines;
}

std::string NsOf(const std::string &pid, const std::string &file = "mnt")
{
	char buf[64];
	ssize_t n = readlink(("/proc/" + pid + "/ns/" + file).c_str(), buf, sizeof(buf) - 1);
	return n > 0 ? std::string(buf, (size_t)n) : "";
}

// No mount namespace listed: the container inherits kakoi's, the host's
// here (config-linux.md: it MUST). The init and an exec'd process are in
// it, chrooted to the rootfs (the bundle's config.json, beside the rootfs,
// is out of reach). Its mounts show in the host's namespace while it runs,
// all under the rootfs; "/" keeps its propagation; delete takes them all.
TEST_F(Namespaces, WithoutAMountNamespaceTheContainerIsInKakoisAndItsMountsGoAtDelete)
{
	std::vector<std::string> root_before = MountInfo("self", true);
	std::string host_ns = NsOf("self");
	config_->RemoveNamespace("mount");
	auto sleeper = RunSleeper(id_);
	ASSERT_TRUE(sleeper);
	State st = GetState(id_);
	ASSERT_GT(st.pid, 0) << st.result;
	EXPECT_EQ(NsOf(std::to_string(st.pid)), host_ns);
	std::vector<std::string> mounts = kk_scope::MountsUnder({bundle_});
	EXPECT_FALSE(mounts.empty()) << "the container's mounts are not in the host's namespace";
	EXPECT_EQ(kk_scope::MountsUnder({rootfs_}), mounts) << "a mount outside the rootfs";
	EXPECT_EQ(MountInfo("self", true), root_before);

	Result r = Kakoi({"exec", id_, "/bin/sh", "-c",
			  "readlink /proc/self/ns/mnt; /probe pid; ls /dev/null; test -e " +
				  bundle_ + "/config.json && echo escaped; test -x /probe"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out.substr(0, r.out.find('\n')), host_ns) << r;
	EXPECT_EQ(r.out.find("escaped"), std::string::npos) << r;
	EXPECT_NE(r.out.find("/dev/null\n"), std::string::npos) << r;

	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	EXPECT_EQ(kk_scope::MountsUnder({bundle_, rootfs_}), std::vector<std::string>{});
	EXPECT_EQ(MountInfo("self", true), root_before);
}

// A rootfs that is already a mount point (a manager's overlay; here the
// test's own bind) keeps it: delete takes away only what kakoi stacked.
TEST_F(Namespaces, WithoutAMountNamespaceDeleteKeepsTheRootfsOwnMount)
{
	ASSERT_EQ(mount(rootfs_.c_str(), rootfs_.c_str(), nullptr, MS_BIND, nullptr), 0)
		<< strerror(errno);
	config_->RemoveNamespace("mount");
	auto sleeper = RunSleeper(id_);
	EXPECT_TRUE(sleeper);
	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	EXPECT_TRUE(kk_scope::IsMountPoint(rootfs_));
	EXPECT_EQ(kk_scope::MountsUnder({bundle_}).size(), 1u);
	EXPECT_EQ(umount2(rootfs_.c_str(), MNT_DETACH), 0) << strerror(errno);
}

// A create that fails half way, after the rootfs and /proc are mounted in
// the shared namespace, takes them away: nothing under the bundle, no state.
TEST_F(Namespaces, WithoutAMountNamespaceAFailedCreateLeavesNoMount)
{
	std::vector<std::string> root_before = MountInfo("self", true);
	config_->RemoveNamespace("mount");
	config_->AddMount("/mnt/bad", "kk-no-such-filesystem", "none", {});
	Result r = RunContainer({"/bin/true"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("kk-no-such-filesystem"), std::string::npos) << r;
	EXPECT_EQ(kk_scope::MountsUnder({bundle_, rootfs_}), std::vector<std::string>{});
	EXPECT_EQ(MountInfo("self", true), root_before);
	ExpectNothingLeftBehind(id_);
}

// A mount namespace joined by path is the container's (it MUST be): what
// is mounted there (a tmpfs only that namespace has) is what its mounts
// see, its mounts land there while it runs, under the rootfs only, and
// delete leaves the namespace's mount table as it was.
TEST_F(Namespaces, AJoinedMountNamespaceIsTheContainersAndItsMountsGoAtDelete)
{
	std::string dir = HostTempDir("joined");
	auto holder = Spawn("/usr/bin/unshare",
			    {"--mount", "--propagation", "private", "/bin/sh", "-c",
			     "mount -t tmpfs kk-it-joined " + dir + " && echo joined > " + dir +
				     "/f && exec sleep 100"});
	std::string pid = std::to_string(holder->pid());
	ASSERT_TRUE(WaitUntil([&] { return Exists("/proc/" + pid + "/root" + dir + "/f"); }))
		<< holder->Err();
	ASSERT_FALSE(Exists(dir + "/f")) << "the tmpfs is not only in the holder's namespace";
	std::vector<std::string> before = MountInfo(pid);

	config_->AddNamespace("mount", "/proc/" + pid + "/ns/mnt");
	config_->AddMount("/mnt/joined", "bind", dir, {"rbind", "ro"});
	auto sleeper = RunSleeper(id_);
	ASSERT_TRUE(sleeper);
	State st = GetState(id_);
	EXPECT_EQ(NsOf(std::to_string(st.pid)), NsOf(pid));
	Result r = Kakoi({"exec", id_, "/bin/sh", "-c",
			  "readlink /proc/self/ns/mnt; /probe read /mnt/joined/f"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, NsOf(pid) + "\njoined\n");
	std::vector<std::string> during = MountInfo(pid);
	EXPECT_GT(during.size(), before.size());
	for (const auto &line : during) {
		if (std::find(before.begin(), before.end(), line) == before.end()) {
			EXPECT_EQ(kk_scope::MountPoint(line).rfind(rootfs_, 0), 0u) << line;
		}
	}
	EXPECT_EQ(kk_scope::MountsUnder({bundle_, rootfs_}), std::vector<std::string>{})
		<< "kakoi's mounts reached the host's namespace";

	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
	EXPECT_EQ(MountInfo(pid), before) << "kakoi's mounts stayed in the joined namespace";
	holder.reset(); // kills it: its namespace and tmpfs go with it
}

// The inode of the user namespace that owns the namespace at path.
ino_t OwnerOf(const std::string &path)
{
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	int owner = fd < 0 ? -1 : ioctl(fd, NS_GET_USERNS);
	struct stat st = {};
	if (owner >= 0)
		fstat(owner, &st);
	if (fd >= 0)
		close(fd);
	if (owner >= 0)
		close(owner);
	return st.st_ino;
}

// A user namespace joined by path (Kubernetes and Podman make one and hand
// it over) while the config creates the others: they belong to the joined
// one, as with runc (its nsexec joins, then unshares), so its root is the
// container's root. The init is in it; its pid namespace is owned by it.
TEST_F(Namespaces, AJoinedUserNamespaceOwnsTheNamespacesTheContainerCreates)
{
	auto holder = Spawn("/usr/bin/unshare", {"--user", "/bin/sleep", "100"});
	std::string pid = std::to_string(holder->pid());
	ASSERT_TRUE(WaitUntil([&] { return NsOf(pid, "user") != NsOf("self", "user"); }));
	WriteFile("/proc/" + pid + "/uid_map", "0 0 65536\n");
	WriteFile("/proc/" + pid + "/gid_map", "0 0 65536\n");
	config_->RemoveNamespace("user");
	config_->AddNamespace("user", "/proc/" + pid + "/ns/user");

	auto sleeper = RunSleeper(id_);
	ASSERT_TRUE(sleeper);
	State st = GetState(id_);
	std::string init = "/proc/" + std::to_string(st.pid) + "/ns/";
	EXPECT_EQ(NsOf(std::to_string(st.pid), "user"), NsOf(pid, "user"));
	struct stat holder_ns = {};
	ASSERT_EQ(stat(("/proc/" + pid + "/ns/user").c_str(), &holder_ns), 0);
	for (const char *ns : {"pid", "mnt", "uts", "ipc", "net"}) {
		EXPECT_NE(NsOf(std::to_string(st.pid), ns), NsOf("self", ns)) << ns;
		EXPECT_EQ(OwnerOf(init + ns), holder_ns.st_ino) << ns << " is not the joined one's";
	}
	Result r = Kakoi({"exec", id_, "/bin/sh", "-c", "cat /proc/self/uid_map; /probe pid"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_NE(r.out.find("0          0      65536"), std::string::npos) << r;
	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);
}

} // namespace
} // namespace kk_it
