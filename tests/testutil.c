/* SPDX-License-Identifier: MIT */
/* testutil.c - helpers shared by the cmocka tests. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

#include <jansson.h>

#include "testutil.h"

void tu_print_diags(const cdaimg_diags *d)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		char line[2048];
		cdaimg_diag_format(cdaimg_diags_get(d, i), line, sizeof line);
		fprintf(stderr, "  diag: %s\n", line);
	}
}

int tu_find_diag(const cdaimg_diags *d, cdaimg_diag_code code, const char *path)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->code == code && (!path || !strcmp(g->path, path)))
			return (int)i;
	}
	return -1;
}

const char *tu_src(const char *rel)
{
	static char buf[4096];
	const char *root = getenv("CDAIMG_SOURCE_DIR");
	snprintf(buf, sizeof buf, "%s/%s", root ? root : ".", rel);
	return buf;
}

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	return buf;
}

/* The line of @p s that holds byte @p off, as "line N: text", in @p buf. */
static const char *line_at(const char *s, size_t off, char *buf, size_t size)
{
	size_t start = off, line = 1;
	while (start > 0 && s[start - 1] != '\n')
		start--;
	for (size_t i = 0; i < start; i++)
		line += s[i] == '\n';
	size_t len = strcspn(s + start, "\n");
	snprintf(buf, size, "line %zu: %.*s", line, (int)(len > 300 ? 300 : len), s + start);
	return buf;
}

void tu_golden(const char *rel, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", tu_src("tests/golden/"));
	snprintf(path + strlen(path), sizeof path - strlen(path), "%s", rel);
	const char *regen = getenv("CDAIMG_REGEN");
	if (regen && !strcmp(regen, "1")) {
		FILE *f = fopen(path, "wb");
		if (!f || fputs(text, f) < 0 || fclose(f) != 0)
			fail_msg("cannot write %s", path);
		return;
	}
	size_t len = 0;
	char *want = tu_read(path, &len);
	if (!want)
		fail_msg("missing %s: write it with CDAIMG_REGEN=1 and review it", path);
	size_t off = 0;
	while (off < len && want[off] == text[off])
		off++;
	if (off < len || text[off]) {
		char a[400], b[400];
		fprintf(stderr, "  expected %s\n  got      %s\n", line_at(want, off, a, sizeof a),
		        line_at(text, off, b, sizeof b));
		free(want);
		fail_msg("%s drifted at byte %zu: review, then regenerate with CDAIMG_REGEN=1", path, off);
	}
	free(want);
}

static cdaimg_schema *schemas[3];

const cdaimg_schema *tu_schema(cdaimg_schema_kind kind)
{
	if (!schemas[kind]) {
		cdaimg_diags *d = cdaimg_diags_new();
		if (cdaimg_schema_load(&schemas[kind], kind, NULL, d) != CDAIMG_OK) {
			tu_print_diags(d);
			fail_msg("cannot load schema %d", (int)kind);
		}
		cdaimg_diags_free(d);
	}
	return schemas[kind];
}

static cdaimg_conformance *conformance;

const cdaimg_conformance *tu_conformance(void)
{
	if (!conformance) {
		cdaimg_diags *d = cdaimg_diags_new();
		if (cdaimg_conformance_load(&conformance, NULL, d) != CDAIMG_OK) {
			tu_print_diags(d);
			fail_msg("cannot load the rule sets");
		}
		cdaimg_diags_free(d);
	}
	return conformance;
}

void tu_schemas_free(void)
{
	cdaimg_conformance_free(conformance);
	conformance = NULL;
	for (int i = 0; i < 3; i++) {
		cdaimg_schema_free(schemas[i]);
		schemas[i] = NULL;
	}
}

void tu_series_init(tu_series *t)
{
	memset(t, 0, sizeof *t);
	t->series_id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:1.2.250.1.925.994044.27.123.1876360.1"};
	t->sop_id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:1.2.250.1.925.994044.27.123.1876360.1.1"};
	t->modality = (cdaimg_coding){"http://dicom.nema.org/resources/ontology/DCM", "CT", NULL};
	t->sop_class = (cdaimg_coding){"urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.2", NULL};
	t->kind = (cdaimg_coding){"http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "dicom-wado-uri",
	                          NULL};
	t->media = (cdaimg_coding){"urn:ietf:bcp:13", "application/dicom", NULL};
	t->inst.ids = &t->sop_id;
	t->inst.n_ids = 1;
	t->inst.sop_class = (cdaimg_concept){&t->sop_class, 1, NULL};
	t->inst.status = "completed";
	t->inst.date = "2020-08-23T22:32:32+02:00";
	t->s.ids = &t->series_id;
	t->s.n_ids = 1;
	t->s.modality = (cdaimg_concept){&t->modality, 1, NULL};
	t->s.date = "2020-08-23T22:32:32+02:00";
	t->s.instances = &t->inst;
	t->s.n_instances = 1;
	t->s.link.kind = (cdaimg_concept){&t->kind, 1, NULL};
	t->s.link.media_type = (cdaimg_concept){&t->media, 1, NULL};
	t->s.link.reference = "http://www.example.org/wado?requestType=WADO"
	                      "&studyUID=1.2.250.1.925.994044.27.123.1876360"
	                      "&seriesUID=1.2.250.1.925.994044.27.123.1876360.1"
	                      "&objectUID=1.2.250.1.925.994044.27.123.1876360.1.1"
	                      "&contentType=application/dicom";
}

/* --- peak memory ------------------------------------------------------------------------------- */

static xmlFreeFunc peak_real_free;
static xmlMallocFunc peak_real_malloc;
static xmlReallocFunc peak_real_realloc;
static xmlStrdupFunc peak_real_strdup;
static long long peak_live, peak_most, peak_requested;

void tu_peak_held(long long delta)
{
	peak_live += delta;
	if (peak_live > peak_most)
		peak_most = peak_live;
}

static void *peak_malloc(size_t n)
{
	peak_requested += (long long)n;
	void *p = peak_real_malloc(n);
	if (p)
		tu_peak_held((long long)malloc_usable_size(p));
	return p;
}

static void peak_free(void *p)
{
	if (p)
		tu_peak_held(-(long long)malloc_usable_size(p));
	peak_real_free(p);
}

static void *peak_realloc(void *p, size_t n)
{
	long long before = p ? (long long)malloc_usable_size(p) : 0;
	if ((long long)n > before)
		peak_requested += (long long)n - before;
	void *q = peak_real_realloc(p, n);
	if (q)
		tu_peak_held((long long)malloc_usable_size(q) - before);
	return q;
}

static char *peak_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = peak_malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* jansson's blocks, counted with libxml2's. */
static void *peak_jansson_malloc(size_t n)
{
	void *p = malloc(n);
	if (p)
		tu_peak_held((long long)malloc_usable_size(p));
	return p;
}

static void peak_jansson_free(void *p)
{
	if (p)
		tu_peak_held(-(long long)malloc_usable_size(p));
	free(p);
}

void tu_peak_jansson(bool count)
{
	if (count)
		json_set_alloc_funcs(peak_jansson_malloc, peak_jansson_free);
	else
		json_set_alloc_funcs(malloc, free);
}

void tu_peak_start(void)
{
	xmlMemGet(&peak_real_free, &peak_real_malloc, &peak_real_realloc, &peak_real_strdup);
	peak_live = peak_most = peak_requested = 0;
	xmlMemSetup(peak_free, peak_malloc, peak_realloc, peak_strdup);
}

long long tu_peak_requested(void) { return peak_requested; }

long long tu_peak_end(void)
{
	xmlMemSetup(peak_real_free, peak_real_malloc, peak_real_realloc, peak_real_strdup);
	return peak_most;
}
