/* A bump allocator for building one document. Everything the parser makes
 * for a document lives here until the document is flattened into its image
 * (image.h); then the whole arena goes in one call. */
#ifndef KK_PARSER_ARENA_H
#define KK_PARSER_ARENA_H

#include <stddef.h>

struct kk_arena;

struct kk_arena *kk_arena_new(void);
void kk_arena_free(struct kk_arena *arena);

/* Zeroed, aligned for any scalar; NULL when out of memory. */
void *kk_arena_alloc(struct kk_arena *arena, size_t size);

/* Same, for n elements of size each; NULL on overflow too. */
void *kk_arena_array(struct kk_arena *arena, size_t n, size_t size);

/* A NUL-terminated copy of len bytes. */
char *kk_arena_strndup(struct kk_arena *arena, const char *s, size_t len);

static inline void kk_arena_freep(struct kk_arena **arena)
{
	kk_arena_free(*arena);
}

#endif
