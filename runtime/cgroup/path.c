/* linux.cgroupsPath: where the container's cgroup lives in every hierarchy.
 *
 * Absolute paths are relative to each hierarchy root. A relative path is put
 * under the root as well: runc makes it relative to its own cgroup, but
 * kakoi's own cgroup is an accident of who started it, so the root is the
 * only stable reading. NULL means KK_CGROUP_PREFIX "/<id>". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/cgroup/cgroup_backend.h"

/* As runc (LexicallyCleanPath) and the kernel read it: "a//b", "a/./b"
 * and "a/" name a/b and a. In place; the result starts with "/". */
static void clean(char *path)
{
	char *out = path;

	for (const char *p = path; *p != '\0';) {
		size_t len = strcspn(p, "/");

		if (len > 0 && !(len == 1 && p[0] == '.')) {
			*out++ = '/';
			memmove(out, p, len);
			out += len;
		}
		p += len + (p[len] == '/');
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* Every component a plain name, never "..": it would walk out of the
 * hierarchy or alias a parent (clean() took "" and "." out). */
static int check_components(const char *field, const char *path, struct kk_error *err)
{
	const char *p = path + 1;

	for (;;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return kk_error_set(err, KK_ERR_INVALID,
					    "%s: \"%s\" has a \"..\" component", field, path);
		if (len > 255)
			return kk_error_set(err, KK_ERR_LIMIT,
					    "%s: \"%s\" has a component longer than 255 bytes",
					    field, path);
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

int cg_path_resolve(const char *cgroups_path, const char *id, char **out, struct kk_error *err)
{
	const char *field = cgroups_path ? "linux.cgroupsPath" : "default cgroup path";
	KK_AUTOFREE char *path = NULL;
	int n;

	/* runc reads an empty cgroupsPath as none given. */
	if (cgroups_path != NULL && cgroups_path[0] == '\0')
		cgroups_path = NULL;
	if (cgroups_path == NULL)
		n = asprintf(&path, "%s/%s", KK_CGROUP_PREFIX, id ? id : "");
	else
		n = asprintf(&path, "/%s", cgroups_path);
	if (n < 0)
		return kk_error_sys(err, ENOMEM, "%s", field);
	clean(path);
	if (strlen(path) > KK_CGROUP_PATH_MAX)
		return kk_error_set(err, KK_ERR_LIMIT, "%s: longer than %d bytes", field,
				    KK_CGROUP_PATH_MAX);
	if (strcmp(path, "/") == 0)
		return kk_error_set(err, KK_ERR_INVALID,
				    "%s: \"/\" is the hierarchy root, not a cgroup of its own",
				    field);
	if (check_components(field, path, err) < 0)
		return -1;
	*out = kk_steal_ptr(&path);
	return 0;
}
