/* Corpus replay: the main() of the *_replay_test targets. Runs every file
 * under each directory named on the command line (workspace-relative)
 * through LLVMFuzzerTestOneInput() once, so every seed and every saved
 * crash reproducer is re-checked by each plain `bazel test`, with whatever
 * sanitizers the configuration enables.
 *
 * This is not //third_party:fuzzer's standalone main on purpose: that one
 * becomes libFuzzer under --config=fuzz, and a test linking it would fuzz
 * until the test timeout instead of replaying. This driver also recurses,
 * runs files in a fixed (sorted) order, runs each in its own child process
 * (so one crash, abort or leak is pinned to its file and the others still
 * run), and fails when a directory holds no files at all (a broken glob
 * must not pass as "replayed 0"). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fuzz/runfiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
	unsigned passed;
	unsigned failed;
};

/* Runs one input in a child. exit() in the child lets LeakSanitizer check
 * for leaks there, so a leak also fails the input that caused it. */
static int run_in_child(const uint8_t *data, size_t len, int *status)
{
	pid_t pid;

	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		LLVMFuzzerTestOneInput(data, len);
		exit(0);
	}
	return waitpid(pid, status, 0) < 0 ? -1 : 0;
}

static void replay_file(const char *path, struct tally *t)
{
	KK_AUTOFREE uint8_t *data = NULL;
	size_t len = 0;
	int status = 0;

	fprintf(stderr, "replay: %s\n", path);
	if (fz_read_file(path, &data, &len) < 0 || run_in_child(data, len, &status) < 0) {
		fprintf(stderr, "replay: FAILED %s: %s\n", path, strerror(errno));
		t->failed++;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		t->passed++;
	} else {
		fprintf(stderr, "replay: FAILED %s: %s %d\n", path,
			WIFSIGNALED(status) ? "killed by signal" : "exit status",
			WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		t->failed++;
	}
}

static void replay_path(const char *path, struct tally *t);

static void replay_dir(const char *path, struct tally *t)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);

	if (n < 0) {
		fprintf(stderr, "replay: FAILED %s: %s\n", path, strerror(errno));
		t->failed++;
		return;
	}
	for (int i = 0; i < n; i++) {
		KK_AUTOFREE char *child = NULL;

		if (names[i]->d_name[0] != '.' &&
		    asprintf(&child, "%s/%s", path, names[i]->d_name) >= 0)
			replay_path(child, t);
		free(names[i]);
	}
	free(names);
}

/* Symlinks are followed: runfiles trees are made of them. */
static void replay_path(const char *path, struct tally *t)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: FAILED %s: %s\n", path, strerror(errno));
		t->failed++;
	} else if (S_ISDIR(st.st_mode)) {
		replay_dir(path, t);
	} else if (S_ISREG(st.st_mode)) {
		replay_file(path, t);
	}
}

static int replay_arg(const char *dir)
{
	struct tally t = {0, 0};

	replay_path(dir, &t);
	fprintf(stderr, "replay: %s: %u input(s) passed, %u failed\n", dir, t.passed, t.failed);
	if (t.passed + t.failed == 0) {
		fprintf(stderr, "replay: %s: no inputs found\n", dir);
		return -1;
	}
	return t.failed == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
		return 2;
	}
	if (fz_enter_workspace() < 0) {
		fprintf(stderr, "replay: cannot enter the runfiles tree: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++)
		if (replay_arg(argv[i]) < 0)
			status = 1;
	return status;
}
