#define _GNU_SOURCE
#include "fuzz/runfiles.h"

#include <stdio.h>
#include <stdlib.h>
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
