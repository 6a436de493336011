// kk_duration_parse against Go's time.ParseDuration: what it accepts (with
// the nanoseconds Go gives) and what it refuses (with Go's wording).
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "runtime/cli/duration.h"

namespace
{

struct Parsed {
	bool ok;
	int64_t ns;
	std::string msg;
};

Parsed Parse(const std::string &s)
{
	kk_error err = {};
	int64_t ns = -42;
	int rc = kk_duration_parse(s.c_str(), &ns, &err);
	if (rc == 0)
		EXPECT_EQ(err.code, KK_OK) << "error set on success for " << s;
	else
		EXPECT_EQ(err.code, KK_ERR_USAGE) << s;
	return {rc == 0, ns, err.msg};
}

TEST(Duration, AcceptsWhatGoAccepts)
{
	const std::pair<const char *, int64_t> cases[] = {
		{"0", 0},
		{"+0", 0},
		{"-0", 0},
		{"5s", 5000000000},
		{"100ms", 100000000},
		{"1m30s", 90000000000},
		{"1h", 3600000000000},
		{"1.5h", 5400000000000},
		{".5s", 500000000},
		{"1.s", 1000000000},
		{"2us", 2000},
		{"2\xc2\xb5s", 2000},
		{"2\xce\xbcs", 2000},
		{"3ns", 3},
		{"-2s", -2000000000},
		{"1h2m3s4ms5us6ns", 3723004005006},
		{"0s", 0},
		{"0.000000001s", 1},
		{"1.0000000000000000000001s", 1000000000},
		{"9223372036854775807ns", INT64_MAX},
		{"-9223372036854775808ns", INT64_MIN},
		{"2562047h47m16.854775807s", INT64_MAX},
	};
	for (const auto &c : cases) {
		Parsed p = Parse(c.first);
		EXPECT_TRUE(p.ok) << c.first << ": " << p.msg;
		EXPECT_EQ(p.ns, c.second) << c.first;
	}
}

TEST(Duration, RefusesWhatGoRefusesWithItsWording)
{
	const std::pair<const char *, const char *> cases[] = {
		{"", "time: invalid duration \"\""},
		{"-", "time: invalid duration \"-\""},
		{"s", "time: invalid duration \"s\""},
		{".s", "time: invalid duration \".s\""},
		{"5", "time: missing unit in duration \"5\""},
		{"1s5", "time: missing unit in duration \"1s5\""},
		{"5x", "time: unknown unit \"x\" in duration \"5x\""},
		{"5 s", "time: unknown unit \" s\" in duration \"5 s\""},
		{"1.2.3s", "time: missing unit in duration \"1.2.3s\""},
		{"9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""},
		{"2562048h", "time: invalid duration \"2562048h\""},
		{"99999999999999999999s", "time: invalid duration \"99999999999999999999s\""},
		{"--1s", "time: invalid duration \"--1s\""},
	};
	for (const auto &c : cases) {
		Parsed p = Parse(c.first);
		EXPECT_FALSE(p.ok) << c.first << " gave " << p.ns;
		EXPECT_EQ(p.msg, c.second);
	}
}

TEST(Duration, QuotedInputIsMadePrintable)
{
	Parsed p = Parse("5\x1b[2J");
	EXPECT_FALSE(p.ok);
	EXPECT_EQ(p.msg.find('\x1b'), std::string::npos) << p.msg;
}

} // namespace
