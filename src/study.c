/* SPDX-License-Identifier: MIT */
/* study.c - FrExamenImagerie -> Study Act (FR-DICOM-Examen-imagerie, MAPPING.md §4),
 * the emitter helpers the study, section and document mappings share, and
 * cdaimg_study_build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docmap.h"
#include "emit_dom.h"
#include "target.h"
#include "uid.h"
#include "valuesets.h"

/* --- emitter helpers ---------------------------------------------------------------------- */

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

/* --- check --------------------------------------------------------------------------------- */

static void nomem(check_ctx *c) { dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory"); }

static bool check_accession(check_ctx *c, const cdaimg_identifier *id, prep_id *out)
{
	char why[128];
	out->root = out->ext = NULL;
	if (!id->system && !id->value)
		return true;
	const char *sys = id->system;
	if (!sys || strncmp(sys, "urn:oid:", 8) || !oid_valid(sys + 8, why, sizeof why)) {
		dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cpath(c, "accessionNumber.system"),
		       "the accession number needs the OID of its assigning authority as system urn:oid:<OID>");
		return false;
	}
	const char *path = cpath(c, "accessionNumber.value");
	if (!id->value || !*id->value) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, path, "the accession number has no value");
		return false;
	}
	if (!check_text(c, path, id->value))
		return false;
	out->root = arena_strdup(c->arena, sys + 8);
	out->ext = arena_strdup(c->arena, id->value);
	if (!out->root || !out->ext) {
		nomem(c);
		return false;
	}
	return true;
}

/* Check the series of @p s with paths "serieImagerie[i]." under @p prefix. */
static bool check_study_series(check_ctx *c, const cdaimg_study *s, const char *prefix, prep_study *ps)
{
	if (!s->series || s->n_series == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "serieImagerie"), "a study holds at least one series");
		return false;
	}
	ps->series = arena_alloc(c->arena, s->n_series * sizeof *ps->series);
	if (!ps->series) {
		nomem(c);
		return false;
	}
	ps->n_series = s->n_series;
	c->study_uid = ps->ids ? ps->ids[0].root : NULL;
	c->accession = ps->accession.ext ? &ps->accession : NULL;
	bool ok = true;
	for (size_t i = 0; i < s->n_series; i++) {
		char pre[160];
		if (s->n_series == 1)
			snprintf(pre, sizeof pre, "%sserieImagerie.", prefix);
		else
			snprintf(pre, sizeof pre, "%sserieImagerie[%zu].", prefix, i);
		c->prefix = pre;
		ps->series[i] = check_series(c, &s->series[i]);
		ok = ps->series[i] != NULL && ok;
	}
	c->prefix = prefix;
	c->study_uid = NULL;
	c->accession = NULL;
	return ok;
}

/* --- a series or SOP instance given twice -------------------------------------------------- */

/* Where a DICOM UID was given: study k, series i, instance j (SIZE_MAX: the series' own UID). */
typedef struct uid_at {
	const char *uid;
	size_t k, i, j;
} uid_at;

static int uid_at_cmp(const void *pa, const void *pb)
{
	const uid_at *a = pa, *b = pb;
	int d = strcmp(a->uid, b->uid);
	if (d)
		return d;
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j == b->j ? 0 : a->j < b->j ? -1 : 1;
}

/* The field path of @p at, as the check stage writes it (prefix of study k, then
 * serieImagerie[.i], then instanceSOP[.j]). */
static void uid_path(char *buf, size_t size, const uid_at *at, const char *const *prefixes,
                     const cdaimg_study *studies)
{
	const cdaimg_study *st = &studies[at->k];
	char series[48], inst[48] = "";
	if (st->n_series == 1)
		snprintf(series, sizeof series, "serieImagerie.");
	else
		snprintf(series, sizeof series, "serieImagerie[%zu].", at->i);
	if (at->j != SIZE_MAX) {
		if (st->series[at->i].n_instances == 1)
			snprintf(inst, sizeof inst, "instanceSOP.");
		else
			snprintf(inst, sizeof inst, "instanceSOP[%zu].", at->j);
	}
	snprintf(buf, size, "%s%s%s%s", prefixes[at->k], series, inst,
	         at->j == SIZE_MAX ? "uuidSerie[0].value" : "uuidSOPInstance[0].value");
}

/* Warn about every Series or SOP Instance UID given more than once among
 * @p n studies (only between different studies when @p across_only): each UID
 * names one series or instance, so the entries would repeat one another, and
 * reading the document back merges them. Warnings, not errors: the document
 * stays valid. Called on checked studies only: every series is there, each
 * with its UID and its instances'. */
static void warn_repeated_uids(check_ctx *c, const cdaimg_study *studies, prep_study *const *ps, size_t n,
                               const char *const *prefixes, bool across_only)
{
	size_t total = 0;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ps[k]->n_series; i++)
			total += 1 + ps[k]->series[i]->n_inst;
	uid_at *all = arena_alloc(c->arena, total * sizeof *all);
	if (!all) {
		nomem(c);
		return;
	}
	size_t m = 0;
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < ps[k]->n_series; i++) {
			const prep_series *se = ps[k]->series[i];
			all[m++] = (uid_at){se->ids[0].root, k, i, SIZE_MAX};
			for (size_t j = 0; j < se->n_inst; j++)
				all[m++] = (uid_at){se->inst[j].ids[0].root, k, i, j};
		}
	}
	qsort(all, m, sizeof *all, uid_at_cmp);
	for (size_t a = 0, b; a < m; a = b) {
		for (b = a + 1; b < m && !strcmp(all[a].uid, all[b].uid); b++) {
			if (across_only && all[b].k == all[a].k)
				continue;
			char here[256], first[256];
			uid_path(here, sizeof here, &all[b], prefixes, studies);
			uid_path(first, sizeof first, &all[a], prefixes, studies);
			dc_add(&c->dc, CDAIMG_SEV_WARNING, CDAIMG_D_DUPLICATE, here, 0, NULL,
			       "%s is given twice (also at %s): a DICOM UID names one series or instance", all[b].uid, first);
		}
	}
}

prep_study *check_study(check_ctx *c, const cdaimg_study *s, const char *prefix)
{
	size_t before = c->dc.errors;
	const char *saved = c->prefix;
	prep_study *ps = arena_alloc(c->arena, sizeof *ps);
	if (!ps) {
		nomem(c);
		return NULL;
	}
	c->prefix = prefix;
	ps->ids = check_identifiers(c, "uuidInstanceExamen", s->ids, s->n_ids, &ps->n_ids);
	if (!s->date)
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "dateActe"),
		       "the date of the study is required (effectiveTime of FR-DICOM-Examen-imagerie in IMG-CR-IMG)");
	else
		ps->ts = check_date(c, "dateActe", s->date);
	ps->text = check_narrative(c, "description", &s->description);
	check_accession(c, &s->accession, &ps->accession);
	if (check_study_series(c, s, prefix, ps))
		warn_repeated_uids(c, s, &ps, 1, &prefix, false);
	c->prefix = saved;
	return c->dc.errors == before && !c->dc.nomem ? ps : NULL;
}

prep_study **check_studies(check_ctx *c, const cdaimg_study *studies, size_t n)
{
	c->in_catalog = true;
	prep_study **out = arena_alloc(c->arena, (n ? n : 1) * sizeof *out);
	if (!out) {
		nomem(c);
		return NULL;
	}
	char (*pre)[32] = arena_alloc(c->arena, (n ? n : 1) * sizeof *pre);
	const char **prefixes = arena_alloc(c->arena, (n ? n : 1) * sizeof *prefixes);
	if (!pre || !prefixes) {
		nomem(c);
		return NULL;
	}
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		if (n > 1)
			snprintf(pre[i], sizeof pre[i], "[%zu].", i);
		prefixes[i] = pre[i];
		out[i] = check_study(c, &studies[i], pre[i]);
		ok = out[i] != NULL && ok;
	}
	if (ok && n > 1)
		warn_repeated_uids(c, studies, out, n, prefixes, true);
	return ok ? out : NULL;
}

/* --- map ----------------------------------------------------------------------------------- */

void map_study_range(emitter *e, const map_opts *m, const prep_study *s, size_t first, size_t count)
{
	em_open(e, "act", "classCode", "ACT", "moodCode", "EVN", NULL);
	map_template_ids(e, m->p->tid[ROLE_STUDY]);
	map_ids(e, s->ids, s->n_ids);
	em_leaf(e, "code", "code", DCM_STUDY, "codeSystem", OID_DCM, "codeSystemName", "DCM", "displayName",
	        m->lang->study, NULL);
	if (s->text_ref) {
		em_start(e, "text");
		em_leaf(e, "reference", "value", s->text_ref, NULL);
		em_end(e);
	} else if (s->text) {
		em_text_el(e, "text", s->text);
	}
	if (s->ts)
		em_leaf(e, "effectiveTime", "value", s->ts, NULL);
	for (size_t i = first; i < first + count && i < s->n_series; i++) {
		em_open(e, "entryRelationship", "typeCode", "COMP", NULL);
		map_series(e, m, s->series[i]);
		em_end(e);
	}
	em_end(e); /* act */
}

void map_study(emitter *e, const map_opts *m, const prep_study *s)
{
	map_study_range(e, m, s, 0, s->n_series);
}

/* --- what a Study Act alone cannot carry --------------------------------------------------- */

void study_act_notes(check_ctx *c, const prep_study *ps, const char *prefix, int kind, bool act)
{
	const char *saved = c->prefix;
	c->prefix = prefix;
	if (ps->accession.root)
		dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, "accessionNumber"),
		        "%s has no place for the accession number: a document has it in its header "
		        "(inFulfillmentOf/order; ps3-20:accessionNumber in an IMG-CR-IMG report), where "
		        "cdaimg_document_build and cdaimg_document_put_studies write it; not written here",
		        act ? "a Study Act" : "an object catalog");
	const char *path = cpath(c, "serieImagerie[1]");
	c->prefix = saved;
	if (!act || ps->n_series < 2 || !c->p->act_per_series)
		return;
	if (kind == DOC_IMG_CR_IMG)
		dc_err(&c->dc, CDAIMG_D_CARDINALITY, path,
		       "an IMG-CR-IMG document wants one series per Study Act (its rule E_ExamenImagerie_IMG-CR-IMG): "
		       "put the study into the object catalog (cdaimg_section_put_studies, cdaimg_section_build), which "
		       "writes one Study Act per series");
	else
		dc_warn(&c->dc, CDAIMG_D_CARDINALITY, path,
		        "a Study Act of %zu series: in an IMG-CR-IMG document it fails E_ExamenImagerie_IMG-CR-IMG, which "
		        "wants one series per act (cdaimg_section_build writes one act per series)",
		        ps->n_series);
}

/* --- public call --------------------------------------------------------------------------- */

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
	prep_study *ps = check_init(&c, &a, opts, diags) ? check_study(&c, study, "") : NULL;
	if (ps) {
		target_warn_profile(&c.dc, parent, c.p);
		study_act_notes(&c, ps, "", target_kind(parent), true);
	}
	cdaimg_status st = dc_status(&c.dc);
	if (ps && st == CDAIMG_OK) {
		emitter e;
		dom_emitter d;
		dom_emitter_init(&e, &d, parent->doc, parent);
		map_study(&e, &(map_opts){c.p, c.lang}, ps);
		xmlNodePtr root = dom_emitter_finish(&d, !e.failed);
		if (!root) {
			dc_err(&c.dc, CDAIMG_D_NOMEM, "", "out of memory while building the study");
			st = CDAIMG_ENOMEM;
		} else if (out) {
			*out = root;
		}
	}
	arena_release(&a);
	return st;
}
