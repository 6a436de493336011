// linux.resources (parse_resources.c and the resources part of
// validate_linux.c): for each field a good case and a bad one, with the
// exact error text.
#include <string>

#include <gtest/gtest.h>

#include "parser/parser.h"
#include "tests/parser/fixture.h"
#include "tests/parser/parse_helpers.h"

namespace
{

using kktest::ParseError;
using kktest::ParseSpec;
using kktest::ResourcesConfig;

const kk_resources *Resources(const kktest::Spec &spec)
{
	return spec && spec->linux_ ? spec->linux_->resources : nullptr;
}

std::string ResourcesError(const std::string &body)
{
	return ParseError(ResourcesConfig(body));
}

TEST(Resources, EmptyObjectIsValid)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(""), &err);

	ASSERT_TRUE(spec) << err;
	ASSERT_NE(Resources(spec), nullptr);
	EXPECT_EQ(Resources(spec)->memory, nullptr);
	EXPECT_EQ(Resources(spec)->n_devices, 0u);
}

TEST(Resources, MustBeAnObject)
{
	EXPECT_EQ(ParseError(kktest::LinuxConfig(R"("resources":[])")),
		  "config.json: linux.resources: must be an object, not array");
}

// --- devices (the allowed device list) -------------------------------------------------

TEST(DeviceRules, SpecExample)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("devices":[
		{"allow":false,"access":"rwm"},
		{"allow":true,"type":"c","major":10,"minor":229,"access":"rw"},
		{"allow":true,"type":"b","major":8,"minor":0,"access":"r"}])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_resources *r = Resources(spec);
	ASSERT_EQ(r->n_devices, 3u);
	EXPECT_FALSE(r->devices[0].allow);
	EXPECT_EQ(r->devices[0].type, 'a'); // absent type means all
	EXPECT_FALSE(r->devices[0].major.set);
	EXPECT_STREQ(r->devices[0].access, "rwm");
	EXPECT_TRUE(r->devices[1].allow);
	EXPECT_EQ(r->devices[1].type, 'c');
	EXPECT_EQ(r->devices[1].major.value, 10);
	EXPECT_EQ(r->devices[1].minor.value, 229);
	EXPECT_EQ(r->devices[2].type, 'b');
}

TEST(DeviceRules, AllowIsARequiredBoolean)
{
	EXPECT_EQ(ResourcesError(R"("devices":[{"access":"rwm"}])"),
		  "config.json: linux.resources.devices[0].allow: is required");
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":"true"}])"),
		  "config.json: linux.resources.devices[0].allow: must be a boolean, not string");
}

TEST(DeviceRules, TypeIsACharOfAcb)
{
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":true,"type":"a"}])"), "");
	EXPECT_EQ(
		ResourcesError(R"("devices":[{"allow":true,"type":"p"}])"),
		"config.json: linux.resources.devices[0].type: must be one of \"a\", \"c\", \"b\"");
	EXPECT_EQ(
		ResourcesError(R"("devices":[{"allow":true,"type":"ab"}])"),
		"config.json: linux.resources.devices[0].type: must be one of \"a\", \"c\", \"b\"");
	// null is absent (runc, crun): every type.
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":true,"type":null}])"), "");
}

TEST(DeviceRules, NumberAndAccessTypes)
{
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":true,"major":"8"}])"),
		  "config.json: linux.resources.devices[0].major: must be an integer, not string");
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":true,"access":["r"]}])"),
		  "config.json: linux.resources.devices[0].access: must be a string, not array");
}

TEST(DeviceRules, AccessIsACompositionOfRwm)
{
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":true,"access":"mwr"}])"), "");
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":true,"access":"rwx"}])"),
		  "config.json: linux.resources.devices[0].access: \"rwx\" may only contain \"r\", "
		  "\"w\" and \"m\"");
	EXPECT_EQ(ResourcesError(R"("devices":[{"allow":true,"access":"rwr"}])"),
		  "config.json: linux.resources.devices[0].access: \"rwr\" repeats \"r\"");
}

// --- memory ---------------------------------------------------------------------------

TEST(Memory, Good)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("memory":{"limit":536870912,
		"reservation":536870912,"swap":-1,"kernel":-1,"kernelTCP":-1,"swappiness":0,
		"disableOOMKiller":false,"useHierarchy":true,"checkBeforeUpdate":true})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_memory *m = Resources(spec)->memory;
	ASSERT_NE(m, nullptr);
	EXPECT_EQ(m->limit.value, 536870912);
	EXPECT_EQ(m->swap.value, -1);
	EXPECT_TRUE(m->swappiness.set);
	EXPECT_EQ(m->swappiness.value, 0u);
	EXPECT_TRUE(m->disable_oom_killer.set);
	EXPECT_FALSE(m->disable_oom_killer.value);
	EXPECT_TRUE(m->check_before_update.value);
	EXPECT_TRUE(m->kernel_tcp.set);
}

TEST(Memory, TypeErrors)
{
	EXPECT_EQ(ResourcesError(R"("memory":{"limit":"1G"})"),
		  "config.json: linux.resources.memory.limit: must be an integer, not string");
	EXPECT_EQ(ResourcesError(R"("memory":{"swappiness":-1})"),
		  "config.json: linux.resources.memory.swappiness: must not be negative");
	EXPECT_EQ(ResourcesError(R"("memory":{"useHierarchy":1})"),
		  "config.json: linux.resources.memory.useHierarchy: must be a boolean, not int");
	EXPECT_EQ(ResourcesError(R"("memory":{"kernelTCP":9223372036854775808})"),
		  "config.json: linux.resources.memory.kernelTCP: 9223372036854775808 is out of "
		  "range [-9223372036854775808, 9223372036854775807]");
}

// --- cpu ---------------------------------------------------------------------------------

TEST(Cpu, Good)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("cpu":{"shares":1024,"quota":1000000,
		"burst":1000000,"period":500000,"realtimeRuntime":950000,"realtimePeriod":1000000,
		"cpus":"2-3","mems":"0-7","idle":1})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_cpu *c = Resources(spec)->cpu;
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(c->shares.value, 1024u);
	EXPECT_EQ(c->quota.value, 1000000);
	EXPECT_EQ(c->burst.value, 1000000u);
	EXPECT_EQ(c->realtime_runtime.value, 950000);
	EXPECT_STREQ(c->cpus, "2-3");
	EXPECT_STREQ(c->mems, "0-7");
	EXPECT_EQ(c->idle.value, 1);
}

TEST(Cpu, TypeErrors)
{
	EXPECT_EQ(ResourcesError(R"("cpu":{"shares":-2})"),
		  "config.json: linux.resources.cpu.shares: must not be negative");
	EXPECT_EQ(ResourcesError(R"("cpu":{"cpus":[0,1]})"),
		  "config.json: linux.resources.cpu.cpus: must be a string, not array");
	EXPECT_EQ(ResourcesError(R"("cpu":{"idle":true})"),
		  "config.json: linux.resources.cpu.idle: must be an integer, not boolean");
}

TEST(Cpu, ListsOfCpusAndMems)
{
	EXPECT_EQ(ResourcesError(R"("cpu":{"cpus":"0-3,7","mems":""})"), "");
	EXPECT_EQ(ResourcesError(R"("cpu":{"cpus":"0-3 7"})"),
		  "config.json: linux.resources.cpu.cpus: \"0-3 7\" is not a list of the form "
		  "\"0-3,7\"");
	EXPECT_EQ(ResourcesError(R"("cpu":{"mems":"all"})"),
		  "config.json: linux.resources.cpu.mems: \"all\" is not a list of the form "
		  "\"0-3,7\"");
}

TEST(Cpu, BurstIsAtMostAPositiveQuota)
{
	EXPECT_EQ(ResourcesError(R"("cpu":{"quota":1000,"burst":1000})"), "");
	EXPECT_EQ(ResourcesError(R"("cpu":{"quota":-1,"burst":5000})"), "");
	EXPECT_EQ(ResourcesError(R"("cpu":{"quota":1000,"burst":1001})"),
		  "config.json: linux.resources.cpu.burst: 1001 is larger than quota 1000");
}

// --- pids ---------------------------------------------------------------------------------

TEST(Pids, Good)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("pids":{"limit":32771})"), &err);

	ASSERT_TRUE(spec) << err;
	ASSERT_NE(Resources(spec)->pids, nullptr);
	EXPECT_EQ(Resources(spec)->pids->limit, 32771);
	EXPECT_EQ(ResourcesError(R"("pids":{"limit":-1})"), "");
	EXPECT_EQ(ResourcesError(R"("pids":{"limit":0})"), "");
}

// limit is OPTIONAL in config-linux.md (its schema still says required):
// runc takes an empty object as no limit.
TEST(Pids, LimitIsAnOptionalInteger)
{
	EXPECT_EQ(ResourcesError(R"("pids":{})"), "");
	EXPECT_EQ(ResourcesError(R"("pids":{"limit":"max"})"),
		  "config.json: linux.resources.pids.limit: must be an integer, not string");
}

// --- blockIO -----------------------------------------------------------------------------

TEST(BlockIO, SpecExample)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("blockIO":{"weight":10,"leafWeight":10,
		"weightDevice":[{"major":8,"minor":0,"weight":500,"leafWeight":300},
				{"major":8,"minor":16,"weight":500}],
		"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":600}],
		"throttleWriteBpsDevice":[{"major":8,"minor":1,"rate":700}],
		"throttleReadIOPSDevice":[{"major":8,"minor":2,"rate":800}],
		"throttleWriteIOPSDevice":[{"major":8,"minor":16,"rate":300},{"major":8,"minor":17}]})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_blkio *b = Resources(spec)->block_io;
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(b->weight.value, 10u);
	ASSERT_EQ(b->n_weight_device, 2u);
	EXPECT_EQ(b->weight_device[0].leaf_weight.value, 300u);
	EXPECT_FALSE(b->weight_device[1].leaf_weight.set);
	ASSERT_EQ(b->throttle_read_bps.n, 1u);
	EXPECT_EQ(b->throttle_read_bps.v[0].rate, 600u);
	EXPECT_EQ(b->throttle_write_bps.v[0].minor, 1);
	EXPECT_EQ(b->throttle_read_iops.v[0].rate, 800u);
	ASSERT_EQ(b->throttle_write_iops.n, 2u);
	EXPECT_EQ(b->throttle_write_iops.v[1].rate, 0u); // rate absent
}

TEST(BlockIO, WeightsAreUint16)
{
	EXPECT_EQ(ResourcesError(R"("blockIO":{"weight":65535})"), "");
	EXPECT_EQ(ResourcesError(R"("blockIO":{"weight":65536})"),
		  "config.json: linux.resources.blockIO.weight: 65536 is out of range [0, 65535]");
	EXPECT_EQ(ResourcesError(R"("blockIO":{"leafWeight":-1})"),
		  "config.json: linux.resources.blockIO.leafWeight: must not be negative");
	EXPECT_EQ(ResourcesError(R"("blockIO":{"weightDevice":[{"major":8,"minor":0,
		"leafWeight":70000}]})"),
		  "config.json: linux.resources.blockIO.weightDevice[0].leafWeight: 70000 is out "
		  "of range [0, 65535]");
}

TEST(BlockIO, DeviceNumbersAreRequired)
{
	EXPECT_EQ(ResourcesError(R"("blockIO":{"weightDevice":[{"minor":0,"weight":1}]})"),
		  "config.json: linux.resources.blockIO.weightDevice[0].major: is required");
	EXPECT_EQ(ResourcesError(R"("blockIO":{"throttleReadBpsDevice":[{"major":8,"rate":1}]})"),
		  "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].minor: is "
		  "required");
	EXPECT_EQ(ResourcesError(R"("blockIO":{"throttleWriteIOPSDevice":[{"minor":8}]})"),
		  "config.json: linux.resources.blockIO.throttleWriteIOPSDevice[0].major: is "
		  "required");
}

TEST(BlockIO, RateIsUint64)
{
	EXPECT_EQ(ResourcesError(R"("blockIO":{"throttleWriteBpsDevice":[{"major":8,"minor":0,
		"rate":18446744073709551615}]})"),
		  "");
	EXPECT_EQ(
		ResourcesError(R"("blockIO":{"throttleReadIOPSDevice":[{"major":8,"minor":0,
		"rate":-5}]})"),
		"config.json: linux.resources.blockIO.throttleReadIOPSDevice[0].rate: must not be "
		"negative");
}

TEST(BlockIO, WeightDeviceNeedsAWeight)
{
	EXPECT_EQ(ResourcesError(R"("blockIO":{"weightDevice":[{"major":8,"minor":0,
		"leafWeight":1}]})"),
		  "");
	EXPECT_EQ(ResourcesError(R"("blockIO":{"weightDevice":[{"major":8,"minor":0}]})"),
		  "config.json: linux.resources.blockIO.weightDevice[0]: must set weight, "
		  "leafWeight or both");
}

// --- hugepageLimits ------------------------------------------------------------------------

TEST(Hugepages, SpecExample)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("hugepageLimits":[
		{"pageSize":"2MB","limit":209715200},{"pageSize":"64KB","limit":1000000},
		{"pageSize":"1GB","limit":0}])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_resources *r = Resources(spec);
	ASSERT_EQ(r->n_hugepage_limits, 3u);
	EXPECT_STREQ(r->hugepage_limits[0].page_size, "2MB");
	EXPECT_EQ(r->hugepage_limits[0].limit, 209715200u);
	EXPECT_STREQ(r->hugepage_limits[1].page_size, "64KB");
}

TEST(Hugepages, FieldsAreRequired)
{
	EXPECT_EQ(ResourcesError(R"("hugepageLimits":[{"limit":1}])"),
		  "config.json: linux.resources.hugepageLimits[0].pageSize: is required");
	EXPECT_EQ(ResourcesError(R"("hugepageLimits":[{"pageSize":"2MB"}])"),
		  "config.json: linux.resources.hugepageLimits[0].limit: is required");
	EXPECT_EQ(ResourcesError(R"("hugepageLimits":[{"pageSize":"2MB","limit":-1}])"),
		  "config.json: linux.resources.hugepageLimits[0].limit: must not be negative");
}

TEST(Hugepages, SpecFixtureBadPageSize)
{
	std::string json = ReadRunfile("tests/fixtures/config/bad/linux-hugepage.json");

	ASSERT_FALSE(json.empty());
	EXPECT_EQ(ParseError(json), "config.json: linux.resources.hugepageLimits[0].pageSize: "
				    "\"64kB\" is not a size like \"2MB\" (<n>KB, <n>MB or <n>GB)");
}

TEST(Hugepages, PageSizePattern)
{
	for (const char *bad : {"0MB", "2M", "MB", "2MBB", "2TB", "02MB", "2 MB", ""}) {
		std::string body =
			std::string(R"("hugepageLimits":[{"limit":1,"pageSize":")") + bad + "\"}]";

		EXPECT_EQ(
			ResourcesError(body),
			std::string("config.json: linux.resources.hugepageLimits[0].pageSize: \"") +
				bad + "\" is not a size like \"2MB\" (<n>KB, <n>MB or <n>GB)");
	}
	EXPECT_EQ(ResourcesError(R"("hugepageLimits":[{"limit":1,"pageSize":"16384KB"}])"), "");
}

// --- network -----------------------------------------------------------------------------

TEST(Network, SpecExample)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("network":{"classID":1048577,
		"priorities":[{"name":"eth0","priority":500},{"name":"eth1","priority":1000}]})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_network *n = Resources(spec)->network;
	ASSERT_NE(n, nullptr);
	EXPECT_EQ(n->class_id.value, 1048577u);
	ASSERT_EQ(n->n_priorities, 2u);
	EXPECT_STREQ(n->priorities[1].name, "eth1");
	EXPECT_EQ(n->priorities[1].priority, 1000u);
}

TEST(Network, PriorityFieldsAreRequired)
{
	EXPECT_EQ(ResourcesError(R"("network":{"priorities":[{"priority":1}]})"),
		  "config.json: linux.resources.network.priorities[0].name: is required");
	EXPECT_EQ(ResourcesError(R"("network":{"priorities":[{"name":"eth0"}]})"),
		  "config.json: linux.resources.network.priorities[0].priority: is required");
}

TEST(Network, TypeErrors)
{
	EXPECT_EQ(ResourcesError(R"("network":{"classID":-1})"),
		  "config.json: linux.resources.network.classID: must not be negative");
	EXPECT_EQ(ResourcesError(R"("network":{"priorities":{}})"),
		  "config.json: linux.resources.network.priorities: must be an array, not object");
}

// --- rdma -------------------------------------------------------------------------------

TEST(Rdma, SpecFixtureGood)
{
	std::string json = ReadRunfile("tests/fixtures/config/good/linux-rdma.json");
	std::string err;

	ASSERT_FALSE(json.empty());
	auto spec = ParseSpec(json, &err);
	ASSERT_TRUE(spec) << err;
	const kk_resources *r = Resources(spec);
	ASSERT_EQ(r->n_rdma, 3u);
	EXPECT_STREQ(r->rdma[0].device, "mlx5_1");
	EXPECT_EQ(r->rdma[0].hca_handles.value, 3u);
	EXPECT_EQ(r->rdma[0].hca_objects.value, 10000u);
	EXPECT_STREQ(r->rdma[1].device, "mlx4_0");
	EXPECT_FALSE(r->rdma[1].hca_handles.set);
}

TEST(Rdma, SpecFixtureBad)
{
	std::string json = ReadRunfile("tests/fixtures/config/bad/linux-rdma.json");

	ASSERT_FALSE(json.empty());
	EXPECT_EQ(ParseError(json), "config.json: linux.resources.rdma.mlx5_1.hcaHandles: must be "
				    "an integer, not string");
}

TEST(Rdma, EntriesAreObjects)
{
	EXPECT_EQ(ResourcesError(R"("rdma":{"mlx5_1":3})"),
		  "config.json: linux.resources.rdma.mlx5_1: must be an object, not int");
}

TEST(Rdma, EntryNeedsALimit)
{
	EXPECT_EQ(ResourcesError(R"("rdma":{"mlx5_1":{}})"),
		  "config.json: linux.resources.rdma.mlx5_1: must set hcaHandles, hcaObjects or "
		  "both");
	EXPECT_EQ(ResourcesError(R"("rdma":{"":{"hcaHandles":1}})"),
		  "config.json: linux.resources.rdma: keys must not be empty");
}

// --- unified ------------------------------------------------------------------------------

TEST(Unified, Good)
{
	std::string err;
	auto spec = ParseSpec(ResourcesConfig(R"("unified":{"io.max":"259:0 rbps=2097152",
		"memory.high":"1073741824"})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	ASSERT_EQ(Resources(spec)->unified.n, 2u);
	EXPECT_STREQ(Resources(spec)->unified.v[0].key, "io.max");
	EXPECT_STREQ(Resources(spec)->unified.v[0].value, "259:0 rbps=2097152");
}

TEST(Unified, ValuesAreStrings)
{
	EXPECT_EQ(ResourcesError(R"("unified":{"memory.max":1024})"),
		  "config.json: linux.resources.unified.memory.max: must be a string, not int");
}

TEST(Unified, KeysAreFileNamesInTheCgroup)
{
	EXPECT_EQ(ResourcesError(R"("unified":{"../../cgroup.procs":"1"})"),
		  "config.json: linux.resources.unified.../../cgroup.procs: must be a file name in "
		  "the cgroup");
	EXPECT_EQ(ResourcesError(R"("unified":{"..":"1"})"),
		  "config.json: linux.resources.unified...: must be a file name in the cgroup");
	EXPECT_EQ(ResourcesError(R"("unified":{"":"1"})"),
		  "config.json: linux.resources.unified: keys must not be empty");
}

// --- the validator on its own -------------------------------------------------------------

TEST(Validator, RechecksBlkioWeights)
{
	kk_root root = {"rootfs", false};
	kk_blkio blkio = {};
	kk_resources res = {};
	kk_linux l = {};
	kk_spec spec = {};
	kk_error err = {};

	blkio.weight = {65536, true};
	res.block_io = &blkio;
	l.resources = &res;
	spec.oci_version = "1.0.0";
	spec.root = &root;
	spec.linux_ = &l;
	ASSERT_EQ(kk_spec_validate(&spec, &err), -1);
	EXPECT_STREQ(
		err.msg,
		"config.json: linux.resources.blockIO.weight: 65536 is out of range [0, 65535]");
	blkio.weight = {65535, true};
	EXPECT_EQ(kk_spec_validate(&spec, &err), 0) << err.msg;
}

} // namespace
