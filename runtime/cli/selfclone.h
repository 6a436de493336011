#ifndef KK_CLI_SELFCLONE_H
#define KK_CLI_SELFCLONE_H

#include "base/error.h"

/* Before anything of ours can be reached from inside a container, run from
 * a sealed in-memory copy of the kakoi binary, so /proc/<pid>/exe of a
 * kakoi process never leads to the file on disk (the CVE-2019-5736 class).
 * Re-executes argv from the copy and does not return on success; returns 0
 * when already running from a sealed copy. */
int kk_ensure_sealed_binary(char **argv, struct kk_error *err);

#endif
