// kk_cgroup_update on fake trees: the same field -> file mapping and
// conversions as create's plan, written at once; runc's update semantics
// (zeros and devices left alone, memory/memsw order, memory -1 implies swap
// -1); every write's undo restoring the old value, so a failed write
// followed by kk_undo_rollback leaves the tree exactly as it was.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/cgroup/update.h"
#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using cgtest::I64;
using cgtest::U64;
using fakecg::Layout;
using fakecg::read_file;
using fakecg::Tree;
using fakecg::write_file;
using V = std::vector<std::string>;

const char *const kMax = "9223372036854771712";

// The container's directories as create left them (values without the
// trailing newline so a restore compares equal byte for byte).
void MakeV1Container(const std::string &r)
{
	const std::string c = "/kakoi/c1";
	for (const char *h : {"memory", "cpu,cpuacct", "cpuset", "pids", "blkio", "devices"}) {
		mkdir((r + "/" + h + "/kakoi").c_str(), 0755);
		mkdir((r + "/" + h + c).c_str(), 0755);
	}
	write_file(r + "/memory" + c + "/memory.limit_in_bytes", kMax);
	write_file(r + "/memory" + c + "/memory.memsw.limit_in_bytes", kMax);
	write_file(r + "/memory" + c + "/memory.soft_limit_in_bytes", kMax);
	write_file(r + "/cpu,cpuacct" + c + "/cpu.shares", "1024");
	write_file(r + "/cpu,cpuacct" + c + "/cpu.cfs_quota_us", "-1");
	write_file(r + "/cpu,cpuacct" + c + "/cpu.cfs_period_us", "100000");
	write_file(r + "/cpuset" + c + "/cpuset.cpus", "0-3");
	write_file(r + "/cpuset" + c + "/cpuset.mems", "0");
	write_file(r + "/pids" + c + "/pids.max", "max");
	write_file(r + "/blkio" + c + "/blkio.weight", "500");
}

// A v2 container directory with its cpu.max, memory.max and
// memory.swap.max; returns the directory with a trailing slash.
std::string MakeV2Container(const std::string &r, const char *cpu_max, const char *memory_max,
			    const char *swap_max)
{
	const std::string d = r + "/kakoi/c1/";
	mkdir((r + "/kakoi").c_str(), 0755);
	mkdir(d.c_str(), 0755);
	write_file(d + "cpu.max", cpu_max);
	write_file(d + "memory.max", memory_max);
	write_file(d + "memory.swap.max", swap_max);
	return d;
}

struct Update {
	Cgroup cg;
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	~Update()
	{
		kk_undo_forget(&undo);
	}
	// Runs kk_cgroup_update; returns its error text or "".
	std::string Run(const std::string &root, const kk_resources &res)
	{
		if (cg.cg == nullptr &&
		    kk_cgroup_open(root.c_str(), nullptr, "c1", &cg.cg, &err) < 0)
			return err.msg;
		return kk_cgroup_update(cg.cg, &res, &undo, &err) < 0 ? err.msg : "";
	}
};

TEST(CgroupUpdate, V1WritesEachFieldAndUndoRestoresIt)
{
	Tree t(Layout::V1);
	MakeV1Container(t.root());
	auto before = fakecg::snapshot();
	kk_memory m = {};
	kk_cpu c = {};
	kk_pids p = {10};
	kk_blkio b = {};
	kk_resources res = {};
	m.limit = I64(64 << 20);
	m.reservation = I64(32 << 20);
	c.shares = U64(512);
	c.quota = I64(50000);
	c.period = U64(200000);
	c.cpus = "1";
	c.mems = "0";
	b.weight = {300, true};
	res.memory = &m, res.cpu = &c, res.pids = &p, res.block_io = &b;
	Update u;

	ASSERT_EQ(u.Run(t.root(), res), "");
	EXPECT_EQ(
		fakecg::state().writes,
		(V{"/memory/kakoi/c1/memory.limit_in_bytes=67108864",
		   "/memory/kakoi/c1/memory.soft_limit_in_bytes=33554432",
		   "/pids/kakoi/c1/pids.max=10", "/cpu,cpuacct/kakoi/c1/cpu.shares=512",
		   "/cpu,cpuacct/kakoi/c1/cpu.cfs_period_us=200000",
		   "/cpu,cpuacct/kakoi/c1/cpu.cfs_quota_us=50000", "/cpuset/kakoi/c1/cpuset.cpus=1",
		   "/cpuset/kakoi/c1/cpuset.mems=0", "/blkio/kakoi/c1/blkio.weight=300"}));
	EXPECT_EQ(u.undo.n, 9u);
	EXPECT_NE(fakecg::snapshot(), before);
	ASSERT_EQ(kk_undo_run(&u.undo, &u.err), 0) << u.err.msg;
	EXPECT_EQ(fakecg::snapshot(), before);
	EXPECT_EQ(read_file(t.root() + "/cpuset/kakoi/c1/cpuset.cpus"), "0-3");
}

// runc: zero is "unchanged"; devices, hugepages, network, swappiness and
// the OOM killer are not what update changes.
TEST(CgroupUpdate, ZerosAndFieldsRuncIgnoresWriteNothing)
{
	Tree t(Layout::V1);
	MakeV1Container(t.root());
	kk_device_rule rule = {};
	kk_memory m = {};
	kk_cpu c = {};
	kk_pids p = {0};
	kk_network n = {};
	kk_hugepage_limit hp = {"2MB", 1};
	kk_resources res = {};
	rule.allow = true;
	rule.type = 'c';
	m.limit = I64(0);
	m.swappiness = U64(10);
	m.disable_oom_killer = {true, true};
	m.kernel = I64(1 << 20);
	c.shares = U64(0);
	c.cpus = "";
	n.class_id = {7, true};
	res.devices = &rule, res.n_devices = 1, res.memory = &m, res.cpu = &c, res.pids = &p;
	res.network = &n, res.hugepage_limits = &hp, res.n_hugepage_limits = 1;
	Update u;

	ASSERT_EQ(u.Run(t.root(), res), "");
	EXPECT_EQ(fakecg::state().writes, V{});
	EXPECT_EQ(u.undo.n, 0u);
}

// Raising memory above the current memsw needs memsw first; lowering both
// needs memory first (runc's setMemoryAndSwap).
TEST(CgroupUpdate, V1MemoryAndSwapOrderFollowsTheCurrentLimit)
{
	Tree t(Layout::V1);
	MakeV1Container(t.root());
	const std::string dir = t.root() + "/memory/kakoi/c1/";
	write_file(dir + "memory.limit_in_bytes", "104857600");
	write_file(dir + "memory.memsw.limit_in_bytes", "209715200");
	kk_memory m = {};
	kk_resources res = {};
	m.limit = I64(300 << 20);
	m.swap = I64(600 << 20);
	res.memory = &m;
	{
		Update u;
		ASSERT_EQ(u.Run(t.root(), res), "");
		EXPECT_EQ(fakecg::state().writes,
			  (V{"/memory/kakoi/c1/memory.memsw.limit_in_bytes=629145600",
			     "/memory/kakoi/c1/memory.limit_in_bytes=314572800"}));
	}
	fakecg::state().writes.clear();
	m.limit = I64(50 << 20);
	m.swap = I64(100 << 20);
	{
		Update u;
		ASSERT_EQ(u.Run(t.root(), res), "");
		EXPECT_EQ(fakecg::state().writes,
			  (V{"/memory/kakoi/c1/memory.limit_in_bytes=52428800",
			     "/memory/kakoi/c1/memory.memsw.limit_in_bytes=104857600"}));
	}
}

TEST(CgroupUpdate, UnlimitedMemoryMakesSwapUnlimitedWhenAccounted)
{
	Tree t(Layout::V1);
	MakeV1Container(t.root());
	kk_memory m = {};
	kk_resources res = {};
	m.limit = I64(-1);
	res.memory = &m;
	{
		Update u;
		ASSERT_EQ(u.Run(t.root(), res), "");
		EXPECT_EQ(fakecg::state().writes,
			  (V{"/memory/kakoi/c1/memory.memsw.limit_in_bytes=-1",
			     "/memory/kakoi/c1/memory.limit_in_bytes=-1"}));
	}
	fakecg::state().writes.clear();
	unlink((t.root() + "/memory/kakoi/c1/memory.memsw.limit_in_bytes").c_str());
	{
		Update u;
		ASSERT_EQ(u.Run(t.root(), res), "");
		EXPECT_EQ(fakecg::state().writes, V{"/memory/kakoi/c1/memory.limit_in_bytes=-1"});
	}
}

// The assurance runc lacks: a failing write leaves every earlier one undone.
TEST(CgroupUpdate, FailedWriteRollsBackTheEarlierOnes)
{
	Tree t(Layout::V1);
	MakeV1Container(t.root());
	auto before = fakecg::snapshot();
	kk_memory m = {};
	kk_cpu c = {};
	kk_pids p = {99};
	kk_resources res = {};
	m.limit = I64(64 << 20);
	c.shares = U64(256);
	c.cpus = "7";
	res.memory = &m, res.cpu = &c, res.pids = &p;
	fakecg::state().fail_write_at = 4; // memory, pids, shares, then cpuset.cpus
	fakecg::state().fail_errno = EINVAL;
	Update u;

	EXPECT_EQ(u.Run(t.root(), res), "linux.resources.cpu.cpus: write " + t.root() +
						"/cpuset/kakoi/c1/cpuset.cpus: Invalid argument");
	EXPECT_EQ(u.undo.n, 3u);
	kk_undo_rollback(&u.undo, &u.err);
	EXPECT_EQ(u.undo.n, 0u);
	// The fake truncates a file it opens for writing even when the write
	// then fails (cgroupfs keeps the old value): put that one back.
	write_file(t.root() + "/cpuset/kakoi/c1/cpuset.cpus", "0-3");
	EXPECT_EQ(fakecg::snapshot(), before);
	EXPECT_EQ(read_file(t.root() + "/memory/kakoi/c1/memory.limit_in_bytes"), kMax);
	EXPECT_EQ(read_file(t.root() + "/pids/kakoi/c1/pids.max"), "max");
	EXPECT_EQ(read_file(t.root() + "/cpu,cpuacct/kakoi/c1/cpu.shares"), "1024");
}

TEST(CgroupUpdate, UnreadableOldValueFailsBeforeWriting)
{
	Tree t(Layout::V1);
	MakeV1Container(t.root());
	unlink((t.root() + "/pids/kakoi/c1/pids.max").c_str());
	kk_pids p = {5};
	kk_resources res = {};
	res.pids = &p;
	Update u;

	EXPECT_EQ(u.Run(t.root(), res),
		  "linux.resources.pids.limit: read " + t.root() +
			  "/pids/kakoi/c1/pids.max: No such file or directory");
	EXPECT_EQ(fakecg::state().writes, V{});
}

TEST(CgroupUpdate, MissingControllerFailsBeforeWriting)
{
	Tree t(Layout::V2, "cpu pids");
	mkdir((t.root() + "/kakoi").c_str(), 0755);
	mkdir((t.root() + "/kakoi/c1").c_str(), 0755);
	write_file(t.root() + "/kakoi/c1/pids.max", "max");
	kk_memory m = {};
	kk_pids p = {5};
	kk_resources res = {};
	m.limit = I64(1 << 20);
	res.memory = &m, res.pids = &p;
	Update u;

	EXPECT_EQ(u.Run(t.root(), res), "linux.resources.memory.limit: the memory controller is "
					"not available under " +
						t.root());
	EXPECT_EQ(fakecg::state().writes, V{});
}

// v2 through the same writers: cpu.weight from shares, cpu.max, and
// memory.swap.max = swap - limit.
TEST(CgroupUpdate, V2ConversionsAreCreates)
{
	Tree t(Layout::V2);
	const std::string d = MakeV2Container(t.root(), "max 100000", "max", "max");
	write_file(d + "cpu.weight", "100");
	write_file(d + "pids.max", "max");
	auto before = fakecg::snapshot();
	kk_memory m = {};
	kk_cpu c = {};
	kk_pids p = {-1};
	kk_resources res = {};
	m.limit = I64(1 << 20);
	m.swap = I64(3 << 20);
	c.shares = U64(1024);
	c.quota = I64(50000);
	c.period = U64(100000);
	res.memory = &m, res.cpu = &c, res.pids = &p;
	Update u;

	ASSERT_EQ(u.Run(t.root(), res), "");
	EXPECT_EQ(fakecg::state().writes,
		  (V{"/kakoi/c1/memory.max=1048576", "/kakoi/c1/memory.swap.max=2097152",
		     "/kakoi/c1/pids.max=max", "/kakoi/c1/cpu.weight=39",
		     "/kakoi/c1/cpu.max=50000 100000"}));
	kk_undo_rollback(&u.undo, &u.err);
	EXPECT_EQ(fakecg::snapshot(), before);
}

// v2 keeps quota and period in one file and swap relative to the limit:
// what the update leaves out comes from the cgroup, as runc fills it from
// its saved config. A quota-only update keeps the period, a period-only one
// the quota, a swap-only one the memory limit.
TEST(CgroupUpdate, V2PairsKeepTheHalfTheUpdateLeavesOut)
{
	Tree t(Layout::V2);
	const std::string d = MakeV2Container(t.root(), "30000 250000", "4194304", "0");

	kk_cpu quota_only = {};
	quota_only.quota = I64(50000);
	kk_resources a = {};
	a.cpu = &quota_only;
	Update u1;
	ASSERT_EQ(u1.Run(t.root(), a), "");
	EXPECT_EQ(read_file(d + "cpu.max"), "50000 250000");

	kk_cpu period_only = {};
	period_only.period = U64(200000);
	kk_resources b = {};
	b.cpu = &period_only;
	Update u2;
	ASSERT_EQ(u2.Run(t.root(), b), "");
	EXPECT_EQ(read_file(d + "cpu.max"), "50000 200000");

	kk_memory swap_only = {};
	swap_only.swap = I64(6 << 20);
	kk_resources c = {};
	c.memory = &swap_only;
	Update u3;
	ASSERT_EQ(u3.Run(t.root(), c), "");
	EXPECT_EQ(read_file(d + "memory.swap.max"), "2097152");
	EXPECT_EQ(read_file(d + "memory.max"), "4194304");

	write_file(d + "memory.max", "max");
	Update u4;
	EXPECT_NE(u4.Run(t.root(), c).find("a swap limit needs a memory limit"), std::string::npos)
		<< "an unlimited memory has nothing to put swap on top of (runc: the same)";
}

} // namespace
