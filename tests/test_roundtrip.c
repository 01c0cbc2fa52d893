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
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
