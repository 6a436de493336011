/* Fuzz target: the isolation boundary, runtime/loader, the path every
 * config.json takes in `kakoi create`: kk_loader_load_config() reads the
 * file (bounded, regular files only), forks the parser child, which
 * confines itself (rlimits, no capabilities, a seccomp allowlist) before
 * it parses, and maps the image it hands back.
 *
 * The input is config.json bytes, written to a file and loaded that way.
 * Property: the sandboxed parse says what the in-process one says. Both
 * accept, and the two documents encode to the same image; or both refuse,
 * with the same message (made printable, as the loader makes the child's)
 * and a matching code (the loader reports the child's limit as a limit,
 * anything else as invalid). A child that crashes, leaves the allowlist
 * or lies is an isolation error, and a finding; only a child timed out
 * on a loaded machine is let pass.
 *
 * One fork per input: a few hundred runs a second. libFuzzer sees the
 * parent's coverage only (the loader's side); the child's is the parser's,
 * which config_fuzz covers. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/temp_tree.h"
#include "parser/image.h"
#include "parser/parser.h"
#include "runtime/loader/loader.h"

static _Noreturn void violated(const char *what, const struct kk_error *a, const struct kk_error *b)
{
	fprintf(stderr,
		"fuzz property violated: %s\n  in process: [%s] %s\n  isolated:   [%s] %s\n", what,
		kk_error_code_name(a->code), a->msg, kk_error_code_name(b->code), b->msg);
	abort();
}

/* The input as the file kakoi would read: <temp dir>/config.json. */
static const char *write_config(const uint8_t *data, size_t size)
{
	static char path[4096];
	KK_AUTOCLOSE int fd = -1;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/config.json", fz_temp_dir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort(); /* the harness's own failure, not a finding */
	return path;
}

static void same_image(const struct kk_spec *a, const struct kk_spec *b)
{
	KK_AUTOFREE void *ia = NULL;
	KK_AUTOFREE void *ib = NULL;
	size_t la = 0, lb = 0;
	struct kk_error ea, eb;

	ia = kk_image_encode(KK_DOC_CONFIG, a, &la, &ea);
	ib = kk_image_encode(KK_DOC_CONFIG, b, &lb, &eb);
	if (ia == NULL || ib == NULL)
		violated("an accepted document does not encode", &ea, &eb);
	if (la != lb || memcmp(ia, ib, la) != 0) {
		fprintf(stderr,
			"fuzz property violated: the isolated parse built another "
			"document (%zu, %zu bytes)\n",
			la, lb);
		abort();
	}
}

/* Both refused: same words, and the code the loader makes of the child's. */
static void same_refusal(struct kk_error *local, const struct kk_error *isolated)
{
	enum kk_err_code want = local->code == KK_ERR_LIMIT ? KK_ERR_LIMIT : KK_ERR_INVALID;

	kk_error_make_printable(local);
	if (isolated->code != want || strcmp(local->msg, isolated->msg) != 0)
		violated("the isolated parse refused otherwise", local, isolated);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	KK_AUTODOC const struct kk_spec *local = NULL;
	KK_AUTODOC const struct kk_spec *isolated = NULL;
	struct kk_error local_err, isolated_err;
	const char *path = write_config(data, size);

	kk_error_clear(&local_err);
	kk_error_clear(&isolated_err);
	local = kk_spec_parse((const char *)data, size, &local_err);
	isolated = kk_loader_load_config(path, &isolated_err);
	if (isolated == NULL)
		fz_check_failure("kk_loader_load_config", &isolated_err, FZ_IMAGE_FAILURES);
	if (isolated == NULL && isolated_err.code == KK_ERR_ISOLATION) {
		if (strstr(isolated_err.msg, "timed out") != NULL)
			return 0;
		violated("the parser child failed", &local_err, &isolated_err);
	}
	if ((local == NULL) != (isolated == NULL))
		violated("one parse accepted what the other refused", &local_err, &isolated_err);
	if (local != NULL)
		same_image(local, isolated);
	else
		same_refusal(&local_err, &isolated_err);
	return 0;
}
