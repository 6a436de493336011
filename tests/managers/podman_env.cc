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
#include "tests/parser/fixture.h"
#include "tests/scope/scope.h"

namespace kk_pm
{

const char kImage[] = "localhost/kakoi-test:latest";

static const char kPodman[] = "/usr/bin/podman";
static const char kCgroupRoot[] = "/sys/fs/cgroup";

// The suite's own settings, added to the operator's containers.conf: no
// CAP_SYS_RESOURCE on this VM, so Podman's default RLIMIT_NOFILE/NPROC of
// 1048576 cannot be granted by any runtime (ask for what can); events in a
// file; image copies in T/tmp.
static const char kContainersSettings[] =
	"[containers]\n"
	"default_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n";
static const char kEngineSettings[] = "events_logger = \"file\"\n"
				      "image_copy_tmp_dir = \"%TMP%\"\n";

static void Replace(std::string *text, const std::string &what, const std::string &with)
{
	size_t at = text->find(what);
	EXPECT_NE(at, std::string::npos) << "no " << what << " in:\n" << *text;
	if (at != std::string::npos)
		text->replace(at, what.size(), with);
}

// containers.conf as docs/managers.md tells an operator to write it
// (docs/examples/managers/containers.conf: kakoi the default runtime, by
// name), with the suite's wrapper for /usr/sbin/kakoi and its own settings
// added. Podman finds the runtime through it, not through --runtime.
static std::string ContainersConf(const std::string &dir, const std::string &runtime)
{
	std::string conf = kk_it::ReadFile(RunfilePath("docs/examples/managers/containers.conf"));
	std::string engine = kEngineSettings;
	Replace(&engine, "%TMP%", dir + "/tmp");
	Replace(&conf, "\"/usr/sbin/kakoi\"", "\"" + runtime + "\"");
	Replace(&conf, "[engine]\n", "[engine]\n" + engine);
	return kContainersSettings + conf;
}

std::string PodmanTest::dir_, PodmanTest::runtime_;
std::set<std::string> PodmanTest::ids_seen_;
static std::string setup_failure;

std::string PodmanTest::KakoiRoot()
{
	return dir_ + "/kakoi-state";
}

// The run's own cgroup parent in hierarchy h: Podman (cgroupfs) puts
// containers in <parent>/libpod-<id>, pods in <parent>/<pod id> and every
// conmon in <parent>/conmon.
static std::string ParentIn(const std::string &h)
{
	return std::string(kCgroupRoot) + "/" + h + kk_scope::CgroupParent();
}

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

// Podman 4.3 has no containers.conf setting for the cgroup parent: each
// container and pod made gets the run's own (one joining a pod lives in the
// pod's). The first "run" or "create" is the verb: no global flag takes
// such a value.
static std::vector<std::string> InRunCgroup(std::vector<std::string> args)
{
	auto verb = std::find_if(args.begin(), args.end(),
				 [](const std::string &a) { return a == "run" || a == "create"; });
	if (verb == args.end() || std::find(args.begin(), args.end(), "--pod") != args.end())
		return args;
	args.insert(verb + 1, {"--cgroup-parent", kk_scope::CgroupParent()});
	return args;
}

std::vector<std::string> PodmanTest::FullArgs(const std::vector<std::string> &args)
{
	std::vector<std::string> full = {"--root",	dir_ + "/storage",  "--runroot",
					 dir_ + "/run", "--storage-driver", "vfs",
					 "--tmpdir",	dir_ + "/tmp"};
	std::vector<std::string> own = InRunCgroup(args);
	full.insert(full.end(), own.begin(), own.end());
	return full;
}

// Podman gives the runtime no --root (rootful), and its --runtime-flag does
// not reach the `podman container cleanup` that conmon runs when a container
// exits: that one would look in /run/kakoi, the host's. So the runtime
// Podman calls is a two-line wrapper that names the suite's own state root;
// the binary behind it is the built kakoi, exec'd with every fd intact.
static std::string MakeRuntime(const std::string &dir, const std::string &root)
{
	std::string binary = dir + "/kakoi.bin", wrapper = dir + "/kakoi";
	kk_it::WriteFile(binary, kk_it::ReadFile(kk_it::KakoiBinary()));
	chmod(binary.c_str(), 0755);
	kk_it::WriteFile(wrapper, "#!/bin/sh\nexec " + binary + " --root " + root + " \"$@\"\n");
	chmod(wrapper.c_str(), 0755);
	return wrapper;
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
	chmod(dir_.c_str(), 0755);
	mkdir((dir_ + "/tmp").c_str(), 0700);
	runtime_ = MakeRuntime(dir_, KakoiRoot());
	kk_it::WriteFile(dir_ + "/containers.conf", ContainersConf(dir_, runtime_));
	setenv("CONTAINERS_CONF", (dir_ + "/containers.conf").c_str(), 1);
	setenv("TMPDIR", (dir_ + "/tmp").c_str(), 1);
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
	for (const auto &h : ListDir(kCgroupRoot))
		EXPECT_FALSE(IsDir(ParentIn(h))) << ParentIn(h) << " is still there (in use?)";
	unsetenv("CONTAINERS_CONF");
	unsetenv("TMPDIR");
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
	std::vector<std::string> full = FullArgs(args);
	if (opts.cwd.empty())
		opts.cwd = dir_;
	if (opts.timeout_ms < 0)
		opts.timeout_ms = kPodmanTimeoutMs;
	return kk_it::RunCommand(kPodman, full, opts);
}

std::unique_ptr<kk_it::Process> PodmanTest::PodmanSpawn(const std::vector<std::string> &args,
							RunOptions opts)
{
	std::vector<std::string> full = FullArgs(args);
	if (opts.cwd.empty())
		opts.cwd = dir_;
	return kk_it::Spawn(kPodman, full, opts);
}

std::string PodmanTest::PodmanShellLine(const std::vector<std::string> &args)
{
	std::string line = kPodman;
	for (const auto &a : FullArgs(args))
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
	Result r = kk_it::RunCommand(runtime_, {"state", id});
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
	// controllers it manages, leaving <parent>/<pod> in name=systemd and
	// in the hybrid layout's unified hierarchy (the same with runc).
	// Remove those once empty; a container cgroup left inside is reported.
	for (const auto &h : ListDir(kCgroupRoot))
		for (const auto &pod : pod_ids)
			rmdir((ParentIn(h) + "/" + pod).c_str());
}

// Host pids that belong to the suite: a command line naming T (conmon, a
// `podman container cleanup`), or a cgroup under the run's own parent (a
// container process that outlived its container). Nobody else's.
static std::vector<pid_t> SuiteProcesses(const std::string &dir)
{
	const std::string parent = kk_scope::CgroupParent() + "/";
	std::vector<pid_t> pids;
	for (const auto &name : ListDir("/proc")) {
		pid_t pid = static_cast<pid_t>(atoi(name.c_str()));
		if (pid <= 0 || pid == getpid())
			continue;
		std::string cmdline = kk_it::ReadFile("/proc/" + name + "/cmdline");
		std::string cgroup = kk_it::ReadFile("/proc/" + name + "/cgroup");
		if (Contains(cmdline, dir) || Contains(cgroup, ":" + parent))
			pids.push_back(pid);
	}
	return pids;
}

std::vector<std::string> PodmanTest::LeftBehind(const std::set<std::string> &ids)
{
	// Everything under the suite's own state root, cgroup parent and T;
	// ids are Podman's, so kakoi's state for them is named the same.
	std::vector<std::string> left;
	(void)ids;
	// A dot entry is kakoi's own cache (.seccomp), never a container's.
	for (const auto &e : ListDir(KakoiRoot()))
		if (e[0] != '.')
			left.push_back("kakoi state " + KakoiRoot() + "/" + e);
	for (const auto &h : ListDir(kCgroupRoot))
		for (const auto &e : ListDir(ParentIn(h)))
			if (IsDir(ParentIn(h) + "/" + e) && e != "conmon")
				left.push_back("cgroup " + ParentIn(h) + "/" + e);
	for (pid_t pid : SuiteProcesses(dir_))
		left.push_back("process " + std::to_string(pid) + ": " +
			       kk_it::ReadFile("/proc/" + std::to_string(pid) + "/cmdline"));
	for (const auto &line : kk_scope::MountsUnder({dir_}))
		left.push_back("mount " + line);
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
	kk_scope::UnmountUnder({dir_});
	for (const auto &h : ListDir(kCgroupRoot))
		for (const auto &e : ListDir(ParentIn(h)))
			if (e != "conmon" && IsDir(ParentIn(h) + "/" + e))
				RemoveCgroupTree(ParentIn(h) + "/" + e);
	for (const auto &e : ListDir(KakoiRoot()))
		kk_it::RemoveTree(KakoiRoot() + "/" + e);
}

// At the end of the suite: nothing of it may outlive it, not even the run's
// cgroup parent and its conmon group.
void PodmanTest::ForceCleanUp()
{
	CleanUpLeftovers();
	for (const auto &h : ListDir(kCgroupRoot))
		if (IsDir(ParentIn(h)))
			RemoveCgroupTree(ParentIn(h));
	kk_it::RemoveTree(dir_);
}

} // namespace kk_pm
