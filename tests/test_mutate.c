#define _POSIX_C_SOURCE 200809L /* strdup, strtok_r */
/* test_mutate.c - the mutation tool (mutate.c), the manifest of the official
 * mutations (tests/data/official/mutations.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mutate.h"
#include "testutil.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutate__each_edit_kind),
		cmocka_unit_test(mutate__errors),
		cmocka_unit_test(mutate__manifest_syntax),
		cmocka_unit_test(mutate__every_entry_applies),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
