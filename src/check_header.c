/* SPDX-License-Identifier: MIT */
/* check_header.c - the values of an IMG-CR-IMG document: its header, field by
 * field as header.c describes them (identities required, the other fields
 * derived when left out), and its studies. */
#include <string.h>

#include "check.h"
#include "uid.h"

/* The path "header.<name>" of a field. */
static const fpath header_at = {NULL, "header", FP_NONE};

/* Every identity given, no string empty, every string XML text of at most
 * CHECK_MAX_VALUE bytes. One diagnostic per field, in the order of the
 * struct; @p bad[f] set for a field refused. */
static void header_strings(check_ctx *c, const cdaimg_document_header *h, bool *bad)
{
	for (hf_id f = 0; f < N_HF_STRINGS; f++) {
		const header_field *t = &header_fields[f];
		const char *v = hf_string(h, f);
		const fpath *at = FIELD(&header_at, t->name);
		if (!v && t->what)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at),
			       "%s is required: a document's header has no default identity", t->what);
		else if (v && !*v && t->what)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at), "empty value: %s is required", t->what);
		else if (v && !*v)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at), "empty value; leave the field out for the default");
		else if (v)
			bad[f] = !check_text(c, at, v);
	}
}

/* The coded values: the anatomical site is required, the contre-indications
 * optional (none: none known). */
static void header_codes(check_ctx *c, const cdaimg_document_header *h, prep_header *ph)
{
	size_t n;
	const header_field *t = &header_fields[HF_ANATOMICAL_SITE];
	const cdaimg_concept *site = hf_concepts(h, HF_ANATOMICAL_SITE, &n);
	if (site->n_codings || site->text)
		check_coded(c, FIELD(&header_at, t->name), site, t->vs, t->vs_name, &ph->site);
	else
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, &header_at, "%s", t->name),
		       "%s of the imaging act is required (%s of FR-DICOM-Technique-imagerie: a code of %s, e.g. "
		       "{\"system\": \"http://snomed.info/sct\", \"code\": \"302551006\", \"display\": \"thorax entier\"})",
		       t->what, t->attr, t->vs_name);
	t = &header_fields[HF_CONTRAINDICATIONS];
	const cdaimg_concept *cis = hf_concepts(h, HF_CONTRAINDICATIONS, &n);
	if (n) {
		ph->cis.v = check_coded_list(c, FIELD(&header_at, t->name), cis, n, t->vs, t->vs_name);
		ph->cis.n = ph->cis.v ? n : 0;
	}
}

/* @p v, a field of @p kind given (non-empty), as it is written; NULL when it
 * cannot be (reported). */
static const char *header_value(check_ctx *c, const header_field *t, const char *v, prep_header *ph)
{
	char why[128];
	const fpath *at = FIELD(&header_at, t->name);
	switch (t->kind) {
	case HF_OID:
		if (oid_valid(v, why, sizeof why))
			return v;
		dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cfield(c, at), "\"%.64s\" is not an OID (%s)", v, why);
		return NULL;
	case HF_DATE:
		return check_date(c, at, v);
	case HF_GENDER: {
		const gender *g = gender_of_code(v);
		if (g) {
			ph->gender_name = g->display;
			return g->code;
		}
		dc_err(&c->dc, CDAIMG_D_CODE_UNKNOWN, cfield(c, at),
		       "\"%.20s\" is not an administrative gender; expected M, F or U", v);
		return NULL;
	}
	case HF_NUMBER: {
		/* exactly the number: the prefix is the build's to write, and what
		 * extraction takes off (a round trip gives the number back) */
		if (strlen(v) != t->plain_len || strspn(v, t->chars) != t->plain_len) {
			strbuf b = {0};
			sb_add_quoted(&b, v);
			dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cfield(c, at),
			       "%s is not %s: %zu characters (%s) expected, without the prefix \"%s\" the build writes",
			       b.s && !b.failed ? b.s : "the value", t->what, t->plain_len, t->chars_name, t->prefix);
			sb_free(&b);
			return NULL;
		}
		size_t np = strlen(t->prefix);
		char *s = check_alloc(c, np + t->plain_len + 1);
		if (!s)
			return NULL;
		memcpy(s, t->prefix, np);
		memcpy(s + np, v, t->plain_len + 1);
		return s;
	}
	case HF_TEXT:
	case HF_CODE:
	case HF_CODES:
		break;
	}
	return v;
}

/* What a field left out becomes. */
static const char *header_default(check_ctx *c, const header_field *t, const char *seed, const char *study_ts)
{
	char uid[72];
	switch (t->dflt_kind) {
	case HF_DERIVED:
		derived_uid(uid, seed, t->dflt);
		return check_dup(c, uid);
	case HF_STUDY_DATE:
		return study_ts;
	case HF_FIXED:
		return t->dflt;
	case HF_NONE:
		break;
	}
	return NULL;
}

static prep_header *check_header(check_ctx *c, const cdaimg_document_header *h, const char *study_ts,
                                 const char *seed)
{
	size_t before = c->dc.errors;
	prep_header *ph = check_alloc(c, sizeof *ph);
	if (!ph)
		return NULL;
	bool bad[N_HF_STRINGS] = {false};
	header_strings(c, h, bad);
	header_codes(c, h, ph);
	for (hf_id f = 0; f < N_HF_STRINGS; f++) {
		const char *v = hf_string(h, f);
		if (bad[f])
			continue;
		ph->v[f] = v && *v ? header_value(c, &header_fields[f], v, ph)
		                   : header_default(c, &header_fields[f], seed, study_ts);
	}
	return c->dc.errors == before && !c->dc.nomem ? ph : NULL;
}

/* The IID links built from referenceWado.base name the document they are in
 * (D5, idCDA=<document id>): its root, or <root>.<extension> as for the
 * accession number. */
static bool name_document_in_links(check_ctx *c, prep_study **ps, size_t n, const prep_header *ph)
{
	const char *id = arena_join(c->arena, ph->v[HF_DOCUMENT_ID_ROOT], ".", ph->v[HF_DOCUMENT_ID_EXT]);
	if (!id) {
		check_nomem(c);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ps[i]->n_series; j++) {
			prep_series *se = ps[i]->series[j];
			for (size_t k = 0; k < se->n_inst; k++) {
				prep_instance *pi = &se->inst[k];
				if (pi->link_base &&
				    !relink_in_document(c, pi, ps[i]->ids[0].root, &ps[i]->accession, se->ids[0].root, id))
					return false;
			}
		}
	}
	return true;
}

cdaimg_status check_document(prep_document **out, check_ctx *c, const cdaimg_study *studies, size_t n,
                             const cdaimg_document_header *header)
{
	*out = NULL;
	if (!header) {
		dc_err(&c->dc, CDAIMG_D_ARG, "",
		       "invalid argument: 'header': a document needs its header's values (the patient, author and "
		       "organization); cdaimg_document_header_sample() gives fictitious ones");
		return CDAIMG_EARG;
	}
	if (!c->p->cisis)
		dc_err(&c->dc, CDAIMG_D_PROFILE, "", "an IMG-CR-IMG document is French CI-SIS: build it with the FR profile");
	prep_study **ps = check_studies(c, studies, n);
	const char *seed = ps ? prep_seed(c->arena, ps, n) : "";
	if (!seed)
		check_nomem(c);
	prep_header *ph = seed ? check_header(c, header, ps ? ps[0]->ts : NULL, seed) : NULL;
	if (ps && ph && c->p->cisis)
		name_document_in_links(c, ps, n, ph);
	cdaimg_status st = dc_status(&c->dc);
	if (!ps || !ph || st != CDAIMG_OK)
		return st;
	prep_document *d = check_alloc(c, sizeof *d);
	if (!d)
		return CDAIMG_ENOMEM;
	*d = (prep_document){ph, ps, n, seed};
	*out = d;
	return CDAIMG_OK;
}
