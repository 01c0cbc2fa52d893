/* SPDX-License-Identifier: MIT */
/* map_header.c - the header of an IMG-CR-IMG document (after the ANS example
 * of the volume): ids, patient, author, custodian, legal authenticator, the
 * orders of the accession numbers, a service event per study, the encounter;
 * and the minimal header of the documents that only carry entries. */
#include <stdio.h>
#include <string.h>

#include "map.h"
#include "uid.h"

static void person_name(emitter *e, const char *given, const char *family, const char *prefix)
{
	em_start(e, "name");
	if (prefix)
		em_text_el(e, "prefix", prefix);
	em_text_el(e, "given", given);
	em_text_el(e, "family", family);
	em_end(e);
}

/* An id under the root of header field @p f (an RPPS or FINESS number). */
static void number_id(emitter *e, const prep_header *h, hf_id f)
{
	em_leaf(e, "id", "root", header_fields[f].root, "extension", h->v[f], NULL);
}

static void organization(emitter *e, const prep_header *h, const char *elem, bool industry)
{
	em_start(e, elem);
	number_id(e, h, HF_ORGANIZATION_ID);
	em_text_el(e, "name", h->v[HF_ORGANIZATION_NAME]);
	if (industry)
		em_leaf(e, "standardIndustryClassCode", "code", "AMBULATOIRE", "displayName", "Ambulatoire", "codeSystem",
		        OID_ACTIVITY, NULL);
	em_end(e);
}

/* assignedAuthor / assignedEntity: the radiologist. */
static void radiologist(emitter *e, const prep_header *h, const char *elem)
{
	em_start(e, elem);
	number_id(e, h, HF_AUTHOR_RPPS);
	em_leaf(e, "code", "code", "G15_10/SM44", "displayName", "M\xC3\xA9" "decin - Radio-diagnostic (SM)",
	        "codeSystem", OID_PROFESSION, NULL);
	em_start(e, "assignedPerson");
	person_name(e, h->v[HF_AUTHOR_GIVEN], h->v[HF_AUTHOR_FAMILY], "DR");
	em_end(e);
	organization(e, h, "representedOrganization", true);
	em_end(e);
}

static void header_ids(emitter *e, const prep_header *h)
{
	static const char *const tids[] = {TID_DOC_FR_REALM, TID_DOC_CISIS, TID_DOC_PS320, TID_DOC_PS320_HEADER,
	                                   TID_DOC_PS320_BODY};
	em_leaf(e, "realmCode", "code", "FR", NULL);
	em_leaf(e, "typeId", "root", TID_CDA_TYPE, "extension", CDA_TYPE_EXT, NULL);
	for (size_t i = 0; i < sizeof tids / sizeof tids[0]; i++)
		em_leaf(e, "templateId", "root", tids[i], NULL);
	em_leaf(e, "templateId", "root", TID_IMG_CR_IMG, "extension", IMG_CR_IMG_VERSION, NULL);
	em_leaf(e, "id", "root", h->v[HF_DOCUMENT_ID_ROOT], "extension", h->v[HF_DOCUMENT_ID_EXT], NULL);
	em_leaf(e, "code", "code", LOINC_IMAGING_REPORT, "displayName", LOINC_IMAGING_REPORT_NAME, "codeSystem",
	        OID_LOINC, "codeSystemName", NAME_LOINC, NULL);
	em_text_el(e, "title", h->v[HF_TITLE]);
	em_leaf(e, "effectiveTime", "value", h->v[HF_EFFECTIVE_TIME], NULL);
	em_leaf(e, "confidentialityCode", "code", "N", "displayName", "Normal", "codeSystem", OID_CONFIDENTIALITY,
	        NULL);
	em_leaf(e, "languageCode", "code", "fr-FR", NULL);
	em_leaf(e, "setId", "root", h->v[HF_SET_ID_ROOT], NULL);
	em_leaf(e, "versionNumber", "value", "1", NULL);
}

static void record_target(emitter *e, const prep_header *h)
{
	em_start(e, "recordTarget");
	em_start(e, "patientRole");
	em_leaf(e, "id", "root", h->v[HF_PATIENT_ID_ROOT], "extension", h->v[HF_PATIENT_INS], NULL);
	em_open(e, "patient", "classCode", "PSN", NULL);
	em_start(e, "name");
	em_open(e, "family", "qualifier", "BR", NULL);
	em_text(e, h->v[HF_PATIENT_FAMILY]);
	em_end(e);
	em_open(e, "given", "qualifier", "BR", NULL);
	em_text(e, h->v[HF_PATIENT_GIVEN]);
	em_end(e);
	em_end(e); /* name */
	em_leaf(e, "administrativeGenderCode", "code", h->v[HF_PATIENT_GENDER], "displayName", h->gender_name,
	        "codeSystem", OID_GENDER, NULL);
	em_leaf(e, "birthTime", "value", h->v[HF_PATIENT_BIRTH], NULL);
	em_end(e); /* patient */
	em_end(e); /* patientRole */
	em_end(e); /* recordTarget */
}

static void author_custodian(emitter *e, const prep_header *h)
{
	em_start(e, "author");
	em_leaf(e, "time", "value", h->v[HF_EFFECTIVE_TIME], NULL);
	radiologist(e, h, "assignedAuthor");
	em_end(e);
	em_open(e, "custodian", "typeCode", "CST", NULL);
	em_open(e, "assignedCustodian", "classCode", "ASSIGNED", NULL);
	organization(e, h, "representedCustodianOrganization", false);
	em_end(e);
	em_end(e);
	em_start(e, "legalAuthenticator");
	em_leaf(e, "time", "value", h->v[HF_EFFECTIVE_TIME], NULL);
	em_leaf(e, "signatureCode", "code", "S", NULL);
	radiologist(e, h, "assignedEntity");
	em_end(e);
}

void map_order(emitter *e, const char *uid, const prep_id *acc)
{
	em_start(e, "inFulfillmentOf");
	em_start(e, "order");
	em_leaf(e, "id", "root", uid, NULL);
	em_start_ns(e, PS3_20_PREFIX, PS3_20_NS, "accessionNumber");
	em_attr(e, "root", acc->root);
	em_attr(e, "extension", acc->ext);
	em_end(e);
	em_end(e); /* order */
	em_end(e); /* inFulfillmentOf */
}

/* One order per study with an accession number (DICOM PS3.20 ps3-20:accessionNumber). */
static void orders(emitter *e, const prep_document *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const prep_study *s = d->studies[i];
		if (!s->accession.root)
			continue;
		char uid[72], salt[32];
		snprintf(salt, sizeof salt, "order-%zu", i);
		derived_uid(uid, d->seed, salt);
		map_order(e, uid, &s->accession);
	}
}

bool map_first_of_modality(const prep_study *s, size_t j)
{
	for (size_t k = 0; k < j; k++)
		if (!strcmp(s->series[k]->modality.code, s->series[j]->modality.code))
			return false;
	return true;
}

void map_event_modality(emitter *e, const prep_code *m)
{
	map_code_open(e, "translation", m);
	em_start(e, "qualifier");
	em_leaf(e, "name", "code", DCM_MODALITY, "displayName", MODALITY_DISPLAY_FR, "codeSystem", OID_DCM,
	        "codeSystemName", NAME_DCM, NULL);
	em_end(e);
	em_end(e);
}

void map_event_code(emitter *e, const prep_study *s)
{
	/* the procedure code is not among the imaging values: unknown, with the modalities */
	em_open(e, "code", "nullFlavor", "UNK", NULL);
	for (size_t j = 0; j < s->n_series; j++)
		if (map_first_of_modality(s, j))
			map_event_modality(e, &s->series[j]->modality);
	em_end(e);
}

void map_service_event(emitter *e, const prep_study *s, const prep_header *h)
{
	em_start(e, "documentationOf");
	em_open(e, "serviceEvent", "classCode", "ACT", NULL);
	em_leaf(e, "id", "root", s->ids[0].root, NULL);
	map_event_code(e, s);
	em_start(e, "effectiveTime");
	em_leaf(e, "low", "value", s->ts, NULL);
	em_end(e);
	if (h) {
		em_open(e, "performer", "typeCode", "PRF", NULL);
		radiologist(e, h, "assignedEntity");
		em_end(e);
	}
	em_end(e); /* serviceEvent */
	em_end(e); /* documentationOf */
}

static void component_of(emitter *e, const prep_document *d)
{
	char uid[72];
	derived_uid(uid, d->seed, "encounter");
	em_start(e, "componentOf");
	em_start(e, "encompassingEncounter");
	em_leaf(e, "id", "root", uid, NULL);
	em_leaf(e, "code", "code", "AMB", "displayName", "Ambulatoire (hors \xC3\xA9tablissement)", "codeSystem",
	        OID_ACT_CODE, NULL);
	em_start(e, "effectiveTime");
	em_leaf(e, "low", "value", d->studies[0]->ts, NULL);
	em_end(e);
	em_start(e, "location");
	em_start(e, "healthCareFacility");
	number_id(e, d->h, HF_ORGANIZATION_ID);
	em_leaf(e, "code", "code", "SA08", "displayName", "Cabinet de groupe", "codeSystem", OID_FACILITY, NULL);
	em_end(e);
	em_end(e);
	em_end(e); /* encompassingEncounter */
	em_end(e); /* componentOf */
}

void map_header(emitter *e, const prep_document *d)
{
	header_ids(e, d->h);
	record_target(e, d->h);
	author_custodian(e, d->h);
	orders(e, d);
	for (size_t i = 0; i < d->n; i++)
		map_service_event(e, d->studies[i], d->h);
	component_of(e, d);
}

void map_min_header(emitter *e)
{
	em_leaf(e, "typeId", "root", TID_CDA_TYPE, "extension", CDA_TYPE_EXT, NULL);
	em_leaf(e, "id", "root", "2.25.1", NULL);
	em_leaf(e, "code", "code", LOINC_IMAGING_REPORT, "codeSystem", OID_LOINC, NULL);
	em_leaf(e, "effectiveTime", "value", "20240101", NULL);
	em_leaf(e, "confidentialityCode", "code", "N", "codeSystem", OID_CONFIDENTIALITY, NULL);
	em_start(e, "recordTarget");
	em_start(e, "patientRole");
	em_leaf(e, "id", "root", "2.25.2", NULL);
	em_end(e);
	em_end(e);
	em_start(e, "author");
	em_leaf(e, "time", "value", "20240101", NULL);
	em_start(e, "assignedAuthor");
	em_leaf(e, "id", "root", "2.25.3", NULL);
	em_end(e);
	em_end(e);
	em_start(e, "custodian");
	em_start(e, "assignedCustodian");
	em_start(e, "representedCustodianOrganization");
	em_leaf(e, "id", "root", "2.25.4", NULL);
	em_end(e);
	em_end(e);
	em_end(e);
}
