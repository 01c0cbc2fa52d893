/* SPDX-License-Identifier: MIT */
/* valuesets.c - look-ups in the generated value-set tables. */
#include <stdlib.h>
#include <string.h>

#include "valuesets.h"

static int cmp_code(const void *key, const void *entry)
{
	return strcmp((const char *)key, ((const vs_entry *)entry)->code);
}

const vs_entry *vs_find(const vs_table *t, const char *code)
{
	if (!code || !t->count)
		return NULL;
	return bsearch(code, t->entries, t->count, sizeof t->entries[0], cmp_code);
}

const vs_entry *vs_find_in(const vs_table *t, const char *system, const char *code)
{
	const vs_entry *e = vs_find(t, code);
	if (!e || !system)
		return NULL;
	/* entries are sorted by code: the same code in other systems lies next to it */
	while (e > t->entries && !strcmp(e[-1].code, code))
		e--;
	for (; e < t->entries + t->count && !strcmp(e->code, code); e++)
		if (!strcmp(e->system, system))
			return e;
	return NULL;
}

const char *vs_system(const vs_table *t, const char *system)
{
	for (size_t i = 0; system && i < t->count; i++)
		if (!strcmp(t->entries[i].system, system))
			return t->entries[i].system;
	return NULL;
}
