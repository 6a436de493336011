/* Small, checked path-string helpers for the CLI. */
#ifndef KK_RUNTIME_CLI_PATHS_H
#define KK_RUNTIME_CLI_PATHS_H

#include "base/error.h"

/* "dir/name" (malloc'ed), or NULL with err set. */
char *kk_path_join(const char *dir, const char *name, struct kk_error *err);

/* A malloc'ed copy, or NULL with err set. */
char *kk_path_dup(const char *path, struct kk_error *err);

#endif
