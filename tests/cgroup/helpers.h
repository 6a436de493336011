// Small helpers shared by the cgroup tests: opening a cgroup, listing a
// plan as "<type> <description>" lines, running the host phases.
#ifndef KK_TESTS_CGROUP_HELPERS_H
#define KK_TESTS_CGROUP_HELPERS_H

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/exec/ctx.h"
#include "runtime/exec/plan.h"
#include "runtime/exec/undo.h"

namespace cgtest
{

struct Cgroup {
	kk_cgroup *cg = nullptr;
	~Cgroup()
	{
		kk_cgroup_free(cg);
	}
};

struct Plan {
	kk_plan plan{};
	~Plan()
	{
		kk_plan_free(&plan);
	}
};

inline std::vector<std::string> Lines(const kk_plan &plan)
{
	std::vector<std::string> out;
	for (size_t i = 0; i < plan.n; i++) {
		char buf[1024];
		kk_op_describe(&plan.ops[i], buf, sizeof(buf));
		out.push_back(std::string(plan.ops[i].type->name) + " " + buf);
	}
	return out;
}

// The cgroup-set lines only, without the "cgroup-set write " prefix.
inline std::vector<std::string> Sets(const kk_plan &plan)
{
	std::vector<std::string> out;
	for (const auto &l : Lines(plan))
		if (l.rfind("cgroup-set write ", 0) == 0)
			out.push_back(l.substr(17));
	return out;
}

// Plans res for the cgroup at path under root; returns the error text or "".
inline std::string PlanFor(const std::string &root, const char *path, const kk_resources *res,
			   Cgroup *cg, Plan *plan)
{
	kk_error err = {};
	if (kk_cgroup_open(root.c_str(), path, "c1", &cg->cg, &err) < 0)
		return err.msg;
	if (kk_plan_cgroup(&plan->plan, cg->cg, res, &err) < 0)
		return err.msg;
	return "";
}

// Runs host-prepare then host-attach with a fresh undo stack in *undo.
inline std::string Apply(const kk_plan &plan, kk_cgroup *cg, pid_t pid, kk_undo *undo)
{
	kk_ctx ctx;
	kk_error err = {};
	kk_ctx_init(&ctx);
	ctx.undo = undo;
	ctx.cgroup = cg;
	ctx.init_pid = pid;
	if (kk_plan_run(&plan, KK_PHASE_HOST_PREPARE, &ctx, &err) < 0 ||
	    kk_plan_run(&plan, KK_PHASE_HOST_ATTACH, &ctx, &err) < 0)
		return err.msg;
	return "";
}

inline kk_opt_i64 I64(int64_t v)
{
	return {v, true};
}
inline kk_opt_u64 U64(uint64_t v)
{
	return {v, true};
}

} // namespace cgtest

#endif
