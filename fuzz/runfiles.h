/* Finding committed test data (corpus directories) from a test binary. */
#ifndef KK_FUZZ_RUNFILES_H
#define KK_FUZZ_RUNFILES_H

#include <stddef.h>
#include <stdint.h>

/* Under `bazel test`, workspace-relative paths live in the runfiles tree,
 * $TEST_SRCDIR/$TEST_WORKSPACE: changes into it, so such paths can be used
 * (and printed) as they are. Run by hand, stays in the current directory.
 * Returns 0, or -1 with errno set. */
int fz_enter_workspace(void);

/* Reads a whole file into an exactly-sized malloc'ed block, so ASan sees
 * overreads. Returns 0, or -1. */
int fz_read_file(const char *path, uint8_t **out, size_t *len);

#endif
