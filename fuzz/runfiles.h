/* Finding committed test data (corpus directories) from a test binary. */
#ifndef KK_FUZZ_RUNFILES_H
#define KK_FUZZ_RUNFILES_H

/* Under `bazel test`, workspace-relative paths live in the runfiles tree,
 * $TEST_SRCDIR/$TEST_WORKSPACE: changes into it, so such paths can be used
 * (and printed) as they are. Run by hand, stays in the current directory.
 * Returns 0, or -1 with errno set. */
int fz_enter_workspace(void);

#endif
