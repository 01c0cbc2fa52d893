/* SPDX-License-Identifier: MIT */
/* values_int.h - building owned value sets (JSON reader, extraction). */
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
/* A copy of @p h, its strings included, in one block freed with cdaimg_free()
 * (json.c: it walks the JSON reader's table of the header's members); NULL
 * when out of memory. */
cdaimg_document_header *header_pack(const cdaimg_document_header *h);

#endif
