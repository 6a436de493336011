// linux.seccomp (parse_seccomp.c and the seccomp part of validate_linux.c):
// for each field a good case and a bad one, with the exact error text.
#include <string>

#include <gtest/gtest.h>

#include "parser/parser.h"
#include "parser/vocab.h"
#include "tests/parser/parse_helpers.h"

namespace
{

using kktest::ParseError;
using kktest::ParseSpec;
using kktest::SeccompConfig;

const kk_seccomp *Seccomp(const kktest::Spec &spec)
{
	return spec && spec->linux_ ? spec->linux_->seccomp : nullptr;
}

std::string SeccompError(const std::string &body)
{
	return ParseError(SeccompConfig(body));
}

// A rule list with one rule whose body (after "names") is given.
std::string Rule(const std::string &rest)
{
	return R"("defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getcwd"],)" + rest + "}]";
}

int64_t Vocab(const kk_vocab &vocab, const char *name)
{
	int64_t value = -1;

	kk_vocab_lookup(&vocab, name, &value);
	return value;
}

// --- the whole object ------------------------------------------------------------------

TEST(Seccomp, Full)
{
	std::string err;
	auto spec = ParseSpec(SeccompConfig(R"("defaultAction":"SCMP_ACT_ERRNO",
		"defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"],
		"flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"listenerPath":"/run/seccomp-agent.socket","listenerMetadata":"opaque",
		"syscalls":[
		  {"names":["getcwd","chmod"],"action":"SCMP_ACT_ALLOW"},
		  {"names":["personality"],"action":"SCMP_ACT_NOTIFY","args":[
		    {"index":0,"value":8,"op":"SCMP_CMP_EQ"},
		    {"index":5,"value":255,"valueTwo":4,"op":"SCMP_CMP_MASKED_EQ"}]},
		  {"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":38}])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	const kk_seccomp *s = Seccomp(spec);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->default_action, KK_SCMP_ACT_ERRNO);
	EXPECT_TRUE(s->default_errno_ret.set);
	EXPECT_EQ(s->default_errno_ret.value, 1u);
	ASSERT_EQ(s->n_architectures, 2u);
	EXPECT_EQ(s->architectures[0], Vocab(kk_vocab_seccomp_arch, "SCMP_ARCH_X86"));
	EXPECT_EQ(s->architectures[1], Vocab(kk_vocab_seccomp_arch, "SCMP_ARCH_X32"));
	EXPECT_EQ(s->flags, 2u | 4u); // SECCOMP_FILTER_FLAG_LOG | _SPEC_ALLOW
	EXPECT_STREQ(s->listener_path, "/run/seccomp-agent.socket");
	EXPECT_STREQ(s->listener_metadata, "opaque");
	ASSERT_EQ(s->n_syscalls, 3u);
	ASSERT_EQ(s->syscalls[0].names.n, 2u);
	EXPECT_STREQ(s->syscalls[0].names.v[1], "chmod");
	EXPECT_EQ(s->syscalls[0].action, KK_SCMP_ACT_ALLOW);
	EXPECT_FALSE(s->syscalls[0].errno_ret.set);
	EXPECT_EQ(s->syscalls[1].action, KK_SCMP_ACT_NOTIFY);
	ASSERT_EQ(s->syscalls[1].n_args, 2u);
	EXPECT_EQ(s->syscalls[1].args[0].value, 8u);
	EXPECT_EQ(s->syscalls[1].args[0].value_two, 0u); // absent
	EXPECT_EQ(s->syscalls[1].args[0].op, KK_SCMP_CMP_EQ);
	EXPECT_EQ(s->syscalls[1].args[1].index, 5u);
	EXPECT_EQ(s->syscalls[1].args[1].value_two, 4u);
	EXPECT_EQ(s->syscalls[1].args[1].op, KK_SCMP_CMP_MASKED_EQ);
	EXPECT_EQ(s->syscalls[2].errno_ret.value, 38u);
}

TEST(Seccomp, MustBeAnObject)
{
	EXPECT_EQ(ParseError(kktest::LinuxConfig(R"("seccomp":"default")")),
		  "config.json: linux.seccomp: must be an object, not string");
}

// --- defaultAction / defaultErrnoRet -----------------------------------------------------

TEST(DefaultAction, IsRequiredAndKnown)
{
	EXPECT_EQ(SeccompError(R"("syscalls":[])"),
		  "config.json: linux.seccomp.defaultAction: is required");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_KILL_ALL")"),
		  "config.json: linux.seccomp.defaultAction: unknown seccomp action "
		  "\"SCMP_ACT_KILL_ALL\"");
}

TEST(DefaultAction, EveryActionButNotify)
{
	for (const char *action :
	     {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	      "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG"})
		EXPECT_EQ(SeccompError(std::string(R"("defaultAction":")") + action + "\""), "")
			<< action;
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/agent")"),
		  "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
		  "action");
}

TEST(DefaultErrnoRet, IsUint32)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":-1)"),
		  "config.json: linux.seccomp.defaultErrnoRet: must not be negative");
}

TEST(DefaultErrnoRet, OnlyWithErrnoOrTrace)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_TRACE","defaultErrnoRet":1)"), "");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_KILL","defaultErrnoRet":1)"),
		  "config.json: linux.seccomp.defaultErrnoRet: is not supported with action "
		  "\"SCMP_ACT_KILL\"");
}

// --- architectures ------------------------------------------------------------------------

TEST(Architectures, EveryKnownName)
{
	std::string list;

	for (size_t i = 0; i < kk_vocab_seccomp_arch.n; i++)
		list += (i ? ",\"" : "\"") + std::string(kk_vocab_seccomp_arch.entries[i].name) +
			"\"";
	std::string err;
	auto spec = ParseSpec(
		SeccompConfig(R"("defaultAction":"SCMP_ACT_ALLOW","architectures":[)" + list + "]"),
		&err);
	ASSERT_TRUE(spec) << err;
	EXPECT_EQ(Seccomp(spec)->n_architectures, kk_vocab_seccomp_arch.n);
}

TEST(Architectures, TypeErrors)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW",
		"architectures":["SCMP_ARCH_X86","SCMP_ARCH_VAX"])"),
		  "config.json: linux.seccomp.architectures[1]: unknown seccomp architecture "
		  "\"SCMP_ARCH_VAX\"");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","architectures":[3])"),
		  "config.json: linux.seccomp.architectures[0]: must be a string, not int");
	EXPECT_EQ(
		SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","architectures":"SCMP_ARCH_X86")"),
		"config.json: linux.seccomp.architectures: must be an array, not string");
}

// Kept once, with a warning (warnings_test), as runc and crun ignore
// libseccomp's EEXIST.
TEST(Architectures, DuplicatesAreNotRefused)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW",
		"architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32","SCMP_ARCH_X86"])"),
		  "");
}

// --- flags ------------------------------------------------------------------------------

TEST(Flags, KnownNamesOrTogether)
{
	std::string err;
	auto spec = ParseSpec(SeccompConfig(R"("defaultAction":"SCMP_ACT_ALLOW",
		"flags":["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"])"),
			      &err);

	ASSERT_TRUE(spec) << err;
	EXPECT_EQ(Seccomp(spec)->flags, 1u | 32u);
}

TEST(Flags, UnknownName)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW",
		"flags":["SECCOMP_FILTER_FLAG_NEW_LISTENER"])"),
		  "config.json: linux.seccomp.flags[0]: unknown seccomp flag "
		  "\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
}

// --- listenerPath / listenerMetadata ------------------------------------------------------

TEST(Listener, TypeErrors)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","listenerPath":1)"),
		  "config.json: linux.seccomp.listenerPath: must be a string, not int");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/a",
		"listenerMetadata":{})"),
		  "config.json: linux.seccomp.listenerMetadata: must be a string, not object");
}

TEST(Listener, RequiredWhenNotifyIsUsed)
{
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_NOTIFY")")),
		  "config.json: linux.seccomp.listenerPath: is required when SCMP_ACT_NOTIFY is "
		  "used");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent",
		"syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_NOTIFY"}])"),
		  "");
}

TEST(Listener, AbsoluteWhenNotifyIsUsed)
{
	EXPECT_EQ(
		SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","listenerPath":"agent.sock",
		"syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_NOTIFY"}])"),
		"config.json: linux.seccomp.listenerPath: \"agent.sock\" must be an absolute path");
	// Without SCMP_ACT_NOTIFY the path "is ignored".
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","listenerPath":"agent.sock")"),
		  "");
}

TEST(Listener, MetadataNeedsAPath)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","listenerMetadata":"m")"),
		  "config.json: linux.seccomp.listenerMetadata: must not be set without "
		  "listenerPath");
}

// --- syscalls ------------------------------------------------------------------------

TEST(Syscalls, MustBeAnArrayOfObjects)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","syscalls":{})"),
		  "config.json: linux.seccomp.syscalls: must be an array, not object");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","syscalls":["read"])"),
		  "config.json: linux.seccomp.syscalls[0]: must be an object, not string");
}

TEST(Syscalls, NamesAndActionAreRequired)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"action":"SCMP_ACT_ERRNO"}])"),
		  "config.json: linux.seccomp.syscalls[0].names: is required");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"]}])"),
		  "config.json: linux.seccomp.syscalls[0].action: is required");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_DENY")")),
		  "config.json: linux.seccomp.syscalls[0].action: unknown seccomp action "
		  "\"SCMP_ACT_DENY\"");
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":"read","action":"SCMP_ACT_ERRNO"}])"),
		  "config.json: linux.seccomp.syscalls[0].names: must be an array, not string");
}

TEST(Syscalls, NamesHaveAtLeastOneEntry)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}])"),
		  "config.json: linux.seccomp.syscalls[0].names: must have at least one entry");
}

// runc and crun skip a name libseccomp does not know, "" too: a warning.
TEST(Syscalls, AnEmptyNameIsWarnedAboutAndSkipped)
{
	EXPECT_EQ(SeccompError(R"("defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO"},
			    {"names":["write",""],"action":"SCMP_ACT_ERRNO"}])"),
		  "");
	std::string error;
	kktest::Spec spec = kktest::ParseSpec(
		R"({"ociVersion":"1.3.0","root":{"path":"r"},"linux":{"seccomp":{)"
		R"("defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["write",""],)"
		R"("action":"SCMP_ACT_ERRNO"}]}}})",
		&error);
	ASSERT_TRUE(spec) << error;
	ASSERT_EQ(spec->warnings.n, 1u);
	EXPECT_STREQ(
		spec->warnings.v[0],
		"config.json: linux.seccomp.syscalls[0].names[1]: an empty syscall name, ignored");
}

TEST(Syscalls, ErrnoRetOnlyWithErrnoOrTrace)
{
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO","errnoRet":1)")), "");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_TRACE","errnoRet":1)")), "");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ALLOW","errnoRet":1)")),
		  "config.json: linux.seccomp.syscalls[0].errnoRet: is not supported with action "
		  "\"SCMP_ACT_ALLOW\"");
	EXPECT_EQ(
		SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO","errnoRet":"EPERM")")),
		"config.json: linux.seccomp.syscalls[0].errnoRet: must be an integer, not string");
}

// --- syscalls[].args ---------------------------------------------------------------------

TEST(Args, RequiredFields)
{
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"value":1,"op":"SCMP_CMP_EQ"}])")),
		  "config.json: linux.seccomp.syscalls[0].args[0].index: is required");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"index":1,"op":"SCMP_CMP_EQ"}])")),
		  "config.json: linux.seccomp.syscalls[0].args[0].value: is required");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":1}])")),
		  "config.json: linux.seccomp.syscalls[0].args[0].op: is required");
}

TEST(Args, TypeErrors)
{
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"index":0,"value":1,"op":"SCMP_CMP_LIKE"}])")),
		  "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator "
		  "\"SCMP_CMP_LIKE\"");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}])")),
		  "config.json: linux.seccomp.syscalls[0].args[0].value: must not be negative");
	EXPECT_EQ(
		SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"index":0,"value":0,"valueTwo":"0","op":"SCMP_CMP_EQ"}])")),
		"config.json: linux.seccomp.syscalls[0].args[0].valueTwo: must be an integer, not "
		"string");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}])")),
		  "");
}

TEST(Args, IndexBelowSix)
{
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"index":5,"value":1,"op":"SCMP_CMP_EQ"}])")),
		  "");
	EXPECT_EQ(SeccompError(Rule(R"("action":"SCMP_ACT_ERRNO",
		"args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},
			{"index":6,"value":1,"op":"SCMP_CMP_EQ"}])")),
		  "config.json: linux.seccomp.syscalls[0].args[1].index: 6 is out of range [0, 5]");
}

// Every operator of the spec parses.
TEST(Args, EveryOperator)
{
	for (size_t i = 0; i < kk_vocab_seccomp_op.n; i++) {
		const char *op = kk_vocab_seccomp_op.entries[i].name;

		EXPECT_EQ(
			SeccompError(Rule(
				R"("action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":")" +
				std::string(op) + "\"}]")),
			"")
			<< op;
	}
}

} // namespace
