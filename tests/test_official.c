/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* test_official.c - cdaimg's evaluation of the ANS rules against the official
 * one: for every document of tests/data/official/ (the ANS examples, cdaimg's
 * own documents, the mutated copies of the ANS example that mutations.txt
 * describes) and each of its four checks (the volume and the three
 * profiles), the SVRL report cdaimg writes has the same active patterns,
 * fired rules, failed asserts (location and message) and successful reports,
 * in the same order, as the one recorded with the ANS engine (Java + Saxon,
 * tests/data/official/record.sh); and the whole verdict, XML Schema included,
 * is the official one. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "mutate.h"
#include "testutil.h"

#define OFFICIAL "tests/data/official"
#define DA_EXAMPLE "IMG-DA-IMG_2024.01_Scanner_Crane_ThoraxAbdomenPelvis"

static const char *const check_names[] = {"volume", "IHE", "ModelesDeContenusCDA", "Modeles_ANS"};
static cdaimg_rules *sets[5]; /* IMG-CR-IMG, IHE, CI-SIS, ANS, IMG-DA-IMG */

static int setup(void **state)
{
	static const cdaimg_rules_kind kinds[] = {CDAIMG_RULES_IMG_CR_IMG, CDAIMG_RULES_IHE, CDAIMG_RULES_CISIS_MODELES,
	                                          CDAIMG_RULES_ANS_MODELES, CDAIMG_RULES_IMG_DA_IMG};
	for (size_t i = 0; i < 5; i++)
		if (cdaimg_rules_load(&sets[i], kinds[i], NULL, NULL) != CDAIMG_OK)
			return -1;
	return 0;
}

static int teardown(void **state)
{
	for (size_t i = 0; i < 5; i++)
		cdaimg_rules_free(sets[i]);
	tu_schemas_free();
	return 0;
}

/* ---- the recorded tables --------------------------------------------------------------------- */

typedef struct row {
	char *cols[8];
	size_t n;
} row;

typedef struct table {
	row *rows;
	size_t n;
	char *text;
} table;

static void table_load(table *t, const char *rel)
{
	size_t len;
	t->text = tu_read(tu_src(rel), &len);
	assert_non_null(t->text);
	t->rows = NULL;
	t->n = 0;
	for (char *line = strtok(t->text, "\n"); line; line = strtok(NULL, "\n")) {
		t->rows = realloc(t->rows, (t->n + 1) * sizeof *t->rows);
		row *r = &t->rows[t->n++];
		r->n = 0;
		for (char *p = line; r->n < 8;) {
			r->cols[r->n++] = p;
			char *tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
	}
}

static void table_free(table *t)
{
	free(t->rows);
	free(t->text);
}

/* The row of @p doc (and @p check, when not NULL). */
static const row *table_find(const table *t, const char *doc, const char *check)
{
	for (size_t i = 1; i < t->n; i++)
		if (!strcmp(t->rows[i].cols[0], doc) && (!check || (t->rows[i].n > 1 && !strcmp(t->rows[i].cols[1], check))))
			return &t->rows[i];
	return NULL;
}

/* ---- SVRL as a list of events ------------------------------------------------------------------ */

typedef struct text {
	char *s;
	size_t n, cap;
} text;

static void add(text *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void adds(text *b, const char *s) { add(b, s, strlen(s)); }

/* One line per element of the report: what the two engines must agree on. */
static char *events(xmlDocPtr svrl)
{
	text b = {0};
	for (xmlNodePtr k = xmlDocGetRootElement(svrl)->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)k->name;
		xmlChar *a = NULL, *msg = NULL;
		if (!strcmp(name, "active-pattern")) {
			a = xmlGetProp(k, BAD_CAST "id");
		} else if (!strcmp(name, "fired-rule")) {
			a = xmlGetProp(k, BAD_CAST "context");
		} else {
			a = xmlGetProp(k, BAD_CAST "location");
			for (xmlNodePtr t = k->children; t; t = t->next)
				if (t->type == XML_ELEMENT_NODE && !strcmp((const char *)t->name, "text"))
					msg = xmlNodeGetContent(t);
		}
		adds(&b, name);
		adds(&b, " ");
		adds(&b, a ? (const char *)a : "");
		if (msg) {
			/* the message with its whitespace runs made one space */
			adds(&b, " :");
			bool space = true;
			for (const char *p = (const char *)msg; *p; p++) {
				bool ws = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
				if (!ws || !space)
					add(&b, ws ? " " : p, 1);
				space = ws;
			}
		}
		adds(&b, "\n");
		xmlFree(a);
		xmlFree(msg);
	}
	return b.s ? b.s : strdup("");
}

/* Fail on the first line where @p got and @p want differ, with both. */
static void compare_events(const char *what, const char *got, const char *want)
{
	if (!strcmp(got, want))
		return;
	size_t line = 1;
	const char *g = got, *w = want;
	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	while (g > got && g[-1] != '\n')
		g--, w--;
	int gl = (int)strcspn(g, "\n"), wl = (int)strcspn(w, "\n");
	fail_msg("%s: the SVRL reports differ at event %zu:\n  cdaimg:   %.*s\n  official: %.*s", what, line,
	         *g ? gl : 5, *g ? g : "(end)", *w ? wl : 5, *w ? w : "(end)");
}

/* ---- one document ---------------------------------------------------------------------------- */

static xmlDocPtr document(const row *d, const mutate_manifest *m)
{
	const char *doc = d->cols[0], *kind = d->cols[1];
	char err[512];
	xmlDocPtr x = NULL;
	if (!strcmp(kind, "mutation")) {
		const mutate_entry *e = mutate_manifest_find(m, doc);
		if (!e)
			fail_msg("%s: not in the manifest", doc);
		x = mutate_build(e, tu_src(""), err, sizeof err);
	} else {
		/* "cdaimg sample" is kept as samples/sample.xml */
		const char *file = !strcmp(d->cols[2], "cdaimg sample") ? "samples/sample.xml" : d->cols[2];
		x = mutate_read(tu_src(file), err, sizeof err);
	}
	if (!x)
		fail_msg("%s", err);
	return x;
}

/* The four checks of @p doc against their recorded reports; returns whether
 * every one passed (no failed assert). */
static bool same_reports(const char *name, xmlDocPtr doc, const table *verdicts)
{
	bool pass = true;
	for (size_t c = 0; c < 4; c++) {
		const cdaimg_rules *r = c == 0 && !strcmp(name, DA_EXAMPLE) ? sets[4] : sets[c];
		char rel[512], what[256];
		snprintf(rel, sizeof rel, OFFICIAL "/svrl/%s.%s.svrl.gz", name, check_names[c]);
		snprintf(what, sizeof what, "%s, %s", name, check_names[c]);
		xmlDocPtr recorded = xmlReadFile(tu_src(rel), NULL, XML_PARSE_NONET);
		if (!recorded)
			fail_msg("%s: no recorded report %s", what, rel);
		xmlDocPtr svrl = NULL;
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_status st = cdaimg_rules_check(r, (xmlNodePtr)doc, &svrl, d);
		assert_non_null(svrl);
		char *got = events(svrl), *want = events(recorded);
		compare_events(what, got, want);
		/* the verdict and the diagnostics go with the report */
		const row *v = table_find(verdicts, name, check_names[c]);
		assert_non_null(v);
		size_t failed = (size_t)atoi(v->cols[3]);
		assert_int_equal(st, failed ? CDAIMG_ENONCONFORMANT : CDAIMG_OK);
		assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), failed);
		pass &= failed == 0;
		free(got);
		free(want);
		cdaimg_diags_free(d);
		xmlFreeDoc(svrl);
		xmlFreeDoc(recorded);
	}
	return pass;
}

static void official__same_reports_and_verdicts(void **state)
{
	table docs, verdicts;
	table_load(&docs, OFFICIAL "/documents.tsv");
	table_load(&verdicts, OFFICIAL "/verdicts.tsv");
	char err[512];
	mutate_manifest *m = mutate_manifest_load(tu_src(MUTATE_MANIFEST), err, sizeof err);
	if (!m)
		fail_msg("%s", err);
	/* under valgrind one document in seven (the plain and sanitizer runs take them all) */
	size_t step = UNDER_VALGRIND() ? 7 : 1, checked = 0, rejected = 0;
	for (size_t i = 1; i < docs.n; i += step) {
		const char *name = docs.rows[i].cols[0];
		xmlDocPtr doc = document(&docs.rows[i], m);
		bool rules_pass = same_reports(name, doc, &verdicts);
		/* the whole verdict: the schema and the rule sets chosen from the document */
		const row *v = table_find(&verdicts, name, "volume");
		bool official_pass = !strcmp(v->cols[2], "yes") && rules_pass;
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_status st = cdaimg_conformance_check(tu_conformance(), (xmlNodePtr)doc, NULL, d);
		if (st != (official_pass ? CDAIMG_OK : CDAIMG_ENONCONFORMANT)) {
			tu_print_diags(d);
			fail_msg("%s: the verdict is %s, the official one %s", name, cdaimg_status_name(st),
			         official_pass ? "valid" : "not valid");
		}
		rejected += !official_pass;
		checked++;
		cdaimg_diags_free(d);
		xmlFreeDoc(doc);
	}
	/* every document, most of them rejected */
	if (step == 1) {
		assert_int_equal(checked, docs.n - 1);
		assert_true(checked >= 89);
		assert_true(rejected >= 72);
	}
	mutate_manifest_free(m);
	table_free(&docs);
	table_free(&verdicts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(official__same_reports_and_verdicts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
