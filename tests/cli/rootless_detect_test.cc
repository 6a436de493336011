// How kakoi tells it is rootless (runtime/container/rootless.c): the host's
// uid_map is exactly "0 0 4294967295" (runc's uidMapInUserNS), anything
// else is a user namespace; and where the state goes without --root.
#include <stdlib.h>

#include <gtest/gtest.h>

#include <string>

#include "runtime/container/container.h"

TEST(RootlessDetect, OnlyTheFullIdentityMapIsTheHosts)
{
	EXPECT_TRUE(kk_uid_map_is_initial("         0          0 4294967295\n"));
	EXPECT_TRUE(kk_uid_map_is_initial("0 0 4294967295"));
	EXPECT_FALSE(kk_uid_map_is_initial("         0      65534          1\n"));
	EXPECT_FALSE(kk_uid_map_is_initial("0 0 1\n"));
	EXPECT_FALSE(kk_uid_map_is_initial("0 0 4294967294\n"));
	EXPECT_FALSE(kk_uid_map_is_initial("0 0 4294967295\n1 1 1\n"));
	EXPECT_FALSE(kk_uid_map_is_initial(""));
}

TEST(RootlessDetect, WithoutXdgRuntimeDirTheSystemRootStays)
{
	unsetenv("XDG_RUNTIME_DIR");
	EXPECT_STREQ(kk_default_root("/run/kakoi"), "/run/kakoi");
	setenv("XDG_RUNTIME_DIR", "", 1);
	EXPECT_STREQ(kk_default_root("/run/kakoi"), "/run/kakoi");
}

// As a user (or uid 0 of a user namespace with USER other than root),
// $XDG_RUNTIME_DIR/kakoi; as root of the host, the system root.
TEST(RootlessDetect, XdgRuntimeDirWhenRootless)
{
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	setenv("USER", "someone", 1);
	std::string want = kk_rootless() ? "/run/user/1000/kakoi" : "/run/kakoi";
	EXPECT_EQ(kk_default_root("/run/kakoi"), want);
	unsetenv("XDG_RUNTIME_DIR");
}
