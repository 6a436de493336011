/*
 * Standalone replacement for libFuzzer's main(), used by //third_party:fuzzer
 * when NOT building with --config=fuzz (e.g. plain gcc builds of //...).
 *
 * Usage: <fuzz_binary> [FILE_OR_DIR...]
 *
 * Every regular file named on the command line (or found directly inside a
 * named directory) is passed once to LLVMFuzzerTestOneInput(). Arguments
 * starting with '-' are libFuzzer flags and are ignored, so the same command
 * line works for both builds. With no inputs, the empty input is run once.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "fuzzer_main: %s: %s\n", path, strerror(errno));
		return -1;
	}

	uint8_t *buf = NULL;
	size_t len = 0;
	size_t cap = 0;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nbuf = realloc(buf, ncap);
			if (nbuf == NULL) {
				fprintf(stderr, "fuzzer_main: %s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nbuf;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		fprintf(stderr, "fuzzer_main: %s: read error\n", path);
		free(buf);
		return -1;
	}

	/* Copy into an exactly-sized buffer so ASan catches overreads. */
	uint8_t *data = malloc(len ? len : 1);
	if (data == NULL) {
		free(buf);
		return -1;
	}
	if (len)
		memcpy(data, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int run_path(const char *path, unsigned *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "fuzzer_main: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (run_file(path) != 0)
			return -1;
		(*count)++;
		return 0;
	}

	DIR *dir = opendir(path);
	if (dir == NULL) {
		fprintf(stderr, "fuzzer_main: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int ret = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t n = strlen(path) + strlen(de->d_name) + 2;
		char *child = malloc(n);
		if (child == NULL) {
			ret = -1;
			break;
		}
		snprintf(child, n, "%s/%s", path, de->d_name);
		if (stat(child, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(child) != 0)
				ret = -1;
			else
				(*count)++;
		}
		free(child);
	}
	closedir(dir);
	return ret;
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);

	unsigned count = 0;
	int ret = 0;
	int inputs = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		inputs++;
		if (run_path(argv[i], &count) != 0)
			ret = 1;
	}
	if (inputs == 0) {
		static const uint8_t empty[1];
		LLVMFuzzerTestOneInput(empty, 0);
		count++;
	}
	fprintf(stderr, "fuzzer_main: executed %u input(s) (standalone driver, not libFuzzer)\n",
		count);
	return ret;
}
