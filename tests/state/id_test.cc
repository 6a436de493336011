// Container IDs: the table of good and bad IDs, and errors that name them.
extern "C" {
#include "runtime/state/state.h"
}

#include <gtest/gtest.h>

#include <string>

namespace
{

std::string Check(const std::string &id)
{
	kk_error err{};
	if (kk_id_check(id.c_str(), &err) == 0) {
		EXPECT_EQ(err.code, KK_OK) << "error set on success";
		return "";
	}
	EXPECT_EQ(err.code, KK_ERR_INVALID);
	return err.msg;
}

TEST(Id, AcceptsGoodIds)
{
	for (const char *id :
	     {"a", "0", "abc", "my-container", "web_1", "v1.2.3", "a+b", "Z9", "a..b", "x-", "x."})
		EXPECT_EQ(Check(id), "") << id;
	EXPECT_EQ(Check(std::string(KK_ID_MAX, 'a')), "");
}

TEST(Id, RefusesBadIds)
{
	for (const char *id : {"", ".", "..", ".hidden", "a/b", "/abs", "-rf", "_x", "+x", "a b",
			       " a", "a\n", "tab\tx", "caf\xc3\xa9", "a:b", "a*", "a\\b"})
		EXPECT_NE(Check(id), "") << id;
	EXPECT_NE(Check(std::string(KK_ID_MAX + 1, 'a')), "");
}

TEST(Id, ErrorsNameTheId)
{
	EXPECT_EQ(Check("a/b"), "invalid container id \"a/b\": only letters, digits and the "
				"characters _ . + - are allowed");
	EXPECT_EQ(Check("-x"), "invalid container id \"-x\": must start with a letter or a digit");
	EXPECT_EQ(Check(""), "invalid container id: empty");
	EXPECT_NE(Check(std::string(200, 'a')).find("longer than 128 bytes"), std::string::npos);
	// Control characters never reach the message raw.
	EXPECT_EQ(Check("a\x1b[2J").find('\x1b'), std::string::npos);
}

} // namespace
