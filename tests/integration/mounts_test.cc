// The config's mounts: a read-only bind of a host directory, a sized tmpfs,
// destinations that are symlinks out of the rootfs, which must never mount
// anything on the host, and "tmpcopyup" (a tmpfs that starts with a copy of
// the directory it covers, links copied as links, the rootfs left alone).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "tests/integration/harness.h"
#include "tests/scope/scope.h"

namespace kk_it
{
namespace
{

using Mounts = IntegrationTest;

using kk_scope::IsMountPoint;

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

// "rro" (mount_setattr AT_RECURSIVE): the bind and the mount under it are
// read-only in the container, where "ro" leaves the submount writable; the
// host's own mounts stay writable.
TEST_F(Mounts, RecursiveReadOnlyReachesSubmountsAndNotTheHost)
{
	std::string dir = HostTempDir("rro");
	ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
	ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
	ASSERT_EQ(mount("kk-it-rro", (dir + "/sub").c_str(), "tmpfs", 0, "mode=0755"), 0);
	config_->AddMount("/rro", "bind", dir, {"rbind", "rro", "rnosuid"});
	config_->AddMount("/ro", "bind", dir, {"rbind", "ro"});
	Result r =
		RunContainer({"/bin/sh", "-c",
			      "/probe write /rro/a x; /probe write /rro/sub/a x; "
			      "/probe write /ro/sub/b x; grep ' /rro/sub ' /proc/self/mountinfo"});
	EXPECT_EQ(r.out.rfind("EROFS\nEROFS\nok\n", 0), 0u) << r;
	EXPECT_NE(r.out.find(" /rro/sub ro,nosuid"), std::string::npos) << r;
	WriteFile(dir + "/sub/host", "still writable");
	EXPECT_EQ(ReadFile(dir + "/sub/host"), "still writable");
	EXPECT_EQ(ReadFile(dir + "/sub/b"), "x");
	EXPECT_EQ(umount2((dir + "/sub").c_str(), MNT_DETACH), 0);
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
	EXPECT_FALSE(IsMountPoint(target)) << "mounted on the host's " << target;
	EXPECT_FALSE(Exists(target + "/a"));
	EXPECT_FALSE(Exists(target + "/b"));
	Kakoi({"delete", "--force", id_});
	EXPECT_FALSE(Exists(target + "/a"));
	EXPECT_FALSE(IsMountPoint(target));
}

// Makes a file in the rootfs with a mode and an owner.
void MakeFile(const std::string &path, const std::string &data, mode_t mode, uid_t uid = 0,
	      gid_t gid = 0)
{
	WriteFile(path, data);
	ASSERT_EQ(chown(path.c_str(), uid, gid), 0) << path;
	ASSERT_EQ(chmod(path.c_str(), mode), 0) << path;
}

void MakeDir(const std::string &path, mode_t mode, uid_t uid = 0, gid_t gid = 0)
{
	ASSERT_EQ(mkdir(path.c_str(), 0700), 0) << path;
	ASSERT_EQ(chown(path.c_str(), uid, gid), 0) << path;
	ASSERT_EQ(chmod(path.c_str(), mode), 0) << path;
}

TEST_F(Mounts, TmpcopyupCopiesTheCoveredTree)
{
	std::string etc = rootfs_ + "/etc";
	// The container's root has no CAP_DAC_OVERRIDE: the modes let it in as
	// "other" where it must read or write.
	MakeFile(etc + "/app.conf", "conf\n", 0646, 1000, 1000);
	MakeFile(etc + "/odd", "odd\n", 04705, 1000, 1000);
	MakeDir(etc + "/sub", 02751, 1000, 1000);
	MakeFile(etc + "/sub/nested", "nested\n", 0600);
	ASSERT_EQ(symlink("app.conf", (etc + "/link").c_str()), 0);
	ASSERT_EQ(lchown((etc + "/link").c_str(), 1000, 1000), 0);
	ASSERT_EQ(chmod(etc.c_str(), 0751), 0);
	config_->AddMount("/etc", "tmpfs", "tmpfs", {"size=1m", "nosuid", "tmpcopyup"});
	Result r = RunContainer(
		{"/bin/sh", "-c",
		 "cd /etc && stat -c '%n %a %u:%g' . app.conf odd sub sub/nested link; "
		 "/probe stat link; readlink link; cat link sub/nested; head -1 passwd; "
		 "grep -c ' /etc .* - tmpfs ' /proc/self/mountinfo; "
		 "/probe write /etc/new inside; /probe write /etc/app.conf changed; cat app.conf"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, ". 751 0:0\n"
			 "app.conf 646 1000:1000\n"
			 "odd 4705 1000:1000\n"
			 "sub 2751 1000:1000\n"
			 "sub/nested 600 0:0\n"
			 "link 777 1000:1000\n"
			 "lnk\n"
			 "app.conf\n"
			 "conf\nnested\n"
			 "root:x:0:0:root:/root:/bin/sh\n"
			 "1\n"
			 "ok\nok\nchanged")
		<< r;
	// The tmpfs took the writes; the rootfs's /etc is as it was.
	EXPECT_FALSE(Exists(etc + "/new"));
	EXPECT_EQ(ReadFile(etc + "/app.conf"), "conf\n");
}

TEST_F(Mounts, TmpcopyupOnTmpUnderAReadOnlyRoot)
{
	ASSERT_EQ(config_->Get("root.readonly"), "true");
	MakeFile(rootfs_ + "/tmp/kept", "kept\n", 0644);
	MakeDir(rootfs_ + "/mnt/ro", 0755);
	MakeFile(rootfs_ + "/mnt/ro/f", "f\n", 0644);
	config_->AddMount("/tmp", "tmpfs", "tmpfs", {"rw", "nosuid", "nodev", "tmpcopyup"});
	config_->AddMount("/mnt/ro", "tmpfs", "tmpfs", {"ro", "tmpcopyup"});
	Result r = RunContainer({"/bin/sh", "-c",
				 "stat -c %a /tmp; /probe read /tmp/kept; /probe write /tmp/x; "
				 "/probe write /x; /probe read /mnt/ro/f; /probe write /mnt/ro/g; "
				 "true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "1777\nkept\nok\nEROFS\nf\nEROFS\n") << r;
	EXPECT_FALSE(Exists(rootfs_ + "/tmp/x"));
}

TEST_F(Mounts, WithoutTmpcopyupTheTmpfsIsEmpty)
{
	MakeDir(rootfs_ + "/mnt/a", 0755);
	MakeFile(rootfs_ + "/mnt/a/f", "f", 0644);
	MakeDir(rootfs_ + "/mnt/b", 0755);
	MakeFile(rootfs_ + "/mnt/b/f", "f", 0644);
	config_->AddMount("/mnt/a", "tmpfs", "tmpfs", {"size=1m"});
	config_->AddMount("/mnt/b", "tmpfs", "tmpfs", {"tmpcopyup", "notmpcopyup"});
	Result r = RunContainer({"/bin/sh", "-c", "/probe ls /mnt/a; /probe ls /mnt/b; true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "\n\n") << r;
}

TEST_F(Mounts, TmpcopyupOnABindIsRefused)
{
	std::string dir = HostTempDir("bind");
	config_->AddMount("/mnt", "bind", dir, {"rbind", "tmpcopyup"});
	Result r = RunContainer({"/bin/true"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("].options: \"tmpcopyup\" is only valid on a tmpfs mount"),
		  std::string::npos)
		<< r;
}

// An image's link can lead a mount destination into the container's /proc
// (/tmp -> /proc, as a hostile image would ship for Podman's --read-only
// tmpfs on /tmp): the resolved target is refused as runc's checkProcMount
// refuses it, and tmpcopyup never reads procfs or sysfs files as root.
TEST_F(Mounts, DestinationsLinkedIntoProcOrSysAreRefused)
{
	ASSERT_EQ(rmdir((rootfs_ + "/tmp").c_str()), 0);
	ASSERT_EQ(symlink("/proc", (rootfs_ + "/tmp").c_str()), 0);
	config_->AddMount("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=16m"});
	Result plain = RunContainer({"/bin/true"});
	EXPECT_NE(plain.exit_code, 0) << plain;
	EXPECT_NE(plain.err.find("/tmp resolves into /proc inside the rootfs"), std::string::npos)
		<< plain;

	config_->RemoveMount("/tmp");
	config_->AddMount("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=16m", "tmpcopyup"});
	Result copy = RunContainer({"/bin/true"});
	EXPECT_NE(copy.exit_code, 0) << copy;
	EXPECT_NE(copy.err.find("tmpcopyup: /tmp is on procfs or sysfs: refusing to copy it"),
		  std::string::npos)
		<< copy;

	ASSERT_EQ(unlink((rootfs_ + "/tmp").c_str()), 0);
	ASSERT_EQ(symlink("/sys/kernel", (rootfs_ + "/tmp").c_str()), 0);
	Result sys = RunContainer({"/bin/true"});
	EXPECT_NE(sys.exit_code, 0) << sys;
	EXPECT_NE(sys.err.find("tmpcopyup: /tmp is on procfs or sysfs: refusing to copy it"),
		  std::string::npos)
		<< sys;
	unlink((rootfs_ + "/tmp").c_str());
	mkdir((rootfs_ + "/tmp").c_str(), 01777);
}

// A link planted in the covered directory to a host path is copied as the
// link: inside, it resolves in the container's root, not on the host.
TEST_F(Mounts, TmpcopyupCopiesAHostSymlinkAsALink)
{
	std::string host = HostTempDir("host");
	WriteFile(host + "/secret", "host secret");
	MakeDir(rootfs_ + "/mnt/c", 0755);
	ASSERT_EQ(symlink((host + "/secret").c_str(), (rootfs_ + "/mnt/c/secret").c_str()), 0);
	ASSERT_EQ(symlink(host.c_str(), (rootfs_ + "/mnt/c/dir").c_str()), 0);
	config_->AddMount("/mnt/c", "tmpfs", "tmpfs", {"tmpcopyup"});
	Result r = RunContainer({"/bin/sh", "-c",
				 "/probe stat /mnt/c/secret; readlink /mnt/c/secret; "
				 "/probe stat /mnt/c/dir; /probe read /mnt/c/secret; "
				 "/probe write /mnt/c/dir/planted x; true"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "lnk\n" + host + "/secret\nlnk\nENOENT\nENOENT\n") << r;
	EXPECT_EQ(ReadFile(host + "/secret"), "host secret");
	EXPECT_FALSE(Exists(host + "/planted"));
}

// A covered tree bigger than the tmpfs fails the create with the kernel's
// ENOSPC, naming the mount and the file.
TEST_F(Mounts, TmpcopyupBiggerThanTheTmpfsFails)
{
	MakeDir(rootfs_ + "/mnt/big", 0755);
	MakeFile(rootfs_ + "/mnt/big/blob", std::string(1 << 20, 'x'), 0644);
	config_->AddMount("/mnt/big", "tmpfs", "tmpfs", {"size=64k", "tmpcopyup"});
	Result r = RunContainer({"/bin/true"});
	EXPECT_NE(r.exit_code, 0) << r;
	EXPECT_NE(r.err.find("tmpcopyup: copy /mnt/big/blob: No space left on device"),
		  std::string::npos)
		<< r;
	EXPECT_NE(r.err.find("mounts["), std::string::npos) << r;
}

} // namespace
} // namespace kk_it
