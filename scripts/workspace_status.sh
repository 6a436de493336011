#!/bin/sh
# Bazel's --workspace_status_command (.bazelrc): the git commit being built,
# for `kakoi --version` (runtime/build_info.cc). BUILD_SCM_REVISION is a
# volatile key: a new commit alone relinks nothing, so every build and test
# stays cached; a binary relinked for any other reason gets the commit.
# "unknown" outside git (a source tarball). Runs before every build: fast,
# and it never fails.
commit=$(git rev-parse HEAD 2>/dev/null) || commit=unknown
echo "BUILD_SCM_REVISION ${commit:-unknown}"
