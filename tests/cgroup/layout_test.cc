// Layout detection and cgroups path checks over fake trees (no root).
#include <string>

#include <gtest/gtest.h>

#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using cgtest::Lines;
using cgtest::Plan;
using fakecg::Layout;
using fakecg::Tree;

std::vector<std::string> Creates(const std::string &root, const kk_plan &plan)
{
	std::vector<std::string> out;
	for (const auto &l : Lines(plan)) {
		if (l.rfind("cgroup-create ", 0) != 0)
			continue;
		size_t at = l.find(root);
		size_t end = l.find(" (mode");
		out.push_back(l.substr(at + root.size(), end - at - root.size()));
	}
	return out;
}

TEST(Layout, V1OneHierarchyPerDirectorySymlinksOnce)
{
	Tree t(Layout::V1);
	Cgroup cg;
	Plan plan;

	ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, nullptr, &cg, &plan), "");
	EXPECT_EQ(kk_cgroup_layout(cg.cg), KK_CGROUP_V1);
	EXPECT_STREQ(kk_cgroup_path(cg.cg), "/kakoi/c1");
	EXPECT_EQ(Creates(t.root(), plan.plan),
		  (std::vector<std::string>{
			  "/blkio/kakoi/c1", "/cpu,cpuacct/kakoi/c1", "/cpuset/kakoi/c1",
			  "/devices/kakoi/c1", "/freezer/kakoi/c1", "/hugetlb/kakoi/c1",
			  "/memory/kakoi/c1", "/pids/kakoi/c1", "/systemd/kakoi/c1"}));
}

TEST(Layout, V2IsTheRootItself)
{
	Tree t(Layout::V2);
	Cgroup cg;
	Plan plan;

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/a/b", nullptr, &cg, &plan), "");
	EXPECT_EQ(kk_cgroup_layout(cg.cg), KK_CGROUP_V2);
	EXPECT_EQ(Creates(t.root(), plan.plan), (std::vector<std::string>{"/a/b"}));
}

TEST(Layout, HybridJoinsTheUnifiedHierarchyToo)
{
	Tree t(Layout::HYBRID);
	Cgroup cg;
	Plan plan;

	ASSERT_EQ(cgtest::PlanFor(t.root(), "x", nullptr, &cg, &plan), "");
	EXPECT_EQ(kk_cgroup_layout(cg.cg), KK_CGROUP_HYBRID);
	EXPECT_EQ(Creates(t.root(), plan.plan),
		  (std::vector<std::string>{"/blkio/x", "/cpu,cpuacct/x", "/cpuset/x", "/devices/x",
					    "/freezer/x", "/memory/x", "/pids/x", "/systemd/x",
					    "/unified/x"}));
	EXPECT_EQ(Lines(plan.plan).back(),
		  "cgroup-enter write the init's pid to /x/cgroup.procs in blkio cpu,cpuacct "
		  "cpuset devices freezer memory pids systemd unified");
}

TEST(Layout, NoHierarchyIsAnError)
{
	char tmpl[] = "/tmp/kk-cgroup-empty-XXXXXX";
	std::string root = mkdtemp(tmpl);
	kk_cgroup *cg = nullptr;
	kk_error err = {};

	EXPECT_EQ(kk_cgroup_open(root.c_str(), nullptr, "c1", &cg, &err), -1);
	EXPECT_EQ(std::string(err.msg), "cgroup layout: no cgroup hierarchy under " + root);
	rmdir(root.c_str());
}

std::string PathError(const char *path)
{
	Tree t(Layout::V2);
	kk_cgroup *cg = nullptr;
	kk_error err = {};

	if (kk_cgroup_open(t.root().c_str(), path, "c1", &cg, &err) == 0) {
		std::string got = kk_cgroup_path(cg);
		kk_cgroup_free(cg);
		return "ok " + got;
	}
	return err.msg;
}

TEST(Path, AbsoluteAndRelativeAreUnderTheRoot)
{
	EXPECT_EQ(PathError("/a/b"), "ok /a/b");
	EXPECT_EQ(PathError("a/b"), "ok /a/b");
	EXPECT_EQ(PathError(nullptr), "ok /kakoi/c1");
}

// As runc (LexicallyCleanPath) and the kernel read them; "" is no path at
// all (runc's reading), so the default.
TEST(Path, EmptyAndDotComponentsAreCleanedAway)
{
	EXPECT_EQ(PathError("/a/./b"), "ok /a/b");
	EXPECT_EQ(PathError("/a//b"), "ok /a/b");
	EXPECT_EQ(PathError("/a/"), "ok /a");
	EXPECT_EQ(PathError("//a/.//b//"), "ok /a/b");
	EXPECT_EQ(PathError(""), "ok /kakoi/c1");
}

// ".." would walk out of the hierarchy; the root is every cgroup's parent.
TEST(Path, BadComponentsAreRejected)
{
	EXPECT_EQ(PathError("/a/../b"), "linux.cgroupsPath: \"/a/../b\" has a \"..\" component");
	EXPECT_EQ(PathError(".."), "linux.cgroupsPath: \"/..\" has a \"..\" component");
	EXPECT_EQ(PathError("/"),
		  "linux.cgroupsPath: \"/\" is the hierarchy root, not a cgroup of its own");
	EXPECT_EQ(PathError("/./"),
		  "linux.cgroupsPath: \"/\" is the hierarchy root, not a cgroup of its own");
}

TEST(Path, OverLongIsRejected)
{
	std::string component(255, 'x'), longer(256, 'y'), path;
	while (path.size() <= 1024)
		path += "/" + component;

	EXPECT_EQ(PathError(path.c_str()), "linux.cgroupsPath: longer than 1024 bytes");
	EXPECT_EQ(PathError(("/" + longer).c_str()),
		  "linux.cgroupsPath: \"/" + longer + "\" has a component longer than 255 bytes");
}

} // namespace
