// Fault injection through the syscall seam: whichever mkdirat, write or
// bpf fails, running the undo stack leaves the fake tree exactly as before
// and no device program attached.
#include <string>

#include <gtest/gtest.h>

#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using cgtest::Cgroup;
using cgtest::I64;
using cgtest::Plan;
using fakecg::Layout;
using fakecg::Tree;

struct Resources {
	kk_pids pids = {10};
	kk_memory memory = {};
	kk_cpu cpu = {};
	kk_hugepage_limit huge = {"2MB", 2097152};
	kk_resources res = {};
	Resources()
	{
		memory.limit = I64(1 << 20);
		cpu.cpus = "0";
		res.pids = &pids;
		res.memory = &memory;
		res.cpu = &cpu;
		res.hugepage_limits = &huge;
		res.n_hugepage_limits = 1;
	}
};

enum class Fail { MKDIR, WRITE, BPF };

// Fails the nth call (1-based); returns whether the apply still succeeded.
bool RunFailingAt(Layout layout, Fail which, int nth)
{
	Tree t(layout);
	Resources r;
	Cgroup cg;
	Plan plan;
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};

	if (layout == Layout::V2) // a parent that must stay
		fakecg::make_hier(t.root() + "/kakoi", {"cgroup.subtree_control", ""});
	auto before = fakecg::snapshot();
	EXPECT_EQ(cgtest::PlanFor(t.root(), nullptr, &r.res, &cg, &plan), "");
	if (which == Fail::MKDIR)
		fakecg::state().fail_mkdir_at = nth;
	else if (which == Fail::WRITE)
		fakecg::state().fail_write_at = nth;
	else
		fakebpf::state().fail_at = nth;
	std::string e = cgtest::Apply(plan.plan, cg.cg, 1, &undo);
	fakecg::state().fail_mkdir_at = fakecg::state().fail_write_at = 0;
	fakebpf::state().fail_at = 0;
	EXPECT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	EXPECT_EQ(fakebpf::attached(), 0u) << "failing call " << nth;
	if (!e.empty()) {
		EXPECT_NE(e.find("Input/output error"), std::string::npos) << e;
		// Controllers turned on and off again leave "-x" behind in the
		// fake's plain files; the real file would read as before.
		for (const char *f : {"/cgroup.subtree_control", "/unified/cgroup.subtree_control",
				      "/kakoi/cgroup.subtree_control"})
			if (access((t.root() + f).c_str(), F_OK) == 0)
				fakecg::write_file(t.root() + f, "");
		EXPECT_EQ(fakecg::snapshot(), before) << "failing call " << nth;
	}
	return e.empty();
}

void EveryCallFails(Layout layout, Fail which)
{
	int nth = 1;
	while (!RunFailingAt(layout, which, nth) && nth < 500)
		nth++;
	EXPECT_GT(nth, 1); // at least one call was failed and rolled back
	EXPECT_LT(nth, 500);
}

TEST(Seam, V1Mkdir)
{
	EveryCallFails(Layout::V1, Fail::MKDIR);
}
TEST(Seam, V1Write)
{
	EveryCallFails(Layout::V1, Fail::WRITE);
}
TEST(Seam, V2Mkdir)
{
	EveryCallFails(Layout::V2, Fail::MKDIR);
}
TEST(Seam, V2Write)
{
	EveryCallFails(Layout::V2, Fail::WRITE);
}
TEST(Seam, HybridMkdir)
{
	EveryCallFails(Layout::HYBRID, Fail::MKDIR);
}
TEST(Seam, HybridWrite)
{
	EveryCallFails(Layout::HYBRID, Fail::WRITE);
}
TEST(Seam, V2Bpf)
{
	EveryCallFails(Layout::V2, Fail::BPF);
}
TEST(Seam, HybridBpf)
{
	EveryCallFails(Layout::HYBRID, Fail::BPF);
}

// A concurrent delete removed the shared /kakoi parent between our mkdir of
// it and of the container's directory inside: the create walks again and
// succeeds, and its undo still leaves the tree as before.
TEST(Seam, AParentThatVanishesMidCreateIsMadeAgain)
{
	Tree t(Layout::V1);
	Resources r;
	Cgroup cg;
	Plan plan;
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};

	auto before = fakecg::snapshot();
	ASSERT_EQ(cgtest::PlanFor(t.root(), nullptr, &r.res, &cg, &plan), "");
	fakecg::state().fail_errno = ENOENT;
	fakecg::state().fail_mkdir_at = 2; // the container's own directory
	std::string e = cgtest::Apply(plan.plan, cg.cg, 1, &undo);
	fakecg::state().fail_mkdir_at = 0;
	fakecg::state().fail_errno = EIO;
	EXPECT_EQ(e, "");
	EXPECT_GT(fakecg::state().mkdir_calls, 2);
	EXPECT_EQ(kk_undo_run(&undo, &err), 0) << err.msg;
	EXPECT_EQ(fakecg::snapshot(), before);
}

} // namespace
