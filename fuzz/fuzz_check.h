/* Properties every fuzz target checks beyond "does not crash". Each one
 * aborts on violation, so libFuzzer (and the corpus replay tests) report it
 * like a crash, with the input that broke it. */
#ifndef KK_FUZZ_FUZZ_CHECK_H
#define KK_FUZZ_FUZZ_CHECK_H

#include "base/error.h"
#include "parser/parser.h"

/* Bit masks of enum kk_err_code values a target accepts as a failure. */
#define FZ_CODE(c) (1u << (c))
/* Bad input of any kind may be refused as invalid, over a limit, or for want
 * of memory; anything else (internal, isolation, no code at all) from the
 * in-process parser means kakoi disagrees with itself. */
#define FZ_PARSE_FAILURES (FZ_CODE(KK_ERR_INVALID) | FZ_CODE(KK_ERR_LIMIT) | FZ_CODE(KK_ERR_SYS))
/* A forged image is refused structurally (isolation) or semantically. */
#define FZ_IMAGE_FAILURES (FZ_PARSE_FAILURES | FZ_CODE(KK_ERR_ISOLATION))

/* base/README.md: err is always set on failure. Checks that it was, with
 * one of the allowed codes and a non-empty, terminated message. */
void fz_check_failure(const char *what, const struct kk_error *err, unsigned allowed);

/* A document that was accepted must survive the image form unchanged:
 * encode(open(encode(doc))) == encode(doc), byte for byte. This walks every
 * pointer of the document (ASan checks each access) and checks that the
 * encoder only produces images the decoder and validator accept. */
void fz_check_roundtrip(enum kk_doc_kind kind, const void *root);

/* `kakoi state` prints kk_state_to_json() of a state, and hooks and kakoi
 * itself read it back. For any accepted state (parsed, or decoded from an
 * image: parser.h promises the validator refuses whatever the parser
 * would) the text must parse again and re-emit identically. */
void fz_check_state_json(const struct kk_state *state);

#endif
