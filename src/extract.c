/* SPDX-License-Identifier: MIT */
/*
 * extract.c - read CDA back: every Series Act of a document as values
 * (FrSerieImagerie, grouped in FrExamenImagerie when a Study Act holds them).
 * This file: the reader's helpers (extract.h), the narrative references, the
 * walk over the document and the public calls; the values of an entry are
 * read in extract_values.c, the header in extract_header.c.
 *
 * The inverse of the check and the mapping, with the normalisations
 * MAPPING.md documents: identifiers come back in FHIR form (a DICOM UID slot
 * as system urn:dicom:uid, value urn:oid:X, a 2.25.N UID included), code
 * systems in their FHIR spelling, HL7 TS as FHIR dateTime (+0000 -> Z),
 * narratives as an XHTML div of the text (lines -> <p>), the link kind
 * inferred from the URL (D5), the frame count read from the Referenced
 * Frames boundary (D4). Everything lives in the value set's arena; problems
 * are CDAIMG_D_EXTRACT diagnostics with the element's line and path, and
 * reading goes on.
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datetime.h"
#include "docread.h"
#include "extract_int.h"
#include "narrative.h"

void x_nomem(xctx *x) { x->dc.nomem = true; }

char *x_dup(xctx *x, const char *s)
{
	char *d = arena_strdup(x->a, s);
	if (!d && s)
		x_nomem(x);
	return d;
}

char *x_cat(xctx *x, const char *prefix, const char *s)
{
	char *d = arena_join(x->a, prefix, "", s);
	if (!d)
		x_nomem(x);
	return d;
}

char *x_lower_uuid(xctx *x, const char *prefix, const char *uuid)
{
	char *d = x_cat(x, prefix, uuid);
	for (char *p = d ? d + strlen(prefix) : NULL; p && *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static const xmlNode *next_named(const xmlNode *n, const char *name)
{
	for (; n; n = n->next)
		if (tg_hl7_or_none(n, name))
			return n;
	return NULL;
}

const xmlNode *x_child(const xmlNode *n, const char *name) { return n ? next_named(n->children, name) : NULL; }

const xmlNode *x_sibling(const xmlNode *n, const char *name) { return next_named(n->next, name); }

/* Value of an attribute without namespace; NULL when absent. */
const char *x_attr(xctx *x, const xmlNode *n, const char *name)
{
	if (!n)
		return NULL;
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns || strcmp((const char *)a->name, name) != 0)
			continue;
		const xmlNode *c = a->children;
		if (!c)
			return "";
		if (c->type == XML_TEXT_NODE && !c->next)
			return (const char *)c->content;
		xmlChar *s = xmlNodeListGetString(x->doc, c, 1);
		if (!s) {
			x_nomem(x);
			return NULL;
		}
		char *d = x_dup(x, (const char *)s);
		xmlFree(s);
		return d;
	}
	return NULL;
}

bool x_attr_is(xctx *x, const xmlNode *n, const char *name, const char *value)
{
	const char *v = x_attr(x, n, name);
	return v && !strcmp(v, value);
}

/* @p n has the template id @p root. */
bool x_has_template(xctx *x, const xmlNode *n, const char *root)
{
	for (const xmlNode *t = x_child(n, "templateId"); t; t = x_sibling(t, "templateId"))
		if (x_attr_is(x, t, "root", root))
			return true;
	return false;
}

/* @p n has the template id of @p role in some profile (the entries of every family are read). */
bool x_has_role(xctx *x, const xmlNode *n, tid_role role)
{
	for (const xmlNode *t = x_child(n, "templateId"); t; t = x_sibling(t, "templateId"))
		if (profile_tid_is(role, x_attr(x, t, "root")))
			return true;
	return false;
}

bool x_is_act(xctx *x, const xmlNode *n, tid_role role) { return tg_hl7_or_none(n, "act") && x_has_role(x, n, role); }

char *x_path(xctx *x, const xmlNode *n)
{
	/* while parsing, the elements around the act are not all in memory (extract_paths.c) */
	char *path = x->streaming ? x_stream_path(x, n) : node_path_memo(&x->memo, n);
	if (!path)
		x_nomem(x);
	return path;
}

void x_diag(xctx *x, cdaimg_severity sev, const xmlNode *n, const char *fmt, ...)
{
	char *path = x->dc.diags ? x_path(x, n) : NULL;
	va_list ap;
	va_start(ap, fmt);
	dc_vadd(&x->dc, sev, CDAIMG_D_EXTRACT, path ? path : "", n ? xmlGetLineNo(n) : 0, NULL, fmt, ap);
	va_end(ap);
	cd_free(path);
}

/* @p s quoted for a message (at most ~60 characters), in @p buf. */
const char *x_quote(xctx *x, char buf[256], const char *s)
{
	strbuf b = {0};
	sb_add_quoted(&b, s ? s : "");
	if (b.failed)
		x_nomem(x);
	snprintf(buf, 256, "%s", b.s && !b.failed ? b.s : "\"\"");
	sb_free(&b);
	return buf;
}

void x_concept(xctx *x, cdaimg_concept *out, const char *system, const char *code, const char *display)
{
	cdaimg_coding *cd = arena_alloc(x->a, sizeof *cd);
	if (!cd) {
		x_nomem(x);
		return;
	}
	cd->system = system;
	cd->code = x_dup(x, code);
	cd->display = x_dup(x, display);
	out->codings = cd;
	out->n_codings = 1;
}

/* @p ts as FHIR dateTime; NULL (reported) when it is not a date. */
const char *x_ts(xctx *x, const xmlNode *at, const char *ts)
{
	char out[64], why[160], q[256];
	bool lossy = false;
	/* ts_check passes exactly what ts_to_fhir converts (and validate's date check is ts_check) */
	if (!ts_check(ts, why, sizeof why) || !ts_to_fhir(ts, out, &lossy)) {
		x_diag(x, CDAIMG_SEV_ERROR, at, "%s is not a valid date (%s); the date is left out", x_quote(x, q, ts), why);
		return NULL;
	}
	const char *t = strchr(out, 'T');
	const char *zone = t ? strpbrk(t, "Z+-") : NULL;
	if (lossy && t && !zone)
		x_diag(x, CDAIMG_SEV_WARNING, at, "%s has no time zone, which a FHIR dateTime with a time needs; read as %s",
		      x_quote(x, q, ts), out);
	else if (lossy)
		x_diag(x, CDAIMG_SEV_WARNING, at, "%s has no FHIR equivalent (hour or minute precision, or a zone on a date); read as %s",
		      x_quote(x, q, ts), out);
	return x_dup(x, out);
}

/* The narrative IDs of the document, sorted (libxml2's hash table is not
 * used: the 2.9 series ignores a failed copy of the key). */
static void add_id(xctx *x, const char *id, const xmlNode *n)
{
	if (x->n_ids == x->cap_ids) {
		size_t cap = x->cap_ids ? x->cap_ids * 2 : 32;
		id_entry *e = cd_realloc(x->ids, cap * sizeof *e);
		if (!e) {
			x_nomem(x);
			return;
		}
		x->ids = e;
		x->cap_ids = cap;
	}
	x->ids[x->n_ids] = (id_entry){id, n, x->n_ids, NULL, 0, false, false, false};
	x->n_ids++;
}

/* The bytes of the text nodes of @p first and its siblings (entity references and CDATA included). */
static size_t text_bytes(const xmlNode *first)
{
	size_t n = 0;
	for (const xmlNode *c = first; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			n += strlen((const char *)c->content);
	return n;
}

/* The IDs of the elements from @p n on, and the bytes of their text and attribute values. */
static void index_ids(xctx *x, const xmlNode *n)
{
	for (; n && !x->dc.nomem; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (const xmlAttr *a = n->properties; a; a = a->next)
			x->doc_bytes += text_bytes(a->children);
		x->doc_bytes += text_bytes(n->children);
		const char *id = x_attr(x, n, "ID");
		if (id && *id)
			add_id(x, id, n);
		index_ids(x, n->children);
	}
}

/* By ID, then document order (the first element of an ID wins). */
static int id_order(const void *a, const void *b)
{
	const id_entry *p = a, *q = b;
	int c = strcmp(p->id, q->id);
	return c ? c : (p->order > q->order) - (p->order < q->order);
}

/* The first element whose ID attribute is @p id, or NULL. */
static id_entry *resolve(xctx *x, const char *id)
{
	if (x->streaming)
		return x_stream_resolve(x, id);
	if (!x->ids_ready) {
		x->ids_ready = true;
		index_ids(x, x->doc->children);
		if (x->n_ids)
			qsort(x->ids, x->n_ids, sizeof *x->ids, id_order);
	}
	size_t lo = 0, hi = x->n_ids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->ids[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n_ids && !strcmp(x->ids[lo].id, id) ? &x->ids[lo] : NULL;
}

/* D6: the text of the nodes from @p first on (narrative.h) as a FHIR
 * Narrative's div, in the arena; NULL when there is none. */
const char *x_text_div(xctx *x, const xmlNode *first, bool newlines)
{
	strbuf b = {0};
	markup_text(&b, first, &cda_text, newlines);
	const char *div = NULL;
	if (b.failed || (b.len && !(div = narrative_div(x->a, b.s))))
		x_nomem(x);
	sb_free(&b);
	return div;
}

/* The div of the element a reference points to: read once, then shared by
 * every reference to it. What references give again counts against the
 * document's size (X_REPEAT_SLACK): past it, the text is refused at @p ref. */
static const char *referenced_div(xctx *x, const xmlNode *ref, const char *v, id_entry *target)
{
	char q[256];
	if (x->streaming && !target->read) {
		x_fall_back(x, X_FB_REFERENCE); /* not read as the document went by */
		return NULL;
	}
	if (!target->used) {
		if (!target->read) {
			target->div = x_text_div(x, target->node->children, false);
			target->div_len = target->div ? strlen(target->div) : 0;
			target->read = !x->dc.nomem;
		}
		target->used = true;
		return target->div;
	}
	size_t len = target->div_len;
	if (!x->streaming && len > x->doc_bytes + X_REPEAT_SLACK - x->stats.repeated) {
		x_diag(x, CDAIMG_SEV_ERROR, ref,
		      "the text of %s, read again for this reference, would take what references repeat past the "
		      "document's size and 1 MiB (%zu bytes): it is left out",
		      x_quote(x, q, v), x->doc_bytes + X_REPEAT_SLACK);
		return NULL;
	}
	/* streaming: the document's size is known at its end, where x_extract_streaming checks the total */
	x->stats.repeated += len;
	return target->div;
}

/* The div of an ED (act/text, code/originalText): its text, or the content
 * its <reference value="#id"/> points to. NULL when there is none. */
static const char *ed_div(xctx *x, const xmlNode *ed)
{
	char q[256];
	const char *div = x_text_div(x, ed->children, true);
	const xmlNode *ref = x_child(ed, "reference");
	const char *v = x_attr(x, ref, "value");
	if (div || !v || !*v)
		return div;
	if (v[0] != '#') {
		x_diag(x, CDAIMG_SEV_WARNING, ref, "reference %s is outside the document; its text is not read",
		      x_quote(x, q, v));
		return NULL;
	}
	id_entry *target = resolve(x, v + 1);
	if (!target) {
		if (!x->dc.nomem)
			x_diag(x, CDAIMG_SEV_ERROR, ref, "dangling reference %s: no element of the document has this ID",
			      x_quote(x, q, v));
		return NULL;
	}
	return referenced_div(x, ref, v, target);
}

/* D6: the text back as a FHIR Narrative. */
void x_narrative(xctx *x, const xmlNode *ed, cdaimg_narrative *out)
{
	const char *div = ed ? ed_div(x, ed) : NULL;
	if (!div)
		return;
	out->div = div;
	out->status = "generated";
}

/* Series Acts under @p n in document order (not inside another Series or
 * Study Act); fills @p out when given. Returns how many. */
static size_t find_series(xctx *x, const xmlNode *n, const xmlNode **out)
{
	size_t k = 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (!tg_hl7_or_none(c, NULL))
			continue;
		if (x_is_act(x, c, ROLE_SERIES)) {
			if (out)
				out[k] = c;
			k++;
		} else if (!x_is_act(x, c, ROLE_STUDY)) {
			k += find_series(x, c, out ? out + k : NULL);
		}
	}
	return k;
}

static void read_study_series(xctx *x, const xmlNode *act, cdaimg_study *st)
{
	size_t n = find_series(x, act, NULL);
	if (!n) {
		x_diag(x, CDAIMG_SEV_WARNING, act, "the Study Act holds no Series Act");
		return;
	}
	const xmlNode **acts = cd_malloc(n * sizeof *acts);
	cdaimg_series *s = arena_alloc(x->a, n * sizeof *s);
	if (!acts || !s) {
		cd_free(acts);
		x_nomem(x);
		return;
	}
	find_series(x, act, acts);
	for (size_t i = 0; i < n && !x->dc.nomem; i++)
		x_series(x, acts[i], &s[i]);
	cd_free(acts);
	st->series = s;
	st->n_series = n;
}

static void push(xctx *x, cdaimg_item item)
{
	if (!values_push(x->v, item))
		x_nomem(x);
}

static bool same_str(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

static size_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

/* The slot of the study read with the Study Instance UID @p uid, or the empty
 * slot where it goes. The table has room (at most half full). */
static study_slot *study_slot_of(xctx *x, const char *uid)
{
	size_t mask = x->cap_studies - 1;
	for (size_t i = hash_str(uid) & mask;; i = (i + 1) & mask)
		if (!x->studies[i].uid || !strcmp(x->studies[i].uid, uid))
			return &x->studies[i];
}

/* Room for one more study in the table; false when out of memory (noted). */
static bool studies_room(xctx *x)
{
	if (2 * (x->n_studies + 1) <= x->cap_studies)
		return true;
	size_t cap = x->cap_studies ? 2 * x->cap_studies : 64;
	study_slot *old = x->studies, *t = cd_calloc(cap, sizeof *t);
	if (!t) {
		x_nomem(x);
		return false;
	}
	size_t old_cap = x->cap_studies;
	x->studies = t;
	x->cap_studies = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].uid)
			*study_slot_of(x, old[i].uid) = old[i];
	cd_free(old);
	return true;
}

/* Documents give each series its own Study Act (IMG-CR-IMG): Study Acts of
 * one Study Instance UID are one study, their series in document order. The
 * study's series array grows by doubling, so that a study of n acts costs n. */
static void merge_study(xctx *x, const xmlNode *act, study_slot *into, const cdaimg_study *st)
{
	cdaimg_study *known = into->st;
	if (!same_str(known->date, st->date) || !same_str(known->description.div, st->description.div))
		x_diag(x, CDAIMG_SEV_WARNING, act,
		      "a Study Act of a study already read, with another date or description: its series join the study "
		      "as first read");
	if (!st->n_series)
		return;
	size_t need = known->n_series + st->n_series;
	cdaimg_series *s = (cdaimg_series *)(uintptr_t)known->series; /* allocated here, in the value set's arena */
	if (need > into->cap) {
		size_t cap = need > 2 * into->cap ? need : 2 * into->cap;
		s = arena_alloc(x->a, cap * sizeof *s);
		if (!s) {
			x_nomem(x);
			return;
		}
		if (known->n_series)
			memcpy(s, known->series, known->n_series * sizeof *s);
		x->stats.series_copied += known->n_series;
		into->cap = cap;
	}
	memcpy(s + known->n_series, st->series, st->n_series * sizeof *s);
	x->stats.series_copied += st->n_series;
	known->series = s;
	known->n_series = need;
}

void x_add_study(xctx *x, const xmlNode *act)
{
	cdaimg_study *st = arena_alloc(x->a, sizeof *st);
	if (!st) {
		x_nomem(x);
		return;
	}
	x_ids(x, act, &st->ids, &st->n_ids);
	st->date = x_time(x, act);
	x_narrative(x, x_child(act, "text"), &st->description);
	x->study_uid = x_uid_of(st->ids, st->n_ids);
	read_study_series(x, act, st);
	x->study_uid = NULL;
	const char *uid = st->n_ids ? st->ids[0].value : NULL;
	if (!uid) {
		push(x, (cdaimg_item){CDAIMG_ITEM_STUDY, NULL, st});
		return;
	}
	if (!studies_room(x))
		return;
	study_slot *slot = study_slot_of(x, uid);
	if (slot->uid) {
		merge_study(x, act, slot, st);
		return;
	}
	*slot = (study_slot){uid, st, st->n_series};
	x->n_studies++;
	push(x, (cdaimg_item){CDAIMG_ITEM_STUDY, NULL, st});
}

void x_add_series(xctx *x, const xmlNode *act)
{
	cdaimg_series *s = arena_alloc(x->a, sizeof *s);
	if (!s) {
		x_nomem(x);
		return;
	}
	x_series(x, act, s);
	push(x, (cdaimg_item){CDAIMG_ITEM_SERIES, s, NULL});
}

static void scan(xctx *x, const xmlNode *n);

static void scan_node(xctx *x, const xmlNode *n)
{
	if (!tg_hl7_or_none(n, NULL))
		return;
	if (x_is_act(x, n, ROLE_STUDY))
		x_add_study(x, n);
	else if (x_is_act(x, n, ROLE_SERIES))
		x_add_series(x, n);
	else
		scan(x, n->children);
}

static void scan(xctx *x, const xmlNode *n)
{
	for (; n && !x->dc.nomem; n = n->next)
		scan_node(x, n);
}

void x_accessions_of(xctx *x, const xmlNode *f)
{
	for (const xmlNode *a = x_child(x_child(f, "order"), NULL); a && !x->dc.nomem; a = a->next) {
		if (a->type != XML_ELEMENT_NODE || !a->ns || strcmp((const char *)a->ns->href, PS3_20_NS) ||
		    strcmp((const char *)a->name, "accessionNumber"))
			continue;
		if (x->n_acc == x->cap_acc) {
			size_t cap = x->cap_acc ? 2 * x->cap_acc : 8;
			cdaimg_identifier *more = cd_realloc(x->acc, cap * sizeof *more);
			if (!more) {
				x_nomem(x);
				return;
			}
			x->acc = more;
			x->cap_acc = cap;
		}
		const char *root_oid = x_attr(x, a, "root"), *ext = x_attr(x, a, "extension");
		x->acc[x->n_acc++] = (cdaimg_identifier){root_oid ? x_cat(x, "urn:oid:", root_oid) : NULL, x_dup(x, ext)};
	}
}

void x_give_accessions(xctx *x, long root_line)
{
	size_t n_st = 0;
	for (size_t i = 0; i < x->v->count; i++)
		n_st += x->v->items[i].kind == CDAIMG_ITEM_STUDY;
	if (!x->n_acc)
		return;
	if (x->n_acc != n_st) {
		dc_add(&x->dc, CDAIMG_SEV_INFO, CDAIMG_D_EXTRACT, "/ClinicalDocument", root_line, NULL,
		       "%zu accession numbers for %zu Study Acts: which study each belongs to is not known; none is given",
		       x->n_acc, n_st);
		return;
	}
	for (size_t i = 0, k = 0; i < x->v->count; i++) {
		if (x->v->items[i].kind != CDAIMG_ITEM_STUDY)
			continue;
		/* the study was allocated here, in the value set's arena */
		cdaimg_study *st = (cdaimg_study *)(uintptr_t)x->v->items[i].study;
		st->accession = x->acc[k++];
	}
}

/* The Study Act carries no accession number; a document's orders do, one
 * per study with one (MAPPING.md §4, ps3-20:accessionNumber of
 * inFulfillmentOf/order). They are given to the studies, in order, when
 * there are as many as Study Acts; otherwise none is. */
static void read_accessions(xctx *x, const xmlNode *root)
{
	if (!tg_hl7_or_none(root, "ClinicalDocument"))
		return;
	for (const xmlNode *f = x_child(root, "inFulfillmentOf"); f && !x->dc.nomem; f = x_sibling(f, "inFulfillmentOf"))
		x_accessions_of(x, f);
	if (!x->dc.nomem)
		x_give_accessions(x, xmlGetLineNo(root));
}

/* What x_extract_node does, with its counts in *stats (may be NULL). */
static cdaimg_status extract_node(cdaimg_values **out, const xmlNode *top, diag_ctx *dc, x_stats *stats)
{
	*out = NULL;
	cdaimg_values *v = values_new();
	if (!v) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	xctx x = {.dc = *dc, .v = v, .a = &v->arena, .doc = top->doc};
	const xmlNode *root = xmlDocGetRootElement(top->doc);
	if (top->type == XML_DOCUMENT_NODE)
		scan(&x, top->children);
	else
		scan_node(&x, top);
	if (!x.dc.nomem && root && (top->type == XML_DOCUMENT_NODE || top == root))
		read_accessions(&x, root);
	cd_free(x.ids);
	cd_free(x.studies);
	cd_free(x.acc);
	if (stats) {
		*stats = x.stats;
		stats->paths = x.memo.paths;
		stats->path_steps = x.memo.steps;
	}
	*dc = x.dc;
	if (x.dc.nomem) {
		cdaimg_values_free(v);
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while reading the document");
		return CDAIMG_ENOMEM;
	}
	*out = v;
	return CDAIMG_OK;
}

cdaimg_status x_extract_node(cdaimg_values **out, const xmlNode *top, diag_ctx *dc)
{
	return extract_node(out, top, dc, NULL);
}

cdaimg_status x_extract(cdaimg_values **out, xmlDocPtr doc, cdaimg_diags *diags, x_stats *stats)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, doc);
	cdaimg_global_init();
	cdaimg_status st = extract_node(out, (const xmlNode *)doc, &dc, stats);
	return st == CDAIMG_OK && dc.errors ? CDAIMG_EINVALID : st;
}

cdaimg_status cdaimg_extract_doc(cdaimg_values **out, xmlDocPtr doc, cdaimg_diags *diags)
{
	return x_extract(out, doc, diags, NULL);
}

/* Parse @p data (@p len bytes, named @p url) safely and extract from it. */
static cdaimg_status extract_text(cdaimg_values **out, const char *data, size_t len, const char *url, diag_ctx *dc)
{
	xmlDocPtr doc = NULL;
	cdaimg_status st = doc_parse(&doc, data, len, url, dc);
	if (st == CDAIMG_OK && dc->nomem)
		st = CDAIMG_ENOMEM;
	if (st == CDAIMG_OK)
		st = cdaimg_extract_doc(out, doc, dc->diags);
	if (st == CDAIMG_OK && dc->errors)
		st = CDAIMG_EINVALID; /* the parse reported one */
	xmlFreeDoc(doc);
	return st;
}

/* Read while parsing when that says what the tree says; otherwise the tree. */
static cdaimg_status extract_bytes(cdaimg_values **out, const char *data, size_t len, const char *url, diag_ctx *dc)
{
	cdaimg_status st = x_extract_streaming(out, data, len, url, dc->diags, NULL);
	return st == CDAIMG_EPARSE ? extract_text(out, data, len, url, dc) : st;
}

cdaimg_status cdaimg_extract_memory(cdaimg_values **out, const char *data, size_t len, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, data);
	cdaimg_global_init();
	return extract_bytes(out, data, len, NULL, &dc);
}

cdaimg_status cdaimg_extract_file(cdaimg_values **out, const char *path, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, path);
	cdaimg_global_init();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dc_err(&dc, CDAIMG_D_IO, path, "cannot open: %s", strerror(errno));
		return CDAIMG_EIO;
	}
	/* a file of a size within the cap is read as the walk goes, its text never
	 * whole in memory; then read again, whole, only when the tree must say more */
	struct stat sb;
	bool walked = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size <= DOC_MAX_BYTES;
	cdaimg_status st = walked ? x_extract_streaming_fd(out, fd, diags, NULL) : CDAIMG_EPARSE;
	if (st == CDAIMG_EPARSE && walked && lseek(fd, 0, SEEK_SET) != 0) {
		dc_err(&dc, CDAIMG_D_IO, path, "cannot read it again: %s", strerror(errno));
		st = CDAIMG_EIO;
	}
	if (st == CDAIMG_EPARSE) {
		char *data = NULL;
		size_t len = 0;
		st = read_fd_max(fd, path, DOC_MAX_BYTES, &data, &len, &dc);
		if (st == CDAIMG_OK) /* the walk said already that only the tree will do */
			st = walked ? extract_text(out, data, len, path, &dc) : extract_bytes(out, data, len, path, &dc);
		cd_free(data);
	}
	close(fd);
	return st;
}
