/* SPDX-License-Identifier: MIT */
/*
 * map.h - the mapping: prepared values (prep.h) to CDA, written through the
 * emitter interface (emit.h) only, so the same code makes DOM nodes and
 * streamed text. map_series.c: the Series Act and its SOP Instance
 * Observations, and the pieces every entry uses; map_study.c: the Study Act;
 * map_catalog.c: the DICOM Object Catalog section and its narrative (D6);
 * map_header.c and map_document.c: the IMG-CR-IMG document.
 */
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

/* --- map_series.c -------------------------------------------------------------------------- */
/* A Series Act with its SOP Instance Observations. */
void map_series(emitter *e, const map_opts *m, const prep_series *s);
/* <elem code=.. codeSystem=.. codeSystemName=.. displayName=..> from @p k,
 * left open (the caller adds children, then em_end). */
void map_code_open(emitter *e, const char *elem, const prep_code *k);
/* The attributes map_code_open writes, on the element just started. */
void map_code_attrs(emitter *e, const prep_code *k);
/* A DCM code of the mapping itself, closed. */
void map_dcm(emitter *e, const char *elem, const char *code, const char *display);
void map_ids(emitter *e, const prep_id *ids, size_t n);
void map_template_ids(emitter *e, const char *const ids[2]);
/* <elem> holding @p text, or a reference to @p ref in a narrative (D6); nothing when neither. */
void map_text(emitter *e, const char *elem, const char *text, const char *ref);
/* A narrative table: <table border="1"> with a head row of the @p n
 * headings, and its <tbody> open for the rows (map_table_end closes both). */
void map_table(emitter *e, const char *const *heads, size_t n);
void map_table_end(emitter *e);
/* <td><content ID="@p id">@p text</content></td> */
void map_content_cell(emitter *e, const char *id, const char *text);
/* Lines of @p text separated by <br/> (narrative block). */
void map_lines(emitter *e, const char *text);
/* HL7 TS -> "DD/MM/YYYY hh:mm" (as much as the TS gives) into @p out (32 bytes). */
void ts_display(char *out, const char *ts);

/* --- map_study.c --------------------------------------------------------------------------- */
/* A Study Act holding the series [first, first + count) of @p s. */
void map_study_range(emitter *e, const map_opts *m, const prep_study *s, size_t first, size_t count);
/* A Study Act holding every series of @p s. */
void map_study(emitter *e, const map_opts *m, const prep_study *s);

/* --- map_catalog.c ------------------------------------------------------------------------- */
/* How a catalog section is written. */
typedef struct catalog_opts {
	const char *id_prefix;   /* narrative ID prefix, e.g. "ex" -> "ex-01-serie-01" */
	size_t first_no;         /* number of the first study in IDs (1-based) */
	const char *section_uid; /* section/id/@root */
	const lang_names *lang;  /* of the title and the narrative table */
} catalog_opts;

/* Give every description of @p studies a narrative ID (text_ref = "#ID"), in
 * @p a, before they are mapped into a catalog. false when out of memory. */
bool map_catalog_refs(arena *a, prep_study **studies, size_t n, const catalog_opts *co);
/* The DICOM Object Catalog section: narrative table and Study Acts (one per
 * series when the profile says so). */
void map_catalog(emitter *e, const map_opts *m, prep_study **studies, size_t n, const catalog_opts *co);

/* --- map_header.c -------------------------------------------------------------------------- */
/* The header of an IMG-CR-IMG document: the children of ClinicalDocument
 * before its body. */
void map_header(emitter *e, const prep_document *d);
/* A documentationOf/serviceEvent of @p s, with @p h's author as performer
 * (NULL: none). */
void map_service_event(emitter *e, const prep_study *s, const prep_header *h);
/* The code of a service event: unknown, with the modalities of @p s as translations. */
void map_event_code(emitter *e, const prep_study *s);
/* A modality of a service event: a translation qualified by 121139. */
void map_event_modality(emitter *e, const prep_code *m);
/* Whether series @p j of @p s is the first with its modality. */
bool map_first_of_modality(const prep_study *s, size_t j);
/* An inFulfillmentOf/order @p uid with the accession number @p acc. */
void map_order(emitter *e, const char *uid, const prep_id *acc);
/* The smallest header the CDA schemas accept (fixed sample values): the
 * children of a ClinicalDocument before its body. */
void map_min_header(emitter *e);

/* --- map_document.c ------------------------------------------------------------------------ */
/* A whole IMG-CR-IMG ClinicalDocument (narrative references assigned with
 * map_catalog_refs, prefix "ex"). */
void map_document(emitter *e, const map_opts *m, const prep_document *d);

#endif
