/* SPDX-License-Identifier: MIT */
/* sample.c - the built-in sample study of `cdaimg sample`: a chest CT with one
 * series, its first SOP instance, and an IHE Invoke Image Display link (the
 * CI-SIS default), as in INPUT.md. Fictitious UIDs under 1.2.250.1.999. */
#include "cli.h"

#define DIV(text) "<div xmlns=\"http://www.w3.org/1999/xhtml\">" text "</div>"

static const cdaimg_identifier study_ids[] = {{"urn:dicom:uid", "urn:oid:1.2.250.1.999.1.2.3"}};
static const cdaimg_identifier series_ids[] = {{"urn:dicom:uid", "urn:oid:1.2.250.1.999.1.2.3.1"}};
static const cdaimg_identifier sop_ids[] = {{"urn:dicom:uid", "urn:oid:1.2.250.1.999.1.2.3.1.1"}};

static const cdaimg_coding ct = {"http://dicom.nema.org/resources/ontology/DCM", "CT", "Tomodensitométrie"};
static const cdaimg_coding ct_storage = {"urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.2",
                                         "CT Image Storage"};
static const cdaimg_coding iid = {"http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "ihe-iid",
                                  NULL};
static const cdaimg_coding dicom = {"urn:ietf:bcp:13", "application/dicom", NULL};

static const cdaimg_instance instance = {
	.ids = sop_ids,
	.n_ids = 1,
	.sop_class = {&ct_storage, 1, NULL},
	.status = "completed",
	.date = "2024-03-12T10:31:07+01:00",
};

static const cdaimg_series series = {
	.ids = series_ids,
	.n_ids = 1,
	.modality = {&ct, 1, NULL},
	.description = {.status = "generated", .div = DIV("Scanner thoracique sans injection, coupes axiales de 1,25 mm")},
	.date = "2024-03-12T10:31:05+01:00",
	.instances = &instance,
	.n_instances = 1,
	.link = {{&iid, 1, NULL},
	         {&dicom, 1, NULL},
	         "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.250.1.999.1.2.3"
	         "&Accessionnumber=1.2.250.1.999.7.123456&idCDA=1.2.250.1.999.9.42",
	         NULL},
};

static const cdaimg_study study = {
	.ids = study_ids,
	.n_ids = 1,
	.date = "2024-03-12T10:30:00+01:00",
	.description = {.status = "generated", .div = DIV("Scanner thoracique")},
	.accession = {"urn:oid:1.2.250.1.999.7", "123456"},
	.series = &series,
	.n_series = 1,
};

const cdaimg_study *cli_sample_study(void) { return &study; }

/* The library's sample header (fictitious patient, author and organization,
 * the chest as the anatomical site, no contre-indication known), with the
 * document id the IID link sends as idCDA (the ANS recipe), so that the
 * sample's link names the sample. */
cdaimg_document_header cli_sample_header(void)
{
	cdaimg_document_header h = *cdaimg_document_header_sample();
	h.document_id_root = "1.2.250.1.999.9.42";
	return h;
}
