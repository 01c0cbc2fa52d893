/* SPDX-License-Identifier: MIT */
/*
 * check.h - the check stage: every input value is checked before anything is
 * built, every problem reported with the path of its field, and the values
 * prepared for the mapping (prep.h). check.c holds the context and the values
 * every object has (text, identifiers, dates, descriptions); check_code.c
 * the coded values; check_series.c the series, its instances and links;
 * check_study.c the studies; check_header.c a document's header.
 */
#ifndef CDAIMG_CHECK_H
#define CDAIMG_CHECK_H

#include "prep.h"

typedef struct check_ctx {
	diag_ctx dc;
	arena *arena;
	const cdaimg_options *opts;
	const profile_def *p;     /* opts->profile's */
	const lang_names *lang;   /* the display language: opts->lang, else the profile's */
	const char *study_uid;    /* of the study whose series are checked (link consistency), or NULL */
	const prep_id *accession; /* its accession number (IID links built from a base), or NULL */
	bool in_catalog;          /* the studies go into a DICOM Object Catalog */
} check_ctx;

/* Resolve the options (NULL: the defaults) into @p c. false (reported) when
 * they name no profile. */
bool check_init(check_ctx *c, arena *a, const cdaimg_options *opts, cdaimg_diags *diags);
/* The path of the field @p at, then of what @p fmt formats under it
 * ("coding[0].system"); in c->arena, for a diagnostic. */
const char *cpath(check_ctx *c, const fpath *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* The path of the field @p at itself. */
const char *cfield(check_ctx *c, const fpath *at);
void check_nomem(check_ctx *c);
/* @p n bytes of zeroed memory in c->arena; NULL when out of memory (reported). */
void *check_alloc(check_ctx *c, size_t n);
/* A copy of @p s in c->arena (NULL for NULL, reported when out of memory). */
char *check_dup(check_ctx *c, const char *s);

/* --- check.c ------------------------------------------------------------------------------- */
/* The longest value (in bytes) the build takes, docs/input.md: libxml2
 * reads no text node or attribute value longer than 10,000,000 bytes back
 * (XML_MAX_TEXT_LENGTH), and one text node may join a few values. */
#define CHECK_MAX_VALUE ((size_t)1 << 20)
/* @p s (NULL passes) is a non-empty text XML 1.0 can carry, of at most
 * CHECK_MAX_VALUE bytes. */
bool check_text(check_ctx *c, const fpath *at, const char *s);
/* An identifier list: the first a DICOM UID (D2), the rest extra ids. NULL on error. */
prep_id *check_identifiers(check_ctx *c, const fpath *at, const cdaimg_identifier *ids, size_t n, size_t *n_out);
/* A FHIR dateTime as an HL7 TS (D7); NULL when absent or on error. */
const char *check_date(check_ctx *c, const fpath *at, const char *date);
/* A description as text (D6); NULL when absent or on error. */
const char *check_narrative(check_ctx *c, const fpath *at, const cdaimg_narrative *nar);

/* --- check_code.c -------------------------------------------------------------------------- */
/* A coding of system @p oid (urn:oid:<oid>) or of its URI @p uri. */
bool system_is(const char *sys, const char *oid, const char *uri);
/* The texts of a coded value: XML text; its `text` has no place (a warning). */
bool check_codings_text(check_ctx *c, const fpath *at, const cdaimg_concept *k);
/* The modality of a series (D1), the SOP class of an instance. */
bool check_modality(check_ctx *c, const fpath *at, const cdaimg_concept *k, prep_code *out);
bool check_sop_class(check_ctx *c, const fpath *at, const cdaimg_concept *k, prep_code *out);
/* A status (D3), as the code written. */
bool check_status(check_ctx *c, const fpath *at, const char *status, const char **out);
/* A coded value of a document from value set @p t (named @p vs_name in
 * messages): the coding found in @p t is written, else the first one (an
 * error when strict, a warning otherwise); its system must be one of @p t's,
 * as urn:oid:<OID> or a FHIR URI cdaimg knows (vocab.h). False on error. */
bool check_coded(check_ctx *c, const fpath *at, const cdaimg_concept *k, const vs_table *t, const char *vs_name,
                 prep_code *out);
/* @p n coded values, at "at[i]"; in c->arena. NULL on error (all reported). */
prep_code *check_coded_list(check_ctx *c, const fpath *at, const cdaimg_concept *ks, size_t n, const vs_table *t,
                            const char *vs_name);

/* --- check_series.c ------------------------------------------------------------------------ */
/* One series at @p at (NULL: at the top); the prepared values (in c->arena),
 * or NULL when errors were found (all reported). */
prep_series *check_series(check_ctx *c, const fpath *at, const cdaimg_series *s);
/* Build again the IID link of @p pi (pi->link_base set) with the document id,
 * which a CI-SIS profile sends as idCDA (D5). False on error (reported). */
bool relink_in_document(check_ctx *c, prep_instance *pi, const char *study_uid, const prep_id *accession,
                        const char *series_uid, const char *document_id);

/* --- check_study.c ------------------------------------------------------------------------- */
/* One study at @p at (NULL: at the top). NULL when errors were found. */
prep_study *check_study(check_ctx *c, const fpath *at, const cdaimg_study *s);
/* The @p n studies of a catalog (at "[i]" when there are several). NULL on error. */
prep_study **check_studies(check_ctx *c, const cdaimg_study *studies, size_t n);
/* The Study Instance UIDs of @p ps, each followed by ";": the seed of the ids
 * derived from the studies (docs/mapping.md); past SEED_MAX bytes, "sha1:" and
 * the 40 hexadecimal digits of their SHA-1 instead, so that an id costs the
 * same whatever the number of studies. In @p a; NULL when out of memory. */
#define SEED_MAX 1024
const char *prep_seed(arena *a, prep_study *const *ps, size_t n);
/* Warn (or, for @p act in an IMG-CR-IMG document, refuse) about what a Study
 * Act (@p act) or a catalog built on its own cannot carry: the accession
 * number; several series in one act (profiles with act_per_series). @p kind
 * is the target's doc_kind (target.h). */
void check_study_alone(check_ctx *c, const fpath *at, const prep_study *ps, int kind, bool act);

/* --- check_header.c ------------------------------------------------------------------------ */
/* The values of an IMG-CR-IMG document: its studies and its header, the IID
 * links built from a base naming the document, narrative references given.
 * *out (in c->arena) on CDAIMG_OK. */
cdaimg_status check_document(prep_document **out, check_ctx *c, const cdaimg_study *studies, size_t n,
                             const cdaimg_document_header *header);

#endif
