/* SPDX-License-Identifier: MIT */
/* json_write.c - the values and a header written in the JSON form, walking
 * the same tables as the reader (json_model.h): reading the text gives the
 * same values back. */
#include <string.h>

#include <jansson.h>

#include "json_model.h"

typedef struct jwriter {
	diag_ctx dc;
	bool failed; /* out of memory */
} jwriter;

static json_t *w_new(jwriter *w, json_t *v)
{
	if (!v)
		w->failed = true;
	return v;
}

/* Set obj[key] = v (v is consumed; NULL v marks the failure). */
static void w_set(jwriter *w, json_t *obj, const char *key, json_t *v)
{
	if (!v || !obj || json_object_set_new(obj, key, v) != 0) {
		w->failed = true;
		if (!obj)
			json_decref(v);
	}
}

static void w_append(jwriter *w, json_t *arr, json_t *v)
{
	if (!v || !arr || json_array_append_new(arr, v) != 0) {
		w->failed = true;
		if (!arr)
			json_decref(v);
	}
}

static void w_str(jwriter *w, json_t *obj, const char *key, const char *s)
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
	w_set(w, obj, key, json_string(s));
}

static json_t *w_object(jwriter *w, const otype *t, const void *src, bool top);

/* An array of @p n objects of @p t at @p items. */
static json_t *w_array(jwriter *w, const otype *t, const char *items, size_t n)
{
	json_t *a = w_new(w, json_array());
	for (size_t i = 0; i < n; i++)
		w_append(w, a, w_object(w, t, items + i * t->size, false));
	return a;
}

/* Member @p m of @p src into @p obj; nothing for what the values leave out
 * (a NULL string, an object with no member, an empty list, no frame count). */
static void w_member(jwriter *w, json_t *obj, const otype *t, const member *m, const void *src, bool top)
{
	const void *at = field(src, m->off);
	switch (m->kind) {
	case M_STR: {
		const char *s;
		memcpy(&s, at, sizeof s);
		w_str(w, obj, m->name, s);
		break;
	}
	case M_RTYPE:
		if (top) /* an item of the values, not a series inside a study */
			w_str(w, obj, m->name, t->name);
		break;
	case M_OBJ: {
		json_t *o = w_object(w, m->type, at, false);
		if (o && !json_object_size(o))
			json_decref(o);
		else
			w_set(w, obj, m->name, o);
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
		/* one object, or an array (INPUT.md) */
		if (m->kind == M_SOME && n == 1)
			w_set(w, obj, m->name, w_object(w, m->type, items, false));
		else
			w_set(w, obj, m->name, w_array(w, m->type, items, n));
		break;
	}
	case M_FRAMES: {
		int has;
		int64_t n;
		memcpy(&has, at, sizeof has);
		memcpy(&n, field(src, m->off2), sizeof n);
		if (has)
			w_set(w, obj, m->name, json_integer((json_int_t)n));
		break;
	}
	}
}

/* @p src, of type @p t, as an object; @p top: an item of the values. */
static json_t *w_object(jwriter *w, const otype *t, const void *src, bool top)
{
	json_t *o = w_new(w, json_object());
	member m;
	for (size_t i = 0; o && member_at(t, i, &m); i++)
		w_member(w, o, t, &m, src, top);
	return o;
}

static json_t *w_item(jwriter *w, const cdaimg_item *it)
{
	return it->kind == CDAIMG_ITEM_STUDY ? w_object(w, &t_study, it->study, true)
	                                     : w_object(w, &t_series, it->series, true);
}

/* Serialize into our allocator's memory, with a final newline. */
static char *w_dump(const json_t *root, const cdaimg_json_options *opts)
{
	size_t jflags = opts && opts->compact ? JSON_COMPACT : JSON_INDENT(2);
	size_t n = json_dumpb(root, NULL, 0, jflags);
	char *buf = n ? cd_malloc(n + 2) : NULL;
	if (buf && json_dumpb(root, buf, n, jflags) != n) {
		cd_free(buf);
		return NULL;
	}
	if (buf) {
		buf[n] = '\n';
		buf[n + 1] = '\0';
	}
	return buf;
}

/* The text of @p root (consumed) into *out, or what went wrong. */
static cdaimg_status w_finish(jwriter *w, json_t *root, const cdaimg_json_options *opts, char **out)
{
	if (w->dc.errors) {
		json_decref(root);
		return CDAIMG_EINVALID;
	}
	char *text = w->failed || !root ? NULL : w_dump(root, opts);
	json_decref(root);
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
	jwriter w = {{.diags = diags}, false};
	CD_ARG(&w.dc, out);
	*out = NULL;
	CD_ARG(&w.dc, values);
	size_t n = cdaimg_values_count(values);
	json_t *root;
	if (n == 1 && !(opts && opts->array)) {
		root = w_item(&w, cdaimg_values_get(values, 0));
	} else {
		root = w_new(&w, json_array());
		for (size_t i = 0; i < n; i++)
			w_append(&w, root, w_item(&w, cdaimg_values_get(values, i)));
	}
	return w_finish(&w, root, opts, out);
}

cdaimg_status cdaimg_json_write_header(char **out, const cdaimg_document_header *header,
                                       const cdaimg_json_options *opts, cdaimg_diags *diags)
{
	jwriter w = {{.diags = diags}, false};
	CD_ARG(&w.dc, out);
	*out = NULL;
	CD_ARG(&w.dc, header);
	return w_finish(&w, w_object(&w, &t_header, header, false), opts, out);
}
