// What both manager suites share: reading the host's view of a container
// (/proc/<pid>/status, ns links, cgroup dirs), small text helpers, and
// running a command under a pseudo-terminal as a user at a terminal would.
#ifndef KK_TESTS_MANAGERS_HOST_VIEW_H
#define KK_TESTS_MANAGERS_HOST_VIEW_H

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace kk_managers
{

std::string Trim(const std::string &s);
bool Contains(const std::string &haystack, const std::string &needle);
std::vector<std::string> Lines(const std::string &text);
// Quotes for sh; ShellLine joins quoted words.
std::string ShellQuote(const std::string &s);
std::string ShellLine(const std::vector<std::string> &argv);

// The "Key:" value of /proc/PID/status, trimmed ("" when absent).
std::string ProcStatus(pid_t pid, const std::string &key);
// /sys/fs/cgroup/<controller><path> for the v1 hierarchy holding pid.
std::string CgroupDir(pid_t pid, const std::string &controller);
// The ns link target of /proc/PID/ns/TYPE ("" when unreadable).
std::string NamespaceOf(pid_t pid, const std::string &type);

// Runs the shell line under script(1), which gives it a pty of its own, with
// input typed at it (then EOF), from cwd ("" for ours).
kk_it::Result UnderPty(const std::string &line, const std::string &input, int timeout_ms,
		       const std::string &cwd = "");

} // namespace kk_managers

#endif
