// The spec's own schema fixtures (copied into tests/fixtures): every good
// Linux config parses, every bad one is refused with a field-named error.
extern "C" {
#include "parser/parser.h"
}

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/parser/fixture.h"

namespace
{

std::string ParseFile(const std::string &rel, kk_doc_kind kind)
{
	std::string json = ReadRunfile(rel);
	kk_error err{};
	const void *doc = kk_doc_parse(kind, json.data(), json.size(), &err);
	if (doc == nullptr)
		return err.msg;
	kk_doc_free(doc);
	return "";
}

TEST(SpecFixtures, GoodConfigsParse)
{
	auto files = ListRunfiles("tests/fixtures/config/good");
	ASSERT_GE(files.size(), 5u);
	for (const auto &f : files)
		EXPECT_EQ(ParseFile(f, KK_DOC_CONFIG), "") << f;
}

TEST(SpecFixtures, BadConfigsAreRefusedNamingTheField)
{
	const std::map<std::string, std::string> expected = {
		{"invalid-json.json",
		 "config.json: invalid JSON at byte 1: quoted object property name expected"},
		{"linux-hugepage.json",
		 "config.json: linux.resources.hugepageLimits[0].pageSize: "},
		{"linux-netdevice.json",
		 "config.json: linux.netDevices.eth0.name: must be a string, not int"},
		{"linux-rdma.json", "config.json: linux.resources.rdma.mlx5_1.hcaHandles: must be "
				    "an integer, not string"},
	};
	auto files = ListRunfiles("tests/fixtures/config/bad");
	ASSERT_EQ(files.size(), expected.size());
	for (const auto &f : files) {
		std::string name = f.substr(f.rfind('/') + 1);
		std::string err = ParseFile(f, KK_DOC_CONFIG);
		ASSERT_TRUE(expected.count(name)) << name;
		EXPECT_EQ(err.rfind(expected.at(name), 0), 0u) << name << ": " << err;
	}
}

TEST(SpecFixtures, States)
{
	for (const auto &f : ListRunfiles("tests/fixtures/state/good"))
		EXPECT_EQ(ParseFile(f, KK_DOC_STATE), "") << f;
	for (const auto &f : ListRunfiles("tests/fixtures/state/bad"))
		EXPECT_NE(ParseFile(f, KK_DOC_STATE), "") << f;
}

} // namespace
