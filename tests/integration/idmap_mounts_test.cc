// Idmapped bind mounts (issue 13): mounts[].uidMappings/gidMappings and the
// "idmap"/"ridmap" options. A mapping's containerID is the id on disk and
// its hostID the id the mount shows it as: through the mount the
// container's root (host 100000) owns what disk id 5000 owns, and what it
// writes lands on disk as 5000. Checked from the host with stat(2); a
// plain bind of the same directory is the control.
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include <string>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

class IdmapMounts : public IntegrationTest
{
      protected:
	void SetUp() override
	{
		IntegrationTest::SetUp();
		if (HasFatalFailure())
			return;
		config_->AddNamespace("user");
		config_->Set("linux.uidMappings", kContainerMap);
		config_->Set("linux.gidMappings", kContainerMap);
		// A cgroup v1 hierarchy cannot be mounted from a user namespace.
		config_->RemoveMount("/sys/fs/cgroup");
		dir_ = HostTempDir("idmap");
		ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
	}

	static uid_t Owner(const std::string &path)
	{
		struct stat st;
		return stat(path.c_str(), &st) == 0 ? st.st_uid : (uid_t)-1;
	}

	static constexpr const char *kContainerMap =
		R"([{"containerID":0,"hostID":100000,"size":65536}])";
	std::string dir_;
};

TEST_F(IdmapMounts, AFileWrittenThroughTheMountHasTheOwnerTheMappingSays)
{
	ASSERT_EQ(chown(dir_.c_str(), 5000, 5000), 0);
	WriteFile(dir_ + "/old", "x");
	ASSERT_EQ(chown((dir_ + "/old").c_str(), 5000, 5000), 0);
	const std::string map = R"([{"containerID":5000,"hostID":100000,"size":1}])";
	config_->AddMount("/mnt", "bind", dir_, {"rbind", "idmap"});
	json_object *mounts = config_->Find("mounts");
	ASSERT_NE(mounts, nullptr);
	json_object *last = json_object_array_get_idx(mounts, json_object_array_length(mounts) - 1);
	json_object_object_add(last, "uidMappings", json_tokener_parse(map.c_str()));
	json_object_object_add(last, "gidMappings", json_tokener_parse(map.c_str()));
	config_->AddMount("/run", "bind", dir_, {"rbind"});
	Result r = RunContainer({"/bin/sh", "-c",
				 "stat -c %u /mnt/old; echo new > /mnt/new && echo wrote; "
				 "echo no > /run/plain || echo refused"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "0\nwrote\nrefused\n") << r;
	EXPECT_EQ(Owner(dir_ + "/new"), 5000u) << "on disk: the mapping's containerID";
	EXPECT_FALSE(Exists(dir_ + "/plain"));
}

// "idmap" alone takes the container's own mappings: root's directory is
// the container root's, and its files land on disk as root's.
TEST_F(IdmapMounts, IdmapAloneTakesTheContainersMappings)
{
	config_->AddMount("/mnt", "bind", dir_, {"bind", "idmap"});
	Result r = RunContainer({"/bin/sh", "-c", "stat -c %u /mnt; touch /mnt/made && echo ok"});
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "0\nok\n") << r;
	EXPECT_EQ(Owner(dir_ + "/made"), 0u);
}

// "ridmap" maps the mounts under the source too; "idmap" of an rbind only
// the top one: a tmpfs mounted under the source (by the test, on its own
// dir) shows root-owned as the overflow id through idmap, as the container
// root's through ridmap.
TEST_F(IdmapMounts, RidmapReachesTheMountsUnderTheSource)
{
	std::string sub = dir_ + "/sub";
	ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
	ASSERT_EQ(RunCommand("/bin/mount", {"-t", "tmpfs", "kk-idmap-sub", sub}).exit_code, 0);
	config_->AddMount("/mnt", "bind", dir_, {"rbind", "ridmap"});
	config_->AddMount("/run", "bind", dir_, {"rbind", "idmap"});
	Result r = RunContainer({"/bin/sh", "-c", "stat -c %u /mnt/sub /run/sub"});
	EXPECT_EQ(RunCommand("/bin/umount", {sub}).exit_code, 0);
	EXPECT_EQ(r.exit_code, 0) << r;
	EXPECT_EQ(r.out, "0\n65534\n") << r;
}

TEST_F(IdmapMounts, OnlyABindCanBeIdmapped)
{
	config_->AddMount("/mnt", "tmpfs", "tmpfs", {"idmap"});
	Result r = RunContainer({"/bin/true"});
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_NE(r.err.find("an idmapped mount must be a bind mount"), std::string::npos) << r;
}

} // namespace
} // namespace kk_it
