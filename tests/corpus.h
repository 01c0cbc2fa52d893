/*
 * corpus.h - generated FrSerieImagerie inputs for the round-trip tests
 * (build, then extract), and the field-by-field comparison of what
 * extraction gives back with the input, after the normalisations MAPPING.md
 * documents.
 */
#ifndef CDAIMG_TEST_CORPUS_H
#define CDAIMG_TEST_CORPUS_H

#include <stddef.h>

#include "cdaimg.h"

#define CORPUS_POOL 4096

/* What an input exercises (for coverage checks). */
typedef struct corpus_traits {
	size_t modality;   /* index into vs_modality */
	size_t sop_class;  /* index into vs_sop_class */
	int link_kind;     /* 0 ihe-iid, 1 dicom-wado-uri, 2 dicom-wado-rs */
	int date_form;     /* of the series date: 0 none, 1 YYYY, 2 YYYY-MM, 3 date, 4 dateTime, 5 with fraction */
	int zone;          /* of a series dateTime: 0 Z, 1 +00:00, 2 +hh:mm, 3 -hh:mm */
	int uid_form;      /* of the series UID: 0 urn:oid:, 1 bare, 2 no system, 3 urn:uuid: */
} corpus_traits;

/* One generated input; every string lives in the item (no allocation). */
typedef struct corpus_item {
	cdaimg_series s;
	cdaimg_instance inst;
	cdaimg_identifier series_ids[3], sop_ids[3];
	cdaimg_coding modality[3], sop_class, kind, media;
	const char *series_text; /* the text the series description carries; NULL: none */
	const char *inst_text;   /* same for the SOP instance description */
	corpus_traits traits;
	char pool[CORPUS_POOL];
	size_t used;
} corpus_item;

/* The @p i-th input of the corpus: deterministic, valid for the FR profile. */
void corpus_make(corpus_item *it, unsigned i);

/*
 * Compare extracted @p got with the input @p in after the documented
 * normalisations. @p series_text / @p inst_text are the texts the
 * descriptions carry (NULL: no description is expected back).
 * Returns NULL when they agree, else a description of the first difference
 * (static storage).
 */
const char *corpus_compare(const cdaimg_series *in, const char *series_text, const char *inst_text,
                           const cdaimg_series *got);

#endif
