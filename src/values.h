/* values.h - building owned value sets (JSON reader, extraction). */
#ifndef CDAIMG_VALUES_INTERNAL_H
#define CDAIMG_VALUES_INTERNAL_H

#include "arena.h"
#include "internal.h"

struct cdaimg_values {
	arena arena; /* holds every struct and string of the items */
	cdaimg_item *items;
	size_t count, cap;
};

cdaimg_values *values_new(void);
/* Append an item (its pointers must live in v->arena). false when out of memory. */
bool values_push(cdaimg_values *v, cdaimg_item item);

#endif
