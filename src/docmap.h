/* SPDX-License-Identifier: MIT */
/*
 * docmap.h - around the series (MAPPING.md §4): checked study values, the
 * Study Act, the DICOM Object Catalog section with its narrative block (D6),
 * and the IMG-CR-IMG document. Written once for every emitter.
 */
#ifndef CDAIMG_DOCMAP_H
#define CDAIMG_DOCMAP_H

#include "map.h"
#include "uid.h"
#include "valuesets.h"

typedef struct prep_study {
	prep_id *ids; /* ids[0].root is the Study Instance UID */
	size_t n_ids;
	const char *ts;       /* effectiveTime/@value (required in IMG-CR-IMG) */
	const char *text;     /* description as text, or NULL */
	const char *text_ref; /* "#id" when the text lives in a section narrative (D6) */
	prep_id accession;    /* root NULL when absent */
	prep_series **series;
	size_t n_series;
} prep_study;

/* Check one study; @p prefix starts every field path ("" or "[2]."). Returns
 * the prepared values (in c->arena), or NULL when errors were found. */
prep_study *check_study(check_ctx *c, const cdaimg_study *s, const char *prefix);

/* Warn (or, for @p act in an IMG-CR-IMG document, refuse) about what a Study
 * Act (@p act) or a catalog built on its own cannot carry: the accession
 * number; several series of a study in one act (FR profile). @p kind is the
 * target's doc_kind (target.h); paths start with @p prefix. */
void study_act_notes(check_ctx *c, const prep_study *ps, const char *prefix, int kind, bool act);

/* Check @p n studies of a catalog (prefix "[i]." when there are several).
 * NULL on error. */
prep_study **check_studies(check_ctx *c, const cdaimg_study *studies, size_t n);

/* Write a Study Act holding the series [first, first + count) of @p s. */
void map_study_range(emitter *e, const map_opts *m, const prep_study *s, size_t first, size_t count);
/* Write a Study Act holding every series of @p s. */
void map_study(emitter *e, const map_opts *m, const prep_study *s);

/* How a catalog section is written. */
typedef struct section_opts {
	const char *id_prefix; /* narrative ID prefix, e.g. "ex" -> "ex-01-serie-01" */
	size_t first_no;       /* number of the first study in IDs (1-based) */
	const char *section_uid; /* section/id/@root */
	const lang_names *lang;  /* of the title and the narrative table */
} section_opts;

/* Give every description of @p studies a narrative ID (text_ref = "#ID").
 * false when out of memory. */
bool assign_refs(arena *a, prep_study **studies, size_t n, const section_opts *so);

/* The DICOM Object Catalog section, narrative table and Study Acts (one per
 * series when the profile says so). */
void map_section(emitter *e, const map_opts *m, prep_study **studies, size_t n, const section_opts *so);

/* The IMG-CR-IMG document, in two steps so that any emitter can write it:
 * document_prepare checks every value (header and studies) into c->arena;
 * then document_map writes the whole ClinicalDocument through @p e (the
 * caller checks e->failed). *out is valid until c->arena is released. */
typedef struct doc_plan doc_plan;
cdaimg_status document_prepare(doc_plan **out, check_ctx *c, const cdaimg_study *studies, size_t n,
                               const cdaimg_document_header *header);
void document_map(emitter *e, doc_plan *plan);

/* Lines of @p text separated by <br/> (narrative block). */
void map_lines(emitter *e, const char *text);

/* HL7 TS -> "DD/MM/YYYY hh:mm" (as much as the TS gives) into @p out (32 bytes). */
void ts_display(char *out, const char *ts);

#endif
