/* SPDX-License-Identifier: MIT */
/* test_scale.c - work and memory in proportion to the input (issue 22),
 * checked by counting (allocations, copies, siblings looked at), never by
 * timing: what bench/ measures in seconds, these tests pin as counts. */
#define _XOPEN_SOURCE 700 /* mkstemp */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "check.h"
#include "docread.h"
#include "extract_int.h"
#include "mutate.h"
#include "testutil.h"
#include "vocab.h"

#define STUDY "1.2.250.1.999.22"

/* --- bytes requested from libxml2's allocator (hence ours) over a call ------------------------ */

static void counting_start(void) { tu_peak_start(); }

static long long counting_end(void)
{
	long long bytes = tu_peak_requested();
	tu_peak_end();
	return bytes;
}

/* --- documents --------------------------------------------------------------------------------- */

/* n valid series of one study, their UIDs and links in @p buf (freed with free). */
typedef struct many {
	tu_series *t;
	cdaimg_series *s;
	char *buf;
	cdaimg_identifier id;
	cdaimg_study study;
} many;

static void many_init(many *m, size_t n)
{
	m->t = calloc(n, sizeof *m->t);
	m->s = calloc(n, sizeof *m->s);
	m->buf = malloc(n * 512);
	assert_true(m->t && m->s && m->buf);
	for (size_t i = 0; i < n; i++) {
		char *series = m->buf + i * 512, *sop = series + 64, *link = series + 128;
		snprintf(series, 64, "urn:oid:" STUDY ".%zu", i + 1);
		snprintf(sop, 64, "urn:oid:" STUDY ".%zu.1", i + 1);
		snprintf(link, 384,
		         "http://www.example.org/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" STUDY
		         ".%zu&objectUID=" STUDY ".%zu.1&contentType=application/dicom",
		         i + 1, i + 1);
		tu_series_init(&m->t[i]);
		m->t[i].series_id.value = series;
		m->t[i].sop_id.value = sop;
		m->t[i].s.link.reference = link;
		m->s[i] = m->t[i].s;
		m->s[i].ids = &m->t[i].series_id;
		m->s[i].instances = &m->t[i].inst;
		m->t[i].inst.ids = &m->t[i].sop_id;
		m->t[i].inst.sop_class = (cdaimg_concept){&m->t[i].sop_class, 1, NULL};
		m->s[i].modality = (cdaimg_concept){&m->t[i].modality, 1, NULL};
		m->s[i].link.kind = (cdaimg_concept){&m->t[i].kind, 1, NULL};
		m->s[i].link.media_type = (cdaimg_concept){&m->t[i].media, 1, NULL};
	}
	m->id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:" STUDY};
	m->study = (cdaimg_study){.ids = &m->id, .n_ids = 1, .date = "2020-08-23T22:30:00+02:00", .series = m->s,
	                          .n_series = n};
}

static void many_free(many *m)
{
	free(m->t);
	free(m->s);
	free(m->buf);
}

/* An IMG-CR-IMG document of one study of @p n series: a Study Act per series. */
static xmlDocPtr study_document(size_t n)
{
	many m;
	many_init(&m, n);
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_document_build(&doc, &m.study, 1, cdaimg_document_header_sample(), NULL, d), d);
	cdaimg_diags_free(d);
	many_free(&m);
	return doc;
}

/* The Series Acts (by their template id) of @p n under @p doc, in document order, into @p out. */
static size_t series_acts(const xmlNode *n, xmlNodePtr *out, size_t k)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, "templateId")) {
			xmlChar *r = xmlGetProp(n, (const xmlChar *)"root");
			bool series = r && !strcmp((const char *)r, "1.2.840.10008.9.17");
			xmlFree(r);
			if (series) {
				if (out)
					out[k] = n->parent;
				k++;
			}
		}
		k = series_acts(n->children, out, k);
	}
	return k;
}

/* The first element named @p name under @p n, depth first. */
static xmlNodePtr find(xmlNodePtr n, const char *name)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
			return n;
		xmlNodePtr f = find(n->children, name);
		if (f)
			return f;
	}
	return NULL;
}

/* The values of @p doc: read whole, CDAIMG_EINVALID exactly when an error was
 * reported (the documents here lack what these tests do not look at). */
static cdaimg_values *extract(xmlDocPtr doc, cdaimg_diags *d, x_stats *stats)
{
	cdaimg_values *v = NULL;
	cdaimg_status st = x_extract(&v, doc, d, stats);
	assert_int_equal(st, cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) ? CDAIMG_EINVALID : CDAIMG_OK);
	assert_non_null(v);
	return v;
}

/* --- extract ----------------------------------------------------------------------------------- */

/* A document gives each series of a study its own Study Act: they are merged
 * into one study by growing its series array by doubling, not by copying the
 * whole array once per act (issue 22: 5,000 series took 14 s and 1.9 GB). */
static void scale__merged_study_acts_copy_each_series_a_bounded_number_of_times(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 300 : 3000;
	xmlDocPtr doc = study_document(n);
	x_stats stats;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = extract(doc, d, &stats);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
	assert_int_equal(cdaimg_values_count(v), 1);
	const cdaimg_study *st = cdaimg_values_get(v, 0)->study;
	assert_int_equal(st->n_series, n);
	assert_string_equal(st->series[0].ids[0].value, "urn:oid:" STUDY ".1");
	char last[64];
	snprintf(last, sizeof last, "urn:oid:" STUDY ".%zu", n);
	assert_string_equal(st->series[n - 1].ids[0].value, last);
	/* doubling: each series copied at most about 3 times (n^2/2 before) */
	if (stats.series_copied > 3 * n)
		fail_msg("%zu series copied for %zu series", stats.series_copied, n);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* What extraction allocates grows as the document does: 4 times the series,
 * about 4 times the bytes (16 times when the merge was quadratic). */
static void scale__extract_allocates_in_proportion_to_the_document(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 100 : 500;
	long long bytes[2];
	for (int i = 0; i < 2; i++) {
		xmlDocPtr doc = study_document(i ? 4 * n : n);
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_values *v = NULL;
		counting_start();
		cdaimg_status st = cdaimg_extract_doc(&v, doc, d);
		bytes[i] = counting_end();
		assert_cdaimg_ok(st, d);
		cdaimg_values_free(v);
		cdaimg_diags_free(d);
		xmlFreeDoc(doc);
	}
	if (bytes[1] > 5 * bytes[0])
		fail_msg("%lld bytes for %zu series, %lld for %zu", bytes[0], n, bytes[1], 4 * n);
}

/* A valid document makes no element path: the link checks make theirs only
 * when they report (issue 22: 80 % of the time went to paths nobody read). */
static void scale__no_element_path_without_a_diagnostic(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 100 : 1000;
	xmlDocPtr doc = study_document(n);
	x_stats stats;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = extract(doc, d, &stats);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_int_equal(stats.paths, 0);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* When every series is reported, the paths, in document order, cost their
 * depth and not the number of entries before them. */
static void scale__element_paths_of_diagnostics_cost_their_depth(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 200 : 2000;
	xmlDocPtr doc = study_document(n);
	xmlNodePtr *acts = malloc(n * sizeof *acts);
	assert_non_null(acts);
	assert_int_equal(series_acts(doc->children, acts, 0), n);
	for (size_t i = 0; i < n; i++) {
		/* a link to another study (a link check's warning) and no mediaType (one of extract's own) */
		xmlNodePtr text = find(find(acts[i]->children, "observation")->children, "text");
		xmlNodePtr ref = find(text->children, "reference");
		xmlSetProp(ref, (const xmlChar *)"value",
		           (const xmlChar *)"http://www.example.org/wado?requestType=WADO&studyUID=1.2.3&seriesUID=1.2.3.4"
		                            "&objectUID=1.2.3.4.5&contentType=application/dicom");
		xmlUnsetProp(text, (const xmlChar *)"mediaType");
	}
	x_stats stats;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = extract(doc, d, &stats);
	assert_true(cdaimg_diags_count(d) >= 2 * n);
	assert_true(stats.paths >= 2 * n);
	/* each path looks at a few siblings per level (some 12 levels), not at the n entries before */
	if (stats.path_steps > 60 * stats.paths)
		fail_msg("%zu siblings looked at for %zu paths of %zu entries", stats.path_steps, stats.paths, n);
	/* and they are the paths cdaimg_node_path gives */
	const cdaimg_diag *last = cdaimg_diags_get(d, cdaimg_diags_count(d) - 1);
	char *want = cdaimg_node_path(find(find(acts[n - 1]->children, "observation")->children, "reference"));
	assert_non_null(want);
	assert_string_equal(last->path, want);
	cdaimg_free(want);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	free(acts);
	xmlFreeDoc(doc);
}

/* --- element paths through a memo -------------------------------------------------------------- */

static size_t elements(xmlNodePtr n, xmlNodePtr *out, size_t k)
{
	for (; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE) {
			if (out)
				out[k] = n;
			k = elements(n->children, out, k + 1);
		}
	return k;
}

/* node_path_memo gives what cdaimg_node_path gives, whatever the order asked. */
static void scale__memo_paths_are_the_node_paths(void **state)
{
	(void)state;
	static const char xml[] = "<r><a/><b><c/><c><d/><d/></c><a/></b><a><c/></a><b/>text<a/><b><c/></b></r>";
	xmlDocPtr doc = xmlReadMemory(xml, (int)sizeof xml - 1, NULL, NULL, 0);
	assert_non_null(doc);
	xmlNodePtr all[32];
	size_t n = elements(doc->children, all, 0);
	assert_int_equal(n, 14);
	path_memo m = {0};
	/* document order, then backwards, then every other one */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t j = 0; j < n; j++) {
			size_t i = pass == 0 ? j : pass == 1 ? n - 1 - j : (j * 7) % n;
			char *want = cdaimg_node_path(all[i]), *got = node_path_memo(&m, all[i]);
			assert_non_null(want);
			assert_non_null(got);
			assert_string_equal(got, want);
			cdaimg_free(want);
			cdaimg_free(got);
		}
	}
	xmlFreeDoc(doc);
}

/* --- narrative references ---------------------------------------------------------------------- */

/* A document of @p n Series Acts whose description is the narrative content
 * "d" of @p len bytes (malloc'd). */
static char *shared_ref_document(size_t n, size_t len)
{
	size_t cap = len + n * 256 + 512, k = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	k += (size_t)snprintf(s + k, cap - k, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><structuredBody>"
	                                      "<component><section><text><content ID=\"d\">");
	for (size_t i = 0; i < len; i++)
		s[k++] = i % 64 == 63 ? ' ' : 'x';
	k += (size_t)snprintf(s + k, cap - k, "</content></text>");
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(s + k, cap - k,
		                      "<entry><act classCode=\"ACT\" moodCode=\"EVN\"><templateId root=\"1.2.840.10008.9.17\"/>"
		                      "<id root=\"1.2.3.%zu\"/><text><reference value=\"#d\"/></text></act></entry>",
		                      i + 1);
	snprintf(s + k, cap - k, "</section></component></structuredBody></component></ClinicalDocument>");
	return s;
}

static int count_refused(const cdaimg_diags *d)
{
	int k = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		k += g->severity == CDAIMG_SEV_ERROR && strstr(g->message, "read again for this reference") != NULL;
	}
	return k;
}

/* A narrative referenced by many series is read once and shared: not copied
 * per series (issue 22: 100 references to 5 MB took 2 GB). */
static void scale__a_referenced_narrative_is_read_once(void **state)
{
	(void)state;
	size_t n = 100, len = 4000;
	char *xml = shared_ref_document(n, len);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, 0);
	assert_non_null(doc);
	cdaimg_diags *d = cdaimg_diags_new();
	x_stats stats;
	counting_start();
	cdaimg_values *v = NULL;
	cdaimg_status st = x_extract(&v, doc, d, &stats);
	long long bytes = counting_end();
	assert_int_equal(st, cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) ? CDAIMG_EINVALID : CDAIMG_OK);
	assert_int_equal(count_refused(d), 0);
	assert_int_equal(cdaimg_values_count(v), n);
	const char *div = cdaimg_values_get(v, 0)->series->description.div;
	assert_non_null(div);
	assert_true(strlen(div) > len);
	for (size_t i = 1; i < n; i++)
		assert_ptr_equal(cdaimg_values_get(v, i)->series->description.div, div);
	assert_int_equal(stats.repeated, (n - 1) * strlen(div));
	/* n copies would be 400 kB */
	if (bytes > 200 * 1000)
		fail_msg("%lld bytes allocated for %zu references to %zu bytes", bytes, n, len);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
	free(xml);
}

/* What references give again is capped by the document's size (and 1 MiB):
 * past it, the text is refused at the reference, with an error. */
static void scale__repeated_narrative_text_is_capped(void **state)
{
	(void)state;
	size_t n = 40, len = 200 * 1000; /* 7.8 MB repeated for a document of 0.2 MB */
	char *xml = shared_ref_document(n, len);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, 0);
	assert_non_null(doc);
	cdaimg_diags *d = cdaimg_diags_new();
	x_stats stats;
	cdaimg_values *v = extract(doc, d, &stats);
	size_t refused = (size_t)count_refused(d), kept = n - refused;
	const char *div = cdaimg_values_get(v, 0)->series->description.div;
	assert_non_null(div);
	/* repeats up to 0.2 MB + 1 MiB: the first read and 6 repeats of 0.2 MB */
	assert_true(refused > 0);
	assert_true((kept - 1) * strlen(div) >= len + X_REPEAT_SLACK - strlen(div));
	assert_true(stats.repeated <= strlen(xml) + X_REPEAT_SLACK);
	for (size_t i = 0; i < n; i++)
		assert_true((cdaimg_values_get(v, i)->series->description.div != NULL) == (i < kept));
	char at[160];
	snprintf(at, sizeof at, "/ClinicalDocument/component/structuredBody/component/section/entry[%zu]/act/text/reference",
	         kept + 1);
	int first = tu_find_diag(d, CDAIMG_D_EXTRACT, at);
	assert_true(first >= 0);
	assert_non_null(strstr(cdaimg_diags_get(d, (size_t)first)->message, "read again for this reference"));
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
	free(xml);
}

/* --- JSON arrays ---------------------------------------------------------------------------- */

/* A JSON array is read item by item: the memory it takes is the values' (about
 * the text's size), not jansson's tree of the whole array (ten times the text;
 * issue 22: 1,000,000 series, 853 MB of JSON, took 9.3 GB). */
static void scale__a_json_array_is_read_item_by_item(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 300 : 3000;
	many m;
	many_init(&m, 1);
	strbuf b = {0};
	sb_add(&b, "[");
	for (size_t i = 0; i < n; i++)
		sb_addf(&b,
		        "%s{\"resourceType\":\"FrSerieImagerie\",\"uuidSerie\":[{\"system\":\"urn:dicom:uid\",\"value\":"
		        "\"urn:oid:" STUDY ".%zu\"}],\"code\":{\"coding\":[{\"system\":"
		        "\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"CT\"}]},\"date\":\"2024-07-05\","
		        "\"instanceSOP\":{\"uuidSOPInstance\":[{\"system\":\"urn:dicom:uid\",\"value\":\"urn:oid:" STUDY
		        ".%zu.1\"}],\"statut\":\"completed\"},\"referenceWado\":{\"reference\":\"%s\"}}",
		        i ? ",\n" : "", i + 1, i + 1, m.t[0].s.link.reference);
	sb_add(&b, "]");
	many_free(&m);
	assert_false(b.failed);
	cdaimg_values *v = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	tu_peak_start();
	tu_peak_jansson(true);
	cdaimg_status st = cdaimg_json_read(&v, b.s, b.len, NULL, d);
	tu_peak_jansson(false);
	long long peak = tu_peak_end();
	assert_cdaimg_ok(st, d);
	assert_int_equal(cdaimg_values_count(v), n);
	char last[64];
	snprintf(last, sizeof last, "urn:oid:" STUDY ".%zu", n);
	assert_string_equal(cdaimg_values_get(v, n - 1)->series->ids[0].value, last);
	if (peak > 2 * (long long)b.len)
		fail_msg("%lld bytes held at most for %zu bytes of JSON", peak, b.len);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	sb_free(&b);
}

/* --- reading while parsing ---------------------------------------------------------------------- */

/* Everything a run says: status, the JSON of the values, every diagnostic
 * with each of its fields (malloc'd). */
static char *outcome(cdaimg_status st, const cdaimg_values *v, const cdaimg_diags *d)
{
	strbuf b = {0};
	sb_addf(&b, "%s\n", cdaimg_status_name(st));
	char *json = NULL;
	if (v && cdaimg_json_write(&json, v, NULL, NULL) == CDAIMG_OK)
		sb_add(&b, json);
	cdaimg_free(json);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		sb_addf(&b, "%s %s line %ld column %ld path %s rule %s: %s\n", cdaimg_severity_name(g->severity),
		        cdaimg_diag_code_name(g->code), g->line, g->column, g->path, g->rule ? g->rule : "-", g->message);
	}
	size_t n = b.s ? b.len : 0;
	char *text = malloc(n + 1);
	assert_non_null(text);
	memcpy(text, b.s ? b.s : "", n);
	text[n] = '\0';
	sb_free(&b);
	return text;
}

/* What the documents compared both ways gave. */
typedef struct both_counts {
	size_t files;
	size_t streamed;       /* answered while parsing */
	size_t with_diags;     /* of which with diagnostics */
	size_t with_errors;    /* of which with an error (CDAIMG_EINVALID) */
	size_t fallback[X_FB_PATH + 1]; /* left to the tree, by reason */
} both_counts;

/* @p data from a file: read as the walk goes, with the walk's decision from
 * memory (@p mem, @p direct), or again whole; what the tree gave (@p tree). */
static void same_from_a_file(const char *name, const char *data, size_t len, const char *tree, const x_stats *mem,
                             cdaimg_status direct)
{
	char file[] = "/tmp/cdaimg-both-ways-XXXXXX";
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	x_stats fstats = {0};
	cdaimg_status from_fd = x_extract_streaming_fd(&v, fd, d, &fstats);
	close(fd);
	if (fstats.streamed != mem->streamed || (mem->streamed && from_fd != direct))
		fail_msg("%s: from memory %s (%d), from a file %s (%d)", name, cdaimg_status_name(direct),
		         (int)mem->fallback, cdaimg_status_name(from_fd), (int)fstats.fallback);
	cdaimg_values_free(v);
	v = NULL;
	cdaimg_diags_clear(d);
	cdaimg_status st = cdaimg_extract_file(&v, file, d);
	unlink(file);
	char *read = outcome(st, v, d);
	/* a file's parse errors are about the file, by name */
	for (char *at; (at = strstr(read, file)) != NULL;)
		memmove(at, at + strlen(file), strlen(at + strlen(file)) + 1);
	if (strcmp(tree, read))
		fail_msg("%s: the tree gives\n%s\nthe file gives\n%s", name, tree, read);
	free(read);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* @p data through the tree (parse, then cdaimg_extract_doc) and through
 * cdaimg_extract_memory, which reads while parsing when it can: the same
 * outcome. Counted in @p c (may be NULL); returns the walk's own stats. */
static x_stats same_both_ways(const char *name, const char *data, size_t len, both_counts *c)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_doc_read_memory(&doc, data, len, NULL, d);
	if (st == CDAIMG_OK)
		st = cdaimg_extract_doc(&v, doc, d);
	xmlFreeDoc(doc);
	char *tree = outcome(st, v, d);
	cdaimg_values_free(v);
	cdaimg_diags_clear(d);
	v = NULL;
	/* the walk alone: whether it answered, and said what the tree says */
	x_stats stats = {0};
	cdaimg_status direct = x_extract_streaming(&v, data, len, NULL, d, &stats);
	assert_true(stats.streamed == (direct == CDAIMG_OK || direct == CDAIMG_EINVALID));
	assert_true(stats.streamed == (stats.fallback == X_FB_NONE));
	if (stats.streamed) {
		char *walked = outcome(direct, v, d);
		if (strcmp(tree, walked))
			fail_msg("%s: the tree gives\n%s\nthe walk gives\n%s", name, tree, walked);
		free(walked);
	} else {
		assert_int_equal(cdaimg_diags_count(d), direct == CDAIMG_ENOMEM);
		assert_null(v);
	}
	cdaimg_values_free(v);
	v = NULL;
	size_t n_diags = cdaimg_diags_count(d);
	cdaimg_diags_clear(d);
	/* and the public call, which chooses */
	st = cdaimg_extract_memory(&v, data, len, d);
	char *read = outcome(st, v, d);
	if (strcmp(tree, read))
		fail_msg("%s: the tree gives\n%s\nreading while parsing gives\n%s", name, tree, read);
	free(read);
	cdaimg_values_free(v);
	v = NULL;
	cdaimg_diags_clear(d);
	/* from a file too; under valgrind, one document in eight (the test's time limit) */
	static size_t calls;
	if (!UNDER_VALGRIND() || calls++ % 8 == 0)
		same_from_a_file(name, data, len, tree, &stats, direct);
	free(tree);
	cdaimg_diags_free(d);
	if (c) {
		c->files++;
		c->streamed += stats.streamed;
		c->with_diags += stats.streamed && n_diags;
		c->with_errors += direct == CDAIMG_EINVALID;
		c->fallback[stats.fallback]++;
	}
	return stats;
}

static void both_ways_dir(const char *rel, both_counts *c)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", tu_src(rel));
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	for (struct dirent *e; (e = readdir(dh)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || strstr(e->d_name, ".json") || strstr(e->d_name, ".md"))
			continue;
		size_t len;
		char *data = tu_read(path, &len);
		assert_non_null(data);
		same_both_ways(path, data, len, c);
		free(data);
	}
	closedir(dh);
}

/* @p doc as text (xmlFree), indented when @p format: one element a line. */
static xmlChar *dump(xmlDocPtr doc, int *len, bool format)
{
	xmlChar *text = NULL;
	if (format)
		xmlDocDumpFormatMemory(doc, &text, len, 1);
	else
		xmlDocDumpMemory(doc, &text, len);
	assert_non_null(text);
	return text;
}

/* The documents of the official verdicts' mutations (tests/data/official/mutations.txt). */
static void both_ways_mutations(both_counts *c)
{
	char err[512];
	mutate_manifest *m = mutate_manifest_load(tu_src(MUTATE_MANIFEST), err, sizeof err);
	if (!m)
		fail_msg("%s", err);
	for (size_t i = 0; i < mutate_manifest_count(m); i++) {
		const mutate_entry *e = mutate_manifest_get(m, i);
		xmlDocPtr doc = mutate_build(e, getenv("CDAIMG_SOURCE_DIR"), err, sizeof err);
		if (!doc)
			fail_msg("%s", err);
		int len = 0;
		xmlChar *text = dump(doc, &len, false);
		same_both_ways(e->name, (const char *)text, (size_t)len, c);
		xmlFree(text);
		xmlFreeDoc(doc);
	}
	mutate_manifest_free(m);
}

/* --- documents with a diagnostic in many acts --------------------------------------------------- */

static xmlNodePtr hl7_node(xmlNodePtr like, const char *name)
{
	xmlNodePtr n = xmlNewDocNode(like->doc, like->ns, (const xmlChar *)name, NULL);
	assert_non_null(n);
	return n;
}

/* An element @p name of another namespace (same local names as HL7's). */
static xmlNodePtr foreign_node(xmlNodePtr at, const char *name)
{
	xmlNsPtr ns = xmlSearchNsByHref(at->doc, at, (const xmlChar *)"urn:example:other");
	if (!ns)
		ns = xmlNewNs(xmlDocGetRootElement(at->doc), (const xmlChar *)"urn:example:other", (const xmlChar *)"o");
	xmlNodePtr n = xmlNewDocNode(at->doc, ns, (const xmlChar *)name, NULL);
	assert_non_null(n);
	return n;
}

/* The Series Act @p act's description: a reference to @p target. */
static void refer(xmlNodePtr act, const char *target)
{
	xmlNodePtr text = find(act->children, "text");
	if (!text || text->parent != act) {
		text = hl7_node(act, "text");
		xmlAddNextSibling(find(act->children, "code"), text);
	}
	xmlNodeSetContent(text, NULL);
	xmlNodePtr ref = hl7_node(act, "reference");
	xmlSetProp(ref, (const xmlChar *)"value", (const xmlChar *)target);
	xmlAddChild(text, ref);
}

/* What the link of Series Act @p act says: no mediaType (extraction's
 * warning) or another study (a link check's, its path made lazily). */
static xmlNodePtr link_text(xmlNodePtr act)
{
	return find(find(act->children, "observation")->children, "text");
}

static void no_media_type(xmlNodePtr act) { xmlUnsetProp(link_text(act), (const xmlChar *)"mediaType"); }

static void other_study(xmlNodePtr act)
{
	xmlSetProp(find(link_text(act)->children, "reference"), (const xmlChar *)"value",
	           (const xmlChar *)"http://www.example.org/wado?requestType=WADO&studyUID=1.2.3&seriesUID=1.2.3.4"
	                            "&objectUID=1.2.3.4.5&contentType=application/dicom");
}

/* A document of @p n series, a Study Act each, where most acts give
 * diagnostics of every kind extraction has (warnings and errors, of its own
 * and of the link checks) at steps whose position depends on siblings after
 * them: foreign elements of HL7's local names, a prefixed HL7 element,
 * comments; narrative references back, dangling, and when @p forward one to
 * an ID further on. Indented when @p format. */
static xmlChar *diagnosed_document(size_t n, bool forward, bool format, int *len)
{
	xmlDocPtr doc = study_document(n);
	xmlNodePtr *acts = malloc(n * sizeof *acts);
	assert_non_null(acts);
	assert_int_equal(series_acts(doc->children, acts, 0), n);
	/* narrative text before the entries, for references back */
	xmlNodePtr section = acts[0];
	while (strcmp((const char *)section->name, "section"))
		section = section->parent;
	xmlNodePtr text = find(section->children, "text");
	assert_non_null(text);
	char id[64];
	for (size_t i = 0; i < n; i++) {
		xmlNodePtr act = acts[i], study = act->parent->parent, entry = study->parent;
		switch (i % 12) {
		case 0:
			no_media_type(act);
			break;
		case 1:
			other_study(act);
			break;
		case 2: /* an error: a date that is none */
			xmlSetProp(find(act->children, "effectiveTime"), (const xmlChar *)"value", (const xmlChar *)"2020-13-45");
			break;
		case 3: { /* an id without root after the first */
			xmlNodePtr bare = hl7_node(act, "id");
			xmlAddNextSibling(find(act->children, "id"), bare);
			break;
		}
		case 4: /* a foreign sibling of the same name after the entryRelationship: entryRelationship[1] */
			xmlAddNextSibling(act->parent, foreign_node(act, "entryRelationship"));
			no_media_type(act);
			break;
		case 5: /* a foreign act before the Study Act, a comment and a PI around it: act[2] */
			xmlAddPrevSibling(study, foreign_node(study, "act"));
			xmlAddPrevSibling(study, xmlNewDocComment(doc, (const xmlChar *)" act "));
			xmlAddNextSibling(study, xmlNewDocPI(doc, (const xmlChar *)"pi", (const xmlChar *)"x"));
			xmlSetProp(find(find(act->children, "observation")->children, "statusCode"), (const xmlChar *)"code",
			           (const xmlChar *)"bogus");
			break;
		case 6: /* a dangling reference: an error */
			snprintf(id, sizeof id, "#nowhere-%zu", i);
			refer(act, id);
			break;
		case 7: { /* a reference back */
			snprintf(id, sizeof id, "back-%zu", i);
			xmlNodePtr c = xmlNewTextChild(text, text->ns, (const xmlChar *)"content", (const xmlChar *)"Told before");
			xmlSetProp(c, (const xmlChar *)"ID", (const xmlChar *)id);
			snprintf(id, sizeof id, "#back-%zu", i);
			refer(act, id);
			other_study(act);
			break;
		}
		case 8: /* the entry in a prefixed HL7 namespace, a foreign entry after it: entry[k] of more */
			xmlSetNs(entry, xmlNewNs(entry, (const xmlChar *)HL7_NS, (const xmlChar *)"h"));
			xmlAddNextSibling(entry, foreign_node(entry, "entry"));
			no_media_type(act);
			break;
		case 9: /* a Study Act with a diagnostic of its own, and a series' */
			xmlSetProp(find(study->children, "effectiveTime"), (const xmlChar *)"value",
			           (const xmlChar *)"20200823223000");
			other_study(act);
			break;
		default: /* clean */
			break;
		}
	}
	if (forward) {
		/* the last act refers to text after it */
		refer(acts[n - 1], "#later");
		xmlNodePtr c =
			xmlNewTextChild(xmlDocGetRootElement(doc), NULL, (const xmlChar *)"content", (const xmlChar *)"Told after");
		xmlSetProp(c, (const xmlChar *)"ID", (const xmlChar *)"later");
	}
	xmlChar *out = dump(doc, len, format);
	free(acts);
	xmlFreeDoc(doc);
	return out;
}

/* Reading while parsing gives what the tree gives, status, values and every
 * diagnostic, on every document of the tests, the fuzz corpora and the
 * official mutations; it answers all of them, those with diagnostics
 * included, but what it cannot know as it goes (a parse error, a DOCTYPE or
 * an entity, a reference forward, repeated text past the cap). */
static void scale__reading_while_parsing_gives_what_the_tree_gives(void **state)
{
	(void)state;
	both_counts c = {0};
	static const char *const dirs[] = {"samples", "tests/data", "tests/data/official", "fuzz/corpus/fuzz_extract",
	                                   "fuzz/corpus/fuzz_xml_validate", "fuzz/corpus/fuzz_validate_stream"};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		both_ways_dir(dirs[i], &c);
	both_ways_mutations(&c);
	/* 418 files and 83 mutations: 438 read while parsing, 326 of them with diagnostics (218 with an
	 * error); 56 not well-formed, 7 with a DOCTYPE or an entity */
	if (c.files < 500 || c.streamed < 435 || c.with_diags < 320 || c.with_errors < 215 || c.fallback[X_FB_PATH] ||
	    c.fallback[X_FB_REFERENCE] || c.files != c.streamed + c.fallback[X_FB_PARSE] + c.fallback[X_FB_DTD] +
	                                                  c.fallback[X_FB_REPEAT])
		fail_msg("%zu documents, %zu read while parsing (%zu with diagnostics, %zu with errors); left to the "
		         "tree: %zu parse, %zu DTD, %zu references, %zu repeats, %zu paths",
		         c.files, c.streamed, c.with_diags, c.with_errors, c.fallback[X_FB_PARSE], c.fallback[X_FB_DTD],
		         c.fallback[X_FB_REFERENCE], c.fallback[X_FB_REPEAT], c.fallback[X_FB_PATH]);
}

/* Documents made for it: diagnostics of every kind in most acts, at steps
 * whose position depends on what follows them; one study of many Study Acts;
 * shared narrative text. */
static void scale__reading_while_parsing_gives_the_tree_s_diagnostics(void **state)
{
	(void)state;
	for (int format = 0; format < 2; format++) {
		int len = 0;
		xmlChar *text = diagnosed_document(48, false, format, &len);
		x_stats st = same_both_ways("diagnosed_document(48)", (const char *)text, (size_t)len, NULL);
		assert_true(st.streamed);
		assert_true(st.paths >= 48);
		xmlFree(text);
		/* a reference forward: the tree, whatever was said before it */
		text = diagnosed_document(48, true, format, &len);
		st = same_both_ways("diagnosed_document(48, forward)", (const char *)text, (size_t)len, NULL);
		assert_int_equal(st.fallback, X_FB_REFERENCE);
		xmlFree(text);
	}
	xmlDocPtr doc = study_document(50);
	int n = 0;
	xmlChar *text = dump(doc, &n, false);
	assert_true(same_both_ways("study_document(50)", (const char *)text, (size_t)n, NULL).streamed);
	xmlFree(text);
	xmlFreeDoc(doc);
	char *xml = shared_ref_document(40, 200 * 1000);
	/* refused references: the tree */
	assert_int_equal(same_both_ways("shared_ref_document(40)", xml, strlen(xml), NULL).fallback, X_FB_REPEAT);
	free(xml);
	xml = shared_ref_document(40, 1000);
	assert_true(same_both_ways("shared_ref_document(40, 1000)", xml, strlen(xml), NULL).streamed);
	free(xml);
}

/* A path the walk cannot make, the tree makes: an element with more names
 * among its children than the walk counts, before an act with a diagnostic. */
static void scale__a_path_the_walk_cannot_make_is_left_to_the_tree(void **state)
{
	(void)state;
	xmlDocPtr doc = study_document(3);
	xmlNodePtr acts[3];
	assert_int_equal(series_acts(doc->children, acts, 0), 3);
	xmlNodePtr study = acts[1]->parent->parent;
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		xmlAddPrevSibling(study, foreign_node(study, name));
	}
	int len = 0;
	xmlChar *text = dump(doc, &len, false);
	/* clean: no path needed */
	assert_true(same_both_ways("100 names", (const char *)text, (size_t)len, NULL).streamed);
	xmlFree(text);
	no_media_type(acts[1]);
	text = dump(doc, &len, false);
	assert_int_equal(same_both_ways("100 names, a warning", (const char *)text, (size_t)len, NULL).fallback,
	                 X_FB_PATH);
	xmlFree(text);
	xmlFreeDoc(doc);
}

/* The root's line, when it is past 65,535: libxml2 (XML_PARSE_BIG_LINES) finds
 * it from the root's children, which the walk may not have read when it meets
 * the root; the accession numbers' note, at that line, is left to the tree. */
static void scale__the_root_past_line_65535_is_the_tree_s(void **state)
{
	(void)state;
	strbuf b = {0};
	for (int i = 0; i < 70000; i++)
		sb_add(&b, "<!-- a line -->\n");
	sb_add(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:ps3-20=\"urn:dicom-org:ps3-20\">\n");
	for (int i = 0; i < 2; i++)
		sb_addf(&b, "<inFulfillmentOf><order><id root=\"1.2\"/>"
		            "<ps3-20:accessionNumber root=\"1.2.3\" extension=\"A%d\"/></order></inFulfillmentOf>\n", i);
	sb_add(&b, "<component><structuredBody><component><section><entry><act classCode=\"ACT\" moodCode=\"EVN\">"
	           "<templateId root=\"1.2.840.10008.9.17\"/><id root=\"1.2.3.4\"/></act></entry></section></component>"
	           "</structuredBody></component>\n</ClinicalDocument>\n");
	assert_false(b.failed);
	x_stats st = same_both_ways("the root at line 70,001", b.s, b.len, NULL);
	cdaimg_values *v = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_extract_memory(&v, b.s, b.len, d), CDAIMG_EINVALID);
	int k = tu_find_diag(d, CDAIMG_D_EXTRACT, "/ClinicalDocument");
	assert_true(k >= 0);
	assert_int_equal(cdaimg_diags_get(d, (size_t)k)->line, 70002);
	assert_int_equal(st.fallback, X_FB_PATH);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	sb_free(&b);
}

/* The memory of a read of @p text (@p len bytes) while parsing (@p stream)
 * or through its tree: at most this many bytes held at once. */
static long long read_peak(const xmlChar *text, int len, bool stream, size_t n_series, size_t n_diags)
{
	cdaimg_values *v = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	x_stats stats = {0};
	tu_peak_start();
	cdaimg_status st;
	if (stream) {
		st = x_extract_streaming(&v, (const char *)text, (size_t)len, NULL, d, &stats);
	} else {
		xmlDocPtr parsed = NULL;
		st = cdaimg_doc_read_memory(&parsed, (const char *)text, (size_t)len, NULL, d);
		if (st == CDAIMG_OK)
			st = cdaimg_extract_doc(&v, parsed, d);
		xmlFreeDoc(parsed);
	}
	long long most = tu_peak_end();
	if (n_diags)
		assert_int_equal(st, CDAIMG_OK); /* warnings only */
	else
		assert_cdaimg_ok(st, d);
	assert_int_equal(cdaimg_values_get(v, 0)->study->n_series, n_series);
	assert_int_equal(cdaimg_diags_count(d), n_diags);
	assert_true(!stream || stats.streamed);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	return most;
}

/* A document read while parsing never holds its tree: the memory taken grows
 * with the values, not with the document's nodes (issue 22: extract held the
 * tree, 30 kB a series). */
static void scale__reading_while_parsing_holds_one_act_at_a_time(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 200 : 2000;
	xmlDocPtr doc = study_document(n);
	int len = 0;
	xmlChar *text = dump(doc, &len, false);
	xmlFreeDoc(doc);
	long long tree = read_peak(text, len, false, n, 0), walk = read_peak(text, len, true, n, 0);
	/* the values are about a tenth of the tree (the text itself is the caller's) */
	if (walk * 4 > tree)
		fail_msg("%lld bytes at most while parsing, %lld with the tree (%d bytes of document)", walk, tree, len);
	xmlFree(text);
}

/* So does a document with diagnostics: a warning on every series (no
 * mediaType), each held with its path until the document ends, costs the
 * diagnostic, not the tree; on more than 65,535 lines, the lines of the
 * diagnostics are the tree's. */
static void scale__diagnostics_while_parsing_hold_one_act_at_a_time(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 200 : 2000;
	xmlDocPtr doc = study_document(n);
	xmlNodePtr *acts = malloc(n * sizeof *acts);
	assert_non_null(acts);
	assert_int_equal(series_acts(doc->children, acts, 0), n);
	for (size_t i = 0; i < n; i++)
		no_media_type(acts[i]);
	free(acts);
	int len = 0;
	xmlChar *text = dump(doc, &len, true);
	xmlFreeDoc(doc);
	long long tree = read_peak(text, len, false, n, n), walk = read_peak(text, len, true, n, n);
	if (walk * 4 > tree)
		fail_msg("%lld bytes at most while parsing, %lld with the tree (%d bytes of document, %zu warnings)", walk,
		         tree, len, n);
	x_stats st = same_both_ways("a warning a series", (const char *)text, (size_t)len, NULL);
	assert_true(st.streamed);
	assert_true(UNDER_VALGRIND() || line_at((const char *)text, (size_t)len) > 65535);
	xmlFree(text);
}

/* A file is read as the walk goes: cdaimg_extract_file holds neither the
 * document's tree nor its text (issue 22: the command read its input whole,
 * a third of what extract held), only the values: less than the text
 * (about half of it, indented). */
static void scale__a_file_is_read_as_the_walk_goes(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 200 : 2000;
	xmlDocPtr doc = study_document(n);
	int len = 0;
	xmlChar *text = dump(doc, &len, true);
	xmlFreeDoc(doc);
	char file[] = "/tmp/cdaimg-walk-XXXXXX";
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, (size_t)len), (ssize_t)len);
	close(fd);
	xmlFree(text);
	cdaimg_values *v = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	tu_peak_start();
	cdaimg_status st = cdaimg_extract_file(&v, file, d);
	long long most = tu_peak_end();
	unlink(file);
	assert_cdaimg_ok(st, d);
	assert_int_equal(cdaimg_values_get(v, 0)->study->n_series, n);
	if (most >= len) /* the text alone would be len */
		fail_msg("%lld bytes at most for a file of %d bytes", most, len);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* --- build --------------------------------------------------------------------------------------- */

/* The seed of the ids derived from the studies: their UIDs as they are for a
 * few studies (the documents of before are unchanged), their digest for many,
 * so that each of the ids a document derives per study costs the same
 * whatever the number of studies (issue 22: 20,000 studies took 90 s). */
static void scale__the_seed_of_derived_ids_is_bounded(void **state)
{
	(void)state;
	size_t n = 200;
	prep_id *ids = calloc(n, sizeof *ids);
	prep_study *ps = calloc(n, sizeof *ps), **pp = calloc(n, sizeof *pp);
	char(*uid)[64] = calloc(n, sizeof *uid);
	assert_true(ids && ps && pp && uid);
	for (size_t i = 0; i < n; i++) {
		snprintf(uid[i], sizeof uid[i], "1.2.250.1.999.22.%zu", 1000000 + i);
		ids[i].root = uid[i];
		ps[i].ids = &ids[i];
		ps[i].n_ids = 1;
		pp[i] = &ps[i];
	}
	arena a = {0};
	const char *few = prep_seed(&a, pp, 2);
	assert_string_equal(few, "1.2.250.1.999.22.1000000;1.2.250.1.999.22.1000001;");
	const char *big = prep_seed(&a, pp, n);
	assert_non_null(big);
	assert_int_equal(strlen(big), 45);
	assert_memory_equal(big, "sha1:", 5);
	/* still a function of every UID */
	uid[n - 1][strlen(uid[n - 1]) - 1] = 'x';
	const char *other = prep_seed(&a, pp, n);
	assert_string_not_equal(big, other);
	arena_release(&a);
	free(ids);
	free(ps);
	free(pp);
	free(uid);
}

/* --- input caps ------------------------------------------------------------------------------- */

static char scratch[64];

static const char *sized(size_t n)
{
	snprintf(scratch, sizeof scratch, "/tmp/cdaimg-scale-%ld.xml", (long)getpid());
	FILE *f = fopen(scratch, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputc('<', f);
	fclose(f);
	return scratch;
}

static bool said(const cdaimg_diags *d, const char *words)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		if (strstr(cdaimg_diags_get(d, i)->message, words))
			return true;
	return false;
}

/* A file of the cap is read whole; one byte more is refused before anything is
 * read: no buffer is allocated for it (issue 22: the 1 GiB cap read the whole
 * file first, and refused a file one byte under it). */
static void scale__a_file_over_the_cap_is_refused_unread(void **state)
{
	(void)state;
	size_t max = 100000;
	for (size_t n = max - 1; n <= max + 1; n++) {
		const char *path = sized(n);
		cdaimg_diags *d = cdaimg_diags_new();
		diag_ctx dc = {.diags = d};
		char *data = NULL;
		size_t len = 0;
		counting_start();
		cdaimg_status st = read_file_max(path, max, &data, &len, &dc);
		long long bytes = counting_end();
		if (n <= max) {
			assert_cdaimg_ok(st, d);
			assert_int_equal(len, n);
			assert_int_equal(data[n], '\0');
			/* one allocation of the file's size */
			assert_true(bytes <= (long long)n + 1 + 4096);
		} else {
			assert_int_equal(st, CDAIMG_EIO);
			assert_true(said(d, "not read"));
			assert_null(data);
			assert_true(bytes < 4096);
		}
		cd_free(data);
		cdaimg_diags_free(d);
		unlink(path);
	}
}

/* An endless input stops once past the cap, with an error; the buffer never
 * holds more than the cap (issue 22: validate on /dev/zero never ended). */
static void scale__an_endless_input_stops_at_the_cap(void **state)
{
	(void)state;
	size_t max = 1 << 20;
	cdaimg_diags *d = cdaimg_diags_new();
	diag_ctx dc = {.diags = d};
	char *data = NULL;
	size_t len = 0;
	counting_start();
	cdaimg_status st = read_file_max("/dev/zero", max, &data, &len, &dc);
	long long bytes = counting_end();
	assert_int_equal(st, CDAIMG_EIO);
	assert_true(said(d, "larger than 1048576 bytes"));
	assert_true(said(d, "reading stopped"));
	assert_null(data);
	assert_true(bytes <= (long long)max + 4096);
	cdaimg_diags_free(d);
}

/* Reading stops at the first failed allocation, with out of memory; it used
 * to go on reading (an endless input: for ever) once its buffer could not grow. */
static size_t fail_above;
static xmlFreeFunc real_free;
static xmlMallocFunc real_malloc;
static xmlReallocFunc real_realloc;
static xmlStrdupFunc real_strdup;
static void *small_realloc(void *p, size_t n) { return n > fail_above ? NULL : real_realloc(p, n); }
static void *small_malloc(size_t n) { return n > fail_above ? NULL : real_malloc(n); }

static void scale__reading_stops_at_a_failed_allocation(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	diag_ctx dc = {.diags = d};
	char *data = NULL;
	size_t len = 0;
	fail_above = 1 << 18;
	xmlMemGet(&real_free, &real_malloc, &real_realloc, &real_strdup);
	xmlMemSetup(real_free, small_malloc, small_realloc, real_strdup);
	cdaimg_status st = read_file_all("/dev/zero", &data, &len, &dc);
	xmlMemSetup(real_free, real_malloc, real_realloc, real_strdup);
	assert_int_equal(st, CDAIMG_ENOMEM);
	assert_null(data);
	cdaimg_diags_free(d);
}

/* A pipe is read up to its end, within the cap, and refused past it. */
static void scale__a_pipe_is_read_within_the_cap(void **state)
{
	(void)state;
	for (int over = 0; over < 2; over++) {
		size_t n = over ? 5001 : 5000;
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		char buf[5001], path[64];
		memset(buf, '<', sizeof buf);
		assert_int_equal(write(fds[1], buf, n), (ssize_t)n); /* within the pipe's buffer */
		close(fds[1]);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
		cdaimg_diags *d = cdaimg_diags_new();
		diag_ctx dc = {.diags = d};
		char *data = NULL;
		size_t len = 0;
		cdaimg_status st = read_file_max(path, 5000, &data, &len, &dc);
		if (over) {
			assert_int_equal(st, CDAIMG_EIO);
			assert_true(said(d, "reading stopped"));
		} else {
			assert_cdaimg_ok(st, d);
			assert_int_equal(len, n);
		}
		cd_free(data);
		cdaimg_diags_free(d);
		close(fds[0]);
	}
}

/* --- attributes per element ----------------------------------------------------------------- */

/* "<r>", then line 2: an element with @p n attributes (a0="1" ...), then
 * markup whose '=' are no attributes; malloc'd. */
static char *attributes_doc(size_t n)
{
	size_t cap = n * 16 + 16384, k = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	k += (size_t)snprintf(s, cap, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<e");
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(s + k, cap - k, " a%zu=\"1\"", i);
	k += (size_t)snprintf(s + k, cap - k, "/>\n<f b=\"");
	for (size_t i = 0; i < 300; i++)
		k += (size_t)snprintf(s + k, cap - k, "x=1 ");
	k += (size_t)snprintf(s + k, cap - k, "\" c='>='/><!--");
	for (size_t i = 0; i < 300; i++)
		k += (size_t)snprintf(s + k, cap - k, " a%zu=\"1\"", i);
	k += (size_t)snprintf(s + k, cap - k, " --><![CDATA[<g");
	for (size_t i = 0; i < 300; i++)
		k += (size_t)snprintf(s + k, cap - k, " a%zu=1", i);
	k += (size_t)snprintf(s + k, cap - k, "]]><?pi");
	for (size_t i = 0; i < 300; i++)
		k += (size_t)snprintf(s + k, cap - k, " a=1");
	snprintf(s + k, cap - k, "?></ClinicalDocument>\n");
	return s;
}

/* The guard counts the attributes of start tags only, whatever the chunks
 * the bytes come in: DOC_MAX_ATTRIBUTES pass, one more does not. */
static void scale__the_attribute_guard_counts_start_tags_only(void **state)
{
	(void)state;
	for (size_t n = DOC_MAX_ATTRIBUTES; n <= DOC_MAX_ATTRIBUTES + 1; n++) {
		char *doc = attributes_doc(n);
		size_t len = strlen(doc);
		xmlDocPtr parsed = xmlReadMemory(doc, (int)len, NULL, NULL, XML_PARSE_NONET);
		assert_non_null(parsed); /* well-formed: the '=' of the other markup are no attributes */
		xmlFreeDoc(parsed);
		for (size_t chunk = 1; chunk <= len; chunk = chunk < 8 ? chunk + 1 : chunk * 7) {
			attr_guard g = {0};
			bool ok = true;
			for (size_t at = 0; at < len && ok; at += chunk)
				ok = attr_guard_feed(&g, doc + at, at + chunk < len ? chunk : len - at);
			assert_int_equal(ok, n <= DOC_MAX_ATTRIBUTES);
			if (!ok)
				assert_int_equal(line_at(doc, g.at), 3);
		}
		free(doc);
	}
}

/* A document with an element of many attributes is refused before libxml2
 * parses it, tree or stream (issue 22: 200,000 attributes took over 300 s in
 * its parser, 80,000 take 13 s). */
static void scale__an_element_of_too_many_attributes_is_refused(void **state)
{
	(void)state;
	char *doc = attributes_doc(20000);
	size_t len = strlen(doc);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr parsed = NULL;
	assert_int_equal(cdaimg_doc_read_memory(&parsed, doc, len, "many.xml", d), CDAIMG_EPARSE);
	assert_null(parsed);
	assert_int_equal(cdaimg_diags_count(d), 1);
	const cdaimg_diag *g = cdaimg_diags_get(d, 0);
	assert_int_equal(g->line, 3);
	assert_non_null(strstr(g->message, "more than 256 attributes"));
	cdaimg_diags_clear(d);
	const char *path = sized(0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(doc, 1, len, f), len);
	fclose(f);
	assert_int_equal(cdaimg_schema_validate_stream_file(tu_schema(CDAIMG_SCHEMA_ANS), path, d), CDAIMG_EPARSE);
	assert_int_equal(cdaimg_diags_count(d), 1);
	g = cdaimg_diags_get(d, 0);
	assert_int_equal(g->line, 3);
	assert_non_null(strstr(g->message, "more than 256 attributes"));
	/* a narrative div likewise */
	cdaimg_diags_clear(d);
	tu_series t;
	tu_series_init(&t);
	char *div = malloc(20000 * 16 + 128), *o = div;
	assert_non_null(div);
	o += sprintf(o, "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p");
	for (int i = 0; i < 20000; i++)
		o += sprintf(o, " a%d=\"1\"", i);
	sprintf(o, ">text</p></div>");
	t.s.description = (cdaimg_narrative){.status = "generated", .div = div};
	assert_int_equal(cdaimg_series_check(&t.s, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_NARRATIVE, "description.div");
	free(div);
	unlink(path);
	cdaimg_diags_free(d);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scale__merged_study_acts_copy_each_series_a_bounded_number_of_times),
		cmocka_unit_test(scale__extract_allocates_in_proportion_to_the_document),
		cmocka_unit_test(scale__no_element_path_without_a_diagnostic),
		cmocka_unit_test(scale__element_paths_of_diagnostics_cost_their_depth),
		cmocka_unit_test(scale__memo_paths_are_the_node_paths),
		cmocka_unit_test(scale__reading_while_parsing_gives_what_the_tree_gives),
		cmocka_unit_test(scale__reading_while_parsing_gives_the_tree_s_diagnostics),
		cmocka_unit_test(scale__a_path_the_walk_cannot_make_is_left_to_the_tree),
		cmocka_unit_test(scale__the_root_past_line_65535_is_the_tree_s),
		cmocka_unit_test(scale__reading_while_parsing_holds_one_act_at_a_time),
		cmocka_unit_test(scale__diagnostics_while_parsing_hold_one_act_at_a_time),
		cmocka_unit_test(scale__a_file_is_read_as_the_walk_goes),
		cmocka_unit_test(scale__a_referenced_narrative_is_read_once),
		cmocka_unit_test(scale__repeated_narrative_text_is_capped),
		cmocka_unit_test(scale__a_json_array_is_read_item_by_item),
		cmocka_unit_test(scale__the_seed_of_derived_ids_is_bounded),
		cmocka_unit_test(scale__a_file_over_the_cap_is_refused_unread),
		cmocka_unit_test(scale__an_endless_input_stops_at_the_cap),
		cmocka_unit_test(scale__reading_stops_at_a_failed_allocation),
		cmocka_unit_test(scale__a_pipe_is_read_within_the_cap),
		cmocka_unit_test(scale__the_attribute_guard_counts_start_tags_only),
		cmocka_unit_test(scale__an_element_of_too_many_attributes_is_refused),
	};
	cdaimg_global_init();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	tu_schemas_free();
	return failed;
}
