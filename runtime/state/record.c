/* The record: the runtime's own facts about a container in one fixed-layout
 * file. It is written only by us, but read back with every field checked:
 * a torn disk, an older kakoi or a meddling hand must give a clear error,
 * never an unterminated string or a pid we would signal. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "runtime/state/state.h"

#define RECORD_NAME "record"

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int check_strings(const struct kk_record *rec, struct kk_error *err)
{
	if (!terminated(rec->id, sizeof(rec->id)))
		return kk_error_set(err, KK_ERR_INVALID, "the id is not terminated");
	if (!terminated(rec->bundle, sizeof(rec->bundle)))
		return kk_error_set(err, KK_ERR_INVALID, "the bundle path is not terminated");
	if (!terminated(rec->cgroup_path, sizeof(rec->cgroup_path)))
		return kk_error_set(err, KK_ERR_INVALID, "the cgroup path is not terminated");
	return kk_id_check(rec->id, err);
}

int kk_record_write(int dir_fd, const struct kk_record *rec, struct kk_error *err)
{
	/* Zeroed first, fields copied one by one: no stack garbage in the
	 * padding or after the strings ever reaches the disk. */
	KK_AUTOFREE struct kk_record *out = calloc(1, sizeof(*out));

	if (out == NULL)
		return kk_error_sys(err, ENOMEM, "write the container record");
	if (check_strings(rec, err) < 0) {
		kk_error_prefix(err, "write the container record");
		return -1;
	}
	out->magic = KK_RECORD_MAGIC;
	out->version = KK_RECORD_VERSION;
	out->flags = rec->flags;
	out->pid = rec->pid;
	out->start_time = rec->start_time;
	out->created_ns = rec->created_ns;
	strcpy(out->id, rec->id);
	strcpy(out->bundle, rec->bundle);
	strcpy(out->cgroup_path, rec->cgroup_path);
	return kk_state_write_file(dir_fd, RECORD_NAME, out, sizeof(*out), err);
}

/* "<dir>/record" for messages. */
static void record_path(int dir_fd, char *buf, size_t size)
{
	char link[64], dir[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dir_fd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n < 0)
		n = snprintf(dir, sizeof(dir), "<fd %d>", dir_fd);
	dir[n] = '\0';
	snprintf(buf, size, "%s/" RECORD_NAME, dir);
}

static int check_record(const struct kk_record *rec, struct kk_error *err)
{
	if (rec->magic != KK_RECORD_MAGIC)
		return kk_error_set(err, KK_ERR_INVALID, "bad magic 0x%08x", rec->magic);
	if (rec->version != KK_RECORD_VERSION)
		return kk_error_set(err, KK_ERR_INVALID, "version %u, expected %u", rec->version,
				    KK_RECORD_VERSION);
	if (rec->pid < 0)
		return kk_error_set(err, KK_ERR_INVALID, "negative pid %d", (int)rec->pid);
	return check_strings(rec, err);
}

int kk_record_decode(const void *buf, size_t len, struct kk_record *rec, struct kk_error *err)
{
	/* A copy, not a cast: buf need not be aligned for the record. */
	KK_AUTOFREE struct kk_record *copy = NULL;

	if (len != sizeof(*copy))
		return kk_error_set(err, KK_ERR_INVALID, "size %zu, expected %zu", len,
				    sizeof(*copy));
	copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return kk_error_sys(err, ENOMEM, "decode the container record");
	memcpy(copy, buf, sizeof(*copy));
	if (check_record(copy, err) < 0)
		return -1;
	*rec = *copy;
	return 0;
}

int kk_record_read(int dir_fd, struct kk_record *rec, struct kk_error *err)
{
	KK_AUTOFREE char *buf = NULL;
	char path[PATH_MAX + 16];
	size_t len = 0;

	/* One byte of slack: a longer file is corrupt, not over a limit. */
	if (kk_state_read_file(dir_fd, RECORD_NAME, sizeof(*rec) + 1, &buf, &len, err) < 0) {
		if (err->code == KK_ERR_LIMIT) {
			kk_error_prefix(err, "container record is corrupt");
			err->code = KK_ERR_INVALID;
		}
		return -1;
	}
	if (kk_record_decode(buf, len, rec, err) < 0) {
		record_path(dir_fd, path, sizeof(path));
		kk_error_prefix(err, "container record %s is corrupt", path);
		kk_error_make_printable(err);
		return -1;
	}
	return 0;
}
