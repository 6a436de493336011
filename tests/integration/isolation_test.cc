// What the container sees, asked from inside with the probe: capabilities,
// hostname, pid namespace, /dev, read-only root, masked and read-only
// paths, rlimits, seccomp, no_new_privs, user namespace mappings, and which
// fds reach it.
#include <fcntl.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

using Isolation = IntegrationTest;

bool HasCapability(cap_value_t cap)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;
	if (caps != nullptr)
		cap_get_flag(caps, cap, CAP_EFFECTIVE, &v);
	cap_free(caps);
	return v == CAP_SET;
}

// The bits of a capability list in the config, as /proc/self/status shows them.
std::string CapMask(json_object *names)
{
	unsigned long long bits = 0;
	for (size_t i = 0; names != nullptr && i < json_object_array_length(names); i++) {
		std::string name = json_object_get_string(json_object_array_get_idx(names, i));
		for (auto &c : name)
			c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
		cap_value_t cap;
		EXPECT_EQ(cap_from_name(name.c_str(), &cap), 0) << name;
		bits |= 1ull << cap;
	}
	char hex[17];
	snprintf(hex, sizeof(hex), "%016llx", bits);
	return hex;
}

std::vector<std::string> Words(const std::string &text)
{
	std::vector<std::string> words;
	std::stringstream ss(text);
	std::string w;
	while (ss >> w)
		words.push_back(w);
	return words;
}

TEST_F(Isolation, CapabilitiesAreTheConfigsSets)
{
	auto mask = [&](const char *set) {
		return CapMask(config_->Find(std::string("process.capabilities.") + set));
	};
	EXPECT_EQ(mask("bounding"), "0000000020000420"); // AUDIT_WRITE, KILL, NET_BIND_SERVICE
	// The kernel keeps an ambient capability only while it is also
	// permitted and inheritable.
	unsigned long long ambient = std::stoull(mask("ambient"), nullptr, 16) &
				     std::stoull(mask("inheritable"), nullptr, 16) &
				     std::stoull(mask("permitted"), nullptr, 16);
	char amb[17];
	snprintf(amb, sizeof(amb), "%016llx", ambient);
	std::string expected = "CapInh=" + mask("inheritable") + " CapPrm=" + mask("permitted") +
			       " CapEff=" + mask("effective") + " CapBnd=" + mask("bounding") +
			       " CapAmb=" + amb + "\n";
	Result r = RunContainer({"/probe", "caps"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, expected);
}

TEST_F(Isolation, HostnameAndDomainnameFromTheConfig)
{
	char host_before[256] = {0}, host_after[256] = {0};
	gethostname(host_before, sizeof(host_before) - 1);
	config_->SetHostname("it-host");
	config_->Set("domainname", "\"it-domain\"");
	Result r = RunContainer({"/bin/sh", "-c", "/probe hostname; /probe domainname"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "it-host\nit-domain\n");
	gethostname(host_after, sizeof(host_after) - 1);
	EXPECT_STREQ(host_before, host_after) << "the host's hostname changed";
}

TEST_F(Isolation, ProcessIsPidOne)
{
	Result r = RunContainer({"/probe", "pid"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "1\n");
}

TEST_F(Isolation, DevHasTheDefaultDevices)
{
	Result ls = RunContainer({"/probe", "ls", "/dev"});
	ASSERT_EQ(ls.exit_code, 0) << ls;
	std::vector<std::string> names = Words(ls.out);
	for (const char *dev : {"null", "zero", "full", "random", "urandom", "tty", "ptmx", "fd",
				"stdin", "stdout", "stderr", "pts", "shm"})
		EXPECT_NE(std::find(names.begin(), names.end(), dev), names.end())
			<< "/dev/" << dev << " missing from: " << ls.out;

	Result st = RunContainer({"/bin/sh", "-c",
				  "for d in null zero full random urandom tty; do /probe stat "
				  "/dev/$d; done; readlink /dev/fd; /probe write /dev/null x"});
	EXPECT_EQ(st.exit_code, 0) << st;
	EXPECT_EQ(st.out, "chr 1:3\nchr 1:5\nchr 1:7\nchr 1:8\nchr 1:9\nchr 5:0\n"
			  "/proc/self/fd\nok\n");
}

TEST_F(Isolation, ReadonlyRootRefusesWrites)
{
	Result ro = RunContainer({"/probe", "write", "/x"});
	EXPECT_EQ(ro.out, "EROFS\n") << ro;
	EXPECT_FALSE(Exists(rootfs_ + "/x"));

	config_->SetReadonlyRoot(false);
	Result rw = RunContainer({"/probe", "write", "/x", "written"});
	EXPECT_EQ(rw.out, "ok\n") << rw;
	EXPECT_EQ(ReadFile(rootfs_ + "/x"), "written");
}

TEST_F(Isolation, MaskedPathsAreEmpty)
{
	// The default spec's kernel files differ between kernels (this one has
	// no /proc/kcore): ask about the first one the host has, whose content
	// root could read if it were not masked.
	std::string file;
	for (const char *f : {"/proc/kcore", "/proc/timer_list", "/proc/keys"})
		if (file.empty() && Exists(f) &&
		    config_->Get("linux.maskedPaths").find(f) != std::string::npos)
			file = f;
	ASSERT_FALSE(file.empty()) << "no masked kernel file on this host";
	ASSERT_NE(RunCommand(ProbeBinary(), {"ls", "/sys/firmware"}).out, "\n")
		<< "the host's /sys/firmware is empty: the test would prove nothing";
	// And a file and a directory of the rootfs itself.
	WriteFile(rootfs_ + "/etc/secret", "secret");
	WriteFile(rootfs_ + "/mnt/secret", "secret");
	config_->Append("linux.maskedPaths", "\"/etc/secret\"");
	config_->Append("linux.maskedPaths", "\"/mnt\"");
	Result r = RunContainer({"/bin/sh", "-c",
				 "/probe read " + file +
					 "; echo \"[$?]\"; /probe ls /sys/firmware; "
					 "/probe read /etc/secret; echo \"[$?]\"; /probe ls /mnt"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "[0]\n\n[0]\n\n")
		<< "masked: " << file << ", /sys/firmware, /etc/secret, /mnt";
	EXPECT_EQ(ReadFile(rootfs_ + "/mnt/secret"), "secret");
}

TEST_F(Isolation, ReadonlyPathsRefuseWrites)
{
	// /proc/sys/kernel/hostname would be writable in the container's own
	// UTS namespace; /mnt would be writable in a writable root.
	config_->SetReadonlyRoot(false);
	config_->Append("linux.readonlyPaths", "\"/mnt\"");
	Result r = RunContainer({"/bin/sh", "-c",
				 "/probe write /proc/sys/kernel/hostname x; /probe write /mnt/x; "
				 "/probe write /x; /probe read /proc/sys/kernel/ostype"});
	EXPECT_EQ(r.out, "EROFS\nEROFS\nok\nLinux\n") << r;
}

TEST_F(Isolation, RlimitFromTheConfig)
{
	config_->AddRlimit("RLIMIT_NOFILE", 100, 100);
	Result r = RunContainer({"/probe", "rlimit", "NOFILE"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "100 100\n");
}

// runc and crun set rlimits before create returns, so a manager sees a
// limit this host refuses (no CAP_SYS_RESOURCE: hard limits cannot rise)
// as a failed create naming the limit and the values.
TEST_F(Isolation, RefusedRlimitFailsCreateNamingItsValues)
{
	struct rlimit cur;
	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &cur), 0);
	if (cur.rlim_max == RLIM_INFINITY)
		GTEST_SKIP() << "RLIMIT_NOFILE hard limit is unlimited here";
	const unsigned long long want = (unsigned long long)cur.rlim_max + 1;
	config_->AddRlimit("RLIMIT_NOFILE", want, want);
	if (HasCapability(CAP_SYS_RESOURCE))
		GTEST_SKIP() << "this host can raise hard limits";
	auto create = Create(id_);
	Result r = create->Wait();
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("process.rlimits[0]: RLIMIT_NOFILE soft " + std::to_string(want) +
			     " hard " + std::to_string(want)),
		  std::string::npos)
		<< r;
	EXPECT_EQ(GetState(id_).status, "") << "create must leave no container";
}

// runc's HOME: from the container's /etc/passwd for process.user.uid when
// process.env has none, "/" without an entry, the env's own when given. A
// FIFO planted as /etc/passwd must not hang the init.
TEST_F(Isolation, HomeComesFromTheContainersPasswd)
{
	WriteFile(rootfs_ + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
					   "bad:x:1000x:1:b:/nope:/bin/sh\n"
					   "app:x:1000:1000:app:/home/app:/bin/sh\n");
	Result root = RunContainer({"/bin/sh", "-c", "echo \"$HOME\""});
	EXPECT_EQ(root.out, "/root\n") << root;
	config_->Set("process.user", "{\"uid\":1000,\"gid\":1000}");
	Result app = RunContainer({"/bin/sh", "-c", "echo \"$HOME\""});
	EXPECT_EQ(app.out, "/home/app\n") << app;
	config_->Set("process.user", "{\"uid\":1001,\"gid\":1001}");
	Result none = RunContainer({"/bin/sh", "-c", "echo \"$HOME\""});
	EXPECT_EQ(none.out, "/\n") << none;
	config_->AddEnv("HOME=/given");
	Result given = RunContainer({"/bin/sh", "-c", "echo \"$HOME\""});
	EXPECT_EQ(given.out, "/given\n") << given;

	// Resolved before the filter and the user change: a filter refusing
	// open, and a passwd only root can read, still give the user's HOME.
	config_->Remove("process.env");
	config_->AddEnv("PATH=/bin");
	config_->Set("process.user", "{\"uid\":1000,\"gid\":1000}");
	chmod((rootfs_ + "/etc/passwd").c_str(), 0600);
	config_->SetSeccomp("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
			    "[\"open\",\"openat\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	Result filtered = RunContainer({"/usr/bin/env"});
	EXPECT_NE(filtered.out.find("HOME=/home/app\n"), std::string::npos) << filtered;
	config_->Remove("linux.seccomp");
	config_->Remove("process.user");

	ASSERT_EQ(unlink((rootfs_ + "/etc/passwd").c_str()), 0);
	ASSERT_EQ(mkfifo((rootfs_ + "/etc/passwd").c_str(), 0644), 0);
	Result fifo = RunContainer({"/bin/sh", "-c", "echo \"$HOME\""});
	EXPECT_FALSE(fifo.timed_out) << fifo;
	EXPECT_EQ(fifo.out, "/\n") << fifo;
}

TEST_F(Isolation, SeccompErrnoRule)
{
	config_->SetSeccomp(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		"[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":54}]}");
	Result r = RunContainer({"/bin/sh", "-c", "/probe seccomp; /probe mkdir /tmp/x"});
	EXPECT_EQ(r.out, "2\nEXFULL\n") << r;

	config_->Remove("linux.seccomp");
	Result plain = RunContainer({"/bin/sh", "-c", "/probe seccomp; /probe mkdir /tmp/x"});
	EXPECT_EQ(plain.out, "0\nEROFS\n") << plain;
}

TEST_F(Isolation, NoNewPrivileges)
{
	Result on = RunContainer({"/probe", "nnp"});
	EXPECT_EQ(on.out, "1\n") << on;
	config_->Set("process.noNewPrivileges", "false");
	Result off = RunContainer({"/probe", "nnp"});
	EXPECT_EQ(off.out, "0\n") << off;
}

TEST_F(Isolation, UserNamespaceMapsRootTo100000)
{
	config_->AddNamespace("user");
	config_->Set("linux.uidMappings", "[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]");
	config_->Set("linux.gidMappings", "[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]");
	// A cgroup v1 hierarchy cannot be mounted from a user namespace.
	config_->RemoveMount("/sys/fs/cgroup");
	auto sleeper = RunSleeper(id_);
	pid_t pid = GetState(id_).pid;
	ASSERT_GT(pid, 0);
	std::string proc = "/proc/" + std::to_string(pid);
	EXPECT_EQ(Words(ReadFile(proc + "/uid_map")),
		  (std::vector<std::string>{"0", "100000", "65536"}));
	EXPECT_EQ(Words(ReadFile(proc + "/gid_map")),
		  (std::vector<std::string>{"0", "100000", "65536"}));
	EXPECT_NE(ReadFile(proc + "/status").find("\nUid:\t100000\t100000\t100000\t100000\n"),
		  std::string::npos);
	char self_ns[64] = {0}, its_ns[64] = {0};
	ASSERT_GT(readlink("/proc/self/ns/user", self_ns, sizeof(self_ns) - 1), 0);
	ASSERT_GT(readlink((proc + "/ns/user").c_str(), its_ns, sizeof(its_ns) - 1), 0);
	EXPECT_STRNE(self_ns, its_ns);
}

TEST_F(Isolation, LeakedFdsAreNotPassed)
{
	// Left open across exec on purpose, as a careless caller would.
	int leak = open("/dev/null", O_RDONLY);
	ASSERT_GE(leak, 0);
	RunOptions opts;
	opts.fds[3] = leak;
	opts.fds[7] = leak;
	Result r = RunContainer({"/probe", "fds"}, {}, opts);
	close(leak);
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "0 1 2\n");
}

TEST_F(Isolation, PreserveFdsPassesFd3)
{
	std::string file = HostTempDir("fd") + "/preserved";
	WriteFile(file, "preserved");
	int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	RunOptions opts;
	opts.fds[3] = fd;
	opts.fds[4] = fd; // beyond the preserved count: must not pass
	Result fds = RunContainer({"/probe", "fds"}, {"--preserve-fds", "1"}, opts);
	EXPECT_EQ(fds.out, "0 1 2 3\n") << fds;
	Result read =
		RunContainer({"/probe", "read", "/proc/self/fd/3"}, {"--preserve-fds", "1"}, opts);
	EXPECT_EQ(read.out, "preserved") << read;
	close(fd);
}

} // namespace
} // namespace kk_it
