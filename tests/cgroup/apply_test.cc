// Plans applied for real on fake trees: the right files get the right
// values, the undo stack puts the tree back as it was, kk_cgroup_remove
// removes what was made (sub-cgroups first, and kakoi's empty prefix, never
// another parent), kk_cgroup_pids reads cgroup.procs.
#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using cgtest::I64;
using cgtest::Plan;
using fakecg::Layout;
using fakecg::read_file;
using fakecg::Tree;
using V = std::vector<std::string>;

bool Has(const V &v, const std::string &s)
{
	for (const auto &x : v)
		if (x == s)
			return true;
	return false;
}

bool IsDir(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

TEST(Apply, V1WritesLimitsCopiesCpusetAndUndoes)
{
	Tree t(Layout::V1);
	auto before = fakecg::snapshot();
	Cgroup cg;
	Plan plan;
	kk_pids pids = {10};
	kk_memory m = {};
	kk_resources res = {};
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	m.limit = I64(64 << 20);
	res.pids = &pids;
	res.memory = &m;

	ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, &res, &cg, &plan), "");
	ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 4242, &undo), "");
	EXPECT_EQ(read_file(t.root() + "/pids/kakoi/c1/pids.max"), "10");
	EXPECT_EQ(read_file(t.root() + "/memory/kakoi/c1/memory.limit_in_bytes"), "67108864");
	EXPECT_EQ(read_file(t.root() + "/cpuset/kakoi/cpuset.cpus"), "0-3");
	EXPECT_EQ(read_file(t.root() + "/cpuset/kakoi/c1/cpuset.mems"), "0");
	EXPECT_EQ(read_file(t.root() + "/cpu,cpuacct/kakoi/c1/cgroup.procs"), "4242");
	EXPECT_EQ(read_file(t.root() + "/systemd/kakoi/c1/cgroup.procs"), "4242");
	const V &w = fakecg::state().writes;
	EXPECT_TRUE(Has(w, "/devices/kakoi/c1/devices.deny=a"));
	EXPECT_TRUE(Has(w, "/devices/kakoi/c1/devices.allow=c 1:3 rwm"));
	// Two directories per hierarchy, one undo each.
	EXPECT_EQ(undo.n, 18u);

	ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	EXPECT_EQ(fakecg::snapshot(), before);
}

// The shared /kakoi in the cpuset hierarchy, as another create left it:
// made, with these cpus and no mems yet. Returns its path.
std::string CpusetParent(const Tree &t, const std::string &cpus)
{
	std::string kakoi = t.root() + "/cpuset/kakoi";
	EXPECT_EQ(mkdir(kakoi.c_str(), 0755), 0);
	fakecg::write_file(kakoi + "/cpuset.cpus", cpus);
	fakecg::write_file(kakoi + "/cpuset.mems", "");
	return kakoi;
}

// A concurrent create may have made the shared /kakoi and not yet copied
// the cpuset into it: the next one fills it rather than make an empty
// child (the kernel refuses to put a task in it, ENOSPC). An existing
// parent with values of its own keeps them, and neither is undone.
TEST(Apply, V1FillsAnEmptyExistingCpusetParentAndKeepsASetOne)
{
	for (const std::string parent_cpus : {"", "1\n"}) {
		Tree t(Layout::V1);
		Cgroup cg;
		Plan plan;
		kk_resources res = {};
		kk_undo undo = KK_UNDO_INIT;
		kk_error err = {};
		std::string kakoi = CpusetParent(t, parent_cpus);

		ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, &res, &cg, &plan), "");
		ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 4242, &undo), "");
		std::string want = parent_cpus.empty() ? "0-3" : "1\n";
		EXPECT_EQ(read_file(kakoi + "/cpuset.cpus"), want) << parent_cpus;
		EXPECT_EQ(read_file(kakoi + "/cpuset.mems"), "0");
		EXPECT_EQ(read_file(kakoi + "/c1/cpuset.cpus"), parent_cpus.empty() ? "0-3" : "1");
		EXPECT_EQ(read_file(kakoi + "/c1/cpuset.mems"), "0");
		EXPECT_EQ(read_file(kakoi + "/c1/cgroup.procs"), "4242");

		ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
		EXPECT_EQ(read_file(kakoi + "/c1/cgroup.procs"), "<missing>");
		EXPECT_EQ(read_file(kakoi + "/cpuset.cpus"), want) << "an existing parent stays";
	}
}

// The fill of an existing empty parent fails (its first write): create
// fails naming the file, and the undo leaves the tree as it was, the
// parent still empty.
TEST(Apply, AFailedFillOfAnEmptyCpusetParentLeavesNothing)
{
	Tree t(Layout::V1);
	Cgroup cg;
	Plan plan;
	kk_resources res = {};
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	std::string kakoi = CpusetParent(t, "");
	auto before = fakecg::snapshot();

	ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, &res, &cg, &plan), "");
	fakecg::state().fail_write_at = 1;
	std::string e = cgtest::Apply(plan.plan, cg.cg, 4242, &undo);
	EXPECT_NE(e.find("write " + kakoi + "/cpuset.cpus: Input/output error"), std::string::npos)
		<< e;
	ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	EXPECT_EQ(fakecg::snapshot(), before);
	EXPECT_EQ(read_file(kakoi + "/cpuset.cpus"), "");
}

TEST(Apply, V2EnablesControllersInParentsAndUndoes)
{
	Tree t(Layout::V2);
	auto before = fakecg::snapshot();
	Cgroup cg;
	Plan plan;
	kk_pids pids = {5};
	kk_kv kv[] = {{"memory.high", "1000000"}};
	kk_resources res = {};
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	res.pids = &pids;
	res.unified = {kv, 1};

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/a/b", &res, &cg, &plan), "");
	ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 77, &undo), "");
	EXPECT_EQ(fakecg::state().writes,
		  (V{"/cgroup.subtree_control=+memory", "/cgroup.subtree_control=+pids",
		     "/a/cgroup.subtree_control=+memory", "/a/cgroup.subtree_control=+pids",
		     "/a/b/pids.max=5", "/a/b/memory.high=1000000", "/a/b/cgroup.procs=77"}));

	ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	// The root's controllers are turned off again, the directories gone.
	EXPECT_EQ(fakecg::state().writes.back(), "/cgroup.subtree_control=-memory");
	fakecg::write_file(t.root() + "/cgroup.subtree_control", "");
	EXPECT_EQ(fakecg::snapshot(), before);
}

TEST(Apply, V2ControllerAlreadyEnabledIsNotWrittenAgain)
{
	Tree t(Layout::V2);
	Cgroup cg;
	Plan plan;
	kk_pids pids = {5};
	kk_resources res = {};
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	res.pids = &pids;
	fakecg::write_file(t.root() + "/cgroup.subtree_control", "cpu pids\n");

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan), "");
	ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 77, &undo), "");
	EXPECT_EQ(fakecg::state().writes, (V{"/x/pids.max=5", "/x/cgroup.procs=77"}));
	ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
}

TEST(Apply, HybridWritesHugetlbInUnifiedAndUndoes)
{
	Tree t(Layout::HYBRID);
	auto before = fakecg::snapshot();
	Cgroup cg;
	Plan plan;
	kk_hugepage_limit l = {"2MB", 2097152};
	kk_resources res = {};
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	res.hugepage_limits = &l;
	res.n_hugepage_limits = 1;

	ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, &res, &cg, &plan), "");
	ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 99, &undo), "");
	EXPECT_EQ(read_file(t.root() + "/unified/kakoi/c1/hugetlb.2MB.max"), "2097152");
	EXPECT_EQ(read_file(t.root() + "/unified/kakoi/c1/cgroup.procs"), "99");
	EXPECT_EQ(read_file(t.root() + "/pids/kakoi/c1/cgroup.procs"), "99");
	EXPECT_TRUE(Has(fakecg::state().writes, "/unified/kakoi/cgroup.subtree_control=+hugetlb"));

	ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	fakecg::write_file(t.root() + "/unified/cgroup.subtree_control", "");
	EXPECT_EQ(fakecg::snapshot(), before);
}

// A delete takes the container's directory and leaves kakoi's own /kakoi
// for the next container, in every hierarchy, even once it is empty: its
// removal and remaking around each container flipped the kernel's cpuset
// static key twice a run (cgfs.c).
TEST(Remove, LeavesKakoisOwnPrefixForTheNextContainer)
{
	Tree t(Layout::HYBRID);
	auto before = fakecg::snapshot();
	Cgroup one, two;
	Plan p1, p2;
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	kk_cgroup *other = nullptr;

	ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, nullptr, &one, &p1), "");
	ASSERT_EQ(cgtest::Apply(p1.plan, one.cg, 1, &undo), "");
	kk_undo_forget(&undo);
	ASSERT_EQ(kk_cgroup_open(t.root().c_str(), nullptr, "c2", &other, &err), 0);
	two.cg = other;
	ASSERT_EQ(kk_plan_cgroup(&p2.plan, two.cg, nullptr, &err), 0);
	ASSERT_EQ(cgtest::Apply(p2.plan, two.cg, 2, &undo), "");
	kk_undo_forget(&undo);

	ASSERT_EQ(kk_cgroup_remove(one.cg, &err), 0) << err.msg;
	EXPECT_EQ(read_file(t.root() + "/pids/kakoi/c2/cgroup.procs"), "2"); // c2 kept
	EXPECT_FALSE(IsDir(t.root() + "/pids/kakoi/c1"));
	ASSERT_EQ(kk_cgroup_remove(two.cg, &err), 0) << err.msg;
	for (const char *h : {"pids", "memory", "cpuset", "unified"}) {
		EXPECT_TRUE(IsDir(t.root() + "/" + h + "/kakoi")) << h;
		EXPECT_FALSE(IsDir(t.root() + "/" + h + "/kakoi/c2")) << h;
	}
	EXPECT_NE(fakecg::snapshot(), before);
	// Removing again: nothing there is fine.
	EXPECT_EQ(kk_cgroup_remove(two.cg, &err), 0) << err.msg;
}

// The rollback of the create that made /kakoi takes it while empty: a
// failed create leaves the tree as it found it. If another container has
// moved in meanwhile, /kakoi is the other's now: the undo takes only its own
// directory and succeeds (no retries, no error for a busy parent).
TEST(Remove, TheUndoTakesThePrefixItMadeUnlessAnotherMovedIn)
{
	for (bool other : {false, true}) {
		Tree t(Layout::V1);
		auto before = fakecg::snapshot();
		Cgroup cg;
		Plan plan;
		kk_undo undo = KK_UNDO_INIT;
		kk_error err = {};
		const std::string kakoi = t.root() + "/pids/kakoi";

		ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, nullptr, &cg, &plan), "");
		ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 1, &undo), "");
		EXPECT_TRUE(IsDir(kakoi + "/c1"));
		if (other) {
			ASSERT_EQ(mkdir((kakoi + "/other").c_str(), 0755), 0);
		}
		ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
		EXPECT_FALSE(IsDir(kakoi + "/c1"));
		EXPECT_EQ(IsDir(kakoi + "/other"), other);
		if (other) {
			rmdir((kakoi + "/other").c_str());
		} else {
			EXPECT_EQ(fakecg::snapshot(), before);
		}
	}
}

TEST(Remove, NeverTakesAPreexistingParent)
{
	Tree t(Layout::V2);
	Cgroup cg;
	Plan plan;
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	mkdir((t.root() + "/pre").c_str(), 0755);
	auto before = fakecg::snapshot();

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/pre/x", nullptr, &cg, &plan), "");
	ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 1, &undo), "");
	EXPECT_EQ(undo.n, 2u); // only x was made, and its device program attached
	kk_undo_forget(&undo);
	ASSERT_EQ(kk_cgroup_remove(cg.cg, &err), 0) << err.msg;
	EXPECT_EQ(fakecg::snapshot(), before);
}

// Sub-cgroups (`exec --cgroup`) go first, deepest first, as with runc, and
// however deep a container nested them (no limit of our own: a container
// with a writable hierarchy must not make its cgroup undeletable).
TEST(Remove, SubCgroupsFirstHoweverDeep)
{
	Tree t(Layout::V2);
	Cgroup cg;
	Plan plan;
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	const std::string x = t.root() + "/x";

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", nullptr, &cg, &plan), "");
	ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 1, &undo), "");
	std::string deep = x;
	for (int i = 0; i < 300; i++)
		ASSERT_EQ(mkdir((deep += "/d").c_str(), 0755), 0);
	ASSERT_EQ(mkdir((x + "/a").c_str(), 0755), 0);
	ASSERT_EQ(mkdir((x + "/a/b").c_str(), 0755), 0);
	EXPECT_EQ(kk_cgroup_remove(cg.cg, &err), 0) << err.msg;
	EXPECT_EQ(access(x.c_str(), F_OK), -1) << "x and everything below it removed";
	kk_undo_forget(&undo);
}

TEST(Pids, UnionOfEveryHierarchyAndNoneWhenMissing)
{
	Tree t(Layout::HYBRID);
	Cgroup cg;
	Plan plan;
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	pid_t *pids = nullptr;
	size_t n = 0;

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", nullptr, &cg, &plan), "");
	ASSERT_EQ(kk_cgroup_pids(cg.cg, &pids, &n, &err), 0) << err.msg;
	EXPECT_EQ(n, 0u);
	free(pids);
	ASSERT_EQ(cgtest::Apply(plan.plan, cg.cg, 12, &undo), "");
	fakecg::write_file(t.root() + "/pids/x/cgroup.procs", "12\n34\n");
	fakecg::write_file(t.root() + "/unified/x/cgroup.procs", "34\n56\n");
	ASSERT_EQ(kk_cgroup_pids(cg.cg, &pids, &n, &err), 0) << err.msg;
	std::set<pid_t> got(pids, pids + n);
	EXPECT_EQ(n, 3u);
	EXPECT_EQ(got, (std::set<pid_t>{12, 34, 56}));
	free(pids);
	ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
}

TEST(Apply, ErrorNamesTheFieldAndFile)
{
	Tree t(Layout::V1);
	Cgroup cg;
	Plan plan;
	kk_pids pids = {10};
	kk_resources res = {};
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	res.pids = &pids;

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan), "");
	// The write of pids.max is the Nth: count the writes before it.
	fakecg::state().fail_write_at = 2 /* cpuset copy */ + 1;
	fakecg::state().fail_errno = EINVAL;
	std::string e = cgtest::Apply(plan.plan, cg.cg, 1, &undo);
	EXPECT_EQ(e, "host-prepare step 10 cgroup-set: write 10 to pids:/x/pids.max: "
		     "linux.resources.pids.limit: write " +
			     t.root() + "/pids/x/pids.max: Invalid argument");
	ASSERT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
}

} // namespace
