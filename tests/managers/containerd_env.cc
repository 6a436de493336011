// The containerd fixture: temp dir, config.toml, the daemon, the OCI image
// archive, the ctr runner and the end-of-suite cleanup and leftover check.
#include "tests/managers/containerd_env.h"
#include "tests/parser/fixture.h"
#include "tests/scope/scope.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

namespace kk_mgr
{

using kk_it::Exists;
using kk_it::ReadFile;
using kk_it::Result;
using kk_it::RunCommand;
using kk_it::RunOptions;
using kk_it::WaitUntil;
using kk_it::WriteFile;

std::string ContainerdTest::temp_, ContainerdTest::ns_, ContainerdTest::socket_,
	ContainerdTest::kakoi_, ContainerdTest::image_, ContainerdTest::marker_;

static const char kCtr[] = "/usr/bin/ctr";
static const char kContainerd[] = "/usr/bin/containerd";
static const char kShimRoot[] = "/run/containerd/runc/";
static const char kShimSockets[] = "/run/containerd/s";
static const char kCgroupRoot[] = "/sys/fs/cgroup";

static std::unique_ptr<kk_it::Process> daemon;
// Every container name the suite used: its shim's socket is named after it.
static std::set<std::string> all_names;

static std::vector<std::string> ListDir(const std::string &path)
{
	std::vector<std::string> names;
	DIR *d = opendir(path.c_str());
	for (struct dirent *e; d != nullptr && (e = readdir(d)) != nullptr;)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names.push_back(e->d_name);
	if (d != nullptr)
		closedir(d);
	std::sort(names.begin(), names.end());
	return names;
}

static RunOptions Within(int timeout_ms)
{
	RunOptions opts;
	opts.timeout_ms = timeout_ms;
	return opts;
}

static std::string Listing(const std::vector<std::string> &items)
{
	std::string list;
	for (const auto &i : items)
		list += "  " + i + "\n";
	return list;
}

static std::string Sh(const std::string &script)
{
	Result r = RunCommand("/bin/sh", {"-c", script}, Within(60000));
	return r.exit_code == 0 ? "" : "`" + script + "` failed: " + r.err;
}

// ---- the image --------------------------------------------------------

static std::string Sha256(const std::string &data)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
	static const char hex[] = "0123456789abcdef";
	std::string out;
	for (unsigned int i = 0; i < len; i++)
		out += std::string{hex[md[i] >> 4], hex[md[i] & 15]};
	return out;
}

// Stores data as a blob of the layout; returns its descriptor's JSON.
static std::string AddBlob(const std::string &layout, const std::string &media_type,
			   const std::string &data, const std::string &extra = "")
{
	std::string digest = Sha256(data);
	WriteFile(layout + "/blobs/sha256/" + digest, data);
	return "{\"mediaType\":\"" + media_type + "\",\"digest\":\"sha256:" + digest +
	       "\",\"size\":" + std::to_string(data.size()) + extra + "}";
}

// An OCI image layout (one gzip layer of the busybox + /probe rootfs),
// tarred into dir/image.tar, tag "latest".
static std::string BuildImageArchive(const std::string &dir, std::string *why)
{
	std::string rootfs = dir + "/image-rootfs", layout = dir + "/layout";
	if (!kk_it::BuildRootfs(rootfs, why))
		return "";
	*why = Sh("mkdir -p " + layout + "/blobs/sha256 && tar -C " + rootfs +
		  " --numeric-owner -cf " + dir + "/layer.tar . && gzip -n " + dir + "/layer.tar");
	if (!why->empty())
		return "";
	std::string layer = ReadFile(dir + "/layer.tar.gz");
	std::string diff_id =
		Sha256(RunCommand("/bin/gzip", {"-dc", dir + "/layer.tar.gz"}, Within(60000)).out);
	std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":"
			     "[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":[\"/bin/sh\"]},"
			     "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" +
			     diff_id + "\"]}}";
	std::string manifest =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"config\":" +
		AddBlob(layout, "application/vnd.oci.image.config.v1+json", config) +
		",\"layers\":[" +
		AddBlob(layout, "application/vnd.oci.image.layer.v1.tar+gzip", layer) + "]}";
	std::string index =
		"{\"schemaVersion\":2,\"manifests\":[" +
		AddBlob(layout, "application/vnd.oci.image.manifest.v1+json", manifest,
			",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
			"\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}") +
		"]}";
	WriteFile(layout + "/index.json", index);
	WriteFile(layout + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
	*why = Sh("tar -C " + layout + " -cf " + dir + "/image.tar .");
	kk_it::RemoveTree(rootfs);
	kk_it::RemoveTree(layout);
	return why->empty() ? dir + "/image.tar" : "";
}

// ---- the daemon -------------------------------------------------------

// Everything of the daemon under temp_ (the CRI plugin's CNI dirs too); the
// restart monitor checks every second so the restart-policy test stays
// short; the opt plugin would otherwise create /opt/containerd; the runc
// runtime every generated config.toml has (without it the CRI plugin
// refuses a config that names other runtimes). Then docs/managers.md's
// snippet (docs/examples/managers/containerd-config.toml) as an operator
// adds it, with the suite's copy of kakoi for /usr/sbin/kakoi: the CRI
// plugin's runtime "kakoi" (CriStatus).
static void WriteConfig()
{
	const std::string &temp_ = ContainerdTest::temp_, &socket_ = ContainerdTest::socket_;
	std::string snippet =
		ReadFile(RunfilePath("docs/examples/managers/containerd-config.toml"));
	size_t binary = snippet.find("\"/usr/sbin/kakoi\"");
	ASSERT_NE(binary, std::string::npos) << snippet;
	snippet.replace(binary, strlen("\"/usr/sbin/kakoi\""),
			"\"" + ContainerdTest::kakoi_ + "\"");
	WriteFile(temp_ + "/config.toml",
		  "version = 2\n"
		  "root = \"" +
			  temp_ +
			  "/root\"\n"
			  "state = \"" +
			  temp_ +
			  "/state\"\n"
			  "[grpc]\n  address = \"" +
			  socket_ +
			  "\"\n"
			  "[ttrpc]\n  address = \"" +
			  socket_ +
			  ".ttrpc\"\n"
			  "[debug]\n  level = \"info\"\n"
			  "[plugins]\n"
			  "  [plugins.\"io.containerd.internal.v1.opt\"]\n"
			  "    path = \"" +
			  temp_ +
			  "/opt\"\n"
			  "  [plugins.\"io.containerd.internal.v1.restart\"]\n"
			  "    interval = \"1s\"\n"
			  "  [plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
			  "    conf_dir = \"" +
			  temp_ +
			  "/cni/net.d\"\n"
			  "    bin_dir = \"" +
			  temp_ +
			  "/cni/bin\"\n"
			  "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
			  "    runtime_type = \"io.containerd.runc.v2\"\n\n" +
			  snippet);
}

bool ContainerdTest::StartDaemon()
{
	// A caller's leaked fd: the daemon hands it on to the shims it starts.
	int leak = open((temp_ + "/config.toml").c_str(), O_RDONLY | O_CLOEXEC);
	RunOptions opts;
	opts.fds[7] = leak;
	daemon = kk_it::Spawn(kContainerd, {"--config", temp_ + "/config.toml"}, opts);
	close(leak);
	bool up = WaitUntil(
		[] {
			return daemon->Running() &&
			       RunCommand(kCtr, {"-a", socket_, "version"}, Within(5000))
					       .exit_code == 0;
		},
		20000);
	EXPECT_TRUE(up) << "containerd did not come up:\n" << daemon->Err();
	return up;
}

bool ContainerdTest::StopDaemon()
{
	if (daemon == nullptr)
		return true;
	daemon->Signal(SIGTERM);
	Result r = daemon->Wait(20000);
	EXPECT_FALSE(r.timed_out) << "containerd ignored SIGTERM";
	daemon.reset();
	return !r.timed_out;
}

void ContainerdTest::SetUpTestSuite()
{
	char tmpl[] = "/tmp/kakoi-ctr-XXXXXX";
	ASSERT_NE(mkdtemp(tmpl), nullptr) << strerror(errno);
	temp_ = tmpl;
	ns_ = kk_scope::RunName(); // also the cgroup parent: /<ns>/<name>
	marker_ = "KAKOI_MGR_TEST=" + ns_;
	ASSERT_EQ(chmod(temp_.c_str(), 0755), 0);
	socket_ = temp_ + "/c.sock";
	kakoi_ = temp_ + "/kakoi";
	image_ = "localhost/kakoi-test:latest";
	ASSERT_EQ(Sh("cp " + kk_it::KakoiBinary() + " " + kakoi_ + " && chmod 0755 " + kakoi_ +
		     " && mkdir -p " + temp_ + "/fifo"),
		  "");
	WriteConfig();
	ASSERT_TRUE(StartDaemon());
	std::string why, archive = BuildImageArchive(temp_, &why);
	ASSERT_TRUE(kk_it::BuildRootfs(TempPath("spec-rootfs"), &why)) << why;
	ASSERT_NE(archive, "") << why;
	Result r = Ctr({"image", "import", "--base-name", "localhost/kakoi-test", archive},
		       Within(60000));
	ASSERT_EQ(r.exit_code, 0) << r;
	unlink(archive.c_str());
}

// Graceful first (through ctr), then the check, then by force.
void ContainerdTest::TearDownTestSuite()
{
	// Without them every process, mount and cgroup would match below.
	if (temp_.empty() || ns_.empty() || marker_.empty())
		return;
	if (daemon != nullptr) {
		for (const auto &line : Lines(Ctr({"task", "ls", "-q"}).out))
			Remove(line);
		for (const auto &line : Lines(Ctr({"container", "ls", "-q"}).out))
			Remove(line);
		Ctr({"image", "rm", image_});
		Ctr({"namespace", "rm", ns_});
		StopDaemon();
	}
	std::vector<std::string> left;
	WaitUntil([&] { return (left = ContainerdLeftovers(true)).empty(); }, 5000);
	EXPECT_TRUE(left.empty()) << "the containerd suite left behind:\n" << Listing(left);
	ForceCleanUp();
	left = ContainerdLeftovers(false);
	EXPECT_TRUE(left.empty()) << "cannot clean up:\n" << Listing(left);
	kk_it::RemoveTree(temp_);
	EXPECT_FALSE(Exists(temp_)) << "cannot remove " << temp_;
}

// ---- leftovers --------------------------------------------------------

// Host pids whose command line names the suite's temp dir (containerd, the
// shims) or whose environment holds the marker (the containers).
static std::vector<pid_t> SuiteProcesses()
{
	std::vector<pid_t> pids;
	for (const auto &name : ListDir("/proc")) {
		pid_t pid = static_cast<pid_t>(atoi(name.c_str()));
		if (pid <= 0 || pid == getpid())
			continue;
		std::string cmdline = ReadFile("/proc/" + name + "/cmdline");
		std::string env = ReadFile("/proc/" + name + "/environ");
		if (cmdline.find(ContainerdTest::temp_) != std::string::npos ||
		    env.find(ContainerdTest::marker_ + '\0') != std::string::npos)
			pids.push_back(pid);
	}
	return pids;
}

static std::vector<std::string> SuiteMounts()
{
	std::vector<std::string> mounts;
	for (const auto &line : Lines(ReadFile("/proc/self/mountinfo"))) {
		std::stringstream ss(line);
		std::string point;
		for (int i = 0; i < 5; i++)
			ss >> point;
		if (point.rfind(ContainerdTest::temp_, 0) == 0 ||
		    point.find(ContainerdTest::ns_) != std::string::npos)
			mounts.push_back(point);
	}
	return mounts;
}

// The namespace's cgroup in each hierarchy (its parent, left in place by
// the runtime as runc does) and the containers' cgroups under it.
static std::vector<std::string> SuiteCgroups(bool containers_only)
{
	std::vector<std::string> dirs;
	for (const auto &h : ListDir(kCgroupRoot)) {
		std::string dir = std::string(kCgroupRoot) + "/" + h + "/" + ContainerdTest::ns_;
		if (!Exists(dir))
			continue;
		if (!containers_only)
			dirs.push_back(dir);
		for (const auto &name : ListDir(dir)) {
			struct stat st;
			std::string sub = dir + "/" + name;
			if (stat(sub.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
				dirs.push_back(sub);
		}
	}
	return dirs;
}

std::vector<std::string> ContainerdLeftovers(bool containers_only)
{
	std::vector<std::string> left;
	for (pid_t pid : SuiteProcesses())
		left.push_back("process " + std::to_string(pid) + ": " +
			       ReadFile("/proc/" + std::to_string(pid) + "/cmdline"));
	for (const auto &m : SuiteMounts())
		left.push_back("mount " + m);
	for (const auto &c : SuiteCgroups(containers_only))
		left.push_back("cgroup " + c);
	std::string root = kShimRoot + ContainerdTest::ns_;
	if (!containers_only && Exists(root))
		left.push_back("runtime root " + root);
	// A dot entry is kakoi's own cache (.seccomp), never a container's.
	for (const auto &id : ListDir(root))
		if (id[0] != '.')
			left.push_back("container state " + root + "/" + id);
	for (const auto &s : ShimSockets())
		left.push_back("shim socket " + s);
	return left;
}

// The shim sockets of the suite's containers that exist. containerd 1.6
// names a shim's socket /run/containerd/s/<hex sha256 of
// "<daemon address>/<namespace>/<container id>">, in a directory every
// containerd on the host shares: only these are the suite's to check and
// remove.
std::vector<std::string> ShimSockets()
{
	std::vector<std::string> out;
	for (const auto &name : all_names) {
		std::string path =
			std::string(kShimSockets) + "/" +
			Sha256(ContainerdTest::socket_ + "/" + ContainerdTest::ns_ + "/" + name);
		struct stat st;
		if (lstat(path.c_str(), &st) == 0)
			out.push_back(path);
	}
	return out;
}

// Kills the processes in dir and below, then removes the cgroups bottom up.
static void RemoveCgroupTree(const std::string &dir)
{
	for (const auto &name : ListDir(dir)) {
		struct stat st;
		std::string sub = dir + "/" + name;
		if (stat(sub.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
			RemoveCgroupTree(sub);
	}
	std::stringstream procs(ReadFile(dir + "/cgroup.procs"));
	for (pid_t pid; procs >> pid;)
		kill(pid, SIGKILL);
	WaitUntil([&] { return rmdir(dir.c_str()) == 0 || errno == ENOENT; }, 2000);
}

void ContainerdTest::ForceCleanUp()
{
	// A frozen process would hold its SIGKILL (cgroup v1 freezer).
	for (const auto &c : SuiteCgroups(true))
		if (c.rfind(std::string(kCgroupRoot) + "/freezer/", 0) == 0)
			WriteFile(c + "/freezer.state", "THAWED");
	for (pid_t pid : SuiteProcesses())
		kill(pid, SIGKILL);
	std::vector<std::string> mounts = SuiteMounts();
	std::reverse(mounts.begin(), mounts.end());
	for (const auto &m : mounts)
		umount2(m.c_str(), MNT_DETACH);
	for (const auto &c : SuiteCgroups(false))
		RemoveCgroupTree(c);
	kk_it::RemoveTree(kShimRoot + ns_);
	for (const auto &s : ShimSockets())
		unlink(s.c_str());
}

// ---- runners ----------------------------------------------------------

Result ContainerdTest::Ctr(const std::vector<std::string> &args, RunOptions opts)
{
	return CtrSpawn(args, opts)->Wait(opts.timeout_ms);
}

std::unique_ptr<kk_it::Process> ContainerdTest::CtrSpawn(const std::vector<std::string> &args,
							 RunOptions opts)
{
	if (opts.timeout_ms < 0)
		opts.timeout_ms = kCtrTimeoutMs;
	std::vector<std::string> full{"-a", socket_, "-n", ns_};
	full.insert(full.end(), args.begin(), args.end());
	return kk_it::Spawn(kCtr, full, opts);
}

std::vector<std::string> ContainerdTest::RunArgs(const std::vector<std::string> &flags)
{
	std::vector<std::string> args{"run",	       "--runc-binary", kakoi_, "--fifo-dir",
				      temp_ + "/fifo", "--env",		marker_};
	args.insert(args.end(), flags.begin(), flags.end());
	return args;
}

std::vector<std::string> ContainerdTest::RunArgsFor(const std::string &name,
						    const std::vector<std::string> &flags,
						    const std::vector<std::string> &cmd)
{
	std::vector<std::string> args = RunArgs(flags);
	args.push_back(image_);
	args.push_back(name);
	args.insert(args.end(), cmd.begin(), cmd.end());
	return args;
}

std::vector<std::string> ContainerdTest::CtrArgv(const std::vector<std::string> &args)
{
	std::vector<std::string> argv{kCtr, "-a", socket_, "-n", ns_};
	argv.insert(argv.end(), args.begin(), args.end());
	return argv;
}

std::vector<std::string> ContainerdTest::RunSpecArgs(const std::string &name,
						     const std::string &spec,
						     const std::vector<std::string> &flags)
{
	std::vector<std::string> args = RunArgs(flags);
	args.push_back("--config");
	args.push_back(spec);
	args.push_back(name);
	return args;
}

Result ContainerdTest::Run(const std::string &name, const std::vector<std::string> &flags,
			   const std::vector<std::string> &cmd, RunOptions opts)
{
	std::vector<std::string> with_rm{"--rm"};
	with_rm.insert(with_rm.end(), flags.begin(), flags.end());
	return Ctr(RunArgsFor(name, with_rm, cmd), opts);
}

bool ContainerdTest::RunDetached(const std::string &name, const std::vector<std::string> &flags,
				 const std::vector<std::string> &cmd)
{
	std::vector<std::string> detached{"-d"};
	detached.insert(detached.end(), flags.begin(), flags.end());
	Result r = Ctr(RunArgsFor(name, detached, cmd));
	EXPECT_EQ(r.exit_code, 0) << r;
	return r.exit_code == 0 && WaitForTaskStatus(name, "RUNNING");
}

Result ContainerdTest::Exec(const std::string &name, const std::vector<std::string> &flags,
			    const std::vector<std::string> &cmd, RunOptions opts)
{
	static int n;
	std::vector<std::string> args{"task",	       "exec",	    "--fifo-dir",
				      temp_ + "/fifo", "--exec-id", "exec" + std::to_string(++n)};
	args.insert(args.end(), flags.begin(), flags.end());
	args.push_back(name);
	args.insert(args.end(), cmd.begin(), cmd.end());
	return Ctr(args, opts);
}

// `ctr task ls`: "TASK PID STATUS" rows.
static std::vector<std::string> TaskRow(const std::string &name)
{
	for (const auto &line : Lines(ContainerdTest::Ctr({"task", "ls"}).out)) {
		std::stringstream ss(line);
		std::vector<std::string> fields;
		for (std::string f; ss >> f;)
			fields.push_back(f);
		if (fields.size() == 3 && fields[0] == name)
			return fields;
	}
	return {};
}

std::string ContainerdTest::TaskStatus(const std::string &name)
{
	std::vector<std::string> row = TaskRow(name);
	return row.empty() ? "" : row[2];
}

pid_t ContainerdTest::TaskPid(const std::string &name)
{
	std::vector<std::string> row = TaskRow(name);
	return row.empty() ? 0 : static_cast<pid_t>(atoi(row[1].c_str()));
}

bool ContainerdTest::WaitForTaskStatus(const std::string &name, const std::string &status,
				       int timeout_ms)
{
	return WaitUntil([&] { return TaskStatus(name) == status; }, timeout_ms);
}

// ---- gRPC by hand -------------------------------------------------------

static std::string Varint(size_t n)
{
	std::string out;
	for (; n >= 0x80; n >>= 7)
		out += static_cast<char>((n & 0x7f) | 0x80);
	return out + static_cast<char>(n);
}

// A length-delimited protobuf field.
static std::string Field(int number, const std::string &bytes)
{
	return static_cast<char>(number << 3 | 2) + Varint(bytes.size()) + bytes;
}

// A unary gRPC call with curl (HTTP/2 on the daemon's socket): msg framed,
// the response headers and trailers in out, the response message in *body.
static Result Grpc(const std::string &method, const std::string &msg, std::string *body)
{
	std::string frame(1, '\0');
	for (int shift = 24; shift >= 0; shift -= 8)
		frame += static_cast<char>((msg.size() >> shift) & 0xff);
	std::string request = ContainerdTest::TempPath("grpc-request.bin");
	std::string response = ContainerdTest::TempPath("grpc-response.bin");
	WriteFile(request, frame + msg);
	Result r = RunCommand(
		"/usr/bin/curl",
		{"-sS", "--http2-prior-knowledge", "--unix-socket", ContainerdTest::socket_, "-X",
		 "POST", "-H", "content-type: application/grpc", "-H", "te: trailers", "-H",
		 "containerd-namespace: " + ContainerdTest::ns_, "--data-binary", "@" + request,
		 "-D", "-", "-o", response, "http://localhost/" + method},
		Within(kCtrTimeoutMs));
	if (body != nullptr)
		*body = ReadFile(response);
	unlink(request.c_str());
	unlink(response.c_str());
	return r;
}

Result ContainerdTest::UpdateResources(const std::string &name, const std::string &resources_json)
{
	// containerd.services.tasks.v1.UpdateTaskRequest{container_id = 1,
	// resources = 2 (a google.protobuf.Any: type_url = 1, value = 2)};
	// containerd's typeurl registry encodes OCI types as JSON.
	std::string any =
		Field(1, "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources") +
		Field(2, resources_json);
	return Grpc("containerd.services.tasks.v1.Tasks/Update", Field(1, name) + Field(2, any),
		    nullptr);
}

Result ContainerdTest::CriStatus(std::string *body)
{
	// runtime.v1.StatusRequest{verbose = 1 (bool)}: the reply's info
	// carries the CRI plugin's whole config as JSON.
	return Grpc("runtime.v1.RuntimeService/Status", std::string("\x08\x01", 2), body);
}

void ContainerdTest::Remove(const std::string &name)
{
	// The restart monitor would start it again.
	Ctr({"container", "label", name, "containerd.io/restart.status="});
	std::string status = TaskStatus(name);
	if (status == "PAUSED")
		Ctr({"task", "resume", name});
	if (status != "" && status != "STOPPED") {
		Ctr({"task", "kill", "-a", "-s", "SIGKILL", name});
		WaitUntil([&] { return TaskStatus(name) == "STOPPED"; }, 10000);
	}
	if (status != "")
		Ctr({"task", "delete", name});
	Ctr({"container", "delete", name});
}

Result ContainerdTest::Kakoi(const std::vector<std::string> &args)
{
	std::vector<std::string> full{"--root", kShimRoot + ns_};
	full.insert(full.end(), args.begin(), args.end());
	return RunCommand(kakoi_, full);
}

std::string ContainerdTest::KakoiStatus(const std::string &name)
{
	Result r = Kakoi({"state", name});
	kk_it::Json doc = kk_it::ParseJson(r.out);
	return r.exit_code == 0 && doc != nullptr ? kk_it::JsonString(doc.get(), "status") : "";
}

std::string ContainerdTest::CgroupDir(const std::string &controller, const std::string &name)
{
	return std::string(kCgroupRoot) + "/" + controller + "/" + ns_ + "/" + name;
}

std::string ContainerdTest::TempPath(const std::string &name)
{
	return temp_ + "/" + name;
}

// ---- per test ---------------------------------------------------------

void ContainerdTest::SetUp()
{
	ASSERT_NE(daemon, nullptr) << "containerd is not running";
}

void ContainerdTest::TearDown()
{
	for (const auto &name : names_)
		Remove(name);
}

std::string ContainerdTest::Name(const std::string &suffix)
{
	const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
	std::string name;
	for (char c : std::string(info->name()) + (suffix.empty() ? "" : "-" + suffix))
		name += std::isalnum(static_cast<unsigned char>(c))
				? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
				: '-';
	names_.push_back(name);
	all_names.insert(name);
	return name;
}

std::string ContainerdTest::WriteSpec(const std::string &name, const std::vector<std::string> &args,
				      const std::function<void(kk_it::Config &)> &edit)
{
	std::string path = TempPath(name + ".json");
	WriteFile(path, RunCommand(kCtr, {"oci", "spec"}).out);
	std::unique_ptr<kk_it::Config> spec = kk_it::Config::Load(path);
	EXPECT_NE(spec, nullptr) << "`ctr oci spec` printed no JSON";
	if (spec == nullptr)
		return path;
	spec->Set("root", "{\"path\":" + kk_it::Quote(TempPath("spec-rootfs")) + "}");
	spec->SetArgs(args);
	spec->Set("process.env", "[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]");
	spec->AddEnv(marker_);
	spec->SetCgroupsPath("/" + ns_ + "/" + name);
	edit(*spec);
	EXPECT_TRUE(spec->Save(path));
	return path;
}

} // namespace kk_mgr
