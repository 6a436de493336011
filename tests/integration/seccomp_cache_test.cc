// The compiled-seccomp cache under the state root (issue 12), with real
// containers: the first create compiles and stores the program, the next
// ones load it, exec uses it too, and an entry damaged on disk is compiled
// again, never loaded: the container's filter is still the profile's.
#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace kk_it
{
namespace
{

using SeccompCache = IntegrationTest;

const char kProfile[] = R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[)"
			R"({"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})";

std::vector<std::string> Entries(const std::string &dir)
{
	std::vector<std::string> out;
	DIR *d = opendir(dir.c_str());
	if (d == nullptr)
		return out;
	for (struct dirent *de; (de = readdir(d)) != nullptr;)
		if (de->d_name[0] != '.')
			out.push_back(dir + "/" + de->d_name);
	closedir(d);
	return out;
}

std::string Bytes(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	return std::string(std::istreambuf_iterator<char>(in), {});
}

// mkdir fails with EPERM (errnoRet 1) under the profile; the probe exits 1.
void ExpectFiltered(const Result &r)
{
	EXPECT_EQ(r.exit_code, 1) << r;
	EXPECT_EQ(r.out, "EPERM\n") << r;
}

TEST_F(SeccompCache, CompiledOnceReusedAndRecompiledWhenDamaged)
{
	const std::string cache = root_ + "/.seccomp";
	config_->SetSeccomp(kProfile);
	ExpectFiltered(RunContainer({"/probe", "mkdir", "/tmp/x"}));
	std::vector<std::string> entries = Entries(cache);
	ASSERT_EQ(entries.size(), 1u) << "no cache entry after the first run";
	const std::string good = Bytes(entries[0]);
	struct stat st;
	ASSERT_EQ(stat(entries[0].c_str(), &st), 0);

	// Reused: same entry, untouched, and still the profile's filter.
	ExpectFiltered(RunContainer({"/probe", "mkdir", "/tmp/x"}));
	struct stat again;
	ASSERT_EQ(stat(entries[0].c_str(), &again), 0);
	EXPECT_EQ(again.st_ino, st.st_ino) << "rewritten although it was good";

	// exec loads the same program.
	auto sleeper = RunSleeper(id_);
	ASSERT_TRUE(sleeper);
	Result e = Kakoi({"exec", id_, "/probe", "mkdir", "/tmp/y"});
	ExpectFiltered(e);
	EXPECT_EQ(Kakoi({"delete", "--force", id_}).exit_code, 0);

	// Damaged on disk where it matters: the rule's return, ERRNO(1)
	// (0x00050001), turned into ALLOW (0x7fff0000), the digest left as it
	// was. Loaded, mkdir would work: it must be recompiled and rewritten.
	std::string bad = good;
	const std::string errno1("\x01\x00\x05\x00", 4), allow("\x00\x00\xff\x7f", 4);
	size_t at = bad.find(errno1, 80);
	ASSERT_NE(at, std::string::npos);
	bad.replace(at, 4, allow);
	WriteFile(entries[0], bad);
	ExpectFiltered(RunContainer({"/probe", "mkdir", "/tmp/x"}));
	EXPECT_EQ(Bytes(entries[0]), good);
}

} // namespace
} // namespace kk_it
