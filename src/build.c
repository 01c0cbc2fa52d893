/* SPDX-License-Identifier: MIT */
/* build.c - the public build calls (build.h, document.h): check the values,
 * then map them into the caller's document through the one DOM driver. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "drive.h"
#include "emit_dom.h"
#include "emit_writer.h"
#include "target.h"
#include "uid.h"

cdaimg_status dom_build(xmlNodePtr *out, xmlDocPtr doc, xmlNodePtr parent, write_fn write, const void *arg,
                        diag_ctx *dc, const char *what)
{
	emitter e;
	dom_emitter d;
	dom_emitter_init(&e, &d, doc, parent);
	write(&e, arg);
	xmlNodePtr root = dom_emitter_finish(&d, !e.failed);
	if (out)
		*out = root;
	if (root)
		return CDAIMG_OK;
	if (dc)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while building the %s", what);
	return CDAIMG_ENOMEM;
}

xmlDocPtr cdaimg_doc_new(void)
{
	cdaimg_global_init();
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!doc)
		return NULL;
	doc->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	doc->dict = xmlDictCreate();
	if (!doc->encoding || !doc->dict) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* --- what each build writes ---------------------------------------------------------------- */

typedef struct series_arg {
	map_opts m;
	const prep_series *s;
} series_arg;

static void write_series(emitter *e, const void *arg)
{
	const series_arg *a = arg;
	map_series(e, &a->m, a->s);
}

typedef struct study_arg {
	map_opts m;
	const prep_study *s;
} study_arg;

static void write_study(emitter *e, const void *arg)
{
	const study_arg *a = arg;
	map_study(e, &a->m, a->s);
}

typedef struct catalog_arg {
	map_opts m;
	prep_study **ps;
	size_t n;
	const catalog_opts *co;
} catalog_arg;

static void write_catalog(emitter *e, const void *arg)
{
	const catalog_arg *a = arg;
	map_catalog(e, &a->m, a->ps, a->n, a->co);
}

typedef struct document_arg {
	map_opts m;
	const prep_document *d;
} document_arg;

static void write_document(emitter *e, const void *arg)
{
	const document_arg *a = arg;
	map_document(e, &a->m, a->d);
}

static void write_min_document(emitter *e, const void *arg)
{
	(void)arg;
	em_start(e, "ClinicalDocument");
	map_min_header(e);
	em_start(e, "component");
	em_start(e, "structuredBody");
	em_start(e, "component");
	em_start(e, "section");
	em_leaf(e, "entry", NULL);
	em_end(e); /* section */
	em_end(e); /* component */
	em_end(e); /* structuredBody */
	em_end(e); /* component */
	em_end(e); /* ClinicalDocument */
}

xmlDocPtr min_document_new(xmlNodePtr *entry)
{
	xmlDocPtr doc = cdaimg_doc_new();
	xmlNodePtr root = NULL;
	if (!doc || dom_build(&root, doc, NULL, write_min_document, NULL, NULL, NULL) != CDAIMG_OK) {
		xmlFreeDoc(doc);
		return NULL;
	}
	/* /ClinicalDocument/component/structuredBody/component/section/entry */
	*entry = root->last->children->children->children->children;
	return doc;
}

/* --- a series -------------------------------------------------------------------------------- */

cdaimg_status cdaimg_series_check(const cdaimg_series *series, const cdaimg_options *opts, cdaimg_diags *diags)
{
	arena a;
	arena_local room;
	arena_init_local(&a, &room);
	check_ctx c;
	if (check_init(&c, &a, opts, diags)) {
		CD_ARG(&c.dc, series);
		check_series(&c, NULL, series);
	}
	arena_release(&a);
	return dc_status(&c.dc);
}

/* Check, then build into @p doc under @p parent (NULL: as the document root). */
static cdaimg_status build_series(xmlNodePtr *out, xmlDocPtr doc, xmlNodePtr parent, const cdaimg_series *series,
                                  const cdaimg_options *opts, cdaimg_diags *diags)
{
	arena a;
	arena_local room;
	arena_init_local(&a, &room);
	check_ctx c;
	prep_series *ps = check_init(&c, &a, opts, diags) ? check_series(&c, NULL, series) : NULL;
	if (ps && parent)
		target_warn_profile(&c.dc, parent, c.p);
	cdaimg_status st = dc_status(&c.dc);
	if (ps && st == CDAIMG_OK)
		st = dom_build(out, doc, parent, write_series, &(series_arg){{c.p, c.lang}, ps}, &c.dc, "entry");
	arena_release(&a);
	return st;
}

cdaimg_status cdaimg_series_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_series *series,
                                  const cdaimg_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	if (out)
		*out = NULL;
	CD_ARG(&dc, parent && parent->type == XML_ELEMENT_NODE && parent->doc);
	CD_ARG(&dc, series);
	cdaimg_global_init();
	return build_series(out, parent->doc, parent, series, opts, diags);
}

cdaimg_status cdaimg_series_to_string(char **out, size_t *len, const cdaimg_series *series,
                                      const cdaimg_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	if (len)
		*len = 0;
	CD_ARG(&dc, series);
	cdaimg_global_init();
	arena a;
	arena_local room;
	arena_init_local(&a, &room);
	check_ctx c;
	prep_series *ps = check_init(&c, &a, opts, diags) ? check_series(&c, NULL, series) : NULL;
	cdaimg_status st = dc_status(&c.dc);
	if (ps && st == CDAIMG_OK) {
		/* the streaming emitter writes what libxml2 would serialize of the
		 * tree, and UTF-8 as it is (libxml2 2.9.14 falls back on character
		 * references when it fails to copy an encoding's name, F18) */
		emitter e;
		xw_emitter w;
		xw_init(&e, &w, NULL);
		write_series(&e, &(series_arg){{c.p, c.lang}, ps});
		size_t n = 0;
		*out = e.failed ? NULL : xw_take(&w, &n);
		xw_free(&w);
		if (!*out) {
			dc_err(&c.dc, CDAIMG_D_NOMEM, "", "out of memory while serializing the entry");
			st = CDAIMG_ENOMEM;
		} else if (len) {
			*len = n;
		}
	}
	arena_release(&a);
	return st;
}

/* --- a study --------------------------------------------------------------------------------- */

cdaimg_status cdaimg_study_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *study,
                                 const cdaimg_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc0 = {.diags = diags};
	if (out)
		*out = NULL;
	CD_ARG(&dc0, parent && parent->type == XML_ELEMENT_NODE && parent->doc);
	CD_ARG(&dc0, study);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	prep_study *ps = check_init(&c, &a, opts, diags) ? check_study(&c, NULL, study) : NULL;
	if (ps) {
		target_warn_profile(&c.dc, parent, c.p);
		check_study_alone(&c, NULL, ps, target_kind(parent), true);
	}
	cdaimg_status st = dc_status(&c.dc);
	if (ps && st == CDAIMG_OK)
		st = dom_build(out, parent->doc, parent, write_study, &(study_arg){{c.p, c.lang}, ps}, &c.dc, "study");
	arena_release(&a);
	return st;
}

/* --- a catalog section ----------------------------------------------------------------------- */

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

static cdaimg_status build_catalog(xmlNodePtr *out, xmlNodePtr parent, check_ctx *c, prep_study **ps, size_t n)
{
	char pfx[32], uid[72];
	free_prefix(parent->doc, pfx, sizeof pfx);
	catalog_opts co = {pfx, 1, uid, c->lang};
	const char *seed = prep_seed(c->arena, ps, n);
	if (seed)
		derived_uid(uid, seed, pfx);
	if (!seed || !map_catalog_refs(c->arena, ps, n, &co)) {
		check_nomem(c);
		return CDAIMG_ENOMEM;
	}
	return dom_build(out, parent->doc, parent, write_catalog, &(catalog_arg){{c->p, c->lang}, ps, n, &co}, &c->dc,
	                 "section");
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
		for (size_t i = 0; i < n_studies; i++)
			check_study_alone(&c, n_studies > 1 ? ITEM(NULL, "", i) : NULL, ps[i], DOC_NONE, false);
	}
	cdaimg_status st = dc_status(&c.dc);
	if (ps && st == CDAIMG_OK)
		st = build_catalog(out, parent, &c, ps, n_studies);
	arena_release(&a);
	return st;
}

/* --- a document ------------------------------------------------------------------------------ */

cdaimg_status prepare_document(prep_document **out, check_ctx *c, const cdaimg_study *studies, size_t n,
                               const cdaimg_document_header *header)
{
	cdaimg_status st = check_document(out, c, studies, n, header);
	catalog_opts co = {"ex", 1, NULL, NULL};
	if (st == CDAIMG_OK && !map_catalog_refs(c->arena, (*out)->studies, n, &co)) {
		check_nomem(c);
		st = CDAIMG_ENOMEM;
	}
	return st;
}

cdaimg_status cdaimg_document_build(xmlDocPtr *out, const cdaimg_study *studies, size_t n_studies,
                                    const cdaimg_document_header *header, const cdaimg_options *opts,
                                    cdaimg_diags *diags)
{
	diag_ctx dc0 = {.diags = diags};
	CD_ARG(&dc0, out);
	*out = NULL;
	CD_ARG(&dc0, studies && n_studies > 0);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	prep_document *d = NULL;
	cdaimg_status st = check_init(&c, &a, opts, diags) ? prepare_document(&d, &c, studies, n_studies, header)
	                                                    : dc_status(&c.dc);
	xmlDocPtr doc = NULL;
	if (st == CDAIMG_OK && !(doc = cdaimg_doc_new())) {
		check_nomem(&c);
		st = CDAIMG_ENOMEM;
	}
	if (st == CDAIMG_OK)
		st = dom_build(NULL, doc, NULL, write_document, &(document_arg){{c.p, c.lang}, d}, &c.dc, "document");
	if (st == CDAIMG_OK)
		*out = doc;
	else
		xmlFreeDoc(doc);
	arena_release(&a);
	return st;
}
