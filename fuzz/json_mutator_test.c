/* Runs json_mutator.c's hooks over a corpus, as libFuzzer would, so a
 * mutator that writes past max_size, crashes, leaks or drifts from its
 * seed fails in every build (under ASan in --config=asan) rather than
 * only in a fuzzing run. Per file, with seeds 1..ROUNDS:
 *
 *   - the mutant fits max_size, and the same seed makes the same mutant;
 *   - the cross-over of the file with the previous one fits, or is 0;
 * and over the whole corpus, most mutants of JSON input are JSON again
 * (the point of mutating the tree).
 *
 *   json_mutator_test CORPUS_DIR      (workspace-relative, recursed) */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "base/cleanup.h"
#include "fuzz/runfiles.h"

#define ROUNDS 20
#define SLACK 4096

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

struct tally {
	unsigned files, mutants, json, failed;
	uint8_t *prev; /* the previous file, for cross-over */
	size_t prev_len;
};

static bool is_json(const uint8_t *data, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *jv = json_tokener_parse_ex(tok, (const char *)data, (int)len);
	bool ok = json_tokener_get_error(tok) == json_tokener_success && jv != NULL;

	json_object_put(jv);
	json_tokener_free(tok);
	return ok;
}

/* One mutant of data with seed, into a fresh exact-size buffer (ASan sees
 * a write past max); returns its length, or SIZE_MAX if over max. */
static size_t mutant(const uint8_t *data, size_t len, unsigned seed, uint8_t **out)
{
	size_t max = len + SLACK, n;

	*out = malloc(max);
	if (*out == NULL)
		abort();
	memcpy(*out, data, len);
	n = LLVMFuzzerCustomMutator(*out, len, max, seed);
	return n > max ? SIZE_MAX : n;
}

static void fail(struct tally *t, const char *path, unsigned seed, const char *what)
{
	fprintf(stderr, "json_mutator_test: FAILED %s (seed %u): %s\n", path, seed, what);
	t->failed++;
}

static void check_cross_over(struct tally *t, const char *path, const uint8_t *data, size_t len,
			     unsigned seed)
{
	size_t max = len + t->prev_len + SLACK;
	KK_AUTOFREE uint8_t *out = malloc(max);

	if (out == NULL)
		abort();
	if (LLVMFuzzerCustomCrossOver(data, len, t->prev, t->prev_len, out, max, seed) > max)
		fail(t, path, seed, "cross-over longer than max_out_size");
}

static void check_file(struct tally *t, const char *path, const uint8_t *data, size_t len)
{
	bool json = is_json(data, len);

	t->files++;
	for (unsigned seed = 1; seed <= ROUNDS; seed++) {
		KK_AUTOFREE uint8_t *a = NULL;
		KK_AUTOFREE uint8_t *b = NULL;
		size_t na = mutant(data, len, seed, &a), nb = mutant(data, len, seed, &b);

		if (na == SIZE_MAX)
			fail(t, path, seed, "mutant longer than max_size");
		else if (na != nb || memcmp(a, b, na) != 0)
			fail(t, path, seed, "the same seed made two different mutants");
		else if (json && ++t->mutants && is_json(a, na))
			t->json++;
		if (t->prev != NULL)
			check_cross_over(t, path, data, len, seed);
	}
}

static void walk(struct tally *t, const char *path)
{
	struct dirent **names;
	struct stat st;
	int n;

	if (stat(path, &st) < 0)
		return;
	if (S_ISREG(st.st_mode)) {
		uint8_t *data = NULL;
		size_t len = 0;

		if (fz_read_file(path, &data, &len) < 0) {
			fail(t, path, 0, "unreadable");
			return;
		}
		check_file(t, path, data, len);
		free(t->prev);
		t->prev = data;
		t->prev_len = len;
		return;
	}
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		KK_AUTOFREE char *child = NULL;

		if (names[i]->d_name[0] != '.' &&
		    asprintf(&child, "%s/%s", path, names[i]->d_name) >= 0)
			walk(t, child);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

int main(int argc, char **argv)
{
	struct tally t = {0};

	if (argc != 2 || fz_enter_workspace() < 0) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	walk(&t, argv[1]);
	free(t.prev);
	fprintf(stderr, "json_mutator_test: %u files, %u mutants of JSON input, %u still JSON\n",
		t.files, t.mutants, t.json);
	if (t.files == 0 || t.mutants == 0)
		return 1;
	/* Byte mutation keeps few mutants JSON; the tree mutator nearly all
	 * (the rest: a string's bytes made invalid UTF-8, which json-c's
	 * writer passes on). */
	if (t.json * 10 < t.mutants * 9) {
		fprintf(stderr, "json_mutator_test: FAILED: under 90%% of mutants are JSON\n");
		return 1;
	}
	return t.failed == 0 ? 0 : 1;
}
