/* The mounts record: where a container without a mount namespace of its
 * own put its mounts (runtime/container/shared_mounts.c), so that delete,
 * in another kakoi process, can take exactly those away. Fixed layout,
 * written only by us and read back with every field checked, like the
 * record: delete unmounts at the path it holds. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "runtime/state/state.h"

#define MOUNTS_NAME "mounts"

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int check(const struct kk_mounts_record *r, struct kk_error *err)
{
	if (r->magic != KK_MOUNTS_MAGIC)
		return kk_error_set(err, KK_ERR_INVALID, "bad magic 0x%08x", r->magic);
	if (r->version != KK_MOUNTS_VERSION)
		return kk_error_set(err, KK_ERR_INVALID, "version %u, expected %u", r->version,
				    KK_MOUNTS_VERSION);
	if (!terminated(r->ns_path, sizeof(r->ns_path)) ||
	    !terminated(r->rootfs, sizeof(r->rootfs)))
		return kk_error_set(err, KK_ERR_INVALID, "a path is not terminated");
	if (r->ns_path[0] != '\0' && r->ns_path[0] != '/')
		return kk_error_set(err, KK_ERR_INVALID, "the namespace path is not absolute");
	if (r->rootfs[0] != '/')
		return kk_error_set(err, KK_ERR_INVALID, "the rootfs path is not absolute");
	return 0;
}

int kk_mounts_record_write(int dir_fd, const struct kk_mounts_record *r, struct kk_error *err)
{
	/* Zeroed, then copied field by field: no stack garbage on disk. */
	KK_AUTOFREE struct kk_mounts_record *out = calloc(1, sizeof(*out));

	if (out == NULL)
		return kk_error_sys(err, ENOMEM, "write the mounts record");
	out->magic = KK_MOUNTS_MAGIC;
	out->version = KK_MOUNTS_VERSION;
	out->ns_dev = r->ns_dev;
	out->ns_ino = r->ns_ino;
	out->mnt_id = r->mnt_id;
	if (!terminated(r->ns_path, sizeof(r->ns_path)) ||
	    !terminated(r->rootfs, sizeof(r->rootfs)))
		return kk_error_set(err, KK_ERR_INTERNAL,
				    "write the mounts record: a path is "
				    "not terminated");
	strcpy(out->ns_path, r->ns_path);
	strcpy(out->rootfs, r->rootfs);
	if (check(out, err) < 0) {
		kk_error_prefix(err, "write the mounts record");
		return -1;
	}
	return kk_state_write_file(dir_fd, MOUNTS_NAME, out, sizeof(*out), err);
}

int kk_mounts_record_decode(const void *buf, size_t len, struct kk_mounts_record *r,
			    struct kk_error *err)
{
	KK_AUTOFREE struct kk_mounts_record *copy = NULL;

	if (len != sizeof(*copy))
		return kk_error_set(err, KK_ERR_INVALID, "size %zu, expected %zu", len,
				    sizeof(*copy));
	copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return kk_error_sys(err, ENOMEM, "decode the mounts record");
	memcpy(copy, buf, sizeof(*copy));
	if (check(copy, err) < 0)
		return -1;
	*r = *copy;
	return 0;
}

int kk_mounts_record_read(int dir_fd, struct kk_mounts_record *r, bool *found, struct kk_error *err)
{
	KK_AUTOFREE char *buf = NULL;
	size_t len = 0;

	*found = false;
	if (kk_state_read_file(dir_fd, MOUNTS_NAME, sizeof(*r) + 1, &buf, &len, err) < 0) {
		if (err->sys_errno == ENOENT) {
			kk_error_clear(err);
			return 0;
		}
		kk_error_prefix(err, "the mounts record is corrupt");
		err->code = KK_ERR_INVALID;
		return -1;
	}
	if (kk_mounts_record_decode(buf, len, r, err) < 0) {
		kk_error_prefix(err, "the mounts record is corrupt");
		kk_error_make_printable(err);
		return -1;
	}
	*found = true;
	return 0;
}
