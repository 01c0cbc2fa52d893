/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* test_stream.c - the streaming emitter and the streaming API: the escaping
 * routine against libxml2, byte-identical output against the DOM path on a
 * generated corpus, the containers (well-formed, schema-valid), failures of
 * one series, and write errors. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "emit_dom.h"
#include "emit_writer.h"
#include "testutil.h"
#include "valuesets.h"

/* --- a growing memory sink ---------------------------------------------------------------- */

typedef struct membuf {
	char *s;
	size_t len, cap;
	int fail_after; /* calls before the callback starts failing; < 0: never */
	int calls;
} membuf;

static int mem_write(void *payload, const char *buf, size_t len)
{
	membuf *m = payload;
	if (m->fail_after >= 0 && m->calls++ >= m->fail_after)
		return -1;
	if (m->len + len + 1 > m->cap) {
		m->cap = (m->len + len + 1) * 2;
		m->s = realloc(m->s, m->cap);
		assert_non_null(m->s);
	}
	memcpy(m->s + m->len, buf, len);
	m->len += len;
	m->s[m->len] = '\0';
	return 0;
}

static void mem_add(membuf *m, const char *s, size_t n)
{
	int saved = m->fail_after;
	m->fail_after = -1;
	mem_write(m, s, n);
	m->fail_after = saved;
}

/* Fail with both texts shown around their first difference. */
static void assert_same_bytes(const char *want, size_t wn, const char *got, size_t gn, const char *what)
{
	size_t i = 0;
	while (i < wn && i < gn && want[i] == got[i])
		i++;
	if (i == wn && i == gn)
		return;
	size_t from = i > 80 ? i - 80 : 0;
	fprintf(stderr, "%s differs at byte %zu (lengths %zu, %zu)\n--- DOM:\n%.*s\n--- stream:\n%.*s\n", what, i, wn,
	        gn, (int)(wn - from < 200 ? wn - from : 200), want + from, (int)(gn - from < 200 ? gn - from : 200),
	        got + from);
	fail_msg("%s: streamed bytes differ from the DOM path", what);
}

/* --- the escaping routine against libxml2 ------------------------------------------------- */

/* What libxml2 writes for <x a="S">S</x> in a UTF-8 document. */
static char *libxml2_escaped(const char *s)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	xmlNodePtr x = xmlNewDocNode(doc, NULL, BAD_CAST "x", NULL);
	xmlDocSetRootElement(doc, x);
	xmlNewProp(x, BAD_CAST "a", BAD_CAST s);
	xmlAddChild(x, xmlNewDocText(doc, BAD_CAST s));
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	xmlSaveTree(save, x);
	xmlSaveClose(save);
	char *out = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
}

static char *ours_escaped(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(12 * n + 16), *p = out;
	p += sprintf(p, "<x a=\"");
	p = xw_escape(p, s, n, true);
	p += sprintf(p, "\">");
	p = xw_escape(p, s, n, false);
	sprintf(p, "</x>");
	return out;
}

static void check_escape(const char *s)
{
	char *want = libxml2_escaped(s), *got = ours_escaped(s);
	assert_same_bytes(want, strlen(want), got, strlen(got), "escaping");
	free(want);
	free(got);
}

static void stream__escape_matches_libxml2(void **state)
{
	static const char *const fixed[] = {
		"&",
		"<>",
		"a\"b'c",
		"\r\n\t",
		"line1\r\nline2\ttab",
		"&amp; already escaped &lt;",
		"]]> and -->",
		"caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80 \xEF\xBF\xBD",
		"plain",
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		check_escape(fixed[i]);
	/* random strings over an alphabet of every special byte and multi-byte characters */
	static const char *const alphabet[] = {"&", "<", ">", "\"", "'", "\r", "\n", "\t", " ", "a", "Z", "9", ";", "#",
	                                       "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC2\xA0"};
	srand(42);
	for (int k = 0; k < 2000; k++) {
		char s[256] = "";
		int n = rand() % 24;
		for (int j = 0; j < n; j++)
			strcat(s, alphabet[rand() % (sizeof alphabet / sizeof alphabet[0])]);
		check_escape(s);
	}
}

/* Undo xw_escape: every reference it writes, back to its byte. */
static size_t unescape(char *dst, const char *s, size_t n)
{
	static const char *const refs[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#10;", "&#13;", "&#9;"};
	static const char bytes[] = "&<>\"\n\r\t";
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = 0;
		while (k < 7 && strncmp(s + i, refs[k], strlen(refs[k])))
			k++;
		assert_true(s[i] != '&' || k < 7); /* an & is always the start of a reference */
		dst[o++] = k < 7 ? bytes[k] : s[i];
		i += k < 7 ? strlen(refs[k]) : 1;
	}
	return o;
}

/* Arbitrary bytes (invalid UTF-8, NUL inside the range included): the output
 * holds no raw markup character, stays within 6n, and gives the bytes back. */
static void stream__escape_arbitrary_bytes(void **state)
{
	srand(7);
	for (int k = 0; k < 20000; k++) {
		char in[64], out[6 * 64 + 1], back[64];
		size_t n = (size_t)(rand() % 64);
		for (size_t i = 0; i < n; i++)
			in[i] = (char)(rand() % 256);
		for (int attr = 0; attr < 2; attr++) {
			char *end = xw_escape(out, in, n, attr);
			size_t len = (size_t)(end - out);
			assert_true(len <= 6 * n);
			for (size_t i = 0; i < len; i++) {
				assert_true(out[i] != '<' && out[i] != '>' && out[i] != '\r');
				assert_true(!attr || (out[i] != '"' && out[i] != '\n' && out[i] != '\t'));
			}
			out[len] = '\0';
			assert_int_equal(unescape(back, out, len), n);
			assert_memory_equal(back, in, n);
		}
	}
}

/* The escaping of the empty string and of a 6x expansion (the worst case). */
static void stream__escape_bounds(void **state)
{
	char buf[64];
	assert_ptr_equal(xw_escape(buf, "", 0, true), buf);
	char *end = xw_escape(buf, "\"\"\"", 3, true);
	assert_int_equal(end - buf, 18);
	assert_memory_equal(buf, "&quot;&quot;&quot;", 18);
	/* bytes after n are not read */
	end = xw_escape(buf, "ab&", 2, false);
	assert_int_equal(end - buf, 2);
}

/* --- a varied corpus ---------------------------------------------------------------------- */

typedef struct gen_series {
	tu_series t;
	cdaimg_identifier ids[2], sop2_id;
	cdaimg_instance two[2];
	char series_uid[96], sop_uid[112], sop2_uid[112], study_uid[64], url[512], url2[512], ext[64], div[256],
		idiv[128];
	cdaimg_coding sop_class, modality;
} gen_series;

static const char *const dates[] = {
	"2024",
	"2024-03",
	"2024-03-12",
	"2024-03-12T10:31:05+01:00",
	"2024-03-12T10:31:05Z",
	"2023-12-31T23:59:59.125-05:00",
	NULL,
};

static const char *const statuses[] = {"completed", "active", "aborted", "held", "new", "suspended", "cancelled"};

static void make_link(gen_series *g, size_t i)
{
	switch (i % 3) {
	case 0:
		g->t.kind.code = "dicom-wado-uri";
		snprintf(g->url, sizeof g->url,
		         "http://pacs.example.org/wado?requestType=WADO&studyUID=%s&seriesUID=%s&objectUID=%s"
		         "&contentType=application/dicom",
		         g->study_uid, g->series_uid, g->sop_uid);
		break;
	case 1:
		g->t.kind.code = "ihe-iid";
		snprintf(g->url, sizeof g->url,
		         "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=%s", g->study_uid);
		break;
	default:
		g->t.kind.code = "dicom-wado-rs";
		snprintf(g->url, sizeof g->url, "https://pacs.example.org/dicom-web/studies/%s/series/%s/instances/%s",
		         g->study_uid, g->series_uid, g->sop_uid);
		break;
	}
	g->t.s.link.reference = g->url;
}

static void make_texts(gen_series *g, size_t i)
{
	if (i % 4 == 1) {
		snprintf(g->div, sizeof g->div,
		         "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>S\xC3\xA9rie %zu &amp; &lt;contraste&gt; "
		         "\"quoted\" 'single' \xE2\x80\x94 %s</p><p>line&#13;2\ttab</p></div>",
		         i, i % 8 == 1 ? "]]&gt;" : "ok");
		g->t.s.description.div = g->div;
	}
	if (i % 5 == 2) {
		snprintf(g->idiv, sizeof g->idiv, "<div xmlns=\"http://www.w3.org/1999/xhtml\">Image %zu &amp; co</div>", i);
		g->t.inst.description.div = g->idiv;
	}
}

/* The i-th series of the corpus: every modality, SOP class, date form, link kind. */
static void gen(gen_series *g, size_t i)
{
	memset(g, 0, sizeof *g);
	tu_series_init(&g->t);
	snprintf(g->study_uid, sizeof g->study_uid, "1.2.250.1.999.%zu", i + 1);
	snprintf(g->series_uid, sizeof g->series_uid, "%s.%zu", g->study_uid, i % 7 + 1);
	snprintf(g->sop_uid, sizeof g->sop_uid, "%s.1", g->series_uid);
	g->t.series_id.value = g->series_uid;
	g->t.series_id.system = "urn:dicom:uid";
	g->t.sop_id.value = g->sop_uid;
	g->t.sop_id.system = "urn:dicom:uid";
	g->ids[0] = g->t.series_id;
	snprintf(g->ext, sizeof g->ext, "SER-%zu&<\"x\">\t\n\r\xC3\xA9", i);
	g->ids[1] = (cdaimg_identifier){"urn:oid:1.2.250.1.999.55", g->ext};
	g->t.s.ids = g->ids;
	g->t.s.n_ids = i % 6 == 3 ? 2 : 1;
	const vs_entry *m = &vs_modality.entries[i % vs_modality.count];
	g->modality = (cdaimg_coding){"http://dicom.nema.org/resources/ontology/DCM", m->code,
	                              i % 9 == 4 ? "Modalit\xC3\xA9 <\"&\">" : NULL};
	g->t.s.modality = (cdaimg_concept){&g->modality, 1, NULL};
	const vs_entry *k = &vs_sop_class.entries[i % vs_sop_class.count];
	g->sop_class = (cdaimg_coding){"urn:oid:1.2.840.10008.2.6.1", k->code, NULL};
	g->t.inst.sop_class = (cdaimg_concept){&g->sop_class, 1, NULL};
	g->t.s.date = dates[i % 7];
	g->t.inst.date = dates[(i / 7) % 7];
	g->t.inst.status = statuses[i % 7];
	g->t.inst.has_frame_count = i % 3 == 0;
	g->t.inst.frame_count = (int64_t)(i % 25) + 1;
	make_link(g, i);
	make_texts(g, i);
}

/* Series i with a second SOP instance that has its own link (profiles dicom and ccda). */
static void gen_two(gen_series *g, size_t i)
{
	gen(g, i);
	snprintf(g->sop2_uid, sizeof g->sop2_uid, "%s.2", g->series_uid);
	g->sop2_id = (cdaimg_identifier){"urn:dicom:uid", g->sop2_uid};
	g->two[0] = g->t.inst;
	g->two[1] = g->t.inst;
	g->two[1].ids = &g->sop2_id;
	g->two[1].has_frame_count = !g->t.inst.has_frame_count;
	g->two[1].link = g->t.s.link;
	const char *k = g->t.kind.code;
	if (!strcmp(k, "dicom-wado-uri"))
		snprintf(g->url2, sizeof g->url2,
		         "http://pacs.example.org/wado?requestType=WADO&studyUID=%s&seriesUID=%s&objectUID=%s"
		         "&contentType=application/dicom",
		         g->study_uid, g->series_uid, g->sop2_uid);
	else if (!strcmp(k, "dicom-wado-rs"))
		snprintf(g->url2, sizeof g->url2, "https://pacs.example.org/dicom-web/studies/%s/series/%s/instances/%s",
		         g->study_uid, g->series_uid, g->sop2_uid);
	else
		snprintf(g->url2, sizeof g->url2, "%s", g->url);
	g->two[1].link.reference = g->url2;
	g->t.s.instances = g->two;
	g->t.s.n_instances = 2;
}

/* Series i of a study whose UID is @p study (the links carry it). */
static void gen_in_study(gen_series *g, size_t i, const char *study)
{
	gen(g, i);
	snprintf(g->study_uid, sizeof g->study_uid, "%s", study);
	snprintf(g->series_uid, sizeof g->series_uid, "%s.%zu", study, i + 1);
	snprintf(g->sop_uid, sizeof g->sop_uid, "%s.1", g->series_uid);
	make_link(g, i);
}

/* A study of 1 to 3 series. */
typedef struct gen_study {
	gen_series g[3];
	cdaimg_series series[3];
	cdaimg_identifier id;
	char uid[64], div[128];
	cdaimg_study st;
} gen_study;

static void gen_study_make(gen_study *y, size_t j)
{
	memset(&y->st, 0, sizeof y->st);
	snprintf(y->uid, sizeof y->uid, "1.2.250.1.998.%zu", j + 1);
	y->id = (cdaimg_identifier){"urn:dicom:uid", y->uid};
	size_t n = j % 3 + 1;
	for (size_t k = 0; k < n; k++) {
		gen_in_study(&y->g[k], j * 3 + k, y->uid);
		y->series[k] = y->g[k].t.s;
	}
	y->st.ids = &y->id;
	y->st.n_ids = 1;
	y->st.date = dates[3 + j % 3];
	if (j % 2) {
		snprintf(y->div, sizeof y->div, "<div xmlns=\"http://www.w3.org/1999/xhtml\">Examen %zu &amp; suite</div>", j);
		y->st.description.div = y->div;
	}
	y->st.series = y->series;
	y->st.n_series = n;
}

#define CORPUS 600

/* Every act of the corpus in @p profile: the stream writes exactly what
 * cdaimg_series_to_string gives, or rejects exactly what it rejects. */
static void acts_identical(cdaimg_profile profile)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.profile = profile;
	membuf all = {.fail_after = -1}, want = {.fail_after = -1};
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &all, CDAIMG_STREAM_ACTS, d), d);
	gen_series *g = malloc(sizeof *g);
	size_t with_frames = 0, with_text = 0, written = 0, two_instances = 0;
	for (size_t i = 0; i < CORPUS; i++) {
		if (profile != CDAIMG_PROFILE_FR && i % 4 == 0)
			gen_two(g, i);
		else
			gen(g, i);
		char *dom = NULL;
		size_t n = 0;
		cdaimg_status want_st = cdaimg_series_to_string(&dom, &n, &g->t.s, &opts, NULL);
		cdaimg_status got_st = cdaimg_stream_series(st, &g->t.s, &opts, NULL);
		assert_int_equal(got_st, want_st);
		if (want_st != CDAIMG_OK)
			continue;
		written++;
		two_instances += g->t.s.n_instances == 2;
		with_frames += strstr(dom, "xsi:type") != NULL;
		with_text += strstr(dom, "&amp;") != NULL;
		mem_add(&want, dom, n);
		mem_add(&want, "\n", 1);
		/* each act alone, through a stream of its own */
		membuf one = {.fail_after = -1};
		cdaimg_stream *s1 = NULL;
		assert_cdaimg_ok(cdaimg_stream_open_callback(&s1, mem_write, &one, CDAIMG_STREAM_ACTS, d), d);
		assert_cdaimg_ok(cdaimg_stream_series(s1, &g->t.s, &opts, d), d);
		assert_cdaimg_ok(cdaimg_stream_close(s1, NULL, d), d);
		assert_int_equal(one.len, n + 1);
		assert_same_bytes(dom, n, one.s, one.len - 1, "one act");
		free(one.s);
		cdaimg_free(dom);
	}
	cdaimg_stream_stats stats;
	cdaimg_status close_st = cdaimg_stream_close(st, &stats, d);
	assert_int_equal(close_st, written == CORPUS ? CDAIMG_OK : CDAIMG_EINVALID);
	assert_int_equal(stats.series, CORPUS);
	assert_int_equal(stats.written, written);
	assert_int_equal(stats.bytes, all.len);
	assert_same_bytes(want.s, want.len, all.s, all.len, "the corpus");
	/* most of the corpus is valid in every profile, and it has frames and escapes */
	assert_true(written >= CORPUS * 5 / 6); /* dicom, ccda: one identifier only */
	if (profile != CDAIMG_PROFILE_FR)
		assert_true(two_instances >= CORPUS / 4);
	assert_true(with_frames > written / 4 && with_text > written / 8);
	free(g);
	free(all.s);
	free(want.s);
	cdaimg_diags_free(d);
}

static void stream__acts_identical_to_dom(void **state) { acts_identical(CDAIMG_PROFILE_FR); }
static void stream__acts_identical_to_dom_dicom(void **state) { acts_identical(CDAIMG_PROFILE_DICOM); }
static void stream__acts_identical_to_dom_ccda(void **state) { acts_identical(CDAIMG_PROFILE_CCDA); }

/* --- containers --------------------------------------------------------------------------- */

static membuf stream_corpus(cdaimg_stream_container c, size_t n)
{
	cdaimg_diags *d = cdaimg_diags_new();
	membuf m = {.fail_after = -1};
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, c, d), d);
	gen_series *g = malloc(sizeof *g);
	for (size_t i = 0; i < n; i++) {
		gen(g, i);
		assert_cdaimg_ok(cdaimg_stream_series(st, &g->t.s, NULL, d), d);
	}
	assert_cdaimg_ok(cdaimg_stream_close(st, NULL, d), d);
	free(g);
	cdaimg_diags_free(d);
	return m;
}

/* Parse, then let libxml2 serialize again: a formatted text comes back byte for byte. */
static xmlDocPtr assert_reserializes(const membuf *m, bool with_decl)
{
	xmlDocPtr doc = xmlReadMemory(m->s, (int)m->len, "stream.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	assert_non_null(doc);
	if (!doc->encoding)
		doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | (with_decl ? 0 : XML_SAVE_NO_DECL));
	assert_true(xmlSaveDoc(save, doc) >= 0);
	xmlSaveClose(save);
	const char *re = (const char *)xmlBufferContent(buf);
	size_t rn = (size_t)xmlBufferLength(buf);
	if (!with_decl && rn && re[rn - 1] == '\n')
		rn--; /* xmlSaveDoc ends with a newline; the section container does not */
	assert_same_bytes(re, rn, m->s, m->len, "re-serialized container");
	xmlBufferFree(buf);
	return doc;
}

static void stream__document_valid_and_identical(void **state)
{
	membuf m = stream_corpus(CDAIMG_STREAM_DOCUMENT, 300);
	assert_true(!strncmp(m.s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ClinicalDocument", 55));
	xmlDocPtr doc = assert_reserializes(&m, true);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_schema_validate_doc(tu_schema(CDAIMG_SCHEMA_ANS), doc, d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_doc(tu_schema(CDAIMG_SCHEMA_HL7), doc, d), d);
	/* the frames' value element uses the root's xsi declaration */
	assert_null(strstr(strstr(m.s, "<entry>"), "xmlns:xsi"));
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	free(m.s);
}

static void stream__section_well_formed(void **state)
{
	membuf m = stream_corpus(CDAIMG_STREAM_SECTION, 50);
	assert_true(!strncmp(m.s, "<section xmlns=\"urn:hl7-org:v3\" xmlns:xsi=", 42));
	xmlFreeDoc(assert_reserializes(&m, false));
	free(m.s);
}

/* Each entry of a container is the DOM path's act under an entry, byte for byte. */
static void stream__entry_identical_to_dom_build(void **state)
{
	membuf m = stream_corpus(CDAIMG_STREAM_SECTION, 40);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "section", NULL);
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, BAD_CAST "urn:hl7-org:v3", NULL));
	xmlNewNs(root, BAD_CAST "http://www.w3.org/2001/XMLSchema-instance", BAD_CAST "xsi");
	gen_series *g = malloc(sizeof *g);
	for (size_t i = 0; i < 40; i++) {
		gen(g, i);
		xmlNodePtr entry = xmlNewChild(root, root->ns, BAD_CAST "entry", NULL);
		assert_cdaimg_ok(cdaimg_series_build(NULL, entry, &g->t.s, NULL, d), d);
	}
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	xmlSaveTree(save, root);
	xmlSaveClose(save);
	assert_same_bytes((const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf), m.s, m.len,
	                  "section built by the DOM path");
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	free(g);
	free(m.s);
	cdaimg_diags_free(d);
}

/* The entries container is what the DOM path gives for acts under a root in no
 * namespace, dumped with xmlDocDumpFormatMemoryEnc (as `cdaimg build` writes arrays). */
static void entries_like_dom(size_t n)
{
	membuf m = stream_corpus(CDAIMG_STREAM_ENTRIES, n);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "entries", NULL);
	xmlDocSetRootElement(doc, root);
	gen_series *g = malloc(sizeof *g);
	for (size_t i = 0; i < n; i++) {
		gen(g, i);
		assert_cdaimg_ok(cdaimg_series_build(NULL, root, &g->t.s, NULL, d), d);
	}
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	assert_same_bytes((const char *)mem, (size_t)size, m.s, m.len, "entries container");
	xmlFree(mem);
	xmlFreeDoc(doc);
	free(g);
	free(m.s);
	cdaimg_diags_free(d);
}

static void stream__entries_identical_to_dom(void **state)
{
	entries_like_dom(120);
	entries_like_dom(1);
	entries_like_dom(0);
}

/* Studies in a section: each entry is cdaimg_study_build's act, byte for byte. */
static void stream__studies_identical_to_dom_build(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	membuf m = {.fail_after = -1};
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, CDAIMG_STREAM_SECTION, d), d);
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "section", NULL);
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, BAD_CAST "urn:hl7-org:v3", NULL));
	xmlNewNs(root, BAD_CAST "http://www.w3.org/2001/XMLSchema-instance", BAD_CAST "xsi");
	gen_study *y = malloc(sizeof *y);
	for (size_t j = 0; j < 30; j++) {
		gen_study_make(y, j);
		xmlNodePtr entry = xmlNewChild(root, root->ns, BAD_CAST "entry", NULL);
		assert_cdaimg_ok(cdaimg_study_build(NULL, entry, &y->st, NULL, d), d);
		assert_cdaimg_ok(cdaimg_stream_study(st, &y->st, NULL, d), d);
		/* series may be mixed with studies */
		if (j % 10 == 5) {
			entry = xmlNewChild(root, root->ns, BAD_CAST "entry", NULL);
			assert_cdaimg_ok(cdaimg_series_build(NULL, entry, &y->series[0], NULL, d), d);
			assert_cdaimg_ok(cdaimg_stream_series(st, &y->series[0], NULL, d), d);
		}
	}
	assert_cdaimg_ok(cdaimg_stream_close(st, NULL, d), d);
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	xmlSaveTree(save, root);
	xmlSaveClose(save);
	assert_same_bytes((const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf), m.s, m.len,
	                  "studies built by the DOM path");
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	free(y);
	free(m.s);
	cdaimg_diags_free(d);
}

/* A study whose second series is invalid is skipped whole, with the item's index in front. */
static void stream__invalid_study_reported_with_index(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	membuf m = {.fail_after = -1};
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, CDAIMG_STREAM_DOCUMENT, d), d);
	gen_study *y = malloc(sizeof *y);
	gen_series *g = malloc(sizeof *g);
	gen(g, 0);
	assert_cdaimg_ok(cdaimg_stream_series(st, &g->t.s, NULL, d), d);
	gen_study_make(y, 2); /* three series */
	y->series[1].date = "2024-13-45";
	assert_int_equal(cdaimg_stream_study(st, &y->st, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_DATE, "[1].serieImagerie[1].date");
	gen_study_make(y, 4);
	assert_cdaimg_ok(cdaimg_stream_study(st, &y->st, NULL, d), d);
	cdaimg_stream_stats stats;
	assert_int_equal(cdaimg_stream_close(st, &stats, d), CDAIMG_EINVALID);
	assert_int_equal(stats.series, 3);
	assert_int_equal(stats.written, 2);
	assert_int_not_equal(tu_find_diag(d, CDAIMG_D_IGNORED, "[1]"), -1);
	xmlDocPtr doc = assert_reserializes(&m, true);
	cdaimg_diags *v = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_schema_validate_doc(tu_schema(CDAIMG_SCHEMA_ANS), doc, v), v);
	cdaimg_diags_free(v);
	xmlFreeDoc(doc);
	free(g);
	free(y);
	free(m.s);
	cdaimg_diags_free(d);
}

/* --- the samples ---------------------------------------------------------------------------- */

/* Stream the items of samples/NAME.json as `cdaimg build` writes them (an array
 * in <entries>, one item as the root after an XML declaration) and compare with
 * samples/NAME.xml, which the CLI made with the DOM path. */
static bool sample_identical(const char *name)
{
	char rel[300];
	snprintf(rel, sizeof rel, "samples/%s.xml", name);
	size_t wn = 0;
	char *want = tu_read(tu_src(rel), &wn);
	if (!want)
		return false; /* no single output for this input */
	snprintf(rel, sizeof rel, "samples/%s.json", name);
	size_t jn = 0;
	char *json = tu_read(tu_src(rel), &jn);
	assert_non_null(json);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_json_read(&v, json, jn, NULL, d), d);
	bool array = json[strspn(json, " \t\r\n")] == '[';
	membuf m = {.fail_after = -1};
	if (!array)
		mem_add(&m, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39);
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(
		cdaimg_stream_open_callback(&st, mem_write, &m, array ? CDAIMG_STREAM_ENTRIES : CDAIMG_STREAM_ACTS, d), d);
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		if (it->kind == CDAIMG_ITEM_STUDY)
			assert_cdaimg_ok(cdaimg_stream_study(st, it->study, NULL, d), d);
		else
			assert_cdaimg_ok(cdaimg_stream_series(st, it->series, NULL, d), d);
	}
	assert_cdaimg_ok(cdaimg_stream_close(st, NULL, d), d);
	assert_same_bytes(want, wn, m.s, m.len, rel);
	free(m.s);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	free(json);
	free(want);
	return true;
}

static void stream__samples_identical(void **state)
{
	DIR *dir = opendir(tu_src("samples"));
	assert_non_null(dir);
	size_t compared = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		if (n <= 5 || strcmp(de->d_name + n - 5, ".json"))
			continue;
		char name[200];
		snprintf(name, sizeof name, "%.*s", (int)(n - 5 < 199 ? n - 5 : 199), de->d_name);
		compared += sample_identical(name);
	}
	closedir(dir);
	assert_true(compared >= 5);
}

/* --- the emitter itself, call by call, against the DOM emitter ------------------------- */

static void drive(emitter *e)
{
	em_start(e, "act");
	em_attr(e, "classCode", "ACT");
	em_start(e, "empty");
	em_end(e);
	em_start(e, "value");
	em_attr(e, "before", "x");
	em_xsi_type(e, "IVL_INT"); /* declared before the earlier attribute, as libxml2 prints it */
	em_start(e, "low");
	em_xsi_type(e, "INT"); /* declared again, as the DOM emitter does */
	em_end(e);
	em_end(e);
	em_start(e, "value");
	em_xsi_type(e, "ST");
	em_text(e, "t & <x>");
	em_end(e);
	em_start_ns(e, "ps3-20", "urn:dicom-org:ps3-20", "accessionNumber");
	em_attr(e, "root", "1.2.3");
	em_end(e);
	em_start(e, "text");
	em_text(e, "");
	em_end(e);
	em_start(e, "deep");
	for (int i = 0; i < 34; i++)
		em_start(e, "n");
	em_text(e, "beyond 30 levels libxml2 stops indenting further");
	for (int i = 0; i < 34; i++)
		em_end(e);
	em_end(e);
	em_end(e);
}

static void stream__emitter_calls_match_dom(void **state)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	emitter e;
	dom_emitter dd;
	dom_emitter_init(&e, &dd, doc, NULL);
	drive(&e);
	assert_false(e.failed);
	xmlNodePtr root = dom_emitter_finish(&dd, true);
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	xmlSaveTree(save, root);
	xmlSaveClose(save);

	xw_emitter w;
	xw_init(&e, &w, NULL);
	drive(&e);
	assert_false(e.failed);
	assert_int_equal(w.depth, 0);
	assert_same_bytes((const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf), w.buf, w.len,
	                  "emitter calls");
	xw_free(&w);
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
}

/* What an item wrote is taken back, even when the container's start tag was
 * still open before it (the first item of a section). */
static void stream__truncate_to_an_open_start_tag(void **state)
{
	emitter e;
	xw_emitter w;
	xw_init(&e, &w, NULL);
	em_start(&e, "section");
	em_declare_xsi(&e);
	xw_mark m = xw_here(&w);
	em_start(&e, "entry");
	em_start(&e, "act");
	xw_truncate(&w, m);
	em_start(&e, "entry");
	em_end(&e);
	em_end(&e);
	assert_false(e.failed);
	const char want[] = "<section xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
	                    "  <entry/>\n</section>";
	assert_same_bytes(want, sizeof want - 1, w.buf, w.len, "taken back");
	xw_free(&w);
}

/* --- failures --------------------------------------------------------------------------- */

static void stream__invalid_series_skipped_with_index(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	membuf m = {.fail_after = -1}, want = {.fail_after = -1};
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, CDAIMG_STREAM_ACTS, d), d);
	gen_series *g = malloc(sizeof *g);
	for (size_t i = 0; i < 5; i++) {
		gen(g, i);
		if (i == 3)
			g->ids[0].value = "1.2.x"; /* not a UID */
		cdaimg_status s = cdaimg_stream_series(st, &g->t.s, NULL, d);
		if (i == 3) {
			assert_int_equal(s, CDAIMG_EINVALID);
			continue;
		}
		assert_cdaimg_ok(s, d);
		char *dom = NULL;
		size_t n = 0;
		assert_cdaimg_ok(cdaimg_series_to_string(&dom, &n, &g->t.s, NULL, NULL), d);
		mem_add(&want, dom, n);
		mem_add(&want, "\n", 1);
		cdaimg_free(dom);
	}
	assert_diag(d, CDAIMG_D_UID, "[3].uuidSerie[0].value");
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *x = cdaimg_diags_get(d, i);
		if (x->severity == CDAIMG_SEV_ERROR && strncmp(x->path, "[3].", 4)) {
			tu_print_diags(d);
			fail_msg("an error without the index of its series: %s", x->path);
		}
	}
	cdaimg_diags_clear(d);
	cdaimg_stream_stats stats;
	assert_int_equal(cdaimg_stream_close(st, &stats, d), CDAIMG_EINVALID);
	assert_int_equal(stats.written, 4);
	assert_int_equal(stats.rejected, 1);
	assert_int_not_equal(tu_find_diag(d, CDAIMG_D_IGNORED, "[3]"), -1);
	assert_same_bytes(want.s, want.len, m.s, m.len, "stream without the invalid series");
	free(g);
	free(m.s);
	free(want.s);
	cdaimg_diags_free(d);
}

/* An invalid series inside a document leaves the document well-formed. */
static void stream__invalid_series_in_document(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	membuf m = {.fail_after = -1};
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, CDAIMG_STREAM_DOCUMENT, d), d);
	gen_series *g = malloc(sizeof *g);
	for (size_t i = 0; i < 3; i++) {
		gen(g, i);
		if (i == 0)
			g->t.inst.status = "done";
		cdaimg_stream_series(st, &g->t.s, NULL, d);
	}
	assert_diag(d, CDAIMG_D_STATUS, "[0].instanceSOP.statut");
	assert_int_equal(cdaimg_stream_close(st, NULL, d), CDAIMG_EINVALID);
	xmlDocPtr doc = assert_reserializes(&m, true);
	xmlFreeDoc(doc);
	free(g);
	free(m.s);
	cdaimg_diags_free(d);
}

static void stream__write_error_is_eio(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	membuf m = {.fail_after = 1}; /* the second write fails */
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, CDAIMG_STREAM_DOCUMENT, d), d);
	gen_series *g = malloc(sizeof *g);
	cdaimg_status s = CDAIMG_OK;
	size_t i;
	for (i = 0; i < 2000 && s == CDAIMG_OK; i++) {
		gen(g, i);
		s = cdaimg_stream_series(st, &g->t.s, NULL, d);
	}
	assert_int_equal(s, CDAIMG_EIO);
	assert_true(i < 2000);
	assert_diag(d, CDAIMG_D_IO, "");
	gen(g, 0);
	assert_int_equal(cdaimg_stream_series(st, &g->t.s, NULL, d), CDAIMG_EIO); /* sticky */
	size_t calls = (size_t)m.calls;
	assert_int_equal(cdaimg_stream_close(st, NULL, d), CDAIMG_EIO);
	assert_int_equal((size_t)m.calls, calls); /* nothing more tried after the failure */
	free(g);
	free(m.s);
	cdaimg_diags_free(d);
}

/* A failure of the last write shows at close. */
static void stream__write_error_at_close(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	membuf m = {.fail_after = 0};
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, CDAIMG_STREAM_ACTS, d), d);
	tu_series t;
	tu_series_init(&t);
	assert_cdaimg_ok(cdaimg_stream_series(st, &t.s, NULL, d), d);
	assert_int_equal(cdaimg_stream_close(st, NULL, d), CDAIMG_EIO);
	assert_diag(d, CDAIMG_D_IO, "");
	cdaimg_diags_free(d);
	free(m.s);
}

/* --- out of memory ------------------------------------------------------------------------ */

typedef struct stream_arg {
	membuf m;
	gen_series *g;
	cdaimg_diags *d;
} stream_arg;

static void stream_setup(void *arg)
{
	stream_arg *a = arg;
	a->m = (membuf){.fail_after = -1};
	a->d = cdaimg_diags_new();
	a->g = malloc(sizeof *a->g);
	assert_non_null(a->g);
}

/* Open, write 4 series (one invalid), close. */
static cdaimg_status stream_call(void *arg)
{
	stream_arg *a = arg;
	cdaimg_stream *st = NULL;
	cdaimg_status s = cdaimg_stream_open_callback(&st, mem_write, &a->m, CDAIMG_STREAM_DOCUMENT, a->d);
	if (s != CDAIMG_OK)
		return s;
	for (size_t i = 0; i < 4; i++) {
		gen(a->g, i + 1);
		if (i == 2)
			a->g->t.inst.status = "done";
		cdaimg_status x = cdaimg_stream_series(st, &a->g->t.s, NULL, a->d);
		if (!(x == CDAIMG_OK || x == CDAIMG_ENOMEM || (i == 2 && x == CDAIMG_EINVALID)))
			oom_problem("stream: series %zu: %s", i, cdaimg_status_name(x));
	}
	return cdaimg_stream_close(st, NULL, a->d);
}

/* What was written: whatever failed was taken back, so a complete document is well-formed. */
static char *stream_done(void *arg, cdaimg_status st)
{
	stream_arg *a = arg;
	if (a->m.len && strstr(a->m.s, "</ClinicalDocument>")) {
		xmlDocPtr doc = xmlReadMemory(a->m.s, (int)a->m.len, "oom.xml", NULL, XML_PARSE_NONET);
		if (!doc)
			oom_problem("stream: %s with a document that is not well-formed", cdaimg_status_name(st));
		xmlFreeDoc(doc);
	}
	free(a->g);
	cdaimg_diags_free(a->d);
	return a->m.s; /* NULL when nothing was written */
}

/* Memory exhausted from the n-th allocation on: CDAIMG_ENOMEM, or the run's
 * result (an invalid series skipped), byte for byte. */
static void stream__out_of_memory(void **state)
{
	stream_arg a;
	const oom_case c = {.name = "cdaimg_stream (4 series, one invalid)",
	                    .arg = &a,
	                    .setup = stream_setup,
	                    .call = stream_call,
	                    .done = stream_done,
	                    .final = CDAIMG_EINVALID,
	                    .exhaust = true,
	                    .max_unseen = -1};
	assert_true(oom_run(&c) > 10);
}

/* --- fd and FILE sinks -------------------------------------------------------------------- */

static void stream__fd_and_file_sinks(void **state)
{
	membuf want = stream_corpus(CDAIMG_STREAM_DOCUMENT, 100);
	cdaimg_diags *d = cdaimg_diags_new();
	gen_series *g = malloc(sizeof *g);
	for (int use_fd = 0; use_fd < 2; use_fd++) {
		FILE *f = tmpfile();
		assert_non_null(f);
		cdaimg_stream *st = NULL;
		if (use_fd)
			assert_cdaimg_ok(cdaimg_stream_open_fd(&st, fileno(f), CDAIMG_STREAM_DOCUMENT, d), d);
		else
			assert_cdaimg_ok(cdaimg_stream_open_file(&st, f, CDAIMG_STREAM_DOCUMENT, d), d);
		for (size_t i = 0; i < 100; i++) {
			gen(g, i);
			assert_cdaimg_ok(cdaimg_stream_series(st, &g->t.s, NULL, d), d);
		}
		assert_cdaimg_ok(cdaimg_stream_close(st, NULL, d), d);
		rewind(f);
		char *got = malloc(want.len + 1);
		assert_int_equal(fread(got, 1, want.len + 1, f), want.len);
		assert_same_bytes(want.s, want.len, got, want.len, use_fd ? "fd sink" : "FILE sink");
		free(got);
		fclose(f);
	}
	/* a full device fails with EIO */
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		cdaimg_stream *st = NULL;
		assert_cdaimg_ok(cdaimg_stream_open_fd(&st, fileno(full), CDAIMG_STREAM_ACTS, d), d);
		gen(g, 1);
		cdaimg_stream_series(st, &g->t.s, NULL, d);
		assert_int_equal(cdaimg_stream_close(st, NULL, d), CDAIMG_EIO);
		assert_diag(d, CDAIMG_D_IO, "");
		fclose(full);
	}
	free(g);
	free(want.s);
	cdaimg_diags_free(d);
}

static void stream__bad_arguments(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_stream *st = (cdaimg_stream *)&st;
	assert_int_equal(cdaimg_stream_open_fd(&st, -1, CDAIMG_STREAM_ACTS, d), CDAIMG_EARG);
	assert_null(st);
	assert_int_equal(cdaimg_stream_open_callback(&st, NULL, NULL, CDAIMG_STREAM_ACTS, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_stream_open_file(&st, stdout, (cdaimg_stream_container)9, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_stream_series(NULL, NULL, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_stream_close(NULL, NULL, d), CDAIMG_OK);
	membuf m = {.fail_after = -1};
	assert_cdaimg_ok(cdaimg_stream_open_callback(&st, mem_write, &m, CDAIMG_STREAM_SECTION, d), d);
	assert_int_equal(cdaimg_stream_series(st, NULL, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_stream_study(st, NULL, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_stream_study(NULL, NULL, NULL, d), CDAIMG_EARG);
	/* an empty section is an empty element */
	assert_cdaimg_ok(cdaimg_stream_close(st, NULL, d), d);
	assert_string_equal(m.s, "<section xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>");
	free(m.s);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream__escape_matches_libxml2),
		cmocka_unit_test(stream__escape_bounds),
		cmocka_unit_test(stream__escape_arbitrary_bytes),
		cmocka_unit_test(stream__emitter_calls_match_dom),
		cmocka_unit_test(stream__truncate_to_an_open_start_tag),
		cmocka_unit_test(stream__acts_identical_to_dom),
		cmocka_unit_test(stream__acts_identical_to_dom_dicom),
		cmocka_unit_test(stream__acts_identical_to_dom_ccda),
		cmocka_unit_test(stream__document_valid_and_identical),
		cmocka_unit_test(stream__section_well_formed),
		cmocka_unit_test(stream__entry_identical_to_dom_build),
		cmocka_unit_test(stream__entries_identical_to_dom),
		cmocka_unit_test(stream__samples_identical),
		cmocka_unit_test(stream__studies_identical_to_dom_build),
		cmocka_unit_test(stream__invalid_study_reported_with_index),
		cmocka_unit_test(stream__invalid_series_skipped_with_index),
		cmocka_unit_test(stream__invalid_series_in_document),
		cmocka_unit_test(stream__write_error_is_eio),
		cmocka_unit_test(stream__write_error_at_close),
		cmocka_unit_test(stream__fd_and_file_sinks),
		cmocka_unit_test(stream__out_of_memory),
		cmocka_unit_test(stream__bad_arguments),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tu_schemas_free();
	xmlCleanupParser();
	return rc;
}
