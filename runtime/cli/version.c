/* kakoi --version: our version and commit, the spec's, and the versions
 * of the libraries actually loaded (not the headers we were built
 * against). runc's layout. */
#define _GNU_SOURCE
#include <limits.h>
#include <link.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/version.h"

struct lib_search {
	const char *soname; /* "libcap.so." */
	char version[64];
};

/* libcap has no version call: read it off the file the loader mapped. */
static int find_lib(struct dl_phdr_info *info, size_t size, void *data)
{
	struct lib_search *s = data;
	char real[PATH_MAX];
	const char *at;

	(void)size;
	if (info->dlpi_name == NULL || strstr(info->dlpi_name, s->soname) == NULL)
		return 0;
	if (realpath(info->dlpi_name, real) == NULL)
		return 0;
	at = strstr(real, s->soname);
	if (at == NULL)
		return 0;
	snprintf(s->version, sizeof(s->version), "%s", at + strlen(s->soname));
	return 1;
}

static void print_libcap(FILE *out)
{
	struct lib_search s = {"libcap.so.", ""};

	dl_iterate_phdr(find_lib, &s);
	if (s.version[0] != '\0')
		fprintf(out, "libcap: %s\n", s.version);
	else
		fprintf(out, "libcap: %d.%d (headers)\n", LIBCAP_MAJOR, LIBCAP_MINOR);
}

void kk_cli_version(FILE *out)
{
	const struct scmp_version *sv = seccomp_version();

	fprintf(out, "kakoi version %s\n", KK_VERSION);
	fprintf(out, "commit: %s\n", kk_build_commit());
	fprintf(out, "spec: %s\n", KK_SPEC_VERSION);
	fprintf(out, "libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	print_libcap(out);
	fprintf(out, "json-c: %s\n", json_c_version());
}
