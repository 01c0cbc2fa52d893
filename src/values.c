/* SPDX-License-Identifier: MIT */
/* values.c - value sets that own their memory. */
#include "values_int.h"

cdaimg_values *values_new(void) { return cd_calloc(1, sizeof(cdaimg_values)); }

bool values_push(cdaimg_values *v, cdaimg_item item)
{
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		cdaimg_item *items = cd_realloc(v->items, cap * sizeof *items);
		if (!items)
			return false;
		v->items = items;
		v->cap = cap;
	}
	v->items[v->count++] = item;
	return true;
}

size_t cdaimg_values_count(const cdaimg_values *values) { return values ? values->count : 0; }

const cdaimg_item *cdaimg_values_get(const cdaimg_values *values, size_t i)
{
	return values && i < values->count ? &values->items[i] : NULL;
}

void cdaimg_values_free(cdaimg_values *values)
{
	if (!values)
		return;
	arena_release(&values->arena);
	cd_free(values->items);
	cd_free(values);
}
