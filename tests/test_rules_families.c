/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* test_rules_families.c - cdaimg's own rule files for the PS3.20 and C-CDA
 * families (schemas/cdaimg-rules/): picked by the template ids a document
 * carries; each assert fires when what it checks is broken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* The serialized <entry> holding what a builder wrote. */
static char *entry_xml(bool study, cdaimg_profile profile, int64_t frames)
{
	tu_series t;
	tu_series_init(&t);
	if (frames) {
		t.inst.has_frame_count = 1;
		t.inst.frame_count = frames;
	}
	const cdaimg_identifier study_id = {"urn:dicom:uid", "urn:oid:1.2.250.1.925.994044.27.123.1876360"};
	cdaimg_study st = {&study_id, 1, "2021-01-08T11:30:00+01:00", {0}, {NULL, NULL}, &t.s, 1};
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr entry = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, entry);
	xmlSetNs(entry, xmlNewNs(entry, BAD_CAST "urn:hl7-org:v3", NULL));
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.profile = profile;
	cdaimg_diags *d = cdaimg_diags_new();
	if (study)
		assert_cdaimg_ok(cdaimg_study_build(NULL, entry, &st, &opts, d), d);
	else
		assert_cdaimg_ok(cdaimg_series_build(NULL, entry, &t.s, &opts, d), d);
	cdaimg_diags_free(d);
	xmlChar *mem = NULL;
	int n = 0;
	xmlDocDumpMemory(doc, &mem, &n);
	char *s = strdup((const char *)mem);
	xmlFree(mem);
	xmlFreeDoc(doc);
	return s;
}

/* @p xml with the first @p from replaced by @p to (malloc'd). */
static char *replace_first(const char *xml, const char *from, const char *to)
{
	const char *at = strstr(xml, from);
	if (!at)
		fail_msg("\"%s\" not found in the entry", from);
	size_t n = strlen(xml) - strlen(from) + strlen(to) + 64; /* room for a closing tag */
	char *out = malloc(n);
	snprintf(out, n, "%.*s%s%s", (int)(at - xml), xml, to, at + strlen(from));
	return out;
}

/* Rules check of @p xml: the ids of the rules that failed, space-separated. */
static void check_xml(const char *xml, cdaimg_status expected, char *fired, size_t size)
{
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, xml, strlen(xml), NULL, d), d);
	cdaimg_status st = cdaimg_conformance_check_rules(tu_conformance(), (xmlNodePtr)doc, NULL, d);
	fired[0] = '\0';
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->code == CDAIMG_D_RULE) {
			strncat(fired, g->rule, size - strlen(fired) - 2);
			strcat(fired, " ");
		}
	}
	if (st != expected) {
		tu_print_diags(d);
		fail_msg("rules check gave %s", cdaimg_status_name(st));
	}
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void families__valid_entries_pass_their_family_only(void **state)
{
	char fired[2048];
	for (int p = CDAIMG_PROFILE_DICOM; p <= CDAIMG_PROFILE_CCDA; p++) {
		for (int study = 0; study < 2; study++) {
			char *xml = entry_xml(study, (cdaimg_profile)p, p == CDAIMG_PROFILE_CCDA ? 3 : 0);
			check_xml(xml, CDAIMG_OK, fired, sizeof fired);
			free(xml);
		}
	}
	/* a DICOM-profile entry under the ANS rules would fail (one templateId, no FR ids):
	 * the checker must not apply them */
	char *xml = entry_xml(false, CDAIMG_PROFILE_DICOM, 0);
	assert_null(strstr(xml, "1.2.250.1.213"));
	free(xml);
}

typedef struct breaking_case {
	bool study;
	cdaimg_profile profile;
	int64_t frames;
	const char *from, *to;
	const char *rule;
} breaking_case;

#define SERIES_ID "<id root=\"1.2.250.1.925.994044.27.123.1876360.1\"/>"
#define SOP_ID "<id root=\"1.2.250.1.925.994044.27.123.1876360.1.1\"/>"
#define STUDY_ID "<id root=\"1.2.250.1.925.994044.27.123.1876360\"/>"

static const breaking_case cases[] = {
	{true, CDAIMG_PROFILE_DICOM, 0, "moodCode=\"EVN\"", "moodCode=\"INT\"", "PS3.20-StudyAct-1"},
	{true, CDAIMG_PROFILE_DICOM, 0, STUDY_ID, STUDY_ID STUDY_ID, "PS3.20-StudyAct-2"},
	{true, CDAIMG_PROFILE_DICOM, 0, "code=\"113014\"", "code=\"113019\"", "PS3.20-StudyAct-3"},
	{true, CDAIMG_PROFILE_DICOM, 0, "typeCode=\"COMP\"", "typeCode=\"REFR\"", "PS3.20-StudyAct-4"},
	{false, CDAIMG_PROFILE_DICOM, 0, "moodCode=\"EVN\"", "moodCode=\"INT\"", "PS3.20-SeriesAct-1"},
	{false, CDAIMG_PROFILE_DICOM, 0, SERIES_ID, "<id root=\"1.2.3\" extension=\"x\"/>", "PS3.20-SeriesAct-2"},
	{false, CDAIMG_PROFILE_DICOM, 0, "code=\"113015\"", "code=\"113016\"", "PS3.20-SeriesAct-3"},
	{false, CDAIMG_PROFILE_DICOM, 0, "code=\"121139\"", "code=\"121138\"", "PS3.20-SeriesAct-4"},
	{false, CDAIMG_PROFILE_DICOM, 0, "typeCode=\"COMP\"", "typeCode=\"REFR\"", "PS3.20-SeriesAct-5"},
	{false, CDAIMG_PROFILE_DICOM, 0, "classCode=\"DGIMG\"", "classCode=\"OBS\"", "PS3.20-SOPInstance-1"},
	{false, CDAIMG_PROFILE_DICOM, 0, SOP_ID, "", "PS3.20-SOPInstance-2"},
	{false, CDAIMG_PROFILE_DICOM, 0, "codeSystem=\"1.2.840.10008.2.6.1\"", "codeSystem=\"1.2.3\"", "PS3.20-SOPInstance-3"},
	{false, CDAIMG_PROFILE_DICOM, 0, "mediaType=\"application/dicom\"", "mediaType=\"image/jpeg\"",
	 "PS3.20-SOPInstance-4"},
	/* the entry put inside a DICOM Object Catalog with its frames */
	{false, CDAIMG_PROFILE_DICOM, 2, "<entry xmlns=\"urn:hl7-org:v3\">",
	 "<section xmlns=\"urn:hl7-org:v3\"><templateId root=\"2.16.840.1.113883.10.20.6.1.1\"/><entry>",
	 "PS3.20-SOPInstance-5"},
	{true, CDAIMG_PROFILE_CCDA, 0, "moodCode=\"EVN\"", "moodCode=\"INT\"", "CCDA-DIR-StudyAct-1"},
	{true, CDAIMG_PROFILE_CCDA, 0, STUDY_ID, "", "CCDA-DIR-StudyAct-2"},
	{true, CDAIMG_PROFILE_CCDA, 0, "code=\"113014\"", "code=\"113019\"", "CCDA-DIR-StudyAct-3"},
	{true, CDAIMG_PROFILE_CCDA, 0, "typeCode=\"COMP\"", "typeCode=\"REFR\"", "CCDA-DIR-StudyAct-4"},
	{false, CDAIMG_PROFILE_CCDA, 0, "moodCode=\"EVN\"", "moodCode=\"INT\"", "CCDA-DIR-SeriesAct-1"},
	{false, CDAIMG_PROFILE_CCDA, 0, SERIES_ID, "<id root=\"1.2.3\" extension=\"x\"/>", "CCDA-DIR-SeriesAct-2"},
	{false, CDAIMG_PROFILE_CCDA, 0, "code=\"113015\"", "code=\"113016\"", "CCDA-DIR-SeriesAct-3"},
	{false, CDAIMG_PROFILE_CCDA, 0, "code=\"121139\"", "code=\"121138\"", "CCDA-DIR-SeriesAct-4"},
	{false, CDAIMG_PROFILE_CCDA, 0, "typeCode=\"COMP\"", "typeCode=\"REFR\"", "CCDA-DIR-SeriesAct-5"},
	{false, CDAIMG_PROFILE_CCDA, 0, "classCode=\"DGIMG\"", "classCode=\"OBS\"", "CCDA-DIR-SOPInstance-1"},
	{false, CDAIMG_PROFILE_CCDA, 0, SOP_ID, "", "CCDA-DIR-SOPInstance-2"},
	{false, CDAIMG_PROFILE_CCDA, 0, "codeSystem=\"1.2.840.10008.2.6.1\"", "codeSystem=\"1.2.3\"",
	 "CCDA-DIR-SOPInstance-3"},
	{false, CDAIMG_PROFILE_CCDA, 0, "mediaType=\"application/dicom\"", "mediaType=\"image/jpeg\"",
	 "CCDA-DIR-SOPInstance-4"},
	{false, CDAIMG_PROFILE_CCDA, 2, "classCode=\"ROIBND\"", "classCode=\"OBS\"", "CCDA-DIR-ReferencedFrames-1"},
	{false, CDAIMG_PROFILE_CCDA, 2, "code=\"121190\"", "code=\"121191\"", "CCDA-DIR-ReferencedFrames-2"},
	{false, CDAIMG_PROFILE_CCDA, 2, "<templateId root=\"2.16.840.1.113883.10.20.6.2.11\"/>", "",
	 "CCDA-DIR-ReferencedFrames-3"},
	{false, CDAIMG_PROFILE_CCDA, 2, "classCode=\"OBS\" moodCode=\"EVN\"", "classCode=\"OBS\" moodCode=\"INT\"",
	 "CCDA-DIR-Boundary-1"},
	{false, CDAIMG_PROFILE_CCDA, 2, "code=\"113036\"", "code=\"113037\"", "CCDA-DIR-Boundary-2"},
	{false, CDAIMG_PROFILE_CCDA, 2, "xsi:type=\"INT\"", "xsi:type=\"REAL\"", "CCDA-DIR-Boundary-3"},
};

static void families__each_rule_fires_when_broken(void **state)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const breaking_case *k = &cases[i];
		char *xml = entry_xml(k->study, k->profile, k->frames);
		char *broken = replace_first(xml, k->from, k->to);
		if (strstr(k->to, "<section"))
			strcpy(strstr(broken, "</entry>"), "</entry></section>\n");
		char fired[2048], want[160];
		check_xml(broken, CDAIMG_ENONCONFORMANT, fired, sizeof fired);
		snprintf(want, sizeof want, "%s ", k->rule);
		if (!strstr(fired, want))
			fail_msg("%s did not fire; fired: %s", k->rule, fired);
		/* only rules of the entry's own family */
		if (strstr(fired, "E_") || strstr(fired, "S_") ||
		    strstr(fired, k->profile == CDAIMG_PROFILE_DICOM ? "CCDA-" : "PS3.20-"))
			fail_msg("%s: rules of another family fired: %s", k->rule, fired);
		free(broken);
		free(xml);
	}
}

/* The asserts of one of cdaimg's rule files: each has a breaking case above. */
static size_t covered_asserts(const char *file)
{
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src(file), NULL), NULL);
	size_t seen = 0;
	for (xmlNodePtr n = xmlDocGetRootElement(doc); n;) {
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "assert")) {
			xmlChar *id = xmlGetProp(n, BAD_CAST "id");
			assert_non_null(id);
			bool covered = false;
			for (size_t k = 0; k < sizeof cases / sizeof cases[0] && !covered; k++)
				covered = !strcmp(cases[k].rule, (const char *)id);
			if (!covered)
				fail_msg("assert %s of %s has no breaking case", (const char *)id, file);
			xmlFree(id);
			seen++;
		}
		if (n->children && n->type == XML_ELEMENT_NODE)
			n = n->children;
		else {
			while (n && !n->next)
				n = n->parent;
			n = n ? n->next : NULL;
		}
	}
	xmlFreeDoc(doc);
	return seen;
}

static void families__every_rule_has_a_case(void **state)
{
	size_t seen = covered_asserts("schemas/cdaimg-rules/dicom-ps3-20.sch") +
	              covered_asserts("schemas/cdaimg-rules/ccda-dir.sch");
	assert_int_equal(seen, sizeof cases / sizeof cases[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(families__valid_entries_pass_their_family_only),
		cmocka_unit_test(families__each_rule_fires_when_broken),
		cmocka_unit_test(families__every_rule_has_a_case),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tu_schemas_free();
	return rc;
}
