/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/model.h - the input values: the ANS logical models FrSerieImagerie,
 * FrSOPInstance and FrExamenImagerie as plain C structs.
 *
 * Every string is borrowed: the caller keeps it alive for the duration of the
 * call and cdaimg never frees it. Strings are UTF-8. NULL (or a zero count)
 * means "absent", so `cdaimg_series s = {0};` is a valid start. FHIR datatypes
 * keep their FHIR spelling (systems such as "urn:dicom:uid", dateTime such as
 * "2024-03-12T10:31:05+01:00"); cdaimg converts them (see docs/mapping.md).
 */
#ifndef CDAIMG_MODEL_H
#define CDAIMG_MODEL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** FHIR Identifier. */
typedef struct cdaimg_identifier {
	const char *system; /**< Identifier.system, e.g. "urn:dicom:uid" or "urn:oid:1.2.3" */
	const char *value;  /**< Identifier.value, e.g. "urn:oid:1.2.3.4", "urn:uuid:..." or bare */
} cdaimg_identifier;

/** FHIR Coding. */
typedef struct cdaimg_coding {
	const char *system;  /**< Coding.system */
	const char *code;    /**< Coding.code */
	const char *display; /**< Coding.display (optional; filled from the value sets when absent) */
} cdaimg_coding;

/** FHIR CodeableConcept. */
typedef struct cdaimg_concept {
	const cdaimg_coding *codings; /**< CodeableConcept.coding */
	size_t n_codings;
	const char *text; /**< CodeableConcept.text (optional, not mapped to CDA) */
} cdaimg_concept;

/** FHIR Narrative: an XHTML div (decision D6), or plain text. */
typedef struct cdaimg_narrative {
	const char *status; /**< Narrative.status ("generated", "additional", ...) */
	const char *div;    /**< Narrative.div: "<div xmlns=\"http://www.w3.org/1999/xhtml\">...</div>" */
	/** Plain UTF-8 text instead of div, for callers that have text rather than
	 *  markup: written as it is ("Scanner & contraste" needs no escaping; "<"
	 *  is a character), lines separated by "\n". Give div or text, not both;
	 *  the JSON form has div only (FHIR). */
	const char *text;
} cdaimg_narrative;

/** FrSerieImagerie.referenceWado: the link to the images (decision D5). */
typedef struct cdaimg_image_link {
	cdaimg_concept kind;       /**< referenceWado.iHEInvokeImage: ihe-iid, dicom-wado-uri, dicom-wado-rs */
	cdaimg_concept media_type; /**< referenceWado.typeMedia: application/dicom */
	const char *reference;     /**< referenceWado.reference: the URL */
	/** Base URL to build the reference from when `reference` is NULL (D5,
	 *  see imagelink.h): the viewer, WADO-URI endpoint or DICOMweb root.
	 *  WADO links need the study: give the series inside a study. An IID
	 *  link also gets the study's accession number, and in a document built
	 *  by cdaimg_document_build the document id (idCDA, FR profile). */
	const char *base;
} cdaimg_image_link;

/** FrSOPInstance. */
typedef struct cdaimg_instance {
	const cdaimg_identifier *ids; /**< instanceSOP.uuidSOPInstance (1..*; the first is the SOP Instance UID) */
	size_t n_ids;
	cdaimg_concept sop_class;      /**< instanceSOP.classeSOP (JDV 1.2.250.1.213.1.1.5.689) */
	cdaimg_narrative description;  /**< instanceSOP.description (0..1) */
	const char *status;            /**< instanceSOP.statut (D3: completed, active, ...) */
	const char *date;              /**< instanceSOP.date (0..1, FHIR dateTime) */
	int has_frame_count;           /**< non-zero when nombreCadresReferences is given */
	int64_t frame_count;           /**< instanceSOP.nombreCadresReferences (D4, >= 1) */
	/** Link of this instance when a series carries several (D8, profiles dicom
	 *  and ccda). When link.reference is NULL the series' referenceWado applies. */
	cdaimg_image_link link;
} cdaimg_instance;

/** FrSerieImagerie. */
typedef struct cdaimg_series {
	const cdaimg_identifier *ids;  /**< uuidSerie (1..*; the first is the Series Instance UID) */
	size_t n_ids;
	cdaimg_concept modality;       /**< code: the acquisition modality (D1; JDV 1.2.250.1.213.1.1.5.618) */
	cdaimg_narrative description;  /**< description (0..1) */
	const char *date;              /**< date (0..1, FHIR dateTime) */
	const cdaimg_instance *instances; /**< instanceSOP (exactly 1 in the FR profile, D8) */
	size_t n_instances;
	cdaimg_image_link link;        /**< referenceWado */
} cdaimg_series;

/** FrExamenImagerie: an imaging study. */
typedef struct cdaimg_study {
	const cdaimg_identifier *ids; /**< uuidInstanceExamen (1..*; the first is the Study Instance UID) */
	size_t n_ids;
	const char *date;             /**< dateActe (FHIR dateTime; required in IMG-CR-IMG) */
	cdaimg_narrative description; /**< description (0..1) */
	cdaimg_identifier accession;  /**< accessionNumber (0..1; system = assigning OID as urn:oid:) */
	const cdaimg_series *series;  /**< serieImagerie (1..*) */
	size_t n_series;
} cdaimg_study;

#ifdef __cplusplus
}
#endif
#endif
