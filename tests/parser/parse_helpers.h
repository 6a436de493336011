// Small helpers for parser tests: wrap a fragment in a minimal config.json,
// parse it through the public API and get back either the document or the
// error text.
#ifndef KK_TESTS_PARSER_PARSE_HELPERS_H
#define KK_TESTS_PARSER_PARSE_HELPERS_H

#include <memory>
#include <string>

#include "base/error.h"
#include "parser/parser.h"

namespace kktest
{

// The smallest config.json that validates, with `linux_body` (the members
// of the linux object, without braces) as its linux section.
inline std::string LinuxConfig(const std::string &linux_body)
{
	return R"({"ociVersion":"1.0.0","root":{"path":"rootfs"},"linux":{)" + linux_body + "}}";
}

// A linux.resources fragment wrapped the same way.
inline std::string ResourcesConfig(const std::string &resources_body)
{
	return LinuxConfig(R"("resources":{)" + resources_body + "}");
}

// A linux.seccomp fragment wrapped the same way.
inline std::string SeccompConfig(const std::string &seccomp_body)
{
	return LinuxConfig(R"("seccomp":{)" + seccomp_body + "}");
}

struct DocDeleter {
	void operator()(const void *doc) const
	{
		kk_doc_free(doc);
	}
};
using Spec = std::unique_ptr<const kk_spec, DocDeleter>;

// Parses a config.json; on failure the result is null and *error (when
// given) holds the message.
inline Spec ParseSpec(const std::string &json, std::string *error = nullptr)
{
	kk_error err = {};
	Spec spec(kk_spec_parse(json.data(), json.size(), &err));

	if (error != nullptr)
		*error = spec ? "" : err.msg;
	return spec;
}

// The error message of a config.json that must fail, or "" if it parsed.
inline std::string ParseError(const std::string &json)
{
	std::string error;

	ParseSpec(json, &error);
	return error;
}

} // namespace kktest

#endif
