// Small text helpers the fault campaigns share.
#ifndef KK_TESTS_FAULT_TEXT_H
#define KK_TESTS_FAULT_TEXT_H

#include <dirent.h>
#include <string.h>

#include <sstream>
#include <string>
#include <vector>

namespace kk_fault_text
{

inline std::vector<std::string> Lines(const std::string &text)
{
	std::vector<std::string> lines;
	std::stringstream ss(text);
	for (std::string line; std::getline(ss, line);)
		lines.push_back(line);
	return lines;
}

inline std::string Join(const std::vector<std::string> &v, const std::string &sep)
{
	std::string out;
	for (const auto &s : v)
		out += (out.empty() ? "" : sep) + s;
	return out;
}

inline std::vector<std::string> DirEntries(const std::string &dir)
{
	std::vector<std::string> out;
	DIR *d = opendir(dir.c_str());
	while (d != nullptr) {
		struct dirent *e = readdir(d);
		if (e == nullptr)
			break;
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			out.push_back(e->d_name);
	}
	if (d != nullptr)
		closedir(d);
	return out;
}

} // namespace kk_fault_text

#endif
