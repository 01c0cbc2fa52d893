/* SPDX-License-Identifier: MIT */
/* check_study.c - FrExamenImagerie: a study, its series (with the study's UID
 * for the links), the studies of a catalog, the UIDs given twice, and what a
 * Study Act or a catalog built on its own cannot carry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sha1.h"
#include "target.h"
#include "uid.h"

static bool check_accession(check_ctx *c, const fpath *at, const cdaimg_identifier *id, prep_id *out)
{
	char why[128];
	out->root = out->ext = NULL;
	if (!id->system && !id->value)
		return true;
	const char *sys = id->system;
	if (!sys || strncmp(sys, "urn:oid:", 8) || !oid_valid(sys + 8, why, sizeof why)) {
		dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cpath(c, at, "system"),
		       "the accession number needs the OID of its assigning authority as system urn:oid:<OID>");
		return false;
	}
	if (!id->value || !*id->value) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "value"), "the accession number has no value");
		return false;
	}
	if (!check_text(c, FIELD(at, "value"), id->value))
		return false;
	out->root = check_dup(c, sys + 8);
	out->ext = check_dup(c, id->value);
	return out->root && out->ext;
}

/* The position of series @p i of @p s under the study at @p at:
 * "serieImagerie" when it is the only one, else "serieImagerie[i]". */
static fpath series_at(const fpath *at, const cdaimg_study *s, size_t i)
{
	return (fpath){at, "serieImagerie", s->n_series == 1 ? FP_NONE : i};
}

/* The series of @p s, with the study's UID and accession number for their links. */
static bool check_study_series(check_ctx *c, const fpath *at, const cdaimg_study *s, prep_study *ps)
{
	if (!s->series || s->n_series == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "serieImagerie"), "a study holds at least one series");
		return false;
	}
	ps->series = check_alloc(c, s->n_series * sizeof *ps->series);
	if (!ps->series)
		return false;
	ps->n_series = s->n_series;
	c->study_uid = ps->ids ? ps->ids[0].root : NULL;
	c->accession = ps->accession.ext ? &ps->accession : NULL;
	bool ok = true;
	for (size_t i = 0; i < s->n_series; i++) {
		fpath here = series_at(at, s, i);
		ps->series[i] = check_series(c, &here, &s->series[i]);
		ok = ps->series[i] != NULL && ok;
	}
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

/* The field path of the UID @p u, as the checks write it. */
static const char *uid_path(check_ctx *c, const uid_at *u, const fpath *const *study_at, const cdaimg_study *studies)
{
	const cdaimg_study *st = &studies[u->k];
	fpath se = series_at(study_at[u->k], st, u->i);
	if (u->j == SIZE_MAX)
		return cpath(c, &se, "uuidSerie[0].value");
	const fpath inst = {&se, "instanceSOP", st->series[u->i].n_instances == 1 ? FP_NONE : u->j};
	return cpath(c, &inst, "uuidSOPInstance[0].value");
}

/* Warn about every Series or SOP Instance UID given more than once among
 * @p n studies (only between different studies when @p across_only): each UID
 * names one series or instance, so the entries would repeat one another, and
 * reading the document back merges them. Warnings, not errors: the document
 * stays valid. Called on checked studies only: every series is there, each
 * with its UID and its instances'. */
static void warn_repeated_uids(check_ctx *c, const cdaimg_study *studies, prep_study *const *ps, size_t n,
                               const fpath *const *study_at, bool across_only)
{
	size_t total = 0;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ps[k]->n_series; i++)
			total += 1 + ps[k]->series[i]->n_inst;
	uid_at *all = check_alloc(c, total * sizeof *all);
	if (!all)
		return;
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
			const char *here = uid_path(c, &all[b], study_at, studies);
			const char *first = uid_path(c, &all[a], study_at, studies);
			dc_add(&c->dc, CDAIMG_SEV_WARNING, CDAIMG_D_DUPLICATE, here, 0, NULL,
			       "%s is given twice (also at %s): a DICOM UID names one series or instance", all[b].uid, first);
		}
	}
}

/* The study's own values: identifiers, date, description, accession number. */
static void check_study_values(check_ctx *c, const fpath *at, const cdaimg_study *s, prep_study *ps)
{
	ps->ids = check_identifiers(c, FIELD(at, "uuidInstanceExamen"), s->ids, s->n_ids, &ps->n_ids);
	if (!s->date)
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "dateActe"),
		       "the date of the study is required (effectiveTime of FR-DICOM-Examen-imagerie in IMG-CR-IMG)");
	else
		ps->ts = check_date(c, FIELD(at, "dateActe"), s->date);
	ps->text = check_narrative(c, FIELD(at, "description"), &s->description);
	check_accession(c, FIELD(at, "accessionNumber"), &s->accession, &ps->accession);
}

prep_study *check_study(check_ctx *c, const fpath *at, const cdaimg_study *s)
{
	size_t before = c->dc.errors;
	prep_study *ps = check_alloc(c, sizeof *ps);
	if (!ps)
		return NULL;
	check_study_values(c, at, s, ps);
	if (check_study_series(c, at, s, ps))
		warn_repeated_uids(c, s, &ps, 1, &at, false);
	return c->dc.errors == before && !c->dc.nomem ? ps : NULL;
}

prep_study **check_studies(check_ctx *c, const cdaimg_study *studies, size_t n)
{
	c->in_catalog = true;
	prep_study **out = check_alloc(c, (n ? n : 1) * sizeof *out);
	fpath *items = out ? check_alloc(c, (n ? n : 1) * sizeof *items) : NULL;
	const fpath **study_at = items ? check_alloc(c, (n ? n : 1) * sizeof *study_at) : NULL;
	if (!study_at)
		return NULL;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		items[i] = (fpath){NULL, "", i};
		study_at[i] = n > 1 ? &items[i] : NULL; /* "[i]" when there are several */
		out[i] = check_study(c, study_at[i], &studies[i]);
		ok = out[i] != NULL && ok;
	}
	if (ok && n > 1)
		warn_repeated_uids(c, studies, out, n, study_at, true);
	return ok ? out : NULL;
}

const char *prep_seed(arena *a, prep_study *const *ps, size_t n)
{
	strbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		sb_add(&b, ps[i]->ids[0].root);
		sb_addc(&b, ';');
	}
	if (b.s && !b.failed && b.len > SEED_MAX) {
		/* every derived id hashes its seed, and a document derives some per study */
		unsigned char digest[20];
		sha1_ctx c;
		sha1_init(&c);
		sha1_update(&c, b.s, b.len);
		sha1_final(&c, digest);
		b.len = 0;
		sb_add(&b, "sha1:");
		for (int i = 0; i < 20; i++)
			sb_addf(&b, "%02x", digest[i]);
	}
	char *s = b.s && !b.failed ? arena_strdup(a, b.s) : NULL;
	sb_free(&b);
	return s;
}

void check_study_alone(check_ctx *c, const fpath *at, const prep_study *ps, int kind, bool act)
{
	if (ps->accession.root)
		dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, at, "accessionNumber"),
		        "%s has no place for the accession number: a document has it in its header "
		        "(inFulfillmentOf/order; ps3-20:accessionNumber in an IMG-CR-IMG report), where "
		        "cdaimg_document_build and cdaimg_document_put_studies write it; not written here",
		        act ? "a Study Act" : "an object catalog");
	if (!act || ps->n_series < 2 || !c->p->act_per_series)
		return;
	if (kind == DOC_IMG_CR_IMG)
		dc_err(&c->dc, CDAIMG_D_CARDINALITY, cpath(c, at, "serieImagerie[1]"),
		       "an IMG-CR-IMG document wants one series per Study Act (its rule E_ExamenImagerie_IMG-CR-IMG): "
		       "put the study into the object catalog (cdaimg_section_put_studies, cdaimg_section_build), which "
		       "writes one Study Act per series");
	else
		dc_warn(&c->dc, CDAIMG_D_CARDINALITY, cpath(c, at, "serieImagerie[1]"),
		        "a Study Act of %zu series: in an IMG-CR-IMG document it fails E_ExamenImagerie_IMG-CR-IMG, which "
		        "wants one series per act (cdaimg_section_build writes one act per series)",
		        ps->n_series);
}
