/* Private to runtime/process: compiled seccomp filters kept under the
 * state root (seccomp_cache.c). */
#ifndef KK_RUNTIME_PROCESS_SECCOMP_CACHE_H
#define KK_RUNTIME_PROCESS_SECCOMP_CACHE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/sha256.h"
#include "parser/spec.h"

/* A classic BPF program, malloc'ed. */
struct kk_bpf {
	struct sock_filter *insns;
	size_t n;
};

/* What the compiled program depends on: the filter the config describes
 * (every field libseccomp sees), libseccomp's version, the API level it
 * found in the kernel, and the native architecture. */
void kk_seccomp_cache_key(const struct kk_seccomp *s, uint8_t key[KK_SHA256_LEN]);

/* The program stored for key under root_fd/.seccomp into *prog, or false
 * when there is none usable (missing, unreadable, or damaged: then
 * removed, to be compiled again, never trusted). */
bool kk_seccomp_cache_get(int root_fd, const uint8_t key[KK_SHA256_LEN], struct kk_bpf *prog);

/* kk_seccomp_cache_get's checks on an entry's bytes (any alignment): the
 * program, malloc'ed, into *prog when they hold; *prog untouched (NULL)
 * otherwise. */
bool kk_seccomp_cache_decode(const char *buf, size_t len, const uint8_t key[KK_SHA256_LEN],
			     struct kk_bpf *prog);

/* Stores prog for key, atomically; keeps at most KK_SECCOMP_CACHE_MAX
 * entries (an older one goes). */
#define KK_SECCOMP_CACHE_MAX 64
int kk_seccomp_cache_put(int root_fd, const uint8_t key[KK_SHA256_LEN], const struct kk_bpf *prog,
			 struct kk_error *err);

/* libseccomp's translation of s (seccomp.c). */
int kk_seccomp_compile(const struct kk_seccomp *s, struct kk_bpf *prog, struct kk_error *err);
bool kk_seccomp_uses_notify(const struct kk_seccomp *s);

/* The two ops (seccomp_bpf.c): the program found or compiled by the
 * runtime (host-prepare), loaded by the process last (init-process). */
struct kk_plan;
int kk_proc_plan_seccomp_bpf(struct kk_plan *plan, const struct kk_seccomp *s,
			     struct kk_error *err);

#endif
