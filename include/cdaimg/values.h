/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/values.h - sets of values that own their memory: what the JSON reader
 * and the extractor return. One cdaimg_values_free() releases everything.
 */
#ifndef CDAIMG_VALUES_H
#define CDAIMG_VALUES_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cdaimg_item_kind {
	CDAIMG_ITEM_SERIES = 0, /**< an FrSerieImagerie */
	CDAIMG_ITEM_STUDY = 1   /**< an FrExamenImagerie with its series */
} cdaimg_item_kind;

/** One element of a value set: a series or a study (exactly one pointer is set). */
typedef struct cdaimg_item {
	cdaimg_item_kind kind;
	const cdaimg_series *series; /**< kind == CDAIMG_ITEM_SERIES */
	const cdaimg_study *study;   /**< kind == CDAIMG_ITEM_STUDY */
} cdaimg_item;

typedef struct cdaimg_values cdaimg_values;

/** Number of items (0 for NULL). */
CDAIMG_EXPORT size_t cdaimg_values_count(const cdaimg_values *values);
/** The i-th item, owned by @p values and valid until it is freed; NULL when out of range. */
CDAIMG_EXPORT const cdaimg_item *cdaimg_values_get(const cdaimg_values *values, size_t i);
/** Free the set and every string and struct it holds. NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_values_free(cdaimg_values *values);

#ifdef __cplusplus
}
#endif
#endif
