// A Bazel linkstamp: compiled again at each link of a binary that depends
// on it, with Bazel's build-info header included. C++ because Bazel 4
// compiles linkstamps with the C++ flags (-std=c++0x), which a C file
// refuses under -Werror. BUILD_SCM_REVISION comes from the volatile status
// scripts/workspace_status.sh prints (see .bazelrc): a new commit alone
// relinks nothing, so builds and tests stay cached. It is "0" in an
// unstamped binary (tests: stamp = 0) and without the status command.
#include <string.h>

#include "runtime/version.h"

const char *kk_build_commit(void)
{
#ifdef BUILD_SCM_REVISION
	static const char revision[] = BUILD_SCM_REVISION;

	if (revision[0] != '\0' && strcmp(revision, "0") != 0)
		return revision;
#endif
	return "unknown";
}
