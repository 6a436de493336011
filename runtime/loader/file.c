/* Reading document files: bounded, regular files only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/warn.h"
#include "parser/limits.h"
#include "runtime/loader/loader.h"

static int read_bounded(int fd, const char *path, char *buf, size_t cap, size_t *len,
			struct kk_error *err)
{
	*len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + *len, cap - *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kk_error_sys(err, errno, "reading %s", path);
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len == cap)
			return kk_error_set(
				err, KK_ERR_LIMIT,
				"%s: larger than the limit of %u bytes (KK_LIMIT_INPUT_BYTES)",
				path, KK_LIMIT_INPUT_BYTES);
	}
}

int kk_loader_read_file(const char *path, char **buf, size_t *len, struct kk_error *err)
{
	/* O_NONBLOCK: a FIFO must not hang us before the type check. */
	KK_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	KK_AUTOFREE char *data = NULL;
	struct stat st;

	if (fd < 0)
		return kk_error_sys(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return kk_error_set(err, KK_ERR_INVALID, "%s: not a regular file", path);
	/* One byte over the limit tells "at the limit" from "over it". */
	data = malloc((size_t)KK_LIMIT_INPUT_BYTES + 1);
	if (data == NULL)
		return kk_error_sys(err, ENOMEM, "reading %s", path);
	if (read_bounded(fd, path, data, (size_t)KK_LIMIT_INPUT_BYTES + 1, len, err) < 0)
		return -1;
	*buf = kk_steal_ptr(&data);
	return 0;
}

void kk_loader_report(const struct kk_strv *warnings)
{
	for (size_t i = 0; i < warnings->n; i++)
		kk_warn("%s", warnings->v[i]);
}

const struct kk_spec *kk_loader_load_config(const char *config_path, struct kk_error *err)
{
	KK_AUTOFREE char *buf = NULL;
	size_t len = 0;

	if (kk_loader_read_file(config_path, &buf, &len, err) < 0)
		return NULL;
	return kk_loader_parse(KK_DOC_CONFIG, buf, len, NULL, err);
}
