// kk_cgroup_stats and kk_cgroup_oom_kills over fake v1, v2 and hybrid
// trees (no root): which file feeds which number, runc's conversions, and
// the refusals (symlinks, oversized and malformed files).
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/cgroup/stats.h"
#include "tests/cgroup/fake_cgroupfs.h"
#include "tests/cgroup/helpers.h"

namespace
{

using fakecg::Layout;
using fakecg::Tree;
using fakecg::write_file;

// The container's directory in one hierarchy, made with the given files.
std::string Dir(const Tree &t, const std::string &hier, const std::vector<std::string> &files)
{
	std::string d = t.root() + (hier.empty() ? "" : "/" + hier) + "/kakoi";
	mkdir(d.c_str(), 0755);
	d += "/c1";
	mkdir(d.c_str(), 0755);
	for (size_t i = 0; i + 1 < files.size(); i += 2)
		write_file(d + "/" + files[i], files[i + 1]);
	return d;
}

struct Stats {
	struct kk_cgroup_stats s {
	};
	cgtest::Cgroup cg;
	kk_error err{};
	~Stats()
	{
		kk_cgroup_stats_free(&s);
	}
	// Reads the stats of /kakoi/c1 under root; returns the error or "".
	std::string Read(const std::string &root)
	{
		if (kk_cgroup_open(root.c_str(), nullptr, "c1", &cg.cg, &err) < 0)
			return err.msg;
		if (kk_cgroup_stats(cg.cg, &s, &err) < 0)
			return err.msg;
		return "";
	}
};

std::vector<uint64_t> U64s(const kk_stats_u64s &a)
{
	return std::vector<uint64_t>(a.v, a.v + a.n);
}

std::vector<uint16_t> U16s(const kk_stats_u16s &a)
{
	return std::vector<uint16_t>(a.v, a.v + a.n);
}

void V1Memory(const Tree &t)
{
	Dir(t, "memory",
	    {"memory.stat",
	     "rss 40960\ncache 8192\ntotal_rss 40960\nactive_anon 4096\n",
	     "memory.usage_in_bytes",
	     "49152\n",
	     "memory.max_usage_in_bytes",
	     "65536\n",
	     "memory.failcnt",
	     "3\n",
	     "memory.limit_in_bytes",
	     "8388608\n",
	     "memory.memsw.usage_in_bytes",
	     "49152\n",
	     "memory.memsw.max_usage_in_bytes",
	     "65536\n",
	     "memory.memsw.failcnt",
	     "0\n",
	     "memory.memsw.limit_in_bytes",
	     "9223372036854771712\n",
	     "memory.oom_control",
	     "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"});
}

TEST(Stats, V1ReadsEachControllerInItsHierarchy)
{
	Tree t(Layout::V1);
	Stats st;

	V1Memory(t);
	Dir(t, "cpu,cpuacct",
	    {"cpuacct.stat", "user 150\nsystem 25\n", "cpuacct.usage", "1234567\n",
	     "cpuacct.usage_percpu", "1000 2000 \n", "cpuacct.usage_all",
	     "cpu user system\n0 700 300\n1 1500 500\n", "cpu.stat",
	     "nr_periods 10\nnr_throttled 4\nthrottled_time 5000\n"});
	Dir(t, "cpuset",
	    {"cpuset.cpus", "0-2,5\n", "cpuset.mems", "0\n", "cpuset.sched_load_balance", "1\n",
	     "cpuset.sched_relax_domain_level", "-1\n", "cpuset.mem_exclusive", "0\n"});
	Dir(t, "pids", {"pids.current", "3\n", "pids.max", "100\n"});
	ASSERT_EQ(st.Read(t.root()), "");
	const struct kk_cgroup_stats &s = st.s;
	EXPECT_EQ(s.memory.cache, 8192u);
	EXPECT_EQ(s.memory.usage.usage, 49152u);
	EXPECT_EQ(s.memory.usage.max, 65536u);
	EXPECT_EQ(s.memory.usage.failcnt, 3u);
	EXPECT_EQ(s.memory.usage.limit, 8388608u);
	EXPECT_EQ(s.memory.swap.limit, 9223372036854771712u);
	EXPECT_EQ(s.memory.kernel.limit, 0u) << "no kmem files: absent, not an error";
	ASSERT_EQ(s.memory.n_raw, 4u);
	EXPECT_STREQ(s.memory.raw[0].key, "active_anon") << "raw is sorted like Go's maps";
	EXPECT_STREQ(s.memory.raw[3].key, "total_rss");
	EXPECT_EQ(s.cpu.user, 1500000000u) << "ticks of 10 ms";
	EXPECT_EQ(s.cpu.kernel, 250000000u);
	EXPECT_EQ(s.cpu.total, 1234567u);
	EXPECT_EQ(U64s(s.cpu.percpu), (std::vector<uint64_t>{1000, 2000}));
	EXPECT_EQ(U64s(s.cpu.percpu_user), (std::vector<uint64_t>{700, 1500}));
	EXPECT_EQ(U64s(s.cpu.percpu_kernel), (std::vector<uint64_t>{300, 500}));
	EXPECT_EQ(s.cpu.periods, 10u);
	EXPECT_EQ(s.cpu.throttled_periods, 4u);
	EXPECT_EQ(s.cpu.throttled_time, 5000u);
	EXPECT_EQ(U16s(s.cpuset.cpus), (std::vector<uint16_t>{0, 1, 2, 5}));
	EXPECT_EQ(U16s(s.cpuset.mems), (std::vector<uint16_t>{0}));
	EXPECT_EQ(s.cpuset.sched_load_balance, 1u);
	EXPECT_EQ(s.cpuset.sched_relax_domain_level, -1);
	EXPECT_EQ(s.pids.current, 3u);
	EXPECT_EQ(s.pids.limit, 100u);
}

TEST(Stats, V1BlkioTakesTheFirstGroupWithEntriesAndHugetlbEverySize)
{
	Tree t(Layout::V1);
	Stats st;

	Dir(t, "blkio",
	    {"blkio.io_service_bytes_recursive", "Total 0\n", "blkio.sectors_recursive", "",
	     "blkio.throttle.io_serviced_recursive", "8:0 Read 12\n8:0 Write 3\nTotal 15\n",
	     "blkio.throttle.io_service_bytes_recursive", "8:16 Read 4096\n"});
	Dir(t, "hugetlb",
	    {"hugetlb.2MB.usage_in_bytes", "2097152\n", "hugetlb.2MB.max_usage_in_bytes",
	     "4194304\n", "hugetlb.2MB.failcnt", "1\n", "hugetlb.1GB.usage_in_bytes", "0\n",
	     "hugetlb.2MB.rsvd.usage_in_bytes", "7\n"});
	ASSERT_EQ(st.Read(t.root()), "");
	const struct kk_cgroup_stats &s = st.s;
	ASSERT_EQ(s.blkio.n[KK_BLKIO_SERVICED], 2u);
	EXPECT_EQ(s.blkio.e[KK_BLKIO_SERVICED][0].major, 8u);
	EXPECT_STREQ(s.blkio.e[KK_BLKIO_SERVICED][1].op, "Write");
	EXPECT_EQ(s.blkio.e[KK_BLKIO_SERVICED][1].value, 3u);
	ASSERT_EQ(s.blkio.n[KK_BLKIO_SERVICE_BYTES], 1u);
	EXPECT_EQ(s.blkio.e[KK_BLKIO_SERVICE_BYTES][0].minor, 16u);
	EXPECT_EQ(s.blkio.n[KK_BLKIO_SECTORS], 0u);
	ASSERT_EQ(s.n_hugetlb, 2u) << "the rsvd files are not a page size";
	EXPECT_STREQ(s.hugetlb[0].size, "1GB");
	EXPECT_STREQ(s.hugetlb[1].size, "2MB");
	EXPECT_EQ(s.hugetlb[1].usage, 2097152u);
	EXPECT_EQ(s.hugetlb[1].max, 4194304u);
	EXPECT_EQ(s.hugetlb[1].failcnt, 1u);
}

TEST(Stats, MissingDirectoryOrFilesAreAbsentNotErrors)
{
	Tree t(Layout::V1);
	Stats st;

	Dir(t, "pids", {"pids.max", "max\n"});
	ASSERT_EQ(st.Read(t.root()), "");
	EXPECT_EQ(st.s.pids.limit, 0u) << "runc reports \"max\" as 0";
	EXPECT_EQ(st.s.pids.current, 0u);
	EXPECT_EQ(st.s.memory.n_raw, 0u);
	EXPECT_EQ(st.s.cpu.percpu.n, 0u);
}

TEST(Stats, V2ConvertsLikeRunc)
{
	Tree t(Layout::V2);
	Stats st;

	Dir(t, "",
	    {"memory.stat",
	     "anon 4096\nfile 12288\n",
	     "memory.current",
	     "16384\n",
	     "memory.max",
	     "max\n",
	     "memory.swap.current",
	     "100\n",
	     "memory.swap.max",
	     "1000\n",
	     "memory.events",
	     "low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\n",
	     "cpu.stat",
	     "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 7\nnr_throttled 2\n"
	     "throttled_usec 9\n",
	     "pids.current",
	     "2\n",
	     "pids.max",
	     "max\n",
	     "io.stat",
	     "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n",
	     "hugetlb.2MB.current",
	     "0\n",
	     "hugetlb.2MB.events",
	     "max 4\n",
	     "hugetlb.2MB.max",
	     "max\n"});
	ASSERT_EQ(st.Read(t.root()), "");
	const struct kk_cgroup_stats &s = st.s;
	EXPECT_EQ(s.memory.cache, 12288u) << "v2's \"file\"";
	EXPECT_EQ(s.memory.usage.usage, 16384u);
	EXPECT_EQ(s.memory.usage.limit, UINT64_MAX);
	EXPECT_EQ(s.memory.swap.usage, 16384u + 100u) << "swap is reported as memory+swap";
	EXPECT_EQ(s.memory.swap.limit, UINT64_MAX + 1000u) << "runc adds the limits (wrapping)";
	EXPECT_EQ(s.cpu.total, 100000u);
	EXPECT_EQ(s.cpu.user, 60000u);
	EXPECT_EQ(s.cpu.kernel, 40000u);
	EXPECT_EQ(s.cpu.throttled_periods, 2u);
	EXPECT_EQ(s.cpu.throttled_time, 9000u);
	EXPECT_EQ(s.pids.current, 2u);
	EXPECT_EQ(s.pids.limit, 0u);
	ASSERT_EQ(s.blkio.n[KK_BLKIO_SERVICE_BYTES], 2u);
	EXPECT_STREQ(s.blkio.e[KK_BLKIO_SERVICE_BYTES][0].op, "Read");
	EXPECT_EQ(s.blkio.e[KK_BLKIO_SERVICE_BYTES][1].value, 20u);
	ASSERT_EQ(s.blkio.n[KK_BLKIO_SERVICED], 2u);
	ASSERT_EQ(s.n_hugetlb, 1u);
	EXPECT_EQ(s.hugetlb[0].failcnt, 4u);

	uint64_t kills = 0;
	ASSERT_EQ(kk_cgroup_oom_kills(st.cg.cg, &kills, &st.err), 0) << st.err.msg;
	EXPECT_EQ(kills, 1u);
}

TEST(Stats, HybridReadsHugetlbFromTheUnifiedHierarchyOnly)
{
	Tree t(Layout::HYBRID);
	Stats st;

	V1Memory(t);
	Dir(t, "unified",
	    {"hugetlb.2MB.current", "2097152\n", "hugetlb.2MB.events", "max 0\n", "cpu.stat",
	     "usage_usec 999\n", "memory.current", "1\n"});
	ASSERT_EQ(st.Read(t.root()), "");
	EXPECT_EQ(st.s.memory.usage.usage, 49152u) << "memory is v1's";
	EXPECT_EQ(st.s.cpu.total, 0u) << "the unified cpu.stat is not the cpu controller's";
	ASSERT_EQ(st.s.n_hugetlb, 1u);
	EXPECT_EQ(st.s.hugetlb[0].usage, 2097152u);

	uint64_t kills = 0;
	ASSERT_EQ(kk_cgroup_oom_kills(st.cg.cg, &kills, &st.err), 0) << st.err.msg;
	EXPECT_EQ(kills, 2u) << "v1: memory.oom_control";
}

TEST(Stats, OomKillsIsZeroWithoutTheCounter)
{
	Tree t(Layout::V1);
	Stats st;
	uint64_t kills = 7;

	ASSERT_EQ(kk_cgroup_open(t.root().c_str(), nullptr, "c1", &st.cg.cg, &st.err), 0);
	ASSERT_EQ(kk_cgroup_oom_kills(st.cg.cg, &kills, &st.err), 0) << st.err.msg;
	EXPECT_EQ(kills, 0u);
}

TEST(Stats, RefusesASymlinkedFile)
{
	Tree t(Layout::V1);
	Stats st;
	std::string d = Dir(t, "pids", {"real", "5\n"});

	ASSERT_EQ(symlink("real", (d + "/pids.current").c_str()), 0);
	std::string msg = st.Read(t.root());
	EXPECT_NE(msg.find("pids/kakoi/c1/pids.current"), std::string::npos) << msg;
	EXPECT_EQ(st.err.sys_errno, ELOOP);
	EXPECT_EQ(st.s.pids.current, 0u) << "nothing is kept after a failure";
}

TEST(Stats, RefusesASymlinkedCgroupDirectory)
{
	Tree t(Layout::V1);
	Stats st;

	Dir(t, "pids", {"pids.current", "1\n"});
	std::string elsewhere = t.root() + "/pids/elsewhere";
	mkdir(elsewhere.c_str(), 0755);
	write_file(elsewhere + "/pids.current", "9\n");
	std::string link = t.root() + "/memory/kakoi";
	ASSERT_EQ(symlink("../pids/elsewhere", link.c_str()), 0);
	std::string msg = st.Read(t.root());
	EXPECT_NE(msg.find("memory/kakoi/c1"), std::string::npos) << msg;
	EXPECT_EQ(st.err.sys_errno, ELOOP);
}

TEST(Stats, RefusesOversizedAndMalformedFiles)
{
	{
		Tree t(Layout::V1);
		Stats st;
		Dir(t, "memory", {"memory.stat", std::string(KK_STATS_FILE_MAX + 1, ' ')});
		std::string msg = st.Read(t.root());
		EXPECT_EQ(st.err.code, KK_ERR_LIMIT) << msg;
		EXPECT_NE(msg.find("memory.stat"), std::string::npos) << msg;
	}
	const std::vector<std::pair<std::string, std::string>> bad = {
		{"pids.current", "12abc\n"},
		{"pids.current", "99999999999999999999999\n"},
		{"memory.stat", "cache\n"},
		{"cpuset.cpus", "3-1\n"},
		{"cpuset.cpus", "0-100000\n"},
		{"cpuacct.stat", "user x\n"},
		{"blkio.throttle.io_serviced", "8-0 Read 1\n"},
	};
	for (const auto &b : bad) {
		Tree t(Layout::V1);
		Stats st;
		std::string hier = b.first.substr(0, b.first.find('.'));
		if (hier == "cpuacct")
			hier = "cpu,cpuacct";
		Dir(t, hier, {b.first, b.second});
		std::string msg = st.Read(t.root());
		EXPECT_EQ(st.err.code, KK_ERR_INVALID) << b.first << ": " << msg;
		EXPECT_NE(msg.find(b.first), std::string::npos) << msg;
	}
}

} // namespace
