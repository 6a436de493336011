// What the spec says to warn about and go on: the warnings a document
// carries (spec.h), with their JSON paths, through the image round trip, the
// capabilities they leave out, and the cap on their number.
extern "C" {
#include "parser/limits.h"
#include "parser/parser.h"
#include "parser/vocab.h"
}

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/parser/parse_helpers.h"

namespace
{

using kktest::ParseSpec;
using kktest::Spec;

std::string Caps(const std::string &caps)
{
	return R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":{"cwd":"/",)"
	       R"("args":["sh"],"capabilities":{)" +
	       caps + "}}}";
}

std::vector<std::string> Warnings(const kk_strv &w)
{
	return std::vector<std::string>(w.v, w.v + w.n);
}

uint64_t Bit(const char *name)
{
	int64_t cap = -1;
	EXPECT_EQ(kk_vocab_lookup(&kk_vocab_capability, name, &cap), 0) << name;
	return uint64_t{1} << cap;
}

TEST(Warnings, AValidConfigHasNone)
{
	Spec spec = ParseSpec(Caps(R"("bounding":["CAP_KILL"])"));
	ASSERT_TRUE(spec);
	EXPECT_EQ(spec->warnings.n, 0u);
}

// config.md: an unknown capability "MUST be logged as a warning by the
// runtime and SHOULD NOT fail". The known ones stay.
TEST(Warnings, UnknownCapabilitiesAreLeftOutWithTheirPath)
{
	std::string error;
	Spec spec = ParseSpec(Caps(R"("bounding":["CAP_KILL","CAP_FOO"],"effective":["CAP_BAR"])"),
			      &error);
	ASSERT_TRUE(spec) << error;
	EXPECT_EQ(Warnings(spec->warnings),
		  (std::vector<std::string>{
			  "config.json: process.capabilities.bounding[1]: unknown capability "
			  "\"CAP_FOO\", ignored",
			  "config.json: process.capabilities.effective[0]: unknown capability "
			  "\"CAP_BAR\", ignored"}));
	EXPECT_EQ(spec->process->capabilities->bounding, Bit("CAP_KILL"));
	EXPECT_EQ(spec->process->capabilities->effective, 0u);
}

// JSON null: runc (Go) and crun both take it for an absent field, so does
// kakoi, warning with the path; a required field must have a value.
TEST(Warnings, NullIsAbsent)
{
	std::string error;
	Spec spec = ParseSpec(
		R"({"ociVersion":"1.3.0","root":{"path":"rootfs","readonly":null},"hostname":null,)"
		R"("process":{"cwd":"/","args":["sh"],"env":null,"capabilities":null},)"
		R"("linux":{"resources":null,"namespaces":[{"type":"pid","path":null}]}})",
		&error);
	ASSERT_TRUE(spec) << error;
	EXPECT_EQ(Warnings(spec->warnings),
		  (std::vector<std::string>{
			  "config.json: hostname: is null: taken as absent",
			  "config.json: root.readonly: is null: taken as absent",
			  "config.json: process.env: is null: taken as absent",
			  "config.json: process.capabilities: is null: taken as absent",
			  "config.json: linux.namespaces[0].path: is null: taken as absent",
			  "config.json: linux.resources: is null: taken as absent",
		  }));
	EXPECT_EQ(spec->hostname, nullptr);
	EXPECT_EQ(spec->process->capabilities, nullptr);
	EXPECT_EQ(spec->linux_->namespaces[0].path, nullptr);
	EXPECT_FALSE(ParseSpec(R"({"ociVersion":null,"root":{"path":"rootfs"}})", &error));
	EXPECT_EQ(error, "config.json: ociVersion: is required");
}

// The kernel raises an ambient capability only when it is also permitted
// and inheritable; runc warns and goes on. crun's `spec` writes such a set.
TEST(Warnings, AmbientWithoutPermittedAndInheritableIsLeftOut)
{
	std::string error;
	Spec spec = ParseSpec(Caps(R"("permitted":["CAP_KILL","CAP_CHOWN"],)"
				   R"("inheritable":["CAP_KILL"],)"
				   R"("ambient":["CAP_KILL","CAP_CHOWN","CAP_NET_RAW"])"),
			      &error);
	ASSERT_TRUE(spec) << error;
	EXPECT_EQ(Warnings(spec->warnings),
		  (std::vector<std::string>{
			  "config.json: process.capabilities.ambient: CAP_CHOWN is not also "
			  "permitted and inheritable, ignored",
			  "config.json: process.capabilities.ambient: CAP_NET_RAW is not also "
			  "permitted and inheritable, ignored"}));
	EXPECT_EQ(spec->process->capabilities->ambient, Bit("CAP_KILL"));
}

// The spec gives umask no range; umask(2) keeps the permission bits, and
// runc and crun pass the value through.
TEST(Warnings, AUmaskBeyond0777IsMasked)
{
	std::string error;
	Spec spec =
		ParseSpec(R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":{"cwd":"/",)"
			  R"("args":["sh"],"user":{"uid":0,"gid":0,"umask":4659}}})",
			  &error);
	ASSERT_TRUE(spec) << error;
	EXPECT_EQ(Warnings(spec->warnings),
		  (std::vector<std::string>{"config.json: process.user.umask: 4659 has bits beyond "
					    "0777, used as 063"}));
	EXPECT_EQ(spec->process->user->umask.value, 063u);
}

// runc warns about personality flags and ignores them; crun reads only the
// domain.
TEST(Warnings, PersonalityFlagsAreDropped)
{
	std::string error;
	Spec spec = ParseSpec(
		kktest::LinuxConfig(
			R"("personality":{"domain":"LINUX32","flags":["ADDR_NO_RANDOMIZE"]})"),
		&error);
	ASSERT_TRUE(spec) << error;
	EXPECT_EQ(Warnings(spec->warnings),
		  (std::vector<std::string>{"config.json: linux.personality.flags[0]: "
					    "\"ADDR_NO_RANDOMIZE\": no personality flags are "
					    "supported, ignored"}));
	EXPECT_EQ(spec->linux_->personality->flags.n, 0u);
}

// Docker-style profiles list the native architecture again: libseccomp
// says EEXIST, which runc and crun ignore.
TEST(Warnings, ADuplicateArchitectureIsKeptOnce)
{
	std::string error;
	Spec spec = ParseSpec(kktest::SeccompConfig(R"("defaultAction":"SCMP_ACT_ALLOW",
		"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X86_64"])"),
			      &error);
	ASSERT_TRUE(spec) << error;
	EXPECT_EQ(Warnings(spec->warnings),
		  (std::vector<std::string>{"config.json: linux.seccomp.architectures[2]: "
					    "\"SCMP_ARCH_X86_64\" is listed twice, ignored"}));
	EXPECT_EQ(spec->linux_->seccomp->n_architectures, 2u);
}

TEST(Warnings, AProcessDocumentCarriesItsOwn)
{
	std::string json = R"({"cwd":"/","args":["sh"],"capabilities":{"bounding":["CAP_NOPE"]}})";
	kk_error err = {};
	const kk_process *p = kk_process_parse(json.data(), json.size(), &err);
	ASSERT_NE(p, nullptr) << err.msg;
	EXPECT_EQ(Warnings(p->warnings),
		  (std::vector<std::string>{"process.json: capabilities.bounding[0]: unknown "
					    "capability \"CAP_NOPE\", ignored"}));
	kk_doc_free(p);
}

// Thousands of unknown names make KK_LIMIT_WARNINGS warnings, the last one
// saying the rest was cut: the image stays small, the output readable.
TEST(Warnings, TheirNumberIsCapped)
{
	std::string names;
	for (int i = 0; i < 1000; i++)
		names += (i ? ",\"CAP_X" : "\"CAP_X") + std::to_string(i) + "\"";
	std::string error;
	Spec spec = ParseSpec(Caps(R"("bounding":[)" + names + "]"), &error);
	ASSERT_TRUE(spec) << error;
	ASSERT_EQ(spec->warnings.n, static_cast<size_t>(KK_LIMIT_WARNINGS));
	EXPECT_EQ(std::string(spec->warnings.v[KK_LIMIT_WARNINGS - 1]),
		  "more warnings were left out");
}

} // namespace
