// The config's mounts: a read-only bind of a host directory, a sized tmpfs,
// and destinations that are symlinks out of the rootfs, which must never
// mount anything on the host.
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

using Mounts = IntegrationTest;

// Is path a mount point in the host's (our) mount namespace?
bool HostMountPoint(const std::string &path)
{
	std::stringstream ss(ReadFile("/proc/self/mountinfo"));
	std::string line;
	while (std::getline(ss, line)) {
		std::stringstream fields(line);
		std::string f;
		for (int i = 0; i < 5; i++)
			fields >> f;
		if (f == path)
			return true;
	}
	return false;
}

TEST_F(Mounts, ReadonlyBindOfAHostDirectory)
{
	std::string dir = HostTempDir("bind");
	ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
	WriteFile(dir + "/file", "hello");
	config_->AddMount("/mnt", "bind", dir, {"rbind", "ro"});
	Result r = RunContainer({"/bin/sh", "-c",
				 "/probe read /mnt/file; echo; /probe write /mnt/new; "
				 "/probe write /mnt/file changed"});
	EXPECT_EQ(r.out, "hello\nEROFS\nEROFS\n") << r;
	EXPECT_EQ(ReadFile(dir + "/file"), "hello");
	EXPECT_FALSE(Exists(dir + "/new"));
}

TEST_F(Mounts, ReadWriteBindReachesTheHost)
{
	std::string dir = HostTempDir("bind");
	ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
	config_->AddMount("/mnt", "bind", dir, {"rbind", "rw"});
	Result r = RunContainer({"/probe", "write", "/mnt/new", "from inside"});
	EXPECT_EQ(r.out, "ok\n") << r;
	EXPECT_EQ(ReadFile(dir + "/new"), "from inside");
}

TEST_F(Mounts, TmpfsWithSizeAndOptions)
{
	config_->AddMount("/mnt", "tmpfs", "tmpfs", {"size=1m", "nodev", "noexec"});
	Result r = RunContainer({"/bin/sh", "-c",
				 "grep ' /mnt ' /proc/self/mountinfo; "
				 "/probe write /mnt/f x; /probe write /x; true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	std::stringstream ss(r.out);
	std::string mountinfo, write_tmpfs, write_root;
	std::getline(ss, mountinfo);
	std::getline(ss, write_tmpfs);
	std::getline(ss, write_root);
	EXPECT_NE(mountinfo.find(" - tmpfs "), std::string::npos) << r;
	EXPECT_NE(mountinfo.find("size=1024k"), std::string::npos) << r;
	EXPECT_NE(mountinfo.find("nodev"), std::string::npos) << r;
	EXPECT_NE(mountinfo.find("noexec"), std::string::npos) << r;
	EXPECT_EQ(write_tmpfs, "ok") << r;
	EXPECT_EQ(write_root, "EROFS") << r; // the rest of the root stays read-only
}

TEST_F(Mounts, SymlinkDestinationNeverMountsOnTheHost)
{
	std::string target = HostTempDir("target");
	ASSERT_EQ(symlink(target.c_str(), (rootfs_ + "/evil").c_str()), 0);
	ASSERT_EQ(symlink(("../../../../../../../../.." + target).c_str(),
			  (rootfs_ + "/evil2").c_str()),
		  0);
	config_->AddMount("/evil", "tmpfs", "tmpfs", {"size=1m"});
	config_->AddMount("/evil2", "tmpfs", "tmpfs", {"size=1m"});
	config_->SetArgs({"/bin/sh", "-c",
			  "/probe write /evil/a inside; /probe write /evil2/b inside; "
			  "exec /probe sleep 100"});
	SaveConfig();

	// Refusing the config is fine; mounting outside the rootfs is not.
	auto run = KakoiSpawn({"run", "--detach", "--bundle", bundle_, id_});
	Result r = run->Wait();
	if (r.exit_code == 0) {
		EXPECT_TRUE(run->WaitForOutput("sleeping")) << run->Out();
		EXPECT_EQ(run->Out(), "ok\nok\nsleeping\n");
	}
	EXPECT_FALSE(HostMountPoint(target)) << "mounted on the host's " << target;
	EXPECT_FALSE(Exists(target + "/a"));
	EXPECT_FALSE(Exists(target + "/b"));
	Kakoi({"delete", "--force", id_});
	EXPECT_FALSE(Exists(target + "/a"));
	EXPECT_FALSE(HostMountPoint(target));
}

} // namespace
} // namespace kk_it
