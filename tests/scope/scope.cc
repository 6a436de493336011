// See scope.h.
#include "tests/scope/scope.h"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace kk_scope
{

static const char kCgroupRoot[] = "/sys/fs/cgroup";

std::string RunName()
{
	return "kakoi-test-" + std::to_string(getpid());
}

std::string CgroupParent()
{
	return "/" + RunName();
}

void RemoveCgroupParent()
{
	DIR *d = opendir(kCgroupRoot);
	for (struct dirent *e; d != nullptr && (e = readdir(d)) != nullptr;)
		if (e->d_name[0] != '.')
			rmdir((std::string(kCgroupRoot) + "/" + e->d_name + CgroupParent())
				      .c_str());
	if (d != nullptr)
		closedir(d);
	rmdir((kCgroupRoot + CgroupParent()).c_str()); // a pure v2 host
}

std::string MountPoint(const std::string &line)
{
	std::stringstream ss(line);
	std::string field, out;
	for (int i = 0; i < 5; i++)
		ss >> field;
	for (size_t i = 0; i < field.size(); i++) {
		if (field[i] == '\\' && i + 3 < field.size()) {
			out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
			i += 3;
		} else {
			out += field[i];
		}
	}
	return out;
}

static bool Under(const std::string &path, const std::string &prefix)
{
	return path.compare(0, prefix.size(), prefix) == 0 &&
	       (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::vector<std::string> MountsUnder(const std::vector<std::string> &prefixes)
{
	std::vector<std::string> out;
	std::ifstream in("/proc/self/mountinfo");
	for (std::string line; std::getline(in, line);) {
		std::string point = MountPoint(line);
		for (const auto &p : prefixes)
			if (!p.empty() && Under(point, p)) {
				out.push_back(line);
				break;
			}
	}
	return out;
}

bool IsMountPoint(const std::string &path)
{
	std::ifstream in("/proc/self/mountinfo");
	for (std::string line; std::getline(in, line);)
		if (MountPoint(line) == path)
			return true;
	return false;
}

static std::string Slurp(const std::string &path)
{
	std::ifstream in(path);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

SysctlGuard::SysctlGuard(const std::string &name) : path_("/proc/sys/" + name)
{
	before_ = Slurp(path_);
}

SysctlGuard::~SysctlGuard()
{
	Restore();
}

bool SysctlGuard::Restore()
{
	if (before_.empty() || Slurp(path_) == before_)
		return false;
	std::ofstream(path_) << before_;
	return true;
}

void UnmountUnder(const std::vector<std::string> &prefixes)
{
	std::vector<std::string> mounts = MountsUnder(prefixes);
	std::reverse(mounts.begin(), mounts.end());
	for (const auto &line : mounts)
		umount2(MountPoint(line).c_str(), MNT_DETACH);
}

} // namespace kk_scope
