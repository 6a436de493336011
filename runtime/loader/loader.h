/* runtime/loader: the isolation boundary between untrusted document bytes
 * and the executor. The runtime never parses a config itself: it forks a
 * parser child that drops to a seccomp allowlist, tight rlimits and no
 * capabilities before it looks at the bytes, and hands back a flat image in
 * a memfd that the parent seals, checks, relocates and maps read-only.
 * See docs/architecture.md. */
#ifndef KK_RUNTIME_LOADER_H
#define KK_RUNTIME_LOADER_H

#include <stddef.h>

#include "base/error.h"
#include "parser/parser.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KK_LOADER_TIMEOUT_MS 5000

/* What runs in the sandboxed child: turn buf into an image written to
 * image_fd. Returns 0, or -1 with err set. The parser is the only real one;
 * tests substitute crashing, hanging and lying children. */
typedef int (*kk_loader_child_fn)(enum kk_doc_kind kind, const char *buf, size_t len, int image_fd,
				  struct kk_error *err);

struct kk_loader_opts {
	unsigned timeout_ms;	  /* 0: KK_LOADER_TIMEOUT_MS */
	kk_loader_child_fn child; /* NULL: the parser */
};

/* Parses bytes in an isolated child; returns the document's root (free with
 * kk_doc_free) or NULL with err set. opts may be NULL. */
const void *kk_loader_parse(enum kk_doc_kind kind, const char *buf, size_t len,
			    const struct kk_loader_opts *opts, struct kk_error *err);

/* Reads a whole document file, refusing anything but a regular file and
 * anything over KK_LIMIT_INPUT_BYTES. *buf is malloc'ed. */
int kk_loader_read_file(const char *path, char **buf, size_t *len, struct kk_error *err);

/* Reads and parses, in isolation, <bundle>/config.json. */
const struct kk_spec *kk_loader_load_config(const char *config_path, struct kk_error *err);

/* Reports each of a document's warnings (spec.h: what the parser found
 * that the spec says to warn about and go on) through kk_warn. */
void kk_loader_report(const struct kk_strv *warnings);

#ifdef __cplusplus
}
#endif

#endif
