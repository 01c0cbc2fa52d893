/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L /* strdup, strtok_r */
/* test_mutate.c - the mutation tool (mutate.c), the manifest of the official
 * mutations, and the official verdicts recorded for them (tests/data/official). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mutate.h"
#include "testutil.h"

#define OFFICIAL "tests/data/official"

static const char small[] = "<?xml version=\"1.0\"?>\n"
                            "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
                            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                            "<a x=\"1\"><b>t</b><!--c--></a><a x=\"2\"/></ClinicalDocument>";
#define ROOT_OPEN                                                                                        \
	"<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
#define ROOT_CLOSE "</ClinicalDocument>"

static xmlDocPtr parse_small(const char *xml)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "small", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	return doc;
}

/* The root element of @p doc as XML (malloc'd). */
static char *dump_root(xmlDocPtr doc)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 0);
	char *s = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return s;
}

/* @p edits applied to the small document give @p want (inside the root element). */
static void check_edit(const char *edits, const char *want)
{
	xmlDocPtr doc = parse_small(small);
	char err[600];
	if (mutate_apply(doc, edits, err, sizeof err))
		fail_msg("%s: %s", edits, err);
	char *got = dump_root(doc);
	char full[2048];
	snprintf(full, sizeof full, "%s%s%s", ROOT_OPEN, want, ROOT_CLOSE);
	if (strcmp(got, full))
		fail_msg("%s\n  got:  %s\n  want: %s", edits, got, full);
	free(got);
	xmlFreeDoc(doc);
}

/* @p edits fail on the small document with a message that contains @p why
 * and quotes the failing edit. */
static void check_error(const char *edits, const char *why)
{
	xmlDocPtr doc = parse_small(small);
	char err[600];
	if (!mutate_apply(doc, edits, err, sizeof err))
		fail_msg("%s: applied, expected an error (%s)", edits, why);
	if (!strstr(err, why))
		fail_msg("%s: error \"%s\" does not say \"%s\"", edits, err, why);
	if (strcmp(why, "no edit") && !strstr(err, "edit \""))
		fail_msg("%s: error \"%s\" does not quote the edit", edits, err);
	xmlFreeDoc(doc);
}

static void mutate__each_edit_kind(void **state)
{
	check_edit("delete //cda:b", "<a x=\"1\"><!--c--></a><a x=\"2\"/>");
	check_edit("delete //cda:a/@x", "<a><b>t</b><!--c--></a><a/>");
	check_edit("delete //comment()", "<a x=\"1\"><b>t</b></a><a x=\"2\"/>");
	/* an element and its own descendant selected together */
	check_edit("delete (//cda:a)[1]|//cda:b", "<a x=\"2\"/>");
	check_edit("setattr (//cda:a)[1] x 9", "<a x=\"9\"><b>t</b><!--c--></a><a x=\"2\"/>");
	check_edit("setattr //cda:b y two words", "<a x=\"1\"><b y=\"two words\">t</b><!--c--></a><a x=\"2\"/>");
	check_edit("setattr //cda:b xsi:type CD", "<a x=\"1\"><b xsi:type=\"CD\">t</b><!--c--></a><a x=\"2\"/>");
	check_edit("setattr //cda:a z \"<&>\"", "<a x=\"1\" z=\"&quot;&lt;&amp;&gt;&quot;\"><b>t</b><!--c--></a>"
	                                        "<a x=\"2\" z=\"&quot;&lt;&amp;&gt;&quot;\"/>");
	check_edit("delattr (//cda:a)[2] x", "<a x=\"1\"><b>t</b><!--c--></a><a/>");
	check_edit("rename //cda:b code", "<a x=\"1\"><code>t</code><!--c--></a><a x=\"2\"/>");
	check_edit("settext //cda:b new & <text>", "<a x=\"1\"><b>new &amp; &lt;text&gt;</b><!--c--></a><a x=\"2\"/>");
	check_edit("settext //cda:b", "<a x=\"1\"><b/><!--c--></a><a x=\"2\"/>");
	check_edit("settext (//cda:a)[1]", "<a x=\"1\"/><a x=\"2\"/>");
	check_edit("settext (//cda:a)[2]/@x 5 & 6", "<a x=\"1\"><b>t</b><!--c--></a><a x=\"5 &amp; 6\"/>");
	check_edit("settext //comment() other", "<a x=\"1\"><b>t</b><!--other--></a><a x=\"2\"/>");
	check_edit("settext //cda:b/text() \\s\\sx\\ty\\n\\\\", "<a x=\"1\"><b>  x\ty\n\\</b><!--c--></a><a x=\"2\"/>");
	/* snippets: HL7 namespace without a new declaration, xsi known, order kept */
	check_edit("append (//cda:a)[2] <templateId root=\"1.2\"/>",
	           "<a x=\"1\"><b>t</b><!--c--></a><a x=\"2\"><templateId root=\"1.2\"/></a>");
	check_edit("before //cda:b <c/>text", "<a x=\"1\"><c/>text<b>t</b><!--c--></a><a x=\"2\"/>");
	check_edit("after //cda:b <c/><!--d--><e xsi:type=\"PQ\"/>",
	           "<a x=\"1\"><b>t</b><c/><!--d--><e xsi:type=\"PQ\"/><!--c--></a><a x=\"2\"/>");
	check_edit("after //comment() \\n\\s\\s", "<a x=\"1\"><b>t</b><!--c-->\n  </a><a x=\"2\"/>");
	check_edit("dup //cda:b", "<a x=\"1\"><b>t</b><b>t</b><!--c--></a><a x=\"2\"/>");
	check_edit("dup //cda:a", "<a x=\"1\"><b>t</b><!--c--></a><a x=\"1\"><b>t</b><!--c--></a><a x=\"2\"/><a x=\"2\"/>");
	/* several edits, in order; blank and comment lines skipped */
	check_edit("# a comment\n\n  rename //cda:b c\r\n  setattr //cda:c k v  \n\tdelete (//cda:a)[2]\n",
	           "<a x=\"1\"><c k=\"v\">t</c><!--c--></a>");
}

static void mutate__errors(void **state)
{
	check_error("delete //cda:nothing", "selects nothing");
	check_error("setattr //cda:b[@x] x 1", "selects nothing");
	check_error("delete //cda:b\ndelete //cda:b", "selects nothing"); /* the second finds it gone */
	check_error("remove //cda:b", "unknown edit");
	check_error("delete //cda:b[", "unbalanced");
	check_error("delete //cda:b[@x='1]", "unbalanced");
	check_error("delete //cda:b[@x=]", "does not evaluate");
	check_error("delete //foo:b", "does not evaluate");
	check_error("delete count(//cda:b)", "not nodes");
	check_error("rename //cda:a/@x y", "cannot take an attribute");
	check_error("dup /cda:ClinicalDocument", "cannot take an element");
	check_error("delete /", "cannot take the document node");
	check_error("append //comment() <x/>", "cannot take a comment");
	check_error("append //cda:b <x>", "does not parse");
	check_error("append //cda:b", "missing snippet");
	check_error("setattr //cda:b x", "missing value");
	check_error("setattr //cda:b foo:x 1", "not declared");
	check_error("setattr //cda:b 1x 1", "not an attribute name");
	check_error("delattr //cda:b x", "has no attribute x");
	check_error("rename //cda:b", "missing element name");
	check_error("rename //cda:b a:b", "not an element name");
	check_error("delete //cda:b extra", "unexpected text");
	check_error("settext //cda:b \\q", "unknown escape");
	check_error("delete", "missing XPath");
	check_error("\n# nothing\n", "no edit");
}

static mutate_manifest *parse_ok(const char *text)
{
	char err[600];
	mutate_manifest *m = mutate_manifest_parse(text, err, sizeof err);
	if (!m)
		fail_msg("%s", err);
	return m;
}

static void parse_bad(const char *text, const char *why)
{
	char err[600];
	mutate_manifest *m = mutate_manifest_parse(text, err, sizeof err);
	if (m)
		fail_msg("parsed, expected an error (%s):\n%s", why, text);
	if (!strstr(err, why))
		fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

#define ENTRY(name) "[" name "]\nexpect pass\nabout x\ndelete //cda:b\n"

static void mutate__manifest_syntax(void **state)
{
	mutate_manifest *m = parse_ok("# comment\n"
	                              "define B //cda:b\n"
	                              "define BX {B}[@x]\n"
	                              "\n"
	                              "[first-one]\n"
	                              "  expect fail volume:principal IHE:S_x xsd\n"
	                              "  about  Two edits.\n"
	                              "  delete {BX}\n"
	                              "  setattr {B} y {B}\n"
	                              "[second.2]\n"
	                              "base other.xml\n"
	                              "expect pass\n"
	                              "about x\n"
	                              "dup //cda:a\n");
	assert_int_equal(mutate_manifest_count(m), 2);
	const mutate_entry *e = mutate_manifest_get(m, 0);
	assert_string_equal(e->name, "first-one");
	assert_int_equal(e->line, 5);
	assert_true(e->expect_fail);
	assert_string_equal(e->aims, "volume:principal IHE:S_x xsd");
	assert_string_equal(e->about, "Two edits.");
	assert_string_equal(e->base, MUTATE_DEFAULT_BASE);
	assert_string_equal(e->edits, "delete //cda:b[@x]\nsetattr //cda:b y //cda:b\n");
	e = mutate_manifest_find(m, "second.2");
	assert_non_null(e);
	assert_false(e->expect_fail);
	assert_string_equal(e->aims, "");
	assert_string_equal(e->base, "other.xml");
	assert_null(mutate_manifest_get(m, 2));
	assert_null(mutate_manifest_find(m, "third"));
	mutate_manifest_free(m);

	parse_bad("", "no entry");
	parse_bad("delete //cda:b\n", "line 1: \"delete\" outside an entry");
	parse_bad(ENTRY("a") ENTRY("a"), "line 5: entry [a] appears twice");
	parse_bad("[a]\nabout x\ndelete //cda:b\n", "line 1: [a] has no expect line");
	parse_bad("[a]\nexpect pass\ndelete //cda:b\n", "has no about line");
	parse_bad("[a]\nexpect pass\nabout x\n[b]\n", "line 1: [a] has no edit");
	parse_bad("[a]\nexpect pass\nexpect pass\n", "a second expect line");
	parse_bad("[a]\nexpect fail\n", "needs its targets");
	parse_bad("[a]\nexpect fail volume\n", "bad target \"volume\"");
	parse_bad("[a]\nexpect fail Schematron:x\n", "bad target");
	parse_bad("[a]\nexpect pass volume:x\n", "takes no targets");
	parse_bad("[a]\nexpect maybe\n", "expect pass, or expect fail");
	parse_bad("[A]\n", "bad entry name");
	parse_bad("[a] x\n", "alone on its line");
	parse_bad("[a]\nexpect pass\nabout x\ndelete {NOPE}\n", "line 4: unknown definition {NOPE}");
	parse_bad("[a]\nexpect pass\nabout x\nremove //cda:b\n", "line 4: unknown keyword or edit \"remove\"");
	parse_bad("[a]\nexpect pass\nabout x\nsetattr //cda:b x\n", "line 4: missing value");
	parse_bad(ENTRY("a") "define X y\n", "definitions come before the first entry");
	parse_bad("define X a\ndefine X b\n", "defined twice");
	parse_bad("define X\n", "define NAME TEXT");
}

/* ---------------------------------------------------------------- the real manifest ---- */

static mutate_manifest *load_manifest(void)
{
	char err[1024];
	mutate_manifest *m = mutate_manifest_load(tu_src(MUTATE_MANIFEST), err, sizeof err);
	if (!m)
		fail_msg("%s", err);
	return m;
}

static void hash_of_file(const char *rel, char out[17])
{
	char err[600];
	xmlDocPtr doc = mutate_read(tu_src(rel), err, sizeof err);
	if (!doc)
		fail_msg("%s", err);
	assert_int_equal(mutate_c14n_hash(doc, out), 0);
	xmlFreeDoc(doc);
}

/* Every entry applies to its base and changes it; the manifest has the
 * mutations it promises and aims at all four rule files. */
static void mutate__every_entry_applies(void **state)
{
	mutate_manifest *m = load_manifest();
	char base_hash[17];
	hash_of_file(MUTATE_DEFAULT_BASE, base_hash);
	size_t fails = 0, passes = 0;
	int aimed[4] = {0};
	static const char *const checks[] = {"volume:", "IHE:", "ModelesDeContenusCDA:", "Modeles_ANS:"};
	for (size_t i = 0; i < mutate_manifest_count(m); i++) {
		const mutate_entry *e = mutate_manifest_get(m, i);
		char err[1024], h[17];
		xmlDocPtr doc = mutate_build(e, getenv("CDAIMG_SOURCE_DIR"), err, sizeof err);
		if (!doc)
			fail_msg("%s", err);
		assert_int_equal(mutate_c14n_hash(doc, h), 0);
		if (!strcmp(e->base, MUTATE_DEFAULT_BASE) && !strcmp(h, base_hash))
			fail_msg("[%s] leaves its base unchanged", e->name);
		xmlFreeDoc(doc);
		if (e->expect_fail)
			fails++;
		else
			passes++;
		for (int c = 0; c < 4; c++)
			if (strstr(e->aims, checks[c]))
				aimed[c]++;
	}
	if (mutate_manifest_count(m) < 45 || fails < 36 || passes < 6)
		fail_msg("%zu entries, %zu rejected, %zu accepted: at least 45, 36 and 6 wanted",
		         mutate_manifest_count(m), fails, passes);
	for (int c = 0; c < 4; c++)
		if (!aimed[c])
			fail_msg("no entry aims at %s", checks[c]);
	mutate_manifest_free(m);
}

/* ---------------------------------------------------------------- recorded verdicts ---- */

/* A TSV file as rows of tab-separated fields (the first row, a header, skipped). */
typedef struct table {
	char *text;
	char **fields; /* nrows * ncols */
	size_t nrows, ncols;
} table;

static void table_load(table *t, const char *rel, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->text = tu_read(tu_src(rel), NULL);
	if (!t->text)
		fail_msg("%s: cannot read (tests/data/official/record.sh writes it)", rel);
	t->ncols = ncols;
	size_t lines = 0;
	for (char *p = t->text; *p; p++)
		lines += *p == '\n';
	t->fields = calloc((lines + 1) * ncols, sizeof *t->fields);
	char *save = NULL, *line = strtok_r(t->text, "\n", &save);
	for (int header = 1; line; line = strtok_r(NULL, "\n", &save), header = 0) {
		if (header)
			continue;
		char **row = t->fields + t->nrows * ncols;
		size_t k = 0;
		for (char *f = line; k < ncols; k++) {
			row[k] = f;
			char *tab = strchr(f, '\t');
			if (!tab)
				break;
			*tab = '\0';
			f = tab + 1;
		}
		if (k != ncols - 1)
			fail_msg("%s: row %zu has %zu fields, %zu wanted", rel, t->nrows + 2, k + 1, ncols);
		t->nrows++;
	}
}

static void table_free(table *t)
{
	free(t->fields);
	free(t->text);
}

/* The row whose first field is @p a and second @p b (b NULL: any), or NULL. */
static char **table_find(const table *t, const char *a, const char *b)
{
	for (size_t r = 0; r < t->nrows; r++) {
		char **row = t->fields + r * t->ncols;
		if (!strcmp(row[0], a) && (!b || !strcmp(row[1], b)))
			return row;
	}
	return NULL;
}

/* documents.tsv: doc, kind, source, c14n, expect, aims */
enum { D_DOC, D_KIND, D_SOURCE, D_C14N, D_EXPECT, D_AIMS, D_NCOLS };
/* verdicts.tsv: doc, check, xsd_valid, failed, reports, fired, failed_patterns, cdaimg_validate */
enum { V_DOC, V_CHECK, V_XSD, V_FAILED, V_REPORTS, V_FIRED, V_PATTERNS, V_CDAIMG, V_NCOLS };

static const char *const check_names[] = {"volume", "IHE", "ModelesDeContenusCDA", "Modeles_ANS"};

/* Counts and "PATTERN@LOCATION ..." of an SVRL report, the way verdicts.tsv gives them. */
static void read_svrl(const char *doc, const char *check, long *failed, long *reports, long *fired, char **patterns)
{
	char rel[512], err[600];
	snprintf(rel, sizeof rel, OFFICIAL "/svrl/%s.%s.svrl.gz", doc, check);
	xmlDocPtr svrl = mutate_read(tu_src(rel), err, sizeof err);
	if (!svrl)
		fail_msg("%s", err);
	*failed = *reports = *fired = 0;
	size_t cap = 64, len = 0;
	char *out = calloc(1, cap);
	xmlChar *pattern = NULL;
	for (xmlNodePtr n = xmlDocGetRootElement(svrl)->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (!strcmp(name, "active-pattern")) {
			xmlFree(pattern);
			pattern = xmlGetProp(n, (const xmlChar *)"id");
		} else if (!strcmp(name, "fired-rule")) {
			(*fired)++;
		} else if (!strcmp(name, "successful-report")) {
			(*reports)++;
		} else if (!strcmp(name, "failed-assert")) {
			(*failed)++;
			xmlChar *loc = xmlGetProp(n, (const xmlChar *)"location");
			size_t need = len + strlen(pattern ? (char *)pattern : "") + strlen(loc ? (char *)loc : "") + 3;
			if (need > cap)
				out = realloc(out, cap = 2 * need);
			len += (size_t)sprintf(out + len, "%s%s@%s", len ? " " : "", pattern ? (char *)pattern : "",
			                       loc ? (char *)loc : "");
			xmlFree(loc);
		}
	}
	xmlFree(pattern);
	xmlFreeDoc(svrl);
	*patterns = out;
}

/* Whether the failed patterns "P@L P@L ..." include pattern @p p. */
static int has_pattern(const char *patterns, const char *p, size_t n)
{
	for (const char *s = patterns; *s;) {
		if (!strncmp(s, p, n) && s[n] == '@')
			return 1;
		const char *space = strchr(s, ' ');
		if (!space)
			break;
		s = space + 1;
	}
	return 0;
}

/* The recorded data agrees with itself and with the manifest: every document
 * has its four SVRL reports, whose counts and failed patterns are those of
 * verdicts.tsv; every mutation built now is the document that was recorded,
 * fails where it aims or passes everything; the examples pass. */
static void mutate__recorded_verdicts(void **state)
{
	table docs, verdicts;
	table_load(&docs, OFFICIAL "/documents.tsv", D_NCOLS);
	table_load(&verdicts, OFFICIAL "/verdicts.tsv", V_NCOLS);
	assert_int_equal(verdicts.nrows, 4 * docs.nrows);

	for (size_t r = 0; r < verdicts.nrows; r++) {
		char **v = verdicts.fields + r * V_NCOLS;
		long failed, reports, fired;
		char *patterns;
		read_svrl(v[V_DOC], v[V_CHECK], &failed, &reports, &fired, &patterns);
		if (failed != atol(v[V_FAILED]) || reports != atol(v[V_REPORTS]) || fired != atol(v[V_FIRED]) ||
		    strcmp(patterns, v[V_PATTERNS]))
			fail_msg("%s %s: the SVRL gives %ld/%ld/%ld and \"%s\"", v[V_DOC], v[V_CHECK], failed, reports,
			         fired, patterns);
		free(patterns);
		if (!table_find(&docs, v[V_DOC], NULL))
			fail_msg("verdicts.tsv: %s is not in documents.tsv", v[V_DOC]);
	}

	mutate_manifest *m = load_manifest();
	for (size_t i = 0; i < mutate_manifest_count(m); i++) {
		const mutate_entry *e = mutate_manifest_get(m, i);
		char **d = table_find(&docs, e->name, NULL);
		if (!d)
			fail_msg("[%s] was never recorded: tests/data/official/record.sh --only %s", e->name, e->name);
		char err[1024], h[17];
		xmlDocPtr doc = mutate_build(e, getenv("CDAIMG_SOURCE_DIR"), err, sizeof err);
		if (!doc)
			fail_msg("%s", err);
		assert_int_equal(mutate_c14n_hash(doc, h), 0);
		xmlFreeDoc(doc);
		if (strcmp(h, d[D_C14N]) || strcmp(e->aims, d[D_AIMS]))
			fail_msg("[%s] changed since it was recorded: tests/data/official/record.sh --only %s", e->name,
			         e->name);
		int xsd_ok = 1, total = 0;
		for (int c = 0; c < 4; c++) {
			char **v = table_find(&verdicts, e->name, check_names[c]);
			if (!v)
				fail_msg("[%s]: no %s verdict", e->name, check_names[c]);
			xsd_ok = !strcmp(v[V_XSD], "yes");
			total += atoi(v[V_FAILED]);
		}
		if (!e->expect_fail && (!xsd_ok || total))
			fail_msg("[%s] should pass, the official check rejects it", e->name);
		if (e->expect_fail && xsd_ok && !total)
			fail_msg("[%s] should fail, the official check accepts it", e->name);
		for (const char *t = e->aims; *t;) {
			size_t n = strcspn(t, " ");
			const char *colon = memchr(t, ':', n);
			if (!colon) {
				if (xsd_ok)
					fail_msg("[%s] aims at the XSD, which accepts it", e->name);
			} else {
				char check[64];
				snprintf(check, sizeof check, "%.*s", (int)(colon - t), t);
				char **v = table_find(&verdicts, e->name, check);
				if (!has_pattern(v[V_PATTERNS], colon + 1, (size_t)(t + n - colon - 1)))
					fail_msg("[%s] aims at %.*s, which does not fail", e->name, (int)n, t);
			}
			t += n;
			t += strspn(t, " ");
		}
	}
	mutate_manifest_free(m);

	/* the documents that are not mutations: recorded from the files in the tree */
	static const struct {
		const char *doc, *file;
		int must_pass;
	} bases[] = {
		{"IMG_CR_IMG_2024.01", MUTATE_DEFAULT_BASE, 1},
		{"IMG-DA-IMG_2024.01_Scanner_Crane_ThoraxAbdomenPelvis",
		 OFFICIAL "/IMG-DA-IMG_2024.01_Scanner_Crane_ThoraxAbdomenPelvis.xml", 1},
		{"cdaimg-sample", "samples/sample.xml", 0},
		{"cdaimg-study-ct-tap.document", "samples/study-ct-tap.document.xml", 0},
		{"cdaimg-study-ct-tap.header.document", "samples/study-ct-tap.header.document.xml", 0},
	};
	for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		char **d = table_find(&docs, bases[i].doc, NULL);
		if (!d)
			fail_msg("%s was never recorded", bases[i].doc);
		char h[17];
		hash_of_file(bases[i].file, h);
		if (strcmp(h, d[D_C14N]))
			fail_msg("%s changed since its verdicts were recorded: tests/data/official/record.sh --only '%s'",
			         bases[i].file, bases[i].must_pass ? bases[i].doc : "cdaimg-*");
		for (int c = 0; c < 4 && bases[i].must_pass; c++) {
			char **v = table_find(&verdicts, bases[i].doc, check_names[c]);
			assert_non_null(v);
			if (strcmp(v[V_XSD], "yes") || atoi(v[V_FAILED]))
				fail_msg("%s: the ANS example fails %s", bases[i].doc, check_names[c]);
		}
	}
	table_free(&docs);
	table_free(&verdicts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutate__each_edit_kind),
		cmocka_unit_test(mutate__errors),
		cmocka_unit_test(mutate__manifest_syntax),
		cmocka_unit_test(mutate__every_entry_applies),
		cmocka_unit_test(mutate__recorded_verdicts),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
