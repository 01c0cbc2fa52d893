/* SPDX-License-Identifier: MIT */
/*
 * extract_stream.c - extraction while the document is parsed (issue 22): an
 * xmlTextReader walks the document, each Study or Series Act is expanded,
 * read by the same code as the tree's (extract.c, extract_values.c) and
 * freed before the next, so that the document's tree is never whole in
 * memory: one act at a time, besides the values.
 *
 * What the walk cannot know before the end of the document, it does not
 * guess. An element path in a diagnostic needs the count of same-named
 * siblings after the element: the diagnostics are held, their paths made
 * whole at the end (extract_paths.c). A narrative reference may point
 * forward: one to an ID not met yet is taken for a dangling one, and the
 * element that has the ID, if one comes, sends the document to the tree.
 * The cap on repeated text depends on the document's size, known at its
 * end. So the walk answers documents whose references point back to
 * narrative text already read and within the cap, with or without
 * diagnostics, the whole document walked; anything else (a forward
 * reference, a parse error, a DOCTYPE, an entity reference, a path or a
 * line it cannot make) makes the caller read the tree, which says what it
 * always said. A document it answers, the large ones included, is read in
 * memory bounded by one act, besides the values and the diagnostics.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "extract_int.h"

/* --- the IDs met so far ------------------------------------------------------------------------ */

static size_t hash_id(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

/* The slot of @p id (1 + its index in x->ids), or the empty one where it goes. */
static size_t *id_slot(xctx *x, const char *id)
{
	size_t mask = x->cap_id_slots - 1;
	for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask)
		if (!x->id_slots[i] || !strcmp(x->ids[x->id_slots[i] - 1].id, id))
			return &x->id_slots[i];
}

id_entry *x_stream_id(xctx *x, const char *id)
{
	size_t *slot = x->cap_id_slots ? id_slot(x, id) : NULL;
	return slot && *slot ? &x->ids[*slot - 1] : NULL;
}

/* Room for one more ID; false when out of memory (noted). */
static bool ids_room(xctx *x)
{
	if (x->n_ids == x->cap_ids) {
		size_t cap = x->cap_ids ? 2 * x->cap_ids : 64;
		id_entry *e = cd_realloc(x->ids, cap * sizeof *e);
		if (!e) {
			x_nomem(x);
			return false;
		}
		x->ids = e;
		x->cap_ids = cap;
	}
	if (2 * (x->n_ids + 1) > x->cap_id_slots) {
		size_t cap = x->cap_id_slots ? 2 * x->cap_id_slots : 128;
		size_t *t = cd_calloc(cap, sizeof *t), *old = x->id_slots, old_cap = x->cap_id_slots;
		if (!t) {
			x_nomem(x);
			return false;
		}
		x->id_slots = t;
		x->cap_id_slots = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				*id_slot(x, x->ids[old[i] - 1].id) = old[i];
		cd_free(old);
	}
	return true;
}

void x_fall_back(xctx *x, x_fallback why)
{
	if (!x->fallback)
		x->stats.fallback = why;
	x->fallback = true;
}

/* A new entry for @p id (copied), or NULL when out of memory (noted). */
static id_entry *new_id(xctx *x, const char *id)
{
	char *copy = ids_room(x) ? x_dup(x, id) : NULL;
	if (!copy)
		return NULL;
	id_entry *e = &x->ids[x->n_ids];
	*e = (id_entry){copy, NULL, x->n_ids, NULL, 0, false, false, false};
	x->n_ids++;
	*id_slot(x, copy) = x->n_ids;
	return e;
}

id_entry *x_stream_resolve(xctx *x, const char *id)
{
	id_entry *e = x_stream_id(x, id);
	if (!e && (e = new_id(x, id)) != NULL)
		e->unmet = true;
	return e && !e->unmet ? e : NULL;
}

/* The ID of @p n, the first of its name: with its text read now when @p read
 * (the element goes away once the walk is past it), otherwise as a
 * reference the walk cannot answer. */
static void note_id(xctx *x, const xmlNode *n, bool read)
{
	const char *id = x_attr(x, n, "ID");
	if (!id || !*id)
		return;
	id_entry *e = x_stream_id(x, id);
	if (e) {
		/* a reference before it was taken for a dangling one: the tree finds it */
		if (e->unmet)
			x_fall_back(x, X_FB_REFERENCE);
		return;
	}
	if (!(e = new_id(x, id)))
		return;
	if (read) {
		e->div = x_text_div(x, n->children, false);
		e->div_len = e->div ? strlen(e->div) : 0;
		e->read = !x->dc.nomem;
	}
}

/* The IDs of the elements of @p n's subtree (@p n included), read. */
static void note_ids_under(xctx *x, const xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	note_id(x, n, true);
	for (const xmlNode *c = n->children; c && !x->dc.nomem; c = c->next)
		note_ids_under(x, c);
}

/* The bytes of the text and attribute values of @p n's subtree, as the tree's
 * count of the document (extract.c, index_ids) has them. */
static size_t subtree_bytes(const xmlNode *n)
{
	size_t b = 0;
	for (const xmlAttr *a = n->properties; a; a = a->next)
		for (const xmlNode *t = a->children; t; t = t->next)
			if ((t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) && t->content)
				b += strlen((const char *)t->content);
	for (const xmlNode *c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			b += strlen((const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE)
			b += subtree_bytes(c);
	}
	return b;
}

/* --- the walk ---------------------------------------------------------------------------------- */

/* libxml2's unstructured messages (the push parser the reader drives writes
 * "xmlParseChunk: encoder error" so): not to standard error; the tree's
 * parse reports the problem. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* What the reader raised: an error (the tree says which), out of memory. */
typedef struct raised {
	bool error, oom;
} raised;

static void reader_error(void *arg, xmlErrorPtr err)
{
	raised *r = arg;
	r->error = true;
	/* libxml2 2.9 raises a text node over its 10 MB limit as out of memory ("huge text node"),
	 * where the tree's parse says it is too large: an error for the tree to report */
	r->oom = r->oom || (err && err->code == XML_ERR_NO_MEMORY && !(err->message && strstr(err->message, "huge")));
}

/* What the walk is in. */
typedef struct walk {
	int foreign; /* depth of the element in another namespace the walk is in (-1: none) */
	int text;    /* depth of the HL7 text element (a narrative) the walk is in (-1: none) */
	long root_line;
	bool root_is_document;
	bool root_line_later; /* past line 65,535: libxml2 finds it from the root's children, not read yet */
} walk;

/* The element @p n at @p depth; true when its subtree was read whole (the
 * walk goes on after it). */
static bool element(xctx *x, xmlTextReaderPtr rd, walk *w, const xmlNode *n, int depth)
{
	if (depth == 0) {
		w->root_line = xmlGetLineNo(n);
		w->root_line_later = n->line == 65535;
		w->root_is_document = tg_hl7_or_none(n, "ClinicalDocument");
	}
	bool hl7 = tg_hl7_or_none(n, NULL);
	if (w->foreign < 0 && !hl7)
		w->foreign = depth;
	if (w->foreign < 0 && tg_hl7_or_none(n, "act")) {
		const xmlNode *act = xmlTextReaderExpand(rd);
		if (!act) {
			x_fall_back(x, X_FB_PARSE);
			return false;
		}
		if (x_is_act(x, act, ROLE_STUDY) || x_is_act(x, act, ROLE_SERIES)) {
			/* the tree knows every ID before the first act is read: these ones too */
			note_ids_under(x, act);
			x->doc_bytes += subtree_bytes(act);
			x_paths_top(x, act);
			if (x_is_act(x, act, ROLE_STUDY))
				x_add_study(x, act);
			else
				x_add_series(x, act);
			x_paths_top(x, NULL);
			return true;
		}
	}
	if (depth == 1 && w->root_is_document && w->foreign < 0 && tg_hl7_or_none(n, "inFulfillmentOf")) {
		const xmlNode *f = xmlTextReaderExpand(rd);
		if (!f) {
			x_fall_back(x, X_FB_PARSE);
			return false;
		}
		note_ids_under(x, f);
		x->doc_bytes += subtree_bytes(f);
		x_accessions_of(x, f);
		return true;
	}
	for (const xmlAttr *a = n->properties; a; a = a->next)
		for (const xmlNode *t = a->children; t; t = t->next)
			if ((t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) && t->content)
				x->doc_bytes += strlen((const char *)t->content);
	/* a narrative's elements are small: read now; any other element's text could be the document */
	bool narrative = w->text >= 0 && w->foreign < 0;
	if (narrative && tg_attr(n, "ID")) {
		const xmlNode *e = xmlTextReaderExpand(rd);
		if (!e) {
			x_fall_back(x, X_FB_PARSE);
			return false;
		}
		note_id(x, e, true);
	} else {
		note_id(x, n, false);
	}
	if (w->text < 0 && w->foreign < 0 && tg_hl7_or_none(n, "text"))
		w->text = depth;
	return false;
}

/* Walk the document of @p rd into @p x, to its end whatever it reports;
 * false when the tree must be read instead. */
static bool walk_document(xctx *x, xmlTextReaderPtr rd, const raised *failed)
{
	walk w = {-1, -1, 0, false, false};
	int r = xmlTextReaderRead(rd);
	while (r == 1 && !x->fallback && !x->dc.nomem && !failed->error) {
		int type = xmlTextReaderNodeType(rd), depth = xmlTextReaderDepth(rd);
		if (w.foreign >= 0 && depth <= w.foreign && !(type == XML_READER_TYPE_END_ELEMENT && depth == w.foreign))
			w.foreign = -1;
		if (w.text >= 0 && depth <= w.text && !(type == XML_READER_TYPE_END_ELEMENT && depth == w.text))
			w.text = -1;
		if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE) {
			x_fall_back(x, X_FB_DTD);
			break;
		}
		if (type == XML_READER_TYPE_END_ELEMENT)
			x_paths_leave(x, depth);
		bool skip = false;
		if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA || type == XML_READER_TYPE_WHITESPACE ||
		    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			const xmlNode *t = xmlTextReaderCurrentNode(rd);
			if (t && depth > 0 && t->content)
				x->doc_bytes += strlen((const char *)t->content);
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			const xmlNode *n = xmlTextReaderCurrentNode(rd);
			if (!n) {
				x_fall_back(x, X_FB_PARSE);
				break;
			}
			/* the name as the dictionary has it: it outlives the element, for the paths */
			const xmlChar *name = xmlTextReaderConstString(rd, n->name);
			if (!name) {
				x_nomem(x);
				break;
			}
			if (!x_paths_enter(x, name, depth))
				break;
			x->doc = n->doc; /* not xmlTextReaderCurrentDoc, which would keep every node */
			skip = element(x, rd, &w, n, depth);
		}
		r = skip ? xmlTextReaderNext(rd) : xmlTextReaderRead(rd);
	}
	if (r < 0 || failed->error)
		x_fall_back(x, X_FB_PARSE);
	/* the accession numbers' note is at the root's line */
	if (w.root_is_document && w.root_line_later && x->n_acc)
		x_fall_back(x, X_FB_PATH);
	if (!x->fallback && !x->dc.nomem && w.root_is_document)
		x_give_accessions(x, w.root_line);
	/* what references repeated, against the document's size now known (extract.c, referenced_div) */
	if (x->stats.repeated > x->doc_bytes + X_REPEAT_SLACK)
		x_fall_back(x, X_FB_REPEAT);
	return !x->fallback;
}

/* Where the document's bytes come from: memory, or a file descriptor read
 * as the reader asks, each chunk through the attribute guard first. */
typedef struct source {
	const char *data;
	size_t len;
	int fd; /* -1: data */
	attr_guard guard;
	bool refused; /* the guard or a read said no: the tree says why */
} source;

static int source_read(void *ctx, char *buf, int len)
{
	source *s = ctx;
	ssize_t r;
	do
		r = read(s->fd, buf, (size_t)len);
	while (r < 0 && errno == EINTR);
	if (r < 0 || (r > 0 && !attr_guard_feed(&s->guard, buf, (size_t)r))) {
		s->refused = true;
		return -1;
	}
	return (int)r;
}

static int source_close(void *ctx)
{
	(void)ctx; /* the descriptor is the caller's */
	return 0;
}

static xmlTextReaderPtr open_reader(source *s, const char *url)
{
	if (s->fd < 0)
		return xmlReaderForMemory(s->data, (int)s->len, url, NULL, DOC_SAFE_OPTIONS);
	return xmlReaderForIO(source_read, source_close, s, url, NULL, DOC_SAFE_OPTIONS);
}

static cdaimg_status extract_from(cdaimg_values **out, source *src, const char *url, cdaimg_diags *diags,
                                  x_stats *stats);

cdaimg_status x_extract_streaming(cdaimg_values **out, const char *data, size_t len, const char *url,
                                  cdaimg_diags *diags, x_stats *stats)
{
	*out = NULL;
	source src = {data, len, -1, {0}, false};
	if (len > DOC_MAX_BYTES || text_blank(data, len) || !attr_guard_feed(&src.guard, data, len)) {
		if (stats)
			*stats = (x_stats){.fallback = X_FB_PARSE};
		return CDAIMG_EPARSE; /* the tree's parse says why */
	}
	return extract_from(out, &src, url, diags, stats);
}

cdaimg_status x_extract_streaming_fd(cdaimg_values **out, int fd, cdaimg_diags *diags, x_stats *stats)
{
	*out = NULL;
	source src = {NULL, 0, fd, {0}, false};
	/* no URL: the walk's diagnostics name none, and libxml2 2.9 would not say
	 * when it failed to copy one (the tree's parse names the file) */
	cdaimg_status st = extract_from(out, &src, NULL, diags, stats);
	if (src.refused && st != CDAIMG_EPARSE) { /* not a document the walk could read: the tree says why */
		cdaimg_values_free(*out);
		*out = NULL;
		st = CDAIMG_EPARSE;
	}
	if (st == CDAIMG_EPARSE && stats)
		stats->fallback = stats->fallback ? stats->fallback : X_FB_PARSE;
	return st;
}

static cdaimg_status extract_from(cdaimg_values **out, source *src, const char *url, cdaimg_diags *diags,
                                  x_stats *stats)
{
	/* the diagnostics are held until the document has ended: their paths are
	 * made whole then, and none is said when the tree is read instead */
	cdaimg_values *v = values_new();
	cdaimg_diags *held = diags ? cdaimg_diags_new() : NULL;
	x_paths *paths = x_paths_new();
	bool made = v && paths && (held || !diags);
	xmlTextReaderPtr rd = NULL;
	raised failed = {false, false};
	nomem_watch nw;
	nomem_watch_start(&nw);
	xmlGenericErrorFunc saved_generic = xmlGenericError;
	void *saved_generic_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet);
	if (made)
		rd = open_reader(src, url);
	cdaimg_status st = CDAIMG_EPARSE;
	xctx x = {.dc = {.diags = held}, .v = v, .a = v ? &v->arena : NULL, .streaming = true, .paths = paths};
	if (rd) {
		xmlTextReaderSetStructuredErrorHandler(rd, reader_error, &failed);
		if (walk_document(&x, rd, &failed))
			st = CDAIMG_OK;
		/* the names of the paths are the reader's */
		if (st == CDAIMG_OK && !x.dc.nomem && !x_paths_finish(&x, held))
			x_nomem(&x);
		xmlFreeTextReader(rd);
	}
	xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
	bool watched = nomem_watch_end(&nw);
	const xmlError *last = xmlGetLastError();
	if (watched && last && last->code == XML_ERR_NO_MEMORY && last->message && strstr(last->message, "huge"))
		watched = nw.seen; /* the "huge text node" above */
	bool nomem = watched || failed.oom || x.dc.nomem || !made || !rd;
	if (!nomem && st == CDAIMG_OK)
		nomem = !diags_move(diags, held);
	if (nomem) {
		dc_err(&(diag_ctx){.diags = diags}, CDAIMG_D_NOMEM, "", "out of memory while reading the document");
		st = CDAIMG_ENOMEM;
	}
	if (st == CDAIMG_OK && x.dc.errors)
		st = CDAIMG_EINVALID; /* as x_extract says it */
	if (stats) {
		*stats = x.stats;
		stats->paths = x.memo.paths;
		stats->path_steps = x.memo.steps;
		stats->streamed = st == CDAIMG_OK || st == CDAIMG_EINVALID;
	}
	cd_free(x.ids);
	cd_free(x.id_slots);
	cd_free(x.studies);
	cd_free(x.acc);
	x_paths_free(paths);
	cdaimg_diags_free(held);
	if (st != CDAIMG_OK && st != CDAIMG_EINVALID) {
		cdaimg_values_free(v);
		return st;
	}
	*out = v;
	return st;
}
