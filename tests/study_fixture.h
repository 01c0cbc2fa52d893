/* SPDX-License-Identifier: MIT */
/* study_fixture.h - valid studies for the study, section, document and rules
 * tests (header-only: each test program includes it once). */
#ifndef CDAIMG_STUDY_FIXTURE_H
#define CDAIMG_STUDY_FIXTURE_H

#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FX_STUDY_UID "1.2.250.1.925.994044.27.123.1876360"
#define FX_STUDY2_UID "1.2.250.1.999.1.2.3"

typedef struct fx_study {
	tu_series t[2];       /* t[0]: CT WADO-URI (ANS example); t[1]: MR IID */
	cdaimg_series series[2];
	cdaimg_identifier id;
	cdaimg_study s;
} fx_study;

/* Study 1: the first study of the ANS example, with descriptions (D6) and an
 * accession number; @p n_series = 1 or 2 (the second an MR series, IID link). */
static inline void fx_study_init(fx_study *f, size_t n_series)
{
	memset(f, 0, sizeof *f);
	tu_series_init(&f->t[0]);
	f->t[0].s.description = (cdaimg_narrative){.status = "generated",
	                                           .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Scanner thoracique</p>"
	                                           "<p>sans injection &amp; en coupes fines</p></div>"};
	f->t[0].inst.description = (cdaimg_narrative){.status = "generated", .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Coupe "
	                                                           "axiale de r\xC3\xA9" "f\xC3\xA9rence</div>"};
	f->series[0] = f->t[0].s;
	tu_series_init(&f->t[1]);
	f->t[1].series_id.value = "urn:oid:1.2.250.1.925.994044.27.123.1876360.2";
	f->t[1].sop_id.value = "urn:oid:1.2.250.1.925.994044.27.123.1876360.2.1";
	f->t[1].modality.code = "MR";
	f->t[1].sop_class.code = "1.2.840.10008.5.1.4.1.1.4";
	f->t[1].kind.code = "ihe-iid";
	f->t[1].s.link.reference = "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY"
	                           "&studyUID=" FX_STUDY_UID "&Accessionnumber=1.2.250.1.925.994044785528.27.105234751";
	f->series[1] = f->t[1].s;
	f->id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:" FX_STUDY_UID};
	f->s.ids = &f->id;
	f->s.n_ids = 1;
	f->s.date = "2021-01-08T11:30:00+01:00";
	f->s.description = (cdaimg_narrative){.status = "generated",
	                                      .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Scanner thoraco-abdominal</div>"};
	f->s.accession = (cdaimg_identifier){"urn:oid:1.2.250.1.925.994044785528.27", "105234751"};
	f->s.series = f->series;
	f->s.n_series = n_series;
}

/* Study 2: a minimal US study with one series, no description, IID link. */
typedef struct fx_study2 {
	tu_series t;
	cdaimg_identifier id;
	cdaimg_study s;
} fx_study2;

static inline void fx_study2_init(fx_study2 *f)
{
	memset(f, 0, sizeof *f);
	tu_series_init(&f->t);
	f->t.series_id.value = "urn:oid:" FX_STUDY2_UID ".1";
	f->t.sop_id.value = "urn:oid:" FX_STUDY2_UID ".1.1";
	f->t.modality.code = "US";
	f->t.sop_class.code = "1.2.840.10008.5.1.4.1.1.6.1";
	f->t.kind.code = "ihe-iid";
	f->t.s.link.reference = "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=" FX_STUDY2_UID;
	f->t.s.date = NULL;
	f->t.inst.date = NULL;
	f->id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:" FX_STUDY2_UID};
	f->s.ids = &f->id;
	f->s.n_ids = 1;
	f->s.date = "2024-03-12";
	f->s.series = &f->t.s;
	f->s.n_series = 1;
}

/* Serialize @p node (or the whole document when node is NULL) as the goldens
 * store it: indented, UTF-8, no XML declaration for a node. Caller frees. */
static inline char *fx_serialize(xmlDocPtr doc, xmlNodePtr node)
{
	xmlBufferPtr buf = xmlBufferCreate();
	int opts = XML_SAVE_FORMAT | (node ? XML_SAVE_NO_DECL : 0);
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", opts);
	if (node)
		xmlSaveTree(save, node);
	else
		xmlSaveDoc(save, doc);
	xmlSaveClose(save);
	const char *c = (const char *)xmlBufferContent(buf);
	char *s = malloc(strlen(c) + 1);
	if (s)
		memcpy(s, c, strlen(c) + 1);
	xmlBufferFree(buf);
	return s;
}

/* Every reference/@value="#x" of @p doc resolves to exactly one ID="x"; returns
 * the number of bad references (printed). */
static inline int fx_bad_refs(xmlNodePtr root)
{
	int bad = 0;
	for (xmlNodePtr n = root; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, "reference")) {
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"value");
			if (v && v[0] == '#') {
				int count = 0;
				for (xmlNodePtr k = xmlDocGetRootElement(n->doc); k;) {
					if (k->type == XML_ELEMENT_NODE) {
						xmlChar *id = xmlGetProp(k, (const xmlChar *)"ID");
						if (id && !strcmp((const char *)id, (const char *)v + 1))
							count++;
						xmlFree(id);
					}
					/* depth-first walk */
					if (k->children)
						k = k->children;
					else {
						while (k && !k->next)
							k = k->parent;
						if (k)
							k = k->next;
					}
				}
				if (count != 1) {
					fprintf(stderr, "reference %s: %d targets\n", (const char *)v, count);
					bad++;
				}
			}
			xmlFree(v);
		}
		bad += fx_bad_refs(n->children);
	}
	return bad;
}

/* --- out of memory: an allocator that fails the n-th allocation -------------------------- */

static long oom_countdown = -1, oom_live; /* allocations left before one fails; live count */
static long oom_refused;                  /* allocations refused since oom_begin */

static inline void *oom_malloc(size_t n)
{
	if (oom_countdown == 0) {
		oom_refused++;
		return NULL;
	}
	if (oom_countdown > 0)
		oom_countdown--;
	void *p = malloc(n);
	if (p)
		oom_live++;
	return p;
}

static inline void *oom_realloc(void *p, size_t n)
{
	if (oom_countdown == 0) {
		oom_refused++;
		return NULL;
	}
	if (oom_countdown > 0)
		oom_countdown--;
	void *q = realloc(p, n);
	if (q && !p)
		oom_live++;
	return q;
}

static inline void oom_free(void *p)
{
	if (p)
		oom_live--;
	free(p);
}

static inline char *oom_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = oom_malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

static inline void oom_silent(void *ctx, const char *msg, ...) {}

/* Start one step with allocation @p n failing (-1: none); returns the countdown start. */
static inline long oom_begin(long n)
{
	oom_live = 0;
	oom_refused = 0;
	oom_countdown = n < 0 ? 1L << 40 : n;
	return oom_countdown;
}

/* End the step: allocations made so far into *total; nothing may be left. */
static inline void oom_end(long n, long start, long *total)
{
	*total = start - oom_countdown;
	oom_countdown = -1;
}

static inline void oom_check_live(long n)
{
	xmlResetLastError();
	if (oom_live != 0)
		fail_msg("allocation %ld failing: %ld allocations left", n, oom_live);
}

/* The document (or node) as text, with the system allocator (caller frees). */
static inline char *oom_dump(xmlDocPtr doc, xmlNodePtr node)
{
	xmlBufferPtr buf = xmlBufferCreate();
	if (node)
		xmlNodeDump(buf, doc, node, 0, 0);
	else
		xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 0);
	const char *c = (const char *)xmlBufferContent(buf);
	char *s = malloc(strlen(c) + 1);
	memcpy(s, c, strlen(c) + 1);
	xmlBufferFree(buf);
	return s;
}

/* Run @p step(arg, n, &total, &out) for n = 0, 1, ... total - 1 with the n-th
 * allocation failing; each must give ENOMEM, or OK with the output of a run
 * without failure (compared as strings). Returns the number of failures that
 * had no effect. */
typedef cdaimg_status (*oom_step_fn)(const void *arg, long n, long *total, char **out);

static inline long oom_loop(oom_step_fn step, const void *arg)
{
	cdaimg_global_init();
	xmlFreeFunc f0;
	xmlMallocFunc m0;
	xmlReallocFunc r0;
	xmlStrdupFunc s0;
	xmlMemGet(&f0, &m0, &r0, &s0);
	xmlResetLastError();
	xmlSetGenericErrorFunc(NULL, oom_silent);
	xmlMemSetup(oom_free, oom_malloc, oom_realloc, oom_strdup);
	long total, used, unseen = 0;
	char *want, *got;
	assert_int_equal(step(arg, -1, &total, &want), CDAIMG_OK);
	for (long n = 0; n < total; n++) {
		if (step(arg, n, &used, &got) == CDAIMG_ENOMEM)
			continue;
		if (strcmp(want, got))
			fail_msg("allocation %ld failing changed the output", n);
		/* a run may make a few allocations fewer than the first (libxml2's
		 * dictionaries hash with a random seed): then none was refused */
		if (oom_refused)
			unseen++;
		free(got);
	}
	free(want);
	xmlMemSetup(f0, m0, r0, s0);
	xmlSetGenericErrorFunc(NULL, NULL);
	assert_true(total > 100);
	return unseen;
}

#endif
