/* SPDX-License-Identifier: MIT */
/*
 * vocab.h - the fixed vocabulary of the CDA cdaimg writes and reads, each
 * piece written once: namespaces, code systems, the fixed codes of the
 * mapping, and the template ids of the IMG-CR-IMG document and its sections.
 * The template ids of the imaging entries, which depend on the profile, are
 * in profile.c; the header's fields and the roots of their ids in header.c.
 */
#ifndef CDAIMG_VOCAB_H
#define CDAIMG_VOCAB_H

/* --- namespaces ------------------------------------------------------------------------------ */
#define HL7_NS "urn:hl7-org:v3"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define PS3_20_NS "urn:dicom-org:ps3-20" /* ps3-20:accessionNumber of an order */
#define PS3_20_PREFIX "ps3-20"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

/* --- code systems: OIDs as CDA writes them, URIs as FHIR does -------------------------------- */
#define OID_DCM "1.2.840.10008.2.16.4"      /* DICOM Controlled Terminology (PS3.16) */
#define NAME_DCM "DCM"
#define SYS_DCM "http://dicom.nema.org/resources/ontology/DCM"
#define OID_DCMUID "1.2.840.10008.2.6.1"    /* the DICOM UID registry (SOP classes) */
#define SYS_DCMUID "urn:oid:" OID_DCMUID /* the system of a SOP class in the JSON form */
#define NAME_DCMUID "DCMUID"
#define SYS_DICOM_UID "urn:dicom:uid"       /* an identifier that is a DICOM UID */
#define OID_MEDIA_TYPE "2.16.840.1.113883.5.79"
#define SYS_MEDIA_TYPE "urn:ietf:bcp:13"
#define MEDIA_TYPE_DICOM "application/dicom" /* the one media type of a link to the images (D5) */
#define OID_LINK_KIND "2.16.840.1.113883.4.642.1.1140"
#define SYS_LINK_KIND "http://terminology.hl7.org/CodeSystem/endpoint-connection-type"
#define SYS_URI "urn:ietf:rfc:3986"         /* an identifier that is a URI (urn:oid:, urn:uuid:) */
#define OID_LOINC "2.16.840.1.113883.6.1"
#define NAME_LOINC "LOINC"
#define OID_SNOMED "2.16.840.1.113883.6.96"
#define OID_ICD10 "2.16.840.1.113883.6.3"
#define OID_TA_ASIP "1.2.250.1.213.1.1.4.322" /* the ANS's own codes */
#define NAME_TA_ASIP "TA_ASIP"
#define OID_GENDER "2.16.840.1.113883.5.1"    /* HL7 AdministrativeGender */
#define OID_CONFIDENTIALITY "2.16.840.1.113883.5.25"
#define OID_ACT_CODE "2.16.840.1.113883.5.4"  /* HL7 ActCode (the encounter's) */
#define OID_PROFESSION "1.2.250.1.213.1.1.4.5" /* TRE_G15 professions (the author's) */
#define OID_ACTIVITY "1.2.250.1.213.1.1.4.9"  /* the organization's activity sector */
#define OID_FACILITY "1.2.250.1.71.4.2.4"     /* the type of the care facility */

/* A code system of the document's coded values (anatomical sites,
 * contre-indications): its OID, its FHIR URI (NULL when it has none here)
 * and the name CDA writes (codeSystemName). */
typedef struct code_system {
	const char *oid, *uri, *name;
} code_system;
/* The code system of @p oid, or of the FHIR URI @p uri; NULL when unknown. */
const code_system *cs_by_oid(const char *oid);
const code_system *cs_by_uri(const char *uri);

/* --- the status of a SOP Instance Observation (D3): an HL7 ActStatus code -------------------- */
#define ACT_STATUS_CODES "aborted, active, cancelled, completed, held, new, suspended" /* for messages */
/* The ActStatus code @p s (static storage), or NULL when it is none. */
const char *act_status_of(const char *s);

/* --- fixed codes ----------------------------------------------------------------------------- */
/* DCM (their display names, which depend on the language, are in profile.c) */
#define DCM_STUDY "113014"      /* the code of every Study Act */
#define DCM_SERIES "113015"     /* the code of every Series Act (D1) */
#define DCM_MODALITY "121139"   /* the qualifier naming the modality */
#define DCM_FRAMES "121190"     /* Referenced Frames (D4) */
#define DCM_BOUNDARY "113036"   /* Frames for Display (D4) */
#define DCM_CATALOG "121181"    /* the DICOM Object Catalog section */
/* the name of 121139 on the modalities of the header (service events, techniques) */
#define MODALITY_DISPLAY_FR "Modalit\xC3\xA9 d'imagerie"
/* LOINC */
#define LOINC_IMAGING_REPORT "18748-4" /* an IMG-CR-IMG document */
#define LOINC_IMAGING_REPORT_NAME "CR d\xE2\x80\x99imagerie m\xC3\xA9" "dicale" /* its display name */
#define LOINC_REQUEST "55115-0"        /* an imaging request: the IMG-DA-IMG document, the request section */
#define LOINC_CONTRAINDICATIONS "64100-1"

/* --- template ids of the IMG-CR-IMG document (CDA, DICOM PS3.20, CI-SIS) --------------------- */
#define CISIS_ROOT "1.2.250.1.213."  /* every French CI-SIS template id starts so */
#define TID_CDA_TYPE "2.16.840.1.113883.1.3" /* typeId/@root, with the extension below */
#define CDA_TYPE_EXT "POCD_HD000040"
#define TID_DOC_FR_REALM "2.16.840.1.113883.2.8.2.1"
#define TID_DOC_CISIS "1.2.250.1.213.1.1.1.1"
#define TID_DOC_PS320 "1.2.840.10008.9.1"
#define TID_DOC_PS320_HEADER "1.2.840.10008.9.20"
#define TID_DOC_PS320_BODY "1.2.840.10008.9.21"
#define TID_IMG_CR_IMG "1.2.250.1.213.1.1.1.45" /* with the volume's version as extension */
#define IMG_CR_IMG_VERSION "2024.01"
/* sections, each PS3.20 (or C-CDA) then FR */
#define TID_SEC_CLINICAL "1.2.840.10008.9.2"
#define TID_SEC_CLINICAL_FR "1.2.250.1.213.1.1.2.205"
#define TID_SEC_REQUEST "1.2.840.10008.9.7"
#define TID_SEC_REQUEST_FR "1.2.250.1.213.1.1.2.211"
#define TID_SEC_HISTORY "2.16.840.1.113883.10.20.22.2.39"
#define TID_SEC_HISTORY_FR "1.2.250.1.213.1.1.2.213"
#define TID_SEC_ACT "1.2.840.10008.9.3"              /* FR-DICOM-Acte-imagerie: holds a catalog */
#define TID_SEC_ACT_FR "1.2.250.1.213.1.1.2.206"
#define TID_SEC_CONCLUSION "1.2.840.10008.9.5"
#define TID_SEC_CONCLUSION_FR "1.2.250.1.213.1.1.2.209"
/* entries of the sections */
#define TID_TECHNIQUE "1.2.840.10008.9.14"           /* FR-DICOM-Technique-imagerie: the procedure */
#define TID_TECHNIQUE_FR "1.2.250.1.213.1.1.3.153"
#define TID_OBSERVATION "2.16.840.1.113883.10.20.6.2.13" /* FR-DICOM-Observation: history items */
#define TID_OBSERVATION_FR "1.2.250.1.213.1.1.3.150"

#endif
