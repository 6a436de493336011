/* HOME, when process.env has none: runc sets it from the container's
 * /etc/passwd entry of process.user.uid, or "/" without one, and programs
 * (shells, ssh, git) rely on it. The file is the container's, read after
 * pivot_root: only a regular file, only its first KK_HOME_PASSWD_MAX bytes,
 * never blocking (a FIFO planted there would hang the init). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/process/process_ops.h"

#define KK_HOME_PASSWD_MAX (1 << 20)

static char *read_passwd(const char *path)
{
	KK_AUTOCLOSE int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	KK_AUTOFREE char *buf = NULL;
	struct stat st;
	size_t n = 0;
	ssize_t r;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	buf = malloc(KK_HOME_PASSWD_MAX + 1);
	while (buf != NULL && n < KK_HOME_PASSWD_MAX &&
	       ((r = read(fd, buf + n, KK_HOME_PASSWD_MAX - n)) > 0 || (r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	if (buf != NULL)
		buf[n] = '\0';
	return kk_steal_ptr(&buf);
}

/* name:passwd:uid:gid:gecos:home:shell */
static bool home_of_line(char *line, uint32_t uid, const char **home)
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
	if (n < 6 || field[2][0] == '\0')
		return false;
	errno = 0;
	unsigned long long v = strtoull(field[2], &end, 10);
	if (*end != '\0' || errno != 0 || v != uid || field[5][0] != '/')
		return false;
	*home = field[5];
	return true;
}

void kk_proc_home(const char *passwd_path, uint32_t uid, char *buf, size_t len)
{
	KK_AUTOFREE char *text = read_passwd(passwd_path);
	const char *home = "/";
	char *save = NULL;

	for (char *line = text != NULL ? strtok_r(text, "\n", &save) : NULL; line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (home_of_line(line, uid, &home))
			break;
	snprintf(buf, len, "%s", home);
}
