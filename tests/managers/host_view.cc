#include "tests/managers/host_view.h"

#include <fcntl.h>
#include <unistd.h>

#include <sstream>

namespace kk_managers
{

std::string Trim(const std::string &s)
{
	size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
	return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool Contains(const std::string &haystack, const std::string &needle)
{
	return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> Lines(const std::string &text)
{
	std::vector<std::string> lines;
	std::stringstream ss(text);
	for (std::string line; std::getline(ss, line);)
		lines.push_back(line);
	return lines;
}

std::string ShellQuote(const std::string &s)
{
	std::string out = "'";
	for (char c : s)
		out += c == '\'' ? std::string("'\\''") : std::string(1, c);
	return out + "'";
}

std::string ShellLine(const std::vector<std::string> &argv)
{
	std::string line;
	for (const auto &a : argv)
		line += (line.empty() ? "" : " ") + ShellQuote(a);
	return line;
}

std::string ProcStatus(pid_t pid, const std::string &key)
{
	for (const auto &line : Lines(kk_it::ReadFile("/proc/" + std::to_string(pid) + "/status")))
		if (line.rfind(key + ":", 0) == 0)
			return Trim(line.substr(key.size() + 1));
	return "";
}

std::string CgroupDir(pid_t pid, const std::string &controller)
{
	for (const auto &line :
	     Lines(kk_it::ReadFile("/proc/" + std::to_string(pid) + "/cgroup"))) {
		size_t a = line.find(':'), b = line.find(':', a + 1);
		if (a == std::string::npos || b == std::string::npos)
			continue;
		std::stringstream ctrls(line.substr(a + 1, b - a - 1));
		for (std::string c; std::getline(ctrls, c, ',');)
			if (c == controller)
				return "/sys/fs/cgroup/" + controller + line.substr(b + 1);
	}
	return "";
}

std::string NamespaceOf(pid_t pid, const std::string &type)
{
	char buf[128];
	std::string link = "/proc/" + std::to_string(pid) + "/ns/" + type;
	ssize_t n = readlink(link.c_str(), buf, sizeof(buf) - 1);
	return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

kk_it::Result UnderPty(const std::string &line, const std::string &input, int timeout_ms,
		       const std::string &cwd)
{
	kk_it::RunOptions opts;
	opts.cwd = cwd;
	opts.timeout_ms = timeout_ms;
	int fds[2] = {-1, -1};
	if (!input.empty()) {
		// Small input fits the pipe: write it all, then close for EOF.
		EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
		EXPECT_EQ(write(fds[1], input.data(), input.size()),
			  static_cast<ssize_t>(input.size()));
		close(fds[1]);
		opts.fds[0] = fds[0];
	}
	kk_it::Result r = kk_it::RunCommand("/usr/bin/script", {"-qec", line, "/dev/null"}, opts);
	if (fds[0] >= 0)
		close(fds[0]);
	return r;
}

} // namespace kk_managers
