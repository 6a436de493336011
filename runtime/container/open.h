#ifndef KK_CONTAINER_OPEN_H
#define KK_CONTAINER_OPEN_H

#include <stdbool.h>

#include "base/error.h"
#include "runtime/state/state.h"

struct kk_handle {
	int root_fd, dir_fd, lock_fd;
	struct kk_record rec;
	int status; /* enum kk_status, derived from the live process */
};

/* Opens <root>/<id>, optionally locked, and reads its record. */
int kk_handle_open(const char *root, const char *id, bool lock, struct kk_handle *h,
		   struct kk_error *err);
void kk_handle_close(struct kk_handle *h);

#define KK_AUTOHANDLE KK_CLEANUP(kk_handle_close)

#endif
