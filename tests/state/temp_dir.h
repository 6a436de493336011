// A temp directory for one test, removed with everything in it at the end.
#ifndef KK_TESTS_STATE_TEMP_DIR_H
#define KK_TESTS_STATE_TEMP_DIR_H

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

class TempDir
{
      public:
	TempDir()
	{
		const char *base = getenv("TEST_TMPDIR");
		std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/kkstate.XXXXXX";
		std::vector<char> buf(tmpl.begin(), tmpl.end());
		buf.push_back('\0');
		if (mkdtemp(buf.data()) == nullptr)
			ADD_FAILURE() << "mkdtemp " << tmpl;
		path_ = buf.data();
	}
	~TempDir()
	{
		nftw(path_.c_str(), Remove, 16, FTW_DEPTH | FTW_PHYS);
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	const std::string &path() const
	{
		return path_;
	}
	std::string operator/(const std::string &name) const
	{
		return path_ + "/" + name;
	}

      private:
	static int Remove(const char *path, const struct stat *, int, struct FTW *)
	{
		remove(path);
		return 0;
	}
	std::string path_;
};

// The names in a directory, sorted, without "." and "..".
inline std::vector<std::string> ListDir(const std::string &path)
{
	std::vector<std::string> names;
	DIR *d = opendir(path.c_str());
	if (d == nullptr)
		return names;
	while (struct dirent *de = readdir(d)) {
		std::string n = de->d_name;
		if (n != "." && n != "..")
			names.push_back(n);
	}
	closedir(d);
	std::sort(names.begin(), names.end());
	return names;
}

inline bool Exists(const std::string &path)
{
	struct stat st;
	return lstat(path.c_str(), &st) == 0;
}

inline std::string ReadAll(const std::string &path)
{
	std::string out;
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "<missing>";
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		out.append(buf, static_cast<size_t>(n));
	close(fd);
	return out;
}

inline void WriteAll(const std::string &path, const std::string &data)
{
	int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_GE(fd, 0) << path;
	ASSERT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
	close(fd);
}

#endif
