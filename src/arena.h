/* SPDX-License-Identifier: MIT */
/* arena.h - a simple region allocator: many small allocations, one release. */
#ifndef CDAIMG_ARENA_H
#define CDAIMG_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
	arena_block *local; /* the caller's first block (arena_init_local), never freed */
} arena;

/* Room for a small arena on the stack: what one series needs fits. */
#define ARENA_LOCAL_SIZE 3072
typedef struct arena_local {
	max_align_t room[ARENA_LOCAL_SIZE / sizeof(max_align_t)];
} arena_local;

/* Start @p a on @p buf, the caller's storage (valid until arena_release):
 * allocations go there first, and to the heap only when it is full. */
void arena_init_local(arena *a, arena_local *buf);

/* Zeroed memory valid until arena_release; NULL when out of memory. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
/* @p s1, then @p sep and @p s2 when @p s2 is not NULL, as one string in @p a. */
char *arena_join(arena *a, const char *s1, const char *sep, const char *s2);
void arena_release(arena *a);

#endif
