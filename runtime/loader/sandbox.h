/* The confinement the parser child enters before it touches untrusted
 * bytes. Each step is separate so tests can check each one's effect. */
#ifndef KK_RUNTIME_SANDBOX_H
#define KK_RUNTIME_SANDBOX_H

#include "base/error.h"

/* Sanitizer builds (tests) need a larger address space and stderr for
 * their reports; release builds get neither. */
#if defined(__SANITIZE_ADDRESS__)
#define KK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KK_SANITIZED 1
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds CPU time, address space, file size, open files, core dumps. */
int kk_sandbox_rlimits(struct kk_error *err);

/* Empties the bounding set and every capability set; sets no_new_privs. */
int kk_sandbox_drop_caps(struct kk_error *err);

/* Kills the process on any syscall but exit, memory management without
 * PROT_EXEC, and write to the fds in allowed_fds (terminated by -1). */
int kk_sandbox_seccomp(const int *allowed_fds, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
