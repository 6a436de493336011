// The per-test fixture: temp state root and bundle, the kakoi runner, state
// decoding, and the "nothing left behind" check run after every test.
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{

static const char kCgroupRoot[] = "/sys/fs/cgroup";
static const char kTempPrefix[] = "/tmp/kakoi-it-";

// A unique, valid container ID from the test's name and our pid.
static std::string TestId()
{
	const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
	std::string name = std::string(info->test_suite_name()) + "-" + info->name(), id = "it-";
	for (char c : name)
		id += std::isalnum(static_cast<unsigned char>(c))
			      ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
			      : '-';
	return id.substr(0, 90) + "-" + std::to_string(getpid());
}

std::vector<std::string> CgroupHierarchies()
{
	std::vector<std::string> out{kCgroupRoot};
	DIR *d = opendir(kCgroupRoot);
	while (d != nullptr) {
		struct dirent *e = readdir(d);
		struct stat st;
		if (e == nullptr)
			break;
		std::string path = std::string(kCgroupRoot) + "/" + e->d_name;
		if (e->d_name[0] != '.' && stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
			out.push_back(path);
	}
	if (d != nullptr)
		closedir(d);
	return out;
}

// Host pids whose command line names one of needles, or whose environment
// holds marker (the containers' processes).
static std::vector<pid_t> MarkedProcesses(const std::vector<std::string> &needles,
					  const std::string &marker)
{
	std::vector<pid_t> pids;
	DIR *d = opendir("/proc");
	while (d != nullptr) {
		struct dirent *e = readdir(d);
		if (e == nullptr)
			break;
		pid_t pid = static_cast<pid_t>(atoi(e->d_name));
		if (pid <= 0 || pid == getpid())
			continue;
		std::string dir = std::string("/proc/") + e->d_name;
		std::string cmdline = ReadFile(dir + "/cmdline"), env = ReadFile(dir + "/environ");
		bool hit = env.find(marker + '\0') != std::string::npos;
		for (const auto &n : needles)
			hit = hit || cmdline.find(n) != std::string::npos;
		if (hit)
			pids.push_back(pid);
	}
	if (d != nullptr)
		closedir(d);
	return pids;
}

// Under the run's own parent, never a shared one (issue 14).
std::string IntegrationTest::CgroupPathFor(const std::string &id)
{
	return kk_scope::CgroupParent() + "/" + id;
}

std::string IntegrationTest::HostTempDir(const std::string &what)
{
	std::string tmpl = kTempPrefix + what + "-XXXXXX";
	if (mkdtemp(&tmpl[0]) == nullptr) {
		ADD_FAILURE() << "mkdtemp " << tmpl << ": " << strerror(errno);
		return "/nonexistent";
	}
	temp_dirs_.push_back(tmpl);
	return tmpl;
}

void IntegrationTest::SetUp()
{
	id_ = TestId();
	ids_.push_back(id_);
	marker_ = "KAKOI_IT=" + id_;
	cgroups_path_ = CgroupPathFor(id_);
	root_ = HostTempDir("root");
	bundle_ = HostTempDir("bundle");
	rootfs_ = bundle_ + "/rootfs";
	// A user namespace's root is no owner of the bundle: let it reach the rootfs.
	ASSERT_EQ(chmod(bundle_.c_str(), 0755), 0);
	std::string why;
	ASSERT_TRUE(BuildRootfs(rootfs_, &why)) << why;
	RunOptions in_bundle;
	in_bundle.cwd = bundle_;
	Result spec = Kakoi({"spec"}, in_bundle);
	ASSERT_EQ(spec.exit_code, 0) << spec;
	config_ = Config::Load(bundle_ + "/config.json");
	ASSERT_NE(config_, nullptr) << "kakoi spec wrote no readable config.json";
	config_->SetCgroupsPath(cgroups_path_);
	config_->SetTerminal(false);
	config_->AddEnv(marker_);
	SaveConfig();
}

void IntegrationTest::TearDown()
{
	for (const auto &id : ids_)
		Kakoi({"delete", "--force", id});
	for (const auto &id : ids_)
		ExpectNothingLeftBehind(id);
	CleanUpHost();
}

std::vector<std::string> IntegrationTest::LeftBehind(const std::string &id) const
{
	std::vector<std::string> left;
	if (Exists(root_ + "/" + id))
		left.push_back("state dir " + root_ + "/" + id);
	for (const auto &h : CgroupHierarchies())
		for (const auto &path : {CgroupPathFor(id), "/kakoi/" + id})
			if (Exists(h + path))
				left.push_back("cgroup " + h + path);
	for (pid_t pid : MarkedProcesses({bundle_, root_}, marker_))
		left.push_back("process " + std::to_string(pid) + ": " +
			       ReadFile("/proc/" + std::to_string(pid) + "/cmdline"));
	// Only mounts under the test's own dirs: other containers come and go
	// on a live host, and their mounts are none of this test's business.
	for (const auto &line : kk_scope::MountsUnder(temp_dirs_))
		left.push_back("mount changed: " + line);
	return left;
}

void IntegrationTest::ExpectNothingLeftBehind(const std::string &id)
{
	std::vector<std::string> left;
	// A killed container may take a moment to be reaped and its cgroup to empty.
	WaitUntil([&] { return (left = LeftBehind(id)).empty(); }, Patience() / 2);
	std::string list;
	for (const auto &l : left)
		list += "  " + l + "\n";
	EXPECT_TRUE(left.empty()) << "left behind by container " << id << ":\n" << list;
}

void RemoveCgroup(const std::string &dir)
{
	if (!Exists(dir))
		return;
	auto procs = [&] { return ReadFile(dir + "/cgroup.procs"); };
	std::stringstream ss(procs());
	for (pid_t pid; ss >> pid;)
		kill(pid, SIGKILL);
	// Exited tasks may keep a cgroup busy for a moment.
	WaitUntil([&] { return rmdir(dir.c_str()) == 0 || errno == ENOENT; }, 2000);
}

// Best effort, after the check has reported: the next test and the host
// must not inherit this test's leftovers.
void IntegrationTest::CleanUpHost()
{
	for (pid_t pid : MarkedProcesses({bundle_, root_}, marker_))
		kill(pid, SIGKILL);
	kk_scope::UnmountUnder(temp_dirs_);
	for (const auto &id : ids_)
		for (const auto &h : CgroupHierarchies())
			RemoveCgroup(h + CgroupPathFor(id));
	kk_scope::RemoveCgroupParent();
	for (const auto &dir : temp_dirs_)
		RemoveTree(dir);
}

Result IntegrationTest::Kakoi(const std::vector<std::string> &args, const RunOptions &opts)
{
	std::vector<std::string> full{"--root", root_};
	full.insert(full.end(), args.begin(), args.end());
	return RunCommand(KakoiBinary(), full, opts);
}

std::unique_ptr<Process> IntegrationTest::KakoiSpawn(const std::vector<std::string> &args,
						     const RunOptions &opts)
{
	std::vector<std::string> full{"--root", root_};
	full.insert(full.end(), args.begin(), args.end());
	return Spawn(KakoiBinary(), full, opts);
}

void IntegrationTest::SaveConfig()
{
	EXPECT_TRUE(config_->Save(bundle_ + "/config.json"));
}

Result IntegrationTest::RunContainer(const std::vector<std::string> &args,
				     const std::vector<std::string> &flags, const RunOptions &opts)
{
	config_->SetArgs(args);
	SaveConfig();
	std::vector<std::string> cmd{"run", "--bundle", bundle_};
	cmd.insert(cmd.end(), flags.begin(), flags.end());
	cmd.push_back(id_);
	return Kakoi(cmd, opts);
}

std::unique_ptr<Process> IntegrationTest::Create(const std::string &id)
{
	if (id != id_)
		config_->SetCgroupsPath(CgroupPathFor(id));
	SaveConfig();
	auto p = KakoiSpawn({"create", "--bundle", bundle_, id});
	p->Wait();
	return p;
}

std::unique_ptr<Process> IntegrationTest::RunSleeper(const std::string &id)
{
	config_->SetArgs({"/probe", "sleep", "100"});
	if (id != id_)
		config_->SetCgroupsPath(CgroupPathFor(id));
	SaveConfig();
	auto p = KakoiSpawn({"run", "--detach", "--bundle", bundle_, id});
	Result r = p->Wait();
	EXPECT_EQ(r.exit_code, 0) << r;
	if (r.exit_code == 0) {
		EXPECT_TRUE(p->WaitForOutput("sleeping")) << "the probe never started: " << r;
	}
	return p;
}

std::unique_ptr<Process> IntegrationTest::SpawnForegroundSleeper()
{
	config_->SetArgs({"/probe", "sleep", "100"});
	SaveConfig();
	auto p = KakoiSpawn({"run", "--bundle", bundle_, id_});
	auto sleeping = [&] { return p->Out().find("sleeping") != std::string::npos; };
	WaitUntil([&] { return sleeping() || !p->Running(); }, Patience());
	EXPECT_TRUE(sleeping()) << "the probe never started: " << p->Wait(0);
	return p;
}

IntegrationTest::State IntegrationTest::GetState(const std::string &id)
{
	State s;
	s.result = Kakoi({"state", id});
	Json doc = ParseJson(s.result.out);
	if (s.result.exit_code != 0 || doc == nullptr)
		return s;
	s.status = JsonString(doc.get(), "status");
	s.id = JsonString(doc.get(), "id");
	s.bundle = JsonString(doc.get(), "bundle");
	s.oci_version = JsonString(doc.get(), "ociVersion");
	s.pid = static_cast<pid_t>(JsonInt(doc.get(), "pid", 0));
	return s;
}

bool IntegrationTest::WaitForStatus(const std::string &id, const std::string &status,
				    int timeout_ms)
{
	return WaitUntil([&] { return GetState(id).status == status; }, timeout_ms);
}

std::string IntegrationTest::ExtraId(const std::string &suffix)
{
	std::string id = id_.substr(0, 100) + "-" + suffix;
	TrackId(id);
	return id;
}

void IntegrationTest::TrackId(const std::string &id)
{
	ids_.push_back(id);
}

std::vector<uint32_t> DeviceProgramIds(const std::string &dir)
{
	int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	uint32_t ids[64];
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = static_cast<uint32_t>(fd);
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids);
	attr.query.prog_cnt = 64;
	long rc = syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof(attr));
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		ADD_FAILURE() << "BPF_PROG_QUERY " << dir << ": " << strerror(saved);
		return {};
	}
	return std::vector<uint32_t>(ids, ids + attr.query.prog_cnt);
}

} // namespace kk_it
