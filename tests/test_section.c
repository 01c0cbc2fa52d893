/* SPDX-License-Identifier: MIT */
/* test_section.c - the DICOM Object Catalog section (FR-DICOM-Object-Catalog,
 * MAPPING.md §4, D6): narrative table, content IDs and references, XSD and
 * rule validity, golden files, unique IDs in one document.
 *
 * Golden files: tests/golden/section/<name>.xml. Regenerate them with
 *     CDAIMG_REGEN=1 ctest -R test_section
 * and review the diff; otherwise any drift fails the test. */
#include "study_fixture.h"

#include "check.h"
#include "map.h"
#include "emit_dom.h"
#include "emit_writer.h"

/* A document <ClinicalDocument><component/></ClinicalDocument> to build into. */
static xmlDocPtr new_doc(xmlNodePtr *component)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	doc->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"ClinicalDocument", NULL);
	xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	*component = xmlNewChild(root, ns, (const xmlChar *)"component", NULL);
	return doc;
}

static xmlNodePtr build_ok(xmlNodePtr parent, const cdaimg_study *s, size_t n)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr sec = NULL;
	assert_cdaimg_ok(cdaimg_section_build(&sec, parent, s, n, NULL, d), d);
	assert_non_null(sec);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_HL7), sec, d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), sec, d), d);
	cdaimg_diags_free(d);
	return sec;
}

static void section__one_study_golden_rules_refs(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	xmlNodePtr comp;
	xmlDocPtr doc = new_doc(&comp);
	xmlNodePtr sec = build_ok(comp, &f.s, 1);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_conformance_check(tu_conformance(), sec, NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_int_equal(fx_bad_refs(xmlDocGetRootElement(doc)), 0);
	char *text = fx_serialize(doc, sec);
	/* D6: descriptions in the narrative, entries point to them */
	assert_non_null(strstr(text, "<content ID=\"ex-01\">Scanner thoraco-abdominal</content>"));
	assert_non_null(strstr(text, "<content ID=\"ex-01-serie-01\">Scanner thoracique<br/>sans injection &amp; en "
	                             "coupes fines</content>"));
	assert_non_null(strstr(text, "<reference value=\"#ex-01-serie-01-sop-01\"/>"));
	assert_non_null(strstr(text, "<linkHtml href=\"http://www.example.org/wado?requestType=WADO&amp;studyUID="));
	tu_golden("section/one-study.xml", text);
	free(text);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void section__two_studies_golden(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	cdaimg_study both[2] = {f.s, g.s};
	xmlNodePtr comp;
	xmlDocPtr doc = new_doc(&comp);
	xmlNodePtr sec = build_ok(comp, both, 2);
	assert_int_equal(fx_bad_refs(xmlDocGetRootElement(doc)), 0);
	char *text = fx_serialize(doc, sec);
	assert_non_null(strstr(text, "<td>12/03/2024</td>"));
	assert_non_null(strstr(text, "<td>" FX_STUDY2_UID "</td>"));
	tu_golden("section/two-studies.xml", text);
	free(text);
	xmlFreeDoc(doc);
}

/* The same study twice in a section: each of its UIDs is warned about once,
 * at the second study (not again inside it); the section is still built. */
static void section__study_given_twice_is_warned_about(void **state)
{
	(void)state;
	fx_study f;
	fx_study_init(&f, 2);
	cdaimg_study twice[2] = {f.s, f.s};
	xmlNodePtr comp, sec = NULL;
	xmlDocPtr doc = new_doc(&comp);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_section_build(&sec, comp, twice, 2, NULL, d), d);
	assert_non_null(sec);
	size_t dups = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		dups += cdaimg_diags_get(d, i)->code == CDAIMG_D_DUPLICATE;
	assert_int_equal(dups, 4);
	assert_diag(d, CDAIMG_D_DUPLICATE, "[1].serieImagerie[0].uuidSerie[0].value");
	assert_diag(d, CDAIMG_D_DUPLICATE, "[1].serieImagerie[0].instanceSOP.uuidSOPInstance[0].value");
	assert_diag(d, CDAIMG_D_DUPLICATE, "[1].serieImagerie[1].uuidSerie[0].value");
	assert_diag(d, CDAIMG_D_DUPLICATE, "[1].serieImagerie[1].instanceSOP.uuidSOPInstance[0].value");
	/* a catalog has no place for the accession numbers: said, for each study */
	assert_diag(d, CDAIMG_D_IGNORED, "[0].accessionNumber");
	assert_diag(d, CDAIMG_D_IGNORED, "[1].accessionNumber");
	assert_non_null(strstr(cdaimg_diags_get(d, 0)->message, "(also at [0].serieImagerie["));
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* The IMG-CR-IMG volume counts exactly one series per study act (its pattern
 * E_ExamenImagerie_IMG-CR-IMG): in the FR profile the section writes one
 * Study Act per series, each with the study's UID, date and description, and
 * passes the volume's rules as well as the profiles'. The PS3.20 profile keeps
 * the study's series in one act. */
static void section__two_series_one_study_act_each_in_fr(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	xmlNodePtr comp;
	xmlDocPtr doc = new_doc(&comp);
	xmlNodePtr sec = build_ok(comp, &f.s, 1);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_conformance_check(tu_conformance(), sec, NULL, d), d);
	cdaimg_rules *volume = NULL;
	assert_cdaimg_ok(cdaimg_rules_load(&volume, CDAIMG_RULES_IMG_CR_IMG, NULL, d), d);
	assert_cdaimg_ok(cdaimg_rules_check(volume, sec, NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_int_equal(fx_bad_refs(xmlDocGetRootElement(doc)), 0);
	char *text = fx_serialize(doc, sec);
	size_t acts = 0;
	for (const char *p = strstr(text, "<id root=\"" FX_STUDY_UID "\"/>"); p; p = strstr(p + 1, "<id root=\"" FX_STUDY_UID "\"/>"))
		acts++;
	assert_int_equal(acts, 2);
	free(text);
	/* PS3.20: one act, two series */
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.profile = CDAIMG_PROFILE_DICOM;
	xmlNodePtr comp2 = xmlNewChild(xmlDocGetRootElement(doc), comp->ns, (const xmlChar *)"component", NULL);
	assert_cdaimg_ok(cdaimg_section_build(&sec, comp2, &f.s, 1, &opts, d), d);
	text = fx_serialize(doc, sec);
	assert_non_null(strstr(text, "<id root=\"" FX_STUDY_UID "\"/>"));
	assert_null(strstr(strstr(text, "<id root=\"" FX_STUDY_UID "\"/>") + 1, "<id root=\"" FX_STUDY_UID "\"/>"));
	free(text);
	cdaimg_rules_free(volume);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void section__ids_unique_across_sections(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	xmlNodePtr comp;
	xmlDocPtr doc = new_doc(&comp);
	build_ok(comp, &f.s, 1);
	xmlNodePtr comp2 = xmlNewChild(xmlDocGetRootElement(doc), comp->ns, (const xmlChar *)"component", NULL);
	xmlNodePtr sec2 = build_ok(comp2, &f.s, 1);
	char *text = fx_serialize(doc, sec2);
	assert_non_null(strstr(text, "<content ID=\"cat2-ex-01\">"));
	assert_non_null(strstr(text, "<reference value=\"#cat2-ex-01-serie-01\"/>"));
	free(text);
	assert_int_equal(fx_bad_refs(xmlDocGetRootElement(doc)), 0);
	xmlFreeDoc(doc);
}

static void section__errors_leave_document_unchanged(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 1);
	fx_study2_init(&g);
	g.t.sop_class.code = "1.2.3.04";
	cdaimg_study both[2] = {f.s, g.s};
	xmlNodePtr comp, sec = (xmlNodePtr)1;
	xmlDocPtr doc = new_doc(&comp);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_section_build(&sec, comp, both, 2, NULL, d), CDAIMG_EINVALID);
	assert_null(sec);
	assert_null(comp->children);
	assert_diag(d, CDAIMG_D_UID, "[1].serieImagerie.instanceSOP.classeSOP.coding[0].code");
	assert_int_equal(cdaimg_section_build(NULL, comp, both, 0, NULL, d), CDAIMG_EARG);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void section__dicom_profile_english_and_no_frames(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.profile = CDAIMG_PROFILE_DICOM;
	xmlNodePtr comp, sec = NULL;
	xmlDocPtr doc = new_doc(&comp);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_section_build(&sec, comp, &f.s, 1, &opts, d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_HL7), sec, d), d);
	char *text = fx_serialize(doc, sec);
	assert_non_null(strstr(text, "<title>DICOM Object Catalog</title>"));
	assert_non_null(strstr(text, "<th>Study</th>"));
	assert_null(strstr(text, "1.2.250.1.213.1.1"));
	free(text);
	/* D4: PS3.20 forbids SOP children inside a catalog */
	f.t[0].inst.has_frame_count = 1;
	f.t[0].inst.frame_count = 3;
	f.series[0] = f.t[0].s;
	xmlNodePtr comp2 = xmlNewChild(xmlDocGetRootElement(doc), comp->ns, (const xmlChar *)"component", NULL);
	assert_int_equal(cdaimg_section_build(NULL, comp2, &f.s, 1, &opts, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_PROFILE, "serieImagerie.instanceSOP.nombreCadresReferences");
	assert_null(comp2->children);
	/* an IMG-CR-IMG document is FR only */
	xmlDocPtr out = NULL;
	assert_int_equal(cdaimg_document_build(&out, &f.s, 1, cdaimg_document_header_sample(), &opts, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_PROFILE, "");
	assert_null(out);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* A display name longer than any fixed buffer stays whole (and valid UTF-8). */
static void section__long_display_kept_whole(void **state)
{
	char display[601];
	for (int i = 0; i < 300; i++)
		memcpy(display + 2 * i, "\xC3\xA9", 2);
	display[600] = '\0';
	fx_study f;
	fx_study_init(&f, 1);
	f.t[0].modality.display = display;
	f.series[0] = f.t[0].s;
	xmlNodePtr comp;
	xmlDocPtr doc = new_doc(&comp);
	xmlNodePtr sec = build_ok(comp, &f.s, 1);
	char *text = fx_serialize(doc, sec);
	char cell[700];
	snprintf(cell, sizeof cell, "<td>%s (CT)</td>", display);
	assert_non_null(strstr(text, cell));
	free(text);
	xmlFreeDoc(doc);
}

/* A plain-text description in a catalog: escaped once in the narrative, its
 * lines separated by <br/>, the entry pointing to it. */
static void section__plain_text_description_in_the_narrative(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	f.s.description = (cdaimg_narrative){.text = "Scanner & contraste\nphase <portale> \xC3\xA9tendue"};
	xmlNodePtr comp;
	xmlDocPtr doc = new_doc(&comp);
	xmlNodePtr sec = build_ok(comp, &f.s, 1);
	char *text = fx_serialize(doc, sec);
	assert_non_null(strstr(text, "<content ID=\"ex-01\">Scanner &amp; contraste<br/>phase &lt;portale&gt; "
	                             "\xC3\xA9tendue</content>"));
	assert_non_null(strstr(text, "<reference value=\"#ex-01\"/>"));
	assert_int_equal(fx_bad_refs(xmlDocGetRootElement(doc)), 0);
	free(text);
	xmlFreeDoc(doc);
}

/* One section build of two studies, into a fresh document that already has
 * "ex-" IDs (so the prefix search runs too). */
typedef struct section_arg {
	const cdaimg_study *studies;
	xmlDocPtr doc;
	xmlNodePtr comp, sec;
	cdaimg_diags *d;
} section_arg;

static void section_setup(void *arg)
{
	section_arg *a = arg;
	a->doc = new_doc(&a->comp);
	xmlNewProp(a->comp, (const xmlChar *)"ID", (const xmlChar *)"ex-01");
}

static cdaimg_status section_call(void *arg)
{
	section_arg *a = arg;
	a->sec = NULL;
	a->d = cdaimg_diags_new();
	return a->d ? cdaimg_section_build(&a->sec, a->comp, a->studies, 2, NULL, a->d) : CDAIMG_ENOMEM;
}

/* The section built; on failure, nothing added to the document. */
static char *section_done(void *arg, cdaimg_status st)
{
	section_arg *a = arg;
	if (st != CDAIMG_OK && a->comp->children)
		oom_problem("section_build: %s and the document changed", cdaimg_status_name(st));
	char *out = st == CDAIMG_OK ? oom_dump(a->doc, a->sec) : NULL;
	cdaimg_diags_free(a->d);
	xmlFreeDoc(a->doc);
	return out;
}

/* Memory exhausted from the n-th allocation on, for every n: CDAIMG_ENOMEM each time. */
static void section__out_of_memory(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	cdaimg_study both[2] = {f.s, g.s};
	section_arg a = {both, NULL, NULL, NULL, NULL};
	const oom_case c = {.name = "cdaimg_section_build", .arg = &a, .setup = section_setup, .call = section_call,
	                    .done = section_done, .final = CDAIMG_OK, .exhaust = true, .max_unseen = 0};
	assert_true(oom_run(&c) > 100);
}

/* map_catalog through @p e, for the studies of @p s. */
static void map_with(emitter *e, const cdaimg_study *s, size_t n, arena *a)
{
	check_ctx c;
	check_init(&c, a, NULL, NULL);
	prep_study **ps = check_studies(&c, s, n);
	assert_non_null(ps);
	catalog_opts co = {"ex", 1, "2.25.7", c.lang};
	assert_true(map_catalog_refs(a, ps, n, &co));
	map_catalog(e, &(map_opts){c.p, c.lang}, ps, n, &co);
	assert_false(e->failed);
}

/* Same bytes through the streaming writer and through the DOM (mixed
 * narrative content included). */
static void section__stream_and_dom_identical(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	cdaimg_study both[2] = {f.s, g.s};
	arena a = {0};
	emitter e;
	xw_emitter w;
	xw_init(&e, &w, NULL);
	map_with(&e, both, 2, &a);
	char *streamed = malloc(w.len + 1);
	memcpy(streamed, w.buf, w.len);
	streamed[w.len] = '\0';
	xw_free(&w);
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	doc->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	dom_emitter d;
	dom_emitter_init(&e, &d, doc, NULL);
	map_with(&e, both, 2, &a);
	xmlNodePtr root = dom_emitter_finish(&d, true);
	char *dom = fx_serialize(doc, root);
	assert_string_equal(streamed, dom);
	free(streamed);
	free(dom);
	xmlFreeDoc(doc);
	arena_release(&a);
}

static int teardown(void **state)
{
	tu_schemas_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(section__one_study_golden_rules_refs),
		cmocka_unit_test(section__two_studies_golden),
		cmocka_unit_test(section__study_given_twice_is_warned_about),
		cmocka_unit_test(section__two_series_one_study_act_each_in_fr),
		cmocka_unit_test(section__ids_unique_across_sections),
		cmocka_unit_test(section__errors_leave_document_unchanged),
		cmocka_unit_test(section__dicom_profile_english_and_no_frames),
		cmocka_unit_test(section__long_display_kept_whole),
		cmocka_unit_test(section__plain_text_description_in_the_narrative),
		cmocka_unit_test(section__out_of_memory),
		cmocka_unit_test(section__stream_and_dom_identical),
	};
	int rc = cmocka_run_group_tests(tests, NULL, teardown);
	xmlCleanupParser();
	return rc;
}
