/* SPDX-License-Identifier: MIT */
/* extract_values.c - the values of an imaging entry read back (extract.c):
 * identifiers (D2), codes, dates, status (D3), frames (D4), the link to the
 * images (D5), the SOP instances and the series. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "link.h"
#include "uid.h"


/* An id that is not a DICOM UID slot: root + extension, or a root alone. */
static void extra_id(xctx *x, const xmlNode *id, const char *root, const char *ext, cdaimg_identifier *out)
{
	char q[256], why[128];
	unsigned char b[16];
	bool uuid = uuid_parse(root, b);
	if (ext) {
		out->system = uuid ? x_lower_uuid(x, "urn:uuid:", root) : x_cat(x, "urn:oid:", root);
		out->value = x_dup(x, ext);
		return;
	}
	out->system = SYS_URI;
	if (uuid) {
		out->value = x_lower_uuid(x, "urn:uuid:", root);
		return;
	}
	if (!oid_valid(root, why, sizeof why))
		x_diag(x, CDAIMG_SEV_WARNING, id, "root %s is neither an OID nor a UUID (%s)", x_quote(x, q, root), why);
	out->value = x_cat(x, "urn:oid:", root);
}

/* The first id: a DICOM UID, back as system urn:dicom:uid, value urn:oid:X. */
static void uid_id(xctx *x, const xmlNode *id, const char *root, const char *ext, cdaimg_identifier *out)
{
	char q[256], why[128];
	unsigned char b[16];
	if (ext) {
		x_diag(x, CDAIMG_SEV_ERROR, id,
		      "the id of a DICOM UID has an extension (expected a root only); read as system urn:oid:<root>");
		extra_id(x, id, root, ext, out);
		return;
	}
	out->system = SYS_DICOM_UID;
	if (uuid_parse(root, b)) {
		x_diag(x, CDAIMG_SEV_ERROR, id, "root %s is a UUID, not a DICOM UID (2.25.<integer> is its DICOM form); read as urn:uuid:",
		      x_quote(x, q, root));
		out->value = x_lower_uuid(x, "urn:uuid:", root);
		return;
	}
	if (!uid_valid(root, why, sizeof why))
		x_diag(x, CDAIMG_SEV_ERROR, id, "root %s is not a DICOM UID (%s)", x_quote(x, q, root), why);
	out->value = x_cat(x, "urn:oid:", root);
}

/* Every <id> child of @p el; the first one kept is a DICOM UID slot. */
void x_ids(xctx *x, const xmlNode *el, const cdaimg_identifier **out, size_t *n_out)
{
	size_t n = 0, k = 0;
	for (const xmlNode *c = x_child(el, "id"); c; c = x_sibling(c, "id"))
		n++;
	*out = NULL;
	*n_out = 0;
	cdaimg_identifier *ids = n ? arena_alloc(x->a, n * sizeof *ids) : NULL;
	if (n && !ids) {
		x_nomem(x);
		return;
	}
	for (const xmlNode *c = x_child(el, "id"); c; c = x_sibling(c, "id")) {
		const char *root = x_attr(x, c, "root"), *ext = x_attr(x, c, "extension");
		if (!root || !*root) {
			x_diag(x, CDAIMG_SEV_WARNING, c, "an id without root carries no identifier; skipped");
			continue;
		}
		if (k == 0)
			uid_id(x, c, root, ext, &ids[k]);
		else
			extra_id(x, c, root, ext, &ids[k]);
		k++;
	}
	*out = ids;
	*n_out = k;
	if (!k)
		x_diag(x, CDAIMG_SEV_ERROR, el, "no id: the %s UID is missing",
		      tg_hl7_or_none(el, "observation") ? "SOP Instance" : "Study or Series Instance");
}

/* FHIR system of a CDA codeSystem OID. */
static const char *fhir_system(xctx *x, const char *oid)
{
	if (!oid)
		return NULL;
	if (!strcmp(oid, OID_DCM))
		return SYS_DCM;
	if (!strcmp(oid, OID_DCMUID))
		return SYS_DCMUID;
	return x_cat(x, "urn:oid:", oid);
}

static void read_coding(xctx *x, const xmlNode *code, cdaimg_concept *out)
{
	x_concept(x, out, fhir_system(x, x_attr(x, code, "codeSystem")), x_attr(x, code, "code"),
	         x_attr(x, code, "displayName"));
}

/* D1: the modality is code/qualifier/value (the qualifier named 121139,
 * else the first with a value); a code other than 113015 is the modality. */
static void read_modality(xctx *x, const xmlNode *act, cdaimg_concept *out)
{
	const xmlNode *code = x_child(act, "code"), *found = NULL;
	for (const xmlNode *q = x_child(code, "qualifier"); q && !found; q = x_sibling(q, "qualifier")) {
		const xmlNode *v = x_child(q, "value");
		if (v && x_attr_is(x, x_child(q, "name"), "code", DCM_MODALITY))
			found = v;
	}
	for (const xmlNode *q = x_child(code, "qualifier"); q && !found; q = x_sibling(q, "qualifier"))
		found = x_child(q, "value");
	if (!found && code && x_attr(x, code, "code") && !x_attr_is(x, code, "code", DCM_SERIES))
		found = code;
	if (!found || !x_attr(x, found, "code")) {
		x_diag(x, CDAIMG_SEV_ERROR, code ? code : act,
		      "no modality: expected code/qualifier (name " DCM_MODALITY ") with a value");
		return;
	}
	read_coding(x, found, out);
}

const char *x_time(xctx *x, const xmlNode *owner)
{
	const xmlNode *et = x_child(owner, "effectiveTime"), *at = et;
	const char *ts = x_attr(x, et, "value");
	if (et && !ts) {
		at = x_child(et, "low");
		ts = x_attr(x, at, "value");
	}
	return ts ? x_ts(x, at, ts) : NULL;
}

/* D3: the status. No statusCode (C-CDA and the ANS example write none) is a
 * warning; a statusCode the build would refuse, without a code (a
 * nullFlavor) or with one that is not an ActStatus, an error. */
static const char *read_status(xctx *x, const xmlNode *obs)
{
	const xmlNode *sc = x_child(obs, "statusCode");
	const char *code = x_attr(x, sc, "code"), *known = act_status_of(code);
	char q[256];
	if (!sc)
		x_diag(x, CDAIMG_SEV_WARNING, obs, "no statusCode/@code: the statut of the SOP instance is absent");
	else if (!code)
		x_diag(x, CDAIMG_SEV_ERROR, sc,
		       "statusCode without a code (%s): the statut of the SOP instance, which the build requires, is absent",
		       x_attr(x, sc, "nullFlavor") ? "a nullFlavor" : "no code attribute");
	else if (!known)
		x_diag(x, CDAIMG_SEV_ERROR, sc, "statusCode %s is not an HL7 ActStatus code (" ACT_STATUS_CODES ")",
		       x_quote(x, q, code));
	return known;
}

static bool parse_count(const char *s, int64_t *n)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 1 || v > INT32_MAX) /* the range the check stage takes (D4) */
		return false;
	*n = v;
	return true;
}

/* D4: IVL_INT low 1 high N (FR), or N INT values (PS3.20, C-CDA). */
static void read_boundary(xctx *x, const xmlNode *obs, cdaimg_instance *in)
{
	int64_t ints = 0;
	for (const xmlNode *v = x_child(obs, "value"); v; v = x_sibling(v, "value")) {
		const xmlNode *high = x_child(v, "high");
		if (high) {
			if (!parse_count(x_attr(x, high, "value"), &in->frame_count))
				x_diag(x, CDAIMG_SEV_ERROR, high, "the number of referenced frames is not an integer from 1 to 2147483647");
			else
				in->has_frame_count = 1;
			return;
		}
		ints += x_attr(x, v, "value") != NULL;
	}
	if (ints) {
		in->has_frame_count = 1;
		in->frame_count = ints;
	}
}

/* An observation reached by an entryRelationship of @p parent, with @p code. */
static const xmlNode *related_obs(xctx *x, const xmlNode *parent, const char *code)
{
	for (const xmlNode *er = x_child(parent, "entryRelationship"); er; er = x_sibling(er, "entryRelationship")) {
		const xmlNode *o = x_child(er, "observation");
		if (o && x_attr_is(x, x_child(o, "code"), "code", code))
			return o;
	}
	return NULL;
}

static void read_frames(xctx *x, const xmlNode *obs, cdaimg_instance *in)
{
	const xmlNode *frames = related_obs(x, obs, DCM_FRAMES);
	const xmlNode *boundary = frames ? related_obs(x, frames, DCM_BOUNDARY) : NULL;
	if (boundary)
		read_boundary(x, boundary, in);
	else if (frames)
		x_diag(x, CDAIMG_SEV_WARNING, frames, "Referenced Frames without a Frames for Display (" DCM_BOUNDARY ") boundary");
}

/* @p url without its white space (the ANS sample's links have some); caller frees. */
static char *squeeze(xctx *x, const char *url)
{
	char *s = cd_strdup(url), *o = s;
	if (!s) {
		x_nomem(x);
		return NULL;
	}
	for (const char *p = url; *p; p++)
		if (!strchr(" \t\r\n", *p))
			*o++ = *p;
	*o = '\0';
	return s;
}

/* D5: the kind of link from the URL's shape. link_kind_infer says LINK_NONE
 * when its one allocation (the requestType parameter) fails: a LINK_NONE is
 * checked again, so that running out of memory is never taken for an answer. */
static cdaimg_link_kind infer(xctx *x, const char *url)
{
	cdaimg_link_kind k = url ? link_kind_infer(url) : LINK_NONE;
	if (!url || k != LINK_NONE)
		return k;
	bool found;
	char *rt = url_query_param(url, "requestType", false, &found);
	if (found && !rt)
		x_nomem(x);
	else if (rt && !strcmp(rt, "WADO") && link_kind_infer(url) != LINK_NONE)
		x_nomem(x); /* the first call ran out of memory */
	cd_free(rt);
	return k;
}

/* The UID a DICOM UID identifier carries (urn:oid: form), or NULL. */
const char *x_uid_of(const cdaimg_identifier *ids, size_t n)
{
	return n && ids[0].value && !strncmp(ids[0].value, "urn:oid:", 8) ? ids[0].value + 8 : NULL;
}

/* The path of a reference, made only when a link check reports. */
typedef struct lazy_ref {
	xctx *x;
	const xmlNode *ref;
} lazy_ref;

static char *ref_path(void *payload)
{
	lazy_ref *r = payload;
	return x_path(r->x, r->ref);
}

/* The link's syntax and its UIDs against the entry's (D5), reported as warnings
 * at the reference with the link checks' own codes. */
static void check_link(xctx *x, const xmlNode *ref, const char *url, const char *squeezed, cdaimg_link_kind k,
                       const char *sop_uid)
{
	if (!x->dc.diags)
		return;
	lazy_ref at = {x, ref};
	diag_ctx sub = dc_sub(&x->dc);
	sub.lazy_prefix = ref_path;
	sub.lazy_payload = &at;
	sub.line = xmlGetLineNo(ref);
	sub.cap = true;
	link_check(&sub, "", url, k, x->study_uid, x->series_uid, sop_uid);
	if (squeezed) {
		sub.tail = " (the link read without its white space)";
		link_check(&sub, "", squeezed, k, x->study_uid, x->series_uid, sop_uid);
	}
	dc_join(&x->dc, &sub);
}

static void read_link(xctx *x, const xmlNode *obs, const char *sop_uid, cdaimg_image_link *l)
{
	char q[256];
	const xmlNode *t = x_child(obs, "text"), *ref = x_child(t, "reference");
	const char *mt = x_attr(x, t, "mediaType"), *url = x_attr(x, ref, "value");
	if (!url || !*url) {
		x_diag(x, CDAIMG_SEV_WARNING, t ? t : obs, "no text/reference/@value: the link to the images is absent");
		return;
	}
	if (mt)
		x_concept(x, &l->media_type, SYS_MEDIA_TYPE, mt, NULL);
	else
		x_diag(x, CDAIMG_SEV_WARNING, t, "the link has no mediaType (application/dicom expected)");
	l->reference = x_dup(x, url);
	char *squeezed = strpbrk(url, " \t\r\n") ? squeeze(x, url) : NULL;
	cdaimg_link_kind k = infer(x, url);
	if (k == LINK_NONE)
		k = infer(x, squeezed);
	if (k != LINK_NONE)
		x_concept(x, &l->kind, SYS_LINK_KIND, link_kind_code(k), NULL);
	else
		x_diag(x, CDAIMG_SEV_WARNING, ref,
		      "the kind of link (ihe-iid, dicom-wado-uri, dicom-wado-rs) cannot be inferred from %s",
		      x_quote(x, q, url));
	check_link(x, ref, url, squeezed, k, sop_uid);
	cd_free(squeezed);
}

static void read_instance(xctx *x, const xmlNode *obs, cdaimg_instance *in, cdaimg_image_link *link)
{
	x_ids(x, obs, &in->ids, &in->n_ids);
	const xmlNode *code = x_child(obs, "code");
	if (code && x_attr(x, code, "code"))
		read_coding(x, code, &in->sop_class);
	else
		x_diag(x, CDAIMG_SEV_ERROR, code ? code : obs, "no code: the SOP class is missing");
	x_narrative(x, x_child(code, "originalText"), &in->description);
	in->status = read_status(x, obs);
	in->date = x_time(x, obs);
	read_frames(x, obs, in);
	read_link(x, obs, x_uid_of(in->ids, in->n_ids), link);
}

static const xmlNode *sop_obs(xctx *x, const xmlNode *er)
{
	const xmlNode *o = x_child(er, "observation");
	return o && x_has_role(x, o, ROLE_SOP) ? o : NULL;
}

static void read_instances(xctx *x, const xmlNode *act, cdaimg_series *s)
{
	size_t n = 0, k = 0;
	for (const xmlNode *er = x_child(act, "entryRelationship"); er; er = x_sibling(er, "entryRelationship"))
		n += sop_obs(x, er) != NULL;
	if (!n) {
		x_diag(x, CDAIMG_SEV_ERROR, act, "the Series Act has no SOP Instance Observation (template %s)",
		      profile_get(CDAIMG_PROFILE_DICOM)->tid[ROLE_SOP][0]);
		return;
	}
	cdaimg_instance *in = arena_alloc(x->a, n * sizeof *in);
	if (!in) {
		x_nomem(x);
		return;
	}
	for (const xmlNode *er = x_child(act, "entryRelationship"); er; er = x_sibling(er, "entryRelationship")) {
		const xmlNode *o = sop_obs(x, er);
		if (o) {
			read_instance(x, o, &in[k], n == 1 ? &s->link : &in[k].link);
			k++;
		}
	}
	if (n > 1)
		s->link = in[0].link; /* D8: each instance keeps its own link too */
	s->instances = in;
	s->n_instances = n;
}

void x_series(xctx *x, const xmlNode *act, cdaimg_series *s)
{
	x_ids(x, act, &s->ids, &s->n_ids);
	read_modality(x, act, &s->modality);
	x_narrative(x, x_child(act, "text"), &s->description);
	s->date = x_time(x, act);
	x->series_uid = x_uid_of(s->ids, s->n_ids);
	read_instances(x, act, s);
	x->series_uid = NULL;
}
