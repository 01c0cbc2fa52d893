/* SPDX-License-Identifier: MIT */
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
 * inline) as the last child of @p parent (e.g. an `entry`). Each series is
 * checked with the study's UID for link consistency; field paths of the
 * series start with "serieImagerie." (one series) or "serieImagerie[i].".
 * @param[out] out  the new `act` (owned by parent's document); may be NULL
 * @return CDAIMG_OK, CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG. On failure
 *         the document is unchanged and *out is NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_study_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *study,
                                               const cdaimg_options *opts, cdaimg_diags *diags);

/**
 * Build the DICOM Object Catalog section holding @p n_studies Study Acts, with
 * its narrative table; descriptions go into the narrative as <content ID>
 * and the entries point to them with <reference value="#..."/> (D6).
 * Narrative IDs are "ex-NN", "ex-NN-serie-NN", "ex-NN-serie-NN-sop-NN"; when
 * the caller's document already has IDs starting with "ex-", the prefix
 * becomes "cat2-ex", "cat3-ex", ... so IDs stay unique in the document and
 * the output stays the same for the same input and document.
 * @param[out] out  the new `section` (owned by parent's document); may be NULL
 * @param parent    where the section goes (e.g. a `component`)
 * @param studies   borrowed; @p n_studies >= 1
 * @return CDAIMG_OK, CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG. On failure
 *         the document is unchanged and *out is NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_section_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *studies,
                                                 size_t n_studies, const cdaimg_options *opts,
                                                 cdaimg_diags *diags);

/**
 * Header values of an imaging report. The strings are optional: NULL takes a
 * documented sample default (a fictitious patient, author and organization,
 * see docs/mapping.md). The anatomical site has no default in a header: a
 * header must give it. A NULL header is the whole sample (its
 * anatomical site is "thorax entier", and no contre-indication is known), so
 * that `cdaimg_document_build(&doc, studies, n, NULL, NULL, diags)` gives a
 * complete sample document. Everything is borrowed.
 * Identifiers not given (document id, set id, section and entry ids) are
 * derived from the Study Instance UIDs, so the same input always gives the
 * same document.
 */
typedef struct cdaimg_document_header {
	const char *document_id_root;  /**< ClinicalDocument/id/@root (OID); default derived */
	const char *document_id_ext;   /**< ClinicalDocument/id/@extension; default none */
	const char *set_id_root;       /**< setId/@root (OID); default derived */
	const char *effective_time;    /**< FHIR dateTime of the document; default the first study's date */
	const char *title;             /**< title; default "CR d'imagerie médicale" */
	const char *patient_id_root;   /**< OID of the patient identifier; default 1.2.250.1.213.1.4.10 (INS-NIR, test) */
	const char *patient_ins;       /**< patient identifier (INS), extension */
	const char *patient_given;     /**< given name */
	const char *patient_family;    /**< family name */
	const char *patient_gender;    /**< administrativeGenderCode: M, F, U */
	const char *patient_birth;     /**< FHIR date of birth */
	const char *author_rpps;       /**< author's RPPS number (11 digits; written with the "8" prefix) */
	const char *author_given;
	const char *author_family;
	const char *organization_name; /**< custodian / author organization */
	const char *organization_id;   /**< its FINESS number (9 characters; written with the "1" prefix) */
	/** The anatomical site of the imaging act: the targetSiteCode of the
	 *  FR-DICOM-Technique-imagerie procedure of every study, a code of
	 *  JDV_LocalisationAnatomique_CISIS (1.2.250.1.213.1.1.5.694, SNOMED CT),
	 *  which the volume requires there (the DICOM profiles want exactly one).
	 *  The coding found in the value set is written, else the first. Required:
	 *  the build refuses a header without it (path "header.anatomical_site"). */
	cdaimg_concept anatomical_site;
	/** The patient's known contre-indications (0..*), codes of
	 *  JDV_Contre_indications_CISIS (1.2.250.1.213.1.1.5.659): one
	 *  FR-DICOM-Observation coded 64100-1 each in FR-DICOM-Historique-medical.
	 *  None: one observation saying that no contre-indication is known
	 *  (docs/mapping.md says how the volume's rules let it be written). */
	const cdaimg_concept *contraindications;
	size_t n_contraindications;
} cdaimg_document_header;

/**
 * Build a complete IMG-CR-IMG ClinicalDocument (header, FR-DICOM-Acte-imagerie
 * section holding the object catalog, and the other sections the volume
 * requires) for @p studies. Codes outside their value set (anatomical site,
 * contre-indications) are errors when opts->strict, warnings otherwise.
 * Studies with several series are written as one Study Act per series
 * (same Study Instance UID), because the volume's rule
 * E_ExamenImagerie_IMG-CR-IMG-1 counts exactly one series per study act.
 * @param[out] out  a new document; caller frees with xmlFreeDoc(); NULL on failure
 * @param header    NULL for the sample defaults
 * @return CDAIMG_OK, CDAIMG_EINVALID (a header without an anatomical site
 *         included), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_document_build(xmlDocPtr *out, const cdaimg_study *studies, size_t n_studies,
                                                  const cdaimg_document_header *header,
                                                  const cdaimg_options *opts, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
