/* SPDX-License-Identifier: MIT */
/* map_study.c - FrExamenImagerie -> Study Act (FR-DICOM-Examen-imagerie,
 * MAPPING.md §4) holding its Series Acts. */
#include "map.h"

void map_study_range(emitter *e, const map_opts *m, const prep_study *s, size_t first, size_t count)
{
	em_open(e, "act", "classCode", "ACT", "moodCode", "EVN", NULL);
	map_template_ids(e, m->p->tid[ROLE_STUDY]);
	map_ids(e, s->ids, s->n_ids);
	map_dcm(e, "code", DCM_STUDY, m->lang->study);
	map_text(e, "text", s->text, s->text_ref);
	if (s->ts)
		em_leaf(e, "effectiveTime", "value", s->ts, NULL);
	for (size_t i = first; i < first + count && i < s->n_series; i++) {
		em_open(e, "entryRelationship", "typeCode", "COMP", NULL);
		map_series(e, m, s->series[i]);
		em_end(e);
	}
	em_end(e); /* act */
}

void map_study(emitter *e, const map_opts *m, const prep_study *s) { map_study_range(e, m, s, 0, s->n_series); }
