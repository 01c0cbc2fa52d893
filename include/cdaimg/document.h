/*
 * cdaimg/document.h - around the series: the Study Act (FR-DICOM-Examen-imagerie),
 * the DICOM Object Catalog section (FR-DICOM-Object-Catalog) with its narrative
 * block, and a whole IMG-CR-IMG ClinicalDocument (MAPPING.md §4, D6).
 *
 * Same rules as build.h: every value is checked first, all problems are
 * reported, and on error nothing is added to the caller's document.
 */
#ifndef CDAIMG_DOCUMENT_H
#define CDAIMG_DOCUMENT_H

#include "build.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Check @p study and build its Study Act (with its Series Acts, descriptions
 * inline) as the last child of @p parent.
 * @param[out] out  the new `act` (owned by parent's document); may be NULL
 * @return CDAIMG_OK, CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_study_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *study,
                                               const cdaimg_options *opts, cdaimg_diags *diags);

/**
 * Build the DICOM Object Catalog section holding @p n_studies Study Acts, with
 * its narrative table; descriptions go into the narrative as <content ID>
 * and the entries point to them with <reference value="#..."/> (D6).
 * @param[out] out  the new `section` (owned by parent's document); may be NULL
 */
CDAIMG_EXPORT cdaimg_status cdaimg_section_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *studies,
                                                 size_t n_studies, const cdaimg_options *opts,
                                                 cdaimg_diags *diags);

/**
 * Header values of an imaging report. Every field is optional: NULL (or 0)
 * takes a documented sample default (a fictitious patient, author and
 * custodian), so that `cdaimg_document_build(&doc, studies, n, NULL, ...)`
 * gives a complete sample document.
 */
typedef struct cdaimg_document_header {
	const char *document_id_root;  /**< ClinicalDocument/id/@root (OID) */
	const char *document_id_ext;   /**< ClinicalDocument/id/@extension */
	const char *set_id_root;       /**< setId/@root */
	const char *effective_time;    /**< FHIR dateTime of the document */
	const char *title;             /**< title */
	const char *patient_ins;       /**< patient identifier (INS), extension */
	const char *patient_given;     /**< given name */
	const char *patient_family;    /**< family name */
	const char *patient_gender;    /**< administrativeGenderCode: M, F, U */
	const char *patient_birth;     /**< FHIR date of birth */
	const char *author_rpps;       /**< author's RPPS number */
	const char *author_given;
	const char *author_family;
	const char *organization_name; /**< custodian / author organization */
	const char *organization_id;   /**< its identifier (FINESS) */
} cdaimg_document_header;

/**
 * Build a complete IMG-CR-IMG ClinicalDocument (header, FR-DICOM-Acte-imagerie
 * section holding the object catalog, and the other sections the volume
 * requires) for @p studies.
 * @param[out] out  a new document; caller frees with xmlFreeDoc()
 * @param header    NULL for the sample defaults
 */
CDAIMG_EXPORT cdaimg_status cdaimg_document_build(xmlDocPtr *out, const cdaimg_study *studies, size_t n_studies,
                                                  const cdaimg_document_header *header,
                                                  const cdaimg_options *opts, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
