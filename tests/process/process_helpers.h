// Helpers for runtime/process tests: parse an inline config, pick ops out of
// a plan by type name, run code in a forked child and collect its report.
#ifndef KK_TESTS_PROCESS_HELPERS_H
#define KK_TESTS_PROCESS_HELPERS_H

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "parser/parser.h"
#include "runtime/exec/ctx.h"
#include "runtime/exec/plan.h"
#include "runtime/process/process.h"

namespace kkproc
{

struct DocDeleter {
	void operator()(const void *doc) const
	{
		kk_doc_free(doc);
	}
};
using Spec = std::unique_ptr<const kk_spec, DocDeleter>;

// The smallest config.json around a process object (its members, no braces)
// and optional extra top-level members (e.g. a "linux" section).
inline std::string Config(const std::string &process_body, const std::string &extra = "")
{
	return R"({"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{)" + process_body +
	       "}" + (extra.empty() ? "" : "," + extra) + "}";
}

inline Spec Parse(const std::string &json, std::string *error = nullptr)
{
	kk_error err = {};
	Spec spec(kk_spec_parse(json.data(), json.size(), &err));

	if (error != nullptr)
		*error = spec ? "" : err.msg;
	return spec;
}

struct Plan {
	kk_plan plan{};
	Plan() = default;
	Plan(const Plan &) = delete;
	~Plan()
	{
		kk_plan_free(&plan);
	}
};

inline kk_ctx NewCtx()
{
	kk_ctx ctx;

	kk_ctx_init(&ctx);
	return ctx;
}

// "name" of each op of one phase, in order.
inline std::vector<std::string> OpNames(const kk_plan &plan, kk_phase phase)
{
	std::vector<std::string> names;

	for (size_t i = 0; i < plan.n; i++)
		if (plan.ops[i].type->phase == phase)
			names.push_back(plan.ops[i].type->name);
	return names;
}

inline std::string Describe(const kk_plan &plan, const std::string &name)
{
	char buf[2048];

	for (size_t i = 0; i < plan.n; i++)
		if (name == plan.ops[i].type->name) {
			kk_op_describe(&plan.ops[i], buf, sizeof(buf));
			return buf;
		}
	return "<no op " + name + ">";
}

// Applies the ops whose type is in `names`, in plan order. Returns 0, or -1
// with the failing op's error in err.
inline int RunOps(const kk_plan &plan, const std::set<std::string> &names, kk_ctx *ctx,
		  kk_error *err)
{
	for (size_t i = 0; i < plan.n; i++) {
		const kk_op *op = &plan.ops[i];

		if (names.count(op->type->name) && op->type->apply(op, ctx, err) < 0)
			return -1;
	}
	return 0;
}

struct ChildResult {
	int status = -1; // exit code, or 128 + signal
	std::string out; // what the child wrote to its report fd
};

// Runs body in a forked child. body gets the report fd (high-numbered,
// close-on-exec) and returns the exit code. A child is killed after 10 s.
inline ChildResult InChild(const std::function<int(int report)> &body)
{
	int p[2];
	ChildResult r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return r;
	pid_t pid = fork();
	if (pid == 0) {
		int report = fcntl(p[1], F_DUPFD_CLOEXEC, 200);

		close(p[0]);
		close(p[1]);
		alarm(10);
		_exit(body(report));
	}
	close(p[1]);
	char buf[4096];
	ssize_t n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		r.out.append(buf, (size_t)n);
	close(p[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return r;
}

inline void Report(int fd, const std::string &s)
{
	if (write(fd, s.data(), s.size()) < 0) {
	}
}

} // namespace kkproc

#endif
