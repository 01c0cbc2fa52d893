/* SPDX-License-Identifier: MIT */
/*
 * header.h - the fields of a document's header (cdaimg_document_header), each
 * described once: the check and the defaults (check_header.c), the JSON form
 * both ways (json.c) and the reading back (extract_header.c) walk this table;
 * the mapping (map_header.c) writes the values it prepared.
 */
#ifndef CDAIMG_HEADER_H
#define CDAIMG_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include <cdaimg/document.h>
#include "valuesets.h"

/* The fields, in the order of the struct. */
typedef enum hf_id {
	HF_DOCUMENT_ID_ROOT,
	HF_DOCUMENT_ID_EXT,
	HF_SET_ID_ROOT,
	HF_EFFECTIVE_TIME,
	HF_TITLE,
	HF_PATIENT_ID_ROOT,
	HF_PATIENT_INS,
	HF_PATIENT_GIVEN,
	HF_PATIENT_FAMILY,
	HF_PATIENT_GENDER,
	HF_PATIENT_BIRTH,
	HF_AUTHOR_RPPS,
	HF_AUTHOR_GIVEN,
	HF_AUTHOR_FAMILY,
	HF_ORGANIZATION_NAME,
	HF_ORGANIZATION_ID,
	HF_ANATOMICAL_SITE,
	HF_CONTRAINDICATIONS,
	N_HF,
	N_HF_STRINGS = HF_ANATOMICAL_SITE /* the fields before it are strings */
} hf_id;

typedef enum hf_kind {
	HF_OID,    /* an OID (II/@root) */
	HF_TEXT,   /* text, written as given */
	HF_DATE,   /* a FHIR date or dateTime, written as an HL7 TS (D7) */
	HF_GENDER, /* M, F or U (administrativeGenderCode) */
	HF_NUMBER, /* an RPPS or FINESS number, written with its prefix under its root */
	HF_CODE,   /* a CodeableConcept of a value set */
	HF_CODES   /* an array of them */
} hf_kind;

/* What a build writes for a field left out (NULL). */
typedef enum hf_default {
	HF_NONE,        /* nothing: an identity (refused) or an optional field */
	HF_DERIVED,     /* a 2.25 UID derived from the studies, with the salt `dflt` */
	HF_STUDY_DATE,  /* the first study's date */
	HF_FIXED        /* the text `dflt` */
} hf_default;

typedef struct header_field {
	const char *name; /* of the struct member, the JSON member, the path "header.<name>" */
	size_t off;       /* of the member */
	size_t n_off;     /* HF_CODES: of its count */
	hf_kind kind;
	/* an identity: required, as this message names it; NULL: not required */
	const char *what;
	hf_default dflt_kind;
	const char *dflt;
	/* Where the document has it (the build writes it there, extraction reads
	 * it there). A string: the elements `at` under the ClinicalDocument, and
	 * their attribute `attr` (NULL: their text). A code: the elements `at`
	 * anywhere in the document with the template id `tid` (and the code
	 * `code`), and their child element `attr`. */
	const char *at, *attr;
	const char *tid, *code;
	const char *label; /* what messages call it (an OID, a number, a code) */
	/* HF_NUMBER: the root of its id, and the prefix written before a number,
	 * which is plain_len characters of `chars` (`chars_name` in messages) */
	const char *root, *prefix;
	size_t plain_len;
	const char *chars, *chars_name;
	/* HF_CODE, HF_CODES: the value set, and its name in messages */
	const vs_table *vs;
	const char *vs_name;
} header_field;

extern const header_field header_fields[N_HF];

/* The string of field @p f (< N_HF_STRINGS) in @p h. */
const char *hf_string(const cdaimg_document_header *h, hf_id f);
/* The codes of field @p f (HF_CODE: one) in @p h, and how many in *n. */
const cdaimg_concept *hf_concepts(const cdaimg_document_header *h, hf_id f, size_t *n);

/* The administrative genders (HL7 AdministrativeGender): code, display. */
typedef struct gender {
	const char *code, *display;
} gender;
/* The gender of @p code, or NULL. */
const gender *gender_of_code(const char *code);

#endif
