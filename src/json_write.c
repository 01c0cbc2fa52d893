/* SPDX-License-Identifier: MIT */
/* json_write.c - the values and a header written in the JSON form, walking
 * the same tables as the reader (json_model.h): reading the text gives the
 * same values back. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json_model.h"

/*
 * The text is written as the tables are walked, into one buffer: no tree of
 * jansson's (building it, dumping it and freeing it took 60 % of `cdaimg
 * extract`). The format is what jansson's json_dumpb writes with
 * JSON_INDENT(2) or JSON_COMPACT, byte for byte (test_json checks it: a text
 * read by jansson and dumped again is the same text): members in table
 * order, "key": value, two spaces per level, control characters escaped as
 * jansson does.
 */
typedef struct jwriter {
	diag_ctx dc;
	strbuf b;
	size_t indent; /* spaces per level; 0: compact */
} jwriter;

/* A new line at @p depth (nothing when compact). */
static void w_line(jwriter *w, size_t depth)
{
	static const char spaces[] = "                                                                ";
	if (!w->indent)
		return;
	sb_addc(&w->b, '\n');
	for (size_t n = depth * w->indent; n;) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		sb_addn(&w->b, spaces, k);
		n -= k;
	}
}

/* @p s as a JSON string, escaped as jansson escapes (UTF-8 kept as it is). */
static void w_string(jwriter *w, const char *s)
{
	sb_addc(&w->b, '"');
	const char *run = s;
	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		unsigned char c = *p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_addn(&w->b, run, (size_t)((const char *)p - run));
		if (!c)
			break;
		char esc[8];
		switch (c) {
		case '"': sb_add(&w->b, "\\\""); break;
		case '\\': sb_add(&w->b, "\\\\"); break;
		case '\b': sb_add(&w->b, "\\b"); break;
		case '\f': sb_add(&w->b, "\\f"); break;
		case '\n': sb_add(&w->b, "\\n"); break;
		case '\r': sb_add(&w->b, "\\r"); break;
		case '\t': sb_add(&w->b, "\\t"); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", c);
			sb_add(&w->b, esc);
		}
		run = (const char *)p + 1;
	}
	sb_addc(&w->b, '"');
}

/* Where a member's text starts, to take it back when it turns out empty. */
typedef struct w_mark {
	size_t len;
	bool first;
} w_mark;

static w_mark w_keep(const jwriter *w, bool first) { return (w_mark){w->b.len, first}; }

static void w_back(jwriter *w, w_mark m, bool *first)
{
	if (!w->b.failed && w->b.s) {
		w->b.len = m.len;
		w->b.s[m.len] = '\0';
	}
	*first = m.first;
}

/* The start of a member of an object at @p depth: separator, line, "key": */
static void w_key(jwriter *w, bool *first, size_t depth, const char *key)
{
	if (!*first)
		sb_addc(&w->b, ',');
	*first = false;
	w_line(w, depth + 1);
	w_string(w, key);
	sb_add(&w->b, w->indent ? ": " : ":");
}

static bool w_object(jwriter *w, const otype *t, const void *src, bool top, size_t depth);

static void w_str(jwriter *w, bool *first, size_t depth, const char *key, const char *s)
{
	size_t off;
	if (!s)
		return;
	/* JSON escapes control characters; only broken UTF-8 cannot be written */
	const char *why = text_problem(s, &off);
	if (why && !strncmp(why, "invalid UTF-8", 13)) {
		dc_err(&w->dc, CDAIMG_D_TEXT, key, "not UTF-8 text (byte %zu); left out", off);
		return;
	}
	w_key(w, first, depth, key);
	w_string(w, s);
}

/* An array of @p n objects of @p t at @p items, at @p depth. */
static void w_array(jwriter *w, const otype *t, const char *items, size_t n, size_t depth)
{
	sb_addc(&w->b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(&w->b, ',');
		w_line(w, depth + 1);
		w_object(w, t, items + i * t->size, false, depth + 1);
	}
	if (n)
		w_line(w, depth);
	sb_addc(&w->b, ']');
}

/* Member @p m of @p src; nothing for what the values leave out (a NULL
 * string, an object with no member, an empty list, no frame count). */
static void w_member(jwriter *w, bool *first, size_t depth, const otype *t, const member *m, const void *src,
                     bool top)
{
	const void *at = field(src, m->off);
	switch (m->kind) {
	case M_STR: {
		const char *s;
		memcpy(&s, at, sizeof s);
		w_str(w, first, depth, m->name, s);
		break;
	}
	case M_RTYPE:
		if (top) /* an item of the values, not a series inside a study */
			w_str(w, first, depth, m->name, t->name);
		break;
	case M_OBJ: {
		w_mark mark = w_keep(w, *first);
		w_key(w, first, depth, m->name);
		if (!w_object(w, m->type, at, false, depth + 1))
			w_back(w, mark, first);
		break;
	}
	case M_ARRAY:
	case M_SOME: {
		const char *items;
		size_t n;
		memcpy(&items, at, sizeof items);
		memcpy(&n, field(src, m->off2), sizeof n);
		if (!items || !n)
			break;
		w_key(w, first, depth, m->name);
		/* one object, or an array (INPUT.md) */
		if (m->kind == M_SOME && n == 1)
			w_object(w, m->type, items, false, depth + 1);
		else
			w_array(w, m->type, items, n, depth + 1);
		break;
	}
	case M_FRAMES: {
		int has;
		int64_t n;
		memcpy(&has, at, sizeof has);
		memcpy(&n, field(src, m->off2), sizeof n);
		if (has) {
			w_key(w, first, depth, m->name);
			sb_addf(&w->b, "%" PRId64, n);
		}
		break;
	}
	}
}

/* @p src, of type @p t, as an object at @p depth; @p top: an item of the
 * values. Returns whether it has a member. */
static bool w_object(jwriter *w, const otype *t, const void *src, bool top, size_t depth)
{
	bool first = true;
	member m;
	sb_addc(&w->b, '{');
	for (size_t i = 0; member_at(t, i, &m); i++)
		w_member(w, &first, depth, t, &m, src, top);
	if (!first)
		w_line(w, depth);
	sb_addc(&w->b, '}');
	return !first;
}

static void w_item(jwriter *w, const cdaimg_item *it, size_t depth)
{
	if (it->kind == CDAIMG_ITEM_STUDY)
		w_object(w, &t_study, it->study, true, depth);
	else
		w_object(w, &t_series, it->series, true, depth);
}

static jwriter w_start(cdaimg_diags *diags, const cdaimg_json_options *opts)
{
	return (jwriter){.dc = {.diags = diags}, .indent = opts && opts->compact ? 0 : 2};
}

/* The text written, with a final newline, into *out; or what went wrong. */
static cdaimg_status w_finish(jwriter *w, char **out)
{
	if (w->dc.errors) {
		sb_free(&w->b);
		return CDAIMG_EINVALID;
	}
	sb_addc(&w->b, '\n');
	char *text = sb_take(&w->b);
	if (!text) {
		dc_err(&w->dc, CDAIMG_D_NOMEM, "", "out of memory while writing JSON");
		return CDAIMG_ENOMEM;
	}
	*out = text;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_json_write(char **out, const cdaimg_values *values, const cdaimg_json_options *opts,
                               cdaimg_diags *diags)
{
	jwriter w = w_start(diags, opts);
	CD_ARG(&w.dc, out);
	*out = NULL;
	CD_ARG(&w.dc, values);
	size_t n = cdaimg_values_count(values);
	if (n == 1 && !(opts && opts->array)) {
		w_item(&w, cdaimg_values_get(values, 0), 0);
	} else {
		sb_addc(&w.b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				sb_addc(&w.b, ',');
			w_line(&w, 1);
			w_item(&w, cdaimg_values_get(values, i), 1);
		}
		if (n)
			w_line(&w, 0);
		sb_addc(&w.b, ']');
	}
	return w_finish(&w, out);
}

cdaimg_status cdaimg_json_write_header(char **out, const cdaimg_document_header *header,
                                       const cdaimg_json_options *opts, cdaimg_diags *diags)
{
	jwriter w = w_start(diags, opts);
	CD_ARG(&w.dc, out);
	*out = NULL;
	CD_ARG(&w.dc, header);
	w_object(&w, &t_header, header, false, 0);
	return w_finish(&w, out);
}
