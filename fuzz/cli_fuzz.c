/* Fuzz target: the small parsers of command-line words that reach the
 * runtime: kk_signal_parse() (`kakoi kill ID SIGNAL`) and kk_id_check()
 * (every verb's container ID, which becomes a directory name under the
 * state root). The input is split at its first NUL: the part before it is
 * the signal, the part after it (up to a second NUL) the ID; an input
 * without a NUL goes to both. Each string is an exact-size heap copy, so
 * ASan sees a read past its terminator.
 *
 * Properties: a parsed signal is a real one or 0 (0..SIGRTMAX) and parses to the
 * same number in upper case, in lower case and as its decimal number; a
 * refused one is a usage error. An accepted duration parses to the same
 * nanoseconds written as "<N>ns", and to its negation with a '-' in front
 * (when unsigned); a refused one is a usage error with a printable message. An accepted
 * `update` size (--memory) is -1 or not negative, and a plain decimal number is itself; a refused
 * one is a usage error with a printable message. The whole input, split at newlines, is also an
 * argv for `exec`'s flags: a refusal is a usage error with a printable message; an accepted one has
 * an ID and either --process or args, never both. An accepted ID is one
 * safe path component made of the documented characters (state.h); a refused one is invalid with a
 * printable message (it quotes the ID). */
#define _GNU_SOURCE
#include <ctype.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "fuzz/fuzz_check.h"
#include "runtime/cli/duration.h"
#include "runtime/cli/exec_flags.h"
#include "runtime/cli/signals.h"
#include "runtime/cli/update_values.h"
#include "runtime/state/state.h"

static _Noreturn void violated(const char *what, const char *input)
{
	fprintf(stderr, "fuzz property violated: %s: \"%s\"\n", what, input);
	abort();
}

/* The signal s parses to, or -1 when refused (the refusal checked). 0 is
 * valid: `kill ID 0` checks that the container's init exists. */
static int parse_signal(const char *s)
{
	struct kk_error err;
	int sig = 0;

	kk_error_clear(&err);
	if (kk_signal_parse(s, &sig, &err) < 0) {
		fz_check_failure("kk_signal_parse", &err, FZ_CODE(KK_ERR_USAGE));
		return -1;
	}
	if (sig < 0 || sig > SIGRTMAX)
		violated("kk_signal_parse gave a signal out of range", s);
	return sig;
}

static int parse_recased(const char *s, int (*recase)(int))
{
	KK_AUTOFREE char *copy = strdup(s);

	if (copy == NULL)
		abort();
	for (char *p = copy; *p != '\0'; p++)
		*p = (char)recase((unsigned char)*p);
	return parse_signal(copy);
}

static void check_signal(const char *s)
{
	char number[16];
	int sig = parse_signal(s);

	if (sig < 0)
		return;
	if (parse_recased(s, toupper) != sig || parse_recased(s, tolower) != sig)
		violated("kk_signal_parse depends on case", s);
	snprintf(number, sizeof(number), "%d", sig);
	if (parse_signal(number) != sig)
		violated("kk_signal_parse refuses the number of a signal it parsed", s);
}

static void check_printable(const struct kk_error *err, const char *what, const char *input)
{
	for (const char *p = err->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			violated(what, input);
}

/* The duration s parses to (*ns), or false when refused (the refusal checked). */
static bool parse_duration(const char *s, int64_t *ns)
{
	struct kk_error err;

	kk_error_clear(&err);
	if (kk_duration_parse(s, ns, &err) < 0) {
		fz_check_failure("kk_duration_parse", &err, FZ_CODE(KK_ERR_USAGE));
		check_printable(&err, "kk_duration_parse's message is not printable", s);
		return false;
	}
	if (err.code != KK_OK)
		violated("kk_duration_parse set an error on success", s);
	return true;
}

static void check_duration(const char *s)
{
	char text[64];
	int64_t ns, again;
	KK_AUTOFREE char *negated = NULL;

	if (!parse_duration(s, &ns))
		return;
	snprintf(text, sizeof(text), "%lldns", (long long)ns);
	if (!parse_duration(text, &again) || again != ns)
		violated("kk_duration_parse disagrees with its own nanoseconds", s);
	if (s[0] == '-' || s[0] == '+' || asprintf(&negated, "-%s", s) < 0)
		return;
	if (!parse_duration(negated, &again) || again != -ns)
		violated("kk_duration_parse does not negate with a leading '-'", s);
}

static void check_size(const char *s)
{
	struct kk_error err;
	struct kk_opt_i64 v = {0};
	char *end;

	kk_error_clear(&err);
	if (kk_update_size("memory", s, &v, &err) < 0) {
		fz_check_failure("kk_update_size", &err, FZ_CODE(KK_ERR_USAGE));
		check_printable(&err, "kk_update_size's message is not printable", s);
		return;
	}
	if (!v.set || v.value < -1)
		violated("kk_update_size accepted a size below -1", s);
	unsigned long long plain = strtoull(s, &end, 10);
	if (*end == '\0' && s[0] >= '0' && s[0] <= '9' && (unsigned long long)v.value != plain &&
	    plain < (1ull << 53))
		violated("kk_update_size changed a plain number", s);
}

#define MAX_WORDS 64

static void check_exec_flags(char *text)
{
	static struct kk_exec_flags f;
	char *argv[MAX_WORDS + 2] = {(char *)"exec"};
	int argc = 1;
	struct kk_error err;

	for (char *save = NULL, *w = strtok_r(text, "\n", &save); w != NULL && argc <= MAX_WORDS;
	     w = strtok_r(NULL, "\n", &save))
		argv[argc++] = w;
	memset(&f, 0, sizeof(f));
	kk_error_clear(&err);
	if (kk_cli_exec_flags(&f, argc, argv, &err) < 0) {
		fz_check_failure("kk_cli_exec_flags", &err, FZ_CODE(KK_ERR_USAGE));
		check_printable(&err, "kk_cli_exec_flags's message is not printable", text);
		return;
	}
	if (f.o.id == NULL || (f.o.process_file != NULL) == (f.o.n_args > 0))
		violated("kk_cli_exec_flags accepted an argv without an ID or a process", text);
}

static bool id_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (!first && strchr("_.+-", c) != NULL);
}

static void check_id(const char *id)
{
	struct kk_error err;
	size_t len = strlen(id);

	kk_error_clear(&err);
	if (kk_id_check(id, &err) < 0) {
		fz_check_failure("kk_id_check", &err, FZ_CODE(KK_ERR_INVALID));
		for (const char *p = err.msg; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				violated("kk_id_check's message is not printable", id);
		return;
	}
	if (len == 0 || len > KK_ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
	    strchr(id, '/') != NULL)
		violated("kk_id_check accepted an unsafe id", id);
	for (size_t i = 0; i < len; i++)
		if (!id_char(id[i], i == 0))
			violated("kk_id_check accepted an undocumented character", id);
}

/* len bytes (up to a NUL) into an exact-size block. Not strndup: ASan's
 * strndup reads one byte past len under strict_string_checks. */
static char *copy_string(const uint8_t *data, size_t len)
{
	const uint8_t *nul = memchr(data, '\0', len);
	char *s;

	if (nul != NULL)
		len = (size_t)(nul - data);
	s = malloc(len + 1);
	if (s != NULL) {
		memcpy(s, data, len);
		s[len] = '\0';
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t none[1];
	const uint8_t *nul;
	size_t first;
	KK_AUTOFREE char *sig_text = NULL;
	KK_AUTOFREE char *id = NULL;
	KK_AUTOFREE char *words = NULL;

	if (data == NULL)
		data = none;
	nul = memchr(data, '\0', size);
	first = nul ? (size_t)(nul - data) : size;
	sig_text = copy_string(data, first);
	id = nul ? copy_string(nul + 1, size - first - 1) : copy_string(data, size);
	if (sig_text == NULL || id == NULL)
		abort();
	check_signal(sig_text);
	check_duration(sig_text);
	check_size(sig_text);
	check_id(id);
	words = copy_string(data, size);
	if (words == NULL)
		abort();
	check_exec_flags(words);
	return 0;
}
