/* SPDX-License-Identifier: MIT */
/* series.c - FrSerieImagerie -> Series Act / SOP Instance Observation (MAPPING.md §2),
 * and the public build calls for a series. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "emit_dom.h"
#include "map.h"
#include "target.h"
#include "valuesets.h"

void map_template_ids(emitter *e, const char *const ids[2])
{
	for (int i = 0; i < 2; i++) {
		if (!ids[i])
			continue;
		em_start(e, "templateId");
		em_attrk(e, "root", ids[i]);
		em_end(e);
	}
}

void map_ids(emitter *e, const prep_id *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		em_start(e, "id");
		em_attr(e, "root", ids[i].root);
		em_attr(e, "extension", ids[i].ext);
		em_end(e);
	}
}

void map_code_open(emitter *e, const char *elem, const prep_code *k)
{
	em_start(e, elem);
	map_code_attrs(e, k);
}

void map_code_attrs(emitter *e, const prep_code *k)
{
	em_attr(e, "code", k->code);
	em_attrk(e, "codeSystem", k->system);
	em_attrk(e, "codeSystemName", k->system_name);
	em_attr(e, "displayName", k->display);
}

/* A DCM code of the mapping itself (strings of the program). */
static void map_dcm(emitter *e, const char *elem, const char *code, const char *display)
{
	em_start(e, elem);
	em_attrk(e, "code", code);
	em_attrk(e, "codeSystem", OID_DCM);
	em_attrk(e, "codeSystemName", "DCM");
	em_attrk(e, "displayName", display);
	em_end(e);
}

/* Text inline, or a reference into the section narrative (D6). */
static void map_text(emitter *e, const char *elem, const char *text, const char *ref)
{
	if (!text && !ref)
		return;
	em_start(e, elem);
	if (ref) {
		em_start(e, "reference");
		em_attr(e, "value", ref);
		em_end(e);
	} else {
		em_text(e, text);
	}
	em_end(e);
}

static void map_time(emitter *e, const char *ts)
{
	if (!ts)
		return;
	em_start(e, "effectiveTime");
	em_attr(e, "value", ts);
	em_end(e);
}

/* D4: FR-DICOM-Cadres-references containing FR-DICOM-Cadres-a-afficher. */
static void map_frames(emitter *e, const profile_def *p, int64_t n)
{
	char high[24];
	snprintf(high, sizeof high, "%" PRId64, n);
	em_start(e, "entryRelationship");
	em_attrk(e, "typeCode", "COMP");
	em_start(e, "observation");
	em_attrk(e, "classCode", "ROIBND");
	em_attrk(e, "moodCode", "EVN");
	map_template_ids(e, p->tid[ROLE_FRAMES]);
	map_dcm(e, "code", DCM_FRAMES, "Referenced Frames");
	em_start(e, "entryRelationship");
	em_attrk(e, "typeCode", "COMP");
	em_start(e, "observation");
	em_attrk(e, "classCode", "OBS");
	em_attrk(e, "moodCode", "EVN");
	map_template_ids(e, p->tid[ROLE_BOUNDARY]);
	map_dcm(e, "code", DCM_BOUNDARY, "Frames for Display");
	if (p->frames_as_list) {
		/* PS3.20 says LIST<INT>, which the CDA R2 schema lacks: one INT per frame (1..N) */
		for (int64_t i = 1; i <= n && !e->failed; i++) {
			char v[24];
			snprintf(v, sizeof v, "%" PRId64, i);
			em_start(e, "value");
			em_xsi_type(e, "INT");
			em_attr(e, "value", v);
			em_end(e);
		}
	} else {
		em_start(e, "value");
		em_xsi_type(e, "IVL_INT");
		em_start(e, "low");
		em_attrk(e, "value", "1");
		em_end(e);
		em_start(e, "high");
		em_attr(e, "value", high);
		em_end(e);
		em_end(e); /* value */
	}
	em_end(e); /* observation */
	em_end(e); /* entryRelationship */
	em_end(e); /* observation */
	em_end(e); /* entryRelationship */
}

static void map_instance(emitter *e, const profile_def *p, const prep_instance *in)
{
	em_start(e, "entryRelationship");
	em_attrk(e, "typeCode", "COMP");
	em_start(e, "observation");
	em_attrk(e, "classCode", "DGIMG");
	em_attrk(e, "moodCode", "EVN");
	map_template_ids(e, p->tid[ROLE_SOP]);
	map_ids(e, in->ids, in->n_ids);
	map_code_open(e, "code", &in->sop_class);
	map_text(e, "originalText", in->text, in->text_ref);
	em_end(e); /* code */
	em_start(e, "text");
	em_attrk(e, "mediaType", in->media_type);
	em_start(e, "reference");
	em_attr(e, "value", in->reference);
	em_end(e);
	em_end(e); /* text */
	em_start(e, "statusCode");
	em_attrk(e, "code", in->status);
	em_end(e);
	map_time(e, in->ts);
	if (in->has_frames)
		map_frames(e, p, in->frames);
	em_end(e); /* observation */
	em_end(e); /* entryRelationship */
}

void map_series(emitter *e, const map_opts *m, const prep_series *s)
{
	em_start(e, "act");
	em_attrk(e, "classCode", "ACT");
	em_attrk(e, "moodCode", "EVN");
	map_template_ids(e, m->p->tid[ROLE_SERIES]);
	map_ids(e, s->ids, s->n_ids);
	em_start(e, "code");
	em_attrk(e, "code", DCM_SERIES);
	em_attrk(e, "codeSystem", OID_DCM);
	em_attrk(e, "codeSystemName", "DCM");
	em_attrk(e, "displayName", m->lang->series);
	em_start(e, "qualifier");
	map_dcm(e, "name", DCM_MODALITY, m->lang->modality);
	map_code_open(e, "value", &s->modality);
	em_end(e); /* value */
	em_end(e); /* qualifier */
	em_end(e); /* code */
	map_text(e, "text", s->text, s->text_ref);
	map_time(e, s->ts);
	for (size_t i = 0; i < s->n_inst; i++)
		map_instance(e, m->p, &s->inst[i]);
	em_end(e); /* act */
}

/* --- public calls ------------------------------------------------------------------------ */

cdaimg_status cdaimg_series_check(const cdaimg_series *series, const cdaimg_options *opts, cdaimg_diags *diags)
{
	arena a;
	arena_local room;
	arena_init_local(&a, &room);
	check_ctx c;
	if (check_init(&c, &a, opts, diags)) {
		CD_ARG(&c.dc, series);
		check_series(&c, series);
	}
	arena_release(&a);
	return dc_status(&c.dc);
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

/* Check, then build into @p doc under @p parent (NULL: as the document root). */
static cdaimg_status build_series(xmlNodePtr *out, xmlDocPtr doc, xmlNodePtr parent, const cdaimg_series *series,
                                  const cdaimg_options *opts, cdaimg_diags *diags)
{
	arena a;
	arena_local room;
	arena_init_local(&a, &room);
	check_ctx c;
	prep_series *ps = check_init(&c, &a, opts, diags) ? check_series(&c, series) : NULL;
	if (ps && parent)
		target_warn_profile(&c.dc, parent, c.p);
	cdaimg_status st = dc_status(&c.dc);
	if (ps && st == CDAIMG_OK) {
		emitter e;
		dom_emitter d;
		dom_emitter_init(&e, &d, doc, parent);
		map_series(&e, &(map_opts){c.p, c.lang}, ps);
		xmlNodePtr root = dom_emitter_finish(&d, !e.failed);
		if (!root) {
			dc_err(&c.dc, CDAIMG_D_NOMEM, "", "out of memory while building the entry");
			st = CDAIMG_ENOMEM;
		} else if (out) {
			*out = root;
		}
	}
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
	xmlDocPtr doc = cdaimg_doc_new();
	if (!doc) {
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	xmlNodePtr root = NULL;
	cdaimg_status st = build_series(&root, doc, NULL, series, opts, diags);
	if (st == CDAIMG_OK) {
		xmlBufferPtr buf = xmlBufferCreate();
		xmlSaveCtxtPtr save = buf ? xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL) : NULL;
		long rc = save ? xmlSaveTree(save, root) : -1;
		if (save && xmlSaveClose(save) < 0)
			rc = -1;
		if (rc < 0) {
			st = CDAIMG_ENOMEM;
		} else {
			size_t n = (size_t)xmlBufferLength(buf);
			*out = (char *)xmlBufferDetach(buf);
			if (!*out)
				st = CDAIMG_ENOMEM;
			else if (len)
				*len = n;
		}
		xmlBufferFree(buf);
		if (st == CDAIMG_ENOMEM)
			dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory while serializing the entry");
	}
	xmlFreeDoc(doc);
	return st;
}
