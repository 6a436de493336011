#define _GNU_SOURCE
#include "fuzz/runfiles.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

int fz_enter_workspace(void)
{
	const char *srcdir = getenv("TEST_SRCDIR");
	const char *workspace = getenv("TEST_WORKSPACE");
	KK_AUTOFREE char *path = NULL;

	if (srcdir == NULL || workspace == NULL)
		return 0;
	if (asprintf(&path, "%s/%s", srcdir, workspace) < 0)
		return -1;
	return chdir(path);
}

/* Reads a whole file into an exactly-sized block, so ASan sees overreads. */
int fz_read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;

	if (f == NULL || fstat(fileno(f), &st) < 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (buf == NULL || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = (size_t)st.st_size;
	return 0;
}
