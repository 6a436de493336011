// Each named limit refuses the input just past it with an error that names
// the limit, and a real-sized config (a full seccomp profile) stays within
// all of them.
extern "C" {
#include "parser/limits.h"
#include "parser/parser.h"
}

#include <gtest/gtest.h>

#include <string>

namespace
{

kk_error ParseErr(const std::string &json)
{
	kk_error err{};
	const kk_spec *spec = kk_spec_parse(json.data(), json.size(), &err);
	if (spec != nullptr) {
		kk_doc_free(spec);
		err.code = KK_OK;
	}
	return err;
}

std::string WithArgs(size_t n)
{
	std::string args;
	for (size_t i = 0; i < n; i++)
		args += std::string(i ? "," : "") + "\"a\"";
	return R"({"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"/","args":[)" + args +
	       "]}}";
}

std::string WithAnnotations(size_t n)
{
	std::string a;
	for (size_t i = 0; i < n; i++)
		a += std::string(i ? "," : "") + "\"k" + std::to_string(i) + "\":\"v\"";
	return R"({"ociVersion":"1.0.0","root":{"path":"r"},"annotations":{)" + a + "}}";
}

TEST(Limits, InputSize)
{
	std::string pad(KK_LIMIT_INPUT_BYTES, ' ');
	std::string at = R"({"ociVersion":"1.0.0","root":{"path":"r"}})";
	at += pad.substr(at.size());
	EXPECT_EQ(ParseErr(at).code, KK_OK);
	kk_error err = ParseErr(at + " ");
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_NE(std::string(err.msg).find("KK_LIMIT_INPUT_BYTES"), std::string::npos) << err.msg;
}

TEST(Limits, NestingDepth)
{
	auto nested = [](int depth) {
		std::string open, close;
		for (int i = 0; i < depth; i++) {
			open += "[";
			close += "]";
		}
		return R"({"ociVersion":"1.0.0","root":{"path":"r"},"x":)" + open + close + "}";
	};
	EXPECT_EQ(ParseErr(nested(KK_LIMIT_JSON_DEPTH - 1)).code, KK_OK);
	kk_error err = ParseErr(nested(KK_LIMIT_JSON_DEPTH));
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_STREQ(err.msg, "config.json: JSON nested deeper than 32 (KK_LIMIT_JSON_DEPTH)");
}

TEST(Limits, ArrayItems)
{
	EXPECT_EQ(ParseErr(WithArgs(KK_LIMIT_ARRAY_ITEMS)).code, KK_OK);
	kk_error err = ParseErr(WithArgs(KK_LIMIT_ARRAY_ITEMS + 1));
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_STREQ(err.msg, "config.json: process.args: has 16385 items, more than the limit of "
			      "16384 (KK_LIMIT_ARRAY_ITEMS)");
}

TEST(Limits, MapEntries)
{
	EXPECT_EQ(ParseErr(WithAnnotations(KK_LIMIT_MAP_ENTRIES)).code, KK_OK);
	kk_error err = ParseErr(WithAnnotations(KK_LIMIT_MAP_ENTRIES + 1));
	EXPECT_EQ(err.code, KK_ERR_LIMIT);
	EXPECT_STREQ(err.msg, "config.json: annotations: has 16385 entries, more than the limit of "
			      "16384 (KK_LIMIT_MAP_ENTRIES)");
}

TEST(Limits, IntegerOverflowIsAnError)
{
	std::string json =
		R"({"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"/","args":["a"],)"
		R"("rlimits":[{"type":"RLIMIT_CORE","soft":18446744073709551616,"hard":1}]}})";
	kk_error err = ParseErr(json);
	EXPECT_STREQ(err.msg, "config.json: integer at byte 116 is out of the 64-bit range");
}

// json-c clamps what does not fit in 64 bits; kakoi refuses it instead.
TEST(Limits, IntegerBounds)
{
	auto memory = [](const std::string &v) {
		return R"({"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"resources":{"memory":{"limit":)" +
		       v + "}}}}";
	};
	EXPECT_EQ(ParseErr(memory("-9223372036854775808")).code, KK_OK);
	EXPECT_STREQ(ParseErr(memory("-9223372036854775809")).msg,
		     "config.json: integer at byte 82 is out of the 64-bit range");
	EXPECT_STREQ(ParseErr(memory("99999999999999999999999")).msg,
		     "config.json: integer at byte 82 is out of the 64-bit range");
	// Digits inside strings and non-integers are not integers.
	EXPECT_EQ(
		ParseErr(
			R"({"ociVersion":"1.0.0","root":{"path":"r"},"x":"99999999999999999999999","y":1e400})")
			.code,
		KK_OK);
}

} // namespace
