#ifndef KK_CONTAINER_OPEN_H
#define KK_CONTAINER_OPEN_H

#include <stdbool.h>

#include "base/error.h"
#include "runtime/state/state.h"

struct kk_handle {
	int root_fd, dir_fd, lock_fd;
	struct kk_record rec;
	int status;	     /* enum kk_status, derived from the live process */
	bool record_missing; /* a create killed before it wrote the record */
};

enum kk_open_flags {
	KK_OPEN_LOCK = 1 << 0,	  /* take the container's lock */
	KK_OPEN_PARTIAL = 1 << 1, /* a directory without a record is not an error */
};

/* Opens <root>/<id> and reads its record. */
int kk_handle_open(const char *root, const char *id, unsigned flags, struct kk_handle *h,
		   struct kk_error *err);
/* The same under a root already open (list: one root for every container). */
int kk_handle_open_at(int root_fd, const char *id, unsigned flags, struct kk_handle *h,
		      struct kk_error *err);
void kk_handle_close(struct kk_handle *h);

#define KK_AUTOHANDLE KK_CLEANUP(kk_handle_close)

#endif
