// exec --cgroup (runtime/cgroup/subgroup.c) over fake trees: which
// hierarchies move down to the sub-cgroup, and every refusal, before
// anything is written.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using fakecg::Layout;
using fakecg::Tree;

// The container's cgroup /kakoi/c1 and the sub-cgroups under it, in the
// hierarchy directories given.
void MakeDirs(const Tree &t, const std::vector<std::string> &hiers,
	      const std::vector<std::string> &subs)
{
	for (const auto &h : hiers) {
		std::string base = t.root() + (h.empty() ? "" : "/" + h);
		fakecg::make_hier(base + "/kakoi");
		fakecg::make_hier(base + "/kakoi/c1");
		for (const auto &s : subs)
			fakecg::make_hier(base + "/kakoi/c1/" + s);
	}
}

const std::vector<std::string> kV1 = {"blkio",	 "cpu,cpuacct", "cpuset", "devices", "freezer",
				      "hugetlb", "memory",	"pids",	  "systemd"};

// Opens the sub-cgroup for args and enters pid 42; returns the error text
// ("" on success) and the writes made.
std::string Enter(const Tree &t, const std::vector<const char *> &args,
		  std::vector<std::string> *writes)
{
	Cgroup cg, sub;
	kk_error err = {};
	if (kk_cgroup_open(t.root().c_str(), "/kakoi/c1", "c1", &cg.cg, &err) < 0)
		return std::string("open: ") + err.msg;
	size_t before = fakecg::state().writes.size();
	if (kk_cgroup_open_sub(cg.cg, args.data(), args.size(), &sub.cg, &err) < 0) {
		EXPECT_EQ(fakecg::state().writes.size(), before) << "a refusal writes nothing";
		return err.msg;
	}
	if (kk_cgroup_enter(sub.cg, 42, &err) < 0)
		return std::string("enter: ") + err.msg;
	writes->assign(fakecg::state().writes.begin() + before, fakecg::state().writes.end());
	return "";
}

bool Has(const std::vector<std::string> &v, const std::string &s)
{
	for (const auto &x : v)
		if (x == s)
			return true;
	return false;
}

bool Contains(const std::string &s, const std::string &needle)
{
	return s.find(needle) != std::string::npos;
}

TEST(Subgroup, V1BarePathMovesEveryHierarchy)
{
	Tree t(Layout::V1);
	MakeDirs(t, kV1, {"sub"});
	std::vector<std::string> w;
	ASSERT_EQ(Enter(t, {"sub"}, &w), "");
	EXPECT_EQ(w.size(), kV1.size());
	for (const auto &h : kV1)
		EXPECT_TRUE(Has(w, "/" + h + "/kakoi/c1/sub/cgroup.procs=42")) << h;
}

TEST(Subgroup, LeadingSlashIsStillUnderTheContainer)
{
	Tree t(Layout::V1);
	MakeDirs(t, kV1, {"a", "a/b"});
	std::vector<std::string> w;
	ASSERT_EQ(Enter(t, {"/a/b"}, &w), "");
	EXPECT_TRUE(Has(w, "/pids/kakoi/c1/a/b/cgroup.procs=42"));
}

TEST(Subgroup, V1PerControllerOthersStayInTheContainersCgroup)
{
	Tree t(Layout::V1);
	MakeDirs(t, kV1, {"sub", "other"});
	std::vector<std::string> w;
	ASSERT_EQ(Enter(t, {"pids,memory:sub", "cpu:other"}, &w), "");
	EXPECT_TRUE(Has(w, "/pids/kakoi/c1/sub/cgroup.procs=42"));
	EXPECT_TRUE(Has(w, "/memory/kakoi/c1/sub/cgroup.procs=42"));
	EXPECT_TRUE(Has(w, "/cpu,cpuacct/kakoi/c1/other/cgroup.procs=42"));
	EXPECT_TRUE(Has(w, "/freezer/kakoi/c1/cgroup.procs=42"));
	EXPECT_TRUE(Has(w, "/devices/kakoi/c1/cgroup.procs=42"));
	EXPECT_EQ(w.size(), kV1.size());
}

TEST(Subgroup, Refusals)
{
	Tree t(Layout::V1);
	MakeDirs(t, kV1, {"sub", "a"});
	std::vector<std::string> w;
	struct {
		std::vector<const char *> args;
		const char *want;
	} cases[] = {
		{{"nope"}, "--cgroup nope: the sub-cgroup"},
		{{"pids:nope"}, "must exist"},
		{{".."}, "--cgroup ..: "},
		{{"sub/../../x"}, "\"..\""},
		{{"pids:../x"}, "\"..\""},
		{{""}, "empty"},
		{{"pids:"}, "empty"},
		{{"nosuch:sub"}, "unknown controller nosuch"},
		{{":sub"}, "empty controller"},
		{{"pids,:sub"}, "empty controller"},
		{{"pids:a:b"}, "invalid"},
		{{"sub", "a"}, "missing <controller>: prefix"},
		{{"pids:sub", "pids:a"}, "controller pids given more than once"},
		{{"cpu:sub", "cpuacct:a"}, "two different sub-cgroups"},
	};
	for (const auto &c : cases) {
		std::string got = Enter(t, c.args, &w);
		EXPECT_TRUE(Contains(got, c.want)) << c.args[0] << ": " << got;
		EXPECT_TRUE(Contains(got, "--cgroup")) << got;
	}
}

TEST(Subgroup, SameHierarchySamePathIsFine)
{
	Tree t(Layout::V1);
	MakeDirs(t, kV1, {"sub"});
	std::vector<std::string> w;
	ASSERT_EQ(Enter(t, {"cpu:sub", "cpuacct:sub"}, &w), "");
	EXPECT_TRUE(Has(w, "/cpu,cpuacct/kakoi/c1/sub/cgroup.procs=42"));
}

TEST(Subgroup, V2TakesOnlyABarePath)
{
	Tree t(Layout::V2);
	MakeDirs(t, {""}, {"sub"});
	std::vector<std::string> w;
	ASSERT_EQ(Enter(t, {"sub"}, &w), "");
	EXPECT_EQ(w, (std::vector<std::string>{"/kakoi/c1/sub/cgroup.procs=42"}));
	std::string got = Enter(t, {"memory:sub"}, &w);
	EXPECT_TRUE(Contains(got, "unknown controller memory")) << got;
}

TEST(Subgroup, HybridHugetlbIsTheUnifiedHierarchy)
{
	Tree t(Layout::HYBRID);
	std::vector<std::string> hiers = {"blkio",  "cpu,cpuacct", "cpuset",  "devices", "freezer",
					  "memory", "pids",	   "systemd", "unified"};
	MakeDirs(t, hiers, {"sub"});
	std::vector<std::string> w;
	ASSERT_EQ(Enter(t, {"hugetlb:sub"}, &w), "");
	EXPECT_TRUE(Has(w, "/unified/kakoi/c1/sub/cgroup.procs=42"));
	EXPECT_TRUE(Has(w, "/pids/kakoi/c1/cgroup.procs=42"));
	ASSERT_EQ(Enter(t, {"sub"}, &w), "");
	EXPECT_TRUE(Has(w, "/unified/kakoi/c1/sub/cgroup.procs=42"));
	EXPECT_TRUE(Has(w, "/pids/kakoi/c1/sub/cgroup.procs=42"));
}

} // namespace
