// The real thing, on this host's /sys/fs/cgroup (root, no sandbox): a
// forked child is put in a cgroup with a pids and a memory limit, checked
// from the kernel's side, killed, and the cgroup removed without a trace in
// any hierarchy (including /sys/fs/cgroup/unified on a hybrid host).
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cgroup/helpers.h"
#include "tests/scope/scope.h"

namespace
{

using cgtest::Cgroup;
using cgtest::I64;
using cgtest::Plan;

std::string Read(const std::string &path)
{
	FILE *f = fopen(path.c_str(), "re");
	std::string out;
	char buf[4096];
	size_t n;

	if (f == nullptr)
		return "<missing>";
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		out.append(buf, n);
	fclose(f);
	return out;
}

bool Exists(const std::string &p)
{
	struct stat st;
	return stat(p.c_str(), &st) == 0;
}

// Every directory directly under /sys/fs/cgroup (symlinks included).
std::vector<std::string> Hierarchies()
{
	std::vector<std::string> out;
	DIR *d = opendir(KK_CGROUP_ROOT);
	if (d == nullptr)
		return out;
	for (struct dirent *e; (e = readdir(d)) != nullptr;)
		if (e->d_name[0] != '.')
			out.push_back(std::string(KK_CGROUP_ROOT "/") + e->d_name);
	closedir(d);
	return out;
}

struct Child {
	pid_t pid = -1;
	~Child()
	{
		Kill();
	}
	void Kill()
	{
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, nullptr, 0);
			pid = -1;
		}
	}
};

TEST(Host, PidsAndMemoryLimitOnAForkedChild)
{
	if (geteuid() != 0 || !Exists(KK_CGROUP_ROOT "/pids/cgroup.procs"))
		GTEST_SKIP() << "needs root and a v1 pids hierarchy";
	// Under the run's own parent: /kakoi is shared with the host's real
	// containers (the default path's parents have tests on the fake tree).
	const std::string id = "kktest";
	const std::string path = kk_scope::CgroupParent() + "/" + id;
	std::vector<std::string> hiers = Hierarchies();

	Child child;
	child.pid = fork();
	ASSERT_GE(child.pid, 0);
	if (child.pid == 0) {
		for (;;)
			pause();
	}

	Cgroup cg;
	Plan plan;
	kk_pids pids = {10};
	kk_memory m = {};
	kk_resources res = {};
	kk_undo undo = KK_UNDO_INIT;
	kk_error err = {};
	m.limit = I64(64 << 20);
	res.pids = &pids;
	res.memory = &m;
	ASSERT_EQ(kk_cgroup_open(KK_CGROUP_ROOT, path.c_str(), id.c_str(), &cg.cg, &err), 0)
		<< err.msg;
	ASSERT_EQ(kk_plan_cgroup(&plan.plan, cg.cg, &res, &err), 0) << err.msg;
	std::string e = cgtest::Apply(plan.plan, cg.cg, child.pid, &undo);
	if (!e.empty()) {
		child.Kill();
		kk_undo_run(&undo, &err);
		FAIL() << e;
	}
	kk_undo_forget(&undo);

	EXPECT_EQ(Read(KK_CGROUP_ROOT "/pids" + path + "/pids.max"), "10\n");
	EXPECT_EQ(Read(KK_CGROUP_ROOT "/memory" + path + "/memory.limit_in_bytes"), "67108864\n");
	std::string self = Read("/proc/" + std::to_string(child.pid) + "/cgroup");
	EXPECT_NE(self.find(":pids:" + path + "\n"), std::string::npos) << self;
	EXPECT_NE(self.find(":memory:" + path + "\n"), std::string::npos) << self;
	if (kk_cgroup_layout(cg.cg) == KK_CGROUP_HYBRID) {
		EXPECT_NE(self.find("0::" + path + "\n"), std::string::npos) << self;
	}
	pid_t *in = nullptr;
	size_t n = 0;
	ASSERT_EQ(kk_cgroup_pids(cg.cg, &in, &n, &err), 0) << err.msg;
	ASSERT_EQ(n, 1u);
	EXPECT_EQ(in[0], child.pid);
	free(in);

	child.Kill();
	ASSERT_EQ(kk_cgroup_remove(cg.cg, &err), 0) << err.msg;
	kk_scope::RemoveCgroupParent();
	for (const auto &h : hiers) {
		EXPECT_FALSE(Exists(h + path)) << h + path;
		EXPECT_FALSE(Exists(h + kk_scope::CgroupParent())) << h;
	}
}

} // namespace
