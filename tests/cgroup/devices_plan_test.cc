// The cgroup-devices op on fake trees (no root; the kernel's bpf(2) is
// fake_bpf.h): planned where the layout has a cgroup2 hierarchy and only
// there, described for `kakoi plan`, applied as one kakoi program on the
// container's cgroup2 directory that the undo detaches; update with device
// rules replaces it (one left), update without leaves it; the v1 list of
// a hybrid host is written as before; bpf(2) refused is a warning on a
// hybrid host and an error on a pure v2 one. The real kernel:
// devices_host_test.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/warn.h"
#include "runtime/cgroup/bpf/kernel.h"
#include "runtime/cgroup/update.h"
#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using cgtest::I64;
using cgtest::Lines;
using cgtest::Plan;
using fakecg::Layout;
using fakecg::Tree;
using V = std::vector<std::string>;

// Deny everything, then allow rw of /dev/net/tun.
struct Rules {
	kk_device_rule rule[2] = {{false, 'a', {}, {}, "rwm"},
				  {true, 'c', I64(10), I64(200), "rw"}};
	kk_resources res = {};
	Rules()
	{
		res.devices = rule;
		res.n_devices = 2;
	}
};

V DeviceOps(const kk_plan &plan)
{
	V out;
	for (const auto &l : Lines(plan))
		if (l.rfind("cgroup-devices ", 0) == 0)
			out.push_back(l);
	return out;
}

// The ids of kakoi programs on dir (through the fake).
std::vector<uint32_t> Attached(const std::string &dir)
{
	int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	uint32_t *ids = nullptr;
	size_t n = 0;
	kk_error err = {};
	EXPECT_EQ(kk_devprog_query(fd, true, &ids, &n, &err), 0) << err.msg;
	close(fd);
	std::vector<uint32_t> out(ids, ids + n);
	free(ids);
	return out;
}

// A container's cgroup on a fake tree, planned with Rules' list; Apply()
// runs the host phases; what the undo holds is run at the end.
struct Planned {
	Rules r;
	Tree t;
	Cgroup cg;
	Plan plan;
	kk_undo undo = KK_UNDO_INIT;
	std::string dir; // the container's directory in the cgroup2 hierarchy
	explicit Planned(Layout l) : t(l)
	{
		dir = t.root() + (l == Layout::HYBRID ? "/unified" : "") + "/kakoi/c1";
		EXPECT_EQ(cgtest::PlanFor(t.root(), nullptr, &r.res, &cg, &plan), "");
	}
	~Planned()
	{
		kk_undo_cleanup(&undo);
	}
	std::string Apply()
	{
		return cgtest::Apply(plan.plan, cg.cg, 4242, &undo);
	}
};

TEST(DevicesPlan, OnlyWhereThereIsACgroup2Hierarchy)
{
	Rules r;
	for (Layout l : {Layout::V1, Layout::V2, Layout::HYBRID}) {
		Tree t(l);
		Cgroup cg;
		Plan plan;
		ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", &r.res, &cg, &plan), "");
		V ops = DeviceOps(plan.plan);
		if (l == Layout::V1) {
			EXPECT_EQ(ops, V{});
			continue;
		}
		ASSERT_EQ(ops.size(), 1u);
		EXPECT_EQ(ops[0].rfind(std::string("cgroup-devices attach a device program to ") +
					       (l == Layout::V2 ? "cgroup2" : "unified") +
					       ":/x (13 rules: the config's 2, then kakoi's 11 "
					       "defaults; ",
				       0),
			  0u)
			<< ops[0];
		// Before the init enters, in host-prepare.
		EXPECT_EQ(Lines(plan.plan).back().rfind("cgroup-enter ", 0), 0u);
	}
}

TEST(DevicesPlan, HybridWritesTheV1ListToo)
{
	Rules r;
	Tree t(Layout::HYBRID);
	Cgroup cg;
	Plan plan;
	ASSERT_EQ(cgtest::PlanFor(t.root(), "/x", &r.res, &cg, &plan), "");
	V sets = cgtest::Sets(plan.plan);
	ASSERT_GE(sets.size(), 3u);
	EXPECT_EQ(sets[0], "a to devices:/x/devices.deny");
	EXPECT_EQ(sets[2], "c 10:200 rw to devices:/x/devices.allow");
}

TEST(DevicesPlan, ApplyAttachesOneProgramAndTheUndoDetachesIt)
{
	for (Layout l : {Layout::V2, Layout::HYBRID}) {
		Planned p(l);
		kk_error err = {};
		ASSERT_EQ(p.Apply(), "");
		EXPECT_EQ(Attached(p.dir).size(), 1u);
		EXPECT_EQ(fakebpf::attached(), 1u);
		ASSERT_EQ(kk_undo_run(&p.undo, &err), 0) << err.msg;
		EXPECT_EQ(fakebpf::attached(), 0u);
	}
}

std::vector<std::string> warnings;
void Keep(const char *msg)
{
	warnings.push_back(msg);
}

// A kernel (or seccomp profile) that refuses bpf(2) with EPERM: a hybrid
// host still has the v1 list, so create goes on with a warning; a pure v2
// host would have nothing, so create fails.
TEST(DevicesPlan, RefusedBpfIsAWarningOnHybridAndAnErrorOnV2)
{
	for (Layout l : {Layout::HYBRID, Layout::V2}) {
		Planned p(l);
		kk_error err = {};
		warnings.clear();
		kk_warn_set_sink(Keep);
		fakebpf::state().fail_at = 1; // the load
		fakebpf::state().fail_errno = EPERM;
		std::string e = p.Apply();
		kk_warn_set_sink(nullptr);
		EXPECT_EQ(fakebpf::attached(), 0u);
		if (l == Layout::HYBRID) {
			EXPECT_EQ(e, "");
			ASSERT_EQ(warnings.size(), 1u);
			EXPECT_NE(warnings[0].find("only the v1 devices controller enforces"),
				  std::string::npos)
				<< warnings[0];
		} else {
			EXPECT_NE(e.find("bpf load device program: Operation not permitted"),
				  std::string::npos)
				<< e;
			EXPECT_EQ(warnings.size(), 0u);
		}
		EXPECT_EQ(kk_undo_run(&p.undo, &err), 0) << err.msg;
	}
}

TEST(DevicesPlan, UpdateWithRulesReplacesTheProgramWithoutLeavesIt)
{
	Planned c(Layout::V2);
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	ASSERT_EQ(c.Apply(), "");
	kk_undo_forget(&c.undo);
	std::vector<uint32_t> first = Attached(c.dir);
	ASSERT_EQ(first.size(), 1u);

	kk_resources none = {};
	ASSERT_EQ(kk_cgroup_update(c.cg.cg, &none, &undo, &err), 0) << err.msg;
	EXPECT_EQ(Attached(c.dir), first);

	ASSERT_EQ(kk_cgroup_update(c.cg.cg, &c.r.res, &undo, &err), 0) << err.msg;
	kk_undo_forget(&undo);
	std::vector<uint32_t> second = Attached(c.dir);
	ASSERT_EQ(second.size(), 1u);
	EXPECT_NE(second[0], first[0]);
	EXPECT_EQ(fakebpf::attached(), 1u);
}

// Every bpf call of an update failing in turn: the update fails or not, and
// either way exactly one kakoi program is left, the old one on failure.
TEST(DevicesPlan, AFailedUpdateLeavesTheOldProgram)
{
	Planned c(Layout::HYBRID);
	kk_undo undo = KK_UNDO_INIT;
	ASSERT_EQ(c.Apply(), "");
	kk_undo_forget(&c.undo);
	for (int nth = 1;; nth++) {
		std::vector<uint32_t> before = Attached(c.dir);
		kk_error err = {};
		fakebpf::state().fail_at = fakebpf::state().calls + nth;
		int rc = kk_cgroup_update(c.cg.cg, &c.r.res, &undo, &err);
		bool fired = fakebpf::state().calls >= fakebpf::state().fail_at;
		fakebpf::state().fail_at = 0;
		kk_undo_forget(&undo);
		std::vector<uint32_t> after = Attached(c.dir);
		EXPECT_EQ(after.size(), 1u) << "failing call " << nth;
		if (rc < 0) {
			EXPECT_EQ(after, before) << "failing call " << nth;
			EXPECT_NE(std::string(err.msg).find("Input/output error"),
				  std::string::npos)
				<< err.msg;
		}
		if (!fired)
			break;
		ASSERT_LT(nth, 50);
	}
}

} // namespace
