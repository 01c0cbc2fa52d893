/* SPDX-License-Identifier: MIT */
/* check_series.c - FrSerieImagerie: the series, its SOP instances (D8), and
 * the link to the images (D5), built from a base URL when asked. */
#include <string.h>

#include "check.h"
#include "link.h"

/* The URL of a link from its base and UIDs (D5); NULL on error, reported
 * under @p at (the link's field: "referenceWado.base"). */
static const char *link_url(check_ctx *c, const fpath *at, const cdaimg_link_params *lp)
{
	diag_ctx sub = dc_sub(&c->dc);
	sub.prefix = at;
	sub.lead = "cannot build the link from this base: ";
	char *url = NULL;
	link_build(&url, lp, c->p, &sub);
	dc_join(&c->dc, &sub);
	const char *res = url ? check_dup(c, url) : NULL;
	cd_free(url);
	return res;
}

/* referenceWado.base (the link @p at): the link built from the base URL and
 * the UIDs (D5). */
static const char *built_link(check_ctx *c, const fpath *at, const char *base, prep_instance *pi,
                              const char *series_uid, const char *sop_uid)
{
	if (!check_text(c, FIELD(at, "base"), base))
		return NULL;
	if (!c->study_uid) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "base"),
		       "building the link needs the Study Instance UID: give the series inside its study "
		       "(FrExamenImagerie), or give referenceWado.reference");
		return NULL;
	}
	/* an IID link also names the study by its accession number when it has one (D5) */
	const prep_id *acc = pi->kind == CDAIMG_LINK_IID ? c->accession : NULL;
	cdaimg_link_params lp = {pi->kind, base, c->study_uid, series_uid, sop_uid,
	                         acc ? acc->root : NULL, acc ? acc->ext : NULL, NULL, c->opts->profile};
	const char *url = link_url(c, at, &lp);
	/* inside a document, an IID link also names the document (idCDA), known later */
	if (url && pi->kind == CDAIMG_LINK_IID)
		pi->link_base = base;
	return url;
}

bool relink_in_document(check_ctx *c, prep_instance *pi, const char *study_uid, const prep_id *accession,
                        const char *series_uid, const char *document_id)
{
	const prep_id *acc = accession && accession->ext ? accession : NULL;
	cdaimg_link_params lp = {CDAIMG_LINK_IID, pi->link_base, study_uid, series_uid, pi->ids[0].root,
	                         acc ? acc->root : NULL, acc ? acc->ext : NULL, document_id, c->opts->profile};
	size_t before = c->dc.errors;
	const char *url = link_url(c, NULL, &lp);
	if (url)
		pi->reference = url;
	return c->dc.errors == before;
}

/* referenceWado.iHEInvokeImage: the kind of link, into pi->kind. */
static bool check_link_kind(check_ctx *c, const fpath *at, const cdaimg_concept *k, prep_instance *pi)
{
	bool ok = check_codings_text(c, at, k);
	if (k->n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at),
		       "the kind of link is required: ihe-iid, dicom-wado-uri or dicom-wado-rs");
		return false;
	}
	const cdaimg_coding *cd = &k->codings[0];
	if (cd->system && !system_is(cd->system, OID_LINK_KIND, SYS_LINK_KIND)) {
		dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, at, "coding[0].system"), "the kind of link is coded in %s",
		       SYS_LINK_KIND);
		return false;
	}
	if ((pi->kind = link_kind_from_code(cd->code)) == LINK_NONE) {
		dc_err(&c->dc, CDAIMG_D_LINK_KIND, cpath(c, at, "coding[0].code"),
		       "\"%.40s\" is not a kind of link cdaimg knows; expected ihe-iid, dicom-wado-uri or dicom-wado-rs",
		       cd->code ? cd->code : "");
		return false;
	}
	return ok;
}

/* referenceWado.typeMedia: application/dicom (D5). */
static bool check_media_type(check_ctx *c, const fpath *at, const cdaimg_concept *k, prep_instance *pi)
{
	bool ok = check_codings_text(c, at, k);
	if (k->n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at), "the media type is required: " MEDIA_TYPE_DICOM);
		return false;
	}
	const cdaimg_coding *cd = &k->codings[0];
	if (cd->system && !system_is(cd->system, OID_MEDIA_TYPE, SYS_MEDIA_TYPE)) {
		dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, at, "coding[0].system"), "a media type is coded in %s",
		       SYS_MEDIA_TYPE);
		return false;
	}
	if (!cd->code || strcmp(cd->code, MEDIA_TYPE_DICOM)) {
		dc_err(&c->dc, CDAIMG_D_MEDIA_TYPE, cpath(c, at, "coding[0].code"),
		       "\"%.60s\": the link to DICOM images has media type " MEDIA_TYPE_DICOM " (PS3.20, CI-SIS)",
		       cd->code ? cd->code : "");
		return false;
	}
	pi->media_type = MEDIA_TYPE_DICOM;
	return ok;
}

/* referenceWado (@p at): kind, media type, URL, checked against the entry's UIDs. */
static bool check_link(check_ctx *c, const fpath *at, const cdaimg_image_link *l, const char *series_uid,
                       const char *sop_uid, prep_instance *pi)
{
	bool ok = check_link_kind(c, FIELD(at, "iHEInvokeImage"), &l->kind, pi);
	ok = check_media_type(c, FIELD(at, "typeMedia"), &l->media_type, pi) && ok;
	const char *reference = l->reference;
	if (!reference && l->base) {
		if (!ok || !series_uid || !sop_uid)
			return false;
		reference = built_link(c, at, l->base, pi, series_uid, sop_uid);
		if (!reference)
			return false;
	}
	if (!reference || !*reference) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "reference"), "the link URL is required");
		return false;
	}
	if (!check_text(c, FIELD(at, "reference"), reference))
		return false;
	diag_ctx sub = dc_sub(&c->dc);
	sub.prefix = FIELD(at, "reference");
	link_check(&sub, "", reference, pi->kind, c->study_uid, series_uid, sop_uid);
	dc_join(&c->dc, &sub);
	if (sub.errors)
		return false;
	pi->reference = reference;
	return ok;
}

/* nombreCadresReferences (D4). */
static bool check_frames(check_ctx *c, const fpath *at, int64_t n)
{
	bool ok = true;
	if (n < 1 || n > INT32_MAX) {
		dc_err(&c->dc, CDAIMG_D_RANGE, cfield(c, at),
		       "%lld frames: the number of referenced frames is from 1 to 2147483647", (long long)n);
		ok = false;
	}
	if (c->p->frames_as_list && n > MAX_LISTED_FRAMES) {
		dc_err(&c->dc, CDAIMG_D_RANGE, cfield(c, at), "%lld frames: the %s profile lists each frame number, at most %d",
		       (long long)n, c->p->name, MAX_LISTED_FRAMES);
		ok = false;
	}
	if (c->p->bare_sop_in_catalog && c->in_catalog) {
		dc_err(&c->dc, CDAIMG_D_PROFILE, cfield(c, at),
		       "%s forbids children of a SOP Instance Observation inside a DICOM Object Catalog", c->p->title);
		ok = false;
	}
	return ok;
}

/* instanceSOP (@p at), its link being @p link at @p link_at. */
static bool check_instance(check_ctx *c, const fpath *at, const cdaimg_instance *in, const cdaimg_image_link *link,
                           const fpath *link_at, const char *series_uid, prep_instance *pi)
{
	pi->ids = check_identifiers(c, FIELD(at, "uuidSOPInstance"), in->ids, in->n_ids, &pi->n_ids);
	bool ok = pi->ids != NULL;
	ok = check_sop_class(c, FIELD(at, "classeSOP"), &in->sop_class, &pi->sop_class) && ok;
	size_t before = c->dc.errors;
	pi->text = check_narrative(c, FIELD(at, "description"), &in->description);
	ok = check_status(c, FIELD(at, "statut"), in->status, &pi->status) && ok;
	pi->ts = check_date(c, FIELD(at, "date"), in->date);
	if (in->has_frame_count) {
		ok = check_frames(c, FIELD(at, "nombreCadresReferences"), in->frame_count) && ok;
		pi->has_frames = true;
		pi->frames = in->frame_count;
	}
	ok = ok && c->dc.errors == before;
	const char *sop_uid = pi->ids ? pi->ids[0].root : NULL;
	return check_link(c, link_at, link, series_uid, sop_uid, pi) && ok;
}

prep_series *check_series(check_ctx *c, const fpath *at, const cdaimg_series *s)
{
	size_t errors_before = c->dc.errors;
	prep_series *ps = check_alloc(c, sizeof *ps);
	if (!ps)
		return NULL;
	ps->ids = check_identifiers(c, FIELD(at, "uuidSerie"), s->ids, s->n_ids, &ps->n_ids);
	for (size_t i = 1; ps->ids && i < ps->n_ids && c->p->series_id_root; i++)
		if (ps->ids[i].ext)
			dc_err(&c->dc, CDAIMG_D_PROFILE, cpath(c, at, "uuidSerie[%zu]", i),
			       "the %s Series Act id has no extension: give a urn:oid: or urn:uuid: value", c->p->title);
	check_modality(c, FIELD(at, "code"), &s->modality, &ps->modality);
	ps->text = check_narrative(c, FIELD(at, "description"), &s->description);
	ps->ts = check_date(c, FIELD(at, "date"), s->date);
	if (!s->instances || s->n_instances == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "instanceSOP"), "the series references one SOP instance");
	} else if (s->n_instances > 1 && c->p->one_instance) {
		dc_err(&c->dc, CDAIMG_D_CARDINALITY, cpath(c, at, "instanceSOP[1]"),
		       "the %s profile has exactly one SOP instance per series (D8)", c->p->title);
	} else {
		ps->inst = check_alloc(c, s->n_instances * sizeof *ps->inst);
		if (!ps->inst)
			return NULL;
		ps->n_inst = s->n_instances;
		const char *series_uid = ps->ids ? ps->ids[0].root : NULL;
		for (size_t i = 0; i < s->n_instances; i++) {
			const cdaimg_instance *in = &s->instances[i];
			const fpath *inst_at = ITEM(at, "instanceSOP", s->n_instances == 1 ? FP_NONE : i);
			/* the instance's own link (D8), else the series' */
			bool own = in->link.reference != NULL;
			check_instance(c, inst_at, in, own ? &in->link : &s->link,
			               own ? FIELD(inst_at, "referenceWado") : FIELD(at, "referenceWado"), series_uid,
			               &ps->inst[i]);
		}
	}
	return c->dc.errors == errors_before && !c->dc.nomem ? ps : NULL;
}
