/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/imagelink.h - build the link to the images (decision D5) from a base
 * URL and the UIDs: IHE Invoke Image Display, WADO-URI or WADO-RS.
 *
 *     cdaimg_link_params p = {CDAIMG_LINK_WADO_RS, "https://pacs.example.org/dicom-web",
 *                             study_uid, series_uid, sop_uid};
 *     char *url = NULL;
 *     if (cdaimg_link_build(&url, &p, CDAIMG_PROFILE_FR, diags) == CDAIMG_OK) { ...; cdaimg_free(url); }
 *
 * Values are percent-encoded; the result passes the same link checks as an
 * input URL (it is checked before it is returned).
 */
#ifndef CDAIMG_IMAGELINK_H
#define CDAIMG_IMAGELINK_H

#include "build.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cdaimg_link_kind {
	CDAIMG_LINK_IID = 1,      /**< IHE Invoke Image Display (ihe-iid), the CI-SIS default */
	CDAIMG_LINK_WADO_URI = 2, /**< DICOM WADO-URI (dicom-wado-uri) */
	CDAIMG_LINK_WADO_RS = 3   /**< DICOM WADO-RS (dicom-wado-rs) */
} cdaimg_link_kind;

/** What a link is built from. Strings are borrowed. */
typedef struct cdaimg_link_params {
	cdaimg_link_kind kind;
	/** Absolute http(s) URL: the viewer (IID; "/IHEInvokeImageDisplay" is appended
	 *  unless the path already ends with it), the WADO-URI endpoint, or the
	 *  DICOMweb root (WADO-RS). */
	const char *base;
	const char *study_uid;  /**< Study Instance UID (IID: this or an accession number; WADO: required) */
	const char *series_uid; /**< Series Instance UID (WADO) */
	const char *sop_uid;    /**< SOP Instance UID (WADO) */
	const char *accession_root; /**< accession number's assigning authority OID (IID, optional) */
	const char *accession_ext;  /**< accession number (IID, optional) */
	const char *document_id;    /**< the CDA document id, sent as idCDA by the FR profile (IID, optional) */
	cdaimg_profile profile;     /**< whose recipe: CDAIMG_PROFILE_FR (0, the default) or another */
} cdaimg_link_params;

/**
 * Build the URL.
 * FR profile, IID: `Accessionnumber=<root>.<extension>` and `idCDA=<document id>`
 * (the ANS recipe); other profiles: `accessionNumber=<extension>`.
 * @param[out] out  caller frees with cdaimg_free()
 * @return CDAIMG_OK, CDAIMG_EINVALID (missing or bad value, reported), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_link_build(char **out, const cdaimg_link_params *params, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
