/* passwd(5) lookups without NSS (passwd.h). */
#define _GNU_SOURCE
#include "runtime/userdb/passwd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

static char *read_file(const char *path)
{
	KK_AUTOCLOSE int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	KK_AUTOFREE char *buf = NULL;
	struct stat st;
	size_t n = 0, cap;
	ssize_t r;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	/* What the file holds now (a line added meanwhile is not needed). */
	cap = st.st_size < KK_PASSWD_MAX ? (size_t)st.st_size : KK_PASSWD_MAX;
	buf = malloc(cap + 1);
	while (buf != NULL && n < cap &&
	       ((r = read(fd, buf + n, cap - n)) > 0 || (r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	if (buf != NULL)
		buf[n] = '\0';
	return kk_steal_ptr(&buf);
}

/* The wanted field of line when its uid is uid, else NULL. */
static const char *field_of_line(char *line, uint32_t uid, enum kk_passwd_field want)
{
	char *field[7];
	size_t n = 0;
	char *end;

	for (char *c = line; n < 7; c++) {
		field[n++] = c;
		if ((c = strchr(c, ':')) == NULL)
			break;
		*c = '\0';
	}
	if (n < 6 || field[2][0] < '0' || field[2][0] > '9') /* strtoull takes " 7", "-7" */
		return NULL;
	errno = 0;
	unsigned long long v = strtoull(field[2], &end, 10);
	if (*end != '\0' || errno != 0 || v != uid)
		return NULL;
	if (field[want][0] == '\0' || (want == KK_PASSWD_HOME && field[want][0] != '/'))
		return NULL;
	return field[want];
}

bool kk_passwd_lookup(const char *path, uint32_t uid, enum kk_passwd_field field, char *buf,
		      size_t len)
{
	KK_AUTOFREE char *text = read_file(path);
	char *save = NULL;

	for (char *line = text != NULL ? strtok_r(text, "\n", &save) : NULL; line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *value = field_of_line(line, uid, field);

		if (value != NULL) {
			snprintf(buf, len, "%s", value);
			return true;
		}
	}
	return false;
}
