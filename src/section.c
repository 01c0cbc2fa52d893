/* SPDX-License-Identifier: MIT */
/* section.c - the DICOM Object Catalog section (FR-DICOM-Object-Catalog, MAPPING.md §4)
 * with its narrative table, descriptions as <content ID> referenced by the
 * entries (D6); and cdaimg_section_build. */
#include <stdio.h>
#include <string.h>

#include "docmap.h"
#include "emit_dom.h"
#include "target.h"

/* --- narrative IDs (D6) -------------------------------------------------------------------- */

static const char *ref(arena *a, const char *id)
{
	size_t n = strlen(id);
	char *r = arena_alloc(a, n + 2);
	if (r) {
		r[0] = '#';
		memcpy(r + 1, id, n + 1);
	}
	return r;
}

/* IDs are "<prefix>-NN[-serie-NN[-sop-NN]]": NCNames as long as the prefix is one. */
bool assign_refs(arena *a, prep_study **studies, size_t n, const section_opts *so)
{
	char id[160];
	for (size_t i = 0; i < n; i++) {
		prep_study *st = studies[i];
		int k = snprintf(id, sizeof id, "%s-%02zu", so->id_prefix, so->first_no + i);
		if (st->text && !(st->text_ref = ref(a, id)))
			return false;
		for (size_t j = 0; j < st->n_series; j++) {
			prep_series *se = st->series[j];
			int m = snprintf(id + k, sizeof id - (size_t)k, "-serie-%02zu", j + 1);
			if (se->text && !(se->text_ref = ref(a, id)))
				return false;
			for (size_t q = 0; q < se->n_inst; q++) {
				snprintf(id + k + m, sizeof id - (size_t)(k + m), "-sop-%02zu", q + 1);
				if (se->inst[q].text && !(se->inst[q].text_ref = ref(a, id)))
					return false;
			}
			id[k] = '\0';
		}
	}
	return true;
}

/* --- narrative block ----------------------------------------------------------------------- */

static void content(emitter *e, const char *text, const char *text_ref)
{
	if (!text || !text_ref)
		return;
	em_leaf(e, "br", NULL);
	em_open(e, "content", "ID", text_ref + 1, NULL);
	map_lines(e, text);
	em_end(e);
}

static void header_row(emitter *e, const lang_names *lang)
{
	em_start(e, "thead");
	em_start(e, "tr");
	for (size_t i = 0; i < CATALOG_COLUMNS; i++)
		em_text_el(e, "th", lang->heads[i]);
	em_end(e);
	em_end(e);
}

static void modality_cell(emitter *e, const prep_code *m)
{
	strbuf b = {0}; /* display names have no length limit: no fixed buffer to cut UTF-8 in */
	if (m->display) {
		sb_add(&b, m->display);
		sb_add(&b, " (");
		sb_add(&b, m->code);
		sb_addc(&b, ')');
	} else {
		sb_add(&b, m->code);
	}
	if (b.failed || !b.s)
		e->failed = true;
	em_text_el(e, "td", b.s);
	sb_free(&b);
}

static void link_cell(emitter *e, const prep_series *se)
{
	em_start(e, "td");
	for (size_t q = 0; q < se->n_inst; q++) {
		const prep_instance *in = &se->inst[q];
		if (q > 0)
			em_leaf(e, "br", NULL);
		em_open(e, "linkHtml", "href", in->reference, NULL);
		em_text(e, se->n_inst > 1 ? "Image" : "Images");
		em_end(e);
		content(e, in->text, in->text_ref);
	}
	em_end(e);
}

static void series_row(emitter *e, const prep_study *st, size_t j)
{
	const prep_series *se = st->series[j];
	char date[32];
	em_start(e, "tr");
	em_start(e, "td");
	em_text(e, st->ids[0].root);
	if (j == 0)
		content(e, st->text, st->text_ref);
	em_end(e);
	em_start(e, "td");
	em_text(e, se->ids[0].root);
	content(e, se->text, se->text_ref);
	em_end(e);
	modality_cell(e, &se->modality);
	ts_display(date, se->ts ? se->ts : st->ts);
	em_text_el(e, "td", date);
	link_cell(e, se);
	em_end(e); /* tr */
}

static void narrative(emitter *e, prep_study **studies, size_t n, const lang_names *lang)
{
	em_start(e, "text");
	em_open(e, "table", "border", "1", NULL);
	header_row(e, lang);
	em_start(e, "tbody");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < studies[i]->n_series; j++)
			series_row(e, studies[i], j);
	em_end(e); /* tbody */
	em_end(e); /* table */
	em_end(e); /* text */
}

/* --- section ------------------------------------------------------------------------------- */

void map_section(emitter *e, const map_opts *m, prep_study **studies, size_t n, const section_opts *so)
{
	em_open(e, "section", "classCode", "DOCSECT", "moodCode", "EVN", NULL);
	map_template_ids(e, m->p->tid[ROLE_CATALOG]);
	em_leaf(e, "id", "root", so->section_uid, NULL);
	const char *title = so->lang->catalog;
	em_leaf(e, "code", "code", DCM_CATALOG, "codeSystem", OID_DCM, "codeSystemName", "DCM", "displayName", title,
	        NULL);
	em_text_el(e, "title", title);
	narrative(e, studies, n, so->lang);
	for (size_t i = 0; i < n; i++) {
		const prep_study *st = studies[i];
		size_t per = m->p->act_per_series ? 1 : st->n_series;
		for (size_t j = 0; j < st->n_series; j += per) {
			em_start(e, "entry");
			map_study_range(e, m, st, j, per);
			em_end(e);
		}
	}
	em_end(e); /* section */
}

/* --- public call --------------------------------------------------------------------------- */

/* true when an ID attribute of the tree under @p n starts with @p pfx. */
static bool id_taken(const xmlNode *n, const char *pfx)
{
	size_t len = strlen(pfx);
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (const xmlAttr *a = n->properties; a; a = a->next) {
			if (strcmp((const char *)a->name, "ID") || !a->children || !a->children->content)
				continue;
			if (!strncmp((const char *)a->children->content, pfx, len))
				return true;
		}
		if (id_taken(n->children, pfx))
			return true;
	}
	return false;
}

/* A narrative ID prefix no ID of @p doc uses yet: "ex", then "cat2-ex", ... */
static void free_prefix(xmlDocPtr doc, char *out, size_t size)
{
	char probe[48];
	snprintf(out, size, "ex");
	for (int k = 2; k < 10000; k++) {
		snprintf(probe, sizeof probe, "%s-", out);
		if (!id_taken(xmlDocGetRootElement(doc), probe))
			return;
		snprintf(out, size, "cat%d-ex", k);
	}
}

static bool section_uid(char *out, prep_study **studies, size_t n, const char *salt)
{
	strbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		sb_add(&b, studies[i]->ids[0].root);
		sb_addc(&b, ';');
	}
	bool ok = !b.failed && b.s;
	if (ok)
		derived_uid(out, b.s, salt);
	sb_free(&b);
	return ok;
}

static cdaimg_status emit_section(xmlNodePtr *out, xmlNodePtr parent, check_ctx *c, prep_study **ps, size_t n)
{
	char pfx[32], uid[72];
	free_prefix(parent->doc, pfx, sizeof pfx);
	section_opts so = {pfx, 1, uid, c->lang};
	if (!section_uid(uid, ps, n, pfx) || !assign_refs(c->arena, ps, n, &so)) {
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	emitter e;
	dom_emitter d;
	dom_emitter_init(&e, &d, parent->doc, parent);
	map_section(&e, &(map_opts){c->p, c->lang}, ps, n, &so);
	xmlNodePtr root = dom_emitter_finish(&d, !e.failed);
	if (!root) {
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory while building the section");
		return CDAIMG_ENOMEM;
	}
	if (out)
		*out = root;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_section_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *studies, size_t n_studies,
                                   const cdaimg_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc0 = {.diags = diags};
	if (out)
		*out = NULL;
	CD_ARG(&dc0, parent && parent->type == XML_ELEMENT_NODE && parent->doc);
	CD_ARG(&dc0, studies && n_studies > 0);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	prep_study **ps = check_init(&c, &a, opts, diags) ? check_studies(&c, studies, n_studies) : NULL;
	if (ps) {
		target_warn_profile(&c.dc, parent, c.p);
		for (size_t i = 0; i < n_studies; i++) {
			char prefix[32] = "";
			if (n_studies > 1)
				snprintf(prefix, sizeof prefix, "[%zu].", i);
			study_act_notes(&c, ps[i], prefix, DOC_NONE, false);
		}
	}
	cdaimg_status st = dc_status(&c.dc);
	if (ps && st == CDAIMG_OK)
		st = emit_section(out, parent, &c, ps, n_studies);
	arena_release(&a);
	return st;
}
