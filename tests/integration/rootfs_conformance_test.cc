// Configs that runc and crun run and kakoi used to refuse (issue 11, items
// 5, 8, 9 and 10), each in a real container, checked from inside and, where
// a path could lead out of the rootfs, on the host afterwards:
// - linux.rootfsPropagation with runc's r* forms (MS_REC), read back from
//   /proc/self/mountinfo inside;
// - linux.devices outside /dev, made inside the rootfs even through links;
// - mount destinations that are dangling links, resolved inside the rootfs;
// - bind sources the container's mapped root cannot reach (opened by the
//   runtime as host root).
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <sstream>

#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{
namespace
{

using RootfsConformance = IntegrationTest;

// Prints "<mount point> <optional fields>" for every mount, as the
// container sees it (the last line of a stacked mount point wins below).
const char kMountFields[] =
	"awk '{o=\"\"; for (i = 7; $i != \"-\"; i++) o = o \" \" $i; print $5 o}' "
	"/proc/self/mountinfo";

std::map<std::string, std::string> MountFields(const std::string &out)
{
	std::map<std::string, std::string> fields;
	std::stringstream ss(out);
	std::string line;
	while (std::getline(ss, line)) {
		size_t sp = line.find(' ');
		fields[line.substr(0, sp)] = sp == std::string::npos ? "" : line.substr(sp);
	}
	return fields;
}

bool Has(const std::string &fields, const std::string &what)
{
	return fields.find(" " + what) != std::string::npos;
}

using kk_scope::IsMountPoint;

// A name at the host's root that no one has: the tests only check that it
// never appears.
std::string Unused(const std::string &what)
{
	std::string path = "/kakoi-it-" + what + "-" + std::to_string(getpid());
	EXPECT_FALSE(Exists(path)) << path;
	return path;
}

class Propagation : public RootfsConformance
{
      protected:
	// Runs the container with rootfsPropagation set to value and a bind of
	// a host directory on /mnt that the mount itself makes shared, and
	// returns each mount point's optional fields.
	std::map<std::string, std::string> Fields(const std::string &value)
	{
		std::string dir = HostTempDir("prop");
		EXPECT_EQ(chmod(dir.c_str(), 0755), 0);
		config_->Set("linux.rootfsPropagation", Quote(value));
		config_->AddMount("/mnt", "bind", dir, {"rbind", "rshared"});
		Result r = RunContainer({"/bin/sh", "-c", kMountFields});
		EXPECT_EQ(r.exit_code, 0) << value << ": " << r;
		auto fields = MountFields(r.out);
		EXPECT_EQ(fields.count("/"), 1u) << r;
		EXPECT_EQ(fields.count("/proc"), 1u) << r;
		EXPECT_EQ(fields.count("/mnt"), 1u) << r;
		return fields;
	}
};

TEST_F(Propagation, RprivateLeavesNothingShared)
{
	for (const auto &m : Fields("rprivate")) {
		EXPECT_FALSE(Has(m.second, "shared:")) << m.first << m.second;
		EXPECT_FALSE(Has(m.second, "master:")) << m.first << m.second;
	}
}

// MS_SLAVE | MS_REC: the /mnt the mount made shared is shared no more (a
// slave of its master where the host's mount was shared, else private), and
// nothing in the container shares with anything.
TEST_F(Propagation, RslaveMakesEveryMountASlave)
{
	for (const auto &m : Fields("rslave"))
		EXPECT_FALSE(Has(m.second, "shared:")) << m.first << m.second;
}

TEST_F(Propagation, SlaveIsNotRecursive)
{
	auto fields = Fields("slave");
	EXPECT_FALSE(Has(fields["/"], "shared:")) << fields["/"];
	EXPECT_TRUE(Has(fields["/mnt"], "shared:")) << fields["/mnt"];
}

TEST_F(Propagation, RsharedSharesEveryMount)
{
	auto fields = Fields("rshared");
	EXPECT_TRUE(Has(fields["/"], "shared:")) << fields["/"];
	EXPECT_TRUE(Has(fields["/proc"], "shared:")) << fields["/proc"];
	EXPECT_TRUE(Has(fields["/mnt"], "shared:")) << fields["/mnt"];
}

TEST_F(Propagation, SharedIsNotRecursive)
{
	auto fields = Fields("shared");
	EXPECT_TRUE(Has(fields["/"], "shared:")) << fields["/"];
	EXPECT_FALSE(Has(fields["/proc"], "shared:")) << fields["/proc"];
}

TEST_F(Propagation, RunbindableMakesEveryMountUnbindable)
{
	auto fields = Fields("runbindable");
	EXPECT_TRUE(Has(fields["/"], "unbindable")) << fields["/"];
	EXPECT_TRUE(Has(fields["/proc"], "unbindable")) << fields["/proc"];
	EXPECT_TRUE(Has(fields["/mnt"], "unbindable")) << fields["/mnt"];
}

TEST_F(Propagation, UnbindableIsNotRecursive)
{
	auto fields = Fields("unbindable");
	EXPECT_TRUE(Has(fields["/"], "unbindable")) << fields["/"];
	EXPECT_FALSE(Has(fields["/proc"], "unbindable")) << fields["/proc"];
}

void AddDevice(Config *config, const std::string &path, int major, int minor)
{
	config->Append("linux.devices", "{\"path\":" + Quote(path) + ",\"type\":\"c\",\"major\":" +
						std::to_string(major) +
						",\"minor\":" + std::to_string(minor) +
						",\"fileMode\":438,\"uid\":0,\"gid\":0}");
}

// config-linux.md: a device "MAY be anywhere in the container filesystem".
TEST_F(RootfsConformance, DevicesOutsideDev)
{
	AddDevice(config_.get(), "/mydevs/null", 1, 3);
	AddDevice(config_.get(), "/opt/x/zero", 1, 5);
	Result r = RunContainer({"/bin/sh", "-c",
				 "/probe stat /mydevs/null; /probe stat /opt/x/zero; "
				 "echo hi > /mydevs/null && echo written; "
				 "head -c 4 /opt/x/zero | od -An -tx1"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "chr 1:3\nchr 1:5\nwritten\n 00 00 00 00\n") << r;
	// Made inside the rootfs, where the spec's path says.
	struct stat st;
	ASSERT_EQ(lstat((rootfs_ + "/mydevs/null").c_str(), &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(lstat((rootfs_ + "/opt/x/zero").c_str(), &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// Links out of the rootfs (absolute, ../ escapes, a dangling last
// component) resolve inside it: nothing is made on the host.
TEST_F(RootfsConformance, DevicesThroughLinksOutOfTheRootfsStayInside)
{
	std::string host = HostTempDir("devhost");
	std::string gone = Unused("devgone");
	ASSERT_EQ(symlink(host.c_str(), (rootfs_ + "/abs").c_str()), 0);
	ASSERT_EQ(symlink(("../../../../../../../.." + host).c_str(), (rootfs_ + "/rel").c_str()),
		  0);
	ASSERT_EQ(symlink((gone + "/null").c_str(), (rootfs_ + "/last").c_str()), 0);
	AddDevice(config_.get(), "/abs/null", 1, 3);
	AddDevice(config_.get(), "/rel/zero", 1, 5);
	AddDevice(config_.get(), "/last", 1, 3);
	Result r = RunContainer({"/bin/sh", "-c",
				 "/probe stat /abs/null; /probe stat /rel/zero; "
				 "/probe stat " +
					 gone + "/null; /probe stat /last"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "chr 1:3\nchr 1:5\nchr 1:3\nlnk\n") << r;
	EXPECT_FALSE(Exists(host + "/null"));
	EXPECT_FALSE(Exists(host + "/zero"));
	EXPECT_FALSE(Exists(gone));
	EXPECT_TRUE(Exists(rootfs_ + host + "/null"));
	EXPECT_TRUE(Exists(rootfs_ + gone + "/null"));
}

// A destination that is a dangling link: the mount lands at the link's
// target inside the rootfs (created), absolute targets from the rootfs,
// ../ escapes clamped at its root; nothing appears on the host.
TEST_F(RootfsConformance, DanglingSymlinkDestinationsMountInsideTheRootfs)
{
	std::string abs = Unused("dangling");
	std::string rel = Unused("escape");
	std::string file = Unused("file");
	std::string src = HostTempDir("src");
	ASSERT_EQ(chmod(src.c_str(), 0755), 0);
	WriteFile(src + "/app.conf", "conf\n");
	ASSERT_EQ(chmod((src + "/app.conf").c_str(), 0644), 0);
	ASSERT_EQ(symlink((abs + "/data").c_str(), (rootfs_ + "/data").c_str()), 0);
	ASSERT_EQ(symlink(("../../../../../../../.." + rel + "/x").c_str(),
			  (rootfs_ + "/mnt/esc").c_str()),
		  0);
	ASSERT_EQ(symlink((file + "/app.conf").c_str(), (rootfs_ + "/etc/app.conf").c_str()), 0);
	config_->AddMount("/data", "tmpfs", "tmpfs", {"size=1m"});
	config_->AddMount("/mnt/esc", "tmpfs", "tmpfs", {"size=1m"});
	config_->AddMount("/etc/app.conf", "bind", src + "/app.conf", {"bind", "ro"});
	config_->SetArgs({"/bin/sh", "-c",
			  std::string(kMountFields) + "; /probe write /data/a inside; " +
				  "/probe write /mnt/esc/b inside; cat /etc/app.conf; " +
				  "exec /probe sleep 100"});
	SaveConfig();
	auto run = KakoiSpawn({"run", "--detach", "--bundle", bundle_, id_});
	Result r = run->Wait();
	ASSERT_EQ(r.exit_code, 0) << r;
	ASSERT_TRUE(run->WaitForOutput("sleeping")) << run->Out();
	auto fields = MountFields(run->Out());
	EXPECT_EQ(fields.count(abs + "/data"), 1u) << run->Out();
	EXPECT_EQ(fields.count(rel + "/x"), 1u) << run->Out();
	EXPECT_EQ(fields.count(file + "/app.conf"), 1u) << run->Out();
	EXPECT_NE(run->Out().find("ok\nok\nconf\nsleeping\n"), std::string::npos) << run->Out();
	// The targets were made in the rootfs; the host has none of them.
	EXPECT_TRUE(Exists(rootfs_ + abs + "/data"));
	EXPECT_TRUE(Exists(rootfs_ + rel + "/x"));
	EXPECT_TRUE(Exists(rootfs_ + file + "/app.conf"));
	for (const auto &p : {abs, rel, file}) {
		EXPECT_FALSE(Exists(p)) << p;
		EXPECT_FALSE(IsMountPoint(p)) << p;
	}
	Kakoi({"delete", "--force", id_});
	ExpectNothingLeftBehind(id_);
	for (const auto &p : {abs, rel, file})
		EXPECT_FALSE(Exists(p)) << p;
}

// Bind sources under a directory only host root may enter (0700, owned by
// host root), in a container whose root is host uid 100000: the runtime
// opens them as host root, as runc and crun do, and they mount.
TEST_F(RootfsConformance, BindSourcesTheMappedRootCannotReachStillMount)
{
	std::string priv = HostTempDir("private");
	ASSERT_EQ(chmod(priv.c_str(), 0700), 0);
	ASSERT_EQ(mkdir((priv + "/shared").c_str(), 0755), 0);
	WriteFile(priv + "/shared/file", "dir bind\n");
	WriteFile(priv + "/single", "file bind\n");
	ASSERT_EQ(chmod((priv + "/shared/file").c_str(), 0644), 0);
	ASSERT_EQ(chmod((priv + "/single").c_str(), 0644), 0);
	// The rootfs is host root's: the mapped root could not make the
	// mount points, as with runc.
	ASSERT_EQ(mkdir((rootfs_ + "/mnt/shared").c_str(), 0755), 0);
	ASSERT_EQ(mkdir((rootfs_ + "/mnt/private").c_str(), 0755), 0);
	WriteFile(rootfs_ + "/etc/single", "");
	config_->AddNamespace("user");
	config_->Set("linux.uidMappings", "[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]");
	config_->Set("linux.gidMappings", "[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]");
	// A cgroup v1 hierarchy cannot be mounted from a user namespace.
	config_->RemoveMount("/sys/fs/cgroup");
	config_->AddMount("/mnt/shared", "bind", priv + "/shared", {"rbind", "ro"});
	config_->AddMount("/etc/single", "bind", priv + "/single", {"bind"});
	config_->AddMount("/mnt/private", "bind", priv, {"rbind"});
	Result r = RunContainer(
		{"/bin/sh", "-c",
		 "cat /mnt/shared/file /etc/single; /probe write /mnt/shared/x y; "
		 "/probe ls /mnt/private; grep -c ' /mnt/private ' /proc/self/mountinfo"});
	EXPECT_EQ(r.exit_code, 0) << r;
	// The 0700 directory itself is mounted, and still closed to the
	// container's root, as the host's permissions say.
	EXPECT_EQ(r.out, "dir bind\nfile bind\nEROFS\nEACCES\n1\n") << r;
	EXPECT_FALSE(Exists(priv + "/shared/x"));
}

} // namespace
} // namespace kk_it
