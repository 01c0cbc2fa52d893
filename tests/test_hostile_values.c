/* SPDX-License-Identifier: MIT */
/*
 * test_hostile_values.c - every string field of a series given hostile text
 * (invalid UTF-8, XML-forbidden characters, markup characters, bidi and
 * combining characters, 1 MB, over 1 MiB, empty), frame counts at the integer limits,
 * absurd dates.
 *
 * Each build must end in one of two ways:
 *  - CDAIMG_OK, and the entry is XSD-valid, parses back, and carries the
 *    exact text where the field is written verbatim (display names, the
 *    description);
 *  - CDAIMG_EINVALID with an error diagnostic at the field's path, and the
 *    caller's document unchanged.
 */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "testutil.h"


/* --- the fields ------------------------------------------------------------------------ */

typedef struct values {
	tu_series t;
	cdaimg_coding kind2;  /* for the link-kind fields */
	char *div_buf;        /* description div built around a value */
	cdaimg_identifier series_id2;
} values;

typedef void (*setter)(values *v, const char *s);

static char *wrap_div(const char *text);

static void set_sid_value(values *v, const char *s) { v->t.series_id.value = s; }
static void set_sid_system(values *v, const char *s) { v->t.series_id.system = s; }
static void set_sid2_value(values *v, const char *s)
{
	v->series_id2 = (cdaimg_identifier){"urn:oid:1.2.250.1.71.4.2.1", s};
	static cdaimg_identifier two[2];
	two[0] = v->t.series_id;
	two[1] = v->series_id2;
	v->t.s.ids = two;
	v->t.s.n_ids = 2;
}
static void set_mod_system(values *v, const char *s) { v->t.modality.system = s; }
static void set_mod_code(values *v, const char *s) { v->t.modality.code = s; }
static void set_mod_display(values *v, const char *s) { v->t.modality.display = s; }
static void set_mod_text(values *v, const char *s) { v->t.s.modality.text = s; }
static void set_desc_status(values *v, const char *s)
{
	v->t.s.description = (cdaimg_narrative){.status = s, .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"};
}
static void set_desc_raw(values *v, const char *s) { v->t.s.description = (cdaimg_narrative){.status = "generated", .div = s}; }
static void set_desc_text(values *v, const char *s)
{
	v->div_buf = wrap_div(s);
	v->t.s.description = (cdaimg_narrative){.status = "generated", .div = v->div_buf};
}
static void set_date(values *v, const char *s) { v->t.s.date = s; }
static void set_sop_value(values *v, const char *s) { v->t.sop_id.value = s; }
static void set_sop_system(values *v, const char *s) { v->t.sop_id.system = s; }
static void set_class_system(values *v, const char *s) { v->t.sop_class.system = s; }
static void set_class_code(values *v, const char *s) { v->t.sop_class.code = s; }
static void set_class_display(values *v, const char *s) { v->t.sop_class.display = s; }
static void set_inst_desc_text(values *v, const char *s)
{
	v->div_buf = wrap_div(s);
	v->t.inst.description = (cdaimg_narrative){.status = "generated", .div = v->div_buf};
}
static void set_inst_desc_raw(values *v, const char *s) { v->t.inst.description = (cdaimg_narrative){.status = "generated", .div = s}; }
static void set_status(values *v, const char *s) { v->t.inst.status = s; }
static void set_inst_date(values *v, const char *s) { v->t.inst.date = s; }
static void set_kind_system(values *v, const char *s) { v->t.kind.system = s; }
static void set_kind_code(values *v, const char *s) { v->t.kind.code = s; }
static void set_media_system(values *v, const char *s) { v->t.media.system = s; }
static void set_media_code(values *v, const char *s) { v->t.media.code = s; }
static void set_url(values *v, const char *s) { v->t.s.link.reference = s; }

typedef struct field {
	const char *name;
	setter set;
	const char *path;  /* where errors about it are reported (prefix) */
	const char *xpath; /* where it is written verbatim when accepted, or NULL */
} field;

#define ACT "/h:entry/h:act"
#define OBS ACT "/h:entryRelationship/h:observation"

static const field fields[] = {
	{"series id value", set_sid_value, "uuidSerie[0]", NULL},
	{"series id system", set_sid_system, "uuidSerie[0]", NULL},
	{"second series id", set_sid2_value, "uuidSerie[1]", ACT "/h:id[2]/@extension"},
	{"modality system", set_mod_system, "code", NULL},
	{"modality code", set_mod_code, "code", NULL},
	{"modality display", set_mod_display, "code.coding[0].display", ACT "/h:code/h:qualifier/h:value/@displayName"},
	{"modality text", set_mod_text, "code.text", NULL},
	{"description status", set_desc_status, "description.status", NULL},
	{"description div", set_desc_raw, "description.div", NULL},
	{"description text", set_desc_text, "description.div", ACT "/h:text"},
	{"series date", set_date, "date", NULL},
	{"SOP id value", set_sop_value, "instanceSOP.uuidSOPInstance[0]", NULL},
	{"SOP id system", set_sop_system, "instanceSOP.uuidSOPInstance[0]", NULL},
	{"SOP class system", set_class_system, "instanceSOP.classeSOP", NULL},
	{"SOP class code", set_class_code, "instanceSOP.classeSOP", NULL},
	{"SOP class display", set_class_display, "instanceSOP.classeSOP.coding[0].display", OBS "/h:code/@displayName"},
	{"instance description div", set_inst_desc_raw, "instanceSOP.description.div", NULL},
	{"instance description text", set_inst_desc_text, "instanceSOP.description.div", OBS "/h:code/h:originalText"},
	{"status", set_status, "instanceSOP.statut", NULL},
	{"instance date", set_inst_date, "instanceSOP.date", NULL},
	{"link kind system", set_kind_system, "referenceWado.iHEInvokeImage", NULL},
	{"link kind code", set_kind_code, "referenceWado.iHEInvokeImage", NULL},
	{"media type system", set_media_system, "referenceWado.typeMedia", NULL},
	{"media type code", set_media_code, "referenceWado.typeMedia", NULL},
	{"link URL", set_url, "referenceWado.reference", NULL},
};

/* --- the values ------------------------------------------------------------------------ */

static char *one_mb, *over_limit;

typedef struct hostile {
	const char *name;
	const char *text;
	int must_fail; /* not representable in XML 1.0: every field must refuse it */
} hostile;

static hostile values_list[] = {
	{"invalid UTF-8 (lone lead byte)", "ab\xC3(cd", 1},
	{"invalid UTF-8 (0xFF)", "\xFF", 1},
	{"overlong UTF-8", "\xC0\xAF", 1},
	{"UTF-8 surrogate", "x\xED\xA0\x80y", 1},
	{"UTF-8 above U+10FFFF", "\xF4\x90\x80\x80", 1},
	{"truncated UTF-8", "caf\xC3", 1},
	{"control character 0x01", "a\x01z", 1},
	{"control character 0x1F", "\x1F", 1},
	{"escape", "\x1B[31mred", 1},
	{"U+FFFE", "\xEF\xBF\xBE", 1},
	{"U+FFFF", "\xEF\xBF\xBF", 1},
	{"CDATA end", "a]]>b", 0},
	{"ampersand", "R&D &amp; &#38;", 0},
	{"less-than", "<b>bold</b> <!-- c --> <?pi?>", 0},
	{"quotes", "\"double\" 'single'", 0},
	{"right-to-left", "\xE2\x80\xAE\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\xE2\x80\xAC", 0},
	{"combining", "e\xCC\x81\xCC\xA7\xCD\x9C", 0},
	{"astral", "\xF0\x9F\xA9\xBB\xF0\x9D\x90\x80", 0},
	{"DEL and C1", "\x7F\xC2\x85\xC2\x9F", 0},
	{"empty", "", 0},
	{"1 MB", NULL, 0}, /* set in setup */
	/* one byte over the most a value may have (docs/input.md): libxml2 reads
	 * no text over 10 MB back, so the build refuses long values (issue 22) */
	{"1 MiB + 1", NULL, 1}, /* set in setup */
};

static char *wrap_div(const char *text)
{
	size_t n = strlen(text);
	char *d = malloc(n * 6 + 64);
	assert_non_null(d);
	char *p = d + sprintf(d, "<div xmlns=\"http://www.w3.org/1999/xhtml\">");
	for (const char *s = text; *s; s++) {
		if (*s == '<')
			p += sprintf(p, "&lt;");
		else if (*s == '&')
			p += sprintf(p, "&amp;");
		else if (*s == '>')
			p += sprintf(p, "&gt;");
		else
			*p++ = *s;
	}
	strcpy(p, "</div>");
	return d;
}

/* --- problems ----------------------------------------------------------------------------
 *
 * Every problem is printed and counted; each test fails at its end when it
 * met any.
 */
static int problems;

static void problem(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "PROBLEM: %s\n", msg);
	problems++;
}

/* --- checking one outcome ---------------------------------------------------------------- */

static char *serialize(xmlNodePtr n)
{
	xmlBufferPtr b = xmlBufferCreate();
	assert_non_null(b);
	xmlNodeDump(b, n->doc, n, 0, 0);
	char *s = strdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return s;
}

static int has_error_at(const cdaimg_diags *d, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->severity == CDAIMG_SEV_ERROR && !strncmp(g->path, prefix, n) &&
		    (g->path[n] == '\0' || g->path[n] == '.' || g->path[n] == '['))
			return 1;
	}
	return 0;
}

/* The string value at @p xpath in @p doc (xmlFree), or NULL when absent. */
static xmlChar *value_at(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(x, (const xmlChar *)"h", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, x);
	xmlChar *s = NULL;
	if (r && r->nodesetval && r->nodesetval->nodeNr > 0)
		s = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
	return s;
}

/* Build @p v into a fresh document and check the outcome. Returns the status. */
static cdaimg_status build_checked(values *v, const char *what, const char *err_path, const char *xpath,
                                   const char *expect)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr entry = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
	xmlDocSetRootElement(doc, entry);
	xmlSetNs(entry, xmlNewNs(entry, (const xmlChar *)"urn:hl7-org:v3", NULL));
	xmlNewChild(entry, NULL, (const xmlChar *)"keep", (const xmlChar *)"me");
	char *before = serialize(entry);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr act = NULL;
	cdaimg_status st = cdaimg_series_build(&act, entry, &v->t.s, NULL, d);
	if (st == CDAIMG_OK) {
		assert_non_null(act);
		cdaimg_diags_clear(d);
		if (cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), act, d) != CDAIMG_OK) {
			tu_print_diags(d);
			problem("%s: accepted, but the entry is not XSD-valid", what);
		}
		/* the text form parses back and says the same */
		char *xml = NULL;
		size_t len = 0;
		assert_int_equal(cdaimg_series_to_string(&xml, &len, &v->t.s, NULL, NULL), CDAIMG_OK);
		xmlDocPtr back = NULL;
		assert_int_equal(cdaimg_doc_read_memory(&back, xml, len, "back", NULL), CDAIMG_OK);
		cdaimg_free(xml);
		if (xpath) {
			xmlNodePtr wrap = xmlNewDocNode(back, NULL, (const xmlChar *)"entry", NULL);
			xmlSetNs(wrap, xmlNewNs(wrap, (const xmlChar *)"urn:hl7-org:v3", NULL));
			xmlNodePtr a = xmlDocGetRootElement(back);
			xmlUnlinkNode(a);
			xmlDocSetRootElement(back, wrap);
			xmlAddChild(wrap, a);
			xmlChar *got = value_at(back, xpath);
			if (!(expect[0] == '\0' && !got) && (!got || strcmp((const char *)got, expect)))
				problem("%s: written as \"%.80s\" (%zu bytes), expected \"%.80s\" (%zu bytes)", what,
				         got ? (const char *)got : "(absent)", got ? strlen((const char *)got) : 0, expect,
				         strlen(expect));
			xmlFree(got);
		}
		xmlFreeDoc(back);
	} else {
		if (st != CDAIMG_EINVALID) {
			tu_print_diags(d);
			problem("%s: status %s", what, cdaimg_status_name(st));
		}
		assert_null(act);
		if (!has_error_at(d, err_path)) {
			tu_print_diags(d);
			problem("%s: refused, but no error names %s", what, err_path);
		}
		char *after = serialize(entry);
		if (strcmp(before, after))
			problem("%s: refused, but the caller's document changed", what);
		free(after);
	}
	free(before);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
	return st;
}

static void every_field_every_value(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
		for (size_t h = 0; h < sizeof values_list / sizeof *values_list; h++) {
			values v;
			memset(&v, 0, sizeof v);
			tu_series_init(&v.t);
			fields[f].set(&v, values_list[h].text);
			char what[200];
			snprintf(what, sizeof what, "%s = %s", fields[f].name, values_list[h].name);
			cdaimg_status st =
				build_checked(&v, what, fields[f].path, fields[f].xpath, values_list[h].text);
			if (values_list[h].must_fail && st == CDAIMG_OK)
				problem("%s: accepted", what);
			free(v.div_buf);
		}
	}
	assert_int_equal(problems, 0);
}

/* Control characters that XML 1.0 cannot carry, one by one, in a display name. */
static void every_forbidden_control_character(void **state)
{
	(void)state;
	for (int c = 1; c < 0x20; c++) {
		char s[4] = {'a', (char)c, 'z', 0};
		values v;
		memset(&v, 0, sizeof v);
		tu_series_init(&v.t);
		v.t.modality.display = s;
		char what[64];
		snprintf(what, sizeof what, "display with 0x%02X", c);
		cdaimg_status st = build_checked(&v, what, "code.coding[0].display", ACT "/h:code/h:qualifier/h:value/@displayName", s);
		int allowed = c == '\t' || c == '\n' || c == '\r';
		if (!allowed && st == CDAIMG_OK)
			problem("%s: accepted", what);
	}
	assert_int_equal(problems, 0);
}

/* --- numbers and dates ----------------------------------------------------------------- */

static void frame_counts(void **state)
{
	(void)state;
	static const struct {
		int64_t n;
		int ok;
	} cases[] = {
		{INT64_MIN, 0}, {-1, 0}, {0, 0}, {1, 1}, {2, 1}, {INT32_MAX, 1},
		{(int64_t)INT32_MAX + 1, 0}, {UINT32_MAX, 0}, {INT64_MAX, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		values v;
		memset(&v, 0, sizeof v);
		tu_series_init(&v.t);
		v.t.inst.has_frame_count = 1;
		v.t.inst.frame_count = cases[i].n;
		char what[64], expect[32];
		snprintf(what, sizeof what, "frame count %lld", (long long)cases[i].n);
		snprintf(expect, sizeof expect, "%lld", (long long)cases[i].n);
		cdaimg_status st = build_checked(
			&v, what, "instanceSOP.nombreCadresReferences",
			OBS "/h:entryRelationship/h:observation/h:entryRelationship/h:observation/h:value/h:high/@value",
			expect);
		if (st != (cases[i].ok ? CDAIMG_OK : CDAIMG_EINVALID))
			problem("%s: %s", what, cdaimg_status_name(st));
	}
	assert_int_equal(problems, 0);
}

static void absurd_dates(void **state)
{
	(void)state;
	static const struct {
		const char *date, *ts; /* ts NULL: must be refused */
	} cases[] = {
		{"0001", "0001"},
		{"9999-12-31T23:59:59.9999+14:00", "99991231235959.9999+1400"},
		{"2024-02-29", "20240229"},
		{"0000", NULL},
		{"1900-02-29", NULL},
		{"2023-02-29", NULL},
		{"2020-04-31", NULL},
		{"2020-00-10", NULL},
		{"2020-01-00", NULL},
		{"2020-01-01T24:00:00Z", NULL},
		{"2020-01-01T23:60:00Z", NULL},
		{"2020-01-01T23:59:60Z", NULL},
		{"2020-01-01T00:00:00+14:01", NULL},
		{"2020-01-01T00:00:00+15:00", NULL},
		{"2020-01-01T00:00:00.12345Z", NULL},
		{"2020-01-01T00:00:00.Z", NULL},
		{"2020-01-01T00:00:00", NULL},
		{"2020-01-01T00:00Z", NULL},
		{"2020-01-01T00:00:00z", NULL},
		{"2020-01-01 00:00:00Z", NULL},
		{"2020-01-01T00:00:00+0100", NULL},
		{"-2020", NULL},
		{"+2020", NULL},
		{"20200101", NULL},
		{"99999", NULL},
		{"2020-1-1", NULL},
		{"２０２０", NULL},
		{"2020-01-01T00:00:00Z\n", NULL},
		{" 2020", NULL},
		{"", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		for (int which = 0; which < 2; which++) {
			values v;
			memset(&v, 0, sizeof v);
			tu_series_init(&v.t);
			if (which)
				v.t.inst.date = cases[i].date;
			else
				v.t.s.date = cases[i].date;
			char what[128];
			snprintf(what, sizeof what, "%s date \"%s\"", which ? "instance" : "series", cases[i].date);
			cdaimg_status st = build_checked(&v, what, which ? "instanceSOP.date" : "date",
			                                 which ? OBS "/h:effectiveTime/@value" : ACT "/h:effectiveTime/@value",
			                                 cases[i].ts ? cases[i].ts : "");
			if ((st == CDAIMG_OK) != (cases[i].ts != NULL))
				problem("%s: %s", what, cdaimg_status_name(st));
		}
	}
	assert_int_equal(problems, 0);
}

/* Counts and pointers that do not agree are caller bugs or empty lists, never crashes. */
static void no_ids(values *v) { v->t.s.n_ids = 0; }
static void ids_null(values *v) { v->t.s.ids = NULL; }
static void no_modality(values *v) { v->t.s.modality.n_codings = 0; }
static void instances_null(values *v) { v->t.s.instances = NULL; }
static void no_sop_class(values *v) { v->t.inst.sop_class.n_codings = 0; }

static void no_link(values *v)
{
	v->t.s.link.kind.n_codings = 0;
	v->t.s.link.media_type.n_codings = 0;
	v->t.s.link.reference = NULL;
}

static void null_strings(values *v)
{
	v->t.sop_id.value = NULL;
	v->t.series_id.value = NULL;
	v->t.modality.code = NULL;
	v->t.sop_class.code = NULL;
	v->t.inst.status = NULL;
}

static void counts_and_nulls(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		void (*edit)(values *v);
		const char *path; /* where an error is expected */
	} cases[] = {
		{"no ids", no_ids, "uuidSerie"},
		{"ids NULL", ids_null, "uuidSerie"},
		{"no modality", no_modality, "code"},
		{"no instance", instances_null, "instanceSOP"},
		{"no SOP class", no_sop_class, "instanceSOP.classeSOP"},
		{"no link", no_link, "referenceWado"},
		{"NULL strings", null_strings, "instanceSOP.statut"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		values v;
		memset(&v, 0, sizeof v);
		tu_series_init(&v.t);
		cases[i].edit(&v);
		if (build_checked(&v, cases[i].what, cases[i].path, NULL, "") != CDAIMG_EINVALID)
			problem("%s: not refused", cases[i].what);
	}
	assert_int_equal(problems, 0);
}

static int reset(void **state)
{
	(void)state;
	problems = 0;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	cdaimg_global_init();
	size_t n = UNDER_VALGRIND() ? 64 * 1024 : 1024 * 1024;
	one_mb = malloc(n + 1);
	/* 1 MB of two-byte characters and markup characters */
	for (size_t i = 0; i < n; i += 4)
		memcpy(one_mb + i, i % 64 ? "\xC3\xA9<&" : "]]>!", 4);
	one_mb[n] = '\0';
	values_list[sizeof values_list / sizeof *values_list - 2].text = one_mb;
	size_t over = ((size_t)1 << 20) + 1;
	over_limit = malloc(over + 1);
	for (size_t i = 0; i < over; i++)
		over_limit[i] = "1.2&<"[i % 5];
	over_limit[over] = '\0';
	values_list[sizeof values_list / sizeof *values_list - 1].text = over_limit;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(one_mb);
	free(over_limit);
	tu_schemas_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(every_field_every_value, reset),
		cmocka_unit_test_setup(every_forbidden_control_character, reset),
		cmocka_unit_test_setup(frame_counts, reset),
		cmocka_unit_test_setup(absurd_dates, reset),
		cmocka_unit_test_setup(counts_and_nulls, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
