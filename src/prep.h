/* SPDX-License-Identifier: MIT */
/*
 * prep.h - checked, normalised values: what the check stage (check.h) hands
 * to the mapping (map.h). Every string here is ready to be written as is
 * (UIDs converted, dates in HL7 TS, display names filled, narratives reduced
 * to text).
 */
#ifndef CDAIMG_PREP_H
#define CDAIMG_PREP_H

#include "arena.h"
#include "internal.h"
#include <cdaimg/imagelink.h>
#include "header.h"
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

/* Checked coded values: @p n of them at @p v. */
typedef struct code_list {
	const prep_code *v;
	size_t n;
} code_list;

/* The header after defaults and checks (header.h); every string ready to be written. */
typedef struct prep_header {
	const char *v[N_HF_STRINGS]; /* the string fields, defaults given, numbers prefixed (NULL: none) */
	const char *gender_name;     /* the display name of the gender */
	prep_code site;              /* the anatomical site */
	code_list cis;               /* the contre-indications (n 0: none known) */
} prep_header;

/* An IMG-CR-IMG document. */
typedef struct prep_document {
	const prep_header *h;
	prep_study **studies;
	size_t n;
	const char *seed; /* the Study Instance UIDs, each followed by ";": the seed of derived ids */
} prep_document;

#endif
