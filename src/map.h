/* SPDX-License-Identifier: MIT */
/* map.h - the mapping of checked values to CDA, written once for every emitter. */
#ifndef CDAIMG_MAP_H
#define CDAIMG_MAP_H

#include "emit.h"
#include "prep.h"

/* How the mapping writes: the template family, and the language of the
 * fixed display names. */
typedef struct map_opts {
	const profile_def *p;
	const lang_names *lang;
} map_opts;

/* Write a Series Act (with its SOP Instance Observations). */
void map_series(emitter *e, const map_opts *m, const prep_series *s);

/* Write <code code=.. codeSystem=.. codeSystemName=.. displayName=..> from @p k
 * and leave it open (the caller adds children, then em_end). */
void map_code_open(emitter *e, const char *elem, const prep_code *k);
/* The attributes map_code_open writes, on the element just started. */
void map_code_attrs(emitter *e, const prep_code *k);
void map_ids(emitter *e, const prep_id *ids, size_t n);
void map_template_ids(emitter *e, const char *const ids[2]);

#endif
