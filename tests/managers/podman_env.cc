// The Podman fixture: private state dir, containers.conf, kakoi copy, image,
// the podman runner, and the "nothing left on the host" check run after each
// test and at the end of the suite.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "tests/managers/podman_env.h"

namespace kk_pm
{

const char kImage[] = "localhost/kakoi-test:latest";
const char kKakoiRoot[] = "/run/kakoi";

static const char kPodman[] = "/usr/bin/podman";
static const char kCgroupRoot[] = "/sys/fs/cgroup";
// Podman's cgroupfs parent: containers get libpod_parent/libpod-<id>, pods
// libpod_parent/<pod id>, every conmon libpod_parent/conmon.
static const char kLibpodParent[] = "libpod_parent";

// No CAP_SYS_RESOURCE on this VM: Podman's default RLIMIT_NOFILE/NPROC of
// 1048576 cannot be granted by any runtime, so ask for what can.
static const char kContainersConf[] =
	"[containers]\n"
	"default_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n"
	"[engine]\n"
	"cgroup_manager = \"cgroupfs\"\n"
	"events_logger = \"file\"\n";

std::string PodmanTest::dir_, PodmanTest::runtime_;
std::set<std::string> PodmanTest::ids_seen_;
std::vector<std::string> PodmanTest::netns_before_, PodmanTest::var_tmp_before_;
static std::vector<std::string> kakoi_before;
static std::string setup_failure;

static std::vector<std::string> ListDir(const std::string &path)
{
	std::vector<std::string> names;
	DIR *d = opendir(path.c_str());
	while (d != nullptr) {
		struct dirent *e = readdir(d);
		if (e == nullptr)
			break;
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names.push_back(e->d_name);
	}
	if (d != nullptr)
		closedir(d);
	std::sort(names.begin(), names.end());
	return names;
}

static bool IsDir(const std::string &path)
{
	struct stat st;
	return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// --- the suite ---------------------------------------------------------

std::vector<std::string> PodmanTest::GlobalFlags()
{
	return {"--root", dir_ + "/storage", "--runroot",   dir_ + "/run", "--storage-driver",
		"vfs",	  "--tmpdir",	     dir_ + "/tmp", "--runtime",   runtime_};
}

bool PodmanTest::BuildImage(std::string *why)
{
	std::string rootfs = dir_ + "/rootfs", tar = dir_ + "/image.tar";
	if (!kk_it::BuildRootfs(rootfs, why))
		return false;
	RunOptions slow;
	slow.timeout_ms = kPodmanTimeoutMs;
	Result t = kk_it::RunCommand("/bin/tar", {"-C", rootfs, "-cf", tar, "."}, slow);
	Result i = Podman({"import", tar, kImage});
	kk_it::RemoveTree(rootfs);
	unlink(tar.c_str());
	if (t.exit_code != 0 || i.exit_code != 0) {
		std::stringstream ss;
		ss << "cannot make the image: tar: " << t << "\npodman import: " << i;
		*why = ss.str();
		return false;
	}
	return true;
}

void PodmanTest::SetUpTestSuite()
{
	char tmpl[] = "/tmp/kakoi-pm-XXXXXX";
	setup_failure.clear();
	if (mkdtemp(tmpl) == nullptr) {
		setup_failure = std::string("mkdtemp: ") + strerror(errno);
		return;
	}
	dir_ = tmpl;
	runtime_ = dir_ + "/kakoi";
	chmod(dir_.c_str(), 0755);
	mkdir((dir_ + "/tmp").c_str(), 0700);
	kk_it::WriteFile(dir_ + "/containers.conf", kContainersConf);
	setenv("CONTAINERS_CONF", (dir_ + "/containers.conf").c_str(), 1);
	kk_it::WriteFile(runtime_, kk_it::ReadFile(kk_it::KakoiBinary()));
	chmod(runtime_.c_str(), 0755);
	netns_before_ = ListDir("/run/netns");
	var_tmp_before_ = ListDir("/var/tmp");
	kakoi_before = ListDir(kKakoiRoot);
	std::string why;
	if (!BuildImage(&why))
		setup_failure = why;
}

void PodmanTest::TearDownTestSuite()
{
	if (dir_.empty())
		return;
	RemoveEverything();
	ExpectNothingLeftBehind(ids_seen_, "at the end of the suite");
	ForceCleanUp();
	for (const auto &h : ListDir(kCgroupRoot)) {
		std::string parent = std::string(kCgroupRoot) + "/" + h + "/" + kLibpodParent;
		EXPECT_FALSE(IsDir(parent)) << parent << " is still there (in use?)";
	}
	unsetenv("CONTAINERS_CONF");
	dir_.clear();
}

void PodmanTest::SetUp()
{
	ASSERT_EQ(setup_failure, "") << "the suite's setup failed";
	const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
	test_name_.clear();
	for (const char *p = info->name(); *p != '\0'; p++)
		test_name_ +=
			std::isalnum(static_cast<unsigned char>(*p))
				? static_cast<char>(std::tolower(static_cast<unsigned char>(*p)))
				: '-';
}

void PodmanTest::TearDown()
{
	std::vector<std::string> ids = KnownIds();
	ids_seen_.insert(ids.begin(), ids.end());
	RemoveEverything();
	ExpectNothingLeftBehind(std::set<std::string>(ids.begin(), ids.end()), "after the test");
	// Reported once: the next test must not fail for this one's leftovers.
	CleanUpLeftovers();
}

// --- running podman ----------------------------------------------------

Result PodmanTest::Podman(const std::vector<std::string> &args, RunOptions opts)
{
	std::vector<std::string> full = GlobalFlags();
	full.insert(full.end(), args.begin(), args.end());
	if (opts.cwd.empty())
		opts.cwd = dir_;
	if (opts.timeout_ms < 0)
		opts.timeout_ms = kPodmanTimeoutMs;
	return kk_it::RunCommand(kPodman, full, opts);
}

std::unique_ptr<kk_it::Process> PodmanTest::PodmanSpawn(const std::vector<std::string> &args,
							RunOptions opts)
{
	std::vector<std::string> full = GlobalFlags();
	full.insert(full.end(), args.begin(), args.end());
	if (opts.cwd.empty())
		opts.cwd = dir_;
	return kk_it::Spawn(kPodman, full, opts);
}

std::string PodmanTest::PodmanShellLine(const std::vector<std::string> &args)
{
	std::string line = kPodman;
	for (const auto &a : GlobalFlags())
		line += " " + ShellQuote(a);
	for (const auto &a : args)
		line += " " + ShellQuote(a);
	return line;
}

Result PodmanTest::UnderPty(const std::string &line, const std::string &input, int timeout_ms)
{
	return kk_managers::UnderPty(line, input, timeout_ms, dir_);
}

std::string PodmanTest::Name(const std::string &suffix) const
{
	return "pm-" + test_name_.substr(0, 60) + "-" + suffix;
}

std::string PodmanTest::Inspect(const std::string &name, const std::string &format)
{
	Result r = Podman({"inspect", "--format", format, name});
	EXPECT_EQ(r.exit_code, 0) << "podman inspect " << name << ": " << r;
	return r.exit_code == 0 ? Trim(r.out) : "";
}

std::string PodmanTest::ContainerId(const std::string &name)
{
	return Inspect(name, "{{.Id}}");
}

pid_t PodmanTest::ContainerPid(const std::string &name)
{
	return static_cast<pid_t>(atoi(Inspect(name, "{{.State.Pid}}").c_str()));
}

bool PodmanTest::RunSleeper(const std::string &name, const std::vector<std::string> &flags)
{
	std::vector<std::string> args{"run", "-d", "--name", name, "--network", "none"};
	args.insert(args.end(), flags.begin(), flags.end());
	args.insert(args.end(), {kImage, "/probe", "sleep", "100"});
	Result r = Podman(args);
	EXPECT_EQ(r.exit_code, 0) << r;
	if (r.exit_code != 0)
		return false;
	bool sleeping = kk_it::WaitUntil(
		[&] {
			return Contains(Podman({"logs", name}).out, "sleeping");
		},
		20000);
	EXPECT_TRUE(sleeping) << "the probe in " << name << " never said it was sleeping";
	return sleeping;
}

Result PodmanTest::RunRm(const std::vector<std::string> &flags, const std::vector<std::string> &cmd,
			 RunOptions opts)
{
	std::vector<std::string> args{"run", "--rm", "--network", "none"};
	args.insert(args.end(), flags.begin(), flags.end());
	args.push_back(kImage);
	args.insert(args.end(), cmd.begin(), cmd.end());
	return Podman(args, opts);
}

std::string PodmanTest::KakoiStatus(const std::string &id)
{
	Result r = kk_it::RunCommand(runtime_, {"--root", kKakoiRoot, "state", id});
	kk_it::Json doc = kk_it::ParseJson(r.out);
	if (r.exit_code != 0 || doc == nullptr)
		return "";
	return kk_it::JsonString(doc.get(), "status");
}

// --- cleaning up and checking ------------------------------------------

std::vector<std::string> PodmanTest::KnownIds()
{
	std::vector<std::string> ids = Lines(Podman({"ps", "-aq", "--no-trunc"}).out);
	for (const auto &pod : Lines(Podman({"pod", "ps", "-q", "--no-trunc"}).out))
		ids.push_back(pod);
	return ids;
}

void PodmanTest::RemoveEverything()
{
	std::vector<std::string> pod_ids = Lines(Podman({"pod", "ps", "-q", "--no-trunc"}).out);
	Result pods = Podman({"pod", "rm", "-af", "-t", "0"});
	EXPECT_EQ(pods.exit_code, 0) << "podman pod rm -af: " << pods;
	// With a user namespace, `rm -f` can race conmon's own cleanup and find
	// the shm mount still busy (1 in ~15 here, with runc too): try again.
	Result ctrs;
	for (int attempt = 0; attempt < 3; attempt++) {
		if ((ctrs = Podman({"rm", "-af", "-t", "0"})).exit_code == 0)
			break;
		usleep(500 * 1000);
	}
	EXPECT_EQ(ctrs.exit_code, 0) << "podman rm -af: " << ctrs;
	// Podman 4.3's cgroupfs driver removes a pod's cgroup only from the
	// controllers it manages, leaving libpod_parent/<pod> in name=systemd
	// and in the hybrid layout's unified hierarchy (the same with runc).
	// Remove those once empty; a container cgroup left inside is reported.
	for (const auto &h : ListDir(kCgroupRoot))
		for (const auto &pod : pod_ids)
			rmdir((std::string(kCgroupRoot) + "/" + h + "/" + kLibpodParent + "/" + pod)
				      .c_str());
}

// Host pids that belong to the suite: a command line naming T (conmon, a
// `podman container cleanup`), or a cgroup under libpod_parent (a container
// process that outlived its container).
static std::vector<pid_t> SuiteProcesses(const std::string &dir)
{
	std::vector<pid_t> pids;
	for (const auto &name : ListDir("/proc")) {
		pid_t pid = static_cast<pid_t>(atoi(name.c_str()));
		if (pid <= 0 || pid == getpid())
			continue;
		std::string cmdline = kk_it::ReadFile("/proc/" + name + "/cmdline");
		std::string cgroup = kk_it::ReadFile("/proc/" + name + "/cgroup");
		if (Contains(cmdline, dir) ||
		    Contains(cgroup, std::string("/") + kLibpodParent + "/"))
			pids.push_back(pid);
	}
	return pids;
}

static std::vector<std::string> Added(const std::vector<std::string> &before,
				      const std::vector<std::string> &now)
{
	std::vector<std::string> added;
	std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
			    std::back_inserter(added));
	return added;
}

std::vector<std::string> PodmanTest::LeftBehind(const std::set<std::string> &ids)
{
	std::vector<std::string> left;
	for (const auto &e : Added(kakoi_before, ListDir(kKakoiRoot)))
		left.push_back(std::string("kakoi state ") + kKakoiRoot + "/" + e);
	for (const auto &id : ids)
		if (kk_it::Exists(std::string(kKakoiRoot) + "/" + id))
			left.push_back(std::string("kakoi state ") + kKakoiRoot + "/" + id);
	for (const auto &h : ListDir(kCgroupRoot)) {
		std::string parent = std::string(kCgroupRoot) + "/" + h + "/" + kLibpodParent;
		for (const auto &e : ListDir(parent))
			if (IsDir(parent + "/" + e) && e != "conmon")
				left.push_back("cgroup " + parent + "/" + e);
	}
	for (pid_t pid : SuiteProcesses(dir_))
		left.push_back("process " + std::to_string(pid) + ": " +
			       kk_it::ReadFile("/proc/" + std::to_string(pid) + "/cmdline"));
	for (const auto &line : Lines(kk_it::ReadFile("/proc/self/mountinfo")))
		if (Contains(line, dir_))
			left.push_back("mount " + line);
	for (const auto &e : Added(netns_before_, ListDir("/run/netns")))
		left.push_back("netns /run/netns/" + e);
	for (const auto &e : Added(var_tmp_before_, ListDir("/var/tmp")))
		left.push_back("file /var/tmp/" + e);
	return left;
}

void PodmanTest::ExpectNothingLeftBehind(const std::set<std::string> &ids, const std::string &when)
{
	std::vector<std::string> left;
	// `podman container cleanup` runs after a container exits, on its own.
	kk_it::WaitUntil([&] { return (left = LeftBehind(ids)).empty(); }, 15000);
	std::string list;
	for (const auto &l : left)
		list += "  " + l + "\n";
	EXPECT_TRUE(left.empty()) << "left on the host " << when << ":\n" << list;
}

// Removes a cgroup tree bottom-up (cgroup dirs hold only virtual files).
static void RemoveCgroupTree(const std::string &dir)
{
	for (const auto &e : ListDir(dir))
		if (IsDir(dir + "/" + e))
			RemoveCgroupTree(dir + "/" + e);
	kk_it::WaitUntil([&] { return rmdir(dir.c_str()) == 0 || errno == ENOENT; }, 2000);
}

// After the check has reported: kills the suite's stray processes, unmounts
// under T, removes container and pod cgroups and kakoi state left behind.
void PodmanTest::CleanUpLeftovers()
{
	for (pid_t pid : SuiteProcesses(dir_))
		kill(pid, SIGKILL);
	std::vector<std::string> mounts = Lines(kk_it::ReadFile("/proc/self/mountinfo"));
	std::reverse(mounts.begin(), mounts.end());
	for (const auto &line : mounts) {
		std::stringstream ss(line);
		std::string point;
		for (int i = 0; i < 5; i++)
			ss >> point;
		if (point.rfind(dir_, 0) == 0)
			umount2(point.c_str(), MNT_DETACH);
	}
	for (const auto &h : ListDir(kCgroupRoot)) {
		std::string parent = std::string(kCgroupRoot) + "/" + h + "/" + kLibpodParent;
		for (const auto &e : ListDir(parent))
			if (e != "conmon" && IsDir(parent + "/" + e))
				RemoveCgroupTree(parent + "/" + e);
	}
	for (const auto &e : Added(kakoi_before, ListDir(kKakoiRoot)))
		kk_it::RemoveTree(std::string(kKakoiRoot) + "/" + e);
	for (const auto &e : Added(var_tmp_before_, ListDir("/var/tmp")))
		if (e.rfind("podman", 0) == 0)
			kk_it::RemoveTree("/var/tmp/" + e);
}

// At the end of the suite: nothing of it may outlive it, not even Podman's
// shared cgroup parent (libpod_parent and its conmon group).
void PodmanTest::ForceCleanUp()
{
	CleanUpLeftovers();
	for (const auto &h : ListDir(kCgroupRoot)) {
		std::string parent = std::string(kCgroupRoot) + "/" + h + "/" + kLibpodParent;
		if (IsDir(parent))
			RemoveCgroupTree(parent);
	}
	kk_it::RemoveTree(dir_);
}

} // namespace kk_pm
