/* SPDX-License-Identifier: MIT */
/* put_plan.c - the steps of a put (put.h): scratch elements to build into,
 * what the studies replace in a catalog (their entries and narrative rows),
 * the narrative IDs of the new ones, the catalog built and where its parts
 * go, and the commit, which cannot fail: every node it links was made before,
 * and the moves (place.h) do not allocate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "put.h"

#define STEM "ex"

/* --- IDs and references of the document --------------------------------------------------- */

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The ID attributes under @p n (n and its descendants), appended to @p out. */
static void collect_ids(const xmlNode *n, ptrs *out)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *id = tg_attr(n, "ID");
		if (id)
			ptrs_add(out, (void *)(uintptr_t)id);
		collect_ids(n->children, out);
	}
}

/* The ID attributes of @p n and its descendants. */
static void collect_ids_at(const xmlNode *n, ptrs *out)
{
	const char *id = tg_attr(n, "ID");
	if (id)
		ptrs_add(out, (void *)(uintptr_t)id);
	collect_ids(n->children, out);
}

/* Each reference/@value "#x" under @p n: x appended to @p out. */
static void collect_refs(const xmlNode *n, ptrs *out)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *v = tg_hl7(n, "reference") ? tg_attr(n, "value") : NULL;
		if (v && v[0] == '#')
			ptrs_add(out, (void *)(uintptr_t)(v + 1));
		collect_refs(n->children, out);
	}
}

/* --- scratch ------------------------------------------------------------------------------ */

void put_nomem(put_plan *pl) { dc_err(&pl->c->dc, CDAIMG_D_NOMEM, "", "out of memory"); }

/* A scratch element linked as the last child of @p under (namespaces in scope as there). */
static xmlNodePtr holder(put_plan *pl, xmlNodePtr under)
{
	xmlNodePtr h = xmlNewDocNode(pl->doc, NULL, (const xmlChar *)"cdaimg-scratch", NULL);
	if (h)
		ptrs_add(&pl->holders, h);
	if (!h || pl->holders.failed) {
		xmlFreeNode(h);
		return NULL;
	}
	xmlAddChild(under, h);
	return h;
}

static void drop_holders(put_plan *pl)
{
	for (size_t i = 0; i < pl->holders.n; i++) {
		xmlNodePtr h = pl->holders.v[i];
		xmlUnlinkNode(h);
		xmlFreeNode(h);
	}
	pl->holders.n = 0;
}

xmlNodePtr put_build(put_plan *pl, xmlNodePtr under, write_fn write, const void *arg)
{
	xmlNodePtr h = holder(pl, under), built = NULL;
	if (h)
		dom_build(&built, pl->doc, h, write, arg, NULL, NULL);
	return built;
}

bool put_place(put_plan *pl, xmlNodePtr node, xmlNodePtr parent, bool ranked)
{
	if (!node)
		return false;
	if (pl->n_places == pl->cap_places) {
		size_t cap = pl->cap_places ? 2 * pl->cap_places : 16;
		place *v = cd_realloc(pl->places, cap * sizeof *v);
		if (!v)
			return false;
		pl->places = v;
		pl->cap_places = cap;
	}
	place *p = &pl->places[pl->n_places++];
	*p = (place){node, parent, ranked, NULL, NULL};
	return place_prepare(p);
}

/* --- the catalog of an imaging act section ---------------------------------------------- */

xmlNodePtr put_catalog_of(const put_plan *pl, const xmlNode *section)
{
	for (xmlNodePtr k = section->children; k; k = k->next) {
		if (!tg_hl7(k, "component"))
			continue;
		for (xmlNodePtr s = k->children; s; s = s->next)
			if (tg_hl7(s, "section") && tg_templates(s, pl->c->p->tid[ROLE_CATALOG]))
				return s;
	}
	return NULL;
}

xmlNodePtr put_study_act(const put_plan *pl, const xmlNode *entry)
{
	for (xmlNodePtr k = entry->children; k; k = k->next)
		if (tg_hl7(k, "act") && tg_templates(k, pl->c->p->tid[ROLE_STUDY]))
			return k;
	return NULL;
}

/* --- what is replaced ---------------------------------------------------------------------- */

static bool names_uid(const char *text, const char *uid)
{
	size_t n = strlen(uid);
	for (const char *p = strstr(text, uid); p; p = strstr(p + 1, uid)) {
		bool before = p == text || !(p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9'));
		char a = p[n], b = a ? p[n + 1] : '\0';
		bool after = !(a >= '0' && a <= '9') && !(a == '.' && b >= '0' && b <= '9');
		if (before && after)
			return true;
	}
	return false;
}

/* A narrative row is the study's when the text directly in its first cell
 * names the Study Instance UID (as cdaimg's table and the ANS example write it). */
static bool row_of(const xmlNode *tr, const group *g)
{
	const xmlNode *cell = tr->children;
	while (cell && !tg_hl7(cell, "td") && !tg_hl7(cell, "th"))
		cell = cell->next;
	for (const xmlNode *t = cell ? cell->children : NULL; t; t = t->next) {
		if (t->type != XML_TEXT_NODE || !t->content)
			continue;
		for (size_t i = 0; i < g->n; i++)
			if (names_uid((const char *)t->content, g->ps[i]->ids[0].root))
				return true;
	}
	return false;
}

static bool ref_kept(const ptrs *kept, const char *id)
{
	return kept->n && bsearch(&id, kept->v, kept->n, sizeof *kept->v, cmp_str) != NULL;
}

/* Whether a row holds an ID a kept entry points to (then it stays). */
static bool row_needed(put_plan *pl, const xmlNode *tr, const ptrs *kept)
{
	ptrs ids = {0};
	collect_ids_at(tr, &ids);
	bool needed = false;
	for (size_t i = 0; i < ids.n && !needed; i++)
		needed = ref_kept(kept, ids.v[i]);
	if (ids.failed)
		pl->drop.failed = true;
	ptrs_free(&ids);
	return needed;
}

/* The rows of a table's bodies that go: the whole table when all its rows go. */
static void drop_rows(put_plan *pl, xmlNodePtr table, const group *g, const ptrs *kept)
{
	size_t rows = 0, gone = 0, mark = pl->drop.n;
	for (xmlNodePtr b = table->children; b; b = b->next) {
		if (!tg_hl7(b, "tbody"))
			continue;
		for (xmlNodePtr tr = b->children; tr; tr = tr->next) {
			if (!tg_hl7(tr, "tr"))
				continue;
			rows++;
			if (row_of(tr, g) && !row_needed(pl, tr, kept)) {
				ptrs_add(&pl->drop, tr);
				gone++;
			}
		}
	}
	if (rows && gone == rows) {
		pl->drop.n = mark;
		ptrs_add(&pl->drop, table);
	}
}

static void drop_tables(put_plan *pl, xmlNodePtr n, const group *g, const ptrs *kept)
{
	for (; n; n = n->next) {
		if (tg_hl7(n, "table"))
			drop_rows(pl, n, g, kept);
		else if (n->type == XML_ELEMENT_NODE)
			drop_tables(pl, n->children, g, kept);
	}
}

/* The entries of the group's studies in its catalog, and their narrative rows. */
void put_plan_drops(put_plan *pl, const group *g)
{
	if (!g->catalog)
		return;
	ptrs kept = {0};
	for (xmlNodePtr k = g->catalog->children; k; k = k->next) {
		xmlNodePtr act = tg_hl7(k, "entry") ? put_study_act(pl, k) : NULL;
		bool gone = false;
		for (size_t i = 0; act && i < g->n && !gone; i++)
			gone = tg_has_uid(act, g->ps[i]->ids[0].root);
		if (gone)
			ptrs_add(&pl->drop, k);
		else if (tg_hl7(k, "entry"))
			collect_refs(k->children, &kept);
	}
	if (kept.n)
		qsort(kept.v, kept.n, sizeof *kept.v, cmp_str);
	xmlNodePtr text = tg_child(g->catalog, "text");
	if (text && !kept.failed)
		drop_tables(pl, text->children, g, &kept);
	if (kept.failed)
		pl->drop.failed = true;
	ptrs_free(&kept);
}

/* --- narrative IDs ------------------------------------------------------------------------- */

/* How many IDs of the sorted @p ids are "<stem>" or start with "<stem>-". */
static size_t count_stem(const ptrs *ids, const char *stem)
{
	size_t lo = 0, hi = ids->n, len = strlen(stem), n = 0;
	while (lo < hi) { /* the first ID >= stem */
		size_t mid = (lo + hi) / 2;
		if (strcmp(ids->v[mid], stem) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ids->n && !strncmp(ids->v[i], stem, len); i++) {
		char next = ((const char *)ids->v[i])[len];
		n += next == '\0' || next == '-';
	}
	return n;
}

/* The IDs of the document, and those the dropped nodes take away. */
static bool plan_ids(put_plan *pl)
{
	collect_ids(pl->root, &pl->ids);
	for (size_t i = 0; i < pl->drop.n; i++)
		collect_ids_at(pl->drop.v[i], &pl->freed);
	if (pl->ids.failed || pl->freed.failed)
		return false;
	if (pl->ids.n)
		qsort(pl->ids.v, pl->ids.n, sizeof *pl->ids.v, cmp_str);
	if (pl->freed.n)
		qsort(pl->freed.v, pl->freed.n, sizeof *pl->freed.v, cmp_str);
	return true;
}

/* The smallest number k such that no ID of the document (once the replaced
 * nodes are gone) nor of this call starts with "ex-kk". */
static size_t free_stem(put_plan *pl)
{
	for (size_t k = 1;; k++) {
		char stem[32];
		snprintf(stem, sizeof stem, STEM "-%02zu", k);
		bool taken = count_stem(&pl->ids, stem) > count_stem(&pl->freed, stem);
		for (size_t i = 0; i < pl->n_stems && !taken; i++)
			taken = pl->stems[i] == k;
		if (!taken)
			return k;
	}
}

bool put_assign_ids(put_plan *pl, prep_study **ps, size_t n)
{
	if (!plan_ids(pl))
		return false;
	pl->stems = arena_alloc(pl->c->arena, n * sizeof *pl->stems);
	if (!pl->stems)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t k = free_stem(pl);
		pl->stems[pl->n_stems++] = k;
		catalog_opts co = {STEM, k, NULL, NULL};
		if (!map_catalog_refs(pl->c->arena, &ps[i], 1, &co))
			return false;
	}
	return true;
}

/* --- building ------------------------------------------------------------------------------ */

typedef struct catalog_arg {
	const group *g;
	const char *uid;
	const check_ctx *c;
} catalog_arg;

static void write_catalog(emitter *e, const void *arg)
{
	const catalog_arg *a = arg;
	catalog_opts co = {STEM, 1, a->uid, a->c->lang};
	em_start(e, "component");
	map_catalog(e, &(map_opts){a->c->p, a->c->lang}, a->g->ps, a->g->n, &co);
	em_end(e);
}

static bool build_catalog(put_plan *pl, group *g)
{
	char uid[72];
	const char *seed = prep_seed(pl->c->arena, g->ps, g->n);
	if (!seed)
		return false;
	derived_uid(uid, seed, "catalog");
	catalog_arg a = {g, uid, pl->c};
	g->built = put_build(pl, g->section, write_catalog, &a);
	return g->built != NULL;
}

/* --- where the built nodes go, and commit ------------------------------------------------ */

static bool dropped(const put_plan *pl, const xmlNode *n)
{
	for (size_t i = 0; i < pl->drop.n; i++)
		if (pl->drop.v[i] == n)
			return true;
	return false;
}

/* A table of the catalog's narrative that cdaimg wrote (its headings) and that stays, or NULL. */
static xmlNodePtr our_table(const put_plan *pl, const xmlNode *text)
{
	for (xmlNodePtr t = text->children; t; t = t->next) {
		xmlNodePtr head = tg_hl7(t, "table") && !dropped(pl, t) ? tg_child(t, "thead") : NULL;
		xmlNodePtr tr = tg_child(head, "tr");
		size_t i = 0;
		bool same = tr != NULL;
		for (xmlNodePtr th = tr ? tr->children : NULL; th && same; th = th->next) {
			if (th->type != XML_ELEMENT_NODE)
				continue;
			const char *want = i < CATALOG_COLUMNS ? pl->c->lang->heads[i] : NULL;
			i++;
			same = want && tg_hl7(th, "th") && th->children && th->children->type == XML_TEXT_NODE &&
			       !th->children->next && !strcmp((const char *)th->children->content, want);
		}
		if (same && i == CATALOG_COLUMNS)
			return t;
	}
	return NULL;
}

static xmlNodePtr last_child(const xmlNode *n, const char *name)
{
	xmlNodePtr last = NULL;
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (tg_hl7(k, name))
			last = k;
	return last;
}

/* Where the catalog built for @p g goes: whole into the section when it has
 * none; else its rows into the table cdaimg wrote there (or its table into
 * the narrative, or its narrative into the catalog), its entries after the
 * catalog's. */
static bool place_catalog(put_plan *pl, group *g)
{
	if (!g->catalog)
		return put_place(pl, g->built, g->section, true);
	bool ok = true;
	xmlNodePtr sec = tg_child(g->built, "section"), new_text = tg_child(sec, "text");
	xmlNodePtr new_table = tg_child(new_text, "table"), text = tg_child(g->catalog, "text");
	xmlNodePtr table = text ? our_table(pl, text) : NULL;
	xmlNodePtr body = table ? last_child(table, "tbody") : NULL;
	if (!text) {
		ok = put_place(pl, new_text, g->catalog, true);
	} else if (body) {
		for (xmlNodePtr tr = tg_child(new_table, "tbody")->children; ok && tr; tr = tr->next)
			ok = put_place(pl, tr, body, false);
	} else {
		ok = put_place(pl, new_table, text, false);
	}
	for (xmlNodePtr k = sec->children; ok && k; k = k->next)
		if (tg_hl7(k, "entry"))
			ok = put_place(pl, k, g->catalog, true);
	return ok;
}

void put_commit(put_plan *pl)
{
	for (size_t i = 0; i < pl->drop.n; i++)
		place_remove(pl->drop.v[i]);
	pl->drop.n = 0;
	for (size_t i = 0; i < pl->n_places; i++)
		place_commit(&pl->places[i]);
	for (size_t i = 0; i < pl->n_groups; i++)
		if (!pl->groups[i].catalog)
			pl->groups[i].catalog = tg_child(pl->groups[i].built, "section");
	drop_holders(pl);
}

void put_discard(put_plan *pl)
{
	for (size_t i = 0; i < pl->n_places; i++)
		place_discard(&pl->places[i]);
	pl->n_places = 0;
	drop_holders(pl);
}

bool put_catalog(put_plan *pl, group *g)
{
	return build_catalog(pl, g) && place_catalog(pl, g);
}
