/* The single cleanup idiom of kakoi: scope-bound release via
 * __attribute__((cleanup)), and explicit "steal" to hand ownership out.
 * Types with their own free function declare their helper next to it. */
#ifndef KK_BASE_CLEANUP_H
#define KK_BASE_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define KK_CLEANUP(fn) __attribute__((cleanup(fn)))

static inline void kk_freep(void *p)
{
	free(*(void **)p);
}

/* Closing must not clobber the errno a caller is about to report. */
static inline void kk_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define KK_AUTOFREE KK_CLEANUP(kk_freep)
#define KK_AUTOCLOSE KK_CLEANUP(kk_closep)

/* Takes the pointer out of an auto-freed variable so it survives the scope. */
#define kk_steal_ptr(pp)                                                                           \
	({                                                                                         \
		__typeof__(*(pp)) kk_stolen_ = *(pp);                                              \
		*(pp) = NULL;                                                                      \
		kk_stolen_;                                                                        \
	})

static inline int kk_steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#endif
