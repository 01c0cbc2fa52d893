/* SPDX-License-Identifier: MIT */
/* json.c - the JSON form of the logical model (INPUT.md): its tables
 * (json_model.h), and reading it with jansson. The reader converts structure
 * only; values are checked later by the check stage. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "header.h"
#include "json_model.h"

/* --- object types of the model ------------------------------------------------------------ */

#define STR(s, f) {#f, M_STR, offsetof(s, f), 0, NULL}

static const member identifier_members[] = {
	{"system", M_STR, offsetof(cdaimg_identifier, system), 0, NULL},
	{"value", M_STR, offsetof(cdaimg_identifier, value), 0, NULL},
	{NULL, M_STR, 0, 0, NULL}};
static const otype t_identifier = {"Identifier", sizeof(cdaimg_identifier), identifier_members};

static const member coding_members[] = {
	STR(cdaimg_coding, system), STR(cdaimg_coding, code), STR(cdaimg_coding, display), {NULL, M_STR, 0, 0, NULL}};
static const otype t_coding = {"Coding", sizeof(cdaimg_coding), coding_members};

static const member concept_members[] = {
	{"coding", M_ARRAY, offsetof(cdaimg_concept, codings), offsetof(cdaimg_concept, n_codings), &t_coding},
	STR(cdaimg_concept, text),
	{NULL, M_STR, 0, 0, NULL}};
static const otype t_concept = {"CodeableConcept", sizeof(cdaimg_concept), concept_members};

static const member narrative_members[] = {
	STR(cdaimg_narrative, status), STR(cdaimg_narrative, div), {NULL, M_STR, 0, 0, NULL}};
static const otype t_narrative = {"Narrative", sizeof(cdaimg_narrative), narrative_members};

static const member link_members[] = {
	{"iHEInvokeImage", M_OBJ, offsetof(cdaimg_image_link, kind), 0, &t_concept},
	{"typeMedia", M_OBJ, offsetof(cdaimg_image_link, media_type), 0, &t_concept},
	{"reference", M_STR, offsetof(cdaimg_image_link, reference), 0, NULL},
	{"base", M_STR, offsetof(cdaimg_image_link, base), 0, NULL},
	{NULL, M_STR, 0, 0, NULL}};
static const otype t_link = {"referenceWado", sizeof(cdaimg_image_link), link_members};

static const member instance_members[] = {
	{"uuidSOPInstance", M_ARRAY, offsetof(cdaimg_instance, ids), offsetof(cdaimg_instance, n_ids), &t_identifier},
	{"classeSOP", M_OBJ, offsetof(cdaimg_instance, sop_class), 0, &t_concept},
	{"description", M_OBJ, offsetof(cdaimg_instance, description), 0, &t_narrative},
	{"statut", M_STR, offsetof(cdaimg_instance, status), 0, NULL},
	{"date", M_STR, offsetof(cdaimg_instance, date), 0, NULL},
	{"nombreCadresReferences", M_FRAMES, offsetof(cdaimg_instance, has_frame_count),
	 offsetof(cdaimg_instance, frame_count), NULL},
	{"referenceWado", M_OBJ, offsetof(cdaimg_instance, link), 0, &t_link},
	{NULL, M_STR, 0, 0, NULL}};
static const otype t_instance = {"FrSOPInstance", sizeof(cdaimg_instance), instance_members};

static const member series_members[] = {
	{"resourceType", M_RTYPE, 0, 0, NULL},
	{"uuidSerie", M_ARRAY, offsetof(cdaimg_series, ids), offsetof(cdaimg_series, n_ids), &t_identifier},
	{"code", M_OBJ, offsetof(cdaimg_series, modality), 0, &t_concept},
	{"description", M_OBJ, offsetof(cdaimg_series, description), 0, &t_narrative},
	{"date", M_STR, offsetof(cdaimg_series, date), 0, NULL},
	{"instanceSOP", M_SOME, offsetof(cdaimg_series, instances), offsetof(cdaimg_series, n_instances),
	 &t_instance},
	{"referenceWado", M_OBJ, offsetof(cdaimg_series, link), 0, &t_link},
	{NULL, M_STR, 0, 0, NULL}};
const otype t_series = {"FrSerieImagerie", sizeof(cdaimg_series), series_members};

static const member study_members[] = {
	{"resourceType", M_RTYPE, 0, 0, NULL},
	{"uuidInstanceExamen", M_ARRAY, offsetof(cdaimg_study, ids), offsetof(cdaimg_study, n_ids), &t_identifier},
	{"dateActe", M_STR, offsetof(cdaimg_study, date), 0, NULL},
	{"description", M_OBJ, offsetof(cdaimg_study, description), 0, &t_narrative},
	{"accessionNumber", M_OBJ, offsetof(cdaimg_study, accession), 0, &t_identifier},
	{"serieImagerie", M_SOME, offsetof(cdaimg_study, series), offsetof(cdaimg_study, n_series), &t_series},
	{NULL, M_STR, 0, 0, NULL}};
const otype t_study = {"FrExamenImagerie", sizeof(cdaimg_study), study_members};

/* The header of a document: its members are header.h's fields (json_member). */
const otype t_header = {"the document header", sizeof(cdaimg_document_header), NULL};

bool member_at(const otype *t, size_t i, member *out)
{
	if (t->members) {
		*out = t->members[i];
		return out->name != NULL;
	}
	if (i >= N_HF)
		return false;
	const header_field *f = &header_fields[i];
	*out = (member){f->name, f->kind == HF_CODE ? M_OBJ : f->kind == HF_CODES ? M_ARRAY : M_STR, f->off, f->n_off,
	                f->kind == HF_CODE || f->kind == HF_CODES ? &t_concept : NULL};
	return true;
}

/* --- reading -------------------------------------------------------------------------------- */

typedef struct jreader {
	arena *a;
	diag_ctx dc;
	bool strict;
	char path[512]; /* JSON path of the value being read */
	size_t plen;
} jreader;

static size_t push_text(jreader *r, const char *s)
{
	size_t old = r->plen;
	snprintf(r->path + old, sizeof r->path - old, "%s", s);
	r->plen = strlen(r->path);
	return old;
}

static bool plain_key(const char *k)
{
	if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_'))
			return false;
	return true;
}

/* Append ".key" (or ["key"] when the key is not a plain name); returns the old length for pop(). */
static size_t push_key(jreader *r, const char *key)
{
	if (plain_key(key)) {
		char buf[128];
		snprintf(buf, sizeof buf, ".%.100s", key);
		return push_text(r, buf);
	}
	strbuf b = {0};
	sb_addc(&b, '[');
	sb_add_quoted(&b, key);
	sb_addc(&b, ']');
	size_t old = push_text(r, b.failed ? "[?]" : b.s);
	sb_free(&b);
	return old;
}

static size_t push_index(jreader *r, size_t i)
{
	char buf[32];
	snprintf(buf, sizeof buf, "[%zu]", i);
	return push_text(r, buf);
}

static void pop(jreader *r, size_t old)
{
	r->plen = old;
	r->path[old] = '\0';
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction or exponent";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

static void wrong_type(jreader *r, const json_t *v, const char *expected)
{
	dc_err(&r->dc, CDAIMG_D_JSON, r->path, "expected %s, found %s", expected, type_name(v));
}

static void nomem(jreader *r) { dc_err(&r->dc, CDAIMG_D_NOMEM, "", "out of memory"); }

static void read_object(jreader *r, const json_t *obj, const otype *t, void *dst);

static void read_string(jreader *r, const json_t *v, void *slot)
{
	if (!json_is_string(v)) {
		wrong_type(r, v, "a string");
		return;
	}
	const char *s = arena_strndup(r->a, json_string_value(v), json_string_length(v));
	if (!s)
		nomem(r);
	memcpy(slot, &s, sizeof s);
}

static void read_rtype(jreader *r, const json_t *v, const otype *t)
{
	if (!json_is_string(v))
		wrong_type(r, v, "a string");
	else if (strcmp(json_string_value(v), t->name) != 0)
		dc_err(&r->dc, CDAIMG_D_JSON, r->path, "expected \"%s\" here, found \"%.40s\"", t->name,
		       json_string_value(v));
}

/* An array of t (or, when @p one_ok, a single t): items in the arena, pointer and count in dst. */
static void read_array(jreader *r, const json_t *v, const member *m, bool one_ok, void *dst)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	if (!json_is_array(v) && !(one_ok && json_is_object(v))) {
		wrong_type(r, v, one_ok ? "an object or an array" : "an array");
		return;
	}
	char *items = n ? arena_alloc(r->a, n * m->type->size) : NULL;
	if (n && !items) {
		nomem(r);
		return;
	}
	if (!json_is_array(v)) {
		read_object(r, v, m->type, items);
	} else {
		for (size_t i = 0; i < n; i++) {
			size_t old = push_index(r, i);
			read_object(r, json_array_get(v, i), m->type, items + i * m->type->size);
			pop(r, old);
		}
	}
	const void *p = items;
	memcpy(field(dst, m->off), &p, sizeof p);
	memcpy(field(dst, m->off2), &n, sizeof n);
}

static void read_frames(jreader *r, const json_t *v, const member *m, void *dst)
{
	if (!json_is_integer(v)) {
		wrong_type(r, v, "an integer");
		return;
	}
	int has = 1;
	int64_t n = (int64_t)json_integer_value(v);
	memcpy(field(dst, m->off), &has, sizeof has);
	memcpy(field(dst, m->off2), &n, sizeof n);
}

static void read_member(jreader *r, const member *m, const otype *t, const json_t *v, void *dst)
{
	switch (m->kind) {
	case M_STR:
		read_string(r, v, field(dst, m->off));
		break;
	case M_RTYPE:
		read_rtype(r, v, t);
		break;
	case M_OBJ:
		read_object(r, v, m->type, field(dst, m->off));
		break;
	case M_ARRAY:
	case M_SOME:
		read_array(r, v, m, m->kind == M_SOME, dst);
		break;
	case M_FRAMES:
		read_frames(r, v, m, dst);
		break;
	}
}

/* Edit distance between @p a and @p b (insertions, deletions, substitutions
 * and swaps of two neighbours), or more than @p max when larger. */
static size_t distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 48 || lb > 48 || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	size_t d[49][49];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The member of @p t that @p key most likely misspells (at most two edits,
 * fewer than a third of its length), or NULL. */
static const char *closest_member(const otype *t, const char *key)
{
	const char *best = NULL;
	size_t best_d = 3;
	member m;
	for (size_t i = 0; member_at(t, i, &m); i++) {
		size_t max = strlen(m.name) / 3 < 2 ? strlen(m.name) / 3 : 2;
		size_t d = distance(key, m.name, max);
		if (d <= max && d < best_d) {
			best = m.name;
			best_d = d;
		}
	}
	return best;
}

static void unknown_member(jreader *r, const otype *t, const char *key)
{
	const char *near = closest_member(t, key);
	dc_add(&r->dc, r->strict ? CDAIMG_SEV_ERROR : CDAIMG_SEV_WARNING, CDAIMG_D_UNKNOWN_MEMBER, r->path, 0, NULL,
	       "%s has no such member%s%s%s%s", t->name, near ? " (did you mean \"" : "", near ? near : "",
	       near ? "\"?)" : "", r->strict ? "" : "; ignored");
}

static void read_object(jreader *r, const json_t *obj, const otype *t, void *dst)
{
	if (!json_is_object(obj)) {
		char what[64];
		snprintf(what, sizeof what, "an object (%s)", t->name);
		wrong_type(r, obj, what);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		member m;
		size_t i = 0;
		while (member_at(t, i, &m) && strcmp(m.name, key) != 0)
			i++;
		size_t old = push_key(r, key);
		if (!member_at(t, i, &m))
			unknown_member(r, t, key);
		else
			read_member(r, &m, t, v, dst);
		pop(r, old);
	}
}

/* One top-level object: its resourceType says what it is. */
static void read_item(jreader *r, const json_t *v, cdaimg_values *vals)
{
	if (!json_is_object(v)) {
		wrong_type(r, v, "an object (FrSerieImagerie or FrExamenImagerie)");
		return;
	}
	const json_t *rt = json_object_get(v, "resourceType");
	const char *name = json_string_value(rt);
	const otype *t = name && !strcmp(name, t_series.name) ? &t_series
	                 : name && !strcmp(name, t_study.name) ? &t_study
	                                                      : NULL;
	if (!t) {
		size_t old = push_key(r, "resourceType");
		if (!rt)
			dc_err(&r->dc, CDAIMG_D_REQUIRED, r->path, "resourceType is required: FrSerieImagerie or FrExamenImagerie");
		else if (!name)
			wrong_type(r, rt, "a string");
		else
			dc_err(&r->dc, CDAIMG_D_JSON, r->path, "\"%.40s\" is not FrSerieImagerie or FrExamenImagerie", name);
		pop(r, old);
		return;
	}
	void *obj = arena_alloc(r->a, t->size);
	if (!obj) {
		nomem(r);
		return;
	}
	read_object(r, v, t, obj);
	cdaimg_item item = {CDAIMG_ITEM_SERIES, NULL, NULL};
	if (t == &t_series) {
		item.series = obj;
	} else {
		item.kind = CDAIMG_ITEM_STUDY;
		item.study = obj;
	}
	if (!values_push(vals, item))
		nomem(r);
}

cdaimg_status json_syntax_error(diag_ctx *dc, const char *path, const json_error_t *err)
{
#if JANSSON_VERSION_HEX >= 0x020b00
	if (json_error_code(err) == json_error_out_of_memory) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
#endif
	char msg[JSON_ERROR_TEXT_LENGTH + 1];
	snprintf(msg, sizeof msg, "%s", err->text);
	size_t off;
	if (text_problem(msg, &off))
		msg[off] = '\0';
	if (strstr(msg, "JSON_ALLOW_NUL"))
		snprintf(msg, sizeof msg, "a string holds \\u0000, which XML cannot carry");
	const char *what = strstr(msg, "unable to decode byte") ? "not UTF-8: " : "";
	if (err->line > 0)
		dc_err_at(dc, CDAIMG_D_JSON, path, err->line, err->column, "%s%s", what, msg);
	else
		dc_err(dc, CDAIMG_D_JSON, path, "%s%s", what, msg);
	return CDAIMG_EPARSE;
}

static void read_root(jreader *r, const json_t *root, cdaimg_values *vals)
{
	if (!json_is_array(root)) {
		read_item(r, root, vals);
		return;
	}
	if (json_array_size(root) == 0)
		dc_err(&r->dc, CDAIMG_D_REQUIRED, r->path, "the array is empty: nothing to read");
	for (size_t i = 0; i < json_array_size(root); i++) {
		size_t old = push_index(r, i);
		read_item(r, json_array_get(root, i), vals);
		pop(r, old);
	}
}

/* A reader at the top ("$") of the text, reporting to @p diags. */
#define JREADER(list, opts) {NULL, {.diags = (list)}, (opts) && (opts)->strict_members, "$", 1}

/* Parse the text (duplicate keys refused, any value at the top) and hand its
 * top value to @p read, which fills @p dst; the status of both. */
static cdaimg_status read_text(jreader *r, const char *text, size_t len,
                               void (*read)(jreader *, const json_t *, void *), void *dst)
{
	if (text && len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		/* a UTF-8 byte order mark, which some editors write: RFC 8259 lets a reader ignore it */
		text += 3;
		len -= 3;
	}
	if (text_blank(text, len)) {
		dc_err(&r->dc, CDAIMG_D_JSON, "", "empty input");
		return CDAIMG_EPARSE;
	}
	json_error_t err;
	json_t *root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!root)
		return json_syntax_error(&r->dc, "", &err);
	read(r, root, dst);
	json_decref(root);
	return dc_status(&r->dc);
}

static void read_root_into(jreader *r, const json_t *root, void *vals) { read_root(r, root, vals); }

/* --- one item of an array (json_items.c) ------------------------------------------------------ */

cdaimg_status json_read_one(cdaimg_values *vals, const json_t *item, size_t index, const cdaimg_json_options *opts,
                            cdaimg_diags *diags)
{
	jreader r = JREADER(diags, opts);
	r.a = &vals->arena;
	push_index(&r, index);
	read_item(&r, item, vals);
	return dc_status(&r.dc);
}

/* Read the array @p text holds item by item (json_items.c): each parsed,
 * read and freed before the next, where jansson's tree of the whole array
 * is some ten times the text. A syntax error gives CDAIMG_EPARSE without a
 * word, for the caller to read the text whole: jansson then says what it
 * always said, and no value's diagnostic comes before it. */
static cdaimg_status read_array_items(const char *text, size_t len, const cdaimg_json_options *opts,
                                      cdaimg_diags *diags, cdaimg_values *vals)
{
	cdaimg_diags *held = diags ? cdaimg_diags_new() : NULL;
	cdaimg_json_items *it = NULL;
	cdaimg_status st = diags && !held ? CDAIMG_ENOMEM : json_items_open_memory(&it, text, len, opts);
	while (st != CDAIMG_ENOMEM && !json_items_done(it)) {
		bool got;
		cdaimg_status s = json_items_next_into(it, vals, held, &got);
		if (s != CDAIMG_OK)
			st = s;
	}
	json_items_free(it);
	if (st != CDAIMG_EPARSE && st != CDAIMG_ENOMEM && !diags_move(diags, held))
		st = CDAIMG_ENOMEM;
	cdaimg_diags_free(held);
	return st;
}

cdaimg_status cdaimg_json_read(cdaimg_values **out, const char *text, size_t len, const cdaimg_json_options *opts,
                               cdaimg_diags *diags)
{
	jreader r = JREADER(diags, opts);
	CD_ARG(&r.dc, out);
	*out = NULL;
	CD_ARG(&r.dc, text || len == 0);
	cdaimg_values *vals = values_new();
	if (!vals) {
		nomem(&r);
		return CDAIMG_ENOMEM;
	}
	r.a = &vals->arena;
	cdaimg_status st = CDAIMG_EPARSE;
	if (text && json_text_is_array(text, len)) {
		st = read_array_items(text, len, opts, diags, vals);
		if (st == CDAIMG_ENOMEM)
			nomem(&r);
		if (st == CDAIMG_EPARSE) {
			/* not well-formed: read it all again, for jansson's word on it */
			cdaimg_values_free(vals);
			if (!(vals = values_new())) {
				nomem(&r);
				return CDAIMG_ENOMEM;
			}
			r.a = &vals->arena;
		}
	}
	if (st == CDAIMG_EPARSE)
		st = read_text(&r, text, len, read_root_into, vals);
	if (st != CDAIMG_OK)
		cdaimg_values_free(vals);
	else
		*out = vals;
	return st;
}

static void read_header(jreader *r, const json_t *root, void *h) { read_object(r, root, &t_header, h); }

/* --- a deep copy in one block ------------------------------------------------------------ */

/* Places parts in a block: a first run with no block (base NULL) measures it. */
typedef struct packer {
	char *base;
	size_t used;
} packer;

static void *pk_take(packer *p, size_t n, size_t align)
{
	size_t at = (p->used + align - 1) / align * align;
	p->used = at + n;
	return p->base ? p->base + at : NULL;
}

/* Copy the members of @p src (of type @p t) that point elsewhere into the
 * block, as @p dst's (NULL when measuring); @p dst already holds *src. */
static void pk_object(packer *p, const otype *t, const void *src, void *dst)
{
	member mm;
	for (size_t k = 0; member_at(t, k, &mm); k++) {
		const member *m = &mm;
		const void *from = field(src, m->off);
		if (m->kind == M_STR) {
			const char *s;
			memcpy(&s, from, sizeof s);
			char *d = s ? pk_take(p, strlen(s) + 1, 1) : NULL;
			if (d)
				memcpy(d, s, strlen(s) + 1);
			if (dst)
				memcpy(field(dst, m->off), &d, sizeof d);
		} else if (m->kind == M_OBJ) {
			pk_object(p, m->type, from, dst ? field(dst, m->off) : NULL);
		} else if (m->kind == M_ARRAY || m->kind == M_SOME) {
			const char *items;
			size_t n;
			memcpy(&items, from, sizeof items);
			memcpy(&n, field(src, m->off2), sizeof n);
			n = items ? n : 0;
			char *d = n ? pk_take(p, n * m->type->size, _Alignof(max_align_t)) : NULL;
			if (d)
				memcpy(d, items, n * m->type->size);
			for (size_t i = 0; i < n; i++)
				pk_object(p, m->type, items + i * m->type->size, d ? d + i * m->type->size : NULL);
			if (dst) {
				memcpy(field(dst, m->off), &d, sizeof d);
				memcpy(field(dst, m->off2), &n, sizeof n);
			}
		}
	}
}

/* Declared in values.h: the extraction of a header packs its result here too. */
cdaimg_document_header *header_pack(const cdaimg_document_header *h)
{
	packer p = {NULL, 0};
	pk_take(&p, sizeof *h, _Alignof(max_align_t));
	pk_object(&p, &t_header, h, NULL);
	p.base = cd_malloc(p.used);
	if (!p.base)
		return NULL;
	p.used = 0;
	cdaimg_document_header *out = pk_take(&p, sizeof *h, _Alignof(max_align_t));
	*out = *h;
	pk_object(&p, &t_header, h, out);
	return out;
}

cdaimg_status cdaimg_json_read_header(cdaimg_document_header **out, const char *text, size_t len,
                                      const cdaimg_json_options *opts, cdaimg_diags *diags)
{
	jreader r = JREADER(diags, opts);
	r.strict = true; /* a misspelt member would leave its field out: never harmless */
	CD_ARG(&r.dc, out);
	*out = NULL;
	CD_ARG(&r.dc, text || len == 0);
	arena a = {0};
	r.a = &a;
	cdaimg_document_header h = {0};
	cdaimg_status st = read_text(&r, text, len, read_header, &h);
	if (st == CDAIMG_OK && !(*out = header_pack(&h))) {
		nomem(&r);
		st = CDAIMG_ENOMEM;
	}
	arena_release(&a);
	return st;
}

