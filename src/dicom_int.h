/* SPDX-License-Identifier: MIT */
/* dicom_int.h - shared by the DICOM readers (dicom_json.c, dicom_values.c, dicom_map.c, dicom_tz.c). */
#ifndef CDAIMG_DICOM_INT_H
#define CDAIMG_DICOM_INT_H

#include <stdint.h>

#include <cdaimg/dicom.h>
#include "internal.h"

/* The attributes of cdaimg_dicom_instance, by index (source excluded). */
enum {
	DA_STUDY_UID,
	DA_SERIES_UID,
	DA_SOP_CLASS,
	DA_SOP_UID,
	DA_MODALITY,
	DA_SERIES_DESC,
	DA_STUDY_DESC,
	DA_STUDY_DATE,
	DA_STUDY_TIME,
	DA_SERIES_DATE,
	DA_SERIES_TIME,
	DA_TZ,
	DA_INSTANCE_NUMBER,
	DA_FRAMES,
	DA_ACCESSION,
	DA_ISSUER,
	DA_ISSUER_TYPE,
	DA_COUNT
};

/* Tag ("0020000D"), keyword and VR of each attribute; the issuer's two are
 * items of 00080051 (tag_seq). */
typedef struct dicom_attr_info {
	const char *tag, *keyword, *vr;
	size_t offset; /* in cdaimg_dicom_instance */
} dicom_attr_info;
extern const dicom_attr_info dicom_attrs[DA_COUNT];
#define DICOM_TAG_ISSUER_SEQ "00080051"

/* The i-th attribute of @p in (NULL when absent). */
const char *dicom_attr(const cdaimg_dicom_instance *in, size_t i);
/* Drop the instances added after the first @p n (a text that failed half-way). */
void dicom_set_truncate(cdaimg_dicom_set *set, size_t n);
/* The attributes of the i-th instance, by DA_ index; [DA_COUNT] is its source. */
const char *const *dicom_set_get(const cdaimg_dicom_set *set, size_t i);

/* A time zone: a fixed offset, or the transitions of a tz database file. */
typedef struct tz_rule {
	int std_off, dst_off; /* seconds east of UTC */
	bool has_dst;
	int start_m, start_w, start_d, start_t; /* Mm.w.d/time (seconds) */
	int end_m, end_w, end_d, end_t;
} tz_rule;
typedef struct tz_zone {
	bool fixed;
	int offset; /* fixed: seconds east of UTC */
	size_t n_trans, n_types;
	int64_t *trans; /* transition instants (UTC seconds) */
	unsigned char *trans_type;
	int *type_off;  /* utoff of each type */
	bool has_rule;  /* the footer's rule, after the last transition */
	tz_rule rule;
} tz_zone;

/* Load @p name ("+01:00", "-0500", "Z", or a tz database name); errors at
 * path "timezone". */
bool tz_load(tz_zone *z, const char *name, diag_ctx *dc);
void tz_release(tz_zone *z);
/* Seconds east of UTC at the local time @p local (seconds since 1970 as if
 * it were UTC). */
int tz_offset_local(const tz_zone *z, int64_t local);
/* Days since 1970-01-01 of a civil date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
