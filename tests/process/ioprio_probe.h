/* The calling thread's I/O priority, read back for the tests.
 *
 * <linux/ioprio.h> is not C++: since linux-libc-dev 6.1.192 it declares an
 * inline function with a parameter named `class`. So the C++ tests never
 * include it; this C file does, with the same header the runtime uses, and
 * no constant is copied by hand. */
#ifndef KAKOI_TESTS_PROCESS_IOPRIO_PROBE_H
#define KAKOI_TESTS_PROCESS_IOPRIO_PROBE_H

#ifdef __cplusplus
extern "C" {
#endif

/* ioprio_get(IOPRIO_WHO_PROCESS, 0): the raw value (class << shift | data),
 * or -1 with errno set. */
long kk_test_ioprio_self(void);

#ifdef __cplusplus
}
#endif

#endif
