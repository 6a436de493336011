/* Opening an existing container: its state directory, lock and record. */
#include "runtime/container/open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "parser/vocab.h"

#include "base/cleanup.h"
#include "runtime/state/state.h"

void kk_handle_close(struct kk_handle *h)
{
	kk_closep(&h->lock_fd);
	kk_closep(&h->dir_fd);
	kk_closep(&h->root_fd);
}

/* create holds the container's lock from mkdir to "created": if the lock is
 * free while the record is not created, the create was killed and nothing
 * will ever finish it. */
static bool creator_gone(int dir_fd)
{
	KK_AUTOCLOSE int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;
}

/* root_fd is the handle's own (root NULL: a duplicate of an open one). */
static int open_parts(const char *root, int root_fd, const char *id, unsigned flags,
		      struct kk_handle *h, struct kk_error *err)
{
	if (kk_id_check(id, err) < 0)
		return -1;
	if (root != NULL)
		h->root_fd = kk_state_root_open(root, err);
	else if ((h->root_fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3)) < 0)
		kk_error_sys(err, errno, "state root");
	if (h->root_fd < 0)
		return -1;
	h->dir_fd = kk_state_open(h->root_fd, id, err);
	if (h->dir_fd < 0)
		return -1;
	if (flags & KK_OPEN_LOCK) {
		h->lock_fd = kk_state_lock(h->dir_fd, err);
		if (h->lock_fd < 0)
			return -1;
	}
	if (kk_record_read(h->dir_fd, &h->rec, err) == 0)
		return 0;
	if (!(flags & KK_OPEN_PARTIAL) || err->sys_errno != ENOENT)
		return -1;
	kk_error_clear(err);
	h->record_missing = true;
	return 0;
}

static int handle_open(const char *root, int root_fd, const char *id, unsigned flags,
		       struct kk_handle *h, struct kk_error *err)
{
	memset(h, 0, sizeof(*h));
	h->root_fd = h->dir_fd = h->lock_fd = -1;
	if (open_parts(root, root_fd, id, flags, h, err) < 0) {
		kk_handle_close(h);
		return -1;
	}
	h->status = h->record_missing ? KK_STATUS_CREATING : kk_record_status(&h->rec);
	if (h->status == KK_STATUS_CREATING && !(flags & KK_OPEN_LOCK) && creator_gone(h->dir_fd))
		h->status = KK_STATUS_STOPPED;
	return 0;
}

int kk_handle_open(const char *root, const char *id, unsigned flags, struct kk_handle *h,
		   struct kk_error *err)
{
	return handle_open(root, -1, id, flags, h, err);
}

int kk_handle_open_at(int root_fd, const char *id, unsigned flags, struct kk_handle *h,
		      struct kk_error *err)
{
	return handle_open(NULL, root_fd, id, flags, h, err);
}
