/* SPDX-License-Identifier: MIT */
/* arena.c - region allocator. */
#include <string.h>

#include "arena.h"
#include "internal.h"

struct arena_block {
	arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

#define ARENA_BLOCK 8192

void *arena_alloc(arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = cd_malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->used = 0;
		if (a->head && n > ARENA_BLOCK) {
			/* a large block goes behind the current one so its free space stays usable */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	if (d)
		memcpy(d, s, n);
	return d;
}

char *arena_strdup(arena *a, const char *s) { return s ? arena_strndup(a, s, strlen(s)) : NULL; }

char *arena_join(arena *a, const char *s1, const char *sep, const char *s2)
{
	size_t l1 = strlen(s1), ls = s2 ? strlen(sep) : 0, l2 = s2 ? strlen(s2) : 0;
	char *d = arena_alloc(a, l1 + ls + l2 + 1);
	if (d) {
		memcpy(d, s1, l1);
		memcpy(d + l1, sep, ls);
		memcpy(d + l1 + ls, s2 ? s2 : "", l2);
	}
	return d;
}

void arena_init_local(arena *a, arena_local *buf)
{
	arena_block *b = (arena_block *)(void *)buf;
	b->next = NULL;
	b->used = 0;
	b->cap = sizeof *buf - sizeof *b;
	a->head = a->local = b;
}

void arena_release(arena *a)
{
	for (arena_block *b = a->head, *next; b; b = next) {
		next = b->next;
		if (b != a->local)
			cd_free(b);
	}
	a->head = a->local = NULL;
}
