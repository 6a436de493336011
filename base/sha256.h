/* SHA-256 (FIPS 180-4), for the digest of a hook's executable in the audit
 * log. Our own, about a hundred lines, instead of libcrypto: linking
 * libcrypto cost every kakoi start about 3 ms of dynamic loading (twice
 * for create, which re-executes itself sealed), to hash a file only when a
 * config has hooks. tests/base checks it against NIST's vectors and
 * against libcrypto. */
#ifndef KK_BASE_SHA256_H
#define KK_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KK_SHA256_LEN 32

struct kk_sha256 {
	uint32_t h[8];
	uint64_t bytes; /* message length so far */
	uint8_t block[64];
	size_t used; /* bytes waiting in block */
};

void kk_sha256_init(struct kk_sha256 *s);
void kk_sha256_update(struct kk_sha256 *s, const void *data, size_t len);
void kk_sha256_final(struct kk_sha256 *s, uint8_t out[KK_SHA256_LEN]);

#ifdef __cplusplus
}
#endif

#endif
