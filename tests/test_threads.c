/* SPDX-License-Identifier: MIT */
/*
 * test_threads.c - one schema handle shared by 8 threads, each building,
 * serializing, validating (XSD and the official rules) and
 * extracting its own documents at the same time. Every result must be the
 * same as in a single-threaded run. Run it under ThreadSanitizer
 * (-DCDAIMG_SANITIZE=thread) to check for data races.
 */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "testutil.h"

#define THREADS 8
#define DOCS 12 /* per thread */

static const cdaimg_schema *xsd;
static const cdaimg_conformance *official; /* one handle, shared by every thread */

/* FNV-1a, to compare results cheaply. */
static uint64_t mix(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static uint64_t mix_str(uint64_t h, const char *s) { return s ? mix(h, s, strlen(s) + 1) : mix(h, "", 1); }

static uint64_t mix_int(uint64_t h, long v) { return mix(h, &v, sizeof v); }

static uint64_t mix_diags(uint64_t h, const cdaimg_diags *d)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		h = mix_int(h, g->code);
		h = mix_int(h, g->severity);
		h = mix_str(h, g->path);
		h = mix_str(h, g->message);
	}
	return h;
}

static const char *const modalities[] = {"CT", "MR", "US", "XA", "NM", "PT"};
static const char *const sop_classes[] = {"1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4",
                                          "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.12.1",
                                          "1.2.840.10008.5.1.4.1.1.20", "1.2.840.10008.5.1.4.1.1.128"};

typedef struct job {
	int index; /* which document: thread * DOCS + k */
	char series_uid[80], sop_uid[80], url[400];
	tu_series t;
} job;

/* The values of document @p index: all different; every 5th one invalid. */
static void job_init(job *j, int index)
{
	j->index = index;
	tu_series_init(&j->t);
	snprintf(j->series_uid, sizeof j->series_uid, "urn:oid:1.2.250.1.999.%d.1", index + 1);
	snprintf(j->sop_uid, sizeof j->sop_uid, "urn:oid:1.2.250.1.999.%d.1.1", index + 1);
	snprintf(j->url, sizeof j->url,
	         "http://www.example.org/wado?requestType=WADO&studyUID=1.2.250.1.999.%d"
	         "&seriesUID=1.2.250.1.999.%d.1&objectUID=1.2.250.1.999.%d.1.1&contentType=application/dicom",
	         index + 1, index + 1, index + 1);
	j->t.series_id.value = j->series_uid;
	j->t.sop_id.value = j->sop_uid;
	j->t.modality.code = modalities[index % 6];
	j->t.sop_class.code = sop_classes[index % 6];
	j->t.s.link.reference = j->url;
	j->t.inst.has_frame_count = index % 3 == 0;
	j->t.inst.frame_count = index + 1;
	if (index % 2)
		j->t.s.description = (cdaimg_narrative){.status = "generated", .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
		                                                     "<p>S\xC3\xA9rie</p><p>&lt;ok&gt;</p></div>"};
	if (index % 5 == 4)
		j->t.inst.status = "not-a-status";
}

static const char head[] = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"
                           "<typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>"
                           "<id root=\"2.25.1\"/><code code=\"18748-4\" codeSystem=\"2.16.840.1.113883.6.1\"/>"
                           "<effectiveTime value=\"20240101\"/>"
                           "<confidentialityCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.25\"/>"
                           "<recordTarget><patientRole><id root=\"2.25.2\"/></patientRole></recordTarget>"
                           "<author><time value=\"20240101\"/><assignedAuthor><id root=\"2.25.3\"/></assignedAuthor>"
                           "</author><custodian><assignedCustodian><representedCustodianOrganization>"
                           "<id root=\"2.25.4\"/></representedCustodianOrganization></assignedCustodian></custodian>"
                           "<component><structuredBody><component><section><entry>";
static const char tail[] = "</entry></section></component></structuredBody></component></ClinicalDocument>";

/* Everything one document goes through; returns a digest of all results. */
static uint64_t run_job(const job *j)
{
	uint64_t h = 14695981039346656037ull;
	cdaimg_diags *d = cdaimg_diags_new();
	char *act = NULL;
	cdaimg_status st = cdaimg_series_to_string(&act, NULL, &j->t.s, NULL, d);
	h = mix_int(h, st);
	h = mix_str(h, act);
	h = mix_diags(h, d);
	if (st == CDAIMG_OK) {
		size_t n = strlen(head) + strlen(act) + strlen(tail) + 1;
		char *xml = malloc(n);
		snprintf(xml, n, "%s%s%s", head, act, tail);
		xmlDocPtr doc = NULL;
		cdaimg_diags_clear(d);
		h = mix_int(h, cdaimg_doc_read_memory(&doc, xml, strlen(xml), "doc", d));
		h = mix_int(h, cdaimg_schema_validate_doc(xsd, doc, d));
		/* the DOM build into the parsed document, validated as an entry */
		xmlNodePtr entry = xmlDocGetRootElement(doc)->last->children->children->children->children;
		xmlNodePtr built = NULL;
		h = mix_int(h, cdaimg_series_build(&built, entry, &j->t.s, NULL, d));
		h = mix_int(h, cdaimg_schema_validate_entry(xsd, built, d));
		xmlDocPtr svrl = NULL;
		h = mix_int(h, cdaimg_conformance_check_rules(official, (xmlNodePtr)doc, &svrl, d));
		h = mix_int(h, svrl ? (long)xmlChildElementCount(xmlDocGetRootElement(svrl)) : -1);
		xmlFreeDoc(svrl);
		h = mix_diags(h, d);
		xmlFreeDoc(doc);
		cdaimg_values *v = NULL;
		cdaimg_diags_clear(d);
		h = mix_int(h, cdaimg_extract_memory(&v, xml, strlen(xml), d));
		h = mix_int(h, (long)cdaimg_values_count(v));
		h = mix_diags(h, d);
		char *json = NULL;
		if (v && cdaimg_json_write(&json, v, NULL, d) == CDAIMG_OK)
			h = mix_str(h, json);
		cdaimg_free(json);
		cdaimg_values_free(v);
		free(xml);
	}
	cdaimg_free(act);
	cdaimg_diags_free(d);
	return h;
}

static uint64_t expected[THREADS * DOCS];
static uint64_t got[THREADS * DOCS];
static int unstable[THREADS * DOCS]; /* two concurrent rounds disagreed */

typedef struct worker {
	int thread;
	int rounds;
} worker;

static int docs_per_thread = DOCS;

static void *work(void *arg)
{
	const worker *w = arg;
	for (int r = 0; r < w->rounds; r++) {
		for (int k = 0; k < docs_per_thread; k++) {
			/* each thread starts at a different document, so that the same
			 * kind of work runs at the same time in several threads */
			int index = w->thread * DOCS + (k + r) % docs_per_thread;
			job j;
			job_init(&j, index);
			uint64_t h = run_job(&j);
			if (r == 0)
				got[index] = h;
			else if (h != got[index])
				unstable[index] = 1;
		}
	}
	return NULL;
}

static void concurrent_results_equal_sequential(void **state)
{
	(void)state;
	if (UNDER_VALGRIND())
		docs_per_thread = 3;
	for (int i = 0; i < THREADS * DOCS; i++) {
		if (i % DOCS >= docs_per_thread)
			continue;
		job j;
		job_init(&j, i);
		expected[i] = run_job(&j);
		/* the run is deterministic */
		assert_true(run_job(&j) == expected[i]);
	}
	pthread_t th[THREADS];
	worker w[THREADS];
	for (int t = 0; t < THREADS; t++) {
		w[t] = (worker){t, 2};
		assert_int_equal(pthread_create(&th[t], NULL, work, &w[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	for (int i = 0; i < THREADS * DOCS; i++)
		if (i % DOCS < docs_per_thread && (got[i] != expected[i] || unstable[i]))
			fail_msg("document %d: concurrent result differs from the single-threaded one", i);
}

/* All threads on the very same values at once (shared read-only input). */
static job shared_job;
static uint64_t shared_expected;
static int shared_mismatch;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *work_shared(void *arg)
{
	(void)arg;
	for (int r = 0; r < (UNDER_VALGRIND() ? 2 : 6); r++) {
		uint64_t h = run_job(&shared_job);
		if (h != shared_expected) {
			pthread_mutex_lock(&lock);
			shared_mismatch++;
			pthread_mutex_unlock(&lock);
		}
	}
	return NULL;
}

static void same_input_everywhere(void **state)
{
	(void)state;
	job_init(&shared_job, 3);
	shared_expected = run_job(&shared_job);
	pthread_t th[THREADS];
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, work_shared, NULL), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	assert_int_equal(shared_mismatch, 0);
}

static int setup(void **state)
{
	(void)state;
	cdaimg_global_init(); /* before any thread, as validate.h asks */
	xsd = tu_schema(CDAIMG_SCHEMA_ANS);
	official = tu_conformance();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_schemas_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_results_equal_sequential),
		cmocka_unit_test(same_input_everywhere),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
