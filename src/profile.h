/* SPDX-License-Identifier: MIT */
/*
 * profile.h - the template families (MAPPING.md §2, §5) and the languages of
 * the fixed display names: what the check, the mapping, extraction and
 * validation read, each written once in profile.c. Code decides by the
 * fields of these tables, never by which profile it is.
 */
#ifndef CDAIMG_PROFILE_H
#define CDAIMG_PROFILE_H

#include <stdbool.h>

#include <cdaimg/build.h>
#include "valuesets.h"

/* The entries whose template ids depend on the family. */
typedef enum tid_role {
	ROLE_STUDY,    /* the Study Act */
	ROLE_SERIES,   /* the Series Act */
	ROLE_SOP,      /* the SOP Instance Observation */
	ROLE_FRAMES,   /* Referenced Frames (D4) */
	ROLE_BOUNDARY, /* Frames for Display, inside it */
	ROLE_CATALOG,  /* the DICOM Object Catalog section */
	N_ROLES
} tid_role;

typedef struct profile_def {
	const char *name;  /* as the CLI names it: "fr", "dicom", "ccda" */
	const char *title; /* in messages: "FR", "DICOM PS3.20", "C-CDA" */
	/* the template ids written on each entry, NULL past the last */
	const char *tid[N_ROLES][2];
	cdaimg_lang lang;  /* the display language when the options give none */
	bool cisis;        /* French CI-SIS: what French documents' rules want (IMG-CR-IMG
	                      documents are built with it), IID links by the ANS recipe (D5) */
	bool frames_as_list;  /* D4: one INT value per frame, not an IVL_INT */
	bool one_instance;    /* D8: exactly one SOP instance per series */
	bool one_id;          /* exactly one identifier per study, series and instance */
	bool series_id_root;  /* a Series Act's ids have no extension */
	bool bare_sop_in_catalog; /* no children of a SOP Instance Observation inside a catalog */
	bool act_per_series;  /* a catalog holds one Study Act per series (IMG-CR-IMG) */
} profile_def;

/* The profile @p p, or NULL when it is none of cdaimg_profile. */
const profile_def *profile_get(cdaimg_profile p);
/* Whether @p root is the template id of @p role in some profile. */
bool profile_tid_is(tid_role role, const char *root);

/* Frames written one INT value each (frames_as_list): at most this many. */
#define MAX_LISTED_FRAMES 65536

/* The names the mapping writes in one language. */
#define CATALOG_COLUMNS 5
typedef struct lang_names {
	const char *code;                      /* "fr", "en" */
	const char *study, *series, *modality; /* displayName of 113014, 113015, 121139 */
	const char *catalog;                   /* title of the object catalog, displayName of 121181 */
	const char *heads[CATALOG_COLUMNS];    /* the column headings of its narrative table */
	const vs_table *modalities;            /* where the modality codes' display names are */
} lang_names;

/* The names of @p lang (CDAIMG_LANG_FR or CDAIMG_LANG_EN); NULL for any other value. */
const lang_names *lang_get(cdaimg_lang lang);

#endif
