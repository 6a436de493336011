// The record: a round trip, and every kind of corruption refused with an
// error that says so and names the file.
extern "C" {
#include "runtime/state/state.h"
}

#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

#include "tests/state/temp_dir.h"

namespace
{

class Record : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		dir_ = open(tmp_.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ASSERT_GE(dir_, 0);
		good_ = {};
		good_.flags = KK_RECORD_CREATED | KK_RECORD_STARTED;
		good_.pid = 1234;
		good_.start_time = 987654321ull;
		good_.created_ns = 1700000000123456789ll;
		strcpy(good_.id, "web-1");
		strcpy(good_.bundle, "/srv/bundles/web");
		strcpy(good_.cgroup_path, "kakoi/web-1");
	}
	void TearDown() override
	{
		close(dir_);
	}
	// The raw bytes of a good record, edited, then read back.
	std::string ReadCorrupted(const std::function<void(std::string &)> &edit)
	{
		kk_error err{};
		EXPECT_EQ(kk_record_write(dir_, &good_, &err), 0) << err.msg;
		std::string raw = ReadAll(tmp_ / "record");
		edit(raw);
		WriteAll(tmp_ / "record", raw);
		kk_record rec;
		memset(&rec, 0x5a, sizeof(rec));
		err = {};
		if (kk_record_read(dir_, &rec, &err) == 0)
			return "";
		EXPECT_EQ(err.code, KK_ERR_INVALID);
		return err.msg;
	}
	std::string Prefix()
	{
		return "container record " + (tmp_ / "record") + " is corrupt: ";
	}
	TempDir tmp_;
	int dir_ = -1;
	kk_record good_;
};

TEST_F(Record, RoundTrips)
{
	kk_error err{};
	ASSERT_EQ(kk_record_write(dir_, &good_, &err), 0) << err.msg;
	EXPECT_EQ(ReadAll(tmp_ / "record").size(), sizeof(kk_record));
	kk_record rec;
	memset(&rec, 0x5a, sizeof(rec));
	ASSERT_EQ(kk_record_read(dir_, &rec, &err), 0) << err.msg;
	EXPECT_EQ(rec.magic, KK_RECORD_MAGIC);
	EXPECT_EQ(rec.version, (uint32_t)KK_RECORD_VERSION);
	EXPECT_EQ(rec.flags, good_.flags);
	EXPECT_EQ(rec.pid, good_.pid);
	EXPECT_EQ(rec.start_time, good_.start_time);
	EXPECT_EQ(rec.created_ns, good_.created_ns);
	EXPECT_STREQ(rec.id, "web-1");
	EXPECT_STREQ(rec.bundle, "/srv/bundles/web");
	EXPECT_STREQ(rec.cgroup_path, "kakoi/web-1");
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{"record"});
}

TEST_F(Record, UnusedBytesOnDiskAreZero)
{
	memset(good_.bundle, 'J', sizeof(good_.bundle));
	strcpy(good_.bundle, "/b");
	kk_error err{};
	ASSERT_EQ(kk_record_write(dir_, &good_, &err), 0) << err.msg;
	std::string raw = ReadAll(tmp_ / "record");
	EXPECT_EQ(raw.find('J'), std::string::npos);
}

TEST_F(Record, WriteRefusesWhatReadWouldRefuse)
{
	kk_error err{};
	memset(good_.cgroup_path, 'x', sizeof(good_.cgroup_path));
	EXPECT_EQ(kk_record_write(dir_, &good_, &err), -1);
	EXPECT_NE(std::string(err.msg).find("cgroup path is not terminated"), std::string::npos);
	strcpy(good_.cgroup_path, "ok");
	strcpy(good_.id, "../x");
	err = {};
	EXPECT_EQ(kk_record_write(dir_, &good_, &err), -1);
	EXPECT_EQ(err.code, KK_ERR_INVALID);
	EXPECT_EQ(ListDir(tmp_.path()), std::vector<std::string>{});
}

TEST_F(Record, RefusesEachCorruption)
{
	const size_t size = sizeof(kk_record);
	EXPECT_EQ(ReadCorrupted([](std::string &) {}), "");
	EXPECT_EQ(ReadCorrupted([](std::string &r) { r.resize(r.size() - 1); }),
		  Prefix() + "size " + std::to_string(size - 1) + ", expected " +
			  std::to_string(size));
	EXPECT_EQ(ReadCorrupted([](std::string &r) { r += 'x'; }),
		  Prefix() + "size " + std::to_string(size + 1) + ", expected " +
			  std::to_string(size));
	EXPECT_NE(ReadCorrupted([](std::string &r) {
			  r += std::string(5000, 'x');
		  }).find("container record is corrupt"),
		  std::string::npos);
	EXPECT_EQ(ReadCorrupted([](std::string &r) { r.clear(); }),
		  Prefix() + "size 0, expected " + std::to_string(size));
	EXPECT_EQ(ReadCorrupted([](std::string &r) { r[0] ^= 1; }),
		  Prefix() + "bad magic 0x6b6b7375");
	EXPECT_EQ(ReadCorrupted([](std::string &r) { r[offsetof(kk_record, version)] = 9; }),
		  Prefix() + "version 9, expected 1");
	EXPECT_EQ(ReadCorrupted(
			  [](std::string &r) { memset(&r[offsetof(kk_record, pid)], 0xff, 4); }),
		  Prefix() + "negative pid -1");
	EXPECT_EQ(ReadCorrupted([](std::string &r) {
			  memset(&r[offsetof(kk_record, id)], 'a', KK_ID_MAX + 1);
		  }),
		  Prefix() + "the id is not terminated");
	EXPECT_EQ(ReadCorrupted([](std::string &r) {
			  memset(&r[offsetof(kk_record, bundle)], 'b', PATH_MAX);
		  }),
		  Prefix() + "the bundle path is not terminated");
	EXPECT_EQ(ReadCorrupted([](std::string &r) {
			  memset(&r[offsetof(kk_record, cgroup_path)], 'c', PATH_MAX);
		  }),
		  Prefix() + "the cgroup path is not terminated");
	EXPECT_NE(ReadCorrupted([](std::string &r) {
			  r[offsetof(kk_record, id)] = '.';
		  }).find(Prefix() + "invalid container id \".eb-1\""),
		  std::string::npos);
	EXPECT_NE(ReadCorrupted([](std::string &r) {
			  r[offsetof(kk_record, id)] = '\0';
		  }).find(Prefix() + "invalid container id: empty"),
		  std::string::npos);
}

TEST_F(Record, MissingRecordIsClear)
{
	kk_record rec;
	kk_error err{};
	EXPECT_EQ(kk_record_read(dir_, &rec, &err), -1);
	EXPECT_EQ(err.sys_errno, ENOENT);
	EXPECT_EQ(std::string(err.msg), "state file " + (tmp_ / "record") + " is missing");
}

// The mounts record (a container in a shared mount namespace): absent is
// no error, a round trip keeps every field, damage is refused.
TEST_F(Record, MountsRecordRoundTripsAndIsOptional)
{
	kk_mounts_record r{}, got{};
	kk_error err{};
	bool found = true;
	EXPECT_EQ(kk_mounts_record_read(dir_, &got, &found, &err), 0) << err.msg;
	EXPECT_FALSE(found);

	r.ns_dev = 4;
	r.ns_ino = 4026532000ull;
	r.mnt_id = 29;
	strcpy(r.ns_path, "/proc/4321/ns/mnt");
	strcpy(r.rootfs, "/srv/bundles/web/rootfs");
	ASSERT_EQ(kk_mounts_record_write(dir_, &r, &err), 0) << err.msg;
	ASSERT_EQ(kk_mounts_record_read(dir_, &got, &found, &err), 0) << err.msg;
	EXPECT_TRUE(found);
	EXPECT_EQ(got.ns_ino, r.ns_ino);
	EXPECT_EQ(got.mnt_id, 29u);
	EXPECT_STREQ(got.ns_path, r.ns_path);
	EXPECT_STREQ(got.rootfs, r.rootfs);
}

TEST_F(Record, MountsRecordRefusesDamage)
{
	kk_mounts_record r{}, got{};
	kk_error err{};
	strcpy(r.rootfs, "/srv/rootfs");
	r.magic = KK_MOUNTS_MAGIC;
	r.version = KK_MOUNTS_VERSION;
	EXPECT_EQ(kk_mounts_record_decode(&r, sizeof(r), &got, &err), 0) << err.msg;
	EXPECT_EQ(kk_mounts_record_decode(&r, sizeof(r) - 1, &got, &err), -1);
	kk_mounts_record bad = r;
	strcpy(bad.rootfs, "rootfs");
	EXPECT_EQ(kk_mounts_record_decode(&bad, sizeof(bad), &got, &err), -1);
	EXPECT_STREQ(err.msg, "the rootfs path is not absolute");
	bad = r;
	memset(bad.rootfs, 'x', sizeof(bad.rootfs));
	bad.rootfs[0] = '/';
	EXPECT_EQ(kk_mounts_record_decode(&bad, sizeof(bad), &got, &err), -1);
	bad = r;
	strcpy(bad.ns_path, "proc/1/ns/mnt");
	EXPECT_EQ(kk_mounts_record_decode(&bad, sizeof(bad), &got, &err), -1);
	bad = r;
	bad.magic++;
	EXPECT_EQ(kk_mounts_record_decode(&bad, sizeof(bad), &got, &err), -1);
	EXPECT_EQ(kk_mounts_record_write(dir_, &bad, &err), 0) << "write sets the magic itself";
	strcpy(bad.rootfs, "relative");
	EXPECT_EQ(kk_mounts_record_write(dir_, &bad, &err), -1);
}

} // namespace
