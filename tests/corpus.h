/* SPDX-License-Identifier: MIT */
/*
 * corpus.h - generated FrSerieImagerie inputs for the round-trip tests
 * (build, then extract), and the field-by-field comparison of what
 * extraction gives back with the input, after the normalisations MAPPING.md
 * documents.
 */
#ifndef CDAIMG_TEST_CORPUS_H
#define CDAIMG_TEST_CORPUS_H

#include <stddef.h>

#include <cdaimg/cdaimg.h>

#define CORPUS_POOL 8192
#define CORPUS_MAX_INST 3

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
	cdaimg_instance inst[CORPUS_MAX_INST];
	cdaimg_identifier series_ids[3], sop_ids[CORPUS_MAX_INST][3];
	cdaimg_coding modality[3], sop_class[CORPUS_MAX_INST], kind, media;
	const char *series_text;                  /* the text the series description carries; NULL: none */
	const char *inst_text[CORPUS_MAX_INST];   /* same for each SOP instance description */
	cdaimg_profile profile;
	corpus_traits traits;
	char pool[CORPUS_POOL];
	size_t used;
} corpus_item;

/* The @p i-th input of the corpus: deterministic, valid for the FR profile,
 * its links naming the study 1.2.250.1.999.<i+1>. */
void corpus_make(corpus_item *it, unsigned i);

/* The same for @p profile (dicom and ccda: one to three instances, fewer
 * identifier forms, frame counts the profile can list), the links naming
 * @p study_uid (NULL: as corpus_make). */
void corpus_make_in(corpus_item *it, unsigned i, cdaimg_profile profile, const char *study_uid);

/* A generated dateTime / description for studies (strings in @p it). */
const char *corpus_date(corpus_item *it, unsigned i);
void corpus_description(corpus_item *it, unsigned i, cdaimg_narrative *out, const char **text);

/*
 * Compare extracted @p got with the input @p in after the documented
 * normalisations. @p series_text / @p inst_texts (one per instance; NULL:
 * none) are the texts the descriptions carry (NULL: no description is
 * expected back); @p profile gives the language of filled-in displays.
 * Returns NULL when they agree, else a description of the first difference
 * (static storage).
 */
const char *corpus_compare(const cdaimg_series *in, const char *series_text, const char *const *inst_texts,
                           cdaimg_profile profile, const cdaimg_series *got);
/* corpus_compare on a generated item. */
const char *corpus_check(const corpus_item *it, const cdaimg_series *got);

/* The same checks for a study: ids, dateActe, description (@p text), and the
 * series, compared with @p items (one per series). */
const char *corpus_compare_study(const cdaimg_study *in, const char *text, const corpus_item *const *items,
                                 const cdaimg_study *got);

#endif
