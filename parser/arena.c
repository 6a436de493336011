#include "parser/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_CHUNK (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t used;
	size_t size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct kk_arena {
	struct chunk *head;
};

struct kk_arena *kk_arena_new(void)
{
	return calloc(1, sizeof(struct kk_arena));
}

void kk_arena_free(struct kk_arena *arena)
{
	if (arena == NULL)
		return;
	for (struct chunk *c = arena->head, *next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(arena);
}

/* Not zeroed here: kk_arena_alloc zeroes what it hands out. A calloc'ed
 * 64 KiB chunk cost the parser child a 64 KiB memset and 16 page faults
 * for a config that uses a few KiB of it. */
static struct chunk *chunk_new(size_t min_size)
{
	size_t size = min_size > ARENA_CHUNK ? min_size : ARENA_CHUNK;
	struct chunk *c = malloc(sizeof(*c) + size);

	if (c != NULL) {
		c->next = NULL;
		c->used = 0;
		c->size = size;
	}
	return c;
}

void *kk_arena_alloc(struct kk_arena *arena, size_t size)
{
	struct chunk *c = arena->head;
	size_t rounded;
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (rounded == 0)
		rounded = ARENA_ALIGN;
	if (c == NULL || c->size - c->used < rounded) {
		c = chunk_new(rounded);
		if (c == NULL)
			return NULL;
		c->next = arena->head;
		arena->head = c;
	}
	p = c->data + c->used;
	c->used += rounded;
	return memset(p, 0, rounded);
}

void *kk_arena_array(struct kk_arena *arena, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return kk_arena_alloc(arena, n * size);
}

char *kk_arena_strndup(struct kk_arena *arena, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = kk_arena_alloc(arena, len + 1);
	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}
