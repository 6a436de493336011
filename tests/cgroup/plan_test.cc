// kk_plan_cgroup over fake trees: which file gets which value in each
// dialect, the op list's descriptions, and the errors for limits whose
// controller is missing.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using cgtest::I64;
using cgtest::Lines;
using cgtest::Plan;
using cgtest::Sets;
using cgtest::U64;
using fakecg::Layout;
using fakecg::Tree;
using V = std::vector<std::string>;

// Only the cgroup-set lines, for path "/x".
V SetsFor(Layout layout, const kk_resources &res)
{
	Tree t(layout);
	Cgroup cg;
	Plan plan;
	std::string e = cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan);

	if (!e.empty())
		return {"error: " + e};
	V out;
	for (const auto &s : Sets(plan.plan))
		if (s.find("devices:") == std::string::npos) // v1 device defaults: own test
			out.push_back(s);
	return out;
}

std::string ErrorFor(Layout layout, const kk_resources &res,
		     const std::string &v2 = "cpuset cpu io memory hugetlb pids rdma")
{
	Tree t(layout, v2);
	Cgroup cg;
	Plan plan;
	std::string e = cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan);
	size_t at = e.find(t.root());
	return at == std::string::npos ? e : e.replace(at, t.root().size(), "ROOT");
}

TEST(PlanOps, PidsLimitOnV1ListsCreateSetEnter)
{
	Tree t(Layout::V1);
	Cgroup cg;
	Plan plan;
	kk_pids pids = {100};
	kk_resources res = {};
	res.pids = &pids;

	ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, &res, &cg, &plan), "");
	V lines = Lines(plan.plan);
	ASSERT_GE(lines.size(), 11u);
	EXPECT_EQ(lines[0], "cgroup-create mkdir -p " + t.root() + "/blkio/kakoi/c1 (mode 0755)");
	EXPECT_EQ(lines[2], "cgroup-create mkdir -p " + t.root() +
				    "/cpuset/kakoi/c1 (mode 0755), copy cpuset.cpus/mems into new "
				    "and empty dirs");
	EXPECT_EQ(lines[9], "cgroup-set write 100 to pids:/kakoi/c1/pids.max");
	EXPECT_EQ(plan.plan.ops[9].type->phase, KK_PHASE_HOST_PREPARE);
	EXPECT_EQ(lines.back().rfind("cgroup-enter ", 0), 0u);
	EXPECT_EQ(plan.plan.ops[plan.plan.n - 1].type->phase, KK_PHASE_HOST_ATTACH);
}

TEST(PlanOps, PidsUnlimitedIsMax)
{
	kk_pids minus = {-1}, zero = {0};
	kk_resources res = {};

	res.pids = &minus;
	EXPECT_EQ(SetsFor(Layout::V1, res), (V{"max to pids:/x/pids.max"}));
	res.pids = &zero;
	EXPECT_EQ(SetsFor(Layout::V2, res), (V{"max to cgroup2:/x/pids.max"}));
}

TEST(PlanMemory, V1)
{
	kk_memory m = {};
	kk_resources res = {};
	m.limit = I64(1 << 20);
	m.swap = I64(2 << 20);
	m.reservation = I64(1 << 19);
	m.swappiness = U64(10);
	m.disable_oom_killer = {true, true};
	m.kernel = I64(1 << 20);     // deprecated: ignored, like runc
	m.kernel_tcp = I64(1 << 20); // likewise
	res.memory = &m;
	EXPECT_EQ(SetsFor(Layout::V1, res),
		  (V{"1048576 to memory:/x/memory.limit_in_bytes",
		     "2097152 to memory:/x/memory.memsw.limit_in_bytes",
		     "524288 to memory:/x/memory.soft_limit_in_bytes",
		     "10 to memory:/x/memory.swappiness", "1 to memory:/x/memory.oom_control"}));
}

TEST(PlanMemory, V2SwapIsSwapMinusLimit)
{
	kk_memory m = {};
	kk_resources res = {};
	m.limit = I64(1 << 20);
	m.swap = I64(3 << 20);
	m.reservation = I64(-1);
	m.swappiness = U64(10); // no v2 file: ignored, like runc
	res.memory = &m;
	EXPECT_EQ(SetsFor(Layout::V2, res),
		  (V{"1048576 to cgroup2:/x/memory.max", "2097152 to cgroup2:/x/memory.swap.max",
		     "max to cgroup2:/x/memory.low"}));
	m.swap = I64(-1);
	m.limit = I64(-1);
	m.reservation = {};
	EXPECT_EQ(SetsFor(Layout::V2, res),
		  (V{"max to cgroup2:/x/memory.max", "max to cgroup2:/x/memory.swap.max"}));
}

TEST(PlanMemory, V2SwapBelowLimitIsAnError)
{
	kk_memory m = {};
	kk_resources res = {};
	m.limit = I64(2 << 20);
	m.swap = I64(1 << 20);
	res.memory = &m;
	EXPECT_EQ(SetsFor(Layout::V2, res),
		  (V{"error: linux.resources.memory.swap: 1048576 is below memory.limit 2097152"}));
}

TEST(PlanCpu, V1)
{
	kk_cpu c = {};
	kk_resources res = {};
	c.shares = U64(1024);
	c.quota = I64(50000);
	c.period = U64(100000);
	c.cpus = "0-1";
	c.mems = "0";
	res.cpu = &c;
	EXPECT_EQ(SetsFor(Layout::V1, res),
		  (V{"1024 to cpu,cpuacct:/x/cpu.shares",
		     "100000 to cpu,cpuacct:/x/cpu.cfs_period_us",
		     "50000 to cpu,cpuacct:/x/cpu.cfs_quota_us", "0-1 to cpuset:/x/cpuset.cpus",
		     "0 to cpuset:/x/cpuset.mems"}));
}

TEST(PlanCpu, V2WeightAndMax)
{
	kk_cpu c = {};
	kk_resources res = {};
	c.shares = U64(1024); // runc: 1 + ((1024 - 2) * 9999) / 262142 = 39
	c.quota = I64(50000);
	c.cpus = "1";
	res.cpu = &c;
	EXPECT_EQ(SetsFor(Layout::V2, res),
		  (V{"39 to cgroup2:/x/cpu.weight", "50000 100000 to cgroup2:/x/cpu.max",
		     "1 to cgroup2:/x/cpuset.cpus"}));
	c.shares = {};
	c.cpus = nullptr;
	c.quota = I64(-1);
	c.period = U64(20000);
	EXPECT_EQ(SetsFor(Layout::V2, res), (V{"max 20000 to cgroup2:/x/cpu.max"}));
}

TEST(PlanCpu, V2RealtimeValuesAreAnErrorZerosAreNot)
{
	kk_cpu c = {};
	kk_resources res = {};
	c.realtime_runtime = I64(1000);
	res.cpu = &c;
	EXPECT_EQ(ErrorFor(Layout::V2, res),
		  "linux.resources.cpu.realtimeRuntime: not supported on cgroup v2 (no realtime "
		  "group scheduling)");
	// Zeros ask for nothing: crun and runc go on.
	c.realtime_runtime = I64(0);
	c.realtime_period = U64(0);
	EXPECT_EQ(ErrorFor(Layout::V2, res), "");
}

TEST(PlanHugetlb, V1V2AndHybrid)
{
	kk_hugepage_limit l[] = {{"2MB", 4194304}, {"1GB", 0}};
	kk_resources res = {};
	res.hugepage_limits = l;
	res.n_hugepage_limits = 2;
	EXPECT_EQ(SetsFor(Layout::V1, res), (V{"4194304 to hugetlb:/x/hugetlb.2MB.limit_in_bytes",
					       "0 to hugetlb:/x/hugetlb.1GB.limit_in_bytes"}));
	EXPECT_EQ(SetsFor(Layout::V2, res),
		  (V{"4194304 to cgroup2:/x/hugetlb.2MB.max", "0 to cgroup2:/x/hugetlb.1GB.max"}));
	// On the hybrid host hugetlb lives in unified, so it is written there,
	// and enabled on the way down.
	EXPECT_EQ(SetsFor(Layout::HYBRID, res),
		  (V{"4194304 to unified:/x/hugetlb.2MB.max", "0 to unified:/x/hugetlb.1GB.max"}));
	Tree t(Layout::HYBRID);
	Cgroup cg;
	Plan plan;
	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan), "");
	EXPECT_EQ(Lines(plan.plan)[8], "cgroup-create mkdir -p " + t.root() +
					       "/unified/x (mode 0755), enable +hugetlb in "
					       "parents' cgroup.subtree_control");
}

TEST(PlanDevices, V1DenyAllThenRulesThenDefaults)
{
	Tree t(Layout::V1);
	Cgroup cg;
	Plan plan;
	kk_device_rule rules[3] = {};
	kk_resources res = {};
	rules[0].type = 'a';
	rules[0].access = "rwm";
	rules[1].allow = true;
	rules[1].type = 'c';
	rules[1].major = I64(10);
	rules[1].minor = I64(229);
	rules[1].access = "rw";
	rules[2].allow = true;
	rules[2].type = 'b';
	rules[2].major = I64(8);
	rules[2].access = "r";
	res.devices = rules;
	res.n_devices = 3;

	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan), "");
	V sets = Sets(plan.plan);
	ASSERT_EQ(sets.size(), 4u + 11u);
	EXPECT_EQ(sets[0], "a to devices:/x/devices.deny");
	EXPECT_EQ(sets[1], "a *:* rwm to devices:/x/devices.deny");
	EXPECT_EQ(sets[2], "c 10:229 rw to devices:/x/devices.allow");
	EXPECT_EQ(sets[3], "b 8:* r to devices:/x/devices.allow");
	EXPECT_EQ(sets[4], "c *:* m to devices:/x/devices.allow");
	EXPECT_EQ(sets[6], "c 1:3 rwm to devices:/x/devices.allow");
}

TEST(PlanDevices, PureV2SkipsThem)
{
	kk_device_rule rule = {};
	kk_resources res = {};
	rule.type = 'a';
	res.devices = &rule;
	res.n_devices = 1;
	EXPECT_EQ(SetsFor(Layout::V2, res), V{});
}

TEST(PlanBlkio, V1WeightAndThrottle)
{
	kk_blkio b = {};
	kk_blkio_throttle t = {8, 0, 1048576};
	kk_resources res = {};
	b.weight = {500, true};
	b.throttle_read_bps = {&t, 1};
	res.block_io = &b;
	EXPECT_EQ(SetsFor(Layout::V1, res),
		  (V{"500 to blkio:/x/blkio.weight",
		     "8:0 1048576 to blkio:/x/blkio.throttle.read_bps_device"}));
	EXPECT_EQ(SetsFor(Layout::V2, res),
		  (V{"4950 to cgroup2:/x/io.weight", "8:0 rbps=1048576 to cgroup2:/x/io.max"}));
}

TEST(PlanUnified, V2WritesAsIs)
{
	kk_kv kv[] = {{"memory.high", "1000000"}, {"cgroup.max.depth", "3"}};
	kk_resources res = {};
	res.unified = {kv, 2};
	EXPECT_EQ(SetsFor(Layout::V2, res),
		  (V{"1000000 to cgroup2:/x/memory.high", "3 to cgroup2:/x/cgroup.max.depth"}));
}

TEST(PlanUnified, V1OnlyHostIsAnError)
{
	kk_kv kv[] = {{"memory.high", "1000000"}};
	kk_resources res = {};
	res.unified = {kv, 1};
	Tree t(Layout::V1);
	Cgroup cg;
	Plan plan;
	EXPECT_EQ(cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan),
		  "linux.resources.unified: needs cgroup v2, but " + t.root() +
			  " has only cgroup v1 hierarchies");
	EXPECT_EQ(plan.plan.n, 0u); // nothing planned, nothing touched
}

TEST(PlanUnified, HybridControllerMustBeInUnified)
{
	kk_kv kv[] = {{"memory.high", "1000000"}};
	kk_resources res = {};
	res.unified = {kv, 1};
	Tree t(Layout::HYBRID);
	Cgroup cg;
	Plan plan;
	EXPECT_EQ(cgtest::PlanFor(t.root(), "/x", &res, &cg, &plan),
		  "linux.resources.unified[\"memory.high\"]: the memory controller is not "
		  "available in the cgroup v2 hierarchy " +
			  t.root() + "/unified");
}

TEST(PlanMissing, ControllerNotInLayoutNamesFieldAndController)
{
	kk_pids pids = {10};
	kk_network net = {};
	kk_memory m = {};
	kk_resources res = {};

	res.pids = &pids;
	EXPECT_EQ(ErrorFor(Layout::V2, res, "cpu memory"),
		  "linux.resources.pids.limit: the pids controller is not available under ROOT");
	res.pids = nullptr;
	net.class_id = {7, true};
	res.network = &net;
	EXPECT_EQ(ErrorFor(Layout::V1, res),
		  "linux.resources.network.classID: the net_cls controller is not available under "
		  "ROOT");
	res.network = nullptr;
	m.swappiness = U64(5);
	res.memory = &m;
	EXPECT_EQ(ErrorFor(Layout::V2, res, "cpu"),
		  "linux.resources.memory.swappiness: the memory controller is not available under "
		  "ROOT");
}

TEST(PlanMissing, NullResourcesStillCreateAndEnter)
{
	Tree t(Layout::V2);
	Cgroup cg;
	Plan plan;
	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", nullptr, &cg, &plan), "");
	EXPECT_EQ(Lines(plan.plan),
		  (V{"cgroup-create mkdir -p " + t.root() + "/x (mode 0755)",
		     "cgroup-devices attach a device program to cgroup2:/x (11 rules: the "
		     "config's 0, then kakoi's 11 defaults; 142 instructions, default deny)",
		     "cgroup-enter write the init's pid to /x/cgroup.procs in cgroup2"}));
}

} // namespace
