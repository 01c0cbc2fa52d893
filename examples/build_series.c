/* SPDX-License-Identifier: MIT */
/*
 * build_series.c - the README's example: build one Series Act from values
 * (the first series of the ANS sample imaging report) and give the official
 * verdict on it: the ANS extended schema and the ANS rules that apply to an
 * entry (the profiles' entry patterns).
 */
#include <stdio.h>

#include <cdaimg/cdaimg.h>

int main(void)
{
	cdaimg_global_init();

	const cdaimg_identifier series_id = {"urn:dicom:uid", "urn:oid:1.2.250.1.925.994044.27.123.1876360.1"};
	const cdaimg_coding ct = {"http://dicom.nema.org/resources/ontology/DCM", "CT", NULL};
	const cdaimg_identifier sop_id = {"urn:dicom:uid", "urn:oid:1.2.250.1.925.994044.27.123.1876360.1.1"};
	const cdaimg_coding ct_storage = {"urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.2", NULL};
	const cdaimg_coding wado = {"http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
	                            "dicom-wado-uri", NULL};
	const cdaimg_coding dicom = {"urn:ietf:bcp:13", "application/dicom", NULL};

	cdaimg_instance instance = {0};
	instance.ids = &sop_id;
	instance.n_ids = 1;
	instance.sop_class = (cdaimg_concept){&ct_storage, 1, NULL};
	instance.status = "completed";
	instance.date = "2020-08-23T22:32:32+02:00";

	cdaimg_series series = {0};
	series.ids = &series_id;
	series.n_ids = 1;
	series.modality = (cdaimg_concept){&ct, 1, NULL};
	series.date = "2020-08-23T22:32:32+02:00";
	series.instances = &instance;
	series.n_instances = 1;
	series.link.kind = (cdaimg_concept){&wado, 1, NULL};
	series.link.media_type = (cdaimg_concept){&dicom, 1, NULL};
	series.link.reference = "http://www.example.org/wado?requestType=WADO"
	                        "&studyUID=1.2.250.1.925.994044.27.123.1876360"
	                        "&seriesUID=1.2.250.1.925.994044.27.123.1876360.1"
	                        "&objectUID=1.2.250.1.925.994044.27.123.1876360.1.1"
	                        "&contentType=application/dicom";

	cdaimg_diags *diags = cdaimg_diags_new();
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	char *xml = NULL;
	cdaimg_status st = cdaimg_series_to_string(&xml, NULL, &series, &opts, diags);
	if (st == CDAIMG_OK)
		printf("%s\n", xml);

	/* The same entry as nodes in our own document, then validated. */
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr entry = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, entry);
	xmlSetNs(entry, xmlNewNs(entry, BAD_CAST "urn:hl7-org:v3", NULL));
	xmlNodePtr act = NULL;
	cdaimg_conformance *official = NULL;
	if (st == CDAIMG_OK)
		st = cdaimg_series_build(&act, entry, &series, &opts, diags);
	if (st == CDAIMG_OK)
		st = cdaimg_conformance_load(&official, NULL, diags);
	if (st == CDAIMG_OK)
		st = cdaimg_conformance_check(official, act, NULL, diags);
	for (size_t i = 0; i < cdaimg_diags_count(diags); i++) {
		char line[1024];
		cdaimg_diag_format(cdaimg_diags_get(diags, i), line, sizeof line);
		fprintf(stderr, "%s\n", line);
	}
	fprintf(stderr, "%s\n", st == CDAIMG_OK ? "valid: the ANS extended schema and the ANS rules" : cdaimg_status_name(st));

	cdaimg_conformance_free(official);
	xmlFreeDoc(doc);
	cdaimg_free(xml);
	cdaimg_diags_free(diags);
	return st == CDAIMG_OK ? 0 : 1;
}
