// resources.json (KK_DOC_RESOURCES, `kakoi update --resources`): runc's
// LinuxResources document, read with linux.resources' reader and checks,
// but with unknown keys refused, and through the image round trip like the
// other kinds.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "parser/image.h"
#include "parser/parser.h"
#include "tests/parser/parse_helpers.h"

namespace
{

using Doc = std::unique_ptr<const kk_resources, kktest::DocDeleter>;

Doc Parse(const std::string &json, std::string *error = nullptr)
{
	kk_error err = {};
	Doc doc(static_cast<const kk_resources *>(
		kk_doc_parse(KK_DOC_RESOURCES, json.data(), json.size(), &err)));

	if (error != nullptr)
		*error = doc ? "" : err.msg;
	return doc;
}

std::string Error(const std::string &json)
{
	std::string error;

	EXPECT_FALSE(Parse(json, &error)) << json;
	return error;
}

TEST(ResourcesDoc, NameAndKind)
{
	EXPECT_STREQ(kk_doc_name(KK_DOC_RESOURCES), "resources.json");
}

TEST(ResourcesDoc, RuncExample)
{
	std::string err;
	auto doc = Parse(R"({"memory":{"limit":104857600,"reservation":0,"swap":209715200,
		"kernel":0,"kernelTCP":0,"checkBeforeUpdate":true},
		"cpu":{"shares":512,"quota":50000,"burst":0,"period":100000,"realtimeRuntime":0,
		"realtimePeriod":0,"cpus":"0","mems":"0","idle":0},
		"blockIO":{"weight":300},"pids":{"limit":42}})",
			 &err);

	ASSERT_TRUE(doc) << err;
	ASSERT_NE(doc->memory, nullptr);
	EXPECT_TRUE(doc->memory->limit.set);
	EXPECT_EQ(doc->memory->limit.value, 104857600);
	EXPECT_EQ(doc->memory->swap.value, 209715200);
	ASSERT_NE(doc->cpu, nullptr);
	EXPECT_EQ(doc->cpu->shares.value, 512u);
	EXPECT_EQ(doc->cpu->quota.value, 50000);
	EXPECT_STREQ(doc->cpu->cpus, "0");
	ASSERT_NE(doc->block_io, nullptr);
	EXPECT_EQ(doc->block_io->weight.value, 300u);
	ASSERT_NE(doc->pids, nullptr);
	EXPECT_EQ(doc->pids->limit, 42);
}

TEST(ResourcesDoc, EmptyAndFullSpecShapeAccepted)
{
	EXPECT_TRUE(Parse("{}"));
	// What containerd's shim marshals: every LinuxResources member.
	EXPECT_TRUE(Parse(R"({"devices":[{"allow":false,"access":"rwm"}],
		"memory":{"limit":-1,"swap":-1,"swappiness":0,"disableOOMKiller":false,
		"useHierarchy":true},"cpu":{"shares":2},"pids":{"limit":-1},
		"blockIO":{"leafWeight":10,"weightDevice":[],"throttleReadBpsDevice":[],
		"throttleWriteBpsDevice":[],"throttleReadIOPSDevice":[],
		"throttleWriteIOPSDevice":[]},"hugepageLimits":[{"pageSize":"2MB","limit":0}],
		"network":{"classID":1,"priorities":[]},"rdma":{},"unified":{"memory.high":"max"}})"));
}

TEST(ResourcesDoc, ErrorsNameTheField)
{
	EXPECT_EQ(Error(R"({"memory":{"limit":"1g"}})"),
		  "resources.json: memory.limit: must be an integer, not string");
	EXPECT_EQ(Error(R"({"cpu":{"shares":-1}})"),
		  "resources.json: cpu.shares: must not be negative");
	EXPECT_TRUE(Parse(R"({"pids":{}})", nullptr)); // limit is OPTIONAL (config-linux.md)
	EXPECT_EQ(Error(R"({"pids":{"limit":"x"}})"),
		  "resources.json: pids.limit: must be an integer, not string");
	EXPECT_EQ(Error(R"({"blockIO":{"weight":70000}})"),
		  "resources.json: blockIO.weight: 70000 is out of range [0, 65535]");
	EXPECT_EQ(Error(R"({"unified":{"../x":"1"}})"),
		  "resources.json: unified.../x: must be a file name in the cgroup");
}

TEST(ResourcesDoc, UnknownKeysRefused)
{
	EXPECT_EQ(Error(R"({"memroy":{"limit":1}})"),
		  "resources.json: memroy: unknown key (known: devices, memory, cpu, pids, "
		  "blockIO, hugepageLimits, network, rdma, unified)");
	EXPECT_EQ(Error(R"({"memory":{"limt":1}})"),
		  "resources.json: memory.limt: unknown key (known: limit, reservation, swap, "
		  "kernel, kernelTCP, swappiness, disableOOMKiller, useHierarchy, "
		  "checkBeforeUpdate)");
	EXPECT_EQ(Error(R"({"cpu":{"share":1}})").substr(0, 40),
		  "resources.json: cpu.share: unknown key (");
	EXPECT_EQ(Error(R"({"pids":{"limit":1,"max":2}})").substr(0, 39),
		  "resources.json: pids.max: unknown key (");
	EXPECT_EQ(Error(R"({"blockIO":{"blkioWeight":1}})").substr(0, 48),
		  "resources.json: blockIO.blkioWeight: unknown key");
	EXPECT_EQ(Error(R"({"network":{"classId":1}})").substr(0, 44),
		  "resources.json: network.classId: unknown key");
}

TEST(ResourcesDoc, NotJsonOrNotAnObject)
{
	EXPECT_EQ(Error("{").rfind("resources.json: ", 0), 0u);
	EXPECT_EQ(Error("[]").rfind("resources.json: ", 0), 0u);
	EXPECT_EQ(Error(R"({"memory":5})"), "resources.json: memory: must be an object, not int");
}

// The prescan every kind gets: a key given twice is refused, not "last wins".
TEST(ResourcesDoc, DuplicateKeysRefused)
{
	std::string e = Error(R"({"memory":{"limit":1,"limit":2}})");
	EXPECT_NE(e.find("resources.json: "), std::string::npos) << e;
	EXPECT_NE(e.find("limit"), std::string::npos) << e;
	e = Error(R"({"pids":{"limit":1},"pids":{"limit":2}})");
	EXPECT_NE(e.find("pids"), std::string::npos) << e;
}

TEST(ResourcesDoc, ImageRoundTrip)
{
	const std::string json = R"({"memory":{"limit":1048576},"cpu":{"cpus":"0-1"},
		"unified":{"pids.max":"10"}})";
	kk_error err = {};
	size_t len = 0;
	void *image = kk_image_build(KK_DOC_RESOURCES, json.data(), json.size(), &len, &err);

	ASSERT_NE(image, nullptr) << err.msg;
	Doc doc(static_cast<const kk_resources *>(
		kk_image_map(KK_DOC_RESOURCES, image, len, &err)));
	free(image);
	ASSERT_TRUE(doc) << err.msg;
	EXPECT_EQ(doc->memory->limit.value, 1048576);
	EXPECT_STREQ(doc->cpu->cpus, "0-1");
	ASSERT_EQ(doc->unified.n, 1u);
	EXPECT_STREQ(doc->unified.v[0].key, "pids.max");
	// An image of another kind is refused as a resources document.
	Doc wrong(static_cast<const kk_resources *>(kk_image_map(
		KK_DOC_STATE,
		image = kk_image_build(KK_DOC_RESOURCES, json.data(), json.size(), &len, &err), len,
		&err)));
	free(image);
	EXPECT_FALSE(wrong);
}

} // namespace
