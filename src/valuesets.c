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
