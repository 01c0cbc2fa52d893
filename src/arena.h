/* arena.h - a simple region allocator: many small allocations, one release. */
#ifndef CDAIMG_ARENA_H
#define CDAIMG_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
} arena;

/* Zeroed memory valid until arena_release; NULL when out of memory. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_release(arena *a);

#endif
