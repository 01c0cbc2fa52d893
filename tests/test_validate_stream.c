/* SPDX-License-Identifier: MIT */
/*
 * test_validate_stream.c - XML Schema validation while reading
 * (cdaimg_schema_validate_stream_file / _fd): the same statuses and errors as
 * cdaimg_schema_validate_file, lines and element paths without a tree, the
 * safety of the parse, and memory that does not grow with the document.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlmemory.h>

#include "testutil.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cdaimg-vstream-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

/* The folder goes, with whatever a failed test left in it. */
static int teardown(void **state)
{
	(void)state;
	tu_schemas_free();
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(path);
	}
	if (d)
		closedir(d);
	return rmdir(dir);
}

/* Write @p len bytes to a file of the test folder; returns its path (static, one slot). */
static const char *put(const char *name, const char *data, size_t len)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *put_str(const char *name, const char *text) { return put(name, text, strlen(text)); }

/* Remove a file of the test folder. */
static void rm(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

static const cdaimg_schema *ans(void) { return tu_schema(CDAIMG_SCHEMA_ANS); }

static size_t count_code(const cdaimg_diags *d, cdaimg_diag_code code)
{
	size_t n = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		n += cdaimg_diags_get(d, i)->code == code;
	return n;
}

/* 1-based line of byte @p off of @p text. */
static long line_at(const char *text, size_t off)
{
	long line = 1;
	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* @p text with @p what inserted at byte @p at (malloc'd). */
static char *insert(const char *text, size_t at, const char *what)
{
	size_t n = strlen(text), w = strlen(what);
	char *s = malloc(n + w + 1);
	assert_non_null(s);
	memcpy(s, text, at);
	memcpy(s + at, what, w);
	memcpy(s + at + w, text + at, n - at + 1);
	return s;
}

/* Offset just after the @p k-th (1-based) occurrence of @p needle. */
static size_t after_nth(const char *text, const char *needle, int k)
{
	const char *p = text;
	for (int i = 0; i < k; i++) {
		p = strstr(i ? p + 1 : p, needle);
		assert_non_null(p);
	}
	return (size_t)(p - text) + strlen(needle);
}

/* Write an n-series ClinicalDocument with the library's streaming writer. */
static const char *generated(const char *name, size_t n)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_stream *st = NULL;
	assert_cdaimg_ok(cdaimg_stream_open_fd(&st, fd, CDAIMG_STREAM_DOCUMENT, d), d);
	tu_series t;
	tu_series_init(&t);
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	for (size_t i = 0; i < n; i++)
		assert_cdaimg_ok(cdaimg_stream_series(st, &t.s, &opts, d), d);
	cdaimg_stream_stats stats;
	assert_cdaimg_ok(cdaimg_stream_close(st, &stats, d), d);
	assert_int_equal(stats.written, n);
	assert_int_equal(close(fd), 0);
	cdaimg_diags_free(d);
	return path;
}

/* --- valid documents -------------------------------------------------------------------- */

static void validate_stream__valid_documents(void **state)
{
	(void)state;
	static const char *const files[] = {"samples/sample.xml", "samples/study-ct-tap.document.xml",
	                                    "tests/data/IMG_CR_IMG_2024.01.xml"};
	cdaimg_diags *d = cdaimg_diags_new();
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		assert_cdaimg_ok(cdaimg_schema_validate_stream_file(ans(), tu_src(files[i]), d), d);
		assert_int_equal(cdaimg_diags_count(d), 0);
		/* the HL7 schema knows no ANS extension: the two validators agree on that too */
		const cdaimg_schema *hl7 = tu_schema(CDAIMG_SCHEMA_HL7_SDTC);
		cdaimg_diags *dom = cdaimg_diags_new();
		cdaimg_status want = cdaimg_schema_validate_file(hl7, tu_src(files[i]), dom);
		assert_int_equal(cdaimg_schema_validate_stream_file(hl7, tu_src(files[i]), d), want);
		assert_int_equal(cdaimg_diags_count(d), cdaimg_diags_count(dom));
		cdaimg_diags_clear(d);
		cdaimg_diags_free(dom);
	}
	/* CDATA is text to the validator; an element where text must not be is still found */
	char *doc = tu_read(tu_src("samples/sample.xml"), NULL);
	assert_non_null(doc);
	char *cdata = insert(doc, after_nth(doc, "<title>", 1), "<![CDATA[<b>&]]>");
	const char *path = put_str("cdata.xml", cdata);
	assert_cdaimg_ok(cdaimg_schema_validate_stream_file(ans(), path, d), d);
	free(cdata);
	cdata = insert(doc, after_nth(doc, "<structuredBody>", 1), "<![CDATA[x]]>");
	path = put_str("cdata.xml", cdata);
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), path, d), CDAIMG_ENONCONFORMANT);
	assert_diag(d, CDAIMG_D_SCHEMA, "/ClinicalDocument/component/structuredBody");
	rm("cdata.xml");
	free(cdata);
	free(doc);
	cdaimg_diags_free(d);
}

/* --- invalid documents: the DOM validator's errors, lines and paths --------------------------- */

/* @p path without the "[1]" positions a tree-walking path has and a streaming one cannot. */
static void without_first_positions(const char *path, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 1 < n; p++) {
		if (!strncmp(p, "[1]", 3)) {
			p += 2;
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
}

static void validate_stream__same_errors_as_the_dom_validator(void **state)
{
	(void)state;
	char *doc = tu_read(tu_src("samples/study-ct-tap.document.xml"), NULL);
	assert_non_null(doc);
	/* an unknown attribute on the section of the second component of the first section, text where
	 * only elements may be, and a component with no section in it */
	size_t at1 = after_nth(doc, "<section", 3);
	char *a = insert(doc, at1, " foo=\"1\"");
	size_t at2 = after_nth(a, "<structuredBody>", 1);
	char *b = insert(a, at2, "stray text");
	size_t at3 = after_nth(b, "</component>", 3);
	char *c = insert(b, at3, "\n<component/>");
	const char *path = put_str("three-errors.xml", c);

	cdaimg_diags *dom = cdaimg_diags_new(), *str = cdaimg_diags_new();
	assert_int_equal(cdaimg_schema_validate_file(ans(), path, dom), CDAIMG_ENONCONFORMANT);
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), path, str), CDAIMG_ENONCONFORMANT);
	size_t n = count_code(dom, CDAIMG_D_SCHEMA);
	assert_true(n >= 3);
	assert_int_equal(count_code(str, CDAIMG_D_SCHEMA), n);
	assert_int_equal(cdaimg_diags_count(str), n);
	for (size_t i = 0; i < n; i++) {
		const cdaimg_diag *x = cdaimg_diags_get(dom, i), *y = cdaimg_diags_get(str, i);
		char want[1024];
		without_first_positions(x->path, want, sizeof want);
		assert_string_equal(y->path, want);
		assert_int_equal(y->line, x->line);
		assert_string_equal(y->message, x->message);
	}
	/* the attribute, checked by hand (the text comes first in the document) */
	const cdaimg_diag *g = NULL;
	for (size_t i = 0; i < n && !g; i++)
		if (strstr(cdaimg_diags_get(str, i)->message, "'foo'"))
			g = cdaimg_diags_get(str, i);
	assert_non_null(g);
	assert_int_equal(g->line, line_at(c, at1));
	assert_string_equal(g->path, "/ClinicalDocument/component/structuredBody/component/section/component[2]/section");
	cdaimg_diags_free(dom);
	cdaimg_diags_free(str);
	unlink(path);
	free(doc);
	free(a);
	free(b);
	free(c);
}

/* A lone entry: libxml2's message on the root, and what to do instead; an
 * undeclared element further down gets libxml2's message alone. */
static void validate_stream__lone_entry_says_what_to_do(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), tu_src("samples/mr-wado-uri.xml"), d),
	                 CDAIMG_ENONCONFORMANT);
	assert_int_equal(cdaimg_diags_count(d), 1);
	const cdaimg_diag *g = cdaimg_diags_get(d, 0);
	assert_string_equal(g->path, "/act");
	assert_non_null(strstr(g->message, "No matching global declaration available for the validation root."));
	assert_non_null(strstr(g->message, "The stream validation takes documents whose root the schema declares"));
	assert_non_null(strstr(g->message, "cdaimg_schema_validate_entry"));
	/* which takes the same file */
	cdaimg_diags_clear(d);
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src("samples/mr-wado-uri.xml"), d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(ans(), xmlDocGetRootElement(doc), d), d);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* --- not well-formed, entities, DOCTYPE ----------------------------------------------------- */

static void validate_stream__not_well_formed(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *path = put_str("broken.xml", "<a>\n<b>\n</a>");
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), path, d), CDAIMG_EPARSE);
	int i = tu_find_diag(d, CDAIMG_D_XML, "");
	assert_true(i >= 0);
	assert_int_equal(cdaimg_diags_get(d, i)->line, 3);
	assert_true(cdaimg_diags_get(d, i)->column > 0); /* where the parser stopped on that line */
	assert_null(strchr(cdaimg_diags_get(d, i)->message, '\n'));
	cdaimg_diags_clear(d);

	/* cut short: the message and line of the DOM path */
	char *doc = tu_read(tu_src("samples/sample.xml"), NULL);
	assert_non_null(doc);
	*strstr(doc, "</ClinicalDocument>") = '\0';
	path = put_str("cut.xml", doc);
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), path, d), CDAIMG_EPARSE);
	i = tu_find_diag(d, CDAIMG_D_XML, "");
	assert_true(i >= 0);
	assert_non_null(strstr(cdaimg_diags_get(d, i)->message, "Premature end of data in tag ClinicalDocument"));
	cdaimg_diags *dom = cdaimg_diags_new();
	assert_int_equal(cdaimg_schema_validate_file(ans(), path, dom), CDAIMG_EPARSE);
	assert_int_equal(cdaimg_diags_count(dom), 1);
	assert_int_equal(cdaimg_diags_get(d, i)->line, cdaimg_diags_get(dom, 0)->line);
	assert_int_equal(cdaimg_diags_get(d, i)->line, line_at(doc, strlen(doc)));
	assert_string_equal(cdaimg_diags_get(d, i)->message, cdaimg_diags_get(dom, 0)->message);
	cdaimg_diags_free(dom);
	cdaimg_diags_clear(d);

	/* nothing, or white space only: "empty input" (not the parser's message), streamed or not */
	static const char *const blank[] = {"", " \n\t\r\n"};
	for (size_t k = 0; k < 2; k++) {
		path = put_str("empty.xml", blank[k]);
		assert_int_equal(cdaimg_schema_validate_stream_file(ans(), path, d), CDAIMG_EPARSE);
		assert_int_equal(cdaimg_diags_count(d), 1);
		assert_diag(d, CDAIMG_D_XML, "");
		assert_string_equal(cdaimg_diags_get(d, 0)->message, "empty input");
		cdaimg_diags_clear(d);
		assert_int_equal(cdaimg_schema_validate_file(ans(), path, d), CDAIMG_EPARSE);
		assert_int_equal(cdaimg_diags_count(d), 1);
		assert_string_equal(cdaimg_diags_get(d, 0)->message, "empty input");
		cdaimg_diags_clear(d);
	}
	rm("empty.xml");
	rm("broken.xml");
	rm("cut.xml");
	free(doc);
	cdaimg_diags_free(d);
}

static void validate_stream__entities_refused_doctype_ignored(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	static const char *const refused[] = {
		"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
		"<!DOCTYPE a [<!ENTITY e \"x\">]><a/>",
		"<!DOCTYPE a [<!ENTITY % p \"x\">]><a/>",
		"<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>",
		"<!DOCTYPE a [<!NOTATION n SYSTEM \"n\"><!ENTITY u SYSTEM \"u.bin\" NDATA n>]><a/>",
		/* an external DTD, not loaded, might declare it: still refused */
		"<!DOCTYPE a SYSTEM \"a.dtd\"><a>\n&undeclared;</a>",
		"<!DOCTYPE a SYSTEM \"a.dtd\"><a>\n<id root=\"1.2.3&leak;\"/></a>",
		("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		 "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>"),
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		const char *path = put_str("entity.xml", refused[i]);
		char name[300];
		snprintf(name, sizeof name, "%s", path);
		assert_int_equal(cdaimg_schema_validate_stream_file(ans(), path, d), CDAIMG_EPARSE);
		const char *shown = name;
		assert_diag(d, CDAIMG_D_XML, shown);
		if (i < 5) /* refused at the DTD, before the root */
			assert_int_equal(count_code(d, CDAIMG_D_SCHEMA), 0);
		/* and by the DOM path too, the undeclared entities included (F15:
		 * they were CDAIMG_EINTERNAL or CDAIMG_ENONCONFORMANT there) */
		cdaimg_diags_clear(d);
		assert_int_equal(cdaimg_schema_validate_file(ans(), path, d), CDAIMG_EPARSE);
		assert_diag(d, CDAIMG_D_XML, NULL);
		cdaimg_diags_clear(d);
		unlink(path);
	}
	/* a DOCTYPE alone is ignored, with a warning, as cdaimg_doc_read_* do */
	char *doc = tu_read(tu_src("samples/sample.xml"), NULL);
	assert_non_null(doc);
	char *with = insert(doc, after_nth(doc, "?>", 1), "\n<!DOCTYPE ClinicalDocument SYSTEM \"http://example.org/cda.dtd\">");
	const char *path = put_str("doctype.xml", with);
	assert_cdaimg_ok(cdaimg_schema_validate_stream_file(ans(), path, d), d);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_int_equal(cdaimg_diags_get(d, 0)->severity, CDAIMG_SEV_WARNING);
	assert_int_equal(cdaimg_diags_get(d, 0)->code, CDAIMG_D_XML);
	unlink(path);
	free(with);
	free(doc);
	cdaimg_diags_free(d);
}

/* The same status as cdaimg_schema_validate_file, document by document. */
static void validate_stream__same_status_as_validate_file(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>",
		"<act xmlns=\"urn:hl7-org:v3\"/>",
		"<a/>",
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xe9</a>",
		"\xef\xbb\xbf<a/>",
		"<a><b></a>",
		"<a/><b/>",
		"   ",
		"<!-- only a comment -->",
		"<a xmlns:p=\"urn:x\"><p:b/></a>",
		"<a><![CDATA[x]]></a>",
		"<!DOCTYPE a [<!ENTITY e \"x\">]><a/>",
	};
	cdaimg_diags *d = cdaimg_diags_new();
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		const char *path = put_str("status.xml", docs[i]);
		cdaimg_status want = cdaimg_schema_validate_file(ans(), path, d);
		cdaimg_status got = cdaimg_schema_validate_stream_file(ans(), path, d);
		if (got != want) {
			tu_print_diags(d);
			fail_msg("document %zu: %s while cdaimg_schema_validate_file gives %s", i, cdaimg_status_name(got),
			         cdaimg_status_name(want));
		}
		cdaimg_diags_clear(d);
		unlink(path);
	}
	cdaimg_diags_free(d);
}

/* --- large documents --------------------------------------------------------------------- */

static void validate_stream__large_generated_document(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 1500 : 20000;
	const char *path = generated("large.xml", n);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_schema_validate_stream_file(ans(), path, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);

	/* the last entry broken: its line (past 65535 without valgrind) and its position */
	size_t len;
	char *doc = tu_read(path, &len);
	assert_non_null(doc);
	/* the last "<entry>", found from the end (a strstr loop is quadratic under ASan) */
	size_t at = len - 7;
	while (at && memcmp(doc + at, "<entry>", 7))
		at--;
	assert_true(at > 0);
	at += strlen("<entry");
	char *bad = insert(doc, at, " foo=\"1\"");
	char *bad_path = strdup(put_str("large-bad.xml", bad));
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), bad_path, d), CDAIMG_ENONCONFORMANT);
	assert_int_equal(cdaimg_diags_count(d), 1);
	const cdaimg_diag *g = cdaimg_diags_get(d, 0);
	assert_int_equal(g->code, CDAIMG_D_SCHEMA);
	assert_int_equal(g->line, line_at(bad, at));
	if (!UNDER_VALGRIND())
		assert_true(g->line > 65535);
	char want[200];
	snprintf(want, sizeof want, "/ClinicalDocument/component/structuredBody/component/section/entry[%zu]", n);
	assert_string_equal(g->path, want);
	unlink(bad_path);
	unlink(path);
	free(bad_path);
	free(bad);
	free(doc);
	cdaimg_diags_free(d);
}

/* Peak of the bytes libxml2's allocator (hence ours) has out, over a call. */
static long long peak_of_validation(const char *path)
{
	cdaimg_diags *d = cdaimg_diags_new();
	tu_peak_start();
	cdaimg_status st = cdaimg_schema_validate_stream_file(ans(), path, d);
	long long peak = tu_peak_end();
	assert_cdaimg_ok(st, d);
	cdaimg_diags_free(d);
	return peak;
}

static void validate_stream__memory_does_not_grow_with_the_document(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 200 : 2000;
	long long small = peak_of_validation(generated("small.xml", n));
	long long big = peak_of_validation(generated("big.xml", 8 * n));
	/* 8 times the document (some 2 kB a series), not a byte more to hold */
	assert_true(small > 0);
	if (big > small + 16 * 1024)
		fail_msg("peak %lld bytes for %zu series, %lld for %zu", small, n, big, 8 * n);
	rm("small.xml");
	rm("big.xml");
}

/* The first 1,000 schema errors are listed, then one more diagnostic counts the rest. */
static void validate_stream__errors_listed_up_to_a_cap(void **state)
{
	(void)state;
	size_t n = 1005;
	size_t len;
	char *doc = tu_read(generated("many.xml", n), &len);
	assert_non_null(doc);
	/* every entry gets an attribute it may not have */
	char *bad = malloc(len + n * 8 + 1), *o = bad;
	assert_non_null(bad);
	for (size_t i = 0; i < len; i++) {
		*o++ = doc[i];
		if (i >= 5 && !memcmp(doc + i - 5, "<entry", 6) && doc[i + 1] == '>')
			o += sprintf(o, " foo=\"1\"");
	}
	*o = '\0';
	const char *path = put_str("many.xml", bad);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), path, d), CDAIMG_ENONCONFORMANT);
	assert_int_equal(cdaimg_diags_count(d), 1001);
	assert_string_equal(cdaimg_diags_get(d, 999)->path,
	                    "/ClinicalDocument/component/structuredBody/component/section/entry[1000]");
	const cdaimg_diag *last = cdaimg_diags_get(d, 1000);
	assert_int_equal(last->code, CDAIMG_D_SCHEMA);
	assert_non_null(strstr(last->message, "5 more"));
	unlink(path);
	free(bad);
	free(doc);
	cdaimg_diags_free(d);
}

/* --- the file descriptor variant, arguments -------------------------------------------------- */

static void validate_stream__fd_read_to_its_end_and_left_open(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	int fd = open(tu_src("samples/sample.xml"), O_RDONLY);
	assert_true(fd >= 0);
	assert_cdaimg_ok(cdaimg_schema_validate_stream_fd(ans(), fd, "sample", d), d);
	char c;
	assert_int_equal(read(fd, &c, 1), 0); /* at its end, still open */
	assert_int_equal(close(fd), 0);

	/* a pipe, not seekable; the name is the one given */
	int p[2];
	assert_int_equal(pipe(p), 0);
	const char *text = "<!DOCTYPE a [<!ENTITY e \"x\">]><a/>";
	assert_int_equal(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(p[1]), 0);
	assert_int_equal(cdaimg_schema_validate_stream_fd(ans(), p[0], "from a pipe", d), CDAIMG_EPARSE);
	assert_diag(d, CDAIMG_D_XML, "from a pipe");
	assert_int_equal(close(p[0]), 0);
	cdaimg_diags_clear(d);

	/* read from where it stands: the second of two documents in one file */
	char *doc = tu_read(tu_src("samples/sample.xml"), NULL);
	assert_non_null(doc);
	const char *junk = "this is not XML\n";
	size_t jl = strlen(junk);
	char *both = malloc(jl + strlen(doc) + 1);
	assert_non_null(both);
	memcpy(both, junk, jl);
	strcpy(both + jl, doc);
	const char *path = put_str("offset.xml", both);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, (off_t)jl, SEEK_SET), (off_t)jl);
	assert_cdaimg_ok(cdaimg_schema_validate_stream_fd(ans(), fd, NULL, d), d);
	assert_int_equal(close(fd), 0);
	unlink(path);

	/* not well-formed at its start: the rest of the file is not read */
	size_t big = 4u << 20;
	char *broken = malloc(big + 1);
	assert_non_null(broken);
	memset(broken, ' ', big);
	memcpy(broken, "<a></b>", 7);
	broken[big] = '\0';
	path = put("broken-start.xml", broken, big);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(cdaimg_schema_validate_stream_fd(ans(), fd, "broken", d), CDAIMG_EPARSE);
	assert_true(lseek(fd, 0, SEEK_CUR) < (off_t)big / 2);
	assert_int_equal(close(fd), 0);
	unlink(path);
	cdaimg_diags_clear(d);

	/* a descriptor that cannot be read */
	fd = open("/dev/null", O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(cdaimg_schema_validate_stream_fd(ans(), fd, "write-only", d), CDAIMG_EIO);
	assert_diag(d, CDAIMG_D_IO, "write-only");
	assert_int_equal(close(fd), 0);
	free(broken);
	free(both);
	free(doc);
	cdaimg_diags_free(d);
}

static void validate_stream__arguments_and_io_errors(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_schema_validate_stream_file(NULL, "x.xml", d), CDAIMG_EARG);
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_schema_validate_stream_fd(ans(), -1, "x", d), CDAIMG_EARG);
	assert_int_equal(count_code(d, CDAIMG_D_ARG), 3);
	cdaimg_diags_clear(d);
	char missing_buf[256];
	snprintf(missing_buf, sizeof missing_buf, "%s/missing.xml", dir);
	const char *missing = missing_buf, *folder = dir;
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), missing, d), CDAIMG_EIO);
	assert_diag(d, CDAIMG_D_IO, missing);
	assert_int_equal(cdaimg_schema_validate_file(ans(), missing, NULL), CDAIMG_EIO);
	cdaimg_diags_clear(d);
	/* a directory opens, then cannot be read */
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), folder, d), CDAIMG_EIO);
	assert_diag(d, CDAIMG_D_IO, folder);
	assert_int_equal(cdaimg_schema_validate_file(ans(), folder, NULL), CDAIMG_EIO);
	/* no diagnostics list: the status alone */
	assert_int_equal(cdaimg_schema_validate_stream_file(ans(), missing, NULL), CDAIMG_EIO);
	assert_cdaimg_ok(cdaimg_schema_validate_stream_file(ans(), tu_src("samples/sample.xml"), NULL), NULL);
	cdaimg_diags_free(d);
}

/* One schema handle, several threads validating at once. */
typedef struct job {
	const char *good, *bad;
	int failures;
} job;

static void *validate_both(void *arg)
{
	job *j = arg;
	cdaimg_diags *d = cdaimg_diags_new();
	for (int k = 0; k < 3; k++) {
		if (cdaimg_schema_validate_stream_file(ans(), j->good, d) != CDAIMG_OK || cdaimg_diags_count(d))
			j->failures++;
		cdaimg_diags_clear(d);
		if (cdaimg_schema_validate_stream_file(ans(), j->bad, d) != CDAIMG_ENONCONFORMANT || cdaimg_diags_count(d) != 1 ||
		    strcmp(cdaimg_diags_get(d, 0)->path, "/ClinicalDocument/component/structuredBody"))
			j->failures++;
		cdaimg_diags_clear(d);
	}
	cdaimg_diags_free(d);
	return NULL;
}

static void validate_stream__threads_share_one_schema(void **state)
{
	(void)state;
	cdaimg_global_init();
	(void)ans(); /* loaded before the threads start */
	char *doc = tu_read(tu_src("samples/sample.xml"), NULL);
	assert_non_null(doc);
	char *bad = insert(doc, after_nth(doc, "<structuredBody", 1), " x=\"1\"");
	char bad_path[256];
	snprintf(bad_path, sizeof bad_path, "%s", put_str("thread-bad.xml", bad));
	enum { N = 4 };
	pthread_t th[N];
	job jobs[N];
	for (int i = 0; i < N; i++) {
		jobs[i] = (job){tu_src("samples/sample.xml"), bad_path, 0};
		jobs[i].good = strdup(jobs[i].good);
		assert_int_equal(pthread_create(&th[i], NULL, validate_both, &jobs[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].failures, 0);
		free((char *)jobs[i].good);
	}
	unlink(bad_path);
	free(bad);
	free(doc);
}

/* A folder the caller names is the only place looked at: a wrong one fails,
 * even when CDAIMG_SCHEMA_DIR (or the usual places) would have the schemas. */
static void validate_stream__given_schema_folder_is_the_only_place(void **state)
{
	(void)state;
	const char *old = getenv("CDAIMG_SCHEMA_DIR");
	char *saved = old ? strdup(old) : NULL;
	setenv("CDAIMG_SCHEMA_DIR", tu_src("schemas"), 1);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_schema *s = NULL;
	assert_int_equal(cdaimg_schema_load(&s, CDAIMG_SCHEMA_HL7, dir, d), CDAIMG_EIO);
	assert_null(s);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_int_equal(cdaimg_diags_get(d, 0)->code, CDAIMG_D_SCHEMA_LOAD);
	assert_string_equal(cdaimg_diags_get(d, 0)->path, dir);
	assert_non_null(strstr(cdaimg_diags_get(d, 0)->message, "not found in the folder given"));
	cdaimg_diags_clear(d);
	/* without a folder, the environment's */
	assert_cdaimg_ok(cdaimg_schema_load(&s, CDAIMG_SCHEMA_HL7, NULL, d), d);
	cdaimg_schema_free(s);
	/* and the folder itself when it holds them */
	char given[1024];
	snprintf(given, sizeof given, "%s", tu_src("schemas"));
	unsetenv("CDAIMG_SCHEMA_DIR");
	assert_cdaimg_ok(cdaimg_schema_load(&s, CDAIMG_SCHEMA_HL7, given, d), d);
	cdaimg_schema_free(s);
	if (saved)
		setenv("CDAIMG_SCHEMA_DIR", saved, 1);
	free(saved);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validate_stream__valid_documents),
		cmocka_unit_test(validate_stream__same_errors_as_the_dom_validator),
		cmocka_unit_test(validate_stream__lone_entry_says_what_to_do),
		cmocka_unit_test(validate_stream__not_well_formed),
		cmocka_unit_test(validate_stream__entities_refused_doctype_ignored),
		cmocka_unit_test(validate_stream__same_status_as_validate_file),
		cmocka_unit_test(validate_stream__large_generated_document),
		cmocka_unit_test(validate_stream__memory_does_not_grow_with_the_document),
		cmocka_unit_test(validate_stream__errors_listed_up_to_a_cap),
		cmocka_unit_test(validate_stream__fd_read_to_its_end_and_left_open),
		cmocka_unit_test(validate_stream__arguments_and_io_errors),
		cmocka_unit_test(validate_stream__threads_share_one_schema),
		cmocka_unit_test(validate_stream__given_schema_folder_is_the_only_place),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	xmlCleanupParser();
	return failed;
}
