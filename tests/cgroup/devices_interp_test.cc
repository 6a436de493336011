// The userspace model of the kernel (runtime/cgroup/bpf/interp.h), checked
// against the kernel itself (root, no sandbox): for a set of rule lists,
// fixed and pseudo-random, the generated program passes the model's checks
// and the verifier, and for every probe (mknod of char and block numbers,
// opens of this host's harmless device nodes) the kernel, the model running
// the program and the reference semantics give the same answer. Programs
// the verifier refuses are refused by the model too. The fuzz target
// (fuzz/devices_bpf_fuzz.c) relies on this agreement.
#include <stdlib.h>

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/cgroup/bpf/devprog.h"
#include "runtime/cgroup/bpf/insn.h"
#include "runtime/cgroup/bpf/interp.h"
#include "runtime/cgroup/bpf/kernel.h"
#include "runtime/sys/sys.h"
#include "tests/cgroup/bpf_host.h"

namespace
{

using bpfhost::Probe;
using Rules = std::vector<kk_device_rule>;

constexpr unsigned M = BPF_DEVCG_ACC_MKNOD, R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE;

kk_device_rule Rule(bool allow, char type, int64_t major, int64_t minor, const char *access)
{
	return {allow, type, {major, major >= 0}, {minor, minor >= 0}, access};
}

std::string Text(const Rules &rules)
{
	std::ostringstream out;
	for (const auto &r : rules)
		out << (r.allow ? "allow " : "deny ") << r.type << " "
		    << (r.major.set ? std::to_string(r.major.value) : "*") << ":"
		    << (r.minor.set ? std::to_string(r.minor.value) : "*") << " "
		    << (r.access ? r.access : "(none)") << "; ";
	return out.str();
}

// Every probe worth asking: opens of the nodes this host has, mknods of
// char and block devices with the numbers the rules name and a few others.
std::vector<Probe> ProbesFor(const Rules &rules)
{
	static const Probe opens[] = {
		{'c', 1, 3, R},	   {'c', 1, 3, W},     {'c', 1, 3, R | W}, {'c', 1, 5, R},
		{'c', 1, 7, W},	   {'c', 1, 9, R | W}, {'c', 5, 0, R},	   {'c', 10, 200, R | W},
		{'c', 10, 237, R}, {'b', 7, 7, R},
	};
	std::vector<Probe> out;
	for (const auto &p : opens)
		if (bpfhost::NodeFor(p.type, p.major, p.minor)[0] != '\0')
			out.push_back(p);
	std::vector<std::pair<uint32_t, uint32_t>> numbers = {{1, 3}, {42, 7}, {7, 7}};
	for (const auto &r : rules)
		numbers.push_back(
			{r.major.set && r.major.value >= 0 ? (uint32_t)r.major.value : 3,
			 r.minor.set && r.minor.value >= 0 ? (uint32_t)r.minor.value : 9});
	// mknod(2) takes a 32-bit dev_t: a 12-bit major, a 20-bit minor.
	for (const auto &n : numbers)
		for (char type : {'c', 'b'})
			if (n.first < (1u << 12) && n.second < (1u << 20))
				out.push_back({type, n.first, n.second, M});
	return out;
}

std::vector<Rules> FixedLists()
{
	return {
		{},
		{Rule(true, 'a', -1, -1, "rwm")},
		{Rule(true, 'a', -1, -1, "rwm"), Rule(false, 'c', 1, 3, "rwm")},
		{Rule(true, 'c', 1, 3, "rwm"), Rule(false, 'c', 1, 3, "r")},
		{Rule(true, 'c', 1, 3, "r"), Rule(true, 'c', 1, -1, "w")},
		{Rule(true, 'c', -1, -1, "m"), Rule(true, 'b', -1, -1, "m"),
		 Rule(false, 'b', 7, 7, "m")},
		{Rule(true, 'a', -1, -1, ""), Rule(false, 'c', 10, -1, "w")},
		{Rule(false, 'a', -1, -1, "rwm"), Rule(true, 'c', 1, -1, "rw"),
		 Rule(true, 'b', 7, -1, "r")},
		// Numbers beyond 32 bits match nothing; 2^31 and more match exactly.
		{Rule(true, 'c', 1LL << 32, -1, "rwm"), Rule(true, 'c', 2147483648LL, 5, "m")},
	};
}

// Pseudo-random lists over the numbers the probes use, seeded: the same
// lists every run.
std::vector<Rules> RandomLists(size_t count)
{
	static const int64_t majors[] = {-1, 1, 5, 7, 10, 42};
	static const int64_t minors[] = {-1, 3, 5, 7, 9, 200, 237, 0};
	static const char *const access[] = {"r", "w", "m", "rw", "rm", "wm", "rwm", ""};
	unsigned seed = 15;
	std::vector<Rules> out;
	for (size_t l = 0; l < count; l++) {
		Rules rules;
		size_t n = rand_r(&seed) % 9;
		for (size_t i = 0; i < n; i++)
			rules.push_back(Rule(rand_r(&seed) % 2, "acb"[rand_r(&seed) % 3],
					     majors[rand_r(&seed) % 6], minors[rand_r(&seed) % 8],
					     access[rand_r(&seed) % 8]));
		out.push_back(rules);
	}
	return out;
}

// What the model says of one probe on the program, or -1 on a model error.
int ModelAllows(const kk_devprog &p, const Probe &probe)
{
	bpf_cgroup_dev_ctx ctx = {};
	ctx.access_type = (probe.access << 16) |
			  (probe.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	ctx.major = probe.major;
	ctx.minor = probe.minor;
	uint64_t ret = 0;
	kk_error err = {};
	if (kk_bpf_run(p.insns, p.n, &ctx, 1 << 20, &ret, &err) < 0) {
		ADD_FAILURE() << err.msg;
		return -1;
	}
	return static_cast<int>(ret);
}

void Agree(const bpfhost::Dir &dir, const Rules &rules)
{
	SCOPED_TRACE(Text(rules));
	kk_devprog p = {};
	kk_error err = {};
	ASSERT_EQ(kk_devprog_build(&p, rules.data(), rules.size(), &err), 0) << err.msg;
	EXPECT_EQ(kk_bpf_check(p.insns, p.n, &err), 0) << err.msg;
	int fd = kk_devprog_load(&p, &err);
	ASSERT_GE(fd, 0) << err.msg;
	ASSERT_EQ(kk_devprog_attach(dir.fd(), fd, &err), 0) << err.msg;
	std::vector<Probe> probes = ProbesFor(rules);
	std::vector<int> kernel = bpfhost::RunIn(dir.path(), probes);
	ASSERT_EQ(kernel.size(), probes.size());
	for (size_t i = 0; i < probes.size(); i++) {
		const Probe &pr = probes[i];
		int model = ModelAllows(p, pr);
		bool ref = kk_devrules_allow(rules.data(), rules.size(), pr.type, pr.major,
					     pr.minor, pr.access);
		EXPECT_EQ(model, kernel[i] == 0 ? 1 : 0)
			<< pr.type << " " << pr.major << ":" << pr.minor << " access " << pr.access;
		EXPECT_EQ(ref, kernel[i] == 0)
			<< pr.type << " " << pr.major << ":" << pr.minor << " access " << pr.access;
	}
	uint32_t id = 0;
	kk_devprog_id(fd, &id, &err);
	EXPECT_EQ(kk_devprog_detach(dir.fd(), id, &err), 0) << err.msg;
	close(fd);
	kk_devprog_free(&p);
}

TEST(DeviceInterp, AgreesWithTheKernelOnFixedAndRandomRuleLists)
{
	if (!bpfhost::Usable())
		GTEST_SKIP() << "needs root and a cgroup2 hierarchy";
	bpfhost::Dir dir("interp");
	ASSERT_TRUE(dir.ok());
	for (const auto &rules : FixedLists())
		Agree(dir, rules);
	for (const auto &rules : RandomLists(40))
		Agree(dir, rules);
}

// Loads insns in the kernel: whether the verifier accepts them.
bool KernelAccepts(const std::vector<bpf_insn> &insns)
{
	kk_devprog p = {const_cast<bpf_insn *>(insns.data()), insns.size(), insns.size()};
	kk_error err = {};
	int fd = kk_devprog_load(&p, &err);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

// Whether the model accepts them: its checks, then a run on one request.
bool ModelAccepts(const std::vector<bpf_insn> &insns)
{
	bpf_cgroup_dev_ctx ctx = {(R << 16) | BPF_DEVCG_DEV_CHAR, 1, 3};
	uint64_t ret;
	kk_error err = {};
	return kk_bpf_check(insns.data(), insns.size(), &err) == 0 &&
	       kk_bpf_run(insns.data(), insns.size(), &ctx, 1000, &ret, &err) == 0;
}

TEST(DeviceInterp, RefusesWhatTheVerifierRefuses)
{
	if (geteuid() != 0)
		GTEST_SKIP() << "needs root";
	const bpf_insn ret0 = kk_insn_alu32_imm(BPF_MOV, 0, 0),
		       ret1 = kk_insn_alu32_imm(BPF_MOV, 0, 1);
	const bpf_insn exit = kk_insn_exit();
	struct Case {
		const char *what;
		std::vector<bpf_insn> insns;
		bool valid;
	} cases[] = {
		{"return 0", {ret0, exit}, true},
		{"return 1", {ret1, exit}, true},
		{"return 2", {kk_insn_alu32_imm(BPF_MOV, 0, 2), exit}, false},
		{"r0 never set", {exit}, false},
		{"falls off the end", {ret0}, false},
		{"unreachable", {ret0, exit, ret1, exit}, false},
		{"jump out", {kk_insn_jmp_imm(BPF_JEQ, 1, 0, 5), ret0, exit}, false},
		{"read r7 unset",
		 {kk_insn_alu32_reg(BPF_MOV, 0, 7), kk_insn_alu32_imm(BPF_AND, 0, 1), exit},
		 false},
		{"load past the context", {kk_insn_ldx_w(2, 1, 12), ret0, exit}, false},
		{"unaligned load", {kk_insn_ldx_w(2, 1, 2), ret0, exit}, false},
		{"narrow load of access_type",
		 {{BPF_LDX | BPF_H | BPF_MEM, 2, 1, 2, 0}, ret0, exit},
		 true},
		{"narrow load of major",
		 {{BPF_LDX | BPF_B | BPF_MEM, 2, 1, 4, 0}, ret0, exit},
		 false},
		{"load from a scalar", {ret0, kk_insn_ldx_w(2, 0, 0), exit}, false},
		{"a helper call", {{BPF_JMP | BPF_CALL, 0, 0, 0, 1}, ret0, exit}, false},
		{"shift by 32", {ret0, kk_insn_alu32_imm(BPF_LSH, 0, 32), exit}, false},
	};
	for (const auto &c : cases) {
		EXPECT_EQ(KernelAccepts(c.insns), c.valid) << c.what;
		EXPECT_EQ(ModelAccepts(c.insns), c.valid) << c.what;
	}
}

} // namespace
