// The scope helpers: mount points as mountinfo spells them, path prefixes
// that stop at a component boundary, the run's names.
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/scope/scope.h"

namespace
{

TEST(Scope, MountPointDecodesMountinfosEscapes)
{
	EXPECT_EQ(kk_scope::MountPoint("36 35 98:0 /mnt1 /mnt/a\\040b rw,noatime - ext3 /dev/x rw"),
		  "/mnt/a b");
	EXPECT_EQ(kk_scope::MountPoint("22 1 0:21 / /proc rw - proc proc rw"), "/proc");
}

TEST(Scope, MountsUnderStopsAtAComponentBoundary)
{
	auto has_proc = [](const std::vector<std::string> &lines) {
		for (const auto &l : lines)
			if (kk_scope::MountPoint(l) == "/proc")
				return true;
		return false;
	};
	EXPECT_TRUE(has_proc(kk_scope::MountsUnder({"/proc"})));
	EXPECT_FALSE(has_proc(kk_scope::MountsUnder({"/pro"})));
	EXPECT_FALSE(has_proc(kk_scope::MountsUnder({"/proc/sys"})));
	EXPECT_TRUE(kk_scope::MountsUnder({}).empty());
}

TEST(Scope, TheRunIsNamedAfterThisProcess)
{
	EXPECT_EQ(kk_scope::RunName(), "kakoi-test-" + std::to_string(getpid()));
	EXPECT_EQ(kk_scope::CgroupParent(), "/" + kk_scope::RunName());
}

} // namespace
