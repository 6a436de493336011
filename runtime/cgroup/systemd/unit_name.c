/* cgroupsPath in systemd's form, "slice:prefix:name" (runc's reading):
 * which slice the scope goes in, the scope's unit name, and the cgroup
 * path systemd gives it. Pure: touches nothing. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "runtime/cgroup/systemd/systemd.h"

#define FIELD "linux.cgroupsPath"

static bool unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '-' || c == '_' || c == '.';
}

bool kk_sd_unit_name_ok(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n <= s || n >= KK_SD_UNIT_MAX || strcmp(name + n - s, suffix) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!unit_char(name[i]))
			return false;
	return true;
}

int kk_sd_expand_slice(const char *slice, char *out, size_t len, struct kk_error *err)
{
	size_t n = strlen(slice), at = 0, stem;

	if (!kk_sd_unit_name_ok(slice, ".slice"))
		return kk_error_set(err, KK_ERR_INVALID,
				    FIELD ": slice \"%s\" is not a unit name ending in .slice",
				    slice);
	stem = n - strlen(".slice");
	out[0] = '\0';
	if (stem == 1 && slice[0] == '-')
		return 0; /* the root slice */
	/* Each '-' opens a nested slice; "a--b", "-a" and "a-" name none. */
	for (size_t i = 0; i <= stem; i++) {
		if (i < stem && slice[i] != '-')
			continue;
		if (i == 0 || slice[i - 1] == '-')
			return kk_error_set(err, KK_ERR_INVALID,
					    FIELD ": slice \"%s\" has an empty component", slice);
		int w = snprintf(out + at, len - at, "/%.*s.slice", (int)i, slice);

		if (w < 0 || (size_t)w >= len - at)
			return kk_error_set(err, KK_ERR_LIMIT, FIELD ": slice \"%s\" is too long",
					    slice);
		at += (size_t)w;
	}
	return 0;
}

/* Copies the n bytes at s into a part, checking its characters. */
static int part(const char *what, const char *s, size_t n, char *out, struct kk_error *err)
{
	if (n >= KK_SD_UNIT_MAX)
		return kk_error_set(err, KK_ERR_LIMIT, FIELD ": the %s is longer than %d bytes",
				    what, KK_SD_UNIT_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (!unit_char(s[i]) || (s[i] == ':'))
			return kk_error_set(err, KK_ERR_INVALID,
					    FIELD ": the %s \"%.*s\" may hold only letters, digits "
						  "and \"-_.\"",
					    what, (int)n, s);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int split(const char *cgroups_path, char slice[], char prefix[], char name[],
		 struct kk_error *err)
{
	const char *a = strchr(cgroups_path, ':');
	const char *b = a != NULL ? strchr(a + 1, ':') : NULL;

	if (b == NULL || strchr(b + 1, ':') != NULL)
		return kk_error_set(err, KK_ERR_INVALID,
				    FIELD ": \"%s\" is not \"slice:prefix:name\", the form "
					  "--systemd-cgroup takes",
				    cgroups_path);
	if (part("slice", cgroups_path, (size_t)(a - cgroups_path), slice, err) < 0 ||
	    part("prefix", a + 1, (size_t)(b - a - 1), prefix, err) < 0 ||
	    part("name", b + 1, strlen(b + 1), name, err) < 0)
		return -1;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int kk_sd_parse_path(const char *cgroups_path, const char *id, struct kk_sd_unit *out,
		     struct kk_error *err)
{
	char slice[KK_SD_UNIT_MAX], prefix[KK_SD_UNIT_MAX], name[KK_SD_UNIT_MAX], dir[1024];
	int n;

	if (cgroups_path == NULL || cgroups_path[0] == '\0') {
		snprintf(slice, sizeof(slice), "%s", "");
		snprintf(prefix, sizeof(prefix), "%s", KK_SD_DEFAULT_PREFIX);
		if (part("name (the container ID)", id, strlen(id), name, err) < 0)
			return -1;
	} else if (split(cgroups_path, slice, prefix, name, err) < 0) {
		return -1;
	}
	if (name[0] == '\0')
		return kk_error_set(err, KK_ERR_INVALID, FIELD ": \"%s\": the name is empty",
				    cgroups_path);
	/* runc makes a slice unit for such a name; kakoi only makes scopes. */
	if (ends_with(name, ".slice"))
		return kk_error_set(err, KK_ERR_INVALID,
				    FIELD ": the name \"%s\" ends in .slice; kakoi only creates "
					  "scopes",
				    name);
	snprintf(out->slice, sizeof(out->slice), "%s", slice[0] ? slice : KK_SD_DEFAULT_SLICE);
	n = snprintf(out->unit, sizeof(out->unit), "%s%s%s.scope", prefix, prefix[0] ? "-" : "",
		     name);
	if (n < 0 || (size_t)n >= sizeof(out->unit))
		return kk_error_set(err, KK_ERR_LIMIT,
				    FIELD ": the unit name \"%s-%s.scope\" is longer than %d bytes",
				    prefix, name, KK_SD_UNIT_MAX - 1);
	if (kk_sd_expand_slice(out->slice, dir, sizeof(dir), err) < 0)
		return -1;
	n = snprintf(out->path, sizeof(out->path), "%s/%s", dir, out->unit);
	if (n < 0 || (size_t)n >= sizeof(out->path))
		return kk_error_set(err, KK_ERR_LIMIT, FIELD ": the cgroup path is too long");
	return 0;
}
