/* SPDX-License-Identifier: MIT */
/* test_json_items.c - the JSON form read one item at a time (cdaimg_json_items_*):
 * the same values and diagnostics as cdaimg_json_read, whatever the chunks the
 * bytes come in; errors between items, inside them, of the source; the cap on
 * an item; and memory that does not grow with the array. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_model.h"
#include "oom.h"
#include "testutil.h"

/* A text handed out @p chunk bytes at a time; reading fails once past @p fail_at. */
typedef struct source {
	const char *text;
	size_t len, pos, chunk, fail_at;
	size_t calls;
} source;

static int source_read(void *payload, char *buf, size_t size, size_t *got)
{
	source *s = payload;
	s->calls++;
	if (s->pos >= s->fail_at)
		return -1;
	size_t n = s->len - s->pos;
	if (n > size)
		n = size;
	if (n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->text + s->pos, n);
	s->pos += n;
	*got = n;
	return 0;
}

static source src_of(const char *text, size_t chunk)
{
	return (source){text, strlen(text), 0, chunk, (size_t)-1, 0};
}

static const char series_a[] =
	"{\"resourceType\": \"FrSerieImagerie\",\n"
	" \"uuidSerie\": [{\"system\": \"urn:dicom:uid\", \"value\": \"urn:oid:1.2.250.1.999.1.2.3.1\"}],\n"
	" \"description\": {\"status\": \"generated\", \"div\": \"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">"
	"a \\\"quoted ] } [ { text</div>\"},\n"
	" \"date\": \"2024-03-12T10:31:05+01:00\"}";
static const char study_b[] =
	"{\"resourceType\": \"FrExamenImagerie\", \"uuidInstanceExamen\": [{\"value\": \"urn:oid:1.2.3\"}],\n"
	" \"serieImagerie\": [{\"resourceType\": \"FrSerieImagerie\", \"date\": \"2024\"}]}";

/* Every item of @p s written compact, as a JSON array without its closing bracket;
 * the first status not CDAIMG_OK into *end, the diagnostics into @p d. */
static char *read_all(source *s, const cdaimg_json_options *opts, cdaimg_diags *d, cdaimg_status *end,
                      size_t *n_items)
{
	cdaimg_json_items *it = NULL;
	assert_int_equal(cdaimg_json_items_open(&it, source_read, s, opts, d), CDAIMG_OK);
	assert_int_equal(cdaimg_json_items_array(it), 0);
	strbuf out = {0};
	*n_items = 0;
	cdaimg_status st, worst = CDAIMG_OK;
	for (;;) {
		cdaimg_values *one = (cdaimg_values *)(uintptr_t)1;
		st = cdaimg_json_items_next(it, &one, d);
		if (st == CDAIMG_EINVALID && !cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR))
			fail_msg("EINVALID without an error");
		if (st != CDAIMG_OK) {
			assert_null(one);
			worst = worst == CDAIMG_OK ? st : worst;
			if (st == CDAIMG_EINVALID)
				continue; /* the next call goes on, or gives the end */
			break;
		}
		if (!one)
			break;
		assert_int_equal(cdaimg_values_count(one), 1);
		char *w = NULL;
		assert_int_equal(cdaimg_json_write(&w, one, &(cdaimg_json_options){.compact = 1}, NULL), CDAIMG_OK);
		sb_addc(&out, *n_items ? ',' : '[');
		sb_addn(&out, w, strlen(w) - 1); /* without its newline */
		cdaimg_free(w);
		cdaimg_values_free(one);
		(*n_items)++;
	}
	/* the end is final: the same status again, nothing more said */
	size_t said = cdaimg_diags_count(d);
	cdaimg_values *again = NULL;
	assert_int_equal(cdaimg_json_items_next(it, &again, d), st);
	assert_null(again);
	assert_int_equal(cdaimg_diags_count(d), said);
	cdaimg_json_items_close(it);
	*end = worst;
	if (!out.s)
		sb_add(&out, "");
	return out.s;
}

/* The items of cdaimg_json_read, written as read_all writes them: a compact
 * array without its closing bracket. */
static char *read_whole(const char *text)
{
	cdaimg_values *v = NULL;
	assert_int_equal(cdaimg_json_read(&v, text, strlen(text), NULL, NULL), CDAIMG_OK);
	char *w = NULL;
	assert_int_equal(cdaimg_json_write(&w, v, &(cdaimg_json_options){.array = 1, .compact = 1}, NULL), CDAIMG_OK);
	assert_string_equal(w + strlen(w) - 2, "]\n");
	strbuf out = {0};
	sb_addn(&out, w, strlen(w) - 2);
	cdaimg_free(w);
	cdaimg_values_free(v);
	return out.s;
}

/* The items, whatever the chunks (one byte, seven, 64 KB), are what reading
 * the whole text gives: strings holding brackets and escaped quotes do not
 * end an item. A byte order mark and blank lines before the array are fine. */
static void items__the_chunks_do_not_change_the_items(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof text, "\xEF\xBB\xBF\n  [ %s ,\n%s,%s ]\n\n", series_a, study_b, series_a);
	char *want = read_whole(text);
	const size_t chunks[] = {1, 7, 65536};
	for (size_t i = 0; i < 3; i++) {
		source s = src_of(text, chunks[i]);
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_status end;
		size_t n;
		char *got = read_all(&s, NULL, d, &end, &n);
		assert_int_equal(end, CDAIMG_OK);
		assert_int_equal(n, 3);
		assert_int_equal(cdaimg_diags_count(d), 0);
		assert_string_equal(got, want);
		cd_free(got);
		cdaimg_diags_free(d);
	}
	cd_free(want);
}

/* A text that is not an array is read whole, as cdaimg_json_read reads it: one
 * item under "$", and the same words for what is wrong. */
static void items__an_object_is_the_one_item(void **state)
{
	(void)state;
	source s = src_of(series_a, 5);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status end;
	size_t n;
	char *got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_OK);
	assert_int_equal(n, 1);
	cd_free(got);
	/* a wrong type: the path has no index */
	const char *bad = "\n{\"resourceType\": \"FrSerieImagerie\", \"date\": 3}";
	s = src_of(bad, 3);
	got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_EINVALID);
	assert_int_equal(n, 0);
	assert_diag(d, CDAIMG_D_JSON, "$.date");
	cd_free(got);
	cdaimg_diags_clear(d);
	/* empty: the same verdict */
	s = src_of("  \n", 1);
	got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_EPARSE);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_string_equal(cdaimg_diags_get(d, 0)->message, "empty input");
	cd_free(got);
	cdaimg_diags_free(d);
}

/* An item that is not the model's form is reported under its index, and the
 * reading goes on to the next. */
static void items__a_bad_item_is_reported_and_the_next_read(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof text, "[%s, 42, {\"resourceType\": \"FrSerieImagerie\", \"dtae\": \"2024\"}, %s]",
	         series_a, study_b);
	source s = src_of(text, 11);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status end;
	size_t n;
	char *got = read_all(&s, &(cdaimg_json_options){.strict_members = 1}, d, &end, &n);
	assert_int_equal(end, CDAIMG_EINVALID);
	assert_int_equal(n, 2);
	assert_int_equal(cdaimg_diags_count(d), 2);
	assert_string_equal(cdaimg_diags_get(d, 0)->path, "$[1]");
	assert_string_equal(cdaimg_diags_get(d, 1)->path, "$[2].dtae");
	assert_int_equal(cdaimg_diags_get(d, 1)->code, CDAIMG_D_UNKNOWN_MEMBER);
	cd_free(got);
	cdaimg_diags_clear(d);
	s = src_of("[ ]", 1);
	got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_EINVALID);
	assert_int_equal(n, 0);
	assert_diag(d, CDAIMG_D_REQUIRED, "$");
	assert_string_equal(cdaimg_diags_get(d, 0)->message, "the array is empty: nothing to read");
	cd_free(got);
	cdaimg_diags_clear(d);
	/* an empty array with something after it: that is said too; read whole, only that */
	s = src_of("[\n  ]{", 1);
	got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(cdaimg_diags_count(d), 2);
	assert_string_equal(cdaimg_diags_get(d, 1)->message, "end of file expected near '{'");
	cd_free(got);
	cdaimg_diags_clear(d);
	cdaimg_values *v = NULL;
	assert_int_equal(cdaimg_json_read(&v, "[\n  ]{", 6, NULL, d), CDAIMG_EPARSE);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_int_equal(cdaimg_diags_get(d, 0)->line, 2);
	cdaimg_diags_free(d);
}

/* Syntax errors between items and inside one end the reading, at their line
 * and column in the whole text; the items before them were given. */
static void items__syntax_errors_at_their_place(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t items;
		long line, column;
		const char *message;
	} cases[] = {
		{"[{\"resourceType\": \"FrSerieImagerie\"}\n {\"resourceType\": \"FrSerieImagerie\"}]", 1, 2, 2,
		 "']' expected near '{'"},
		{"[{\"resourceType\": \"FrSerieImagerie\"},\n]", 1, 2, 1, "unexpected token near ']'"},
		{"[{\"resourceType\": \"FrSerieImagerie\"}] x", 1, 1, 39, "end of file expected near 'x'"},
		{"[{\"resourceType\": \"FrSerieImagerie\"},\n", 1, 2, 0, "']' expected near end of file"},
		{"[", 0, 1, 1, "']' expected near end of file"},
		{"[{\"resourceType\": \"FrSerieImagerie\"},\n\n  {\"resourceType\": \"FrSerieImagerie\", \"date\": }]", 1, 3,
		 0, NULL},
		{"[{\"resourceType\": \"FrSerieImagerie\",\n \"date\": \"2024\"", 0, 2, 0, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		source s = src_of(cases[i].text, 3);
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_status end;
		size_t n;
		char *got = read_all(&s, NULL, d, &end, &n);
		if (end != CDAIMG_EPARSE || cdaimg_diags_count(d) != 1) {
			tu_print_diags(d);
			fail_msg("case %zu: %s", i, cdaimg_status_name(end));
		}
		const cdaimg_diag *g = cdaimg_diags_get(d, 0);
		assert_int_equal(n, cases[i].items);
		assert_int_equal(g->code, CDAIMG_D_JSON);
		assert_int_equal(g->line, cases[i].line);
		if (cases[i].message) {
			assert_int_equal(g->column, cases[i].column);
			assert_string_equal(g->message, cases[i].message);
		}
		/* jansson's words and place for the whole text */
		json_error_t err;
		assert_null(json_loads(cases[i].text, JSON_REJECT_DUPLICATES, &err));
		if (g->line != err.line || g->column != err.column || strcmp(g->message, err.text))
			fail_msg("case %zu: %ld:%ld %s; jansson: %d:%d %s", i, g->line, g->column, g->message, err.line,
			         err.column, err.text);
		cd_free(got);
		cdaimg_diags_free(d);
	}
}

/* An item nested as deep as jansson allows is over its limit in the whole
 * array: refused as the whole text is, at the same place; one level less
 * is read. */
static void items__nesting_as_deep_as_the_whole_text_allows(void **state)
{
	(void)state;
	for (size_t levels = 2047; levels <= 2048; levels++) {
		char *text = malloc(2 * levels + 8);
		size_t k = 0;
		text[k++] = '[';
		text[k++] = ' ';
		for (size_t i = 0; i < levels; i++)
			text[k++] = '[';
		for (size_t i = 0; i < levels; i++)
			text[k++] = ']';
		text[k++] = ']';
		text[k] = '\0';
		json_error_t err;
		json_t *whole = json_loads(text, 0, &err);
		source s = src_of(text, 100);
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_status end;
		size_t n;
		char *got = read_all(&s, NULL, d, &end, &n);
		if (whole) {
			assert_int_equal(levels, 2047);
			assert_int_equal(end, CDAIMG_EINVALID); /* an array is not an object of the model */
			assert_diag(d, CDAIMG_D_JSON, "$[0]");
		} else {
			assert_int_equal(levels, 2048);
			assert_int_equal(end, CDAIMG_EPARSE);
			assert_int_equal(cdaimg_diags_count(d), 1);
			const cdaimg_diag *g = cdaimg_diags_get(d, 0);
			assert_string_equal(g->message, err.text);
			assert_int_equal(g->line, err.line);
			assert_int_equal(g->column, err.column);
		}
		json_decref(whole);
		cd_free(got);
		cdaimg_diags_free(d);
		free(text);
	}
}

/* A failed read ends the reading with CDAIMG_EIO, the items before it given. */
static void items__a_failed_read_is_eio(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof text, "[%s,%s,%s]", series_a, series_a, series_a);
	source s = src_of(text, 16);
	s.fail_at = strlen(series_a) * 3 / 2;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status end;
	size_t n;
	char *got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_EIO);
	assert_int_equal(n, 1);
	assert_int_equal(cdaimg_diags_count(d), 0);
	cd_free(got);
	cdaimg_diags_free(d);
}

/* An item over the cap (1 GiB; lowered here) is refused unread, and ends the
 * reading; the items before it are given. So is a text, not an array, over it. */
static void items__an_item_over_the_cap_is_refused(void **state)
{
	(void)state;
	size_t saved = json_item_max;
	json_item_max = strlen(series_a) + 10;
	char text[4096];
	snprintf(text, sizeof text, "[%s, %s, {\"resourceType\": \"FrSerieImagerie\", \"date\": \"%0500d\"}, %s]",
	         series_a, series_a, 0, series_a);
	source s = src_of(text, 100);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status end;
	size_t n;
	char *got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_EINVALID);
	assert_int_equal(n, 2);
	assert_diag(d, CDAIMG_D_RANGE, "$[2]");
	assert_true(s.pos < strlen(text)); /* not read to the end */
	cd_free(got);
	cdaimg_diags_clear(d);
	json_item_max = 20;
	s = src_of(series_a, 100);
	got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_RANGE, "$");
	cd_free(got);
	cdaimg_diags_clear(d);
	/* white space before the array counts too (it is kept while the reader cannot tell) */
	s = src_of("                                        []", 7);
	got = read_all(&s, NULL, d, &end, &n);
	assert_int_equal(end, CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_RANGE, "$");
	cd_free(got);
	cdaimg_diags_free(d);
	json_item_max = saved;
}

/* A source of @p n copies of series_a in an array, made as it is read. */
typedef struct repeat {
	size_t n, done, off; /* items handed out; bytes of the current one */
	bool opened, closed;
} repeat;

static int repeat_read(void *payload, char *buf, size_t size, size_t *got)
{
	repeat *r = payload;
	size_t k = 0, len = strlen(series_a);
	if (!r->opened && k < size) {
		buf[k++] = '[';
		r->opened = true;
	}
	while (k < size && r->done < r->n) {
		if (r->off == 0 && r->done > 0 && k < size)
			buf[k++] = ',';
		size_t m = len - r->off < size - k ? len - r->off : size - k;
		memcpy(buf + k, series_a + r->off, m);
		k += m;
		r->off += m;
		if (r->off == len) {
			r->off = 0;
			r->done++;
		}
	}
	if (r->done == r->n && !r->closed && k < size) {
		buf[k++] = ']';
		r->closed = true;
	}
	*got = k;
	return 0;
}

static long long peak_reading(size_t n)
{
	repeat r = {n, 0, 0, false, false};
	cdaimg_json_items *it = NULL;
	tu_peak_start();
	tu_peak_jansson(true);
	assert_int_equal(cdaimg_json_items_open(&it, repeat_read, &r, NULL, NULL), CDAIMG_OK);
	size_t items = 0;
	cdaimg_values *one;
	cdaimg_status st;
	while ((st = cdaimg_json_items_next(it, &one, NULL)) == CDAIMG_OK && one) {
		items++;
		cdaimg_values_free(one);
	}
	cdaimg_json_items_close(it);
	tu_peak_jansson(false);
	long long peak = tu_peak_end();
	assert_int_equal(st, CDAIMG_OK);
	assert_int_equal(items, n);
	return peak;
}

/* Memory holds one item, not the array: reading 20,000 items peaks at about
 * what reading 500 does (cdaimg's and jansson's allocations counted). */
static void items__memory_does_not_grow_with_the_array(void **state)
{
	(void)state;
	long long small = peak_reading(500), large = peak_reading(20000);
	if (large > small * 3 / 2)
		fail_msg("peak %lld bytes for 20,000 items, %lld for 500", large, small);
	assert_true(small < 1 << 20);
}

/* Out of memory at every allocation: CDAIMG_ENOMEM, nothing leaked, or the
 * items read (an array of three, one with a warning, in chunks of 5 bytes). */
typedef struct oom_arg {
	strbuf out;
} oom_arg;

static cdaimg_status oom_call(void *arg)
{
	oom_arg *a = arg;
	a->out = (strbuf){0};
	char text[4096];
	snprintf(text, sizeof text, "[%s,\n%s, {\"resourceType\": \"FrSerieImagerie\", \"dtae\": \"2024\"}]", series_a,
	         study_b);
	source s = src_of(text, 5);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_json_items *it = NULL;
	cdaimg_status st = d ? cdaimg_json_items_open(&it, source_read, &s, NULL, d) : CDAIMG_ENOMEM;
	cdaimg_values *one = NULL;
	while (st == CDAIMG_OK && (st = cdaimg_json_items_next(it, &one, d)) == CDAIMG_OK && one) {
		char *w = NULL;
		st = cdaimg_json_write(&w, one, &(cdaimg_json_options){.compact = 1}, d);
		if (w)
			sb_add(&a->out, w);
		cdaimg_free(w);
		cdaimg_values_free(one);
	}
	if (st == CDAIMG_OK && cdaimg_diags_count(d) != 1)
		oom_problem("json items: %zu diagnostics, 1 expected", cdaimg_diags_count(d));
	if (st != CDAIMG_OK && st != CDAIMG_ENOMEM)
		oom_problem("json items: %s", cdaimg_status_name(st));
	cdaimg_json_items_close(it);
	cdaimg_diags_free(d);
	return st == CDAIMG_OK && a->out.failed ? CDAIMG_ENOMEM : st;
}

static char *oom_done(void *arg, cdaimg_status st)
{
	oom_arg *a = arg;
	char *text = NULL;
	if (st == CDAIMG_OK && a->out.s) {
		text = malloc(a->out.len + 1);
		assert_non_null(text);
		memcpy(text, a->out.s, a->out.len + 1);
	}
	sb_free(&a->out);
	return text;
}

static void items__out_of_memory_at_every_allocation(void **state)
{
	(void)state;
	oom_arg a;
	const oom_case c = {.name = "cdaimg_json_items", .arg = &a, .call = oom_call, .done = oom_done,
	                    .final = CDAIMG_OK, .max_unseen = 0};
	assert_true(oom_run(&c) > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(items__the_chunks_do_not_change_the_items),
		cmocka_unit_test(items__an_object_is_the_one_item),
		cmocka_unit_test(items__a_bad_item_is_reported_and_the_next_read),
		cmocka_unit_test(items__syntax_errors_at_their_place),
		cmocka_unit_test(items__nesting_as_deep_as_the_whole_text_allows),
		cmocka_unit_test(items__a_failed_read_is_eio),
		cmocka_unit_test(items__an_item_over_the_cap_is_refused),
		cmocka_unit_test(items__memory_does_not_grow_with_the_array),
		cmocka_unit_test(items__out_of_memory_at_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
