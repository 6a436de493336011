/* --log FILE / --log-format text|json: where managers read our errors.
 * containerd and conmon expect runc's (logrus) shapes:
 *   json: {"level":"error","msg":"...","time":"2026-11-29T09:00:00.000000000Z"}
 *   text: time="..." level=error msg="..." */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/cli/cli.h"

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", base, ts.tv_nsec);
}

static char *format_line(const struct kk_globals *g, const char *level, const char *msg)
{
	char when[64];
	char *line = NULL;
	json_object *o;

	now_rfc3339(when, sizeof(when));
	if (g->log_format != NULL && strcmp(g->log_format, "json") == 0) {
		o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(level));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(when));
		if (asprintf(&line, "%s\n",
			     json_object_to_json_string_ext(
				     o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) <
		    0)
			line = NULL;
		json_object_put(o);
		return line;
	}
	o = json_object_new_string(msg); /* for its quoting */
	if (asprintf(&line, "time=\"%s\" level=%s msg=%s\n", when, level,
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		line = NULL;
	json_object_put(o);
	return line;
}

static int open_log(const struct kk_globals *g)
{
	return open(g->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
}

int kk_cli_log_create(const struct kk_globals *g, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = -1;

	if (g->log_path == NULL)
		return 0;
	fd = open_log(g);
	if (fd < 0)
		return kk_error_sys(err, errno, "--log %s", g->log_path);
	return 0;
}

void kk_cli_log(const struct kk_globals *g, const char *level, const char *msg)
{
	KK_AUTOFREE char *line = NULL;
	KK_AUTOCLOSE int fd = -1;

	if (g->log_path == NULL)
		return;
	line = format_line(g, level, msg);
	if (line == NULL)
		return;
	fd = open_log(g);
	/* One write on O_APPEND: concurrent kakoi processes never interleave a line. */
	if (fd >= 0 && write(fd, line, strlen(line)) < 0)
		return;
}
