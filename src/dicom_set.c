/* SPDX-License-Identifier: MIT */
/*
 * dicom_set.c - the instances gathered from DICOM inputs (cdaimg_dicom_set):
 * each one block holding its attributes, trimmed of DICOM's padding.
 */
#include <stddef.h>
#include <string.h>

#include "dicom_int.h"

#define ATTR(k, tag, kw, vr, member) [k] = {tag, kw, vr, offsetof(cdaimg_dicom_instance, member)}
const dicom_attr_info dicom_attrs[DA_COUNT] = {
	ATTR(DA_STUDY_UID, "0020000D", "StudyInstanceUID", "UI", study_uid),
	ATTR(DA_SERIES_UID, "0020000E", "SeriesInstanceUID", "UI", series_uid),
	ATTR(DA_SOP_CLASS, "00080016", "SOPClassUID", "UI", sop_class),
	ATTR(DA_SOP_UID, "00080018", "SOPInstanceUID", "UI", sop_uid),
	ATTR(DA_MODALITY, "00080060", "Modality", "CS", modality),
	ATTR(DA_SERIES_DESC, "0008103E", "SeriesDescription", "LO", series_description),
	ATTR(DA_STUDY_DESC, "00081030", "StudyDescription", "LO", study_description),
	ATTR(DA_STUDY_DATE, "00080020", "StudyDate", "DA", study_date),
	ATTR(DA_STUDY_TIME, "00080030", "StudyTime", "TM", study_time),
	ATTR(DA_SERIES_DATE, "00080021", "SeriesDate", "DA", series_date),
	ATTR(DA_SERIES_TIME, "00080031", "SeriesTime", "TM", series_time),
	ATTR(DA_TZ, "00080201", "TimezoneOffsetFromUTC", "SH", timezone_offset),
	ATTR(DA_INSTANCE_NUMBER, "00200013", "InstanceNumber", "IS", instance_number),
	ATTR(DA_FRAMES, "00280008", "NumberOfFrames", "IS", frames),
	ATTR(DA_ACCESSION, "00080050", "AccessionNumber", "SH", accession),
	ATTR(DA_ISSUER, "00400032", "UniversalEntityID", "UT", accession_issuer),
	ATTR(DA_ISSUER_TYPE, "00400033", "UniversalEntityIDType", "CS", accession_issuer_type),
};

struct cdaimg_dicom_set {
	const char **items; /* each: DA_COUNT + 1 pointers (the source last), then the strings */
	size_t count, cap;
};

const char *dicom_attr(const cdaimg_dicom_instance *in, size_t i)
{
	return *(const char *const *)(const void *)((const char *)in + dicom_attrs[i].offset);
}

cdaimg_dicom_set *cdaimg_dicom_set_new(void) { return cd_calloc(1, sizeof(cdaimg_dicom_set)); }

size_t cdaimg_dicom_set_count(const cdaimg_dicom_set *set) { return set ? set->count : 0; }

void dicom_set_truncate(cdaimg_dicom_set *set, size_t n)
{
	while (set->count > n)
		cd_free((void *)set->items[--set->count]);
}

void cdaimg_dicom_set_free(cdaimg_dicom_set *set)
{
	if (!set)
		return;
	dicom_set_truncate(set, 0);
	cd_free(set->items);
	cd_free(set);
}

/* DICOM pads values with spaces (and UIDs with NUL, gone in C strings):
 * the value without them, as a start and a length. */
static size_t trimmed(const char *s, const char **start)
{
	if (!s) {
		*start = NULL;
		return 0;
	}
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	*start = s;
	return n;
}

/* The instance's block: pointers first, then its strings. */
const char *const *dicom_set_get(const cdaimg_dicom_set *set, size_t i)
{
	return (const char *const *)(const void *)set->items[i];
}

cdaimg_status cdaimg_dicom_set_add(cdaimg_dicom_set *set, const cdaimg_dicom_instance *in, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, set);
	CD_ARG(&dc, in);
	const char *start[DA_COUNT + 1];
	size_t len[DA_COUNT + 1], total = (DA_COUNT + 1) * sizeof(char *);
	for (size_t k = 0; k < DA_COUNT; k++) {
		len[k] = trimmed(dicom_attr(in, k), &start[k]);
		total += len[k] ? len[k] + 1 : 0;
	}
	start[DA_COUNT] = in->source ? in->source : "";
	len[DA_COUNT] = strlen(start[DA_COUNT]);
	total += len[DA_COUNT] + 1;
	if (set->count == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		const char **items = cd_realloc(set->items, cap * sizeof *items);
		if (!items)
			goto nomem;
		set->items = items;
		set->cap = cap;
	}
	char *block = cd_malloc(total);
	if (!block)
		goto nomem;
	const char **ptrs = (const char **)(void *)block;
	char *p = block + (DA_COUNT + 1) * sizeof(char *);
	for (size_t k = 0; k <= DA_COUNT; k++) {
		if (!len[k] && k < DA_COUNT) {
			ptrs[k] = NULL;
			continue;
		}
		memcpy(p, start[k], len[k]);
		p[len[k]] = '\0';
		ptrs[k] = p;
		p += len[k] + 1;
	}
	set->items[set->count++] = block;
	return CDAIMG_OK;
nomem:
	dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
	return CDAIMG_ENOMEM;
}
