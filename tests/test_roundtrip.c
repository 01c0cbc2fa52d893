/* SPDX-License-Identifier: MIT */
/*
 * test_roundtrip.c - build, then extract, gives the input back (issue 5).
 *
 * Every input of the generated corpus (tests/corpus.c) is built with
 * cdaimg_series_to_string (some with cdaimg_series_build into a document),
 * extracted, and compared field by field after the normalisations MAPPING.md
 * documents; the extracted values must also rebuild the very same entry.
 * The corpus size is the first argument (default 200); ctest runs 200 in the
 * unit label and 10,000 in the "long" label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "corpus.h"
#include "testutil.h"
#include "valuesets.h"

static unsigned corpus_size = 200;

/* Extraction of a built entry reports nothing but what the build itself
 * warned about: a WADO-URI link without contentType (D5). */
static void assert_clean(const cdaimg_diags *d, unsigned index, const char *xml)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->code != CDAIMG_D_URL_CONTENT_TYPE || g->severity != CDAIMG_SEV_WARNING) {
			tu_print_diags(d);
			fail_msg("input %u: extraction reported problems on a built entry:\n%s", index, xml ? xml : "");
		}
	}
}

/* Build @p s, extract it, compare; the extracted values rebuild the same text. */
static void round_trip(const cdaimg_series *s, const char *series_text, const char *const *inst_texts,
                       cdaimg_profile profile, unsigned index)
{
	cdaimg_options o = CDAIMG_OPTIONS_INIT;
	o.profile = profile;
	cdaimg_diags *d = cdaimg_diags_new();
	char *xml = NULL, *again = NULL;
	size_t len = 0;
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_series_to_string(&xml, &len, s, &o, d), d);
	cdaimg_diags_clear(d);
	assert_cdaimg_ok(cdaimg_extract_memory(&v, xml, len, d), d);
	assert_clean(d, index, xml);
	assert_int_equal(cdaimg_values_count(v), 1);
	const cdaimg_item *item = cdaimg_values_get(v, 0);
	assert_int_equal(item->kind, CDAIMG_ITEM_SERIES);
	const char *diff = corpus_compare(s, series_text, inst_texts, profile, item->series);
	if (diff)
		fail_msg("input %u: %s\n%s", index, diff, xml);
	assert_cdaimg_ok(cdaimg_series_to_string(&again, NULL, item->series, &o, d), d);
	if (strcmp(xml, again) != 0)
		fail_msg("input %u: rebuilding the extracted values gives another entry:\n%s\n---\n%s", index, xml, again);
	cdaimg_free(again);
	cdaimg_free(xml);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* Same through a caller's document: series_build under <entry>, extract_doc. */
static void round_trip_doc(const cdaimg_series *s, const char *series_text, const char *const *inst_texts,
                           cdaimg_profile profile, unsigned index)
{
	cdaimg_options o = CDAIMG_OPTIONS_INIT;
	o.profile = profile;
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"section", NULL);
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL));
	xmlNodePtr entry = xmlNewChild(root, root->ns, (const xmlChar *)"entry", NULL);
	assert_cdaimg_ok(cdaimg_series_build(NULL, entry, s, &o, d), d);
	cdaimg_values *v = NULL;
	cdaimg_diags_clear(d);
	assert_cdaimg_ok(cdaimg_extract_doc(&v, doc, d), d);
	assert_clean(d, index, NULL);
	assert_int_equal(cdaimg_values_count(v), 1);
	const char *diff = corpus_compare(s, series_text, inst_texts, profile, cdaimg_values_get(v, 0)->series);
	if (diff)
		fail_msg("input %u (in a document): %s", index, diff);
	cdaimg_values_free(v);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

static void roundtrip__test_series(void **state)
{
	(void)state;
	tu_series t;
	tu_series_init(&t);
	round_trip(&t.s, NULL, NULL, CDAIMG_PROFILE_FR, 0);
	round_trip_doc(&t.s, NULL, NULL, CDAIMG_PROFILE_FR, 0);
}

static void roundtrip__corpus(void **state)
{
	(void)state;
	corpus_item *it = malloc(sizeof *it);
	assert_non_null(it);
	for (unsigned i = 0; i < corpus_size; i++) {
		corpus_make(it, i);
		round_trip(&it->s, it->series_text, it->inst_text, it->profile, i);
		if (i % 10 == 0)
			round_trip_doc(&it->s, it->series_text, it->inst_text, it->profile, i);
	}
	free(it);
}

/* The dicom and ccda profiles: their own template ids, one to three instances
 * per series with their links, frames as a list of INT. */
static void roundtrip__corpus_other_profiles(void **state)
{
	(void)state;
	corpus_item *it = malloc(sizeof *it);
	assert_non_null(it);
	size_t multi = 0;
	for (unsigned i = 0; i < corpus_size; i++) {
		cdaimg_profile p = i % 2 ? CDAIMG_PROFILE_DICOM : CDAIMG_PROFILE_CCDA;
		corpus_make_in(it, i, p, NULL);
		multi += it->s.n_instances > 1;
		round_trip(&it->s, it->series_text, it->inst_text, p, i);
		if (i % 10 == 0)
			round_trip_doc(&it->s, it->series_text, it->inst_text, p, i);
	}
	free(it);
	assert_true(multi > corpus_size / 4);
}

/* --- studies, sections, documents ---------------------------------------------------------- */

#define STUDY_MAX 3

/* A generated study of 1 to 3 FR series whose links name it. */
typedef struct study_input {
	corpus_item *items[STUDY_MAX];
	corpus_item *pool; /* the study's own strings */
	cdaimg_series series[STUDY_MAX];
	cdaimg_identifier ids[2];
	cdaimg_study st;
	const char *text;
	char uid[64], oid[72];
} study_input;

static void study_make(study_input *si, unsigned g)
{
	memset(si, 0, sizeof *si);
	snprintf(si->uid, sizeof si->uid, "1.2.250.1.998.%u", g + 1);
	size_t n = 1 + g % STUDY_MAX;
	for (size_t k = 0; k < n; k++) {
		si->items[k] = malloc(sizeof(corpus_item));
		assert_non_null(si->items[k]);
		corpus_make_in(si->items[k], g * STUDY_MAX + (unsigned)k, CDAIMG_PROFILE_FR, si->uid);
		si->series[k] = si->items[k]->s;
	}
	si->pool = calloc(1, sizeof(corpus_item));
	assert_non_null(si->pool);
	if (g % 2) {
		si->ids[0] = (cdaimg_identifier){"urn:dicom:uid", si->uid};
		si->st.n_ids = 1;
	} else {
		snprintf(si->oid, sizeof si->oid, "urn:oid:%s", si->uid);
		si->ids[0] = (cdaimg_identifier){NULL, si->oid};
		si->ids[1] = (cdaimg_identifier){"urn:oid:1.2.250.1.213.1.1.9", "ex-é"};
		si->st.n_ids = 2;
	}
	si->st.ids = si->ids;
	si->st.date = corpus_date(si->pool, g);
	corpus_description(si->pool, g, &si->st.description, &si->text);
	if (g % 4 == 0)
		si->st.accession = (cdaimg_identifier){"urn:oid:1.2.250.1.999.7", g % 2 ? "ACC-1" : "ACC-2"};
	si->st.series = si->series;
	si->st.n_series = n;
}

static void study_free(study_input *si)
{
	for (size_t k = 0; k < STUDY_MAX; k++)
		free(si->items[k]);
	free(si->pool);
}

static void assert_study(const study_input *si, const cdaimg_study *got, unsigned g, bool accession)
{
	const corpus_item *items[STUDY_MAX] = {si->items[0], si->items[1], si->items[2]};
	const char *diff = corpus_compare_study(&si->st, si->text, items, got);
	if (diff)
		fail_msg("study %u: %s", g, diff);
	if (accession) {
		const char *sys = si->st.accession.system, *val = si->st.accession.value;
		if ((sys == NULL) != (got->accession.system == NULL) || (sys && strcmp(sys, got->accession.system)) ||
		    (val == NULL) != (got->accession.value == NULL) || (val && strcmp(val, got->accession.value)))
			fail_msg("study %u: accessionNumber differs", g);
	} else {
		assert_null(got->accession.value);
	}
}

/* A document with an HL7 root element holding the new nodes. */
static xmlNodePtr new_holder(xmlDocPtr *doc, const char *name)
{
	*doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(*doc, NULL, (const xmlChar *)name, NULL);
	xmlDocSetRootElement(*doc, root);
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL));
	return root;
}

static char *node_text(xmlNodePtr n)
{
	xmlBufferPtr b = xmlBufferCreate();
	xmlNodeDump(b, n->doc, n, 0, 1);
	const char *c = (const char *)xmlBufferContent(b);
	char *s = malloc(strlen(c) + 1);
	assert_non_null(s);
	strcpy(s, c);
	xmlBufferFree(b);
	return s;
}

static cdaimg_values *extract_clean(xmlDocPtr doc, cdaimg_diags *d)
{
	cdaimg_values *v = NULL;
	cdaimg_diags_clear(d);
	assert_cdaimg_ok(cdaimg_extract_doc(&v, doc, d), d);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		if (cdaimg_diags_get(d, i)->code != CDAIMG_D_URL_CONTENT_TYPE &&
		    cdaimg_diags_get(d, i)->severity != CDAIMG_SEV_INFO) {
			tu_print_diags(d);
			fail_msg("extraction reported problems on a built entry");
		}
	return v;
}

/* Study Acts (descriptions inline) read back grouped, and rebuild the same. */
static void roundtrip__studies(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	for (unsigned g = 0; g < corpus_size / 4; g++) {
		study_input si;
		study_make(&si, g);
		xmlDocPtr doc, doc2;
		xmlNodePtr entry = new_holder(&doc, "entry"), entry2 = new_holder(&doc2, "entry"), act, act2;
		assert_cdaimg_ok(cdaimg_study_build(&act, entry, &si.st, NULL, d), d);
		cdaimg_values *v = extract_clean(doc, d);
		assert_int_equal(cdaimg_values_count(v), 1);
		assert_int_equal(cdaimg_values_get(v, 0)->kind, CDAIMG_ITEM_STUDY);
		assert_study(&si, cdaimg_values_get(v, 0)->study, g, false);
		assert_cdaimg_ok(cdaimg_study_build(&act2, entry2, cdaimg_values_get(v, 0)->study, NULL, d), d);
		char *a = node_text(act), *b = node_text(act2);
		if (strcmp(a, b))
			fail_msg("study %u: rebuilt differently:\n%s\n---\n%s", g, a, b);
		free(a);
		free(b);
		cdaimg_values_free(v);
		xmlFreeDoc(doc);
		xmlFreeDoc(doc2);
		study_free(&si);
	}
	cdaimg_diags_free(d);
}

/* A DICOM Object Catalog section: descriptions live in its narrative as
 * <content ID> and the entries reference them (D6); they are read back. */
static void roundtrip__section(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	for (unsigned g = 0; g < corpus_size / 8; g++) {
		study_input si[3];
		cdaimg_study studies[3];
		size_t n = 1 + g % 3;
		for (size_t k = 0; k < n; k++) {
			study_make(&si[k], g * 3 + (unsigned)k);
			studies[k] = si[k].st;
		}
		xmlDocPtr doc, doc2;
		xmlNodePtr comp = new_holder(&doc, "component"), comp2 = new_holder(&doc2, "component"), sec, sec2;
		assert_cdaimg_ok(cdaimg_section_build(&sec, comp, studies, n, NULL, d), d);
		cdaimg_values *v = extract_clean(doc, d);
		assert_int_equal(cdaimg_values_count(v), n);
		cdaimg_study back[3];
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(cdaimg_values_get(v, k)->kind, CDAIMG_ITEM_STUDY);
			assert_study(&si[k], cdaimg_values_get(v, k)->study, g, false);
			back[k] = *cdaimg_values_get(v, k)->study;
		}
		assert_cdaimg_ok(cdaimg_section_build(&sec2, comp2, back, n, NULL, d), d);
		char *a = node_text(sec), *b = node_text(sec2);
		if (strcmp(a, b))
			fail_msg("section %u: rebuilt differently:\n%s\n---\n%s", g, a, b);
		free(a);
		free(b);
		cdaimg_values_free(v);
		xmlFreeDoc(doc);
		xmlFreeDoc(doc2);
		for (size_t k = 0; k < n; k++)
			study_free(&si[k]);
	}
	cdaimg_diags_free(d);
}

/* A whole IMG-CR-IMG document: the studies, their accession numbers from the
 * orders, and the same document again from what was read. */
static void roundtrip__document(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	unsigned rebuilt = 0;
	for (unsigned g = 0; g < corpus_size / 20; g++) {
		study_input si[3];
		cdaimg_study studies[3];
		size_t n = 1 + g % 3;
		bool all_acc = true, no_acc = true;
		for (size_t k = 0; k < n; k++) {
			study_make(&si[k], g * 3 + (unsigned)k);
			studies[k] = si[k].st;
			all_acc = all_acc && si[k].st.accession.value;
			no_acc = no_acc && !si[k].st.accession.value;
		}
		xmlDocPtr doc = NULL, doc2 = NULL;
		assert_cdaimg_ok(cdaimg_document_build(&doc, studies, n, cdaimg_document_header_sample(), NULL, d), d);
		cdaimg_values *v = extract_clean(doc, d);
		assert_int_equal(cdaimg_values_count(v), n);
		cdaimg_study back[3];
		for (size_t k = 0; k < n; k++) {
			assert_study(&si[k], cdaimg_values_get(v, k)->study, g, all_acc || no_acc);
			back[k] = *cdaimg_values_get(v, k)->study;
		}
		if (all_acc || no_acc) {
			rebuilt++;
			assert_cdaimg_ok(cdaimg_document_build(&doc2, back, n, cdaimg_document_header_sample(), NULL, d), d);
			xmlChar *a = NULL, *b = NULL;
			int la, lb;
			xmlDocDumpMemory(doc, &a, &la);
			xmlDocDumpMemory(doc2, &b, &lb);
			if (strcmp((const char *)a, (const char *)b))
				fail_msg("document %u: rebuilt differently", g);
			xmlFree(a);
			xmlFree(b);
			xmlFreeDoc(doc2);
		}
		cdaimg_values_free(v);
		xmlFreeDoc(doc);
		for (size_t k = 0; k < n; k++)
			study_free(&si[k]);
	}
	assert_true(rebuilt > 0);
	cdaimg_diags_free(d);
}

/* The corpus reaches what the issue asks for; a change to the generator that
 * loses a case fails here. */
static void roundtrip__corpus_coverage(void **state)
{
	(void)state;
	bool mod[256] = {false}, sop[256] = {false};
	int kinds[3] = {0}, forms[6] = {0}, zones[4] = {0}, uids[4] = {0}, texts = 0, no_text = 0, frames = 0;
	corpus_item *it = malloc(sizeof *it);
	assert_non_null(it);
	assert_true(vs_modality.count <= 256 && vs_sop_class.count <= 256);
	for (unsigned i = 0; i < corpus_size; i++) {
		corpus_make(it, i);
		mod[it->traits.modality] = sop[it->traits.sop_class] = true;
		kinds[it->traits.link_kind]++;
		forms[it->traits.date_form]++;
		zones[it->traits.date_form >= 4 ? it->traits.zone : 0] += it->traits.date_form >= 4;
		uids[it->traits.uid_form]++;
		texts += it->series_text != NULL && it->inst_text[0] != NULL;
		no_text += it->s.description.div == NULL;
		frames += it->inst[0].has_frame_count;
	}
	free(it);
	for (size_t k = 0; k < vs_modality.count; k++)
		if (!mod[k])
			fail_msg("modality %s never generated", vs_modality.entries[k].code);
	for (size_t k = 0; k < vs_sop_class.count; k++)
		if (!sop[k])
			fail_msg("SOP class %s never generated", vs_sop_class.entries[k].code);
	for (int k = 0; k < 3; k++)
		assert_true(kinds[k] > 0);
	for (int k = 0; k < 6; k++)
		assert_true(forms[k] > 0);
	for (int k = 0; k < 4; k++)
		assert_true(zones[k] > 0 && uids[k] > 0);
	assert_true(texts > 0 && no_text > 0 && frames > 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		corpus_size = (unsigned)strtoul(argv[1], NULL, 10);
	if (corpus_size < 200)
		corpus_size = 200; /* enough to cover every modality and SOP class */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip__test_series),
		cmocka_unit_test(roundtrip__corpus_coverage),
		cmocka_unit_test(roundtrip__corpus),
		cmocka_unit_test(roundtrip__corpus_other_profiles),
		cmocka_unit_test(roundtrip__studies),
		cmocka_unit_test(roundtrip__section),
		cmocka_unit_test(roundtrip__document),
	};
	if (argc > 2)
		cmocka_set_test_filter(argv[2]); /* e.g. "roundtrip__section" */
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
