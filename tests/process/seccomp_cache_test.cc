// The compiled-seccomp cache (issue 12): a key that changes with every
// field libseccomp sees and with nothing else, a round trip through the
// state root, and every kind of damaged entry refused and removed, never
// returned. No root needed: nothing is loaded here (the integration test
// runs containers from the cache).
extern "C" {
#include "runtime/process/seccomp_cache.h"
}

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/process/process_helpers.h"

namespace
{

using kkproc::Config;
using kkproc::Parse;
using kkproc::Spec;

Spec Profile(const std::string &rules, const std::string &dflt = "SCMP_ACT_ERRNO")
{
	return Parse(Config(R"("cwd":"/","args":["sh"])",
			    R"("linux":{"seccomp":{"defaultAction":")" + dflt +
				    R"(","architectures":["SCMP_ARCH_X86_64"],"syscalls":[)" +
				    rules + "]}}"));
}

std::string Key(const Spec &spec)
{
	uint8_t key[KK_SHA256_LEN];
	kk_seccomp_cache_key(spec->linux_->seccomp, key);
	return std::string((const char *)key, sizeof(key));
}

const char kRules[] = R"({"names":["read","write"],"action":"SCMP_ACT_ALLOW"},)"
		      R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":)"
		      R"([{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]})";

TEST(SeccompCacheKey, FollowsTheProfileAndNothingElse)
{
	Spec a = Profile(kRules), b = Profile(kRules);
	ASSERT_TRUE(a && b);
	EXPECT_EQ(Key(a), Key(b));
	for (const std::string &other :
	     {std::string(R"({"names":["read"],"action":"SCMP_ACT_ALLOW"})"),
	      std::string(R"({"names":["read","write"],"action":"SCMP_ACT_ALLOW"},)"
			  R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":)"
			  R"([{"index":0,"value":9,"op":"SCMP_CMP_EQ"}]})"),
	      std::string(
		      R"({"names":["read","write"],"action":"SCMP_ACT_ERRNO","errnoRet":1})")}) {
		Spec c = Profile(other);
		ASSERT_TRUE(c) << other;
		EXPECT_NE(Key(a), Key(c)) << other;
	}
	Spec d = Profile(kRules, "SCMP_ACT_KILL");
	ASSERT_TRUE(d);
	EXPECT_NE(Key(a), Key(d));
	// Names are length-prefixed: ["ab","c"] is not ["a","bc"].
	Spec e = Profile(R"({"names":["ab","c"],"action":"SCMP_ACT_ALLOW"})");
	Spec f = Profile(R"({"names":["a","bc"],"action":"SCMP_ACT_ALLOW"})");
	ASSERT_TRUE(e && f);
	EXPECT_NE(Key(e), Key(f));
}

class SeccompCache : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		char tmpl[] = "/tmp/kk-seccomp-cache-XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir_ = tmpl;
		root_ = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ASSERT_GE(root_, 0);
		spec_ = Profile(kRules);
		ASSERT_TRUE(spec_);
		kk_seccomp_cache_key(spec_->linux_->seccomp, key_);
		ASSERT_EQ(kk_seccomp_compile(spec_->linux_->seccomp, &prog_, &err_), 0) << err_.msg;
	}
	void TearDown() override
	{
		free(prog_.insns);
		close(root_);
		ASSERT_EQ(system(("rm -rf " + dir_).c_str()), 0);
	}
	std::string Entry() const
	{
		std::string name;
		for (uint8_t b : key_) {
			static const char digits[] = "0123456789abcdef";
			name += digits[b >> 4];
			name += digits[b & 15];
		}
		return dir_ + "/.seccomp/" + name;
	}
	std::vector<char> Read() const
	{
		std::ifstream in(Entry(), std::ios::binary);
		return std::vector<char>(std::istreambuf_iterator<char>(in), {});
	}
	void Write(const std::vector<char> &bytes) const
	{
		std::ofstream out(Entry(), std::ios::binary | std::ios::trunc);
		out.write(bytes.data(), (std::streamsize)bytes.size());
	}
	bool Get(kk_bpf *got)
	{
		*got = {};
		return kk_seccomp_cache_get(root_, key_, got);
	}

	std::string dir_;
	int root_ = -1;
	Spec spec_;
	uint8_t key_[KK_SHA256_LEN];
	kk_bpf prog_ = {};
	kk_error err_ = {};
};

TEST_F(SeccompCache, RoundTrip)
{
	kk_bpf got;
	EXPECT_FALSE(Get(&got));
	ASSERT_EQ(kk_seccomp_cache_put(root_, key_, &prog_, &err_), 0) << err_.msg;
	struct stat st;
	ASSERT_EQ(stat((dir_ + "/.seccomp").c_str(), &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0700u);
	ASSERT_TRUE(Get(&got));
	ASSERT_EQ(got.n, prog_.n);
	EXPECT_EQ(memcmp(got.insns, prog_.insns, prog_.n * sizeof(*got.insns)), 0);
	free(got.insns);
}

// Each damage: the entry is not returned, and it is gone.
TEST_F(SeccompCache, DamagedEntriesAreRemovedNeverReturned)
{
	ASSERT_EQ(kk_seccomp_cache_put(root_, key_, &prog_, &err_), 0) << err_.msg;
	const std::vector<char> good = Read();
	ASSERT_GT(good.size(), 80u);
	struct Damage {
		const char *what;
		std::function<void(std::vector<char> &)> apply;
	};
	std::vector<Damage> damages = {
		{"an instruction", [](std::vector<char> &b) { b[b.size() - 3] ^= 1; }},
		{"the digest", [](std::vector<char> &b) { b[16 + 32] ^= 1; }},
		{"the key", [](std::vector<char> &b) { b[16] ^= 1; }},
		{"the magic", [](std::vector<char> &b) { b[0] = 'X'; }},
		{"the version", [](std::vector<char> &b) { b[8] = 2; }},
		{"the count", [](std::vector<char> &b) { b[12] ^= 1; }},
		{"truncated", [](std::vector<char> &b) { b.resize(b.size() - 8); }},
		{"grown", [](std::vector<char> &b) { b.resize(b.size() + 8); }},
		{"empty", [](std::vector<char> &b) { b.clear(); }},
	};
	for (const auto &d : damages) {
		std::vector<char> bad = good;
		d.apply(bad);
		Write(bad);
		kk_bpf got;
		EXPECT_FALSE(Get(&got)) << d.what;
		EXPECT_EQ(got.insns, nullptr) << d.what;
		EXPECT_NE(access(Entry().c_str(), F_OK), 0) << d.what << ": not removed";
	}
}

TEST_F(SeccompCache, StaysBounded)
{
	uint8_t key[KK_SHA256_LEN] = {};
	for (int i = 0; i < KK_SECCOMP_CACHE_MAX + 5; i++) {
		key[0] = (uint8_t)i;
		ASSERT_EQ(kk_seccomp_cache_put(root_, key, &prog_, &err_), 0) << err_.msg;
	}
	size_t n = 0;
	DIR *d = opendir((dir_ + "/.seccomp").c_str());
	ASSERT_NE(d, nullptr);
	for (struct dirent *de; (de = readdir(d)) != nullptr;)
		n += de->d_name[0] != '.';
	closedir(d);
	EXPECT_LE(n, (size_t)KK_SECCOMP_CACHE_MAX);
	EXPECT_GE(n, 1u);
}

} // namespace
