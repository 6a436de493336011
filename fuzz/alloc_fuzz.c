/* Fuzz target: the parser when memory runs out. Input:
 *
 *   [n: 2 bytes, little-endian][kind: 1 byte, enum kk_doc_kind][document]
 *
 * While kk_doc_parse() runs (and, for a state, kk_state_to_json()), the
 * n-th allocation fails, as it would on a host out of memory: malloc,
 * calloc, realloc, strdup, mmap, mprotect, and the json-c constructors the
 * parser calls. The link wraps those (-Wl,--wrap: fuzz/BUILD's ALLOC_WRAPS
 * and fuzz/targets.sh's fuzz_ldflags_of, which must agree); every other
 * call and everything outside that window goes through unchanged. json-c's
 * own allocations inside the tokenizer are out of reach: it is a shared
 * library, which the link does not rewrite.
 *
 * Properties: a failure sets the error (fuzz_check.h: a code the input
 * can justify, here also "system" for the allocation that failed), the
 * parser neither crashes nor leaks (LeakSanitizer, per input), and what
 * it accepts in spite of the failure survives the image round trip. These
 * are the out-of-memory paths no document can reach otherwise
 * (docs/fuzzing.md lists them). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <json-c/json.h>

#include "fuzz/fuzz_check.h"
#include "parser/parser.h"

/* Allocations left until the one that fails; 0: none fails (disarmed).
 * Per thread: libFuzzer's own threads (the RSS watcher) allocate too, and
 * must neither fail nor move the count. */
static _Thread_local unsigned long countdown;

static bool fail_now(void)
{
	if (countdown == 0 || --countdown != 0)
		return false;
	errno = ENOMEM;
	return true;
}

/* The real functions (the linker's --wrap names) and their stand-ins. */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_mprotect(void *addr, size_t len, int prot);
json_tokener *__real_json_tokener_new_ex(int depth);
json_object *__real_json_object_new_object(void);
json_object *__real_json_object_new_string(const char *s);
json_object *__real_json_object_new_int64(int64_t i);
int __real_json_object_object_add(json_object *obj, const char *key, json_object *val);
const char *__real_json_object_to_json_string_ext(json_object *obj, int flags);

void *__wrap_malloc(size_t size)
{
	return fail_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fail_now() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return fail_now() ? MAP_FAILED : __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_mprotect(void *addr, size_t len, int prot)
{
	return fail_now() ? -1 : __real_mprotect(addr, len, prot);
}

json_tokener *__wrap_json_tokener_new_ex(int depth)
{
	return fail_now() ? NULL : __real_json_tokener_new_ex(depth);
}

json_object *__wrap_json_object_new_object(void)
{
	return fail_now() ? NULL : __real_json_object_new_object();
}

json_object *__wrap_json_object_new_string(const char *s)
{
	return fail_now() ? NULL : __real_json_object_new_string(s);
}

json_object *__wrap_json_object_new_int64(int64_t i)
{
	return fail_now() ? NULL : __real_json_object_new_int64(i);
}

/* json-c's own failure: -1, and val stays the caller's. */
int __wrap_json_object_object_add(json_object *obj, const char *key, json_object *val)
{
	return fail_now() ? -1 : __real_json_object_object_add(obj, key, val);
}

const char *__wrap_json_object_to_json_string_ext(json_object *obj, int flags)
{
	return fail_now() ? NULL : __real_json_object_to_json_string_ext(obj, flags);
}

/* A state is also printed (kk_state_to_json), inside the same window:
 * returns the text, or NULL after checking the error. */
static char *print_state(const struct kk_state *state)
{
	struct kk_error err;
	char *text;

	kk_error_clear(&err);
	text = kk_state_to_json(state, &err);
	if (text == NULL)
		fz_check_failure("kk_state_to_json", &err, FZ_PARSE_FAILURES);
	return text;
}

/* Printed in spite of a failure, a state must read as printed without
 * one: a failure may stop the printing, never change what it says. */
static void check_printed(const struct kk_state *state, char *text)
{
	struct kk_error err;
	char *clean = kk_state_to_json(state, &err);

	if (clean == NULL || strcmp(clean, text) != 0) {
		fprintf(stderr,
			"fuzz property violated: state.json printed under a failed allocation "
			"differs:\n  %s\n  %s\n",
			text, clean ? clean : err.msg);
		abort();
	}
	free(clean);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum kk_doc_kind kind;
	const void *root;
	struct kk_error err;
	char *printed = NULL;

	/* -1: libFuzzer keeps no input without a kind. */
	if (size < 3 || data[2] < KK_DOC_CONFIG || data[2] > KK_DOC_RESOURCES)
		return -1;
	kind = (enum kk_doc_kind)data[2];
	kk_error_clear(&err);
	countdown = (unsigned long)data[0] | (unsigned long)data[1] << 8;
	root = kk_doc_parse(kind, (const char *)data + 3, size - 3, &err);
	if (root != NULL && kind == KK_DOC_STATE)
		printed = print_state(root);
	countdown = 0;
	if (printed != NULL)
		check_printed(root, printed);
	if (root == NULL) {
		fz_check_failure("kk_doc_parse", &err, FZ_PARSE_FAILURES);
		return 0;
	}
	fz_check_roundtrip(kind, root);
	kk_doc_free(root);
	return 0;
}
