/* SPDX-License-Identifier: MIT */
/*
 * put_studies.c - a RIS or dictation system has written its IMG-CR-IMG report;
 * the imaging values of the study go into it, where the volume wants them:
 *
 *     put_studies REPORT.xml [OUT.xml]
 *
 * The study (its Study Instance UID, its series, the link to its images) goes
 * into the DICOM object catalog of the report's imaging act section, replacing
 * what was there for it; the header's service event and order follow. Then
 * the official verdict (XML Schema, the IMG-CR-IMG volume and the ANS
 * profiles) and the report is written (standard output without OUT.xml).
 * Here the study is the second one of the ANS example report
 * (tests/data/IMG_CR_IMG_2024.01.xml), a neck CT.
 */
#include <stdio.h>

#include <cdaimg/cdaimg.h>

#define STUDY "1.2.250.1.925.994044.27.123.1876361"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: put_studies REPORT.xml [OUT.xml]\n");
		return 2;
	}
	cdaimg_global_init();

	/* the values: a study, its series, its SOP instance */
	const cdaimg_identifier study_id = {"urn:dicom:uid", "urn:oid:" STUDY};
	const cdaimg_identifier series_id = {"urn:dicom:uid", "urn:oid:" STUDY ".1"};
	const cdaimg_identifier sop_id = {"urn:dicom:uid", "urn:oid:" STUDY ".1.1"};
	const cdaimg_coding ct = {"http://dicom.nema.org/resources/ontology/DCM", "CT", NULL};
	const cdaimg_coding ct_storage = {"urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.2", NULL};
	const cdaimg_coding wado = {"http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "dicom-wado-uri",
	                            NULL};
	const cdaimg_coding dicom = {"urn:ietf:bcp:13", "application/dicom", NULL};

	cdaimg_instance instance = {0};
	instance.ids = &sop_id;
	instance.n_ids = 1;
	instance.sop_class = (cdaimg_concept){&ct_storage, 1, NULL};
	instance.status = "completed";

	cdaimg_series series = {0};
	series.ids = &series_id;
	series.n_ids = 1;
	series.modality = (cdaimg_concept){&ct, 1, NULL};
	series.description.text = "Cou & tronc, temps veineux"; /* plain text: no XHTML needed */
	series.date = "2021-01-08T10:25:00+01:00";
	series.instances = &instance;
	series.n_instances = 1;
	series.link.kind = (cdaimg_concept){&wado, 1, NULL};
	series.link.media_type = (cdaimg_concept){&dicom, 1, NULL};
	series.link.reference = "http://www.example.org/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" STUDY
	                        ".1&objectUID=" STUDY ".1.1&contentType=application/dicom";

	cdaimg_study study = {0};
	study.ids = &study_id;
	study.n_ids = 1;
	study.date = "2021-01-08T10:25:00+01:00";
	study.series = &series;
	study.n_series = 1;

	/* the vendor's job: read the report, put the study in, check, write */
	cdaimg_diags *diags = cdaimg_diags_new();
	cdaimg_conformance *official = NULL;
	xmlDocPtr report = NULL;
	cdaimg_status st = cdaimg_doc_read_file(&report, argv[1], diags);
	if (st == CDAIMG_OK)
		st = cdaimg_document_put_studies(report, &study, 1, NULL, diags);
	if (st == CDAIMG_OK)
		st = cdaimg_conformance_load(&official, NULL, diags);
	if (st == CDAIMG_OK)
		st = cdaimg_conformance_check(official, (xmlNodePtr)report, NULL, diags);
	if (st == CDAIMG_OK && xmlSaveFormatFileEnc(argc > 2 ? argv[2] : "-", report, "UTF-8", 1) < 0)
		st = CDAIMG_EIO;

	for (size_t i = 0; i < cdaimg_diags_count(diags); i++) {
		char line[1024];
		cdaimg_diag_format(cdaimg_diags_get(diags, i), line, sizeof line);
		fprintf(stderr, "%s\n", line);
	}
	fprintf(stderr, "%s\n", st == CDAIMG_OK ? "the study is in the report, which passes the official check"
	                                        : cdaimg_status_name(st));
	cdaimg_conformance_free(official);
	xmlFreeDoc(report);
	cdaimg_diags_free(diags);
	return st == CDAIMG_OK ? 0 : 1;
}
