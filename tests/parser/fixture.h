// Reading test data from Bazel runfiles.
#ifndef KK_TESTS_PARSER_FIXTURE_H
#define KK_TESTS_PARSER_FIXTURE_H

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

inline std::string RunfilePath(const std::string &rel)
{
	const char *srcdir = std::getenv("TEST_SRCDIR");
	const char *ws = std::getenv("TEST_WORKSPACE");
	return std::string(srcdir ? srcdir : ".") + "/" + (ws ? ws : "kakoi") + "/" + rel;
}

inline std::string ReadRunfile(const std::string &rel)
{
	std::ifstream in(RunfilePath(rel), std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

inline std::vector<std::string> ListRunfiles(const std::string &dir)
{
	std::vector<std::string> out;
	DIR *d = opendir(RunfilePath(dir).c_str());
	if (d == nullptr)
		return out;
	while (struct dirent *e = readdir(d)) {
		std::string name = e->d_name;
		if (name.size() > 5 && name.substr(name.size() - 5) == ".json")
			out.push_back(dir + "/" + name);
	}
	closedir(d);
	return out;
}

#endif
