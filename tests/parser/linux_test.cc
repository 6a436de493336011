// config.json's linux section (parse_linux.c, validate_linux.c), except
// resources (resources_test.cc) and seccomp (seccomp_test.cc): for each
// field a good case and a bad one, with the exact error text.
#include <sched.h>
#include <sys/mount.h>

#include <string>

#include <gtest/gtest.h>

#include "parser/parser.h"
#include "parser/vocab.h"
#include "tests/parser/fixture.h"
#include "tests/parser/parse_helpers.h"

namespace
{

using kktest::LinuxConfig;
using kktest::ParseError;
using kktest::ParseSpec;

const kk_linux *Linux(const kktest::Spec &spec)
{
	return spec ? spec->linux_ : nullptr;
}

std::string LinuxError(const std::string &body)
{
	return ParseError(LinuxConfig(body));
}

// --- the linux object itself --------------------------------------------------

TEST(Linux, EmptyObjectIsValid)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(""), &err);

	ASSERT_TRUE(spec) << err;
	ASSERT_NE(Linux(spec), nullptr);
	EXPECT_EQ(Linux(spec)->n_namespaces, 0u);
	EXPECT_EQ(Linux(spec)->rootfs_propagation, 0);
	EXPECT_EQ(Linux(spec)->resources, nullptr);
}

TEST(Linux, AbsentLinuxIsNull)
{
	auto spec = ParseSpec(R"({"ociVersion":"1.0.0","root":{"path":"rootfs"}})");

	ASSERT_TRUE(spec);
	EXPECT_EQ(spec->linux_, nullptr);
}

TEST(Linux, MustBeAnObject)
{
	EXPECT_EQ(ParseError(R"({"ociVersion":"1.0.0","root":{"path":"rootfs"},"linux":[]})"),
		  "config.json: linux: must be an object, not array");
}

// --- namespaces ------------------------------------------------------------------

TEST(Namespaces, AllTypesWithAndWithoutPath)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("namespaces":[
		{"type":"pid","path":"/proc/1234/ns/pid"},{"type":"network"},{"type":"mount"},
		{"type":"ipc"},{"type":"uts"},{"type":"user"},{"type":"cgroup"},{"type":"time"}])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_linux *l = Linux(spec);
	ASSERT_EQ(l->n_namespaces, 8u);
	EXPECT_EQ(l->namespaces[0].type, CLONE_NEWPID);
	EXPECT_STREQ(l->namespaces[0].path, "/proc/1234/ns/pid");
	EXPECT_EQ(l->namespaces[1].type, CLONE_NEWNET);
	EXPECT_EQ(l->namespaces[1].path, nullptr);
	EXPECT_EQ(l->namespaces[5].type, CLONE_NEWUSER);
}

TEST(Namespaces, MustBeAnArray)
{
	EXPECT_EQ(LinuxError(R"("namespaces":{})"),
		  "config.json: linux.namespaces: must be an array, not object");
}

TEST(Namespaces, TypeIsRequired)
{
	EXPECT_EQ(LinuxError(R"("namespaces":[{"type":"pid"},{"path":"/x"}])"),
		  "config.json: linux.namespaces[1].type: is required");
}

TEST(Namespaces, UnknownType)
{
	EXPECT_EQ(LinuxError(R"("namespaces":[{"type":"pidns"}])"),
		  "config.json: linux.namespaces[0].type: unknown namespace type \"pidns\"");
}

TEST(Namespaces, PathMustBeAString)
{
	EXPECT_EQ(LinuxError(R"("namespaces":[{"type":"pid","path":1}])"),
		  "config.json: linux.namespaces[0].path: must be a string, not int");
}

TEST(Namespaces, DuplicateType)
{
	EXPECT_EQ(LinuxError(R"("namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},
		{"type":"pid","path":"/proc/1/ns/pid"}])"),
		  "config.json: linux.namespaces[3].type: duplicate namespace \"pid\"");
}

TEST(Namespaces, PathMustBeAbsolute)
{
	EXPECT_EQ(LinuxError(R"("namespaces":[{"type":"network","path":"var/run/netns/a"}])"),
		  "config.json: linux.namespaces[0].path: \"var/run/netns/a\" must be an absolute "
		  "path");
	EXPECT_EQ(LinuxError(R"("namespaces":[{"type":"network","path":""}])"),
		  "config.json: linux.namespaces[0].path: \"\" must be an absolute path");
}

// --- uidMappings / gidMappings ------------------------------------------------------

TEST(IdMappings, Good)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"(
		"uidMappings":[{"containerID":0,"hostID":1000,"size":32000},
			       {"containerID":32000,"hostID":100000,"size":1}],
		"gidMappings":[{"containerID":0,"hostID":1000,"size":32000}])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_linux *l = Linux(spec);
	ASSERT_EQ(l->uid_mappings.n, 2u);
	EXPECT_EQ(l->uid_mappings.v[0].container_id, 0u);
	EXPECT_EQ(l->uid_mappings.v[0].host_id, 1000u);
	EXPECT_EQ(l->uid_mappings.v[0].size, 32000u);
	EXPECT_EQ(l->uid_mappings.v[1].container_id, 32000u);
	ASSERT_EQ(l->gid_mappings.n, 1u);
	EXPECT_EQ(l->gid_mappings.v[0].host_id, 1000u);
}

TEST(IdMappings, FieldsAreRequired)
{
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"hostID":1,"size":1}])"),
		  "config.json: linux.uidMappings[0].containerID: is required");
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":1,"size":1}])"),
		  "config.json: linux.uidMappings[0].hostID: is required");
	EXPECT_EQ(LinuxError(R"("gidMappings":[{"containerID":1,"hostID":1}])"),
		  "config.json: linux.gidMappings[0].size: is required");
}

TEST(IdMappings, FieldsAreUint32)
{
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":-1,"hostID":1,"size":1}])"),
		  "config.json: linux.uidMappings[0].containerID: must not be negative");
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":0,"hostID":4294967296,"size":1}])"),
		  "config.json: linux.uidMappings[0].hostID: 4294967296 is out of range [0, "
		  "4294967295]");
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":0,"hostID":0,"size":"1"}])"),
		  "config.json: linux.uidMappings[0].size: must be an integer, not string");
}

TEST(IdMappings, SizeMustBePositive)
{
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":0,"hostID":1000,"size":0}])"),
		  "config.json: linux.uidMappings[0].size: must be greater than zero");
}

TEST(IdMappings, RangeEndsAtTwoToThe32)
{
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":4294967295,"hostID":0,"size":1}])"),
		  "");
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":4294967295,"hostID":0,"size":2}])"),
		  "config.json: linux.uidMappings[0].size: containerID 4294967295 + size 2 exceeds "
		  "2^32");
	EXPECT_EQ(LinuxError(R"("gidMappings":[{"containerID":0,"hostID":4294967000,"size":300}])"),
		  "config.json: linux.gidMappings[0].size: hostID 4294967000 + size 300 exceeds "
		  "2^32");
}

TEST(IdMappings, ContainerRangesMustNotOverlap)
{
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":0,"hostID":1000,"size":10},
		{"containerID":10,"hostID":2000,"size":10}])"),
		  "");
	EXPECT_EQ(LinuxError(R"("uidMappings":[{"containerID":0,"hostID":1000,"size":10},
		{"containerID":9,"hostID":2000,"size":10}])"),
		  "config.json: linux.uidMappings[1]: overlaps uidMappings[0] in container IDs");
}

TEST(IdMappings, HostRangesMustNotOverlap)
{
	EXPECT_EQ(LinuxError(R"("gidMappings":[{"containerID":0,"hostID":1000,"size":10},
		{"containerID":100,"hostID":2000,"size":10},
		{"containerID":200,"hostID":995,"size":6}])"),
		  "config.json: linux.gidMappings[2]: overlaps gidMappings[0] in host IDs");
}

std::string Mappings(int n)
{
	std::string s = R"("uidMappings":[)";

	for (int i = 0; i < n; i++)
		s += (i ? "," : "") + std::string(R"({"containerID":)") + std::to_string(i) +
		     R"(,"hostID":)" + std::to_string(1000 + i) + R"(,"size":1})";
	return s + "]";
}

TEST(IdMappings, KernelLimitOf340)
{
	EXPECT_EQ(LinuxError(Mappings(340)), "");
	EXPECT_EQ(LinuxError(Mappings(341)),
		  "config.json: linux.uidMappings: has 341 entries, more than the kernel's limit "
		  "of 340 (KK_LIMIT_ID_MAPPINGS)");
}

// --- timeOffsets -------------------------------------------------------------------------

TEST(TimeOffsets, Good)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("timeOffsets":{
		"boottime":{"secs":-86400,"nanosecs":500},"monotonic":{"secs":3600}})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_time_offsets *t = Linux(spec)->time_offsets;
	ASSERT_NE(t, nullptr);
	ASSERT_NE(t->boottime, nullptr);
	EXPECT_TRUE(t->boottime->secs.set);
	EXPECT_EQ(t->boottime->secs.value, -86400);
	EXPECT_TRUE(t->boottime->nanosecs.set);
	EXPECT_EQ(t->boottime->nanosecs.value, 500u);
	ASSERT_NE(t->monotonic, nullptr);
	EXPECT_FALSE(t->monotonic->nanosecs.set);
}

TEST(TimeOffsets, TypeErrors)
{
	EXPECT_EQ(LinuxError(R"("timeOffsets":{"boottime":{"secs":"1"}})"),
		  "config.json: linux.timeOffsets.boottime.secs: must be an integer, not string");
	EXPECT_EQ(LinuxError(R"("timeOffsets":{"monotonic":{"nanosecs":-1}})"),
		  "config.json: linux.timeOffsets.monotonic.nanosecs: must not be negative");
	EXPECT_EQ(LinuxError(R"("timeOffsets":{"monotonic":3})"),
		  "config.json: linux.timeOffsets.monotonic: must be an object, not int");
}

TEST(TimeOffsets, NanosecondsBelowOneSecond)
{
	EXPECT_EQ(LinuxError(R"("timeOffsets":{"boottime":{"nanosecs":999999999}})"), "");
	EXPECT_EQ(LinuxError(R"("timeOffsets":{"boottime":{"nanosecs":1000000000}})"),
		  "config.json: linux.timeOffsets.boottime.nanosecs: 1000000000 is not below "
		  "1000000000");
}

TEST(Devices, NumbersAreNotNegative)
{
	EXPECT_EQ(LinuxError(R"("devices":[{"type":"c","path":"/dev/x","major":-5,"minor":1}])"),
		  "config.json: linux.devices[0].major: -5 is not a device number");
	EXPECT_EQ(LinuxError(R"("devices":[{"type":"b","path":"/dev/x","major":5,"minor":-1}])"),
		  "config.json: linux.devices[0].minor: -1 is not a device number");
}

// --- devices -----------------------------------------------------------------------------

TEST(Devices, Good)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("devices":[
		{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438,"uid":0,"gid":5},
		{"path":"/dev/sda","type":"b","major":8,"minor":0},
		{"path":"/dev/u","type":"u","major":1,"minor":2},
		{"path":"/run/fifo","type":"p"}])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_linux *l = Linux(spec);
	ASSERT_EQ(l->n_devices, 4u);
	const kk_device &d = l->devices[0];
	EXPECT_EQ(d.type, 'c');
	EXPECT_STREQ(d.path, "/dev/fuse");
	EXPECT_TRUE(d.file_mode.set);
	EXPECT_EQ(d.file_mode.value, 0666u);
	EXPECT_EQ(d.major.value, 10);
	EXPECT_EQ(d.minor.value, 229);
	EXPECT_TRUE(d.uid.set);
	EXPECT_EQ(d.gid.value, 5u);
	EXPECT_EQ(l->devices[1].type, 'b');
	EXPECT_FALSE(l->devices[1].file_mode.set);
	EXPECT_EQ(l->devices[2].type, 'u');
	EXPECT_EQ(l->devices[3].type, 'p');
	EXPECT_FALSE(l->devices[3].major.set);
}

TEST(Devices, TypeMustBeOneOfCbup)
{
	const char *want =
		"config.json: linux.devices[0].type: must be one of \"c\", \"b\", \"u\", "
		"\"p\"";

	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/dev/x","type":"x","major":1,"minor":1}])"),
		  want);
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/dev/x","type":"cb","major":1,"minor":1}])"),
		  want);
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/dev/x","type":"","major":1,"minor":1}])"),
		  want);
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/dev/x","type":"a","major":1,"minor":1}])"),
		  want);
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/dev/x","type":99}])"),
		  "config.json: linux.devices[0].type: must be a string, not int");
}

TEST(Devices, TypeAndPathAreRequired)
{
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/dev/x"}])"),
		  "config.json: linux.devices[0].type: is required");
	EXPECT_EQ(LinuxError(R"("devices":[{"type":"p"}])"),
		  "config.json: linux.devices[0].path: is required");
}

TEST(Devices, FileModeIsAtMost0777PlusTheTypesOwnBits)
{
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"p","fileMode":511}])"), "");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"p","fileMode":512}])"),
		  "config.json: linux.devices[0].fileMode: 512 is out of range [0, 511]");
	// Podman sends os.FileMode with the type: S_IFCHR|0600, S_IFCHR|0644.
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"c","major":1,"minor":3,)"
			     R"("fileMode":8576}])"),
		  "");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"u","major":1,"minor":3,)"
			     R"("fileMode":8612}])"),
		  "");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"b","major":8,"minor":0,)"
			     R"("fileMode":25008}])"),
		  "");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"p","fileMode":4516}])"), "");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"b","major":8,"minor":0,)"
			     R"("fileMode":8576}])"),
		  "config.json: linux.devices[0].fileMode: 8576: the file type bits 020000 are not "
		  "those of type \"b\"");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"c","major":1,"minor":3,)"
			     R"("fileMode":33188}])"),
		  "config.json: linux.devices[0].fileMode: 33188: the file type bits 0100000 are "
		  "not those of type \"c\"");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"c","major":1,"minor":3,)"
			     R"("fileMode":8704}])"),
		  "config.json: linux.devices[0].fileMode: 8704 is out of range [0, 511]");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/f","type":"p","fileMode":-1}])"),
		  "config.json: linux.devices[0].fileMode: must not be negative");
}

TEST(Devices, NumberAndOwnerTypes)
{
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"c","major":"1","minor":1}])"),
		  "config.json: linux.devices[0].major: must be an integer, not string");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"c","major":1,"minor":1.5}])"),
		  "config.json: linux.devices[0].minor: must be an integer, not double");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"p","uid":-1}])"),
		  "config.json: linux.devices[0].uid: must not be negative");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"p","gid":4294967296}])"),
		  "config.json: linux.devices[0].gid: 4294967296 is out of range [0, 4294967295]");
}

TEST(Devices, PathMustBeAbsolute)
{
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/dev/ok","type":"p"},
		{"path":"dev/fuse","type":"c","major":10,"minor":229}])"),
		  "config.json: linux.devices[1].path: \"dev/fuse\" must be an absolute path");
}

TEST(Devices, MajorAndMinorRequiredUnlessFifo)
{
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"c","minor":1}])"),
		  "config.json: linux.devices[0].major: is required for type \"c\"");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"b","major":1}])"),
		  "config.json: linux.devices[0].minor: is required for type \"b\"");
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"u"}])"),
		  "config.json: linux.devices[0].major: is required for type \"u\"");
	// A FIFO needs no numbers; given ones are ignored.
	EXPECT_EQ(LinuxError(R"("devices":[{"path":"/d","type":"p","major":1,"minor":2}])"), "");
}

// --- scalars: cgroupsPath, rootfsPropagation, mountLabel ----------------------------------

TEST(Scalars, Good)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("cgroupsPath":"/myRuntime/myContainer",
		"rootfsPropagation":"slave","mountLabel":"system_u:object_r:svirt_sandbox_file_t:s0")"),
			      &err);

	ASSERT_TRUE(spec) << err;
	EXPECT_STREQ(Linux(spec)->cgroups_path, "/myRuntime/myContainer");
	EXPECT_EQ(Linux(spec)->rootfs_propagation, MS_SLAVE);
	EXPECT_STREQ(Linux(spec)->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0");
}

TEST(Scalars, RelativeCgroupsPathIsFine)
{
	EXPECT_EQ(LinuxError(R"("cgroupsPath":"my/container")"), "");
}

TEST(Scalars, TypeErrors)
{
	EXPECT_EQ(LinuxError(R"("cgroupsPath":1)"),
		  "config.json: linux.cgroupsPath: must be a string, not int");
	EXPECT_EQ(LinuxError(R"("mountLabel":false)"),
		  "config.json: linux.mountLabel: must be a string, not boolean");
}

TEST(Scalars, RootfsPropagationVocabulary)
{
	for (const char *p : {"private", "shared", "slave", "unbindable", "rprivate", "rshared",
			      "rslave", "runbindable"})
		EXPECT_EQ(LinuxError(std::string(R"("rootfsPropagation":")") + p + "\""), "") << p;
	EXPECT_EQ(LinuxError(R"("rootfsPropagation":"rfoo")"),
		  "config.json: linux.rootfsPropagation: unknown propagation \"rfoo\"");
}

// runc's mountPropagationMapping: the r* forms carry MS_REC.
TEST(Scalars, RecursiveRootfsPropagation)
{
	const struct {
		const char *name;
		int flags;
	} cases[] = {{"rprivate", MS_PRIVATE | MS_REC},
		     {"rshared", MS_SHARED | MS_REC},
		     {"rslave", MS_SLAVE | MS_REC},
		     {"runbindable", MS_UNBINDABLE | MS_REC}};
	for (const auto &c : cases) {
		std::string err;
		auto spec = ParseSpec(
			LinuxConfig(std::string(R"("rootfsPropagation":")") + c.name + "\""), &err);
		ASSERT_TRUE(spec) << c.name << ": " << err;
		EXPECT_EQ(Linux(spec)->rootfs_propagation, c.flags) << c.name;
	}
}

// --- maskedPaths / readonlyPaths -------------------------------------------------------

TEST(Paths, Good)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("maskedPaths":["/proc/kcore","/proc/keys"],
		"readonlyPaths":["/proc/sys"])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	ASSERT_EQ(Linux(spec)->masked_paths.n, 2u);
	EXPECT_STREQ(Linux(spec)->masked_paths.v[1], "/proc/keys");
	ASSERT_EQ(Linux(spec)->readonly_paths.n, 1u);
}

TEST(Paths, TypeErrors)
{
	EXPECT_EQ(LinuxError(R"("maskedPaths":"/proc/kcore")"),
		  "config.json: linux.maskedPaths: must be an array, not string");
	EXPECT_EQ(LinuxError(R"("readonlyPaths":["/proc/sys",7])"),
		  "config.json: linux.readonlyPaths[1]: must be a string, not int");
}

TEST(Paths, MustBeAbsolute)
{
	EXPECT_EQ(LinuxError(R"("maskedPaths":["/proc/kcore","proc/keys"])"),
		  "config.json: linux.maskedPaths[1]: \"proc/keys\" must be an absolute path");
	EXPECT_EQ(LinuxError(R"("readonlyPaths":[""])"),
		  "config.json: linux.readonlyPaths[0]: \"\" must be an absolute path");
}

// --- sysctl ---------------------------------------------------------------------------

TEST(Sysctl, GoodInDocumentOrder)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("sysctl":{"net.ipv4.ip_forward":"1",
		"net/core/somaxconn":"256"})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	ASSERT_EQ(Linux(spec)->sysctl.n, 2u);
	EXPECT_STREQ(Linux(spec)->sysctl.v[0].key, "net.ipv4.ip_forward");
	EXPECT_STREQ(Linux(spec)->sysctl.v[0].value, "1");
	EXPECT_STREQ(Linux(spec)->sysctl.v[1].key, "net/core/somaxconn");
}

TEST(Sysctl, ValuesMustBeStrings)
{
	EXPECT_EQ(LinuxError(R"("sysctl":{"net.ipv4.ip_forward":1})"),
		  "config.json: linux.sysctl.net.ipv4.ip_forward: must be a string, not int");
}

TEST(Sysctl, KeysMustNotBeEmpty)
{
	EXPECT_EQ(LinuxError(R"("sysctl":{"":"1"})"),
		  "config.json: linux.sysctl: keys must not be empty");
}

TEST(Sysctl, KeysMustStayUnderProcSys)
{
	EXPECT_EQ(LinuxError(R"("sysctl":{"net/../../etc/passwd":"x"})"),
		  "config.json: linux.sysctl.net/../../etc/passwd: must not have a \".\" or \"..\" "
		  "component");
	EXPECT_EQ(
		LinuxError(R"("sysctl":{"./kernel/x":"x"})"),
		"config.json: linux.sysctl../kernel/x: must not have a \".\" or \"..\" component");
	// Dots in the dotted form are separators, not path components.
	EXPECT_EQ(LinuxError(R"("sysctl":{"net.ipv4.conf.all.forwarding":"1"})"), "");
}

// --- intelRdt ----------------------------------------------------------------------------

TEST(IntelRdt, Good)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("intelRdt":{"closID":"guaranteed_group",
		"l3CacheSchema":"L3:0=7f0;1=1f","memBwSchema":"MB:0=20;1=70",
		"schemata":["L2:0=ff"],"enableMonitoring":true})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_intel_rdt *r = Linux(spec)->intel_rdt;
	ASSERT_NE(r, nullptr);
	EXPECT_STREQ(r->clos_id, "guaranteed_group");
	EXPECT_STREQ(r->l3_cache_schema, "L3:0=7f0;1=1f");
	EXPECT_STREQ(r->mem_bw_schema, "MB:0=20;1=70");
	ASSERT_EQ(r->schemata.n, 1u);
	EXPECT_TRUE(r->enable_monitoring.set);
	EXPECT_TRUE(r->enable_monitoring.value);
}

TEST(IntelRdt, DefaultClassIsSlash)
{
	EXPECT_EQ(LinuxError(R"("intelRdt":{"closID":"/"})"), "");
}

TEST(IntelRdt, TypeErrors)
{
	EXPECT_EQ(LinuxError(R"("intelRdt":{"enableMonitoring":"yes"})"),
		  "config.json: linux.intelRdt.enableMonitoring: must be a boolean, not string");
	EXPECT_EQ(LinuxError(R"("intelRdt":{"schemata":"L3:0=1"})"),
		  "config.json: linux.intelRdt.schemata: must be an array, not string");
}

TEST(IntelRdt, ClosIdIsADirectoryName)
{
	EXPECT_EQ(
		LinuxError(R"("intelRdt":{"closID":"../info"})"),
		"config.json: linux.intelRdt.closID: \"../info\" is not \"/\" or a directory name");
	EXPECT_EQ(LinuxError(R"("intelRdt":{"closID":".."})"),
		  "config.json: linux.intelRdt.closID: \"..\" is not \"/\" or a directory name");
}

TEST(IntelRdt, MemBwSchemaStartsWithMB)
{
	EXPECT_EQ(LinuxError(R"("intelRdt":{"memBwSchema":"L3:0=20"})"),
		  "config.json: linux.intelRdt.memBwSchema: must start with \"MB:\"");
}

TEST(IntelRdt, NoNewlines)
{
	EXPECT_EQ(LinuxError(R"("intelRdt":{"memBwSchema":"MB:0=20\nL3:0=1"})"),
		  "config.json: linux.intelRdt.memBwSchema: must not contain a newline");
	EXPECT_EQ(LinuxError(R"("intelRdt":{"l3CacheSchema":"L3:0=1\nMB:0=1"})"),
		  "config.json: linux.intelRdt.l3CacheSchema: must not contain a newline");
	EXPECT_EQ(LinuxError(R"("intelRdt":{"schemata":["L3:0=1","MB:0=1\n"]})"),
		  "config.json: linux.intelRdt.schemata[1]: must not contain a newline");
}

// --- personality -----------------------------------------------------------------------

TEST(Personality, Good)
{
	std::string err;
	auto spec =
		ParseSpec(LinuxConfig(R"("personality":{"domain":"LINUX32","flags":[]})"), &err);

	ASSERT_TRUE(spec) << err;
	ASSERT_NE(Linux(spec)->personality, nullptr);
	EXPECT_EQ(Linux(spec)->personality->domain, 0x0008); // PER_LINUX32
	EXPECT_EQ(LinuxError(R"("personality":{"domain":"LINUX"})"), "");
}

TEST(Personality, DomainIsRequiredAndKnown)
{
	EXPECT_EQ(LinuxError(R"("personality":{})"),
		  "config.json: linux.personality.domain: is required");
	EXPECT_EQ(LinuxError(R"("personality":{"domain":"LINUX64"})"),
		  "config.json: linux.personality.domain: unknown personality domain \"LINUX64\"");
}

// No flags are supported; they are warned about and dropped (warnings_test).
TEST(Personality, FlagsAreNotRefused)
{
	EXPECT_EQ(LinuxError(R"("personality":{"domain":"LINUX","flags":["ADDR_NO_RANDOMIZE"]})"),
		  "");
	EXPECT_EQ(LinuxError(R"("personality":{"domain":"LINUX","flags":[1]})"),
		  "config.json: linux.personality.flags[0]: must be a string, not int");
}

// --- memoryPolicy ----------------------------------------------------------------------

TEST(MemoryPolicy, Good)
{
	std::string err;
	auto spec = ParseSpec(LinuxConfig(R"("memoryPolicy":{"mode":"MPOL_INTERLEAVE",
		"nodes":"0-3,7","flags":["MPOL_F_STATIC_NODES","MPOL_F_NUMA_BALANCING"]})"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_memory_policy *m = Linux(spec)->memory_policy;
	ASSERT_NE(m, nullptr);
	EXPECT_EQ(m->mode, 3); // MPOL_INTERLEAVE
	EXPECT_STREQ(m->nodes, "0-3,7");
	EXPECT_EQ(m->flags, (1u << 15) | (1u << 13));
}

TEST(MemoryPolicy, ModeIsRequiredAndKnown)
{
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"nodes":"0"})"),
		  "config.json: linux.memoryPolicy.mode: is required");
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"mode":"MPOL_FOO"})"),
		  "config.json: linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_FOO\"");
}

TEST(MemoryPolicy, FlagTypes)
{
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"mode":"MPOL_DEFAULT","flags":["MPOL_F_X"]})"),
		  "config.json: linux.memoryPolicy.flags[0]: unknown memory policy flag "
		  "\"MPOL_F_X\"");
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"mode":"MPOL_DEFAULT","nodes":0})"),
		  "config.json: linux.memoryPolicy.nodes: must be a string, not int");
}

TEST(MemoryPolicy, ModesWithoutNodes)
{
	for (const char *mode : {"MPOL_DEFAULT", "MPOL_LOCAL"}) {
		std::string m = std::string(R"("memoryPolicy":{"mode":")") + mode + "\"";

		EXPECT_EQ(LinuxError(m + "}"), "") << mode;
		EXPECT_EQ(LinuxError(m + R"(,"nodes":""})"), "") << mode;
		EXPECT_EQ(LinuxError(m + R"(,"nodes":"0"})"),
			  std::string("config.json: linux.memoryPolicy.nodes: must not be set for "
				      "mode \"") +
				  mode + "\"");
	}
}

TEST(MemoryPolicy, ModesThatNeedNodes)
{
	for (const char *mode :
	     {"MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY"}) {
		std::string m = std::string(R"("memoryPolicy":{"mode":")") + mode + "\"";

		EXPECT_EQ(LinuxError(m + R"(,"nodes":"0,2-3"})"), "") << mode;
		EXPECT_EQ(LinuxError(m + "}"),
			  std::string("config.json: linux.memoryPolicy.nodes: is required for mode "
				      "\"") +
				  mode + "\"");
	}
}

TEST(MemoryPolicy, PreferredTakesNodesOrNot)
{
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"mode":"MPOL_PREFERRED"})"), "");
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"mode":"MPOL_PREFERRED","nodes":"1"})"), "");
}

TEST(MemoryPolicy, NodesFormat)
{
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"mode":"MPOL_BIND","nodes":"0-3;7"})"),
		  "config.json: linux.memoryPolicy.nodes: \"0-3;7\" is not a list of memory nodes");
}

TEST(MemoryPolicy, StaticAndRelativeNodesExclude)
{
	EXPECT_EQ(LinuxError(R"("memoryPolicy":{"mode":"MPOL_BIND","nodes":"0",
		"flags":["MPOL_F_STATIC_NODES","MPOL_F_RELATIVE_NODES"]})"),
		  "config.json: linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
		  "MPOL_F_RELATIVE_NODES are mutually exclusive");
}

// --- netDevices --------------------------------------------------------------------------

TEST(NetDevices, SpecFixtureGood)
{
	std::string json = ReadRunfile("tests/fixtures/config/good/linux-netdevice.json");
	std::string err;

	ASSERT_FALSE(json.empty());
	auto spec = ParseSpec(json, &err);
	ASSERT_TRUE(spec) << err;
	const kk_linux *l = Linux(spec);
	ASSERT_EQ(l->n_net_devices, 3u);
	EXPECT_STREQ(l->net_devices[0].host_name, "eth0");
	EXPECT_STREQ(l->net_devices[0].name, "container_eth0");
	EXPECT_STREQ(l->net_devices[1].host_name, "ens4");
	EXPECT_EQ(l->net_devices[1].name, nullptr);
}

TEST(NetDevices, SpecFixtureBad)
{
	std::string json = ReadRunfile("tests/fixtures/config/bad/linux-netdevice.json");

	ASSERT_FALSE(json.empty());
	EXPECT_EQ(ParseError(json),
		  "config.json: linux.netDevices.eth0.name: must be a string, not int");
}

TEST(NetDevices, EntriesAreObjects)
{
	EXPECT_EQ(LinuxError(R"("netDevices":{"eth0":"eth1"})"),
		  "config.json: linux.netDevices.eth0: must be an object, not string");
	EXPECT_EQ(LinuxError(R"("netDevices":["eth0"])"),
		  "config.json: linux.netDevices: must be an object, not array");
}

TEST(NetDevices, NamesAreInterfaceNames)
{
	EXPECT_EQ(LinuxError(R"("netDevices":{"eth0":{"name":"ctr%d"}})"), "");
	EXPECT_EQ(LinuxError(R"("netDevices":{"a/b":{}})"),
		  "config.json: linux.netDevices.a/b: \"a/b\" is not a valid network interface "
		  "name");
	EXPECT_EQ(LinuxError(R"("netDevices":{"eth0":{"name":"a-very-long-name"}})"),
		  "config.json: linux.netDevices.eth0.name: \"a-very-long-name\" is not a valid "
		  "network interface name");
	EXPECT_EQ(LinuxError(R"("netDevices":{"eth0":{"name":"123456789012345"}})"), "");
	EXPECT_EQ(LinuxError(R"("netDevices":{"eth0":{"name":"eth 1"}})"),
		  "config.json: linux.netDevices.eth0.name: \"eth 1\" is not a valid network "
		  "interface name");
	EXPECT_EQ(LinuxError(R"("netDevices":{"":{}})"),
		  "config.json: linux.netDevices: keys must not be empty");
}

// --- the validator on its own ----------------------------------------------------------
// kk_spec_validate also runs on images from the parser child, which need not
// come from our readers: it re-checks the ranges the readers enforce.

TEST(Validator, RechecksFileMode)
{
	kk_root root = {"rootfs", false};
	kk_device dev = {};
	kk_linux l = {};
	kk_spec spec = {};
	kk_error err = {};

	dev.type = 'p';
	dev.path = "/fifo";
	dev.file_mode = {04755, true};
	l.devices = &dev;
	l.n_devices = 1;
	spec.oci_version = "1.0.0";
	spec.root = &root;
	spec.linux_ = &l;
	ASSERT_EQ(kk_spec_validate(&spec, &err), -1);
	EXPECT_STREQ(err.msg,
		     "config.json: linux.devices[0].fileMode: 2541 is out of range [0, 511]");
	dev.file_mode = {0755, true};
	EXPECT_EQ(kk_spec_validate(&spec, &err), 0) << err.msg;
}

} // namespace
