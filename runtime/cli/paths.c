#define _GNU_SOURCE
#include "runtime/cli/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *kk_path_join(const char *dir, const char *name, struct kk_error *err)
{
	char *out = NULL;

	if (asprintf(&out, "%s/%s", dir, name) < 0) {
		kk_error_sys(err, ENOMEM, "building path %s/%s", dir, name);
		return NULL;
	}
	return out;
}

char *kk_path_dup(const char *path, struct kk_error *err)
{
	char *out = strdup(path);

	if (out == NULL)
		kk_error_sys(err, ENOMEM, "copying path %s", path);
	return out;
}
