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
#include <stdio.h>
#include <string.h>

#include "put.h"

/* --- where each study goes ----------------------------------------------------------------- */

static void target_err(put_plan *pl, const xmlNode *at, const char *msg)
{
	char *path = at ? cdaimg_node_path(at) : NULL;
	dc_err(&pl->c->dc, CDAIMG_D_TARGET, path ? path : "", "%s", msg);
	cd_free(path);
}

static void find_act_sections(xmlNodePtr n, ptrs *out)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tg_hl7(n, "section") && tg_template(n, TID_SEC_ACT_FR))
			ptrs_add(out, n);
		find_act_sections(n->children, out);
	}
}

/* Whether the catalog of @p section holds the study @p uid (NULL: any study). */
static bool section_holds(const put_plan *pl, const xmlNode *section, const char *uid)
{
	const xmlNode *cat = put_catalog_of(pl, section);
	for (const xmlNode *k = cat ? cat->children : NULL; k; k = k->next) {
		const xmlNode *act = tg_hl7(k, "entry") ? put_study_act(pl, k) : NULL;
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
	g->catalog = put_catalog_of(pl, section);
	g->ps = arena_alloc(pl->c->arena, max * sizeof *g->ps);
	if (!g->ps)
		put_nomem(pl);
	return g->ps ? g : NULL;
}

/* The sections of the document whose catalog holds @p uid: the first in *at; how many. */
static size_t holders_of(const put_plan *pl, const ptrs *sections, const char *uid, xmlNodePtr *at)
{
	size_t n = 0;
	for (size_t i = 0; i < sections->n; i++) {
		if (section_holds(pl, sections->v[i], uid)) {
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
	return cpath(pl->c, NULL, "[%zu]", i);
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
		size_t held = holders_of(pl, all, uid, &at);
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
			bool taken = section_holds(pl, s, NULL);
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
			if (other == section || !section_holds(pl, other, ps[i]->ids[0].root))
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

/* --- the calls ----------------------------------------------------------------------------- */

/* ClinicalDocument/id as the IID links name the document (idCDA, D5): root, or root.extension. */
static bool document_id(put_plan *pl)
{
	xmlNodePtr id = tg_child(pl->root, "id");
	const char *root = id ? tg_attr(id, "root") : NULL, *ext = id ? tg_attr(id, "extension") : NULL;
	return !root || (pl->doc_id = arena_join(pl->c->arena, root, ".", ext)) != NULL;
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
	if (!c->p->cisis) {
		dc_err(&c->dc, CDAIMG_D_PROFILE, "",
		       "an IMG-CR-IMG document is French CI-SIS: put studies into it with the FR profile");
		return CDAIMG_EINVALID;
	}
	prep_study **ps = check_studies(c, studies, n);
	ptrs sections = {0};
	find_act_sections(pl->root, &sections);
	pl->groups = arena_alloc(c->arena, n * sizeof *pl->groups);
	if (sections.failed || !pl->groups)
		put_nomem(pl);
	bool ok = ps && !sections.failed && pl->groups && dc_status(&c->dc) == CDAIMG_OK;
	if (ok && !section && !sections.n) {
		xmlNodePtr body = tg_child(pl->root, "component");
		target_err(pl, body ? body : pl->root,
		           "the document has no FR-DICOM-Acte-imagerie section (templateId " TID_SEC_ACT_FR
		           "), where the object catalog of each study goes");
		ok = false;
	}
	if (ok)
		ok = section ? given_section(pl, section, &sections, ps, n) : match_sections(pl, &sections, ps, n);
	ptrs_free(&sections);
	if (!ok || dc_status(&c->dc) != CDAIMG_OK)
		return dc_status(&c->dc) != CDAIMG_OK ? dc_status(&c->dc) : CDAIMG_ENOMEM;
	for (size_t i = 0; i < pl->n_groups; i++)
		put_plan_drops(pl, &pl->groups[i]);
	ok = !pl->drop.failed && put_assign_ids(pl, ps, n) && document_id(pl) && relink(pl, ps, n);
	if (ok && dc_status(&c->dc) != CDAIMG_OK)
		return dc_status(&c->dc); /* a link that cannot be built again */
	for (size_t i = 0; ok && i < pl->n_groups; i++)
		ok = put_catalog(pl, &pl->groups[i]);
	ok = ok && put_header(pl, ps, n);
	if (!ok) {
		put_discard(pl);
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory; the document is unchanged");
		return CDAIMG_ENOMEM;
	}
	put_commit(pl);
	return CDAIMG_OK;
}

static void plan_free(put_plan *pl)
{
	put_discard(pl);
	cd_free(pl->places);
	ptrs_free(&pl->drop);
	ptrs_free(&pl->holders);
	ptrs_free(&pl->ids);
	ptrs_free(&pl->freed);
}

cdaimg_status cdaimg_section_put_studies(xmlNodePtr *out, xmlNodePtr act_section, const cdaimg_study *studies,
                                         size_t n_studies, const cdaimg_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc0 = {.diags = diags};
	if (out)
		*out = NULL;
	CD_ARG(&dc0, act_section && act_section->type == XML_ELEMENT_NODE && act_section->doc);
	CD_ARG(&dc0, studies && n_studies > 0);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	put_plan pl = {.c = &c, .doc = act_section->doc};
	cdaimg_status st = CDAIMG_EINVALID;
	pl.root = check_init(&c, &a, opts, diags) ? report_root(&pl, act_section->doc) : NULL;
	const xmlNode *top = act_section;
	while (top->parent && top->parent->type == XML_ELEMENT_NODE)
		top = top->parent;
	if (pl.root && !(tg_hl7(act_section, "section") && tg_template(act_section, TID_SEC_ACT_FR) && top == pl.root))
		target_err(&pl, act_section,
		           "not an FR-DICOM-Acte-imagerie section (section with templateId " TID_SEC_ACT_FR
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
	diag_ctx dc0 = {.diags = diags};
	CD_ARG(&dc0, doc);
	CD_ARG(&dc0, studies && n_studies > 0);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	put_plan pl = {.c = &c, .doc = doc};
	cdaimg_status st = CDAIMG_EINVALID;
	pl.root = check_init(&c, &a, opts, diags) ? report_root(&pl, doc) : NULL;
	if (pl.root)
		st = put(&pl, NULL, studies, n_studies);
	plan_free(&pl);
	arena_release(&a);
	return st;
}
