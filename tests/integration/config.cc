// config.json edits through json-c, by dotted path. A malformed edit is a
// bug in the test, reported as a gtest failure.
#include <functional>
#include <sstream>

#include "tests/integration/harness.h"

namespace kk_it
{

Json ParseJson(const std::string &text)
{
	return Json(json_tokener_parse(text.c_str()), json_object_put);
}

std::string JsonString(json_object *obj, const std::string &key)
{
	json_object *v = nullptr;
	if (obj == nullptr || !json_object_object_get_ex(obj, key.c_str(), &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

long long JsonInt(json_object *obj, const std::string &key, long long missing)
{
	json_object *v = nullptr;
	if (obj == nullptr || !json_object_object_get_ex(obj, key.c_str(), &v) ||
	    !json_object_is_type(v, json_type_int))
		return missing;
	return json_object_get_int64(v);
}

std::string Quote(const std::string &s)
{
	json_object *str = json_object_new_string_len(s.data(), static_cast<int>(s.size()));
	std::string out = json_object_to_json_string_ext(str, JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(str);
	return out;
}

static std::vector<std::string> Split(const std::string &path)
{
	std::vector<std::string> parts;
	std::stringstream ss(path);
	std::string part;
	while (std::getline(ss, part, '.'))
		parts.push_back(part);
	return parts;
}

Config::~Config()
{
	json_object_put(root_);
}

std::unique_ptr<Config> Config::Load(const std::string &path)
{
	json_object *root = json_object_from_file(path.c_str());
	if (root == nullptr)
		return nullptr;
	return std::make_unique<Config>(root);
}

bool Config::Save(const std::string &path) const
{
	return json_object_to_file_ext(path.c_str(), root_,
				       JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) ==
	       0;
}

std::string Config::Text() const
{
	return json_object_to_json_string_ext(root_, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE);
}

json_object *Config::Find(const std::string &path) const
{
	json_object *at = root_;
	for (const auto &part : Split(path))
		if (!json_object_is_type(at, json_type_object) ||
		    !json_object_object_get_ex(at, part.c_str(), &at))
			return nullptr;
	return at;
}

std::string Config::Get(const std::string &path) const
{
	json_object *v = Find(path);
	return v == nullptr ? ""
			    : json_object_to_json_string_ext(
				      v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

// The object that holds the last component of path, created as needed.
static json_object *Parent(json_object *root, const std::vector<std::string> &parts)
{
	json_object *at = root;
	for (size_t i = 0; i + 1 < parts.size(); i++) {
		json_object *next = nullptr;
		if (!json_object_object_get_ex(at, parts[i].c_str(), &next) ||
		    !json_object_is_type(next, json_type_object)) {
			next = json_object_new_object();
			json_object_object_add(at, parts[i].c_str(), next);
		}
		at = next;
	}
	return at;
}

void Config::Set(const std::string &path, const std::string &json)
{
	json_object *value = json_tokener_parse(json.c_str());
	std::vector<std::string> parts = Split(path);
	if (value == nullptr && json != "null") {
		ADD_FAILURE() << "Config::Set(" << path << "): not JSON: " << json;
		return;
	}
	json_object_object_add(Parent(root_, parts), parts.back().c_str(), value);
}

void Config::Remove(const std::string &path)
{
	std::vector<std::string> parts = Split(path);
	json_object *parent = parts.size() == 1 ? root_ : Find(path.substr(0, path.rfind('.')));
	if (parent != nullptr && json_object_is_type(parent, json_type_object))
		json_object_object_del(parent, parts.back().c_str());
}

void Config::Append(const std::string &path, const std::string &json)
{
	json_object *value = json_tokener_parse(json.c_str());
	json_object *array = Find(path);
	if (value == nullptr) {
		ADD_FAILURE() << "Config::Append(" << path << "): not JSON: " << json;
		return;
	}
	if (array == nullptr || !json_object_is_type(array, json_type_array)) {
		Set(path, "[]");
		array = Find(path);
	}
	json_object_array_add(array, value);
}

void Config::SetArgs(const std::vector<std::string> &args)
{
	std::string json = "[";
	for (size_t i = 0; i < args.size(); i++)
		json += (i ? "," : "") + Quote(args[i]);
	Set("process.args", json + "]");
}

void Config::SetTerminal(bool terminal)
{
	Set("process.terminal", terminal ? "true" : "false");
}

void Config::SetReadonlyRoot(bool readonly)
{
	Set("root.readonly", readonly ? "true" : "false");
}

void Config::SetHostname(const std::string &hostname)
{
	Set("hostname", Quote(hostname));
}

void Config::AddEnv(const std::string &entry)
{
	Append("process.env", Quote(entry));
}

void Config::AddMount(const std::string &destination, const std::string &type,
		      const std::string &source, const std::vector<std::string> &options)
{
	std::string json = "{\"destination\":" + Quote(destination) + ",\"type\":" + Quote(type) +
			   ",\"source\":" + Quote(source) + ",\"options\":[";
	for (size_t i = 0; i < options.size(); i++)
		json += (i ? "," : "") + Quote(options[i]);
	Append("mounts", json + "]}");
}

// Removes the elements of the array at path for which drop holds.
static void Filter(json_object *array, const std::function<bool(json_object *)> &drop)
{
	if (array == nullptr || !json_object_is_type(array, json_type_array))
		return;
	for (size_t i = json_object_array_length(array); i-- > 0;)
		if (drop(json_object_array_get_idx(array, i)))
			json_object_array_del_idx(array, i, 1);
}

void Config::RemoveMount(const std::string &destination)
{
	Filter(Find("mounts"),
	       [&](json_object *m) { return JsonString(m, "destination") == destination; });
}

void Config::AddNamespace(const std::string &type, const std::string &path)
{
	RemoveNamespace(type);
	std::string json = "{\"type\":" + Quote(type);
	if (!path.empty())
		json += ",\"path\":" + Quote(path);
	Append("linux.namespaces", json + "}");
}

void Config::RemoveNamespace(const std::string &type)
{
	Filter(Find("linux.namespaces"),
	       [&](json_object *ns) { return JsonString(ns, "type") == type; });
}

void Config::SetCgroupsPath(const std::string &path)
{
	Set("linux.cgroupsPath", Quote(path));
}

void Config::SetSeccomp(const std::string &json)
{
	Set("linux.seccomp", json);
}

void Config::AddRlimit(const std::string &type, unsigned long long soft, unsigned long long hard)
{
	Filter(Find("process.rlimits"),
	       [&](json_object *r) { return JsonString(r, "type") == type; });
	Append("process.rlimits", "{\"type\":" + Quote(type) + ",\"soft\":" + std::to_string(soft) +
					  ",\"hard\":" + std::to_string(hard) + "}");
}

} // namespace kk_it
