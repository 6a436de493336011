// The test rootfs: Debian's static busybox with its applets, plus /probe.
// Both are static, so the rootfs needs no libc and no image.
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "tests/integration/harness.h"

namespace kk_it
{

static const char kBusybox[] = "/bin/busybox";

static bool CopyFile(const std::string &from, const std::string &to, mode_t mode)
{
	std::string data = ReadFile(from);
	int fd = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (data.empty() || fd < 0)
		return false;
	bool ok = write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
	return close(fd) == 0 && ok && chmod(to.c_str(), mode) == 0;
}

// `busybox --list-full`: applet paths relative to /, e.g. "usr/bin/id".
static const std::vector<std::string> &Applets()
{
	static std::vector<std::string> applets;
	if (!applets.empty())
		return applets;
	FILE *p = popen("/bin/busybox --list-full", "r");
	char line[256];
	while (p != nullptr && fgets(line, sizeof(line), p) != nullptr) {
		std::string applet(line);
		applet.erase(applet.find_last_not_of("\n") + 1);
		if (!applet.empty() && applet != "bin/busybox")
			applets.push_back(applet);
	}
	if (p != nullptr)
		pclose(p);
	return applets;
}

static bool MakeDirs(const std::string &rootfs)
{
	static const struct {
		const char *path;
		mode_t mode;
	} dirs[] = {
		{"", 0755},	   {"bin", 0755},      {"sbin", 0755}, {"usr", 0755},
		{"usr/bin", 0755}, {"usr/sbin", 0755}, {"proc", 0555}, {"dev", 0755},
		{"sys", 0555},	   {"tmp", 01777},     {"mnt", 0755},  {"etc", 0755},
		{"root", 0700},	   {"run", 0755},
	};
	for (const auto &d : dirs) {
		std::string path = rootfs + "/" + d.path;
		if ((mkdir(path.c_str(), d.mode) < 0 && errno != EEXIST) ||
		    chmod(path.c_str(), d.mode) < 0)
			return false;
	}
	return true;
}

bool BuildRootfs(const std::string &rootfs, std::string *why)
{
	if (!MakeDirs(rootfs))
		return *why = "cannot make the directories of " + rootfs, false;
	if (!CopyFile(kBusybox, rootfs + "/bin/busybox", 0755))
		return *why = std::string("cannot copy ") + kBusybox +
			      " (scripts/setup.sh installs "
			      "busybox-static)",
		       false;
	if (!CopyFile(ProbeBinary(), rootfs + "/probe", 0755))
		return *why = "cannot copy the probe from " + ProbeBinary(), false;
	if (Applets().size() < 20)
		return *why = "busybox --list-full listed too few applets", false;
	for (const auto &applet : Applets()) {
		std::string link = rootfs + "/" + applet;
		if (symlink("/bin/busybox", link.c_str()) < 0 && errno != EEXIST)
			return *why = "cannot link " + link, false;
	}
	WriteFile(rootfs + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
					  "nobody:x:65534:65534:nobody:/:/bin/false\n");
	WriteFile(rootfs + "/etc/group", "root:x:0:\nnogroup:x:65534:\n");
	return true;
}

static int RemoveEntry(const char *path, const struct stat *, int type, struct FTW *)
{
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void RemoveTree(const std::string &path)
{
	// FTW_PHYS: never follow a symlink out of the tree; FTW_MOUNT: never
	// descend into something mounted inside it (a leaked bind mount of a
	// host directory must not have its contents deleted).
	nftw(path.c_str(), RemoveEntry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

} // namespace kk_it
