// Helpers for rootfs tests: parse a config.json, plan it, and look at the
// ops; make and remove temp directories.
#ifndef KK_TESTS_ROOTFS_HELPERS_H
#define KK_TESTS_ROOTFS_HELPERS_H

#include <ftw.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "parser/parser.h"
#include "runtime/exec/ctx.h"
#include "runtime/exec/plan.h"
#include "runtime/rootfs/rootfs.h"

namespace kkrootfs
{

struct DocDeleter {
	void operator()(const void *doc) const
	{
		kk_doc_free(doc);
	}
};
using Spec = std::unique_ptr<const kk_spec, DocDeleter>;

inline Spec Parse(const std::string &json, std::string *error = nullptr)
{
	kk_error err = {};
	Spec spec(kk_spec_parse(json.data(), json.size(), &err));

	if (error != nullptr)
		*error = spec ? "" : err.msg;
	return spec;
}

// A config with the given top-level members added (after root and
// ociVersion), e.g. R"("mounts":[...],"linux":{...})".
inline std::string Config(const std::string &members)
{
	return R"({"ociVersion":"1.3.0","root":{"path":"rootfs"})" +
	       (members.empty() ? std::string() : "," + members) + "}";
}

// The linux members with a new mount namespace prepended to namespaces.
inline std::string WithMountNs(const std::string &more_namespaces = "")
{
	return R"("namespaces":[{"type":"mount"})" +
	       (more_namespaces.empty() ? std::string() : "," + more_namespaces) + "]";
}

struct Planned {
	kk_plan plan = {};
	int rc = 0;
	std::string error;

	Planned() = default;
	Planned(const Planned &) = delete;
	~Planned()
	{
		kk_plan_free(&plan);
	}

	std::vector<std::string> Lines() const
	{
		std::vector<std::string> out;

		for (size_t i = 0; i < plan.n; i++) {
			char buf[1024];

			kk_op_describe(&plan.ops[i], buf, sizeof(buf));
			out.push_back(std::string(plan.ops[i].type->name) + ": " + buf);
		}
		return out;
	}
};

inline void PlanInto(const kk_spec *spec, Planned *p)
{
	kk_error err = {};

	p->rc = kk_plan_rootfs(&p->plan, spec, &err);
	p->error = p->rc < 0 ? err.msg : "";
}

// The plan error of a config ("" when it plans), or the parse error
// prefixed with "parse: ".
inline std::string PlanError(const std::string &json)
{
	std::string perr;
	Spec spec = Parse(json, &perr);
	Planned p;

	if (!spec)
		return "parse: " + perr;
	PlanInto(spec.get(), &p);
	return p.error;
}

// KK_CTX_INIT for C++ (which wants every member in a braced list).
inline kk_ctx NewCtx()
{
	kk_ctx ctx = {};

	ctx.state_dir_fd = ctx.sync_fd = ctx.rootfs_fd = -1;
	ctx.console_sock_fd = ctx.seccomp_sock_fd = -1;
	return ctx;
}

class TempDir
{
      public:
	TempDir()
	{
		const char *base = getenv("TEST_TMPDIR");
		std::string templ =
			std::string(base != nullptr ? base : "/tmp") + "/kkrootfs.XXXXXX";
		std::vector<char> buf(templ.begin(), templ.end());

		buf.push_back('\0');
		if (mkdtemp(buf.data()) != nullptr)
			path_ = buf.data();
	}
	~TempDir()
	{
		if (!path_.empty())
			nftw(path_.c_str(), Remove, 16, FTW_DEPTH | FTW_PHYS);
	}
	const std::string &path() const
	{
		return path_;
	}

      private:
	static int Remove(const char *p, const struct stat *, int, struct FTW *)
	{
		remove(p);
		return 0;
	}
	std::string path_;
};

} // namespace kkrootfs

#endif
