/* SPDX-License-Identifier: MIT */
/* dicom_map.h - what dicom_map.c (grouping, the JSON form) and dicom_values.c
 * (each instance's attributes checked and converted) share. */
#ifndef CDAIMG_DICOM_MAP_H
#define CDAIMG_DICOM_MAP_H

#include "dicom_int.h"

typedef struct inst {
	const char *const *v; /* attributes; v[DA_COUNT] the source */
	size_t index;         /* input order */
	int64_t number, frames;
	bool has_number, has_frames, dropped;
	char series_date[48], study_date[48]; /* FHIR dateTime, "" when none */
} inst;

typedef struct series {
	inst **in;
	size_t n, first; /* first: the smallest input index */
} series;

typedef struct probe {
	char *code;
	bool sop, in;
} probe;

typedef struct mctx {
	diag_ctx dc;
	const cdaimg_dicom_options *o;
	tz_zone zone;
	bool has_zone;
	probe *probes;
	size_t n_probes;
} mctx;

void dm_nomem(mctx *m);
/* `00280008 NumberOfFrames "1A" of SOP instance 1.2.3: <message>` at the instance's source. */
void dm_say(mctx *m, const inst *in, size_t attr, cdaimg_severity sev, cdaimg_diag_code code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;
/* Why @p s is not a DICOM UID (PS3.5 9.1), NULL when it is one. */
const char *dm_uid_problem(const char *s);
/* Every attribute of one instance checked and converted (dates given their zone). */
bool dm_convert(mctx *m, inst *in);

#endif
