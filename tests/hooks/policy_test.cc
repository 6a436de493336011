// The hook policy document: the parser (good, unknown keys, bad values,
// strict-only settings), the image round trip, and kk_hook_policy_load
// through the isolated loader.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "hooks/hooks.h"
#include "parser/parser.h"
#include "parser/policy.h"

namespace
{

const kk_hook_policy *Parse(const std::string &json, std::string *error)
{
	kk_error err = {};
	const void *doc = kk_doc_parse(KK_DOC_HOOK_POLICY, json.data(), json.size(), &err);

	if (doc == nullptr) {
		EXPECT_NE(err.code, KK_OK);
		*error = err.msg;
	}
	return static_cast<const kk_hook_policy *>(doc);
}

std::string ParseError(const std::string &json)
{
	std::string error;
	const kk_hook_policy *p = Parse(json, &error);

	EXPECT_EQ(p, nullptr) << json;
	kk_doc_free(p);
	return error;
}

TEST(PolicyParse, Strict)
{
	std::string error;
	const kk_hook_policy *p =
		Parse(R"({"profile":"strict","allowedHooks":["/usr/libexec/a","/b"],)"
		      R"("maxTimeoutSeconds":30,"keepCapabilities":["CAP_SYS_ADMIN","CAP_CHOWN"]})",
		      &error);

	ASSERT_NE(p, nullptr) << error;
	EXPECT_EQ(p->profile, KK_POLICY_STRICT);
	EXPECT_EQ(kk_hook_policy_profile(p), KK_HOOK_PROFILE_STRICT);
	EXPECT_TRUE(p->has_allowed_hooks);
	ASSERT_EQ(p->allowed_hooks.n, 2u);
	EXPECT_STREQ(p->allowed_hooks.v[0], "/usr/libexec/a");
	EXPECT_STREQ(p->allowed_hooks.v[1], "/b");
	EXPECT_TRUE(p->max_timeout.set);
	EXPECT_EQ(p->max_timeout.value, 30);
	EXPECT_TRUE(p->has_keep_caps);
	EXPECT_EQ(p->keep_caps, (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_CHOWN));
	kk_doc_free(p);
}

TEST(PolicyParse, MinimalStandard)
{
	std::string error;
	const kk_hook_policy *p = Parse(R"({"profile":"standard"})", &error);

	ASSERT_NE(p, nullptr) << error;
	EXPECT_EQ(kk_hook_policy_profile(p), KK_HOOK_PROFILE_STANDARD);
	EXPECT_FALSE(p->has_allowed_hooks);
	EXPECT_FALSE(p->has_keep_caps);
	EXPECT_FALSE(p->max_timeout.set);
	kk_doc_free(p);
}

TEST(PolicyParse, EmptyAllowlistIsKept)
{
	std::string error;
	const kk_hook_policy *p = Parse(R"({"profile":"strict","allowedHooks":[]})", &error);

	ASSERT_NE(p, nullptr) << error;
	EXPECT_TRUE(p->has_allowed_hooks);
	EXPECT_EQ(p->allowed_hooks.n, 0u);
	kk_doc_free(p);
}

TEST(PolicyParse, UnknownKeysAreNamed)
{
	EXPECT_EQ(ParseError(R"({"profile":"strict","allowedHook":["/a"]})"),
		  "hook policy: allowedHook: unknown key (known: profile, allowedHooks, "
		  "maxTimeoutSeconds, keepCapabilities)");
	EXPECT_NE(ParseError(R"({"profile":"standard","ociVersion":"1.0.0"})").find("ociVersion"),
		  std::string::npos);
}

TEST(PolicyParse, BadProfiles)
{
	EXPECT_EQ(ParseError(R"({"profile":"paranoid"})"),
		  "hook policy: profile: unknown hook policy profile \"paranoid\"");
	EXPECT_EQ(ParseError(R"({"profile":"Strict"})"),
		  "hook policy: profile: unknown hook policy profile \"Strict\"");
	EXPECT_NE(ParseError(R"({"profile":1})").find("profile"), std::string::npos);
	EXPECT_NE(ParseError(R"({})").find("profile"), std::string::npos);
}

TEST(PolicyParse, BadValues)
{
	EXPECT_EQ(ParseError(R"({"profile":"strict","allowedHooks":["relative/x"]})"),
		  "hook policy: allowedHooks[0]: \"relative/x\" must be an absolute path");
	EXPECT_EQ(ParseError(R"({"profile":"strict","maxTimeoutSeconds":0})"),
		  "hook policy: maxTimeoutSeconds: 0 is not between 1 and 3600");
	EXPECT_NE(ParseError(R"({"profile":"strict","maxTimeoutSeconds":3601})").find("3601"),
		  std::string::npos);
	EXPECT_EQ(ParseError(R"({"profile":"strict","keepCapabilities":["CAP_FLY"]})"),
		  "hook policy: keepCapabilities[0]: unknown capability \"CAP_FLY\"");
	EXPECT_NE(ParseError(R"(["profile"])").find("must be a JSON object"), std::string::npos);
	EXPECT_NE(ParseError(R"({"profile":"strict")").find("invalid JSON"), std::string::npos);
}

TEST(PolicyParse, StrictOnlySettingsRefusedUnderStandard)
{
	EXPECT_EQ(ParseError(R"({"profile":"standard","allowedHooks":["/a"]})"),
		  "hook policy: allowedHooks: applies only to the \"strict\" profile");
	EXPECT_EQ(ParseError(R"({"profile":"standard","keepCapabilities":[]})"),
		  "hook policy: keepCapabilities: applies only to the \"strict\" profile");
}

std::string TempFile(const std::string &content)
{
	const char *dir = getenv("TEST_TMPDIR");
	std::string path = std::string(dir ? dir : "/tmp") + "/policy-XXXXXX";
	int fd = mkstemp(&path[0]);

	EXPECT_GE(fd, 0);
	EXPECT_EQ(write(fd, content.data(), content.size()), (ssize_t)content.size());
	close(fd);
	return path;
}

TEST(PolicyLoad, ThroughTheIsolatedLoader)
{
	std::string path = TempFile(R"({"profile":"strict","maxTimeoutSeconds":5})");
	kk_error err = {};
	const kk_hook_policy *p = kk_hook_policy_load(path.c_str(), true, &err);

	ASSERT_NE(p, nullptr) << err.msg;
	EXPECT_EQ(kk_hook_policy_profile(p), KK_HOOK_PROFILE_STRICT);
	EXPECT_EQ(p->max_timeout.value, 5);
	kk_hook_policy_free(p);
	unlink(path.c_str());
}

TEST(PolicyLoad, ErrorsNameTheFile)
{
	std::string path = TempFile(R"({"profile":"lax"})");
	kk_error err = {};

	EXPECT_EQ(kk_hook_policy_load(path.c_str(), true, &err), nullptr);
	EXPECT_EQ(std::string(err.msg),
		  path + ": hook policy: profile: unknown hook policy profile \"lax\"");
	unlink(path.c_str());
}

TEST(PolicyLoad, MissingDefaultMeansStandard)
{
	kk_error err = {};
	const kk_hook_policy *p =
		kk_hook_policy_load("/nonexistent/kakoi/policy.json", false, &err);

	ASSERT_NE(p, nullptr) << err.msg;
	EXPECT_EQ(err.code, KK_OK);
	EXPECT_EQ(kk_hook_policy_profile(p), KK_HOOK_PROFILE_STANDARD);
	kk_hook_policy_free(p);
	EXPECT_EQ(kk_hook_policy_profile(nullptr), KK_HOOK_PROFILE_STANDARD);
}

TEST(PolicyLoad, MissingExplicitIsAnError)
{
	kk_error err = {};

	EXPECT_EQ(kk_hook_policy_load("/nonexistent/kakoi/policy.json", true, &err), nullptr);
	EXPECT_EQ(err.code, KK_ERR_SYS);
	EXPECT_NE(std::string(err.msg).find("/nonexistent/kakoi/policy.json"), std::string::npos);
}

TEST(HookKind, Names)
{
	EXPECT_STREQ(kk_hook_kind_name(KK_HOOK_PRESTART), "prestart");
	EXPECT_STREQ(kk_hook_kind_name(KK_HOOK_CREATE_RUNTIME), "createRuntime");
	EXPECT_STREQ(kk_hook_kind_name(KK_HOOK_CREATE_CONTAINER), "createContainer");
	EXPECT_STREQ(kk_hook_kind_name(KK_HOOK_START_CONTAINER), "startContainer");
	EXPECT_STREQ(kk_hook_kind_name(KK_HOOK_POSTSTART), "poststart");
	EXPECT_STREQ(kk_hook_kind_name(KK_HOOK_POSTSTOP), "poststop");
}

} // namespace
