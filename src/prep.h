/* SPDX-License-Identifier: MIT */
/*
 * prep.h - checked, normalised values: what the check stage hands to the
 * mapping. Every string here is ready to be written as is (UIDs converted,
 * dates in HL7 TS, display names filled, narratives reduced to text).
 */
#ifndef CDAIMG_PREP_H
#define CDAIMG_PREP_H

#include "arena.h"
#include "internal.h"
#include "link.h"
#include "profile.h"

typedef struct prep_id {
	const char *root, *ext; /* ext may be NULL */
} prep_id;

typedef struct prep_code {
	const char *code, *system, *system_name, *display; /* display may be NULL */
} prep_code;

typedef struct prep_instance {
	prep_id *ids;
	size_t n_ids;
	prep_code sop_class;
	const char *text;       /* instanceSOP.description as text (code/originalText), or NULL */
	const char *text_ref;   /* "#id" when the text lives in a section narrative (D6), or NULL */
	const char *status;     /* statusCode/@code */
	const char *ts;         /* effectiveTime/@value, or NULL */
	bool has_frames;
	int64_t frames;
	const char *media_type; /* text/@mediaType */
	const char *reference;  /* text/reference/@value */
	const char *link_base;  /* referenceWado.base of an IID link built from it (borrowed input), or NULL */
	cdaimg_link_kind kind;
} prep_instance;

typedef struct prep_series {
	prep_id *ids;
	size_t n_ids;
	prep_code modality;
	const char *text;     /* description as text, or NULL */
	const char *text_ref; /* "#id" (section narrative), or NULL */
	const char *ts;
	prep_instance *inst;
	size_t n_inst;
} prep_series;

typedef struct check_ctx {
	diag_ctx dc;
	arena *arena;
	const cdaimg_options *opts;
	const profile_def *p;    /* opts->profile's */
	const lang_names *lang;  /* the display language: opts->lang, else the profile's */
	const char *prefix;  /* path prefix, e.g. "serieImagerie[1]." or "" */
	const char *study_uid; /* for link consistency, may be NULL */
	const prep_id *accession; /* the study's accession number (IID links built from a base), may be NULL */
	bool in_catalog;       /* building inside a DICOM Object Catalog (PS3.20 forbids SOP children there) */
	char path[768];
} check_ctx;

/* Resolve the options (NULL -> defaults) into @p c. false (reported) when
 * they name no profile. */
bool check_init(check_ctx *c, arena *a, const cdaimg_options *opts, cdaimg_diags *diags);

/* Check one series; returns the prepared values (in c->arena), or NULL when
 * errors were found (all reported). */
prep_series *check_series(check_ctx *c, const cdaimg_series *s);

/* Helpers shared with the study/section checks. */
const char *cpath(check_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
bool check_text(check_ctx *c, const char *path, const char *s);
/* A DICOM UID slot (D2): writes the UID into the arena. NULL on error. */
const char *check_uid_identifier(check_ctx *c, const char *path, const cdaimg_identifier *id);
/* Identifier list: first = DICOM UID slot, the rest extra ids (D2). */
prep_id *check_identifiers(check_ctx *c, const char *field, const cdaimg_identifier *ids, size_t n,
                           size_t *n_out);
const char *check_date(check_ctx *c, const char *field, const char *date);
const char *check_narrative(check_ctx *c, const char *field, const cdaimg_narrative *nar);
/* A coded value of a document from value set @p t (its name @p vs_name for
 * messages): the coding found in @p t is written, else the first one (an
 * error when strict, a warning otherwise); its system must be one of @p t's,
 * as urn:oid:<OID> or a FHIR URI cdaimg knows (valuesets.h). False on error. */
struct vs_table;
bool check_coded(check_ctx *c, const char *field, const cdaimg_concept *k, const struct vs_table *t,
                 const char *vs_name, prep_code *out);
/* @p n coded values, at "field[i]"; in c->arena. NULL on error (all reported). */
prep_code *check_coded_list(check_ctx *c, const char *field, const cdaimg_concept *ks, size_t n,
                            const struct vs_table *t, const char *vs_name);
/* Build again the IID link of @p pi (pi->link_base set) with the document id,
 * which the FR profile sends as idCDA (D5). False when out of memory (reported). */
bool relink_in_document(check_ctx *c, prep_instance *pi, const char *study_uid, const prep_id *accession,
                        const char *series_uid, const char *document_id);

#endif
