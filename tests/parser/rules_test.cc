// One good and one bad case for every rule of config.json's top level,
// mounts, process, hooks and annotations (the linux section has its own
// tests). Bad cases assert the whole error, JSON path included.
extern "C" {
#include "parser/parser.h"
#include "parser/vocab.h"
}

#include <gtest/gtest.h>

#include <string>

namespace
{

struct Case {
	const char *name;
	std::string json;
	std::string error; // empty: must parse
};

std::string Config(const std::string &extra)
{
	return R"({"ociVersion":"1.3.0","root":{"path":"rootfs"})" +
	       (extra.empty() ? "" : "," + extra) + "}";
}

std::string Process(const std::string &fields)
{
	return Config(R"("process":{"cwd":"/","args":["sh"])" +
		      (fields.empty() ? "" : "," + fields) + "}");
}

std::string Hook(const std::string &kind, const std::string &hook)
{
	return Config(R"("hooks":{")" + kind + R"(":[)" + hook + "]}");
}

std::string ParseError(const std::string &json)
{
	kk_error err{};
	const kk_spec *spec = kk_spec_parse(json.data(), json.size(), &err);
	if (spec != nullptr) {
		kk_doc_free(spec);
		return "";
	}
	return err.msg;
}

class Rules : public ::testing::TestWithParam<Case>
{
};

TEST_P(Rules, Holds)
{
	const Case &c = GetParam();
	EXPECT_EQ(ParseError(c.json), c.error) << c.json;
}

const Case kCases[] = {
	// Document shape.
	{"minimal", Config(""), ""},
	{"invalid_json", "{]",
	 "config.json: invalid JSON at byte 1: quoted object property name expected"},
	{"truncated_json", R"({"ociVersion":)",
	 "config.json: invalid JSON: unexpected end of input"},
	{"trailing_data", Config("") + " x",
	 "config.json: invalid JSON at byte 48: unexpected character"},
	// json-c stops at a NUL; what follows must not be silently ignored.
	{"trailing_after_nul", Config("") + std::string("\0{}", 3),
	 "config.json: invalid JSON: trailing data at byte 47"},
	{"trailing_space_ok", Config("") + " \n", ""},
	{"not_object", "[1]", "config.json: must be a JSON object"},
	{"comments_refused", "{/* c */}",
	 "config.json: invalid JSON at byte 1: quoted object property name expected"},
	{"bad_utf8", "{\"ociVersion\":\"1.0.0\",\"hostname\":\"\xff\"}",
	 "config.json: invalid JSON at byte 34: invalid utf-8 string"},
	{"unknown_properties_ignored", Config(R"("x-vendor":{"a":[1]},"solaris":{})"), ""},
	// ociVersion
	{"version_required", R"({"root":{"path":"r"}})", "config.json: ociVersion: is required"},
	{"version_type", R"({"ociVersion":1,"root":{"path":"r"}})",
	 "config.json: ociVersion: must be a string, not int"},
	{"version_semver", R"({"ociVersion":"1.0","root":{"path":"r"}})",
	 "config.json: ociVersion: \"1.0\" is not a SemVer version"},
	{"version_major", R"({"ociVersion":"2.0.0","root":{"path":"r"}})",
	 "config.json: ociVersion: major version 2 is not supported (kakoi implements 1.x)"},
	{"version_leading_zero", R"({"ociVersion":"01.3.0","root":{"path":"r"}})",
	 "config.json: ociVersion: \"01.3.0\" is not a SemVer version"},
	{"version_empty_suffix", R"({"ociVersion":"1.3.0-","root":{"path":"r"}})",
	 "config.json: ociVersion: \"1.3.0-\" is not a SemVer version"},
	{"version_prerelease_ok", R"({"ociVersion":"1.0.2-dev","root":{"path":"r"}})", ""},
	// root
	{"root_required", R"({"ociVersion":"1.0.0"})", "config.json: root: is required on Linux"},
	{"root_path_required", R"({"ociVersion":"1.0.0","root":{}})",
	 "config.json: root.path: is required"},
	{"root_path_empty", R"({"ociVersion":"1.0.0","root":{"path":""}})",
	 "config.json: root.path: must not be empty"},
	{"root_readonly_type", R"({"ociVersion":"1.0.0","root":{"path":"r","readonly":"yes"}})",
	 "config.json: root.readonly: must be a boolean, not string"},
	{"root_absolute_ok", R"({"ociVersion":"1.0.0","root":{"path":"/r","readonly":true}})", ""},
	// strings
	{"nul_in_string", Config(R"("hostname":"a\u0000b")"),
	 "config.json: \\u0000 (a NUL byte) at byte 60 is not allowed"},
	// json-c would cut the key at the NUL and let it replace "ociVersion".
	{"nul_in_key", R"({"ociVersion":"1.0.0","root":{"path":"r"},"ociVersion\u0000x":"9.0.0"})",
	 "config.json: \\u0000 (a NUL byte) at byte 53 is not allowed"},
	{"escaped_backslash_ok", Config(R"("hostname":"a\\u0000b")"), ""},
	{"hostname_length", Config("\"hostname\":\"" + std::string(65, 'h') + "\""),
	 "config.json: hostname: is 65 bytes, more than the kernel's 64"},
	{"hostname_64_ok", Config("\"hostname\":\"" + std::string(64, 'h') + "\""), ""},
	// Strict UTF-8: json-c alone lets these through.
	{"utf8_surrogate", Config("\"hostname\":\"\xed\xa0\x80\""),
	 "config.json: hostname: must be valid UTF-8 (no overlong forms, surrogates or code points "
	 "above U+10FFFF)"},
	{"utf8_overlong", Config("\"hostname\":\"\xc0\xaf\""),
	 "config.json: hostname: must be valid UTF-8 (no overlong forms, surrogates or code points "
	 "above U+10FFFF)"},
	{"utf8_above_max", Config("\"hostname\":\"\xf4\x90\x80\x80\""),
	 "config.json: hostname: must be valid UTF-8 (no overlong forms, surrogates or code points "
	 "above U+10FFFF)"},
	{"utf8_key", Config("\"annotations\":{\"\xe0\x80\xaf\":\"v\"}"),
	 "config.json: annotations.\xe0\x80\xaf: key must be valid UTF-8"},
	{"utf8_ok", Config("\"hostname\":\"h\xc3\xa9te-\xf0\x9f\x98\x80\""), ""},
	{"hostname_type", Config(R"("hostname":7)"),
	 "config.json: hostname: must be a string, not int"},
	{"domainname_ok", Config(R"("hostname":"h","domainname":"d")"), ""},
	// mounts
	{"mount_ok",
	 Config(R"("mounts":[{"destination":"/proc","type":"proc","source":"proc","options":["nosuid"]}])"),
	 ""},
	{"mount_relative_destination_ok", Config(R"("mounts":[{"destination":"data"}])"), ""},
	{"mount_destination_required", Config(R"("mounts":[{"source":"x"}])"),
	 "config.json: mounts[0].destination: is required"},
	{"mount_destination_empty", Config(R"("mounts":[{"destination":""}])"),
	 "config.json: mounts[0].destination: must not be empty"},
	{"mounts_type", Config(R"("mounts":{})"),
	 "config.json: mounts: must be an array, not object"},
	{"mount_not_object", Config(R"("mounts":[1])"),
	 "config.json: mounts[0]: must be an object, not int"},
	{"mount_option_type", Config(R"("mounts":[{"destination":"/a","options":["ro",5]}])"),
	 "config.json: mounts[0].options[1]: must be a string, not int"},
	{"mount_idmap_ok",
	 Config(R"("mounts":[{"destination":"/a","uidMappings":[{"containerID":0,"hostID":1000,"size":10}],)"
		R"("gidMappings":[{"containerID":0,"hostID":1000,"size":10}]}])"),
	 ""},
	{"mount_idmap_pair",
	 Config(R"("mounts":[{"destination":"/a","uidMappings":[{"containerID":0,"hostID":1,"size":1}]}])"),
	 "config.json: mounts[0].uidMappings: uidMappings and gidMappings must be given together"},
	{"mount_idmap_field",
	 Config(R"("mounts":[{"destination":"/a","uidMappings":[{"containerID":0,"size":1}],"gidMappings":[]}])"),
	 "config.json: mounts[0].uidMappings[0].hostID: is required"},
	// process
	{"process_ok", Process(R"("terminal":true,"env":["A=1","B="],"noNewPrivileges":true)"), ""},
	{"cwd_required", Config(R"("process":{"args":["sh"]})"),
	 "config.json: process.cwd: is required"},
	{"cwd_absolute", Config(R"("process":{"cwd":"tmp","args":["sh"]})"),
	 "config.json: process.cwd: \"tmp\" must be an absolute path"},
	{"args_required", Config(R"("process":{"cwd":"/"})"),
	 "config.json: process.args: must have at least one entry"},
	{"args_nonempty", Config(R"("process":{"cwd":"/","args":[]})"),
	 "config.json: process.args: must have at least one entry"},
	{"args_first_nonempty", Config(R"("process":{"cwd":"/","args":[""]})"),
	 "config.json: process.args[0]: must not be empty"},
	{"env_form", Process(R"("env":["A=1","FOO"])"),
	 "config.json: process.env[1]: \"FOO\" is not of the form NAME=VALUE"},
	{"env_name", Process(R"("env":["=x"])"),
	 "config.json: process.env[0]: \"=x\" has an empty variable name"},
	{"terminal_type", Process(R"("terminal":1)"),
	 "config.json: process.terminal: must be a boolean, not int"},
	{"console_ok", Process(R"("consoleSize":{"height":24,"width":80})"), ""},
	{"console_width_required", Process(R"("consoleSize":{"height":24})"),
	 "config.json: process.consoleSize.width: is required"},
	// rlimits
	{"rlimit_ok", Process(R"("rlimits":[{"type":"RLIMIT_NOFILE","soft":1024,"hard":4096}])"),
	 ""},
	{"rlimit_unknown",
	 Process(R"("rlimits":[{"type":"RLIMIT_CORE","soft":0,"hard":0},{"type":"RLIMIT_NPROC","soft":1,"hard":1},)"
		 R"({"type":"RLIMIT_FOO","soft":1,"hard":1}])"),
	 "config.json: process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\""},
	{"rlimit_duplicate",
	 Process(R"("rlimits":[{"type":"RLIMIT_NOFILE","soft":1,"hard":1},{"type":"RLIMIT_NOFILE","soft":2,"hard":2}])"),
	 "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\""},
	{"rlimit_soft_above_hard",
	 Process(R"("rlimits":[{"type":"RLIMIT_NOFILE","soft":9,"hard":8}])"),
	 "config.json: process.rlimits[0].soft: soft limit 9 is above the hard limit 8"},
	{"rlimit_negative", Process(R"("rlimits":[{"type":"RLIMIT_NOFILE","soft":-1,"hard":8}])"),
	 "config.json: process.rlimits[0].soft: must not be negative"},
	{"rlimit_double", Process(R"("rlimits":[{"type":"RLIMIT_NOFILE","soft":1,"hard":1.5}])"),
	 "config.json: process.rlimits[0].hard: must be an integer, not double"},
	{"rlimit_u64_max_ok",
	 Process(R"("rlimits":[{"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615}])"),
	 ""},
	{"rlimit_hard_required", Process(R"("rlimits":[{"type":"RLIMIT_CORE","soft":1}])"),
	 "config.json: process.rlimits[0].hard: is required"},
	// capabilities
	{"caps_ok",
	 Process(R"("capabilities":{"bounding":["CAP_KILL","CAP_BPF"],"effective":["CAP_KILL"],)"
		 R"("inheritable":[],"permitted":["CAP_KILL"],"ambient":["CAP_CHECKPOINT_RESTORE"]})"),
	 ""},
	// Unknown names are warnings (config.md: SHOULD NOT fail): warnings_test.
	{"caps_unknown", Process(R"("capabilities":{"bounding":["CAP_KILL","CAP_FOO"]})"), ""},
	{"caps_unknown_ambient", Process(R"("capabilities":{"ambient":["kill"]})"), ""},
	{"caps_not_a_string", Process(R"("capabilities":{"bounding":[1]})"),
	 "config.json: process.capabilities.bounding[0]: must be a string, not int"},
	// user
	{"user_ok",
	 Process(R"("user":{"uid":1000,"gid":1000,"umask":18,"additionalGids":[5,6],"username":"u"})"),
	 ""},
	{"user_uid_required", Process(R"("user":{"gid":0})"),
	 "config.json: process.user.uid: is required"},
	{"user_uid_range", Process(R"("user":{"uid":4294967296,"gid":0})"),
	 "config.json: process.user.uid: 4294967296 is out of range [0, 4294967295]"},
	{"user_gids_negative", Process(R"("user":{"uid":0,"gid":0,"additionalGids":[1,-1]})"),
	 "config.json: process.user.additionalGids[1]: must not be negative"},
	// scheduler, I/O priority, OOM score, CPU affinity, LSM labels
	{"scheduler_ok",
	 Process(R"("scheduler":{"policy":"SCHED_DEADLINE","nice":-5,"priority":0,)"
		 R"("flags":["SCHED_FLAG_RESET_ON_FORK","SCHED_FLAG_RECLAIM"],"runtime":1,"deadline":2,"period":3})"),
	 ""},
	{"scheduler_policy", Process(R"("scheduler":{"policy":"SCHED_FAST"})"),
	 "config.json: process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\""},
	{"scheduler_flag",
	 Process(R"("scheduler":{"policy":"SCHED_OTHER","flags":["SCHED_FLAG_X"]})"),
	 "config.json: process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\""},
	{"scheduler_nice_kernel_range",
	 Process(R"("scheduler":{"policy":"SCHED_OTHER","nice":-21})"),
	 "config.json: process.scheduler.nice: -21 is out of range [-20, 19]"},
	{"scheduler_deadline_order",
	 Process(R"("scheduler":{"policy":"SCHED_DEADLINE","runtime":5,"deadline":2,"period":9})"),
	 "config.json: process.scheduler: SCHED_DEADLINE needs runtime <= deadline <= period"},
	// Masked to 0777 with a warning, as umask(2) does (warnings_test).
	{"umask_range", Process(R"("user":{"uid":0,"gid":0,"umask":512})"), ""},
	{"scheduler_nice_range",
	 Process(R"("scheduler":{"policy":"SCHED_OTHER","nice":2147483648})"),
	 "config.json: process.scheduler.nice: 2147483648 is out of range [-2147483648, "
	 "2147483647]"},
	{"ioprio_ok", Process(R"("ioPriority":{"class":"IOPRIO_CLASS_BE","priority":7})"), ""},
	{"ioprio_class", Process(R"("ioPriority":{"class":"IOPRIO_CLASS_NONE"})"),
	 "config.json: process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\""},
	{"ioprio_range", Process(R"("ioPriority":{"class":"IOPRIO_CLASS_RT","priority":8})"),
	 "config.json: process.ioPriority.priority: 8 is out of range [0, 7]"},
	{"oom_ok", Process(R"("oomScoreAdj":-1000)"), ""},
	{"oom_range", Process(R"("oomScoreAdj":1001)"),
	 "config.json: process.oomScoreAdj: 1001 is out of range [-1000, 1000]"},
	{"affinity_ok", Process(R"("execCPUAffinity":{"initial":"0-3, 7","final":"1"})"), ""},
	{"affinity_format", Process(R"("execCPUAffinity":{"final":"0-3,a"})"),
	 "config.json: process.execCPUAffinity.final: \"0-3,a\" is not a CPU list"},
	{"labels_ok",
	 Process(R"("apparmorProfile":"p","selinuxLabel":"system_u:system_r:container_t:s0")"), ""},
	// hooks
	{"hooks_all_kinds_ok",
	 Config(R"("hooks":{"prestart":[{"path":"/a"}],"createRuntime":[{"path":"/b","args":["b","1"]}],)"
		R"("createContainer":[{"path":"/c","env":["X=1"]}],"startContainer":[{"path":"/d","timeout":5}],)"
		R"("poststart":[{"path":"/e"}],"poststop":[{"path":"/f"}]})"),
	 ""},
	{"hook_path_required", Hook("prestart", R"({"args":["x"]})"),
	 "config.json: hooks.prestart[0].path: is required"},
	{"hook_path_absolute", Hook("createRuntime", R"({"path":"/ok"},{"path":"hook"})"),
	 "config.json: hooks.createRuntime[1].path: \"hook\" must be an absolute path"},
	{"hook_timeout_zero", Hook("poststop", R"({"path":"/h","timeout":0})"),
	 "config.json: hooks.poststop[0].timeout: must be greater than zero"},
	{"hook_timeout_negative", Hook("poststart", R"({"path":"/h","timeout":-3})"),
	 "config.json: hooks.poststart[0].timeout: must be greater than zero"},
	{"hook_env", Hook("startContainer", R"({"path":"/h","env":["NOEQ"]})"),
	 "config.json: hooks.startContainer[0].env[0]: \"NOEQ\" is not of the form NAME=VALUE"},
	{"hook_args_type", Hook("createContainer", R"({"path":"/h","args":"x"})"),
	 "config.json: hooks.createContainer[0].args: must be an array, not string"},
	// annotations
	{"annotations_ok", Config(R"("annotations":{"org.example.key":"v","k2":""})"), ""},
	{"annotation_value_type", Config(R"("annotations":{"org.example.key":1})"),
	 "config.json: annotations.org.example.key: must be a string, not int"},
	{"annotation_key_empty", Config(R"("annotations":{"":"v"})"),
	 "config.json: annotations: keys must not be empty"},
};

INSTANTIATE_TEST_SUITE_P(Config, Rules, ::testing::ValuesIn(kCases),
			 [](const ::testing::TestParamInfo<Case> &info) {
				 return info.param.name;
			 });

TEST(ProcessDocument, StandaloneErrorsNameTheDocument)
{
	const std::string bad = R"({"cwd":"/","args":["sh"],"env":["BAD"]})";
	const std::string good = R"({"cwd":"/w","args":["ls","-l"],"user":{"uid":1,"gid":2}})";
	kk_error err{};

	EXPECT_EQ(kk_process_parse(bad.data(), bad.size(), &err), nullptr);
	EXPECT_STREQ(err.msg, "process.json: env[0]: \"BAD\" is not of the form NAME=VALUE");
	const kk_process *p = kk_process_parse(good.data(), good.size(), &err);
	ASSERT_NE(p, nullptr) << err.msg;
	EXPECT_STREQ(p->cwd, "/w");
	ASSERT_EQ(p->args.n, 2u);
	EXPECT_STREQ(p->args.v[1], "-l");
	EXPECT_EQ(p->user->gid, 2u);
	kk_doc_free(p);
}

std::string StateError(const std::string &json)
{
	kk_error err{};
	const kk_state *st = kk_state_parse(json.data(), json.size(), &err);
	if (st != nullptr) {
		kk_doc_free(st);
		return "";
	}
	return err.msg;
}

TEST(StateDocument, Rules)
{
	EXPECT_EQ(
		StateError(R"({"ociVersion":"1.3.0","id":"c","status":"creating","bundle":"/b"})"),
		"");
	EXPECT_EQ(
		StateError(
			R"({"ociVersion":"1.3.0","id":"c","status":"paused","pid":3,"bundle":"/b"})"),
		"");
	EXPECT_EQ(StateError(R"({"ociVersion":"1.3.0","status":"created","pid":1,"bundle":"/b"})"),
		  "state.json: id: is required");
	EXPECT_EQ(
		StateError(
			R"({"ociVersion":"1.3.0","id":"","status":"created","pid":1,"bundle":"/b"})"),
		"state.json: id: must not be empty");
	EXPECT_EQ(StateError(R"({"ociVersion":"1.3.0","id":"c","status":"zombie","bundle":"/b"})"),
		  "state.json: status: unknown status \"zombie\"");
	EXPECT_EQ(StateError(R"({"ociVersion":"1.3.0","id":"c","status":"running","bundle":"/b"})"),
		  "state.json: pid: is required when the status is \"running\"");
	EXPECT_EQ(
		StateError(
			R"({"ociVersion":"1.3.0","id":"c","status":"stopped","pid":-1,"bundle":"/b"})"),
		"state.json: pid: -1 is not a valid process ID");
	EXPECT_EQ(
		StateError(
			R"({"ociVersion":"1.3.0","id":"c","status":"running","pid":4294967297,"bundle":"/b"})"),
		"state.json: pid: 4294967297 is not a valid process ID");
	EXPECT_EQ(StateError(R"({"ociVersion":"x","id":"c","status":"stopped","bundle":"/b"})"),
		  "state.json: ociVersion: \"x\" is not a SemVer version");
	EXPECT_EQ(StateError(R"({"ociVersion":"1.0.0","id":"c","status":"stopped"})"),
		  "state.json: bundle: is required");
}

TEST(StateDocument, RoundTripsThroughJson)
{
	const std::string in =
		R"({"ociVersion":"1.3.0","id":"web-1","status":"running","pid":4422,)"
		R"("bundle":"/containers/redis","annotations":{"myKey":"my\"Value/"}})";
	kk_error err{};
	const kk_state *st = kk_state_parse(in.data(), in.size(), &err);
	ASSERT_NE(st, nullptr) << err.msg;
	char *text = kk_state_to_json(st, &err);
	ASSERT_NE(text, nullptr) << err.msg;
	EXPECT_STREQ(text, in.c_str());
	const kk_state *again = kk_state_parse(text, strlen(text), &err);
	ASSERT_NE(again, nullptr) << err.msg;
	EXPECT_EQ(again->pid.value, 4422);
	EXPECT_EQ(again->status, KK_STATUS_RUNNING);
	free(text);
	kk_doc_free(again);
	kk_doc_free(st);
}

} // namespace
