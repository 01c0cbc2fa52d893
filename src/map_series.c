/* SPDX-License-Identifier: MIT */
/* map_series.c - FrSerieImagerie -> Series Act / SOP Instance Observation
 * (MAPPING.md §2), and the pieces every entry of the mapping uses: ids, codes,
 * texts, narrative lines. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "map.h"

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

/* A DCM code of the mapping itself (strings of the program), left open. */
static void map_dcm_open(emitter *e, const char *elem, const char *code, const char *display)
{
	em_start(e, elem);
	em_attrk(e, "code", code);
	em_attrk(e, "codeSystem", OID_DCM);
	em_attrk(e, "codeSystemName", NAME_DCM);
	em_attrk(e, "displayName", display);
}

void map_dcm(emitter *e, const char *elem, const char *code, const char *display)
{
	map_dcm_open(e, elem, code, display);
	em_end(e);
}

void map_text(emitter *e, const char *elem, const char *text, const char *ref)
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

/* entryRelationship[@typeCode=COMP]/observation of @p class_code with the
 * template ids @p tids, left open after the code @p dcm_code (closed by
 * em_end twice). */
static void related_observation(emitter *e, const char *class_code, const char *const tids[2], const char *dcm_code,
                                const char *display)
{
	em_start(e, "entryRelationship");
	em_attrk(e, "typeCode", "COMP");
	em_start(e, "observation");
	em_attrk(e, "classCode", class_code);
	em_attrk(e, "moodCode", "EVN");
	map_template_ids(e, tids);
	if (dcm_code)
		map_dcm(e, "code", dcm_code, display);
}

/* D4: FR-DICOM-Cadres-references containing FR-DICOM-Cadres-a-afficher. */
static void map_frames(emitter *e, const profile_def *p, int64_t n)
{
	char high[24];
	snprintf(high, sizeof high, "%" PRId64, n);
	related_observation(e, "ROIBND", p->tid[ROLE_FRAMES], DCM_FRAMES, "Referenced Frames");
	related_observation(e, "OBS", p->tid[ROLE_BOUNDARY], DCM_BOUNDARY, "Frames for Display");
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
	related_observation(e, "DGIMG", p->tid[ROLE_SOP], NULL, NULL);
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
	map_dcm_open(e, "code", DCM_SERIES, m->lang->series);
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

void map_table(emitter *e, const char *const *heads, size_t n)
{
	em_open(e, "table", "border", "1", NULL);
	em_start(e, "thead");
	em_start(e, "tr");
	for (size_t i = 0; i < n; i++)
		em_text_el(e, "th", heads[i]);
	em_end(e); /* tr */
	em_end(e); /* thead */
	em_start(e, "tbody");
}

void map_table_end(emitter *e)
{
	em_end(e); /* tbody */
	em_end(e); /* table */
}

void map_content_cell(emitter *e, const char *id, const char *text)
{
	em_start(e, "td");
	em_open(e, "content", "ID", id, NULL);
	em_text(e, text);
	em_end(e);
	em_end(e);
}

void map_lines(emitter *e, const char *text)
{
	/* one text node per line: adjacent text nodes would merge in the DOM, and
	 * libxml2 loses the added text silently when that merge runs out of memory */
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = cd_strndup(p, n);
		if (!line) {
			e->failed = true;
			return;
		}
		em_text(e, line);
		cd_free(line);
		if (!nl)
			break;
		em_leaf(e, "br", NULL);
		p = nl + 1;
	}
}

void ts_display(char *out, const char *ts)
{
	size_t n = ts ? strspn(ts, "0123456789") : 0;
	out[0] = '\0';
	if (n >= 8)
		snprintf(out, 32, "%.2s/%.2s/%.4s", ts + 6, ts + 4, ts);
	else if (n >= 6)
		snprintf(out, 32, "%.2s/%.4s", ts + 4, ts);
	else if (n >= 4)
		snprintf(out, 32, "%.4s", ts);
	if (n >= 12)
		snprintf(out + strlen(out), 32 - strlen(out), " %.2s:%.2s", ts + 8, ts + 10);
}
