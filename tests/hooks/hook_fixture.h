// The fixture shared by the hooks/ tests that run real hooks as root:
// a temp dir with an audit log, hooks added by path, policies parsed and
// pinned, and readers for the audit records.
#ifndef KK_TESTS_HOOKS_HOOK_FIXTURE_H
#define KK_TESTS_HOOKS_HOOK_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <json-c/json.h>
#include <limits.h>
#include <openssl/evp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <list>
#include <sstream>
#include <string>
#include <vector>

#include "hooks/hooks.h"
#include "parser/parser.h"
#include "parser/policy.h"
#include "runtime/sys/sys.h"

namespace hooktest
{

// Runs fn in a child and returns its exit status (fn's return), or -1.
template <typename Fn> int InChild(Fn fn)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

const char kState[] =
	R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":4242,"bundle":"/b"})";

const char *const kFields[] = {
	"time",	       "event",	    "id",	   "bundle",	"kind",		"index",
	"path",	       "resolved",  "sha256",	   "argv",	"env",		"uid",
	"gid",	       "pid",	    "runtime_pid", "profile",	"timeout",	"start",
	"duration_ns", "exit_code", "signal",	   "timed_out", "stdout_bytes", "stderr_bytes",
	"stderr",      "reason",
};

inline std::string Slurp(const std::string &path)
{
	std::ifstream in(path);
	std::stringstream ss;

	ss << in.rdbuf();
	return ss.str();
}

inline bool Exists(const std::string &path)
{
	return access(path.c_str(), F_OK) == 0;
}

inline std::string Sha256(const std::string &path)
{
	std::string data = Slurp(path);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	char hex[3];
	std::string out;

	EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
	for (unsigned i = 0; i < len; i++) {
		snprintf(hex, sizeof(hex), "%02x", md[i]);
		out += hex;
	}
	return out;
}

class HookRun : public ::testing::Test
{
      protected:
	std::string dir, audit_path, helper;
	int audit_fd = -1;
	const kk_hook_policy *policy = nullptr;
	bool keep_going = false;
	// kk_hook_run's: the container's process (an image's hook runs as it),
	// the rootfs whose files are the image's, what a hook without env gets.
	const kk_process *as_process = nullptr;
	const char *image_rootfs = nullptr;
	kk_strv inherit_env = {};
	std::list<std::vector<std::string>> strings;
	std::list<std::vector<const char *>> pointers;
	std::vector<kk_hook> hooks;
	kk_error err = {};

	void SetUp() override
	{
		const char *tmp = getenv("TEST_TMPDIR");
		std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/hooks-XXXXXX";
		char real[PATH_MAX];

		ASSERT_EQ(geteuid(), 0u) << "run_test needs root";
		ASSERT_NE(mkdtemp(&tmpl[0]), nullptr);
		dir = tmpl;
		audit_path = dir + "/log/hooks.log";
		audit_fd = kk_hook_audit_open(audit_path.c_str(), &err);
		ASSERT_GE(audit_fd, 0) << err.msg;
		ASSERT_NE(realpath("tests/hooks/hook_helper_bin", real), nullptr);
		helper = real;
	}

	void TearDown() override
	{
		if (audit_fd >= 0)
			close(audit_fd);
		kk_hook_policy_free(policy);
		std::string cmd = "rm -rf '" + dir + "'";
		EXPECT_EQ(system(cmd.c_str()), 0);
	}

	kk_strv Strv(const std::vector<std::string> &v)
	{
		strings.push_back(v);
		pointers.emplace_back();
		for (const auto &s : strings.back())
			pointers.back().push_back(s.c_str());
		return {pointers.back().data(), pointers.back().size()};
	}

	std::string Script(const std::string &name, const std::string &body)
	{
		std::string path = dir + "/" + name;
		std::ofstream(path) << "#!/bin/sh\n" << body;
		chmod(path.c_str(), 0755);
		return path;
	}

	void Add(const std::string &path, std::vector<std::string> args = {},
		 std::vector<std::string> env = {}, long timeout = 0)
	{
		kk_hook h = {};

		strings.push_back({path});
		h.path = strings.back()[0].c_str();
		h.args = Strv(args);
		h.env = Strv(env);
		h.env_set = !env.empty(); // "env": [] takes AddEmptyEnv
		h.timeout.set = timeout > 0;
		h.timeout.value = timeout;
		hooks.push_back(h);
	}

	// A hook with "env": [] (not absent).
	void AddEmptyEnv(const std::string &path, std::vector<std::string> args = {})
	{
		Add(path, std::move(args));
		hooks.back().env_set = true;
	}

	// Parsed and pinned, as kk_hook_policy_load does.
	void Policy(const std::string &json)
	{
		const void *doc = kk_doc_parse(KK_DOC_HOOK_POLICY, json.data(), json.size(), &err);
		ASSERT_NE(doc, nullptr) << err.msg;
		policy = kk_hook_policy_pin(static_cast<const kk_hook_policy *>(doc), &err);
		ASSERT_NE(policy, nullptr) << err.msg;
	}

	int Run(kk_hook_kind kind = KK_HOOK_PRESTART, bool container_ns = false)
	{
		kk_hook_list list = {hooks.data(), hooks.size()};
		kk_hook_run run = {};

		run.id = "c1";
		run.bundle = dir.c_str();
		run.state_json = kState;
		run.policy = policy;
		run.audit_fd = audit_fd;
		run.keep_going = keep_going;
		run.container_ns = container_ns;
		run.as_process = as_process;
		run.image_rootfs = image_rootfs;
		run.inherit_env = inherit_env;

		kk_error_clear(&err);
		return kk_hooks_run(&list, kind, &run, &err);
	}

	// Every line parses and carries every field.
	std::vector<json_object *> Audit()
	{
		std::vector<json_object *> out;
		std::istringstream in(Slurp(audit_path));
		std::string line;

		while (std::getline(in, line)) {
			json_object *o = json_tokener_parse(line.c_str());

			EXPECT_NE(o, nullptr) << line;
			if (o == nullptr)
				continue;
			for (const char *f : kFields)
				EXPECT_TRUE(json_object_object_get_ex(o, f, nullptr))
					<< f << " missing in " << line;
			out.push_back(o);
		}
		return out;
	}

	static void Free(std::vector<json_object *> &v)
	{
		for (auto *o : v)
			json_object_put(o);
	}
};

inline std::string Str(json_object *o, const char *key)
{
	json_object *v = nullptr;

	if (!json_object_object_get_ex(o, key, &v) || v == nullptr)
		return "(null)";
	return json_object_get_string(v);
}

// Arrays, compactly and without escaped slashes.
inline std::string Json(json_object *o, const char *key)
{
	json_object *v = nullptr;

	json_object_object_get_ex(o, key, &v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

inline bool Null(json_object *o, const char *key)
{
	json_object *v = nullptr;

	return json_object_object_get_ex(o, key, &v) && v == nullptr;
}

inline int64_t Int(json_object *o, const char *key)
{
	json_object *v = nullptr;

	json_object_object_get_ex(o, key, &v);
	return json_object_get_int64(v);
}

inline bool Gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

// A private mount namespace for the test process, so nothing it (or its
// hooks) mounts reaches the host.
inline void PrivateMounts()
{
	ASSERT_EQ(unshare(CLONE_NEWNS), 0) << strerror(errno);
	ASSERT_EQ(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
}

} // namespace hooktest

#endif
