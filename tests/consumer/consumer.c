/* SPDX-License-Identifier: MIT */
/* consumer.c - uses only the installed public headers: build an entry, give it the
 * official verdict (the installed schema and ANS rule files: XSD + the ANS profiles), and
 * check the runtime version matches the header.
 * Usage: consumer [SCHEMAS_FOLDER]  (without one, the library searches, see validate.h) */
#include <stdio.h>
#include <string.h>

#include <cdaimg/cdaimg.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	cdaimg_global_init();
	if (strcmp(cdaimg_version(), CDAIMG_VERSION_STRING) != 0 || cdaimg_version_hex() != CDAIMG_VERSION_HEX) {
		fprintf(stderr, "version mismatch: header %s, library %s\n", CDAIMG_VERSION_STRING, cdaimg_version());
		return 1;
	}
	const cdaimg_identifier sid = {"urn:dicom:uid", "urn:oid:1.2.250.1.999.1.2"};
	const cdaimg_identifier iid = {"urn:dicom:uid", "urn:oid:1.2.250.1.999.1.2.3"};
	const cdaimg_coding mod = {"http://dicom.nema.org/resources/ontology/DCM", "US", NULL};
	const cdaimg_coding cls = {"urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.6.1", NULL};
	const cdaimg_coding kind = {"http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "dicom-wado-rs",
	                            NULL};
	const cdaimg_coding media = {"urn:ietf:bcp:13", "application/dicom", NULL};
	cdaimg_instance in = {0};
	in.ids = &iid;
	in.n_ids = 1;
	in.sop_class = (cdaimg_concept){&cls, 1, NULL};
	in.status = "completed";
	cdaimg_series s = {0};
	s.ids = &sid;
	s.n_ids = 1;
	s.modality = (cdaimg_concept){&mod, 1, NULL};
	s.instances = &in;
	s.n_instances = 1;
	s.link = (cdaimg_image_link){{&kind, 1, NULL}, {&media, 1, NULL},
	                             "https://pacs.example.org/rs/studies/1.2.250.1.999.1/series/1.2.250.1.999.1.2"
	                             "/instances/1.2.250.1.999.1.2.3"};
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr entry = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, entry);
	xmlSetNs(entry, xmlNewNs(entry, BAD_CAST "urn:hl7-org:v3", NULL));
	xmlNodePtr act = NULL;
	cdaimg_conformance *official = NULL;
	cdaimg_status st = cdaimg_series_build(&act, entry, &s, NULL, d);
	if (st == CDAIMG_OK)
		st = cdaimg_conformance_load(&official, dir, d);
	const cdaimg_rules *sets[8];
	size_t n_sets = st == CDAIMG_OK ? cdaimg_conformance_rules_for(official, act, sets, 8) : 0;
	if (st == CDAIMG_OK && n_sets == 0) {
		fprintf(stderr, "no rule set applies to a French entry\n");
		st = CDAIMG_EINTERNAL;
	}
	if (st == CDAIMG_OK)
		st = cdaimg_conformance_check(official, act, NULL, d);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		char line[1024];
		cdaimg_diag_format(cdaimg_diags_get(d, i), line, sizeof line);
		fprintf(stderr, "%s\n", line);
	}
	printf("consumer: %s (schema and %zu rule sets)\n", cdaimg_status_name(st), n_sets);
	cdaimg_conformance_free(official);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return st == CDAIMG_OK ? 0 : 1;
}
