/* SPDX-License-Identifier: MIT */
/* map_catalog.c - the DICOM Object Catalog section (FR-DICOM-Object-Catalog,
 * MAPPING.md §4) with its narrative table, descriptions as <content ID>
 * referenced by the entries (D6). */
#include <stdio.h>
#include <string.h>

#include "map.h"

/* --- narrative IDs (D6) -------------------------------------------------------------------- */

static const char *ref(arena *a, const char *id) { return arena_join(a, "#", "", id); }

/* IDs are "<prefix>-NN[-serie-NN[-sop-NN]]": NCNames as long as the prefix is one. */
bool map_catalog_refs(arena *a, prep_study **studies, size_t n, const catalog_opts *co)
{
	char id[160];
	for (size_t i = 0; i < n; i++) {
		prep_study *st = studies[i];
		int k = snprintf(id, sizeof id, "%s-%02zu", co->id_prefix, co->first_no + i);
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
	map_table(e, lang->heads, CATALOG_COLUMNS);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < studies[i]->n_series; j++)
			series_row(e, studies[i], j);
	map_table_end(e);
	em_end(e); /* text */
}

/* --- section ------------------------------------------------------------------------------- */

void map_catalog(emitter *e, const map_opts *m, prep_study **studies, size_t n, const catalog_opts *co)
{
	em_open(e, "section", "classCode", "DOCSECT", "moodCode", "EVN", NULL);
	map_template_ids(e, m->p->tid[ROLE_CATALOG]);
	em_leaf(e, "id", "root", co->section_uid, NULL);
	map_dcm(e, "code", DCM_CATALOG, co->lang->catalog);
	em_text_el(e, "title", co->lang->catalog);
	narrative(e, studies, n, co->lang);
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
