/* SPDX-License-Identifier: MIT */
/* header.c - the fields of a document's header (header.h), the genders, and
 * the sample header of cdaimg_document_header_sample(). */
#include <string.h>

#include "header.h"
#include "internal.h"
#include "vocab.h"

#define OID_RPPS "1.2.250.1.71.4.2.1"   /* RPPS numbers (healthcare professionals) */
#define OID_FINESS "1.2.250.1.71.4.2.2" /* FINESS numbers (organizations) */

#define OFF(f) offsetof(cdaimg_document_header, f)
#define AUTHOR "author/assignedAuthor"
#define PATIENT "recordTarget/patientRole/patient"
#define ORGANIZATION "custodian/assignedCustodian/representedCustodianOrganization"

const header_field header_fields[N_HF] = {
	[HF_DOCUMENT_ID_ROOT] = {.name = "document_id_root", .off = OFF(document_id_root), .kind = HF_OID,
	                         .dflt_kind = HF_DERIVED, .dflt = "document", .at = "id", .attr = "root",
	                         .label = "the document id"},
	[HF_DOCUMENT_ID_EXT] = {.name = "document_id_ext", .off = OFF(document_id_ext), .kind = HF_TEXT, .at = "id",
	                        .attr = "extension"},
	[HF_SET_ID_ROOT] = {.name = "set_id_root", .off = OFF(set_id_root), .kind = HF_OID, .dflt_kind = HF_DERIVED,
	                    .dflt = "set", .at = "setId", .attr = "root", .label = "setId"},
	[HF_EFFECTIVE_TIME] = {.name = "effective_time", .off = OFF(effective_time), .kind = HF_DATE,
	                       .dflt_kind = HF_STUDY_DATE, .at = "effectiveTime", .attr = "value"},
	[HF_TITLE] = {.name = "title", .off = OFF(title), .kind = HF_TEXT, .dflt_kind = HF_FIXED,
	              .dflt = LOINC_IMAGING_REPORT_NAME, .at = "title"},
	[HF_PATIENT_ID_ROOT] = {.name = "patient_id_root", .off = OFF(patient_id_root), .kind = HF_OID,
	                        .what = "the OID of the patient's identifier (recordTarget/patientRole/id/@root)",
	                        .at = "recordTarget/patientRole/id", .attr = "root", .label = "the patient's id"},
	[HF_PATIENT_INS] = {.name = "patient_ins", .off = OFF(patient_ins), .kind = HF_TEXT,
	                    .what = "the patient's identifier, the INS (recordTarget/patientRole/id/@extension)",
	                    .at = "recordTarget/patientRole/id", .attr = "extension"},
	[HF_PATIENT_GIVEN] = {.name = "patient_given", .off = OFF(patient_given), .kind = HF_TEXT,
	                      .what = "the patient's given name", .at = PATIENT "/name/given"},
	[HF_PATIENT_FAMILY] = {.name = "patient_family", .off = OFF(patient_family), .kind = HF_TEXT,
	                       .what = "the patient's family name", .at = PATIENT "/name/family"},
	[HF_PATIENT_GENDER] = {.name = "patient_gender", .off = OFF(patient_gender), .kind = HF_GENDER,
	                       .what = "the patient's administrative gender (M, F or U)",
	                       .at = PATIENT "/administrativeGenderCode", .attr = "code"},
	[HF_PATIENT_BIRTH] = {.name = "patient_birth", .off = OFF(patient_birth), .kind = HF_DATE,
	                      .what = "the patient's date of birth", .at = PATIENT "/birthTime", .attr = "value"},
	[HF_AUTHOR_RPPS] = {.name = "author_rpps", .off = OFF(author_rpps), .kind = HF_NUMBER,
	                    .what = "the author's RPPS number", .at = AUTHOR, .label = "the author", .root = OID_RPPS,
	                    .prefix = "8", .plain_len = 11,
	                    .chars = "0123456789", .chars_name = "digits"},
	[HF_AUTHOR_GIVEN] = {.name = "author_given", .off = OFF(author_given), .kind = HF_TEXT,
	                     .what = "the author's given name", .at = AUTHOR "/assignedPerson/name/given"},
	[HF_AUTHOR_FAMILY] = {.name = "author_family", .off = OFF(author_family), .kind = HF_TEXT,
	                      .what = "the author's family name", .at = AUTHOR "/assignedPerson/name/family"},
	[HF_ORGANIZATION_NAME] = {.name = "organization_name", .off = OFF(organization_name), .kind = HF_TEXT,
	                          .what = "the name of the organization (the author's and the custodian)",
	                          .at = ORGANIZATION "/name"},
	[HF_ORGANIZATION_ID] = {.name = "organization_id", .off = OFF(organization_id), .kind = HF_NUMBER,
	                        .what = "the FINESS number of the organization (the author's and the custodian)",
	                        .at = ORGANIZATION, .label = "the custodian organization", .root = OID_FINESS,
	                        .prefix = "1", .plain_len = 9,
	                        /* 2A and 2B: the departments of Corsica */
	                        .chars = "0123456789AB", .chars_name = "digits, or A or B (Corsica: 2A, 2B)"},
	/* the targetSiteCode of the FR-DICOM-Technique-imagerie procedures (the same in each) */
	[HF_ANATOMICAL_SITE] = {.name = "anatomical_site", .off = OFF(anatomical_site), .kind = HF_CODE,
	                        .what = "the anatomical site", .at = "procedure", .attr = "targetSiteCode",
	                        .tid = TID_TECHNIQUE_FR, .label = "the anatomical site", .vs = &vs_anatomical_site,
	                        .vs_name = "JDV_LocalisationAnatomique_CISIS"},
	/* the values of the FR-DICOM-Observation entries coded 64100-1 */
	[HF_CONTRAINDICATIONS] = {.name = "contraindications", .off = OFF(contraindications),
	                          .n_off = OFF(n_contraindications), .kind = HF_CODES, .at = "observation",
	                          .attr = "value", .tid = TID_OBSERVATION_FR, .code = LOINC_CONTRAINDICATIONS,
	                          .label = "the contre-indication", .vs = &vs_contraindication,
	                          .vs_name = "JDV_Contre_indications_CISIS"},
};
_Static_assert(N_HF_STRINGS * sizeof(const char *) == offsetof(cdaimg_document_header, anatomical_site),
               "a string field of cdaimg_document_header is missing from header_fields");
_Static_assert(OFF(contraindications) > OFF(anatomical_site) && OFF(n_contraindications) > OFF(contraindications),
               "the coded fields of cdaimg_document_header moved");

const char *hf_string(const cdaimg_document_header *h, hf_id f)
{
	const char *v;
	memcpy(&v, (const char *)h + header_fields[f].off, sizeof v);
	return v;
}

const cdaimg_concept *hf_concepts(const cdaimg_document_header *h, hf_id f, size_t *n)
{
	const header_field *t = &header_fields[f];
	if (t->kind == HF_CODE) {
		*n = 1;
		return (const cdaimg_concept *)(const void *)((const char *)h + t->off);
	}
	const cdaimg_concept *v;
	memcpy(&v, (const char *)h + t->off, sizeof v);
	memcpy(n, (const char *)h + t->n_off, sizeof *n);
	if (!v)
		*n = 0;
	return v;
}

static const gender genders[] = {{"M", "Masculin"}, {"F", "F\xC3\xA9minin"}, {"U", "Inconnu"}};

const gender *gender_of_code(const char *code)
{
	for (size_t i = 0; code && i < sizeof genders / sizeof genders[0]; i++)
		if (!strcmp(code, genders[i].code))
			return &genders[i];
	return NULL;
}

/* The sample header (docs/mapping.md): fictitious people, for examples and tests. */
static const cdaimg_coding sample_thorax = {"http://snomed.info/sct", "302551006", "thorax entier"};
static const cdaimg_document_header sample_header = {
	.patient_id_root = "1.2.250.1.213.1.4.10", /* INS-NIR, test */
	.patient_ins = "279035121518989",
	.patient_given = "CAMILLE",
	.patient_family = "EXEMPLE",
	.patient_gender = "F",
	.patient_birth = "1979-03-28",
	.author_rpps = "01234560801",
	.author_given = "Jacques",
	.author_family = "RADIOLOGUE",
	.organization_name = "Centre d'imagerie exemple",
	.organization_id = "920008059",
	.anatomical_site = {&sample_thorax, 1, NULL},
};

const cdaimg_document_header *cdaimg_document_header_sample(void) { return &sample_header; }

void cdaimg_document_header_free(cdaimg_document_header *header) { cd_free(header); }
