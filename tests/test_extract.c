/* SPDX-License-Identifier: MIT */
/* test_extract.c - reading CDA back (issue 5): what is found, what comes back, what is reported. */
#define _XOPEN_SOURCE 700 /* mkstemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "extract_int.h"
#include "testutil.h"

#define HL7_OPEN "<section xmlns=\"urn:hl7-org:v3\">"
#define HL7_CLOSE "</section>"
#define DCM "codeSystem=\"1.2.840.10008.2.16.4\""
#define MODALITY                                                                                   \
	"<code code=\"113015\" " DCM "><qualifier><name code=\"121139\" " DCM "/>"                 \
	"<value code=\"MR\" " DCM " displayName=\"IRM\"/></qualifier></code>"
#define SERIES_OPEN(root)                                                                          \
	"<act classCode=\"ACT\" moodCode=\"EVN\"><templateId root=\"1.2.840.10008.9.17\"/>"       \
	"<templateId root=\"1.2.250.1.213.1.1.3.156\"/><id root=\"" root "\"/>" MODALITY
#define SOP_OPEN(root)                                                                             \
	"<entryRelationship typeCode=\"COMP\"><observation classCode=\"DGIMG\" moodCode=\"EVN\">"  \
	"<templateId root=\"1.2.840.10008.9.18\"/><id root=\"" root "\"/>"
#define SOP_CODE "<code code=\"1.2.840.10008.5.1.4.1.1.4\" codeSystem=\"1.2.840.10008.2.6.1\" displayName=\"MR Image Storage\"/>"
#define LINK(url) "<text mediaType=\"application/dicom\"><reference value=\"" url "\"/></text>"
#define RS(series, sop) "https://pacs.example.org/rs/studies/1.2.3/series/" series "/instances/" sop
#define SOP_CLOSE "</observation></entryRelationship>"
#define SOP(root, series)                                                                          \
	SOP_OPEN(root) SOP_CODE LINK(RS(series, root)) "<statusCode code=\"completed\"/>" SOP_CLOSE
#define STUDY_OPEN(root)                                                                           \
	"<act classCode=\"ACT\" moodCode=\"EVN\"><templateId root=\"1.2.840.10008.9.16\"/>"       \
	"<id root=\"" root "\"/><code code=\"113014\" " DCM "/>"

/* Extract @p xml; the call must read it, and say CDAIMG_EINVALID exactly when
 * it reported an error. */
static cdaimg_values *extract(const char *xml, cdaimg_diags *d)
{
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_extract_memory(&v, xml, strlen(xml), d);
	bool errors = cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) > 0;
	if (!errors)
		assert_cdaimg_ok(st, d);
	else
		assert_int_equal(st, CDAIMG_EINVALID);
	assert_non_null(v);
	return v;
}

static const cdaimg_series *only_series(const cdaimg_values *v)
{
	assert_int_equal(cdaimg_values_count(v), 1);
	const cdaimg_item *it = cdaimg_values_get(v, 0);
	assert_int_equal(it->kind, CDAIMG_ITEM_SERIES);
	assert_null(it->study);
	return it->series;
}

/* The diagnostic of @p code at @p path, which has a line. */
static const cdaimg_diag *diag_at(const cdaimg_diags *d, cdaimg_diag_code code, const char *path)
{
	int i = tu_find_diag(d, code, path);
	if (i < 0) {
		tu_print_diags(d);
		fail_msg("no %s diagnostic at %s", cdaimg_diag_code_name(code), path ? path : "*");
	}
	const cdaimg_diag *g = cdaimg_diags_get(d, (size_t)i);
	assert_true(g->line > 0);
	return g;
}

static void assert_coding(const cdaimg_concept *k, const char *system, const char *code, const char *display)
{
	assert_int_equal(k->n_codings, 1);
	assert_string_equal(k->codings[0].system, system);
	assert_string_equal(k->codings[0].code, code);
	if (display)
		assert_string_equal(k->codings[0].display, display);
	else
		assert_null(k->codings[0].display);
}

/* --- arguments and parsing --------------------------------------------------------------- */

static void extract__arguments(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = (cdaimg_values *)d; /* must be reset */
	assert_int_equal(cdaimg_extract_doc(NULL, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_extract_doc(&v, NULL, d), CDAIMG_EARG);
	assert_null(v);
	assert_int_equal(cdaimg_extract_memory(&v, NULL, 0, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_extract_file(&v, NULL, d), CDAIMG_EARG);
	assert_diag(d, CDAIMG_D_ARG, NULL);
	assert_int_equal(cdaimg_extract_file(&v, "/nonexistent/cdaimg/report.xml", NULL), CDAIMG_EIO);
	assert_null(v);
	cdaimg_values_free(NULL);
	assert_int_equal(cdaimg_values_count(NULL), 0);
	assert_null(cdaimg_values_get(NULL, 0));
	cdaimg_diags_free(d);
}

static void extract__not_well_formed(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	const char *xml = HL7_OPEN "<act>\n<id root=\"1.2\">" HL7_CLOSE;
	assert_int_equal(cdaimg_extract_memory(&v, xml, strlen(xml), d), CDAIMG_EPARSE);
	assert_null(v);
	assert_diag(d, CDAIMG_D_XML, NULL);
	cdaimg_diags_free(d);
}

static void extract__empty_document_gives_nothing(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = extract("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>", d);
	assert_int_equal(cdaimg_values_count(v), 0);
	assert_int_equal(cdaimg_diags_count(d), 0);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* A DTD's entities are neither expanded nor loaded: the text keeps none of them. */
static void extract__no_entity_expansion(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = "<!DOCTYPE section [<!ENTITY in \"EXPANDED\"><!ENTITY out SYSTEM \"file:///etc/passwd\">]>"
	                  HL7_OPEN SERIES_OPEN("1.2.3.1") "<text>a&in;b&out;c</text>" SOP("1.2.3.1.1", "1.2.3.1")
	                  "</act>" HL7_CLOSE;
	/* entity declarations are refused when parsing: nothing is expanded, nothing is read */
	cdaimg_values *v = NULL;
	assert_int_equal(cdaimg_extract_memory(&v, xml, strlen(xml), d), CDAIMG_EPARSE);
	assert_diag(d, CDAIMG_D_XML, NULL);
	assert_null(v);
	cdaimg_diags_free(d);
}

/* --- values -------------------------------------------------------------------------------- */

/* The test series, built then read: every field, in FHIR form. */
static void extract__test_series_fields(void **state)
{
	(void)state;
	tu_series t;
	tu_series_init(&t);
	t.inst.has_frame_count = 1;
	t.inst.frame_count = 120;
	t.s.description = (cdaimg_narrative){.status = "additional", .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Scanner</p><p>thorax &amp; abdomen</p></div>"};
	cdaimg_diags *d = cdaimg_diags_new();
	char *xml = NULL;
	assert_cdaimg_ok(cdaimg_series_to_string(&xml, NULL, &t.s, NULL, d), d);
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	const cdaimg_series *s = only_series(v);
	assert_int_equal(s->n_ids, 1);
	assert_string_equal(s->ids[0].system, "urn:dicom:uid");
	assert_string_equal(s->ids[0].value, "urn:oid:1.2.250.1.925.994044.27.123.1876360.1");
	assert_coding(&s->modality, "http://dicom.nema.org/resources/ontology/DCM", "CT", "Tomodensitométrie");
	assert_string_equal(s->description.status, "generated");
	assert_string_equal(s->description.div,
	                    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Scanner</p><p>thorax &amp; abdomen</p></div>");
	assert_string_equal(s->date, "2020-08-23T22:32:32+02:00");
	assert_int_equal(s->n_instances, 1);
	const cdaimg_instance *in = &s->instances[0];
	assert_string_equal(in->ids[0].system, "urn:dicom:uid");
	assert_string_equal(in->ids[0].value, "urn:oid:1.2.250.1.925.994044.27.123.1876360.1.1");
	assert_coding(&in->sop_class, "urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.2", "CT Image Storage");
	assert_null(in->description.div);
	assert_string_equal(in->status, "completed");
	assert_string_equal(in->date, "2020-08-23T22:32:32+02:00");
	assert_true(in->has_frame_count);
	assert_int_equal(in->frame_count, 120);
	assert_null(in->link.reference);
	assert_string_equal(s->link.reference, t.s.link.reference);
	assert_coding(&s->link.kind, "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "dicom-wado-uri",
	              NULL);
	assert_coding(&s->link.media_type, "urn:ietf:bcp:13", "application/dicom", NULL);
	cdaimg_free(xml);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* D2 read back: 2.25 UIDs stay urn:oid:; further ids keep their root/extension. */
static void extract__identifiers(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN
		"<act classCode=\"ACT\" moodCode=\"EVN\"><templateId root=\"1.2.840.10008.9.17\"/>"
		"<id root=\"2.25.329800735698586629295641978511506172918\"/>"
		"<id root=\"1.2.250.1.71.4.2.1\" extension=\"A-é\"/><id root=\"F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6\"/>"
		"<id root=\"1.2.250.1.999\"/><id nullFlavor=\"UNK\"/>" MODALITY
		SOP("1.2.3.1.1", "2.25.329800735698586629295641978511506172918") "</act>" HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	const cdaimg_series *s = only_series(v);
	assert_int_equal(s->n_ids, 4);
	assert_string_equal(s->ids[0].system, "urn:dicom:uid");
	assert_string_equal(s->ids[0].value, "urn:oid:2.25.329800735698586629295641978511506172918");
	assert_string_equal(s->ids[1].system, "urn:oid:1.2.250.1.71.4.2.1");
	assert_string_equal(s->ids[1].value, "A-é");
	assert_string_equal(s->ids[2].system, "urn:ietf:rfc:3986");
	assert_string_equal(s->ids[2].value, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
	assert_string_equal(s->ids[3].system, "urn:ietf:rfc:3986");
	assert_string_equal(s->ids[3].value, "urn:oid:1.2.250.1.999");
	/* the id without root is skipped, and said so */
	assert_int_equal(diag_at(d, CDAIMG_D_EXTRACT, "/section/act/id[5]")->severity, CDAIMG_SEV_WARNING);
	/* and the values rebuild */
	assert_cdaimg_ok(cdaimg_series_check(s, NULL, d), d);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* A UID that is not a DICOM UID: an error with line and path; reading goes on. */
static void extract__bad_uid_reported(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN SERIES_OPEN("1.2.03") SOP_OPEN("90E1C8EC-F951-4B26-A305-A34848818DD6") SOP_CODE
		LINK("https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&amp;studyUID=1.2.3")
		SOP_CLOSE "</act>" HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	const cdaimg_series *s = only_series(v);
	assert_string_equal(s->ids[0].value, "urn:oid:1.2.03");
	assert_string_equal(s->instances[0].ids[0].value, "urn:uuid:90e1c8ec-f951-4b26-a305-a34848818dd6");
	const cdaimg_diag *g = diag_at(d, CDAIMG_D_EXTRACT, "/section/act/id");
	assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
	assert_non_null(strstr(g->message, "leading zero"));
	g = diag_at(d, CDAIMG_D_EXTRACT, "/section/act/entryRelationship/observation/id");
	assert_non_null(strstr(g->message, "UUID"));
	assert_coding(&s->link.kind, "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "ihe-iid", NULL);
	/* the statut is absent: a warning, not an error */
	assert_null(s->instances[0].status);
	assert_int_equal(diag_at(d, CDAIMG_D_EXTRACT, "/section/act/entryRelationship/observation")->severity,
	                 CDAIMG_SEV_WARNING);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* D3: a statusCode the build would refuse (a code that is no ActStatus, a
 * nullFlavor) is an error, and nothing is read for it (issue 22: "bogus"
 * came back as the statut without an error). */
static void extract__status_the_build_refuses(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{"<statusCode code=\"bogus\"/>", "is not an HL7 ActStatus code"},
		{"<statusCode nullFlavor=\"UNK\"/>", "nullFlavor"},
		{"<statusCode code=\"Completed\"/>", "is not an HL7 ActStatus code"},
		{"<statusCode/>", "no code attribute"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char xml[2048];
		snprintf(xml, sizeof xml,
		         HL7_OPEN SERIES_OPEN("1.2.3.1") SOP_OPEN("1.2.3.1.1") SOP_CODE "%s" LINK(RS("1.2.3.1", "1.2.3.1.1"))
		                 SOP_CLOSE "</act>" HL7_CLOSE,
		         bad[i][0]);
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_values *v = extract(xml, d);
		const cdaimg_series *s = only_series(v);
		assert_null(s->instances[0].status);
		const cdaimg_diag *g = diag_at(d, CDAIMG_D_EXTRACT, "/section/act/entryRelationship/observation/statusCode");
		assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
		if (!strstr(g->message, bad[i][1]))
			fail_msg("%s: %s", bad[i][0], g->message);
		cdaimg_values_free(v);
		cdaimg_diags_free(d);
	}
	/* every ActStatus code is read as it is */
	static const char *const good[] = {"aborted", "active", "cancelled", "completed", "held", "new", "suspended"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char xml[2048];
		snprintf(xml, sizeof xml,
		         HL7_OPEN SERIES_OPEN("1.2.3.1") SOP_OPEN("1.2.3.1.1") SOP_CODE
		         "<statusCode code=\"%s\"/>" LINK(RS("1.2.3.1", "1.2.3.1.1")) SOP_CLOSE "</act>" HL7_CLOSE,
		         good[i]);
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_values *v = extract(xml, d);
		assert_string_equal(only_series(v)->instances[0].status, good[i]);
		assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
		cdaimg_values_free(v);
		cdaimg_diags_free(d);
	}
}

/* D1: the modality is the qualifier named 121139, else any qualifier's value,
 * else a code other than 113015. */
static void extract__modality_forms(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN
		"<act><templateId root=\"1.2.840.10008.9.17\"/><id root=\"1.2.3.1\"/>"
		"<code code=\"113015\" " DCM "><qualifier><name code=\"999\"/><value code=\"US\" codeSystem=\"9.9\"/></qualifier>"
		"<qualifier><name code=\"121139\" " DCM "/><value code=\"CT\" " DCM "/></qualifier></code>"
		SOP("1.2.3.1.1", "1.2.3.1") "</act>"
		"<act><templateId root=\"1.2.840.10008.9.17\"/><id root=\"1.2.3.2\"/>"
		"<code code=\"113015\" " DCM "><qualifier><value code=\"MG\" " DCM "/></qualifier></code>"
		SOP("1.2.3.2.1", "1.2.3.2") "</act>"
		"<act><templateId root=\"1.2.840.10008.9.17\"/><id root=\"1.2.3.3\"/><code code=\"NM\" " DCM "/>"
		SOP("1.2.3.3.1", "1.2.3.3") "</act>"
		"<act><templateId root=\"1.2.840.10008.9.17\"/><id root=\"1.2.3.4\"/><code code=\"113015\" " DCM "/>"
		SOP("1.2.3.4.1", "1.2.3.4") "</act>" HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_values_count(v), 4);
	const char *sys = "http://dicom.nema.org/resources/ontology/DCM";
	assert_coding(&cdaimg_values_get(v, 0)->series->modality, sys, "CT", NULL);
	assert_coding(&cdaimg_values_get(v, 1)->series->modality, sys, "MG", NULL);
	assert_coding(&cdaimg_values_get(v, 2)->series->modality, sys, "NM", NULL);
	assert_int_equal(cdaimg_values_get(v, 3)->series->modality.n_codings, 0);
	assert_int_equal(diag_at(d, CDAIMG_D_EXTRACT, "/section/act[4]/code")->severity, CDAIMG_SEV_ERROR);
	assert_int_equal(cdaimg_diags_count(d), 1);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* D7 read back, and what cannot be read. */
static void extract__dates(void **state)
{
	(void)state;
	static const struct {
		const char *ts, *fhir;
		cdaimg_severity sev; /* INFO: nothing reported */
	} cases[] = {
		{"2023", "2023", CDAIMG_SEV_INFO},
		{"202302", "2023-02", CDAIMG_SEV_INFO},
		{"20240229", "2024-02-29", CDAIMG_SEV_INFO},
		{"20230101120000+0000", "2023-01-01T12:00:00Z", CDAIMG_SEV_INFO},
		{"20230101120000-0000", "2023-01-01T12:00:00-00:00", CDAIMG_SEV_INFO},
		{"20230101235959.1234-0530", "2023-01-01T23:59:59.1234-05:30", CDAIMG_SEV_INFO},
		{"202301011200+0100", "2023-01-01T12:00:00+01:00", CDAIMG_SEV_WARNING},
		{"20230101+0100", "2023-01-01", CDAIMG_SEV_WARNING},
		{"20230101120000", "2023-01-01T12:00:00", CDAIMG_SEV_WARNING},
		{"20230229", NULL, CDAIMG_SEV_ERROR},
		{"20231301", NULL, CDAIMG_SEV_ERROR},
		{"20230101250000+0100", NULL, CDAIMG_SEV_ERROR},
		{"20230101120000+9999", NULL, CDAIMG_SEV_ERROR},
		{"20230230", NULL, CDAIMG_SEV_ERROR},
		{"20230101120000.123456+0100", NULL, CDAIMG_SEV_ERROR},
		{"2023-01-01", NULL, CDAIMG_SEV_ERROR},
		{"", NULL, CDAIMG_SEV_ERROR},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char xml[2048];
		snprintf(xml, sizeof xml, "%s<effectiveTime value=\"%s\"/>%s", HL7_OPEN SERIES_OPEN("1.2.3.1"), cases[i].ts,
		         SOP("1.2.3.1.1", "1.2.3.1") "</act>" HL7_CLOSE);
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_values *v = extract(xml, d);
		const cdaimg_series *s = only_series(v);
		if (cases[i].fhir)
			assert_string_equal(s->date, cases[i].fhir);
		else
			assert_null(s->date);
		if (cases[i].sev == CDAIMG_SEV_INFO) {
			assert_int_equal(cdaimg_diags_count(d), 0);
		} else {
			const cdaimg_diag *g = diag_at(d, CDAIMG_D_EXTRACT, "/section/act/effectiveTime");
			if (g->severity != cases[i].sev)
				fail_msg("%s: severity %d", cases[i].ts, (int)g->severity);
		}
		cdaimg_values_free(v);
		cdaimg_diags_free(d);
	}
}

/* D4 read back from IVL_INT (FR) or a list of INT (PS3.20, C-CDA). */
static void extract__frames(void **state)
{
	(void)state;
#define FRAMES(value)                                                                                      \
	"<entryRelationship typeCode=\"COMP\"><observation classCode=\"ROIBND\" moodCode=\"EVN\">"         \
	"<code code=\"121190\" " DCM "/><entryRelationship typeCode=\"COMP\"><observation classCode=\"OBS\" " \
	"moodCode=\"EVN\"><code code=\"113036\" " DCM "/>" value "</observation></entryRelationship>"      \
	"</observation></entryRelationship>"
#define SOP_FRAMES(root, series, value) SOP_OPEN(root) SOP_CODE LINK(RS(series, root)) FRAMES(value) SOP_CLOSE
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN
		SERIES_OPEN("1.2.3.1") SOP_FRAMES("1.2.3.1.1", "1.2.3.1", "<value><low value=\"1\"/><high value=\"2147483647\"/></value>") "</act>"
		SERIES_OPEN("1.2.3.2") SOP_FRAMES("1.2.3.2.1", "1.2.3.2", "<value value=\"1\"/><value value=\"2\"/><value value=\"3\"/>") "</act>"
		SERIES_OPEN("1.2.3.3") SOP_FRAMES("1.2.3.3.1", "1.2.3.3", "<value><low value=\"1\"/><high value=\"0\"/></value>") "</act>"
		SERIES_OPEN("1.2.3.4") SOP("1.2.3.4.1", "1.2.3.4") "</act>"
		SERIES_OPEN("1.2.3.5") SOP_FRAMES("1.2.3.5.1", "1.2.3.5", "<value><low value=\"1\"/><high value=\"2147483648\"/></value>") "</act>"
		HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_values_count(v), 5);
	const cdaimg_instance *in = cdaimg_values_get(v, 0)->series->instances;
	assert_true(in->has_frame_count);
	assert_int_equal(in->frame_count, 2147483647);
	in = cdaimg_values_get(v, 1)->series->instances;
	assert_true(in->has_frame_count);
	assert_int_equal(in->frame_count, 3);
	assert_false(cdaimg_values_get(v, 2)->series->instances->has_frame_count);
	diag_at(d, CDAIMG_D_EXTRACT,
	        "/section/act[3]/entryRelationship/observation/entryRelationship/observation/entryRelationship/observation/value/high");
	assert_false(cdaimg_values_get(v, 3)->series->instances->has_frame_count);
	/* beyond what the check stage takes (D4): not read, so that extract never gives what build refuses */
	assert_false(cdaimg_values_get(v, 4)->series->instances->has_frame_count);
	diag_at(d, CDAIMG_D_EXTRACT,
	        "/section/act[5]/entryRelationship/observation/entryRelationship/observation/entryRelationship/observation/value/high");
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
#undef SOP_FRAMES
#undef FRAMES
}

/* D5: the kind comes from the URL's shape; a URL of no known shape has none. */
static void extract__link_kinds(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN
		SERIES_OPEN("1.2.3.1") SOP_OPEN("1.2.3.1.1") SOP_CODE
		LINK("http://h.example.org/wado?requestType=WADO&amp;studyUID=1.2.3&amp;seriesUID=1.2.3.1&amp;objectUID=1.2.3.1.1&amp;contentType=application%2Fdicom")
		"<statusCode code=\"completed\"/>" SOP_CLOSE "</act>"
		SERIES_OPEN("1.2.3.2") SOP_OPEN("1.2.3.2.1") SOP_CODE
		LINK("https://h.example.org/viewer?id=42") "<statusCode code=\"completed\"/>" SOP_CLOSE "</act>"
		SERIES_OPEN("1.2.3.3") SOP_OPEN("1.2.3.3.1") SOP_CODE "<statusCode code=\"completed\"/>" SOP_CLOSE "</act>"
		HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	const char *sys = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";
	const cdaimg_series *s = cdaimg_values_get(v, 0)->series;
	assert_coding(&s->link.kind, sys, "dicom-wado-uri", NULL);
	assert_string_equal(s->link.reference, "http://h.example.org/wado?requestType=WADO&studyUID=1.2.3&seriesUID=1.2.3.1"
	                                       "&objectUID=1.2.3.1.1&contentType=application%2Fdicom");
	s = cdaimg_values_get(v, 1)->series;
	assert_int_equal(s->link.kind.n_codings, 0);
	assert_string_equal(s->link.reference, "https://h.example.org/viewer?id=42");
	diag_at(d, CDAIMG_D_EXTRACT, "/section/act[2]/entryRelationship/observation/text/reference");
	s = cdaimg_values_get(v, 2)->series;
	assert_null(s->link.reference);
	assert_int_equal(s->link.media_type.n_codings, 0);
	diag_at(d, CDAIMG_D_EXTRACT, "/section/act[3]/entryRelationship/observation");
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* A link naming another series is reported (a warning, with the link check's code). */
static void extract__link_mismatch_reported(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN SERIES_OPEN("1.2.3.1") SOP("1.2.3.1.1", "1.2.3.9") "</act>" HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	const cdaimg_diag *g =
		diag_at(d, CDAIMG_D_URL_MISMATCH, "/section/act/entryRelationship/observation/text/reference");
	assert_int_equal(g->severity, CDAIMG_SEV_WARNING);
	assert_string_equal(only_series(v)->link.reference, RS("1.2.3.9", "1.2.3.1.1"));
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* --- narratives (D6) ---------------------------------------------------------------------- */

static void extract__narrative_references_resolved(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN
		"<text><table><tbody><tr><td>1.2.3</td><td><content ID=\"s1\">Scanner\n   du crâne<br/>sans injection</content></td>"
		"<td><linkHtml href=\"x\">Images</linkHtml><br/><content ID=\"i1\">\n  <linkHtml href=\"y\">images examen 1</linkHtml>\n</content></td>"
		"</tr></tbody></table></text><entry>"
		SERIES_OPEN("1.2.3.1") "<text><reference value=\"#s1\"/></text>"
		SOP_OPEN("1.2.3.1.1") "<code code=\"1.2.840.10008.5.1.4.1.1.4\" codeSystem=\"1.2.840.10008.2.6.1\">"
		"<originalText><reference value=\"#i1\"/></originalText></code>" LINK(RS("1.2.3.1", "1.2.3.1.1"))
		"<statusCode code=\"completed\"/>" SOP_CLOSE "</act></entry>" HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	const cdaimg_series *s = only_series(v);
	assert_string_equal(s->description.status, "generated");
	assert_string_equal(s->description.div,
	                    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Scanner du crâne</p><p>sans injection</p></div>");
	assert_string_equal(s->instances[0].description.div,
	                    "<div xmlns=\"http://www.w3.org/1999/xhtml\">images examen 1</div>");
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

static void extract__dangling_reference_reported(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN "<text><content ID=\"a\">x</content></text>\n"
		SERIES_OPEN("1.2.3.1") "\n<text><reference value=\"#nope\"/></text>" SOP("1.2.3.1.1", "1.2.3.1")
		"</act>\n" SERIES_OPEN("1.2.3.2") "<text><reference value=\"http://elsewhere.example.org/t.txt\"/></text>"
		SOP("1.2.3.2.1", "1.2.3.2") "</act>" HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_values_count(v), 2);
	assert_null(cdaimg_values_get(v, 0)->series->description.div);
	assert_null(cdaimg_values_get(v, 1)->series->description.div);
	const cdaimg_diag *g = diag_at(d, CDAIMG_D_EXTRACT, "/section/act[1]/text/reference");
	assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
	assert_int_equal(g->line, 3);
	assert_non_null(strstr(g->message, "#nope"));
	g = diag_at(d, CDAIMG_D_EXTRACT, "/section/act[2]/text/reference");
	assert_int_equal(g->severity, CDAIMG_SEV_WARNING);
	/* the rest was read */
	assert_int_equal(cdaimg_values_get(v, 1)->series->n_instances, 1);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* --- where series are found --------------------------------------------------------------- */

static void extract__missing_sop_observation_reported(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = HL7_OPEN "\n" SERIES_OPEN("1.2.3.1") "</act>\n" SERIES_OPEN("1.2.3.2")
		SOP("1.2.3.2.1", "1.2.3.2") "</act>" HL7_CLOSE;
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_values_count(v), 2);
	const cdaimg_series *s = cdaimg_values_get(v, 0)->series;
	assert_int_equal(s->n_instances, 0);
	assert_string_equal(s->ids[0].value, "urn:oid:1.2.3.1");
	const cdaimg_diag *g = diag_at(d, CDAIMG_D_EXTRACT, "/section/act[1]");
	assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
	assert_int_equal(g->line, 2);
	assert_int_equal(cdaimg_values_get(v, 1)->series->n_instances, 1);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* Series in a Study Act come back grouped; lone ones (in nested sections, any
 * profile's templates) on their own, in document order. */
static void extract__grouping(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><structuredBody><component><section>"
		"<entry>" STUDY_OPEN("1.2.3") "<text>Examen IRM</text><effectiveTime value=\"20240312103105+0100\"/>"
		"<entryRelationship typeCode=\"COMP\">" SERIES_OPEN("1.2.3.1") SOP("1.2.3.1.1", "1.2.3.1") "</act></entryRelationship>"
		"<entryRelationship typeCode=\"COMP\">" SERIES_OPEN("1.2.3.2") SOP("1.2.3.2.1", "1.2.3.2") "</act></entryRelationship>"
		"</act></entry>"
		"<component><section><entry>"
		"<act><templateId root=\"2.16.840.1.113883.10.20.22.4.63\"/><id root=\"1.2.3.3\"/>" MODALITY
		"<entryRelationship typeCode=\"COMP\"><observation classCode=\"DGIMG\" moodCode=\"EVN\">"
		"<templateId root=\"2.16.840.1.113883.10.20.6.2.8\"/><id root=\"1.2.3.3.1\"/>" SOP_CODE
		LINK(RS("1.2.3.3", "1.2.3.3.1")) SOP_CLOSE
		"<entryRelationship typeCode=\"COMP\"><observation classCode=\"DGIMG\" moodCode=\"EVN\">"
		"<templateId root=\"2.16.840.1.113883.10.20.6.2.8\"/><id root=\"1.2.3.3.2\"/>" SOP_CODE
		LINK(RS("1.2.3.3", "1.2.3.3.2")) SOP_CLOSE
		"</act></entry></section></component>"
		"<entry>" STUDY_OPEN("1.2.4") "</act></entry>"
		"</section></component></structuredBody></component></ClinicalDocument>";
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_values_count(v), 3);
	const cdaimg_item *it = cdaimg_values_get(v, 0);
	assert_int_equal(it->kind, CDAIMG_ITEM_STUDY);
	assert_null(it->series);
	const cdaimg_study *st = it->study;
	assert_string_equal(st->ids[0].system, "urn:dicom:uid");
	assert_string_equal(st->ids[0].value, "urn:oid:1.2.3");
	assert_string_equal(st->date, "2024-03-12T10:31:05+01:00");
	assert_string_equal(st->description.div, "<div xmlns=\"http://www.w3.org/1999/xhtml\">Examen IRM</div>");
	assert_int_equal(st->n_series, 2);
	assert_string_equal(st->series[0].ids[0].value, "urn:oid:1.2.3.1");
	assert_string_equal(st->series[1].ids[0].value, "urn:oid:1.2.3.2");
	/* C-CDA series, two instances: each keeps its link; the series has the first */
	it = cdaimg_values_get(v, 1);
	assert_int_equal(it->kind, CDAIMG_ITEM_SERIES);
	assert_int_equal(it->series->n_instances, 2);
	assert_string_equal(it->series->instances[0].link.reference, RS("1.2.3.3", "1.2.3.3.1"));
	assert_string_equal(it->series->instances[1].link.reference, RS("1.2.3.3", "1.2.3.3.2"));
	assert_string_equal(it->series->link.reference, RS("1.2.3.3", "1.2.3.3.1"));
	/* a study without series is returned, with a warning */
	it = cdaimg_values_get(v, 2);
	assert_int_equal(it->kind, CDAIMG_ITEM_STUDY);
	assert_int_equal(it->study->n_series, 0);
	diag_at(d, CDAIMG_D_EXTRACT, "/ClinicalDocument/component/structuredBody/component/section/entry[2]/act");
	/* the C-CDA instances have no statusCode: one warning each, nothing else */
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 0);
	assert_int_equal(cdaimg_diags_count(d), 3);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* Elements are matched by namespace, whatever the prefix; an `act` of another
 * namespace is not a Series Act. */
static void extract__namespaces(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = "<h:section xmlns:h=\"urn:hl7-org:v3\" xmlns:o=\"urn:other\">"
		"<o:act><o:templateId root=\"1.2.840.10008.9.17\"/></o:act>"
		"<h:act><h:templateId root=\"1.2.840.10008.9.17\"/><h:id root=\"1.2.3.1\"/>"
		"<h:code code=\"113015\" " DCM "><h:qualifier><h:name code=\"121139\" " DCM "/><h:value code=\"US\" " DCM "/></h:qualifier></h:code>"
		"<h:entryRelationship typeCode=\"COMP\"><h:observation><h:templateId root=\"1.2.840.10008.9.18\"/>"
		"<h:id root=\"1.2.3.1.1\"/>" "<h:code code=\"1.2.840.10008.5.1.4.1.1.6.1\" codeSystem=\"1.2.840.10008.2.6.1\"/>"
		"<h:text mediaType=\"application/dicom\"><h:reference value=\"" RS("1.2.3.1", "1.2.3.1.1") "\"/></h:text>"
		"<h:statusCode code=\"completed\"/></h:observation></h:entryRelationship></h:act></h:section>";
	cdaimg_values *v = extract(xml, d);
	const cdaimg_series *s = only_series(v);
	assert_coding(&s->modality, "http://dicom.nema.org/resources/ontology/DCM", "US", NULL);
	assert_coding(&s->instances[0].sop_class, "urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.6.1", NULL);
	assert_int_equal(cdaimg_diags_count(d), 0);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* Study Acts of one Study Instance UID (a document gives each series its own)
 * are one study; the accession numbers of the orders go to the studies when
 * there are as many. */
static void extract__study_acts_merged(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *xml = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:ps3-20=\"urn:dicom-org:ps3-20\">"
		"<inFulfillmentOf><order><id root=\"1.2.9\"/><ps3-20:accessionNumber root=\"1.2.250.1.999.7\" extension=\"A1\"/></order></inFulfillmentOf>"
		"<inFulfillmentOf><order><id root=\"1.2.9\" extension=\"2\"/><ps3-20:accessionNumber root=\"1.2.250.1.999.7\" extension=\"A2\"/></order></inFulfillmentOf>"
		"<component><section>"
		"<entry>" STUDY_OPEN("1.2.3") "<effectiveTime value=\"2024\"/><entryRelationship typeCode=\"COMP\">"
		SERIES_OPEN("1.2.3.1") SOP("1.2.3.1.1", "1.2.3.1") "</act></entryRelationship></act></entry>"
		"<entry>" STUDY_OPEN("1.2.4") "<entryRelationship typeCode=\"COMP\">"
		SERIES_OPEN("1.2.4.1") SOP("1.2.4.1.1", "1.2.4.1") "</act></entryRelationship></act></entry>"
		"<entry>" STUDY_OPEN("1.2.3") "<effectiveTime value=\"2024\"/><entryRelationship typeCode=\"COMP\">"
		SERIES_OPEN("1.2.3.2") SOP("1.2.3.2.1", "1.2.3.2") "</act></entryRelationship></act></entry>"
		"<entry>" STUDY_OPEN("1.2.3") "<effectiveTime value=\"2025\"/><entryRelationship typeCode=\"COMP\">"
		SERIES_OPEN("1.2.3.3") SOP("1.2.3.3.1", "1.2.3.3") "</act></entryRelationship></act></entry>"
		"</section></component></ClinicalDocument>";
	cdaimg_values *v = extract(xml, d);
	assert_int_equal(cdaimg_values_count(v), 2);
	const cdaimg_study *a = cdaimg_values_get(v, 0)->study, *b = cdaimg_values_get(v, 1)->study;
	assert_string_equal(a->ids[0].value, "urn:oid:1.2.3");
	assert_string_equal(a->date, "2024");
	assert_int_equal(a->n_series, 3);
	assert_string_equal(a->series[0].ids[0].value, "urn:oid:1.2.3.1");
	assert_string_equal(a->series[1].ids[0].value, "urn:oid:1.2.3.2");
	assert_string_equal(a->series[2].ids[0].value, "urn:oid:1.2.3.3");
	assert_string_equal(b->ids[0].value, "urn:oid:1.2.4");
	assert_int_equal(b->n_series, 1);
	assert_string_equal(a->accession.system, "urn:oid:1.2.250.1.999.7");
	assert_string_equal(a->accession.value, "A1");
	assert_string_equal(b->accession.value, "A2");
	/* the fourth act's date differs from the study's: said */
	assert_int_equal(diag_at(d, CDAIMG_D_EXTRACT, "/ClinicalDocument/component/section/entry[4]/act")->severity,
	                 CDAIMG_SEV_WARNING);
	/* and the link of study 1.2.4 names study 1.2.3 (the RS macro's) */
	diag_at(d, CDAIMG_D_URL_MISMATCH, NULL);
	if (cdaimg_diags_count(d) != 2) {
		tu_print_diags(d);
		fail_msg("two diagnostics expected");
	}
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* --- the ANS example ----------------------------------------------------------------------- */

static cdaimg_values *ans_example(cdaimg_diags *d)
{
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_extract_file(&v, tu_src("tests/data/IMG_CR_IMG_2024.01.xml"), d), d);
	return v;
}

/* Its three studies of one CT series each, with their UIDs, dates and links. */
static void extract__ans_example(void **state)
{
	(void)state;
	static const char *const wado_uids[3][2] = {
		{"1.2.250.1.925.994044.27.123.1876360.001", "1.2.250.1.925.994044.27.123.1876360.001.001"},
		{"1.2.250.1.925.994044.27.123.1876361.01", "1.2.250.1.925.994044.27.123.1876361.01.01"},
		{"1.2.250.1.925.994044.27.123.1876362.1", "1.2.250.1.925.994044.27.123.1876362.1.1"},
	};
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = ans_example(d);
	assert_int_equal(cdaimg_values_count(v), 3);
	for (int i = 0; i < 3; i++) {
		char buf[512];
		const cdaimg_item *it = cdaimg_values_get(v, (size_t)i);
		assert_int_equal(it->kind, CDAIMG_ITEM_STUDY);
		const cdaimg_study *st = it->study;
		snprintf(buf, sizeof buf, "urn:oid:1.2.250.1.925.994044.27.123.187636%d", i);
		assert_string_equal(st->ids[0].value, buf);
		assert_string_equal(st->date, "2021-01-08T11:30:00+01:00");
		assert_int_equal(st->n_series, 1);
		const cdaimg_series *s = &st->series[0];
		snprintf(buf, sizeof buf, "urn:oid:1.2.250.1.925.994044.27.123.187636%d.1", i);
		assert_string_equal(s->ids[0].value, buf);
		assert_coding(&s->modality, "http://dicom.nema.org/resources/ontology/DCM", "CT", "Tomodensitométrie");
		assert_string_equal(s->date, "2020-08-23T22:32:32"); /* no zone in the document */
		assert_null(s->description.div);
		assert_int_equal(s->n_instances, 1);
		const cdaimg_instance *in = &s->instances[0];
		snprintf(buf, sizeof buf, "urn:oid:1.2.250.1.925.994044.27.123.187636%d.1.1", i);
		assert_string_equal(in->ids[0].value, buf);
		assert_coding(&in->sop_class, "urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.2", "CT Image Storage");
		snprintf(buf, sizeof buf, "<div xmlns=\"http://www.w3.org/1999/xhtml\">images examen %d</div>", i + 1);
		assert_string_equal(in->description.div, buf);
		assert_null(in->status); /* no statusCode in the document */
		assert_string_equal(in->date, "2020-08-23T22:32:32");
		assert_false(in->has_frame_count);
		/* the link as written, spaces included; its kind read without them */
		snprintf(buf, sizeof buf,
		         "http://www.example.org/wado?requestType=WADO &studyUID=1.2.250.1.925.994044.27.123.187636%d "
		         "&seriesUID=%s &objectUID=%s",
		         i, wado_uids[i][0], wado_uids[i][1]);
		assert_string_equal(s->link.reference, buf);
		assert_coding(&s->link.kind, "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
		              "dicom-wado-uri", NULL);
		assert_coding(&s->link.media_type, "urn:ietf:bcp:13", "application/dicom", NULL);
	}
	/* what is wrong with it is said, with lines; nothing is an error */
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 0);
	size_t url = 0, param = 0, zone = 0, status = 0;
	/* two orders with an accession number for three studies: none is given */
	assert_int_equal(diag_at(d, CDAIMG_D_EXTRACT, "/ClinicalDocument")->severity, CDAIMG_SEV_INFO);
	for (size_t i = 0; i < 3; i++)
		assert_null(cdaimg_values_get(v, i)->study->accession.value);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		assert_true(g->line > 0);
		if (g->severity == CDAIMG_SEV_INFO)
			continue;
		assert_true(!strncmp(g->path, "/ClinicalDocument/component/structuredBody/", 43));
		url += g->code == CDAIMG_D_URL;
		param += g->code == CDAIMG_D_URL_PARAM;
		zone += g->code == CDAIMG_D_EXTRACT && strstr(g->message, "time zone") != NULL;
		status += g->code == CDAIMG_D_EXTRACT && strstr(g->message, "statusCode") != NULL;
	}
	assert_int_equal(url, 3);    /* spaces in every link */
	assert_int_equal(param, 4);  /* seriesUID and objectUID of the first two links are not UIDs (001, 01) */
	assert_int_equal(zone, 6);   /* two dates per series */
	assert_int_equal(status, 3); /* no statusCode */
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* Rebuilding the example's series as read is refused, for what the document
 * lacks (statut, time zones) and for its links (spaces, UIDs with leading
 * zeros); once those are mended the entries pass the XSD and the rules. */
static void extract__ans_example_rebuild(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = ans_example(d);
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_study *st = cdaimg_values_get(v, i)->study;
		cdaimg_diags_clear(d);
		cdaimg_series s = st->series[0];
		cdaimg_diags_clear(d);
		assert_int_equal(cdaimg_series_check(&s, NULL, d), CDAIMG_EINVALID);
		assert_diag(d, CDAIMG_D_URL, "referenceWado.reference");
		assert_diag(d, CDAIMG_D_REQUIRED, "instanceSOP.statut");
		assert_diag(d, CDAIMG_D_DATE, "date");
		assert_diag(d, CDAIMG_D_DATE, "instanceSOP.date");
		/* mended: statut, zones, and the link the builder would write */
		cdaimg_instance in = s.instances[0];
		in.status = "completed";
		in.date = "2020-08-23T22:32:32+02:00";
		s.date = in.date;
		s.instances = &in;
		char url[512];
		snprintf(url, sizeof url,
		         "http://www.example.org/wado?requestType=WADO&studyUID=%s&seriesUID=%s&objectUID=%s"
		         "&contentType=application%%2Fdicom",
		         st->ids[0].value + 8, s.ids[0].value + 8, in.ids[0].value + 8);
		s.link.reference = url;
		cdaimg_study mended = *st;
		mended.series = &s;
		cdaimg_diags_clear(d);
		xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
		xmlNodePtr entry = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
		xmlDocSetRootElement(doc, entry);
		xmlSetNs(entry, xmlNewNs(entry, (const xmlChar *)"urn:hl7-org:v3", NULL));
		xmlNodePtr act = NULL;
		assert_cdaimg_ok(cdaimg_study_build(&act, entry, &mended, NULL, d), d);
		assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), act, d), d);
		assert_cdaimg_ok(cdaimg_conformance_check_rules(tu_conformance(), (xmlNodePtr)doc, NULL, d), d);
		/* and it reads back the same */
		cdaimg_values *again = NULL;
		assert_cdaimg_ok(cdaimg_extract_doc(&again, doc, d), d);
		assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
		const cdaimg_study *st2 = cdaimg_values_get(again, 0)->study;
		assert_string_equal(st2->series[0].link.reference, url);
		assert_string_equal(st2->series[0].instances[0].status, "completed");
		assert_string_equal(st2->series[0].instances[0].description.div, in.description.div);
		cdaimg_values_free(again);
		xmlFreeDoc(doc);
	}
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* --- out of memory -------------------------------------------------------------------------- */

/* A text dump of values and diagnostics (plain malloc), to compare outcomes. */
typedef struct dump {
	char *s;
	size_t len, cap;
} dump;

static void put(dump *o, const char *a, const char *b)
{
	size_t n = strlen(a) + (b ? strlen(b) : 6) + 2;
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = realloc(o->s, o->cap);
		assert_non_null(o->s);
	}
	o->len += (size_t)snprintf(o->s + o->len, o->cap - o->len, "%s=%s\n", a, b ? b : "(null)");
}

static void put_concept(dump *o, const char *what, const cdaimg_concept *k)
{
	for (size_t i = 0; i < k->n_codings; i++) {
		put(o, what, k->codings[i].system);
		put(o, what, k->codings[i].code);
		put(o, what, k->codings[i].display);
	}
}

static void put_ids(dump *o, const cdaimg_identifier *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put(o, "id", ids[i].system);
		put(o, "id", ids[i].value);
	}
}

static void put_series(dump *o, const cdaimg_series *s)
{
	put_ids(o, s->ids, s->n_ids);
	put_concept(o, "modality", &s->modality);
	put(o, "description", s->description.div);
	put(o, "date", s->date);
	for (size_t i = 0; i < s->n_instances; i++) {
		const cdaimg_instance *in = &s->instances[i];
		char frames[32];
		snprintf(frames, sizeof frames, "%d %lld", in->has_frame_count, (long long)in->frame_count);
		put_ids(o, in->ids, in->n_ids);
		put_concept(o, "class", &in->sop_class);
		put(o, "description", in->description.div);
		put(o, "statut", in->status);
		put(o, "date", in->date);
		put(o, "frames", frames);
		put(o, "link", in->link.reference);
	}
	put(o, "link", s->link.reference);
	put_concept(o, "kind", &s->link.kind);
	put_concept(o, "media", &s->link.media_type);
}

static char *outcome(const cdaimg_values *v, const cdaimg_diags *d)
{
	dump o = {NULL, 0, 0};
	put(&o, "items", "");
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		if (it->kind == CDAIMG_ITEM_SERIES) {
			put_series(&o, it->series);
			continue;
		}
		put_ids(&o, it->study->ids, it->study->n_ids);
		put(&o, "date", it->study->date);
		put(&o, "description", it->study->description.div);
		for (size_t k = 0; k < it->study->n_series; k++)
			put_series(&o, &it->study->series[k]);
	}
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		char line[1024];
		cdaimg_diag_format(cdaimg_diags_get(d, i), line, sizeof line);
		put(&o, "diag", line);
	}
	return o.s;
}

/* One extraction: of @p doc, or of @p xml parsed. */
typedef struct extract_arg {
	xmlDocPtr doc;
	const char *xml;
	const char *file; /* or the file read as the walk goes (cdaimg_extract_file) */
	cdaimg_diags *d;
	cdaimg_values *v;
} extract_arg;

static void extract_setup(void *arg)
{
	extract_arg *a = arg;
	a->d = cdaimg_diags_new();
	a->v = NULL;
}

static cdaimg_status extract_call(void *arg)
{
	extract_arg *a = arg;
	if (a->file)
		return cdaimg_extract_file(&a->v, a->file, a->d);
	return a->doc ? cdaimg_extract_doc(&a->v, a->doc, a->d) : cdaimg_extract_memory(&a->v, a->xml, strlen(a->xml), a->d);
}

/* The values and the diagnostics, as text; none on failure. */
static char *extract_done(void *arg, cdaimg_status st)
{
	extract_arg *a = arg;
	bool read = st == CDAIMG_OK || st == CDAIMG_EINVALID;
	if (!read && a->v)
		oom_problem("extraction: %s with values", cdaimg_status_name(st));
	char *out = read ? outcome(a->v, a->d) : NULL;
	cdaimg_values_free(a->v);
	cdaimg_diags_free(a->d);
	return out;
}

/* Fail the n-th allocation for every n the extraction makes: each run returns
 * CDAIMG_ENOMEM and leaves nothing allocated, or, when the failure happened
 * where cdaimg cannot see it (link_kind_infer reads a failed allocation as
 * "no kind"), at most @p max_unseen times, returns exactly what a run without
 * failure returns. */
static void extract_failing_in(xmlDocPtr doc, const char *xml, const char *file, long max_unseen,
                               cdaimg_status final)
{
	extract_arg a = {doc, xml, file, NULL, NULL};
	const oom_case c = {.name = file ? "cdaimg_extract_file" : doc ? "cdaimg_extract_doc" : "cdaimg_extract_memory",
	                    .arg = &a,
	                    .setup = extract_setup,
	                    .call = extract_call,
	                    .done = extract_done,
	                    .final = final,
	                    .max_unseen = max_unseen};
	assert_true(oom_run(&c) > 10);
}

static void extract_failing(xmlDocPtr doc, const char *xml, long max_unseen, cdaimg_status final)
{
	extract_failing_in(doc, xml, NULL, max_unseen, final);
}

/* The same, @p xml read from a file as the walk goes. */
static void extract_file_failing(const char *xml, cdaimg_status final)
{
	char file[] = "/tmp/cdaimg-oom-XXXXXX";
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
	close(fd);
	extract_failing_in(NULL, NULL, file, 0, final);
	unlink(file);
}

/* A section of two Series Acts, with a reference back, a bad UID and date, a
 * link to another series (the link checks' warnings), a dangling reference. */
static const char diagnosed_xml[] =
	HL7_OPEN "<text><content ID=\"s1\">a<br/>b</content></text>" SERIES_OPEN("1.2.03")
	"<text><reference value=\"#s1\"/></text><effectiveTime value=\"20230229\"/>"
	SOP_OPEN("1.2.3.1.1") SOP_CODE LINK("https://h.example.org/wado?requestType=WADO&amp;seriesUID=1.2.3.9")
	SOP_CLOSE "</act>" SERIES_OPEN("1.2.3.2") "<text><reference value=\"#none\"/></text></act>" HL7_CLOSE;

static void extract__out_of_memory(void **state)
{
	(void)state;
	cdaimg_global_init();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src("tests/data/IMG_CR_IMG_2024.01.xml"), NULL), NULL);
	extract_failing(doc, NULL, 3, CDAIMG_OK); /* link_kind_infer, once per link with "requestType=WADO " */
	xmlFreeDoc(doc);
	const char *xml = diagnosed_xml;
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, xml, strlen(xml), NULL, NULL), NULL);
	extract_failing(doc, NULL, 0, CDAIMG_EINVALID); /* a UID and a date reported */
	xmlFreeDoc(doc);
}

/* Parsing included: an allocation failure inside libxml2 that drops part of
 * the document (a namespace whose name could not be copied leaves every
 * element outside the HL7 namespace) must not give an empty, successful
 * result (F9). */
static void extract__out_of_memory_while_parsing(void **state)
{
	(void)state;
	cdaimg_global_init();
	const char *xml = HL7_OPEN SERIES_OPEN("1.2.3.1") SOP("1.2.3.1.1", "1.2.3.1") "</act>" HL7_CLOSE;
	extract_failing(NULL, xml, 0, CDAIMG_OK);
	/* and with diagnostics, held while parsing until their paths are made whole */
	cdaimg_values *v = NULL;
	x_stats stats = {0};
	assert_int_equal(x_extract_streaming(&v, diagnosed_xml, strlen(diagnosed_xml), NULL, NULL, &stats),
	                 CDAIMG_EINVALID);
	assert_true(stats.streamed && stats.fallback == X_FB_NONE);
	cdaimg_values_free(v);
	extract_failing(NULL, diagnosed_xml, 0, CDAIMG_EINVALID);
	extract_file_failing(xml, CDAIMG_OK);
	extract_file_failing(diagnosed_xml, CDAIMG_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extract__arguments),
		cmocka_unit_test(extract__not_well_formed),
		cmocka_unit_test(extract__empty_document_gives_nothing),
		cmocka_unit_test(extract__no_entity_expansion),
		cmocka_unit_test(extract__test_series_fields),
		cmocka_unit_test(extract__identifiers),
		cmocka_unit_test(extract__bad_uid_reported),
		cmocka_unit_test(extract__status_the_build_refuses),
		cmocka_unit_test(extract__modality_forms),
		cmocka_unit_test(extract__dates),
		cmocka_unit_test(extract__frames),
		cmocka_unit_test(extract__link_kinds),
		cmocka_unit_test(extract__link_mismatch_reported),
		cmocka_unit_test(extract__narrative_references_resolved),
		cmocka_unit_test(extract__dangling_reference_reported),
		cmocka_unit_test(extract__missing_sop_observation_reported),
		cmocka_unit_test(extract__grouping),
		cmocka_unit_test(extract__study_acts_merged),
		cmocka_unit_test(extract__namespaces),
		cmocka_unit_test(extract__ans_example),
		cmocka_unit_test(extract__ans_example_rebuild),
		cmocka_unit_test(extract__out_of_memory),
		cmocka_unit_test(extract__out_of_memory_while_parsing),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tu_schemas_free();
	xmlCleanupParser();
	return rc;
}
