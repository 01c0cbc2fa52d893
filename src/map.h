/* SPDX-License-Identifier: MIT */
/* map.h - the mapping of checked values to CDA, written once for every emitter. */
#ifndef CDAIMG_MAP_H
#define CDAIMG_MAP_H

#include "emit.h"
#include "prep.h"

/* Template ids of one profile (MAPPING.md §2, §5); NULL = none. */
typedef struct profile_ids {
	const char *study[2];
	const char *series[2];
	const char *sop[2];
	const char *frames;   /* Referenced Frames */
	const char *boundary; /* Frames for Display */
	const char *catalog[2];
	const char *display_series, *display_modality, *display_study;
	bool frames_as_int_list; /* D4 boundary as repeated INT values (PS3.20, C-CDA) instead of IVL_INT */
} profile_ids;

const profile_ids *profile_get(cdaimg_profile p);

/* Write a Series Act (with its SOP Instance Observations). */
void map_series(emitter *e, const profile_ids *p, const prep_series *s);

/* Write <code code=.. codeSystem=.. codeSystemName=.. displayName=..> from @p k
 * and leave it open (the caller adds children, then em_end). */
void map_code_open(emitter *e, const char *elem, const prep_code *k);
/* The attributes map_code_open writes, on the element just started. */
void map_code_attrs(emitter *e, const prep_code *k);
void map_ids(emitter *e, const prep_id *ids, size_t n);
void map_template_ids(emitter *e, const char *const ids[2]);

#endif
