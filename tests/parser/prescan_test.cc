// The prescan's structure walk (parser/prescan.c): every document kind
// refuses a key given twice in one object, at any depth, comparing keys as
// json-c decodes them; keys in single quotes are refused; malformed input
// never crashes the walk. Errors are asserted whole, JSON path included.
extern "C" {
#include <json-c/json.h>

#include "parser/limits.h"
#include "parser/parser.h"
#include "parser/policy.h"
}

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

namespace
{

// The error of parsing json as a document of the given kind, "" if it parsed.
std::string DocError(kk_doc_kind kind, const std::string &json, kk_err_code *code = nullptr)
{
	kk_error err{};
	const void *doc = kk_doc_parse(kind, json.data(), json.size(), &err);

	if (code != nullptr)
		*code = err.code;
	if (doc != nullptr) {
		kk_doc_free(doc);
		return "";
	}
	return err.msg;
}

std::string ConfigError(const std::string &json)
{
	return DocError(KK_DOC_CONFIG, json);
}

std::string Config(const std::string &extra)
{
	return R"({"ociVersion":"1.3.0","root":{"path":"rootfs"})" +
	       (extra.empty() ? "" : "," + extra) + "}";
}

std::string Annotations(const std::string &members)
{
	return Config(R"("annotations":{)" + members + "}");
}

struct Case {
	const char *name;
	std::string json;
	std::string error; // empty: must parse
};

void PrintTo(const Case &c, std::ostream *os)
{
	*os << c.name;
}

class Duplicates : public ::testing::TestWithParam<Case>
{
};

TEST_P(Duplicates, Config)
{
	const Case &c = GetParam();
	EXPECT_EQ(ConfigError(c.json), c.error) << c.json;
}

const Case kCases[] = {
	{"top_level", R"({"ociVersion":"1.3.0","root":{"path":"r"},"ociVersion":"1.0.0"})",
	 "config.json: duplicate key \"ociVersion\""},
	{"top_level_first_two",
	 R"({"ociVersion":"1.3.0","ociVersion":"1.3.0","root":{"path":"r"}})",
	 "config.json: duplicate key \"ociVersion\""},
	{"process_args", Config(R"("process":{"cwd":"/","args":["sh"],"args":["id"]})"),
	 "config.json: process: duplicate key \"args\""},
	{"in_array_of_objects",
	 Config(R"("mounts":[{"destination":"/a"},{"destination":"/b","destination":"/c"}])"),
	 "config.json: mounts[1]: duplicate key \"destination\""},
	{"deep",
	 Config(R"("linux":{"resources":{"devices":[{"allow":false},{"allow":true,"allow":false}]}})"),
	 "config.json: linux.resources.devices[1]: duplicate key \"allow\""},
	{"unknown_property", Config(R"("x-vendor":{"a":[1],"a":{}})"),
	 "config.json: x-vendor: duplicate key \"a\""},
	{"array_index", Config(R"("x-v":[1,{"b":1},[{"c":1,"c":2}]])"),
	 "config.json: x-v[2][0]: duplicate key \"c\""},
	{"empty_key", Annotations(R"("":"1","":"2")"),
	 "config.json: annotations: duplicate key \"\""},
	// Keys are compared after decoding escapes, as json-c compares them.
	{"escaped_letter", Config(R"("hostname":"a","host\u006eame":"b")"),
	 "config.json: duplicate key \"hostname\""},
	{"escaped_upper_hex", Annotations(R"("\u00E9":"1","\u00e9":"2")"),
	 "config.json: annotations: duplicate key \"\xc3\xa9\""},
	{"escape_and_raw_utf8", Annotations("\"\xc3\xa9\":\"1\",\"\\u00e9\":\"2\""),
	 "config.json: annotations: duplicate key \"\xc3\xa9\""},
	{"escaped_slash", Annotations(R"("a/b":"1","a\/b":"2")"),
	 "config.json: annotations: duplicate key \"a/b\""},
	{"escaped_quote", Annotations(R"("a\"b":"1","a\u0022b":"2")"),
	 "config.json: annotations: duplicate key \"a\"b\""},
	{"escaped_backslash", Annotations(R"("a\\b":"1","a\u005cb":"2")"),
	 "config.json: annotations: duplicate key \"a\\b\""},
	{"surrogate_pair_and_raw",
	 Annotations("\"\\ud83d\\ude00\":\"1\",\"\xf0\x9f\x98\x80\":\"2\""),
	 "config.json: annotations: duplicate key \"\xf0\x9f\x98\x80\""},
	// json-c turns every lone surrogate into U+FFFD: these are one key to it.
	{"lone_surrogates", Annotations(R"("\ud800":"1","\udfff":"2")"),
	 "config.json: annotations: duplicate key \"\xef\xbf\xbd\""},
	{"lone_surrogate_and_fffd", Annotations(R"("x\ud800y":"1","x\ufffdy":"2")"),
	 "config.json: annotations: duplicate key \"x\xef\xbf\xbdy\""},
	{"high_then_escape", Annotations(R"("\ud800\n":"1","\ufffd\u000a":"2")"),
	 "config.json: annotations: duplicate key \"\xef\xbf\xbd\n\""},
	{"first_repeat_in_document_order", Annotations(R"("z":"1","a":"1","z":"2","a":"2")"),
	 "config.json: annotations: duplicate key \"z\""},
	{"inner_object_first", Config(R"("x-a":{"k":1,"k":2},"x-a":3)"),
	 "config.json: x-a: duplicate key \"k\""},
	{"path_key_decoded", Config(R"("x-\u0041":{"k":1,"k":2})"),
	 "config.json: x-A: duplicate key \"k\""},
	// Not duplicates.
	{"prefix", Annotations(R"("a":"1","ab":"2","abc":"3")"), ""},
	{"prefix_reversed", Annotations(R"("abc":"1","ab":"2","a":"3")"), ""},
	{"trailing_space", Annotations(R"("a":"1","a ":"2")"), ""},
	{"case", Annotations(R"("a":"1","A":"2")"), ""},
	{"pair_and_lone", Annotations(R"("\ud83d\ude00":"1","\ud83d":"2")"), ""},
	{"lone_halves_are_one_key", Annotations(R"("\ud83d\ude00":"1","\ud83d":"2","\ude00":"3")"),
	 "config.json: annotations: duplicate key \"\xef\xbf\xbd\""},
	{"sibling_objects", Config(R"("mounts":[{"destination":"/a"},{"destination":"/b"}])"), ""},
	{"child_repeats_parent", Config(R"("x-a":{"x-a":{"x-a":1}})"), ""},
	{"after_child_closes", Config(R"("x-a":{"b":{"c":1}},"c":2,"b":3)"), ""},
	{"keys_in_values", Annotations(R"("a":"a","b":"a","c":"}{\"a\":[","d":"]\\")"), ""},
	{"array_of_strings", Config(R"("x-v":["a","a",{"a":1},"a"])"), ""},
	// Single-quoted keys: json-c takes them even in strict mode.
	{"single_quoted_key", R"({'ociVersion':"1.3.0","root":{"path":"r"}})",
	 "config.json: invalid JSON at byte 1: object key in single quotes"},
	{"single_quoted_duplicate", Config(R"('ociVersion':"1.0.0")"),
	 "config.json: invalid JSON at byte 47: object key in single quotes"},
	// A single-quoted key used to hide a \u0000 from the lexical scan.
	{"single_quote_hides_nul",
	 R"({'"':1,"ociVersion\u0000x":"9.0.0","ociVersion":"1.3.0","root":{"path":"r"}})",
	 "config.json: invalid JSON at byte 1: object key in single quotes"},
	{"single_quote_in_value_string", Config(R"("hostname":"it's")"), ""},
};

INSTANTIATE_TEST_SUITE_P(Prescan, Duplicates, ::testing::ValuesIn(kCases),
			 [](const ::testing::TestParamInfo<Case> &info) {
				 return info.param.name;
			 });

TEST(DuplicateKeys, EveryDocumentKind)
{
	EXPECT_EQ(DocError(KK_DOC_HOOK_POLICY, R"({"profile":"strict","profile":"standard"})"),
		  "hook policy: duplicate key \"profile\"");
	EXPECT_EQ(DocError(KK_DOC_HOOK_POLICY,
			   R"({"profile":"strict","allowedHooks":["/a"],"allowedHooks":[]})"),
		  "hook policy: duplicate key \"allowedHooks\"");
	EXPECT_EQ(DocError(KK_DOC_HOOK_POLICY, R"({"profile":"strict","prof\u0069le":"strict"})"),
		  "hook policy: duplicate key \"profile\"");
	EXPECT_EQ(DocError(KK_DOC_PROCESS, R"({"cwd":"/","args":["sh"],"cwd":"/tmp"})"),
		  "process.json: duplicate key \"cwd\"");
	EXPECT_EQ(DocError(KK_DOC_PROCESS,
			   R"({"cwd":"/","args":["sh"],"user":{"uid":0,"gid":0,"uid":1}})"),
		  "process.json: user: duplicate key \"uid\"");
	EXPECT_EQ(DocError(KK_DOC_STATE, R"({"ociVersion":"1.2.0","id":"a","status":"running",)"
					 R"("pid":1,"bundle":"/b","id":"b"})"),
		  "state.json: duplicate key \"id\"");
	// The same documents without the repeat parse.
	EXPECT_EQ(DocError(KK_DOC_HOOK_POLICY, R"({"profile":"strict"})"), "");
	EXPECT_EQ(DocError(KK_DOC_PROCESS, R"({"cwd":"/","args":["sh"]})"), "");
	EXPECT_EQ(DocError(KK_DOC_STATE, R"({"ociVersion":"1.2.0","id":"a","status":"running",)"
					 R"("pid":1,"bundle":"/b"})"),
		  "");
}

// The number of members json-c keeps of {"<a>":1,"<b>":2}, strict as kakoi
// parses: 1 when it takes the two keys as one.
int JsoncMembers(const std::string &a, const std::string &b)
{
	std::string json = "{\"" + a + "\":1,\"" + b + "\":2}";
	json_tokener *tok = json_tokener_new_ex(KK_LIMIT_JSON_DEPTH);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *jv = json_tokener_parse_ex(tok, json.data(), (int)json.size());
	int n = jv == nullptr ? -1 : json_object_object_length(jv);
	json_object_put(jv);
	json_tokener_free(tok);
	return n;
}

TEST(DuplicateKeys, SameKeysAsJsonc)
{
	// Random keys from pieces that decode alike: the prescan must call two
	// keys the same exactly when json-c does, surrogate quirks included.
	const char *const pieces[] = {
		"a",	   "\\u0061",	   "\\ud800",  "\\udbff", "\\udc00",
		"\\ufffd", "\xef\xbf\xbd", "\\ud83d",  "\\ude00", "\xf0\x9f\x98\x80",
		"\\n",	   "\\u000a",	   "\\/",      "/",	  "\\\\",
		"\\u005c", "\\u00e9",	   "\xc3\xa9",
	};
	const size_t n = sizeof(pieces) / sizeof(pieces[0]);
	std::mt19937 rng(1);
	int same = 0;
	for (int round = 0; round < 20000; round++) {
		std::string key[2];
		for (std::string &k : key)
			for (size_t len = 1 + rng() % 3; len > 0; len--)
				k += pieces[rng() % n];
		int members = JsoncMembers(key[0], key[1]);
		ASSERT_GT(members, 0) << key[0] << " " << key[1];
		std::string error =
			ConfigError(Config("\"x-v\":{\"" + key[0] + "\":1,\"" + key[1] + "\":2}"));
		EXPECT_EQ(error.find("duplicate key") != std::string::npos, members == 1)
			<< key[0] << " " << key[1] << ": " << error;
		same += members == 1;
	}
	EXPECT_GT(same, 300); // the pieces collide often enough to matter
}

TEST(DuplicateKeys, DeepestObject)
{
	// The root, "x-n" and 29 more objects, then the innermost: 32 levels,
	// the most json-c takes.
	std::string open, close, path = "x-n";
	for (int i = 0; i < KK_LIMIT_JSON_DEPTH - 3; i++) {
		open += R"({"x-n":)";
		close += "}";
		path += ".x-n";
	}
	EXPECT_EQ(ConfigError(Config(R"("x-n":)" + open + R"({"k":1,"j":2})" + close)), "");
	EXPECT_EQ(ConfigError(Config(R"("x-n":)" + open + R"({"k":1,"k":2})" + close)),
		  "config.json: " + path + ": duplicate key \"k\"");
	EXPECT_EQ(ConfigError(Config(R"("x-n":{"y":)" + open + R"({"k":1})" + close + "}")),
		  "config.json: JSON nested deeper than 32 (KK_LIMIT_JSON_DEPTH)");
}

std::string ManyAnnotations(size_t n, const std::string &last)
{
	std::string members;
	for (size_t i = 0; i < n; i++)
		members += "\"key-" + std::to_string(i) + "\":\"v\",";
	return Annotations(members + last);
}

TEST(DuplicateKeys, LargeObjectsNearTheLimit)
{
	auto start = std::chrono::steady_clock::now();
	kk_err_code code = KK_OK;

	EXPECT_EQ(ConfigError(ManyAnnotations(KK_LIMIT_MAP_ENTRIES - 1, R"("last":"v")")), "");
	EXPECT_EQ(ConfigError(ManyAnnotations(KK_LIMIT_MAP_ENTRIES - 1, R"("key-123":"v")")),
		  "config.json: annotations: duplicate key \"key-123\"");
	EXPECT_EQ(ConfigError(ManyAnnotations(KK_LIMIT_MAP_ENTRIES - 1, R"("key-1\u0032":"v")")),
		  "config.json: annotations: duplicate key \"key-12\"");
	EXPECT_EQ(
		DocError(KK_DOC_CONFIG, ManyAnnotations(KK_LIMIT_MAP_ENTRIES, R"("k":"v")"), &code),
		"config.json: annotations: has 16385 entries, more than the limit of 16384 "
		"(KK_LIMIT_MAP_ENTRIES)");
	EXPECT_EQ(code, KK_ERR_LIMIT);
	// Any object, not only maps: the walk keeps at most the limit per object.
	std::string big = ManyAnnotations(2 * KK_LIMIT_MAP_ENTRIES, R"("k":"v")");
	big.replace(big.find("annotations"), 11, "x-annotations");
	EXPECT_EQ(ConfigError(big), "config.json: x-annotations: has 32769 entries, more than the "
				    "limit of 16384 (KK_LIMIT_MAP_ENTRIES)");
	// Sorting, not pairwise comparison: a few tenths of a second even under ASan.
	EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(DuplicateKeys, ManyObjectsWithManyKeys)
{
	// Keys of closed objects are dropped: 2000 siblings of 8 keys each.
	std::string items;
	for (int i = 0; i < 2000; i++)
		items += std::string(i ? "," : "") +
			 R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":{"a":1}})";
	EXPECT_EQ(ConfigError(Config(R"("x-v":[)" + items + "]")), "");
	EXPECT_EQ(ConfigError(Config(R"("x-v":[)" + items + R"(,{"a":1,"a":1}])")),
		  "config.json: x-v[2000]: duplicate key \"a\"");
}

TEST(Prescan, MalformedInputNeverCrashes)
{
	// Truncations and byte flips of a document full of structure, keys
	// with escapes and numbers: each must parse or fail with a message,
	// never crash or read out of bounds (ASan).
	const std::string doc = Config(
		R"("annotations":{"a\u00e9\ud83d\ude00":"}","b\"\\":"[","\ud800":"x"},)"
		R"("mounts":[{"destination":"/a","options":["ro"]},{"destination":"/b"}],)"
		R"("process":{"cwd":"/","args":["sh","-c"],"rlimits":[{"type":"RLIMIT_CORE","soft":1,"hard":2}]})");
	ASSERT_EQ(ConfigError(doc), "");
	const char flips[] = "{}[],:\"'\\u0dD8fF-9 \x00";
	std::mt19937 rng(7);
	for (size_t cut = 0; cut < doc.size(); cut++)
		EXPECT_NE(ConfigError(doc.substr(0, cut)), "") << cut;
	for (int round = 0; round < 20000; round++) {
		std::string bad = doc;
		for (int k = 0; k < 1 + round % 3; k++)
			bad[rng() % bad.size()] = flips[rng() % (sizeof(flips) - 1)];
		kk_error err{};
		const kk_spec *spec = kk_spec_parse(bad.data(), bad.size(), &err);
		if (spec != nullptr)
			kk_doc_free(spec);
		else
			EXPECT_NE(err.msg[0], '\0') << bad;
	}
}

TEST(Prescan, UnbalancedAndStrayStructure)
{
	const char *const docs[] = {
		"}",	   "]",		"{]",	       "[}",	     "{\"a\":1]}", "{\"a\":[1}]",
		"{{}}",	   "{\"a\"{}}", "{\"a\":1}}",  "{\"a\":1}]", ",:,{",	   "{\"a\\",
		"{\"a\\u", "{\"a\\ud8", "{\"\\q\":1}", "{'",	     "{\"a\":'",   "\"",
	};
	for (const char *d : docs)
		EXPECT_NE(ConfigError(d), "") << d;
	// Past the depth limit the walk stops following; json-c refuses.
	std::string deep(100, '[');
	EXPECT_EQ(ConfigError(R"({"a":1,"a":2,"x":)" + deep),
		  "config.json: JSON nested deeper than 32 (KK_LIMIT_JSON_DEPTH)");
}

} // namespace
