/* Fuzz target: the passwd(5) reader (runtime/userdb/passwd.h), which reads a
 * container's /etc/passwd for HOME and the host's for `list`'s owner. The
 * input is the file's bytes, written to a file in the target's temp dir;
 * each uid the input names at a line's third field (and 0 and 1000) is
 * looked up, both fields. Properties: a field found holds no ':' and no
 * newline, fits the buffer with its NUL, is non-empty, and a home is
 * absolute; a lookup that finds nothing leaves the buffer untouched; the
 * same lookup twice gives the same answer. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/temp_tree.h"
#include "runtime/userdb/passwd.h"

#define BUF 64

static _Noreturn void violated(const char *what)
{
	fprintf(stderr, "fuzz property violated: %s\n", what);
	abort();
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) < 0)
		violated("harness: cannot write the passwd file");
}

static void check(const char *path, uint32_t uid, enum kk_passwd_field field)
{
	char buf[BUF], again[BUF];
	bool found;

	memset(buf, 0x5a, sizeof(buf));
	found = kk_passwd_lookup(path, uid, field, buf, sizeof(buf));
	if (!found) {
		for (size_t i = 0; i < sizeof(buf); i++)
			if (buf[i] != 0x5a)
				violated("a lookup that found nothing wrote the buffer");
		return;
	}
	if (memchr(buf, '\0', sizeof(buf)) == NULL)
		violated("the field is not terminated inside the buffer");
	if (buf[0] == '\0' || strchr(buf, ':') != NULL || strchr(buf, '\n') != NULL)
		violated("the field is empty or holds a separator");
	if (field == KK_PASSWD_HOME && buf[0] != '/')
		violated("the home is not absolute");
	if (!kk_passwd_lookup(path, uid, field, again, sizeof(again)) || strcmp(buf, again) != 0)
		violated("the same lookup answered differently");
}

/* The uids the input's lines name (the digits after the second ':'), so
 * the lookups hit lines the mutator made. At most 8. */
static size_t uids_named(const uint8_t *data, size_t size, uint32_t *out)
{
	size_t n = 0, colons = 0;

	for (size_t i = 0; i < size && n < 8; i++) {
		if (data[i] == '\n') {
			colons = 0;
		} else if (data[i] == ':' && ++colons == 2) {
			uint64_t v = 0;
			size_t j = i + 1;

			while (j < size && j < i + 11 && data[j] >= '0' && data[j] <= '9')
				v = v * 10 + (uint64_t)(data[j++] - '0');
			if (j > i + 1 && v <= UINT32_MAX)
				out[n++] = (uint32_t)v;
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4096];
	uint32_t uids[10] = {0, 1000};
	size_t n;

	snprintf(path, sizeof(path), "%s/passwd", fz_temp_dir());
	write_file(path, data, size);
	n = 2 + uids_named(data, size, uids + 2);
	for (size_t i = 0; i < n; i++) {
		check(path, uids[i], KK_PASSWD_NAME);
		check(path, uids[i], KK_PASSWD_HOME);
	}
	return 0;
}
