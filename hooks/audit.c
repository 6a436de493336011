/* The audit log: one JSON object per line, each appended with a single
 * write(2) on an O_APPEND fd and fsynced before the caller continues.
 * Every record carries every field (null where the event cannot know it),
 * so a reader needs no per-event schema; docs/hooks.md lists them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "hooks/hooks_int.h"
#include "runtime/sys/sys.h"

char *hk_escape(const char *src, size_t len, char *dst, size_t dst_size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 <= dst_size; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			dst[o++] = (char)ch;
		else
			o += (size_t)snprintf(dst + o, dst_size - o, "\\x%02x", ch);
	}
	if (dst_size > 0)
		dst[o < dst_size ? o : dst_size - 1] = '\0';
	return dst;
}

static json_object *text(const char *s)
{
	char buf[4 * PATH_MAX + 1];

	if (s == NULL)
		return NULL;
	return json_object_new_string(hk_escape(s, strlen(s), buf, sizeof(buf)));
}

static json_object *rfc3339(int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];
	size_t n;

	if (gmtime_r(&secs, &tm) == NULL)
		return NULL;
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof(buf) - n, ".%09lldZ", (long long)(ns % 1000000000));
	return json_object_new_string(buf);
}

static json_object *strings(const struct kk_strv *v, bool names_only)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; arr != NULL && i < v->n; i++) {
		const char *s = v->v[i];
		size_t len =
			names_only && strchr(s, '=') ? (size_t)(strchr(s, '=') - s) : strlen(s);
		char buf[4 * 1024 + 1];

		hk_escape(s, len < 1024 ? len : 1024, buf, sizeof(buf));
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

static const char *event_name(enum hk_event ev)
{
	return ev == HK_EV_START ? "start" : ev == HK_EV_END ? "end" : "refused";
}

static void add(json_object *obj, const char *key, json_object *val)
{
	json_object_object_add(obj, key, val);
}

static json_object *signal_name(int sig)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;
	char buf[32];

	if (sig <= 0)
		return NULL;
	if (abbrev == NULL)
		snprintf(buf, sizeof(buf), "%d", sig);
	else
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return json_object_new_string(buf);
}

/* An image's hook runs as the container's process.user (root when it has
 * none); any other as the runtime. */
static int64_t hook_uid(const struct hk_limits *l)
{
	if (l->as_process == NULL)
		return getuid();
	return l->as_process->user ? l->as_process->user->uid : 0;
}

static int64_t hook_gid(const struct hk_limits *l)
{
	if (l->as_process == NULL)
		return getgid();
	return l->as_process->user ? l->as_process->user->gid : 0;
}

/* Who, what and where: known before the hook runs. */
static void add_identity(json_object *o, const struct hk_record *rec)
{
	const struct kk_hook_run *run = rec->run;
	const struct kk_hook *hook = rec->hook;

	add(o, "time", rfc3339(hk_now_ns(CLOCK_REALTIME)));
	add(o, "event", json_object_new_string(event_name(rec->event)));
	add(o, "id", text(run->id));
	add(o, "bundle", text(run->bundle));
	add(o, "kind", json_object_new_string(kk_hook_kind_name(rec->kind)));
	add(o, "index", json_object_new_int64((int64_t)rec->index));
	add(o, "path", text(hook->path));
	add(o, "resolved", rec->exe ? text(rec->exe->resolved) : NULL);
	add(o, "sha256", rec->exe ? json_object_new_string(rec->exe->sha256) : NULL);
	add(o, "argv",
	    hook->args.n ? strings(&hook->args, false)
			 : strings(&(struct kk_strv){&hook->path, 1}, false));
	add(o, "env", strings(&rec->limits->env, true));
	add(o, "uid", json_object_new_int64(hook_uid(rec->limits)));
	add(o, "gid", json_object_new_int64(hook_gid(rec->limits)));
	add(o, "pid", rec->pid > 0 ? json_object_new_int64(rec->pid) : NULL);
	add(o, "runtime_pid", json_object_new_int64(getpid()));
	add(o, "profile", json_object_new_string(hk_profile_name(rec->limits->profile)));
	add(o, "timeout", json_object_new_int64(rec->limits->timeout_s));
}

/* How it went: only the end record knows. */
static void add_outcome(json_object *o, const struct hk_record *rec)
{
	const struct hk_result *res = rec->result;
	char head[4 * HK_AUDIT_STDERR + 1];

	add(o, "start", res ? rfc3339(res->start_ns) : NULL);
	add(o, "duration_ns", res ? json_object_new_int64(res->duration_ns) : NULL);
	add(o, "exit_code",
	    res && res->exit_code >= 0 ? json_object_new_int(res->exit_code) : NULL);
	add(o, "signal", res ? signal_name(res->signal) : NULL);
	add(o, "timed_out", json_object_new_boolean(res && res->timed_out));
	add(o, "stdout_bytes", res ? json_object_new_int64((int64_t)res->stdout_bytes) : NULL);
	add(o, "stderr_bytes", res ? json_object_new_int64((int64_t)res->stderr_bytes) : NULL);
	if (res != NULL)
		hk_escape(res->stderr_head,
			  res->stderr_len < HK_AUDIT_STDERR ? res->stderr_len : HK_AUDIT_STDERR,
			  head, sizeof(head));
	add(o, "stderr", res ? json_object_new_string(head) : NULL);
	if (res != NULL && res->reason[0])
		add(o, "reason", text(res->reason));
	else
		add(o, "reason", text(rec->reason));
}

static int append(int fd, const char *line, size_t len, struct kk_error *err)
{
	ssize_t n = kk_sys()->write(fd, line, len);

	if (n < 0)
		return kk_error_sys(err, errno, "hook audit log: write");
	if ((size_t)n != len) {
		/* Ends the torn record's line, so the next record is a line of
		 * its own; the operation fails either way. */
		if (n > 0 && kk_sys()->write(fd, "\n", 1) == 1)
			kk_sys()->fsync(fd);
		return kk_error_set(err, KK_ERR_SYS,
				    "hook audit log: short write (%zd of %zu bytes)", n, len);
	}
	/* EINVAL: the fd cannot be synced (a pipe or character device). */
	if (kk_sys()->fsync(fd) < 0 && errno != EINVAL)
		return kk_error_sys(err, errno, "hook audit log: fsync");
	return 0;
}

int hk_audit_write(int fd, const struct hk_record *rec, struct kk_error *err)
{
	json_object *o = json_object_new_object();
	KK_AUTOFREE char *line = NULL;
	const char *s;
	size_t len;
	int r;

	if (o == NULL)
		return kk_error_sys(err, ENOMEM, "hook audit record");
	add_identity(o, rec);
	add_outcome(o, rec);
	s = json_object_to_json_string_ext(o,
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = s ? strlen(s) : 0;
	line = s ? malloc(len + 2) : NULL;
	if (line != NULL) {
		memcpy(line, s, len);
		line[len++] = '\n';
	}
	json_object_put(o);
	if (line == NULL)
		return kk_error_sys(err, ENOMEM, "hook audit record");
	r = append(fd, line, len, err);
	return r;
}

/* mkdir -p of path's directory, 0700 for what it creates. */
static int make_parent(const char *path, struct kk_error *err)
{
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return kk_error_set(err, KK_ERR_INVALID, "hook audit log %s: path too long", path);
	for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return kk_error_sys(err, errno, "hook audit log: mkdir %s", dir);
		*p = '/';
	}
	return 0;
}

/* An existing log must be one only root could have written: a regular
 * file, owned by the (effective) user writing it, not writable by others. */
static int trusted(int fd, const char *path, struct kk_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return kk_error_sys(err, errno, "hook audit log: stat %s", path);
	if (!S_ISREG(st.st_mode))
		return kk_error_set(err, KK_ERR_INVALID, "hook audit log %s: not a regular file",
				    path);
	if (st.st_uid != geteuid())
		return kk_error_set(err, KK_ERR_INVALID,
				    "hook audit log %s: owned by uid %u, not %u", path,
				    (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return kk_error_set(err, KK_ERR_INVALID,
				    "hook audit log %s: writable by group or others (mode %04o)",
				    path, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* A new log's directory entry is made durable too: the first record's
 * fsync covers the file, not its name. */
static int sync_parent(const char *path, struct kk_error *err)
{
	char dir[PATH_MAX];
	char *slash;
	KK_AUTOCLOSE int fd = -1;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || kk_sys()->fsync(fd) < 0)
		return kk_error_sys(err, errno, "hook audit log: syncing %s", dir);
	return 0;
}

/* O_NONBLOCK only for the open: a FIFO without a reader must fail, not hang. */
#define AUDIT_FLAGS (O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)

int kk_hook_audit_open(const char *path, struct kk_error *err)
{
	KK_AUTOCLOSE int fd = -1;
	bool created = false;

	if (path == NULL || path[0] == '\0')
		return kk_error_set(err, KK_ERR_USAGE, "hook audit log: no path");
	if (make_parent(path, err) < 0)
		return -1;
	fd = open(path, AUDIT_FLAGS);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, AUDIT_FLAGS | O_CREAT | O_EXCL, 0600);
		created = fd >= 0;
		if (fd < 0 && errno == EEXIST) /* created meanwhile by another kakoi */
			fd = open(path, AUDIT_FLAGS);
	}
	if (fd < 0)
		return kk_error_sys(err, errno, "hook audit log: open %s", path);
	if (trusted(fd, path, err) < 0)
		return -1;
	if (created && sync_parent(path, err) < 0)
		return -1;
	if (fcntl(fd, F_SETFL, O_APPEND) < 0)
		return kk_error_sys(err, errno, "hook audit log: fcntl %s", path);
	return kk_steal_fd(&fd);
}
