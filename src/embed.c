/* SPDX-License-Identifier: MIT */
/* embed.c - studies put where they belong in the caller's own IMG-CR-IMG
 * document: the DICOM object catalog (FR-DICOM-Object-Catalog) of an imaging
 * act section (FR-DICOM-Acte-imagerie) found or made, a study already there
 * replaced, the header's service events and orders completed
 * (cdaimg_section_put_studies, cdaimg_document_put_studies).
 *
 * Everything is built first, into scratch elements of the caller's document
 * (so that names come from its dictionary and namespaces resolve as where the
 * nodes go); only then, once nothing can fail, are old nodes removed and new
 * ones moved into place (place.h). On any error the scratch elements are
 * freed and the document is as it was. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docmap.h"
#include "place.h"
#include "target.h"

#define TID_ACT_SECTION "1.2.250.1.213.1.1.2.206"
#define TID_CATALOG "2.16.840.1.113883.10.20.6.1.1"
#define TID_CATALOG_FR "1.2.250.1.213.1.1.2.217"
#define TID_STUDY "1.2.840.10008.9.16"
#define TID_STUDY_FR "1.2.250.1.213.1.1.3.155"
#define PS320_NS "urn:dicom-org:ps3-20"
#define STEM "ex"

/* --- small containers ----------------------------------------------------------------------- */

/* A growing array of pointers; `failed` once it could not grow. */
typedef struct ptrs {
	void **v;
	size_t n, cap;
	bool failed;
} ptrs;

static void ptrs_add(ptrs *p, void *x)
{
	if (p->failed)
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		void **v = cd_realloc(p->v, cap * sizeof *v);
		if (!v) {
			p->failed = true;
			return;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = x;
}

static void ptrs_free(ptrs *p)
{
	cd_free(p->v);
	*p = (ptrs){0};
}

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

/* --- the plan ------------------------------------------------------------------------------ */

/* The studies that go to one imaging act section. */
typedef struct group {
	xmlNodePtr section; /* FR-DICOM-Acte-imagerie */
	xmlNodePtr catalog; /* its object catalog; NULL: one is made */
	prep_study **ps;
	size_t n;
	xmlNodePtr built;   /* component/section (the catalog) built in a holder */
} group;

typedef struct put_plan {
	check_ctx *c;
	xmlDocPtr doc;
	xmlNodePtr root;      /* the ClinicalDocument */
	const char *doc_id;   /* its id (root, or root.extension), for IID links; may be NULL */
	group *groups;
	size_t n_groups;
	ptrs drop;            /* nodes removed at commit (entries, narrative rows or tables) */
	ptrs holders;         /* scratch elements, linked while building */
	place *places;
	size_t n_places, cap_places;
	ptrs ids, freed;      /* the document's IDs; those under dropped nodes (sorted) */
	size_t *stems;        /* the narrative ID numbers given in this call */
	size_t n_stems;
} put_plan;

static void nomem(put_plan *pl) { dc_err(&pl->c->dc, CDAIMG_D_NOMEM, "", "out of memory"); }

static void target_err(put_plan *pl, const xmlNode *at, const char *msg)
{
	char *path = at ? cdaimg_node_path(at) : NULL;
	dc_err(&pl->c->dc, CDAIMG_D_TARGET, path ? path : "", "%s", msg);
	cd_free(path);
}

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

/* Build one subtree with @p write under a new holder of @p under; NULL when out of memory. */
typedef void (*write_fn)(emitter *e, const void *arg);

static xmlNodePtr build(put_plan *pl, xmlNodePtr under, write_fn write, const void *arg)
{
	xmlNodePtr h = holder(pl, under);
	if (!h)
		return NULL;
	emitter e;
	dom_emitter d;
	dom_emitter_init(&e, &d, pl->doc, h);
	write(&e, arg);
	return dom_emitter_finish(&d, !e.failed);
}

/* --- where each study goes ----------------------------------------------------------------- */

static void find_act_sections(xmlNodePtr n, ptrs *out)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tg_hl7(n, "section") && tg_template(n, TID_ACT_SECTION))
			ptrs_add(out, n);
		find_act_sections(n->children, out);
	}
}

/* The object catalog of an imaging act section (component/section), or NULL. */
static xmlNodePtr catalog_of(const xmlNode *section)
{
	for (xmlNodePtr k = section->children; k; k = k->next) {
		if (!tg_hl7(k, "component"))
			continue;
		for (xmlNodePtr s = k->children; s; s = s->next)
			if (tg_hl7(s, "section") && (tg_template(s, TID_CATALOG_FR) || tg_template(s, TID_CATALOG)))
				return s;
	}
	return NULL;
}

/* The Study Act of a catalog entry, or NULL. */
static xmlNodePtr study_act(const xmlNode *entry)
{
	for (xmlNodePtr k = entry->children; k; k = k->next)
		if (tg_hl7(k, "act") && (tg_template(k, TID_STUDY_FR) || tg_template(k, TID_STUDY)))
			return k;
	return NULL;
}

/* Whether the catalog of @p section holds the study @p uid (NULL: any study). */
static bool section_holds(const xmlNode *section, const char *uid)
{
	const xmlNode *cat = catalog_of(section);
	for (const xmlNode *k = cat ? cat->children : NULL; k; k = k->next) {
		const xmlNode *act = tg_hl7(k, "entry") ? study_act(k) : NULL;
		if (act && (!uid || tg_has_uid(act, uid)))
			return true;
	}
	return false;
}

/* The root of an IMG-CR-IMG document, or NULL (reported). */
static xmlNodePtr report_root(put_plan *pl, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !tg_hl7(root, "ClinicalDocument") || target_kind(root) != DOC_IMG_CR_IMG) {
		target_err(pl, root,
		           "not an IMG-CR-IMG document (a ClinicalDocument with templateId " TID_IMG_CR_IMG
		           "): studies go into the FR-DICOM-Acte-imagerie sections of a CI-SIS imaging report");
		return NULL;
	}
	return root;
}

/* The group of @p section in the plan, made when new; NULL when out of memory. */
static group *group_of(put_plan *pl, xmlNodePtr section, size_t max)
{
	for (size_t i = 0; i < pl->n_groups; i++)
		if (pl->groups[i].section == section)
			return &pl->groups[i];
	group *g = &pl->groups[pl->n_groups++];
	g->section = section;
	g->catalog = catalog_of(section);
	g->ps = arena_alloc(pl->c->arena, max * sizeof *g->ps);
	if (!g->ps)
		nomem(pl);
	return g->ps ? g : NULL;
}

/* The sections of the document whose catalog holds @p uid: the first in *at; how many. */
static size_t holders_of(const ptrs *sections, const char *uid, xmlNodePtr *at)
{
	size_t n = 0;
	for (size_t i = 0; i < sections->n; i++) {
		if (section_holds(sections->v[i], uid)) {
			if (!n++)
				*at = sections->v[i];
		}
	}
	return n;
}

static const char *study_path(put_plan *pl, size_t n, size_t i)
{
	if (n == 1)
		return "";
	return cpath(pl->c, "[%zu]", i);
}

/* Each study to its section (docs/mapping.md, "Studies put into a document"):
 * the section whose catalog holds it; else, with one imaging act section, that
 * one; else the sections holding no study yet, in document order. */
static bool match_sections(put_plan *pl, const ptrs *sections, prep_study **ps, size_t n)
{
	size_t next_free = 0;
	bool ok = true;
	const ptrs *all = sections; /* in document order */
	for (size_t i = 0; i < n; i++) {
		const char *uid = ps[i]->ids[0].root;
		xmlNodePtr at = NULL;
		size_t held = holders_of(all, uid, &at);
		for (size_t k = 0; k < pl->n_groups && !at; k++) /* given twice in this call: with the first */
			for (size_t j = 0; j < pl->groups[k].n && !at; j++)
				if (!strcmp(pl->groups[k].ps[j]->ids[0].root, uid))
					at = pl->groups[k].section;
		if (held > 1) {
			char *path = cdaimg_node_path(at);
			dc_err(&pl->c->dc, CDAIMG_D_TARGET, study_path(pl, n, i),
			       "the study %s is in the catalogs of %zu imaging act sections (the first: %s): give the "
			       "section to put it in (cdaimg_section_put_studies)",
			       uid, held, path ? path : "");
			cd_free(path);
			ok = false;
			continue;
		}
		if (!at && all->n == 1)
			at = all->v[0];
		while (!at && next_free < all->n) {
			xmlNodePtr s = all->v[next_free++];
			bool taken = section_holds(s, NULL);
			for (size_t g = 0; g < pl->n_groups && !taken; g++)
				taken = pl->groups[g].section == s;
			if (!taken)
				at = s;
		}
		if (!at) {
			dc_err(&pl->c->dc, CDAIMG_D_TARGET, study_path(pl, n, i),
			       "no FR-DICOM-Acte-imagerie section for the study %s: every one of the %zu sections holds "
			       "another study or is taken by an earlier one; add a section for it, or give the section "
			       "(cdaimg_section_put_studies)",
			       uid, all->n);
			ok = false;
			continue;
		}
		group *g = group_of(pl, at, n);
		if (!g)
			return false;
		g->ps[g->n++] = ps[i];
	}
	return ok;
}

/* The one group of an explicit section: no study of it in another section's catalog. */
static bool given_section(put_plan *pl, xmlNodePtr section, const ptrs *sections, prep_study **ps, size_t n)
{
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sections->n; k++) {
			xmlNodePtr other = sections->v[k];
			if (other == section || !section_holds(other, ps[i]->ids[0].root))
				continue;
			char *path = cdaimg_node_path(other);
			dc_err(&pl->c->dc, CDAIMG_D_TARGET, study_path(pl, n, i),
			       "the study %s is already in the catalog of another imaging act section (%s): put it there, "
			       "or remove it from there first",
			       ps[i]->ids[0].root, path ? path : "");
			cd_free(path);
			ok = false;
		}
	}
	group *g = ok ? group_of(pl, section, n) : NULL;
	if (!g)
		return false;
	for (size_t i = 0; i < n; i++)
		g->ps[g->n++] = ps[i];
	return true;
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
	return bsearch(&id, kept->v, kept->n, sizeof *kept->v, cmp_str) != NULL;
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
static void plan_drops(put_plan *pl, const group *g)
{
	if (!g->catalog)
		return;
	ptrs kept = {0};
	for (xmlNodePtr k = g->catalog->children; k; k = k->next) {
		xmlNodePtr act = tg_hl7(k, "entry") ? study_act(k) : NULL;
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

static bool assign_stems(put_plan *pl, prep_study **ps, size_t n)
{
	pl->stems = arena_alloc(pl->c->arena, n * sizeof *pl->stems);
	if (!pl->stems)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t k = free_stem(pl);
		pl->stems[pl->n_stems++] = k;
		section_opts so = {STEM, k, NULL, true, false};
		if (!assign_refs(pl->c->arena, &ps[i], 1, &so))
			return false;
	}
	return true;
}

/* --- building ------------------------------------------------------------------------------ */

typedef struct catalog_arg {
	const group *g;
	const char *uid;
	bool english;
} catalog_arg;

static void write_catalog(emitter *e, const void *arg)
{
	const catalog_arg *a = arg;
	section_opts so = {STEM, 1, a->uid, true, a->english};
	em_start(e, "component");
	map_section(e, profile_get(CDAIMG_PROFILE_FR), a->g->ps, a->g->n, &so);
	em_end(e);
}

/* The Study Instance UIDs of @p ps, each followed by ";" (the seed of derived ids). */
static char *seed_of(put_plan *pl, prep_study *const *ps, size_t n)
{
	strbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		sb_add(&b, ps[i]->ids[0].root);
		sb_addc(&b, ';');
	}
	char *s = b.s && !b.failed ? arena_strdup(pl->c->arena, b.s) : NULL;
	sb_free(&b);
	return s;
}

static bool build_catalog(put_plan *pl, group *g)
{
	char uid[72];
	const char *seed = seed_of(pl, g->ps, g->n);
	if (!seed)
		return false;
	derived_uid(uid, seed, "catalog");
	catalog_arg a = {g, uid, strcmp(pl->c->lang, "fr") != 0};
	g->built = build(pl, g->section, write_catalog, &a);
	return g->built != NULL;
}

/* --- the header ---------------------------------------------------------------------------- */

static void write_translation(emitter *e, const prep_code *m)
{
	map_code_open(e, "translation", m);
	em_start(e, "qualifier");
	em_leaf(e, "name", "code", "121139", "displayName", "Modalit\xC3\xA9 d'imagerie", "codeSystem", OID_DCM,
	        "codeSystemName", "DCM", NULL);
	em_end(e);
	em_end(e);
}

/* Whether modality @p j of @p s is the first series with its code. */
static bool first_of_modality(const prep_study *s, size_t j)
{
	for (size_t k = 0; k < j; k++)
		if (!strcmp(s->series[k]->modality.code, s->series[j]->modality.code))
			return false;
	return true;
}

static void write_event_code(emitter *e, const void *arg)
{
	const prep_study *s = arg;
	em_open(e, "code", "nullFlavor", "UNK", NULL);
	for (size_t j = 0; j < s->n_series; j++)
		if (first_of_modality(s, j))
			write_translation(e, &s->series[j]->modality);
	em_end(e);
}

/* documentationOf/serviceEvent of a study, as cdaimg_document_build writes it
 * but for the performer, which the imaging values do not give. */
static void write_event(emitter *e, const void *arg)
{
	const prep_study *s = arg;
	em_start(e, "documentationOf");
	em_open(e, "serviceEvent", "classCode", "ACT", NULL);
	em_leaf(e, "id", "root", s->ids[0].root, NULL);
	write_event_code(e, s);
	em_start(e, "effectiveTime");
	em_leaf(e, "low", "value", s->ts, NULL);
	em_end(e);
	em_end(e); /* serviceEvent */
	em_end(e); /* documentationOf */
}

static void write_modality(emitter *e, const void *arg) { write_translation(e, arg); }

typedef struct order_arg {
	const prep_id *accession;
	const char *uid;
} order_arg;

static void write_order(emitter *e, const void *arg)
{
	const order_arg *a = arg;
	em_start(e, "inFulfillmentOf");
	em_start(e, "order");
	em_leaf(e, "id", "root", a->uid, NULL);
	em_start_ns(e, "ps3-20", PS320_NS, "accessionNumber");
	em_attr(e, "root", a->accession->root);
	em_attr(e, "extension", a->accession->ext);
	em_end(e);
	em_end(e); /* order */
	em_end(e); /* inFulfillmentOf */
}

static xmlNodePtr service_event(const xmlNode *root, const char *uid)
{
	for (const xmlNode *k = root->children; k; k = k->next) {
		if (!tg_hl7(k, "documentationOf"))
			continue;
		for (xmlNodePtr s = k->children; s; s = s->next)
			if (tg_hl7(s, "serviceEvent") && tg_has_uid(s, uid))
				return s;
	}
	return NULL;
}

static bool has_translation(const xmlNode *code, const prep_code *m)
{
	for (const xmlNode *k = code->children; k; k = k->next)
		if (tg_hl7(k, "translation") && tg_attr_is(k, "code", m->code) && tg_attr_is(k, "codeSystem", OID_DCM))
			return true;
	return false;
}

/* An order of the header with this accession number (ps3-20:accessionNumber, or its id). */
static bool has_order(const xmlNode *root, const prep_id *acc)
{
	for (const xmlNode *k = root->children; k; k = k->next) {
		const xmlNode *order = tg_hl7(k, "inFulfillmentOf") ? tg_child(k, "order") : NULL;
		for (const xmlNode *n = order ? order->children : NULL; n; n = n->next) {
			bool number = n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
			              !strcmp((const char *)n->ns->href, PS320_NS) && !strcmp((const char *)n->name, "accessionNumber");
			if ((number || tg_hl7(n, "id")) && tg_attr_is(n, "root", acc->root) && tg_attr_is(n, "extension", acc->ext))
				return true;
		}
	}
	return false;
}

/* Plan to put @p node (built in a holder; NULL: out of memory) into @p parent. */
static bool add_place(put_plan *pl, xmlNodePtr node, xmlNodePtr parent, bool ranked)
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

/* Whether study @p i repeats the UID (@p acc false) or accession number of an earlier one. */
static bool repeated(prep_study **ps, size_t i, bool acc)
{
	for (size_t k = 0; k < i; k++) {
		if (!acc && !strcmp(ps[k]->ids[0].root, ps[i]->ids[0].root))
			return true;
		if (acc && ps[k]->accession.root && !strcmp(ps[k]->accession.root, ps[i]->accession.root) &&
		    !strcmp(ps[k]->accession.ext, ps[i]->accession.ext))
			return true;
	}
	return false;
}

/* The service event of each study (one made, or its modalities completed),
 * and an order for each accession number the header lacks. */
static bool plan_header(put_plan *pl, prep_study **ps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const prep_study *s = ps[i];
		xmlNodePtr ev = repeated(ps, i, false) ? NULL : service_event(pl->root, s->ids[0].root);
		if (repeated(ps, i, false)) {
			/* the earlier study made or completed it */
		} else if (!ev) {
			if (!add_place(pl, build(pl, pl->root, write_event, s), pl->root, true))
				return false;
		} else if (!tg_child(ev, "code")) {
			if (!add_place(pl, build(pl, pl->root, write_event_code, s), ev, true))
				return false;
		} else {
			xmlNodePtr code = tg_child(ev, "code");
			for (size_t j = 0; j < s->n_series; j++)
				if (first_of_modality(s, j) && !has_translation(code, &s->series[j]->modality) &&
				    !add_place(pl, build(pl, pl->root, write_modality, &s->series[j]->modality), code, false))
					return false;
		}
		if (s->accession.root && !repeated(ps, i, true) && !has_order(pl->root, &s->accession)) {
			char uid[72], *seed = seed_of(pl, &ps[i], 1);
			if (!seed)
				return false;
			derived_uid(uid, seed, "order");
			order_arg a = {&s->accession, uid};
			if (!add_place(pl, build(pl, pl->root, write_order, &a), pl->root, true))
				return false;
		}
	}
	return true;
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
static xmlNodePtr our_table(const put_plan *pl, const xmlNode *text, bool english)
{
	for (xmlNodePtr t = text->children; t; t = t->next) {
		xmlNodePtr head = tg_hl7(t, "table") && !dropped(pl, t) ? tg_child(t, "thead") : NULL;
		xmlNodePtr tr = tg_child(head, "tr");
		size_t i = 0;
		bool same = tr != NULL;
		for (xmlNodePtr th = tr ? tr->children : NULL; th && same; th = th->next) {
			if (th->type != XML_ELEMENT_NODE)
				continue;
			const char *want = catalog_head(english, i++);
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
		return add_place(pl, g->built, g->section, true);
	bool english = strcmp(pl->c->lang, "fr") != 0, ok = true;
	xmlNodePtr sec = tg_child(g->built, "section"), new_text = tg_child(sec, "text");
	xmlNodePtr new_table = tg_child(new_text, "table"), text = tg_child(g->catalog, "text");
	xmlNodePtr table = text ? our_table(pl, text, english) : NULL;
	xmlNodePtr body = table ? last_child(table, "tbody") : NULL;
	if (!text) {
		ok = add_place(pl, new_text, g->catalog, true);
	} else if (body) {
		for (xmlNodePtr tr = tg_child(new_table, "tbody")->children; ok && tr; tr = tr->next)
			ok = add_place(pl, tr, body, false);
	} else {
		ok = add_place(pl, new_table, text, false);
	}
	for (xmlNodePtr k = sec->children; ok && k; k = k->next)
		if (tg_hl7(k, "entry"))
			ok = add_place(pl, k, g->catalog, true);
	return ok;
}

/* Nothing here can fail: every node was made before. */
static void commit(put_plan *pl)
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

static void discard(put_plan *pl)
{
	for (size_t i = 0; i < pl->n_places; i++)
		place_discard(&pl->places[i]);
	pl->n_places = 0;
	drop_holders(pl);
}

/* --- the calls ----------------------------------------------------------------------------- */

/* ClinicalDocument/id as the IID links name the document (idCDA): root, or root.extension. */
static bool document_id(put_plan *pl)
{
	xmlNodePtr id = tg_child(pl->root, "id");
	const char *root = id ? tg_attr(id, "root") : NULL, *ext = id ? tg_attr(id, "extension") : NULL;
	if (!root)
		return true;
	size_t lr = strlen(root), le = ext ? strlen(ext) : 0;
	char *s = arena_alloc(pl->c->arena, lr + le + 2);
	if (!s)
		return false;
	memcpy(s, root, lr);
	if (ext) {
		s[lr] = '.';
		memcpy(s + lr + 1, ext, le);
	}
	pl->doc_id = s;
	return true;
}

/* IID links built from referenceWado.base name the document they are in (D5). */
static bool relink(put_plan *pl, prep_study **ps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ps[i]->n_series; j++) {
			prep_series *se = ps[i]->series[j];
			for (size_t k = 0; k < se->n_inst; k++)
				if (se->inst[k].link_base &&
				    !relink_in_document(pl->c, &se->inst[k], ps[i]->ids[0].root, &ps[i]->accession,
				                        se->ids[0].root, pl->doc_id))
					return false;
		}
	}
	return true;
}

/* Check the studies, place them (at @p section, or by match_sections), then
 * build everything and commit. */
static cdaimg_status put(put_plan *pl, xmlNodePtr section, const cdaimg_study *studies, size_t n)
{
	check_ctx *c = pl->c;
	if (c->opts->profile != CDAIMG_PROFILE_FR) {
		dc_err(&c->dc, CDAIMG_D_PROFILE, "",
		       "an IMG-CR-IMG document is French CI-SIS: put studies into it with the FR profile");
		return CDAIMG_EINVALID;
	}
	prep_study **ps = check_studies(c, studies, n);
	ptrs sections = {0};
	find_act_sections(pl->root, &sections);
	pl->groups = arena_alloc(c->arena, n * sizeof *pl->groups);
	if (sections.failed || !pl->groups)
		nomem(pl);
	bool ok = ps && !sections.failed && pl->groups && dc_status(&c->dc) == CDAIMG_OK;
	if (ok && !section && !sections.n) {
		xmlNodePtr body = tg_child(pl->root, "component");
		target_err(pl, body ? body : pl->root,
		           "the document has no FR-DICOM-Acte-imagerie section (templateId " TID_ACT_SECTION
		           "), where the object catalog of each study goes");
		ok = false;
	}
	if (ok)
		ok = section ? given_section(pl, section, &sections, ps, n) : match_sections(pl, &sections, ps, n);
	ptrs_free(&sections);
	if (!ok || dc_status(&c->dc) != CDAIMG_OK)
		return dc_status(&c->dc) != CDAIMG_OK ? dc_status(&c->dc) : CDAIMG_ENOMEM;
	for (size_t i = 0; i < pl->n_groups; i++)
		plan_drops(pl, &pl->groups[i]);
	ok = !pl->drop.failed && plan_ids(pl) && assign_stems(pl, ps, n) && document_id(pl) && relink(pl, ps, n);
	if (ok && dc_status(&c->dc) != CDAIMG_OK)
		return dc_status(&c->dc); /* a link that cannot be built again */
	for (size_t i = 0; ok && i < pl->n_groups; i++)
		ok = build_catalog(pl, &pl->groups[i]) && place_catalog(pl, &pl->groups[i]);
	ok = ok && plan_header(pl, ps, n);
	if (!ok) {
		discard(pl);
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory; the document is unchanged");
		return CDAIMG_ENOMEM;
	}
	commit(pl);
	return CDAIMG_OK;
}

static void plan_free(put_plan *pl)
{
	discard(pl);
	cd_free(pl->places);
	ptrs_free(&pl->drop);
	ptrs_free(&pl->holders);
	ptrs_free(&pl->ids);
	ptrs_free(&pl->freed);
}

cdaimg_status cdaimg_section_put_studies(xmlNodePtr *out, xmlNodePtr act_section, const cdaimg_study *studies,
                                         size_t n_studies, const cdaimg_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc0 = {diags, 0, 0, false};
	if (out)
		*out = NULL;
	CD_ARG(&dc0, act_section && act_section->type == XML_ELEMENT_NODE && act_section->doc);
	CD_ARG(&dc0, studies && n_studies > 0);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	check_init(&c, &a, opts, diags);
	put_plan pl = {.c = &c, .doc = act_section->doc};
	cdaimg_status st = CDAIMG_EINVALID;
	pl.root = report_root(&pl, act_section->doc);
	const xmlNode *top = act_section;
	while (top->parent && top->parent->type == XML_ELEMENT_NODE)
		top = top->parent;
	if (pl.root && !(tg_hl7(act_section, "section") && tg_template(act_section, TID_ACT_SECTION) && top == pl.root))
		target_err(&pl, act_section,
		           "not an FR-DICOM-Acte-imagerie section (section with templateId " TID_ACT_SECTION
		           ") of the document: the studies' object catalog goes into one");
	else if (pl.root)
		st = put(&pl, act_section, studies, n_studies);
	if (st == CDAIMG_OK && out)
		*out = pl.groups[0].catalog;
	plan_free(&pl);
	arena_release(&a);
	return st;
}

cdaimg_status cdaimg_document_put_studies(xmlDocPtr doc, const cdaimg_study *studies, size_t n_studies,
                                          const cdaimg_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc0 = {diags, 0, 0, false};
	CD_ARG(&dc0, doc);
	CD_ARG(&dc0, studies && n_studies > 0);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	check_init(&c, &a, opts, diags);
	put_plan pl = {.c = &c, .doc = doc};
	cdaimg_status st = CDAIMG_EINVALID;
	pl.root = report_root(&pl, doc);
	if (pl.root)
		st = put(&pl, NULL, studies, n_studies);
	plan_free(&pl);
	arena_release(&a);
	return st;
}
