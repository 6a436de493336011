// The plan: ops run by phase in the order added; a failing op stops its
// phase and the error names the phase, the step and the op.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "runtime/exec/ctx.h"
#include "runtime/exec/plan.h"

namespace
{

std::vector<std::string> ran;

int apply_ok(const struct kk_op *op, struct kk_ctx *, struct kk_error *)
{
	ran.push_back(op->path);
	return 0;
}

int apply_fail(const struct kk_op *op, struct kk_ctx *, struct kk_error *err)
{
	ran.push_back(op->path);
	return kk_error_set(err, KK_ERR_SYS, "boom");
}

void describe(const struct kk_op *op, char *buf, size_t len)
{
	snprintf(buf, len, "do %s", op->path);
}

void Add(struct kk_plan *plan, const struct kk_op_type *type, const char *path)
{
	struct kk_op op;
	struct kk_error err = {};
	memset(&op, 0, sizeof(op));
	op.type = type;
	op.path = path;
	ASSERT_EQ(kk_plan_add(plan, &op, &err), 0);
}

const struct kk_op_type host_op = {"host-thing", KK_PHASE_HOST_PREPARE, apply_ok, describe};
const struct kk_op_type init_op = {"init-thing", KK_PHASE_INIT_ROOTFS, apply_ok, describe};
const struct kk_op_type bad_op = {"bad-thing", KK_PHASE_INIT_ROOTFS, apply_fail, describe};

TEST(Plan, RunsOnlyTheRequestedPhaseInOrder)
{
	KK_AUTOPLAN struct kk_plan plan = {};
	struct kk_error err = {};
	struct kk_ctx ctx;
	kk_ctx_init(&ctx);
	ran.clear();
	Add(&plan, &init_op, "a");
	Add(&plan, &host_op, "b");
	Add(&plan, &init_op, "c");
	ASSERT_EQ(kk_plan_run(&plan, KK_PHASE_INIT_ROOTFS, &ctx, &err), 0);
	EXPECT_EQ(ran, (std::vector<std::string>{"a", "c"}));
	ASSERT_EQ(kk_plan_run(&plan, KK_PHASE_HOST_PREPARE, &ctx, &err), 0);
	EXPECT_EQ(ran.back(), "b");
}

TEST(Plan, AFailureStopsThePhaseAndNamesTheStep)
{
	KK_AUTOPLAN struct kk_plan plan = {};
	struct kk_error err = {};
	struct kk_ctx ctx;
	kk_ctx_init(&ctx);
	ran.clear();
	Add(&plan, &init_op, "a");
	Add(&plan, &bad_op, "b");
	Add(&plan, &init_op, "c");
	EXPECT_EQ(kk_plan_run(&plan, KK_PHASE_INIT_ROOTFS, &ctx, &err), -1);
	EXPECT_EQ(ran, (std::vector<std::string>{"a", "b"}));
	EXPECT_EQ(std::string(err.msg), "init-rootfs step 2 bad-thing: do b: boom");
}

TEST(Plan, PrintsEveryOpGroupedByPhase)
{
	KK_AUTOPLAN struct kk_plan plan = {};
	struct kk_error err = {};
	const char *owned = kk_plan_printf(&plan, &err, "/x/%d", 42);
	ASSERT_NE(owned, nullptr);
	Add(&plan, &init_op, owned);
	Add(&plan, &host_op, "h");
	char *buf = nullptr;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	kk_plan_print(&plan, f);
	fclose(f);
	std::string out(buf, len);
	free(buf);
	EXPECT_EQ(out, "host-prepare:\n    2 host-thing         do h\n"
		       "init-rootfs:\n    1 init-thing         do /x/42\n");
}

} // namespace
