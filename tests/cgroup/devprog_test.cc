// The device program generator without a kernel: every program passes the
// model of the verifier and, run in the model, answers every request of a
// small universe as the reference semantics do; what is left out (rules
// after an unconditional one, numbers beyond 32 bits) changes nothing; a
// list too long is a limit error. The model itself is checked against the
// kernel by devices_interp_test.
#include <stdlib.h>

#include <vector>

#include <gtest/gtest.h>

#include "runtime/cgroup/bpf/devprog.h"
#include "runtime/cgroup/bpf/interp.h"

namespace
{

using Rules = std::vector<kk_device_rule>;

kk_device_rule Rule(bool allow, char type, int64_t major, int64_t minor, const char *access)
{
	return {allow, type, {major, major != -1}, {minor, minor != -1}, access};
}

struct Program {
	kk_devprog p = {};
	kk_error err = {};
	explicit Program(const Rules &rules)
	{
		EXPECT_EQ(kk_devprog_build(&p, rules.data(), rules.size(), &err), 0) << err.msg;
		EXPECT_EQ(kk_bpf_check(p.insns, p.n, &err), 0) << err.msg;
	}
	~Program()
	{
		kk_devprog_free(&p);
	}
	std::vector<uint64_t> Words() const
	{
		std::vector<uint64_t> out(p.n);
		memcpy(out.data(), p.insns, p.n * sizeof(*p.insns));
		return out;
	}
};

TEST(Devprog, AnswersEveryRequestAsTheReferenceDoes)
{
	static const int64_t numbers[] = {-1, 0, 1, 2, 4294967295LL, 4294967296LL, -7};
	static const char *const access[] = {"r", "w", "m", "rw", "rm", "wm", "rwm", "", nullptr};
	static const uint32_t asked[] = {0, 1, 2, 4294967295u};
	unsigned seed = 7;
	for (int list = 0; list < 300; list++) {
		Rules rules;
		for (int i = rand_r(&seed) % 7; i > 0; i--)
			rules.push_back(Rule(rand_r(&seed) % 2, "acb"[rand_r(&seed) % 3],
					     numbers[rand_r(&seed) % 7], numbers[rand_r(&seed) % 7],
					     access[rand_r(&seed) % 9]));
		Program prog(rules);
		for (char type : {'c', 'b'})
			for (uint32_t major : asked)
				for (uint32_t minor : asked)
					for (unsigned acc = 0; acc < 8; acc++) {
						bpf_cgroup_dev_ctx ctx = {
							(acc << 16) | (type == 'b' ? 1u : 2u),
							major, minor};
						uint64_t ret = 2;
						kk_error err = {};
						ASSERT_EQ(kk_bpf_run(prog.p.insns, prog.p.n, &ctx,
								     prog.p.n, &ret, &err),
							  0)
							<< err.msg;
						ASSERT_EQ(ret == 1,
							  kk_devrules_allow(rules.data(),
									    rules.size(), type,
									    major, minor, acc))
							<< "list " << list << ": " << type << " "
							<< major << ":" << minor << " access "
							<< acc;
					}
	}
}

TEST(Devprog, NothingIsEmittedBeforeAnUnconditionalRule)
{
	Rules all = {Rule(true, 'c', 1, 3, "rw"), Rule(false, 'a', -1, -1, "rwm"),
		     Rule(true, 'b', 7, -1, "m")};
	Rules tail(all.begin() + 1, all.end());
	EXPECT_EQ(Program(all).Words(), Program(tail).Words());
	// An unconditional rule with fewer letters is not final.
	all[1].access = "rw";
	EXPECT_NE(Program(all).Words(), Program(Rules(all.begin() + 1, all.end())).Words());
}

TEST(Devprog, RulesBeyondThirtyTwoBitsAreLeftOut)
{
	Rules beyond = {Rule(true, 'c', 4294967296LL, -1, "rwm"),
			Rule(false, 'b', 1, 4294967297LL, "r")};
	EXPECT_EQ(Program(beyond).Words(), Program({}).Words());
}

TEST(Devprog, AListTooLongForTheKernelIsALimitError)
{
	Rules rules(60000, Rule(true, 'c', 1, 3, "rw"));
	kk_devprog p = {};
	kk_error err = {};
	EXPECT_EQ(kk_devprog_build(&p, rules.data(), rules.size(), &err), -1);
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_EQ(std::string(err.msg).rfind("linux.resources.devices: ", 0), 0u) << err.msg;
	kk_devprog_free(&p);
}

} // namespace
