// linux.resources.devices on a real container: the rules hold inside it (an
// open the rules deny fails with EPERM, one they allow reaches the driver),
// the cgroup2 directory carries exactly one kakoi device program (on this
// hybrid host both it and the v1 devices controller enforce the list), and
// `update` with device rules replaces that program with exactly one other.
//
// The devices are /dev/net/tun (10:200) and /dev/loop-control (10:237),
// added through linux.devices: opening either changes nothing, and a
// driver's own answer (tun's EBADFD on a read before TUNSETIFF) tells an
// allowed open from the cgroup's EPERM. kakoi's defaults (/dev/null and the
// like) come after the config's rules, as in runc, so a rule cannot take
// them away; the tests use devices outside the defaults.
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

class Devices : public IntegrationTest
{
      protected:
	void SetUp() override
	{
		IntegrationTest::SetUp();
		for (const char *dev :
		     {R"({"path":"/dev/net/tun","type":"c","major":10,"minor":200,)"
		      R"("fileMode":438})",
		      R"({"path":"/dev/loop-control","type":"c","major":10,)"
		      R"("minor":237,"fileMode":438})"})
			config_->Append("linux.devices", dev);
		config_->Set("linux.resources.devices",
			     R"([{"allow":false,"access":"rwm"},)"
			     R"({"allow":true,"type":"c","major":10,"minor":200,"access":"r"}])");
	}

	// The container's directory in the cgroup2 hierarchy ("" on pure v1).
	std::string Cgroup2Dir() const
	{
		if (Exists("/sys/fs/cgroup/cgroup.controllers"))
			return "/sys/fs/cgroup" + cgroups_path_;
		if (Exists("/sys/fs/cgroup/unified/cgroup.controllers"))
			return "/sys/fs/cgroup/unified" + cgroups_path_;
		return "";
	}

	// The ids of the device programs attached to the container's cgroup2
	// directory itself (BPF_PROG_QUERY).
	std::vector<uint32_t> Programs() const
	{
		return kk_it::DeviceProgramIds(Cgroup2Dir());
	}

	// probe read / write of each device from inside, one answer a line.
	std::string Inside()
	{
		Result r = Kakoi(
			{"exec", id_, "/bin/sh", "-c",
			 "/probe read /dev/net/tun; /probe write /dev/net/tun x; "
			 "/probe read /dev/loop-control; /probe read /dev/null; echo null=$?"});
		return r.out;
	}
};

TEST_F(Devices, TheRulesHoldInsideAndOneProgramIsAttached)
{
	if (Cgroup2Dir().empty())
		GTEST_SKIP() << "no cgroup2 hierarchy";
	auto sleeper = RunSleeper(id_);
	// tun: r allowed (the driver answers), w denied; loop-control denied;
	// /dev/null from kakoi's defaults.
	EXPECT_EQ(Inside(), "EBADFD\nEPERM\nEPERM\nnull=0\n");
	EXPECT_EQ(Programs().size(), 1u);

	Result d = Kakoi({"delete", "--force", id_});
	EXPECT_EQ(d.exit_code, 0) << d;
	ExpectNothingLeftBehind(id_);
}

TEST_F(Devices, UpdateReplacesTheProgram)
{
	if (Cgroup2Dir().empty())
		GTEST_SKIP() << "no cgroup2 hierarchy";
	auto sleeper = RunSleeper(id_);
	std::vector<uint32_t> before = Programs();
	ASSERT_EQ(before.size(), 1u);

	std::string file = HostTempDir("update") + "/resources.json";
	WriteFile(file, R"({"devices":[{"allow":false,"access":"rwm"},)"
			R"({"allow":true,"type":"c","major":10,"access":"rw"}]})");
	Result r = Kakoi({"update", "--resources", file, id_});
	ASSERT_EQ(r.exit_code, 0) << r;
	std::vector<uint32_t> after = Programs();
	ASSERT_EQ(after.size(), 1u);
	EXPECT_NE(after[0], before[0]);
	// On a pure v2 host the program is the only layer; on a hybrid one the
	// v1 list written at create still denies what it denied.
	bool pure_v2 = Exists("/sys/fs/cgroup/cgroup.controllers");
	EXPECT_EQ(Inside(),
		  pure_v2 ? "EBADFD\nEBADFD\nEINVAL\nnull=0\n" : "EBADFD\nEPERM\nEPERM\nnull=0\n");

	Result d = Kakoi({"delete", "--force", id_});
	EXPECT_EQ(d.exit_code, 0) << d;
	ExpectNothingLeftBehind(id_);
}

} // namespace
} // namespace kk_it
