// The cgroup v2 device filter on the real kernel (root, no sandbox): a
// program compiled from rules is attached to a test-owned directory of the
// cgroup2 hierarchy (/sys/fs/cgroup/unified on a hybrid host), and a forked
// child in that directory finds its opens and mknods refused with EPERM
// exactly where the rules say. Then kakoi's own paths: the cgroup-devices
// op and its undo, a failed attach, update's replace.
#include <errno.h>
#include <string.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/cgroup/bpf/devprog.h"
#include "runtime/cgroup/bpf/kernel.h"
#include "runtime/cgroup/update.h"
#include "runtime/sys/sys.h"
#include "tests/cgroup/bpf_host.h"
#include "tests/cgroup/helpers.h"

namespace
{

using bpfhost::Attached;
using bpfhost::Dir;
using bpfhost::Probe;
using bpfhost::RunIn;
using Rules = std::vector<kk_device_rule>;

constexpr unsigned M = BPF_DEVCG_ACC_MKNOD, R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE;

// major or minor -1: any.
kk_device_rule Rule(bool allow, char type, int64_t major, int64_t minor, const char *access)
{
	return {allow, type, {major, major >= 0}, {minor, minor >= 0}, access};
}

// Loads rules' program and attaches it to dir; its id, 0 on failure.
uint32_t AttachRules(const Dir &dir, const Rules &rules)
{
	kk_devprog p = {};
	kk_error err = {};
	uint32_t id = 0;
	int fd = -1;
	if (kk_devprog_build(&p, rules.data(), rules.size(), &err) < 0 ||
	    (fd = kk_devprog_load(&p, &err)) < 0 || kk_devprog_id(fd, &id, &err) < 0 ||
	    kk_devprog_attach(dir.fd(), fd, &err) < 0) {
		ADD_FAILURE() << err.msg;
		id = 0;
	}
	if (fd >= 0)
		close(fd);
	kk_devprog_free(&p);
	return id;
}

void Detach(const Dir &dir, uint32_t id)
{
	kk_error err = {};
	EXPECT_EQ(kk_devprog_detach(dir.fd(), id, &err), 0) << err.msg;
}

#define NEEDS_CGROUP2()                                                                            \
	do {                                                                                       \
		if (!bpfhost::Usable())                                                            \
			GTEST_SKIP() << "needs root and a cgroup2 hierarchy";                      \
	} while (0)

TEST(DeviceFilter, ADeniedDeviceIsRefusedWithEpermAnAllowedOneOpens)
{
	NEEDS_CGROUP2();
	Dir dir("deny-null");
	ASSERT_TRUE(dir.ok()) << dir.path();
	uint32_t id =
		AttachRules(dir, {Rule(true, 'a', -1, -1, "rwm"), Rule(false, 'c', 1, 3, "rwm")});
	ASSERT_NE(id, 0u);
	std::vector<Probe> probes = {
		{'c', 1, 3, R}, {'c', 1, 3, W},	    {'c', 1, 3, R | W}, {'c', 1, 3, M},
		{'c', 1, 5, R}, {'c', 1, 5, R | W}, {'c', 1, 5, M},	{'b', 1, 3, M},
	};
	EXPECT_EQ(RunIn(dir.path(), probes),
		  (std::vector<int>{EPERM, EPERM, EPERM, EPERM, 0, 0, 0, 0}));
	Detach(dir, id);
	EXPECT_TRUE(Attached(dir.fd()).empty());
	// Detached, the cgroup allows again.
	EXPECT_EQ(RunIn(dir.path(), {{'c', 1, 3, R}}), std::vector<int>{0});
}

TEST(DeviceFilter, TheDefaultIsDeny)
{
	NEEDS_CGROUP2();
	Dir dir("default");
	ASSERT_TRUE(dir.ok());
	uint32_t id = AttachRules(dir, {});
	ASSERT_NE(id, 0u);
	EXPECT_EQ(
		RunIn(dir.path(), {{'c', 1, 3, R}, {'c', 1, 5, W}, {'c', 4, 2, M}, {'b', 7, 7, R}}),
		(std::vector<int>{EPERM, EPERM, EPERM, EPERM}));
}

TEST(DeviceFilter, MknodFollowsTheMRules)
{
	NEEDS_CGROUP2();
	Dir dir("mknod");
	ASSERT_TRUE(dir.ok());
	// m of every char device, rw of /dev/null only.
	uint32_t id = AttachRules(dir, {Rule(true, 'c', -1, -1, "m"), Rule(true, 'c', 1, 3, "rw")});
	ASSERT_NE(id, 0u);
	EXPECT_EQ(RunIn(dir.path(), {{'c', 1, 3, M},
				     {'c', 42, 7, M},
				     {'b', 42, 7, M},
				     {'c', 1, 3, R | W},
				     {'c', 1, 5, R}}),
		  (std::vector<int>{0, 0, EPERM, 0, EPERM}));
}

TEST(DeviceFilter, TheLastMatchingRuleWinsForEachAccessLetter)
{
	NEEDS_CGROUP2();
	Dir dir("last");
	ASSERT_TRUE(dir.ok());
	struct Case {
		Rules rules;
		std::vector<Probe> probes;
		std::vector<int> want;
	} cases[] = {
		{{Rule(true, 'c', 1, 3, "rwm"), Rule(false, 'c', 1, 3, "rwm")},
		 {{'c', 1, 3, R}},
		 {EPERM}},
		{{Rule(false, 'c', 1, 3, "rwm"), Rule(true, 'c', 1, 3, "rwm")},
		 {{'c', 1, 3, R}},
		 {0}},
		// A later deny of r alone stops O_RDONLY and O_RDWR, not O_WRONLY.
		{{Rule(true, 'c', 1, 3, "rwm"), Rule(false, 'c', 1, 3, "r")},
		 {{'c', 1, 3, R}, {'c', 1, 3, W}, {'c', 1, 3, R | W}},
		 {EPERM, 0, EPERM}},
		// r and w from two rules make rw.
		{{Rule(true, 'c', 1, 3, "r"), Rule(true, 'c', 1, -1, "w")},
		 {{'c', 1, 3, R | W}, {'c', 1, 5, R | W}, {'c', 1, 5, W}},
		 {0, EPERM, 0}},
		// A wildcard after a specific rule overrides it.
		{{Rule(true, 'c', 1, 3, "rwm"), Rule(false, 'a', -1, -1, "rwm")},
		 {{'c', 1, 3, R}},
		 {EPERM}},
	};
	for (const auto &c : cases) {
		uint32_t id = AttachRules(dir, c.rules);
		ASSERT_NE(id, 0u);
		EXPECT_EQ(RunIn(dir.path(), c.probes), c.want);
		Detach(dir, id);
	}
}

TEST(DeviceFilter, ReplaceLeavesExactlyOneKakoiProgramAndOthersAlone)
{
	NEEDS_CGROUP2();
	Dir dir("replace");
	ASSERT_TRUE(dir.ok());
	// Another tool's program (its own name) that allows everything.
	kk_devprog allow_all = {};
	kk_error err = {};
	Rules all = {Rule(true, 'a', -1, -1, "rwm")};
	ASSERT_EQ(kk_devprog_build(&allow_all, all.data(), 1, &err), 0);
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = reinterpret_cast<uintptr_t>(allow_all.insns);
	attr.insn_cnt = static_cast<uint32_t>(allow_all.n);
	attr.license = reinterpret_cast<uintptr_t>("GPL");
	strcpy(attr.prog_name, "other_tool");
	int other = kk_sys_linux.bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	ASSERT_GE(other, 0) << strerror(errno);
	ASSERT_EQ(kk_devprog_attach(dir.fd(), other, &err), 0) << err.msg;
	uint32_t other_id = 0;
	ASSERT_EQ(kk_devprog_id(other, &other_id, &err), 0);
	close(other);
	kk_devprog_free(&allow_all);

	uint32_t first =
		AttachRules(dir, {Rule(false, 'c', 1, 3, "rwm"), Rule(true, 'a', -1, -1, "rwm")});
	ASSERT_NE(first, 0u);
	EXPECT_EQ(RunIn(dir.path(), {{'c', 1, 3, R}}), std::vector<int>{0});
	for (int round = 0; round < 2; round++) {
		Rules rules = {Rule(true, 'a', -1, -1, "rwm"), Rule(false, 'c', 1, 3, "rwm")};
		kk_devprog p = {};
		ASSERT_EQ(kk_devprog_build(&p, rules.data(), rules.size(), &err), 0);
		int fd = kk_devprog_load(&p, &err);
		ASSERT_GE(fd, 0) << err.msg;
		EXPECT_EQ(kk_devprog_replace(dir.fd(), fd, &err), 0) << err.msg;
		uint32_t id = 0;
		kk_devprog_id(fd, &id, &err);
		close(fd);
		kk_devprog_free(&p);
		EXPECT_EQ(Attached(dir.fd()), std::vector<uint32_t>{id});
		EXPECT_EQ(Attached(dir.fd(), false), (std::vector<uint32_t>{other_id, id}));
	}
	EXPECT_EQ(RunIn(dir.path(), {{'c', 1, 3, R}, {'c', 1, 5, R}}),
		  (std::vector<int>{EPERM, 0}));
	Detach(dir, other_id);
}

// A kk_sys table whose bpf fails the first call of one command with EIO,
// as the fault injector would: what follows (the rollback) is real.
int fail_cmd = -1;
int FailingBpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	if (cmd == fail_cmd) {
		fail_cmd = -1;
		errno = EIO;
		return -1;
	}
	return kk_sys_linux.bpf(cmd, attr, size);
}

struct FailBpf {
	struct kk_sys table = kk_sys_linux;
	const struct kk_sys *saved;
	explicit FailBpf(int cmd)
	{
		fail_cmd = cmd;
		table.bpf = FailingBpf;
		saved = kk_sys_set(&table);
	}
	~FailBpf()
	{
		kk_sys_set(saved);
		fail_cmd = -1;
	}
};

// kakoi's own path: the cgroup plan of a container whose cgroup2 directory
// the test made first, so the undo of cgroup-create leaves it and the test
// can look at it afterwards.
struct PlannedCgroup {
	cgtest::Cgroup cg;
	cgtest::Plan plan;
	kk_undo undo = KK_UNDO_INIT;
	kk_resources res = {};
	Rules rules;

	std::string Plan(const std::string &name)
	{
		kk_error err = {};
		std::string path = kk_scope::CgroupParent() + "/" + name;
		res.devices = rules.data();
		res.n_devices = rules.size();
		if (kk_cgroup_open(KK_CGROUP_ROOT, path.c_str(), name.c_str(), &cg.cg, &err) < 0 ||
		    kk_plan_cgroup(&plan.plan, cg.cg, &res, &err) < 0)
			return err.msg;
		return "";
	}
	// Runs host-prepare; the error text or "".
	std::string Prepare()
	{
		kk_ctx ctx;
		kk_error err = {};
		kk_ctx_init(&ctx);
		ctx.undo = &undo;
		ctx.cgroup = cg.cg;
		return kk_plan_run(&plan.plan, KK_PHASE_HOST_PREPARE, &ctx, &err) < 0 ? err.msg
										      : "";
	}
	~PlannedCgroup()
	{
		kk_error err = {};
		kk_undo_run(&undo, &err);
	}
};

bool HasOp(const kk_plan &plan, const std::string &line)
{
	for (const auto &l : cgtest::Lines(plan))
		if (l.rfind(line, 0) == 0)
			return true;
	return false;
}

TEST(DeviceFilterOp, AttachesBeforeTheInitEntersAndItsUndoDetaches)
{
	NEEDS_CGROUP2();
	Dir dir("op");
	ASSERT_TRUE(dir.ok());
	PlannedCgroup pc;
	pc.rules = {Rule(false, 'c', 1, 3, "r")};
	ASSERT_EQ(pc.Plan("op"), "");
	EXPECT_TRUE(HasOp(pc.plan.plan, "cgroup-devices attach a device program to "));
	ASSERT_EQ(pc.Prepare(), "");
	std::vector<uint32_t> ids = Attached(dir.fd());
	ASSERT_EQ(ids.size(), 1u);
	// kakoi's defaults come after the config's rules: /dev/null stays.
	EXPECT_EQ(RunIn(dir.path(), {{'c', 1, 3, R}, {'c', 1, 5, R | W}, {'c', 10, 200, R}}),
		  (std::vector<int>{0, 0, EPERM}));
	kk_error err = {};
	ASSERT_EQ(kk_undo_run(&pc.undo, &err), 0) << err.msg;
	EXPECT_TRUE(Attached(dir.fd()).empty());
}

TEST(DeviceFilterOp, AFailedAttachLeavesNothingAttached)
{
	NEEDS_CGROUP2();
	for (int cmd : {BPF_PROG_LOAD, BPF_OBJ_GET_INFO_BY_FD, BPF_PROG_ATTACH}) {
		Dir dir("fault");
		ASSERT_TRUE(dir.ok());
		PlannedCgroup pc;
		ASSERT_EQ(pc.Plan("fault"), "");
		std::string e;
		{
			FailBpf fail(cmd);
			e = pc.Prepare();
		}
		EXPECT_NE(e.find("linux.resources.devices: cgroup " + dir.path()),
			  std::string::npos)
			<< e;
		EXPECT_NE(e.find("Input/output error"), std::string::npos) << e;
		EXPECT_TRUE(Attached(dir.fd(), false).empty()) << "bpf command " << cmd;
		kk_error err = {};
		EXPECT_EQ(kk_undo_run(&pc.undo, &err), 0) << err.msg;
	}
}

TEST(DeviceFilterOp, UpdateReplacesTheProgramAllOrNothing)
{
	NEEDS_CGROUP2();
	Dir dir("update");
	ASSERT_TRUE(dir.ok());
	PlannedCgroup pc;
	ASSERT_EQ(pc.Plan("update"), "");
	ASSERT_EQ(pc.Prepare(), "");
	std::vector<uint32_t> before = Attached(dir.fd());
	ASSERT_EQ(before.size(), 1u);
	EXPECT_EQ(RunIn(dir.path(), {{'c', 10, 200, R}}), std::vector<int>{EPERM});

	Rules allow_tun = {Rule(true, 'c', 10, 200, "rw")};
	kk_resources res = {};
	res.devices = allow_tun.data();
	res.n_devices = allow_tun.size();
	kk_error err = {};
	kk_undo undo = KK_UNDO_INIT;
	{
		// Detaching the old program fails: the new one goes, the old stays.
		FailBpf fail(BPF_PROG_DETACH);
		EXPECT_EQ(kk_cgroup_update(pc.cg.cg, &res, &undo, &err), -1);
	}
	EXPECT_NE(std::string(err.msg).find("detach"), std::string::npos) << err.msg;
	EXPECT_EQ(Attached(dir.fd(), false), before);

	err = {};
	ASSERT_EQ(kk_cgroup_update(pc.cg.cg, &res, &undo, &err), 0) << err.msg;
	kk_undo_forget(&undo);
	std::vector<uint32_t> after = Attached(dir.fd(), false);
	ASSERT_EQ(after.size(), 1u);
	EXPECT_NE(after[0], before[0]);
	EXPECT_EQ(RunIn(dir.path(), {{'c', 10, 200, R}, {'c', 10, 237, R}}),
		  (std::vector<int>{0, EPERM}));
}

// The parser's limit on an array (16384 rules) still loads: the program is
// straight-line code the verifier walks quickly.
TEST(DeviceFilter, TheLongestRuleListLoads)
{
	NEEDS_CGROUP2();
	static const char *const access[] = {"r", "w", "m", "rw", "rm", "wm", "rwm"};
	Rules rules;
	for (int i = 0; i < 16384; i++)
		rules.push_back(Rule(i % 3 != 0, "acb"[i % 3], i % 7 ? i : -1, i % 5 ? i * 3 : -1,
				     access[i % 7]));
	kk_devprog p = {};
	kk_error err = {};
	ASSERT_EQ(kk_devprog_build(&p, rules.data(), rules.size(), &err), 0) << err.msg;
	int fd = kk_devprog_load(&p, &err);
	EXPECT_GE(fd, 0) << err.msg;
	if (fd >= 0)
		close(fd);
	kk_devprog_free(&p);
}

} // namespace
