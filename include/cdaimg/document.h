/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/document.h - a whole IMG-CR-IMG ClinicalDocument: its header values
 * and the call that builds the document around the studies (docs/mapping.md,
 * installed in share/doc/cdaimg/docs/).
 *
 * Same rules as build.h: every value is checked first, all problems are
 * reported, and on error nothing is built.
 */
#ifndef CDAIMG_DOCUMENT_H
#define CDAIMG_DOCUMENT_H

#include "build.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Header values of an imaging report. Everything is borrowed.
 *
 * The identities have no default, so that a document never names a patient,
 * an author or an organization nobody gave: the patient (patient_id_root,
 * patient_ins, patient_given, patient_family, patient_gender, patient_birth),
 * the author (author_rpps, author_given, author_family), the organization,
 * author's and custodian (organization_name, organization_id), and the
 * anatomical site must be given. cdaimg_document_build refuses a header
 * without one of them, with one CDAIMG_D_REQUIRED diagnostic per missing
 * field ("header.patient_family"); an empty string is refused the same way.
 *
 * The other fields are not identities: left NULL, they are derived from the
 * studies, so the same input always gives the same document: document_id_root
 * and set_id_root (2.25 UIDs from the Study Instance UIDs), effective_time (the
 * first study's date), title ("CR d’imagerie médicale", the name of the
 * document's code); document_id_ext is then absent, and no contre-indication
 * is known (see docs/mapping.md).
 *
 * Fictitious values, for examples and tests, are one explicit call:
 * cdaimg_document_header_sample().
 */
typedef struct cdaimg_document_header {
	const char *document_id_root;  /**< ClinicalDocument/id/@root (OID); NULL: derived */
	const char *document_id_ext;   /**< ClinicalDocument/id/@extension; NULL: none */
	const char *set_id_root;       /**< setId/@root (OID); NULL: derived */
	const char *effective_time;    /**< FHIR dateTime of the document; NULL: the first study's date */
	const char *title;             /**< title; NULL: "CR d’imagerie médicale" */
	const char *patient_id_root;   /**< required: OID of the patient identifier (1.2.250.1.213.1.4.8: INS-NIR) */
	const char *patient_ins;       /**< required: patient identifier (INS), extension */
	const char *patient_given;     /**< required: given name */
	const char *patient_family;    /**< required: family name */
	const char *patient_gender;    /**< required: administrativeGenderCode: M, F, U */
	const char *patient_birth;     /**< required: FHIR date of birth */
	const char *author_rpps;       /**< required: author's RPPS number (11 digits; written with the "8" prefix) */
	const char *author_given;      /**< required */
	const char *author_family;     /**< required */
	const char *organization_name; /**< required: custodian / author organization */
	const char *organization_id;   /**< required: its FINESS number (9 characters; written with the "1" prefix) */
	/** The anatomical site of the imaging act: the targetSiteCode of the
	 *  FR-DICOM-Technique-imagerie procedure of every study, a code of
	 *  JDV_LocalisationAnatomique_CISIS (1.2.250.1.213.1.1.5.694, SNOMED CT),
	 *  which the volume requires there (the DICOM profiles want exactly one).
	 *  The coding found in the value set is written, else the first. Required
	 *  (path "header.anatomical_site"). */
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
 * The sample header: a fictitious patient (CAMILLE EXEMPLE, born 1979-03-28,
 * INS 279035121518989 under the test OID 1.2.250.1.213.1.4.10), author
 * (Jacques RADIOLOGUE, RPPS 01234560801) and organization (Centre d'imagerie
 * exemple, FINESS 920008059), the anatomical site 302551006 "thorax entier"
 * (SNOMED CT), no contre-indication known, and the derived fields NULL. For
 * examples and tests only: never for a real patient. Static storage, valid for
 * the life of the program, safe to share between threads. To change a field,
 * copy it:
 *
 *     cdaimg_document_header h = *cdaimg_document_header_sample();
 *     h.document_id_root = "1.2.250.1.999.9.42";
 */
CDAIMG_EXPORT const cdaimg_document_header *cdaimg_document_header_sample(void);

/** Free a header cdaimg returned (cdaimg_json_read_header(),
 *  cdaimg_extract_header()): one block, its strings included. NULL is a no-op.
 *  Never for a header of the caller's own or the sample. */
CDAIMG_EXPORT void cdaimg_document_header_free(cdaimg_document_header *header);

/**
 * Build a complete IMG-CR-IMG ClinicalDocument (header, FR-DICOM-Acte-imagerie
 * section holding the object catalog, and the other sections the volume
 * requires) for @p studies. Codes outside their value set (anatomical site,
 * contre-indications) are errors when opts->strict, warnings otherwise.
 * Studies with several series are written as one Study Act per series
 * (same Study Instance UID), because the volume's rule
 * E_ExamenImagerie_IMG-CR-IMG-1 counts exactly one series per study act.
 * @param[out] out  a new document; caller frees with xmlFreeDoc(); NULL on failure
 * @param header    borrowed; required (NULL is CDAIMG_EARG: there are no hidden
 *                  sample values; pass cdaimg_document_header_sample() for them)
 * @return CDAIMG_OK, CDAIMG_EINVALID (a header without one of its identities
 *         or its anatomical site included), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_document_build(xmlDocPtr *out, const cdaimg_study *studies, size_t n_studies,
                                                  const cdaimg_document_header *header,
                                                  const cdaimg_options *opts, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
