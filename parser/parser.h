/* parser/: bytes in, an immutable, validated document out.
 *
 * No global state and no I/O: the caller supplies bytes, the parser returns
 * a document or a precise error naming the JSON path, e.g.
 *   config.json: process.rlimits[2].type: unknown rlimit "RLIMIT_FOO"
 *
 * A returned document lives in one read-only mapping (the relocated image,
 * see image.h) and is released with kk_doc_free(). */
#ifndef KK_PARSER_PARSER_H
#define KK_PARSER_PARSER_H

#include <stddef.h>

#include "base/error.h"
#include "parser/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kk_doc_kind {
	KK_DOC_CONFIG = 1,  /* config.json -> struct kk_spec */
	KK_DOC_PROCESS,	    /* a standalone process object (exec --process) -> struct kk_process */
	KK_DOC_STATE,	    /* state.json -> struct kk_state */
	KK_DOC_HOOK_POLICY, /* --hook-policy FILE -> struct kk_hook_policy (policy.h) */
	KK_DOC_RESOURCES,   /* `update --resources` (linux.resources) -> struct kk_resources */
};

/* The file name used in error messages ("config.json", ...). */
const char *kk_doc_name(enum kk_doc_kind kind);

/* Parses and validates in this process. Returns the document's root struct. */
const void *kk_doc_parse(enum kk_doc_kind kind, const char *buf, size_t len, struct kk_error *err);

const struct kk_spec *kk_spec_parse(const char *buf, size_t len, struct kk_error *err);
const struct kk_process *kk_process_parse(const char *buf, size_t len, struct kk_error *err);
const struct kk_state *kk_state_parse(const char *buf, size_t len, struct kk_error *err);

/* Releases any document returned above (or by the isolated loader). NULL is fine. */
void kk_doc_free(const void *root);

static inline void kk_doc_freep(const void *p)
{
	kk_doc_free(*(const void *const *)p);
}
#define KK_AUTODOC __attribute__((cleanup(kk_doc_freep)))

/* Semantic checks on a built document (also run on every decoded image, so a
 * lying parser child cannot hand over a document the parser would refuse). */
int kk_spec_validate(const struct kk_spec *spec, struct kk_error *err);
int kk_process_validate(const struct kk_process *process, const char *doc, const char *path,
			struct kk_error *err);
int kk_state_validate(const struct kk_state *state, struct kk_error *err);
int kk_resources_validate(const struct kk_resources *res, struct kk_error *err);

/* The semantic rules of a hook policy (policy.h). */
struct kk_hook_policy;
int kk_hook_policy_validate(const struct kk_hook_policy *policy, struct kk_error *err);

/* state.json text for a state (malloc'ed, NUL-terminated), per state-schema.json. */
char *kk_state_to_json(const struct kk_state *state, struct kk_error *err);

#ifdef __cplusplus
}
#endif

#endif
