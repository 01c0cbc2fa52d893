/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/dicom.h - values from what the PACS says: the attributes of DICOM
 * instances (the DICOM JSON model of PS3.18 annex F, as QIDO-RS and WADO-RS
 * metadata answer, or read from Part 10 files by libcdaimg-dicom, see
 * dicomfile.h) grouped into studies and series and mapped to the values of
 * model.h (FrExamenImagerie, FrSerieImagerie, FrSOPInstance).
 *
 *     cdaimg_dicom_options o = CDAIMG_DICOM_OPTIONS_INIT;
 *     o.link_base = "https://pacs.example.org/viewer";   // the image server
 *     cdaimg_values *studies = NULL;
 *     if (cdaimg_dicom_json_read(&studies, text, len, &o, diags) == CDAIMG_OK)
 *         ... cdaimg_section_build(..., cdaimg_values_get(studies, 0)->study, ...) ...
 *     cdaimg_values_free(studies);
 *
 * Several inputs (files, responses) make one set, grouped together:
 *
 *     cdaimg_dicom_set *set = cdaimg_dicom_set_new();
 *     cdaimg_dicom_set_add_json(set, text1, len1, "series.json", diags);
 *     cdaimg_dicom_set_add(set, &instance, diags);        // attributes read elsewhere
 *     cdaimg_dicom_set_studies(&studies, set, &o, diags);
 *     cdaimg_dicom_set_free(set);
 *
 * What goes where (docs/mapping.md, "From DICOM"): 0020000D, 0020000E,
 * 00080018 the UIDs; 00080060 the modality; 00080016 the SOP class;
 * 00080021/00080031 the series date (00080020/00080030, the study's, when the
 * series has none), 00080020/00080030 the study date, in the zone of
 * 00080201 or of the options; 0008103E, 00081030 the descriptions; 00280008
 * the frame count; 00080050 the accession number, with the ISO issuer of
 * 00080051 as its root. Stored instances are "completed". The link of each
 * series is referenceWado.base: the build makes it with the link builder
 * (imagelink.h) from the UIDs (and, for IID, the accession number and, in a
 * document, the document id).
 *
 * Series whose modality is not in the profile's value set (SR, SEG, KO, PR,
 * RTDOSE, ...: not imaging acquisitions), and instances whose SOP class is
 * not in it, are left out with a warning naming them (errors when
 * opts->strict_modalities). Bad values are errors naming the tag, its keyword, the value
 * and the SOP instance: `00280008 NumberOfFrames "1A" of SOP instance 1.2.3:
 * not an integer`; ACR-NEMA forms of dates and times (1997.04.24, 14:04:38)
 * are read with a warning. Diagnostic paths start with the instance's
 * source (see cdaimg_dicom_instance.source).
 *
 * Thread safety: no shared state; a set belongs to one thread at a time.
 */
#ifndef CDAIMG_DICOM_H
#define CDAIMG_DICOM_H

#include "diag.h"
#include "imagelink.h"
#include "values.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The attributes of one DICOM instance that the mapping reads, as text in
 * DICOM's own forms (DA "20040119", TM "072730.5", IS "12", the UIDs), in
 * UTF-8 (already converted from the Specific Character Set). NULL or empty:
 * absent. Every string is borrowed and copied by cdaimg_dicom_set_add.
 */
typedef struct cdaimg_dicom_instance {
	/** Where the instance comes from, the start of the path of every
	 *  diagnostic about it: a file name, or a JSON path ("series.json$[3]").
	 *  NULL: "". */
	const char *source;
	const char *study_uid;          /**< 0020000D StudyInstanceUID (required) */
	const char *series_uid;         /**< 0020000E SeriesInstanceUID (required) */
	const char *sop_class;          /**< 00080016 SOPClassUID (required) */
	const char *sop_uid;            /**< 00080018 SOPInstanceUID (required) */
	const char *modality;           /**< 00080060 Modality (required) */
	const char *series_description; /**< 0008103E SeriesDescription */
	const char *study_description;  /**< 00081030 StudyDescription */
	const char *study_date;         /**< 00080020 StudyDate (DA) */
	const char *study_time;         /**< 00080030 StudyTime (TM) */
	const char *series_date;        /**< 00080021 SeriesDate (DA) */
	const char *series_time;        /**< 00080031 SeriesTime (TM) */
	const char *timezone_offset;    /**< 00080201 TimezoneOffsetFromUTC ("+0100") */
	const char *instance_number;    /**< 00200013 InstanceNumber (IS) */
	const char *frames;             /**< 00280008 NumberOfFrames (IS) */
	const char *accession;          /**< 00080050 AccessionNumber */
	/** 00080051 IssuerOfAccessionNumberSequence, first item: 00400032
	 *  UniversalEntityID and 00400033 UniversalEntityIDType ("ISO": an OID). */
	const char *accession_issuer;
	const char *accession_issuer_type;
} cdaimg_dicom_instance;

/** Which SOP instances of a series become values. */
typedef enum cdaimg_dicom_pick {
	/** The first by InstanceNumber (then by SOP Instance UID): the FR profile
	 *  holds one SOP instance per series (D8). */
	CDAIMG_DICOM_FIRST = 0,
	/** Every instance (profiles dicom and ccda). */
	CDAIMG_DICOM_ALL = 1
} cdaimg_dicom_pick;

/** How instances become values. Start from CDAIMG_DICOM_OPTIONS_INIT. */
typedef struct cdaimg_dicom_options {
	cdaimg_profile profile;      /**< the profile the values are for (value sets, frames); default FR */
	/** The image server: the base URL the links are built from (imagelink.h).
	 *  Required (referenceWado is required by the model). Borrowed. */
	const char *link_base;
	/** The kind of link; 0: CDAIMG_LINK_IID in the FR profile, CDAIMG_LINK_WADO_RS otherwise. */
	cdaimg_link_kind link_kind;
	/** The zone of dates and times of instances without 00080201: an offset
	 *  ("+01:00", "-0500", "Z") or a tz database name ("Europe/Paris", daylight
	 *  saving time included). NULL: none, and a time without 00080201 is an
	 *  error. Borrowed. */
	const char *timezone;
	cdaimg_dicom_pick pick;      /**< CDAIMG_DICOM_FIRST (default) or CDAIMG_DICOM_ALL */
	/** Non-zero: a series or an instance left out (its modality is not an
	 *  imaging acquisition of the profile's value set) is an error, not a warning. */
	int strict_modalities;
} cdaimg_dicom_options;

#define CDAIMG_DICOM_OPTIONS_INIT { CDAIMG_PROFILE_FR, NULL, (cdaimg_link_kind)0, NULL, CDAIMG_DICOM_FIRST, 0 }

/** Instances gathered from one or more inputs. */
typedef struct cdaimg_dicom_set cdaimg_dicom_set;

/** A new empty set; caller frees with cdaimg_dicom_set_free(). NULL when out of memory. */
CDAIMG_EXPORT cdaimg_dicom_set *cdaimg_dicom_set_new(void);
/** Free the set. NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_dicom_set_free(cdaimg_dicom_set *set);
/** Number of instances added (0 for NULL). */
CDAIMG_EXPORT size_t cdaimg_dicom_set_count(const cdaimg_dicom_set *set);

/**
 * Add one instance (its strings are copied; the values are judged by
 * cdaimg_dicom_set_studies).
 * @return CDAIMG_OK, CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_dicom_set_add(cdaimg_dicom_set *set, const cdaimg_dicom_instance *instance,
                                                 cdaimg_diags *diags);

/**
 * Add the instances of a DICOM JSON text: one instance object (what
 * dcm2json writes) or an array of them (a QIDO-RS or WADO-RS metadata
 * response). Attributes are read by tag (upper or lower case hex); a value
 * of another VR than the tag's, a value of the wrong JSON type, and
 * attributes given as BulkDataURI or InlineBinary are errors; other tags are
 * not looked at. JSON syntax, duplicate keys and invalid UTF-8 are errors
 * with the line and column.
 * @param source  the start of the instances' sources ("series.json": they
 *                are "series.json$[3]"); NULL: "" ("$[3]", or "$" for one object)
 * @return CDAIMG_OK (warnings possible), CDAIMG_EPARSE (not JSON),
 *         CDAIMG_EINVALID (not the DICOM JSON model; nothing was added),
 *         CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_dicom_set_add_json(cdaimg_dicom_set *set, const char *text, size_t len,
                                                      const char *source, cdaimg_diags *diags);

/**
 * Check, group and map the instances of the set: one FrExamenImagerie per
 * Study Instance UID (in the order they first appear), one FrSerieImagerie
 * per Series Instance UID, its SOP instances chosen by opts->pick. A SOP
 * Instance UID given twice in a series is kept once (a warning).
 * @param[out] out  the studies (items of kind CDAIMG_ITEM_STUDY); caller frees
 *                  with cdaimg_values_free(). NULL on any error.
 * @param opts      required: link_base must be given
 * @return CDAIMG_OK (warnings possible), CDAIMG_EINVALID (a bad value, or no
 *         series left: every problem reported), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_dicom_set_studies(cdaimg_values **out, const cdaimg_dicom_set *set,
                                                     const cdaimg_dicom_options *opts, cdaimg_diags *diags);

/**
 * One DICOM JSON text to studies: cdaimg_dicom_set_add_json (source "")
 * then cdaimg_dicom_set_studies.
 * @return as those two.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_dicom_json_read(cdaimg_values **out, const char *text, size_t len,
                                                   const cdaimg_dicom_options *opts, cdaimg_diags *diags);

/**
 * The offset from UTC, in minutes, of a local date and time in @p zone (an
 * offset such as "+01:00", "-0500", "Z", or a tz database name, read from
 * $TZDIR or /usr/share/zoneinfo). A local time that a zone skips (clocks
 * going forward) gets the offset before the change, one that it repeats the
 * first (summer time) one.
 * @param[out] out   minutes east of UTC
 * @param local      "YYYY-MM-DDThh:mm:ss" (seconds may be left out); NULL: any time (offsets only)
 * @return CDAIMG_OK, CDAIMG_EINVALID (unknown zone or bad time; reported,
 *         path "timezone"), CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_dicom_zone_offset(int *out, const char *zone, const char *local,
                                                     cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
