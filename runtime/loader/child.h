/* Private to runtime/loader: the parser child's side of the boundary. */
#ifndef KK_RUNTIME_LOADER_CHILD_H
#define KK_RUNTIME_LOADER_CHILD_H

#include "runtime/loader/loader.h"

/* Never returns: confines itself, runs fn (or the parser), reports one
 * struct kk_error on msg_fd and exits 0 (image written) or 1. */
__attribute__((noreturn)) void kk_loader_child_main(enum kk_doc_kind kind, const char *buf,
						    size_t len, kk_loader_child_fn fn, int image_fd,
						    int msg_fd);

#endif
