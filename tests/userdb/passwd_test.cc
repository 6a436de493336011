// runtime/userdb: one passwd(5) field by uid, without NSS.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "runtime/userdb/passwd.h"

namespace
{

class Passwd : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		char tmpl[] = "/tmp/kk-passwd-test-XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir_ = tmpl;
		path_ = dir_ + "/passwd";
	}
	void TearDown() override
	{
		unlink(path_.c_str());
		rmdir(dir_.c_str());
	}
	void Write(const std::string &text)
	{
		std::ofstream(path_) << text;
	}
	// The field, or "-" when there is none.
	std::string Field(uint32_t uid, kk_passwd_field f)
	{
		char buf[64] = "untouched";
		if (!kk_passwd_lookup(path_.c_str(), uid, f, buf, sizeof(buf))) {
			EXPECT_STREQ(buf, "untouched");
			return "-";
		}
		return buf;
	}
	std::string dir_, path_;
};

TEST_F(Passwd, NameAndHomeOfTheFirstLineWithTheUid)
{
	Write("root:x:0:0:root:/root:/bin/sh\n"
	      "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
	      "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
	      "alias:x:1000:1000::/home/alias:/bin/sh\n");
	EXPECT_EQ(Field(0, KK_PASSWD_NAME), "root");
	EXPECT_EQ(Field(0, KK_PASSWD_HOME), "/root");
	EXPECT_EQ(Field(1000, KK_PASSWD_NAME), "alice");
	EXPECT_EQ(Field(1000, KK_PASSWD_HOME), "/home/alice");
	EXPECT_EQ(Field(1, KK_PASSWD_HOME), "/usr/sbin");
	EXPECT_EQ(Field(4242, KK_PASSWD_NAME), "-");
}

// Lines that are not entries, uids that are not numbers, a relative or
// empty home: skipped, and a later good line for the uid still counts.
TEST_F(Passwd, BrokenLinesAreSkipped)
{
	Write("\n"
	      "garbage\n"
	      "short:x:7\n"
	      "neg:x:-7:0::/neg:/bin/sh\n"
	      "big:x:99999999999999999999999:0::/big:/bin/sh\n"
	      "sp:x: 7:0::/sp:/bin/sh\n"
	      "rel:x:7:0::home/rel:/bin/sh\n"
	      "::7:0::/nameless:/bin/sh\n"
	      "good:x:7:0::/good\n");
	EXPECT_EQ(Field(7, KK_PASSWD_HOME), "/nameless");
	EXPECT_EQ(Field(7, KK_PASSWD_NAME), "rel"); // a bad home does not spoil the name
}

TEST_F(Passwd, ALongFieldIsCutToTheBuffer)
{
	Write(std::string(100, 'n') + ":x:5:5::/h:/bin/sh\n");
	char buf[8];
	ASSERT_TRUE(kk_passwd_lookup(path_.c_str(), 5, KK_PASSWD_NAME, buf, sizeof(buf)));
	EXPECT_STREQ(buf, "nnnnnnn");
}

// Only a regular file is read, and never with a blocking open: a FIFO at
// the path (planted in a container's /etc) must not hang the reader.
TEST_F(Passwd, NotARegularFileIsNoEntry)
{
	EXPECT_EQ(Field(0, KK_PASSWD_NAME), "-"); // missing
	ASSERT_EQ(mkfifo(path_.c_str(), 0600), 0);
	EXPECT_EQ(Field(0, KK_PASSWD_NAME), "-");
	unlink(path_.c_str());
	ASSERT_EQ(mkdir(path_.c_str(), 0700), 0);
	EXPECT_EQ(Field(0, KK_PASSWD_NAME), "-");
	rmdir(path_.c_str());
}

// The first KK_PASSWD_MAX bytes only: an entry past them is not seen.
TEST_F(Passwd, OnlyTheFirstMegabyteIsRead)
{
	std::string filler(KK_PASSWD_MAX, '#');
	Write(filler + "\nlate:x:9:9::/late:/bin/sh\n");
	EXPECT_EQ(Field(9, KK_PASSWD_NAME), "-");
	Write("early:x:9:9::/early:/bin/sh\n" + filler);
	EXPECT_EQ(Field(9, KK_PASSWD_NAME), "early");
}

} // namespace
