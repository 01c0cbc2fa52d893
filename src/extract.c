/* SPDX-License-Identifier: MIT */
/*
 * extract.c - read CDA back: every Series Act of a document as values
 * (FrSerieImagerie, grouped in FrExamenImagerie when a Study Act holds them).
 *
 * The inverse of series.c / check.c, with the normalisations MAPPING.md
 * documents: identifiers come back in FHIR form (a DICOM UID slot as system
 * urn:dicom:uid, value urn:oid:X, a 2.25.N UID included), code systems in
 * their FHIR spelling, HL7 TS as FHIR dateTime (+0000 -> Z), narratives as
 * an XHTML div of the text (lines -> <p>), the link kind inferred from the
 * URL (D5), the frame count read from the Referenced Frames boundary (D4).
 * Everything lives in the value set's arena; problems are CDAIMG_D_EXTRACT
 * diagnostics with the element's line and path, and reading goes on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "datetime.h"
#include "docread.h"
#include "link.h"
#include "narrative.h"
#include "profile.h"
#include "uid.h"
#include "values.h"
#include "valuesets.h"


#define SYS_DCMUID_URN "urn:oid:" OID_DCMUID

typedef struct id_entry {
	const char *id;
	const xmlNode *node;
	size_t order;
} id_entry;

typedef struct xctx {
	diag_ctx dc;
	cdaimg_values *v;
	arena *a;
	xmlDocPtr doc;
	id_entry *ids; /* narrative ID -> element, built on the first reference */
	size_t n_ids, cap_ids;
	bool ids_ready;
	const char *study_uid, *series_uid; /* of the entry being read, for the link checks */
} xctx;

/* --- small helpers ----------------------------------------------------------------------- */

static void nomem(xctx *x) { x->dc.nomem = true; }

static char *xdup(xctx *x, const char *s)
{
	char *d = arena_strdup(x->a, s);
	if (!d && s)
		nomem(x);
	return d;
}

static char *xcat(xctx *x, const char *prefix, const char *s)
{
	size_t p = strlen(prefix), n = strlen(s);
	char *d = arena_alloc(x->a, p + n + 1);
	if (!d) {
		nomem(x);
		return NULL;
	}
	memcpy(d, prefix, p);
	memcpy(d + p, s, n);
	return d;
}

static char *lower_uuid(xctx *x, const char *prefix, const char *uuid)
{
	char *d = xcat(x, prefix, uuid);
	for (char *p = d ? d + strlen(prefix) : NULL; p && *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* An element of the HL7 v3 namespace (or of none) named @p name (NULL: any). */
static bool hl7_elem(const xmlNode *n, const char *name)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return false;
	if (n->ns && (!n->ns->href || strcmp((const char *)n->ns->href, HL7_NS) != 0))
		return false;
	return !name || !strcmp((const char *)n->name, name);
}

static const xmlNode *next_named(const xmlNode *n, const char *name)
{
	for (; n; n = n->next)
		if (hl7_elem(n, name))
			return n;
	return NULL;
}

static const xmlNode *child(const xmlNode *n, const char *name) { return n ? next_named(n->children, name) : NULL; }

static const xmlNode *sibling(const xmlNode *n, const char *name) { return next_named(n->next, name); }

/* Value of an attribute without namespace; NULL when absent. */
static const char *attr(xctx *x, const xmlNode *n, const char *name)
{
	if (!n)
		return NULL;
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns || strcmp((const char *)a->name, name) != 0)
			continue;
		const xmlNode *c = a->children;
		if (!c)
			return "";
		if (c->type == XML_TEXT_NODE && !c->next)
			return (const char *)c->content;
		xmlChar *s = xmlNodeListGetString(x->doc, c, 1);
		if (!s) {
			nomem(x);
			return NULL;
		}
		char *d = xdup(x, (const char *)s);
		xmlFree(s);
		return d;
	}
	return NULL;
}

static bool attr_is(xctx *x, const xmlNode *n, const char *name, const char *value)
{
	const char *v = attr(x, n, name);
	return v && !strcmp(v, value);
}

/* @p n has the template id @p root. */
static bool has_template(xctx *x, const xmlNode *n, const char *root)
{
	for (const xmlNode *t = child(n, "templateId"); t; t = sibling(t, "templateId"))
		if (attr_is(x, t, "root", root))
			return true;
	return false;
}

/* @p n has the template id of @p role in some profile (the entries of every family are read). */
static bool has_role(xctx *x, const xmlNode *n, tid_role role)
{
	for (const xmlNode *t = child(n, "templateId"); t; t = sibling(t, "templateId"))
		if (profile_tid_is(role, attr(x, t, "root")))
			return true;
	return false;
}

static bool is_act(xctx *x, const xmlNode *n, tid_role role) { return hl7_elem(n, "act") && has_role(x, n, role); }

/* --- diagnostics ------------------------------------------------------------------------- */

static void xdiag(xctx *x, cdaimg_severity sev, const xmlNode *n, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void xdiag(xctx *x, cdaimg_severity sev, const xmlNode *n, const char *fmt, ...)
{
	char *path = NULL;
	if (x->dc.diags && !(path = cdaimg_node_path(n)))
		nomem(x);
	va_list ap;
	va_start(ap, fmt);
	dc_vadd(&x->dc, sev, CDAIMG_D_EXTRACT, path ? path : "", n ? xmlGetLineNo(n) : 0, NULL, fmt, ap);
	va_end(ap);
	cd_free(path);
}

/* @p s quoted for a message (at most ~60 characters), in @p buf. */
static const char *quote(xctx *x, char buf[256], const char *s)
{
	strbuf b = {0};
	sb_add_quoted(&b, s ? s : "");
	if (b.failed)
		nomem(x);
	snprintf(buf, 256, "%s", b.s && !b.failed ? b.s : "\"\"");
	sb_free(&b);
	return buf;
}

/* --- narrative references and text ------------------------------------------------------- */

/* The narrative IDs of the document, sorted (libxml2's hash table is not
 * used: the 2.9 series ignores a failed copy of the key). */
static void add_id(xctx *x, const char *id, const xmlNode *n)
{
	if (x->n_ids == x->cap_ids) {
		size_t cap = x->cap_ids ? x->cap_ids * 2 : 32;
		id_entry *e = cd_realloc(x->ids, cap * sizeof *e);
		if (!e) {
			nomem(x);
			return;
		}
		x->ids = e;
		x->cap_ids = cap;
	}
	x->ids[x->n_ids] = (id_entry){id, n, x->n_ids};
	x->n_ids++;
}

static void index_ids(xctx *x, const xmlNode *n)
{
	for (; n && !x->dc.nomem; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *id = attr(x, n, "ID");
		if (id && *id)
			add_id(x, id, n);
		index_ids(x, n->children);
	}
}

/* By ID, then document order (the first element of an ID wins). */
static int id_order(const void *a, const void *b)
{
	const id_entry *p = a, *q = b;
	int c = strcmp(p->id, q->id);
	return c ? c : (p->order > q->order) - (p->order < q->order);
}

/* The element whose ID attribute is @p id, or NULL. */
static const xmlNode *resolve(xctx *x, const char *id)
{
	if (!x->ids_ready) {
		x->ids_ready = true;
		index_ids(x, x->doc->children);
		if (x->n_ids)
			qsort(x->ids, x->n_ids, sizeof *x->ids, id_order);
	}
	size_t lo = 0, hi = x->n_ids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->ids[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n_ids && !strcmp(x->ids[lo].id, id) ? x->ids[lo].node : NULL;
}

static bool name_in(const xmlNode *n, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp((const char *)n->name, names[i]))
			return true;
	return false;
}

/* Raw text of a CDA narrative (or XHTML) fragment: line breaks for <br> and
 * block elements, a space between table cells; ED references are skipped.
 * In a narrative block a newline of the source is only white space; in an
 * inline ED (@p keep_newlines) it ends a line, as the builder writes them. */
static void text_walk(strbuf *b, const xmlNode *n, bool keep_newlines)
{
	static const char *const blocks[] = {"paragraph", "list", "item", "table", "thead", "tbody", "tfoot",
	                                     "tr", "caption", "p", "div", "li", "ul", "ol", NULL};
	static const char *const cells[] = {"td", "th", NULL};
	static const char *const skipped[] = {"reference", "thumbnail", NULL};
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			for (const char *c = n->content ? (const char *)n->content : ""; *c; c++)
				sb_addc(b, *c == '\n' && !keep_newlines ? ' ' : *c);
		} else if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "br")) {
			sb_addc(b, '\n');
		} else if (n->type == XML_ELEMENT_NODE && !name_in(n, skipped)) {
			char sep = name_in(n, blocks) ? '\n' : name_in(n, cells) ? ' ' : '\0';
			if (sep)
				sb_addc(b, sep);
			text_walk(b, n->children, keep_newlines);
			if (sep)
				sb_addc(b, sep);
		}
	}
}

/* Lines of @p s with runs of white space folded to one space, trimmed, empty
 * lines dropped (the form narrative_text gives). NULL when nothing is left. */
static char *tidy(xctx *x, const char *s)
{
	strbuf o = {0};
	bool line_empty = true, need_nl = false, space = false;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '\n') {
			need_nl = need_nl || !line_empty;
			line_empty = true;
			space = false;
		} else if (*p == ' ' || *p == '\t' || *p == '\r') {
			space = !line_empty;
		} else {
			if (need_nl || space)
				sb_addc(&o, need_nl ? '\n' : ' ');
			need_nl = space = false;
			line_empty = false;
			sb_addc(&o, *p);
		}
	}
	if (o.failed)
		nomem(x);
	char *res = o.len && !o.failed ? xdup(x, o.s) : NULL;
	sb_free(&o);
	return res;
}

static char *node_text(xctx *x, const xmlNode *children, bool keep_newlines)
{
	strbuf b = {0};
	text_walk(&b, children, keep_newlines);
	if (b.failed)
		nomem(x);
	char *t = b.failed ? NULL : tidy(x, b.s);
	sb_free(&b);
	return t;
}

/* Text of an ED (act/text, code/originalText): inline, or the content its
 * <reference value="#id"/> points to. NULL when there is none. */
static char *ed_text(xctx *x, const xmlNode *ed)
{
	char q[256];
	char *t = node_text(x, ed->children, true);
	const xmlNode *ref = child(ed, "reference");
	const char *v = attr(x, ref, "value");
	if (t || !v || !*v)
		return t;
	if (v[0] != '#') {
		xdiag(x, CDAIMG_SEV_WARNING, ref, "reference %s is outside the document; its text is not read",
		      quote(x, q, v));
		return NULL;
	}
	const xmlNode *target = resolve(x, v + 1);
	if (!target) {
		if (!x->dc.nomem)
			xdiag(x, CDAIMG_SEV_ERROR, ref, "dangling reference %s: no element of the document has this ID",
			      quote(x, q, v));
		return NULL;
	}
	return node_text(x, target->children, false);
}

/* D6: the text back as a FHIR Narrative. */
static void read_narrative(xctx *x, const xmlNode *ed, cdaimg_narrative *out)
{
	char *t = ed ? ed_text(x, ed) : NULL;
	if (!t)
		return;
	out->div = narrative_div(x->a, t);
	if (!out->div)
		nomem(x);
	else
		out->status = "generated";
}

/* --- identifiers (D2) -------------------------------------------------------------------- */

/* An id that is not a DICOM UID slot: root + extension, or a root alone. */
static void extra_id(xctx *x, const xmlNode *id, const char *root, const char *ext, cdaimg_identifier *out)
{
	char q[256], why[128];
	unsigned char b[16];
	bool uuid = uuid_parse(root, b);
	if (ext) {
		out->system = uuid ? lower_uuid(x, "urn:uuid:", root) : xcat(x, "urn:oid:", root);
		out->value = xdup(x, ext);
		return;
	}
	out->system = SYS_URI;
	if (uuid) {
		out->value = lower_uuid(x, "urn:uuid:", root);
		return;
	}
	if (!oid_valid(root, why, sizeof why))
		xdiag(x, CDAIMG_SEV_WARNING, id, "root %s is neither an OID nor a UUID (%s)", quote(x, q, root), why);
	out->value = xcat(x, "urn:oid:", root);
}

/* The first id: a DICOM UID, back as system urn:dicom:uid, value urn:oid:X. */
static void uid_id(xctx *x, const xmlNode *id, const char *root, const char *ext, cdaimg_identifier *out)
{
	char q[256], why[128];
	unsigned char b[16];
	if (ext) {
		xdiag(x, CDAIMG_SEV_ERROR, id,
		      "the id of a DICOM UID has an extension (expected a root only); read as system urn:oid:<root>");
		extra_id(x, id, root, ext, out);
		return;
	}
	out->system = SYS_DICOM_UID;
	if (uuid_parse(root, b)) {
		xdiag(x, CDAIMG_SEV_ERROR, id, "root %s is a UUID, not a DICOM UID (2.25.<integer> is its DICOM form); read as urn:uuid:",
		      quote(x, q, root));
		out->value = lower_uuid(x, "urn:uuid:", root);
		return;
	}
	if (!uid_valid(root, why, sizeof why))
		xdiag(x, CDAIMG_SEV_ERROR, id, "root %s is not a DICOM UID (%s)", quote(x, q, root), why);
	out->value = xcat(x, "urn:oid:", root);
}

/* Every <id> child of @p el; the first one kept is a DICOM UID slot. */
static void read_ids(xctx *x, const xmlNode *el, const cdaimg_identifier **out, size_t *n_out)
{
	size_t n = 0, k = 0;
	for (const xmlNode *c = child(el, "id"); c; c = sibling(c, "id"))
		n++;
	*out = NULL;
	*n_out = 0;
	cdaimg_identifier *ids = n ? arena_alloc(x->a, n * sizeof *ids) : NULL;
	if (n && !ids) {
		nomem(x);
		return;
	}
	for (const xmlNode *c = child(el, "id"); c; c = sibling(c, "id")) {
		const char *root = attr(x, c, "root"), *ext = attr(x, c, "extension");
		if (!root || !*root) {
			xdiag(x, CDAIMG_SEV_WARNING, c, "an id without root carries no identifier; skipped");
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
		xdiag(x, CDAIMG_SEV_ERROR, el, "no id: the %s UID is missing",
		      hl7_elem(el, "observation") ? "SOP Instance" : "Study or Series Instance");
}

/* --- codes, dates, status ---------------------------------------------------------------- */

/* FHIR system of a CDA codeSystem OID. */
static const char *fhir_system(xctx *x, const char *oid)
{
	if (!oid)
		return NULL;
	if (!strcmp(oid, OID_DCM))
		return SYS_DCM;
	if (!strcmp(oid, OID_DCMUID))
		return SYS_DCMUID_URN;
	return xcat(x, "urn:oid:", oid);
}

static void concept1(xctx *x, cdaimg_concept *out, const char *system, const char *code, const char *display)
{
	cdaimg_coding *cd = arena_alloc(x->a, sizeof *cd);
	if (!cd) {
		nomem(x);
		return;
	}
	cd->system = system;
	cd->code = xdup(x, code);
	cd->display = xdup(x, display);
	out->codings = cd;
	out->n_codings = 1;
}

static void read_coding(xctx *x, const xmlNode *code, cdaimg_concept *out)
{
	concept1(x, out, fhir_system(x, attr(x, code, "codeSystem")), attr(x, code, "code"),
	         attr(x, code, "displayName"));
}

/* D1: the modality is code/qualifier/value (the qualifier named 121139,
 * else the first with a value); a code other than 113015 is the modality. */
static void read_modality(xctx *x, const xmlNode *act, cdaimg_concept *out)
{
	const xmlNode *code = child(act, "code"), *found = NULL;
	for (const xmlNode *q = child(code, "qualifier"); q && !found; q = sibling(q, "qualifier")) {
		const xmlNode *v = child(q, "value");
		if (v && attr_is(x, child(q, "name"), "code", DCM_MODALITY))
			found = v;
	}
	for (const xmlNode *q = child(code, "qualifier"); q && !found; q = sibling(q, "qualifier"))
		found = child(q, "value");
	if (!found && code && attr(x, code, "code") && !attr_is(x, code, "code", DCM_SERIES))
		found = code;
	if (!found || !attr(x, found, "code")) {
		xdiag(x, CDAIMG_SEV_ERROR, code ? code : act,
		      "no modality: expected code/qualifier (name " DCM_MODALITY ") with a value");
		return;
	}
	read_coding(x, found, out);
}

/* @p ts as FHIR dateTime; NULL (reported) when it is not a date. */
static const char *convert_ts(xctx *x, const xmlNode *at, const char *ts)
{
	char out[64], why[160], q[256];
	bool lossy = false;
	/* ts_check passes exactly what ts_to_fhir converts (and validate's date check is ts_check) */
	if (!ts_check(ts, why, sizeof why) || !ts_to_fhir(ts, out, &lossy)) {
		xdiag(x, CDAIMG_SEV_ERROR, at, "%s is not a valid date (%s); the date is left out", quote(x, q, ts), why);
		return NULL;
	}
	const char *t = strchr(out, 'T');
	const char *zone = t ? strpbrk(t, "Z+-") : NULL;
	if (lossy && t && !zone)
		xdiag(x, CDAIMG_SEV_WARNING, at, "%s has no time zone, which a FHIR dateTime with a time needs; read as %s",
		      quote(x, q, ts), out);
	else if (lossy)
		xdiag(x, CDAIMG_SEV_WARNING, at, "%s has no FHIR equivalent (hour or minute precision, or a zone on a date); read as %s",
		      quote(x, q, ts), out);
	return xdup(x, out);
}

static const char *read_time(xctx *x, const xmlNode *owner)
{
	const xmlNode *et = child(owner, "effectiveTime"), *at = et;
	const char *ts = attr(x, et, "value");
	if (et && !ts) {
		at = child(et, "low");
		ts = attr(x, at, "value");
	}
	return ts ? convert_ts(x, at, ts) : NULL;
}

static const char *read_status(xctx *x, const xmlNode *obs)
{
	const xmlNode *sc = child(obs, "statusCode");
	const char *code = attr(x, sc, "code");
	if (!code)
		xdiag(x, CDAIMG_SEV_WARNING, sc ? sc : obs, "no statusCode/@code: the statut of the SOP instance is absent");
	return xdup(x, code);
}

/* --- SOP instance ----------------------------------------------------------------------- */

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
	for (const xmlNode *v = child(obs, "value"); v; v = sibling(v, "value")) {
		const xmlNode *high = child(v, "high");
		if (high) {
			if (!parse_count(attr(x, high, "value"), &in->frame_count))
				xdiag(x, CDAIMG_SEV_ERROR, high, "the number of referenced frames is not an integer from 1 to 2147483647");
			else
				in->has_frame_count = 1;
			return;
		}
		ints += attr(x, v, "value") != NULL;
	}
	if (ints) {
		in->has_frame_count = 1;
		in->frame_count = ints;
	}
}

/* An observation reached by an entryRelationship of @p parent, with @p code. */
static const xmlNode *related_obs(xctx *x, const xmlNode *parent, const char *code)
{
	for (const xmlNode *er = child(parent, "entryRelationship"); er; er = sibling(er, "entryRelationship")) {
		const xmlNode *o = child(er, "observation");
		if (o && attr_is(x, child(o, "code"), "code", code))
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
		xdiag(x, CDAIMG_SEV_WARNING, frames, "Referenced Frames without a Frames for Display (" DCM_BOUNDARY ") boundary");
}

/* @p url without its white space (the ANS sample's links have some); caller frees. */
static char *squeeze(xctx *x, const char *url)
{
	char *s = cd_strdup(url), *o = s;
	if (!s) {
		nomem(x);
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
		nomem(x);
	else if (rt && !strcmp(rt, "WADO") && link_kind_infer(url) != LINK_NONE)
		nomem(x); /* the first call ran out of memory */
	cd_free(rt);
	return k;
}

/* The UID a DICOM UID identifier carries (urn:oid: form), or NULL. */
static const char *uid_of(const cdaimg_identifier *ids, size_t n)
{
	return n && ids[0].value && !strncmp(ids[0].value, "urn:oid:", 8) ? ids[0].value + 8 : NULL;
}

/* The link's syntax and its UIDs against the entry's (D5), reported as warnings
 * at the reference with the link checks' own codes. */
static void check_link(xctx *x, const xmlNode *ref, const char *url, const char *squeezed, cdaimg_link_kind k,
                       const char *sop_uid)
{
	if (!x->dc.diags)
		return;
	char *path = cdaimg_node_path(ref);
	if (!path) {
		nomem(x);
		return;
	}
	const fpath at = {NULL, path, FP_NONE};
	diag_ctx sub = dc_sub(&x->dc);
	sub.prefix = &at;
	sub.line = xmlGetLineNo(ref);
	sub.cap = true;
	link_check(&sub, "", url, k, x->study_uid, x->series_uid, sop_uid);
	if (squeezed) {
		sub.tail = " (the link read without its white space)";
		link_check(&sub, "", squeezed, k, x->study_uid, x->series_uid, sop_uid);
	}
	dc_join(&x->dc, &sub);
	cd_free(path);
}

static void read_link(xctx *x, const xmlNode *obs, const char *sop_uid, cdaimg_image_link *l)
{
	char q[256];
	const xmlNode *t = child(obs, "text"), *ref = child(t, "reference");
	const char *mt = attr(x, t, "mediaType"), *url = attr(x, ref, "value");
	if (!url || !*url) {
		xdiag(x, CDAIMG_SEV_WARNING, t ? t : obs, "no text/reference/@value: the link to the images is absent");
		return;
	}
	if (mt)
		concept1(x, &l->media_type, SYS_MEDIA_TYPE, mt, NULL);
	else
		xdiag(x, CDAIMG_SEV_WARNING, t, "the link has no mediaType (application/dicom expected)");
	l->reference = xdup(x, url);
	char *squeezed = strpbrk(url, " \t\r\n") ? squeeze(x, url) : NULL;
	cdaimg_link_kind k = infer(x, url);
	if (k == LINK_NONE)
		k = infer(x, squeezed);
	if (k != LINK_NONE)
		concept1(x, &l->kind, SYS_LINK_KIND, link_kind_code(k), NULL);
	else
		xdiag(x, CDAIMG_SEV_WARNING, ref,
		      "the kind of link (ihe-iid, dicom-wado-uri, dicom-wado-rs) cannot be inferred from %s",
		      quote(x, q, url));
	check_link(x, ref, url, squeezed, k, sop_uid);
	cd_free(squeezed);
}

static void read_instance(xctx *x, const xmlNode *obs, cdaimg_instance *in, cdaimg_image_link *link)
{
	read_ids(x, obs, &in->ids, &in->n_ids);
	const xmlNode *code = child(obs, "code");
	if (code && attr(x, code, "code"))
		read_coding(x, code, &in->sop_class);
	else
		xdiag(x, CDAIMG_SEV_ERROR, code ? code : obs, "no code: the SOP class is missing");
	read_narrative(x, child(code, "originalText"), &in->description);
	in->status = read_status(x, obs);
	in->date = read_time(x, obs);
	read_frames(x, obs, in);
	read_link(x, obs, uid_of(in->ids, in->n_ids), link);
}

/* --- series and study -------------------------------------------------------------------- */

static const xmlNode *sop_obs(xctx *x, const xmlNode *er)
{
	const xmlNode *o = child(er, "observation");
	return o && has_role(x, o, ROLE_SOP) ? o : NULL;
}

static void read_instances(xctx *x, const xmlNode *act, cdaimg_series *s)
{
	size_t n = 0, k = 0;
	for (const xmlNode *er = child(act, "entryRelationship"); er; er = sibling(er, "entryRelationship"))
		n += sop_obs(x, er) != NULL;
	if (!n) {
		xdiag(x, CDAIMG_SEV_ERROR, act, "the Series Act has no SOP Instance Observation (template %s)",
		      profile_get(CDAIMG_PROFILE_DICOM)->tid[ROLE_SOP][0]);
		return;
	}
	cdaimg_instance *in = arena_alloc(x->a, n * sizeof *in);
	if (!in) {
		nomem(x);
		return;
	}
	for (const xmlNode *er = child(act, "entryRelationship"); er; er = sibling(er, "entryRelationship")) {
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

static void read_series(xctx *x, const xmlNode *act, cdaimg_series *s)
{
	read_ids(x, act, &s->ids, &s->n_ids);
	read_modality(x, act, &s->modality);
	read_narrative(x, child(act, "text"), &s->description);
	s->date = read_time(x, act);
	x->series_uid = uid_of(s->ids, s->n_ids);
	read_instances(x, act, s);
	x->series_uid = NULL;
}

/* Series Acts under @p n in document order (not inside another Series or
 * Study Act); fills @p out when given. Returns how many. */
static size_t find_series(xctx *x, const xmlNode *n, const xmlNode **out)
{
	size_t k = 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (!hl7_elem(c, NULL))
			continue;
		if (is_act(x, c, ROLE_SERIES)) {
			if (out)
				out[k] = c;
			k++;
		} else if (!is_act(x, c, ROLE_STUDY)) {
			k += find_series(x, c, out ? out + k : NULL);
		}
	}
	return k;
}

static void read_study_series(xctx *x, const xmlNode *act, cdaimg_study *st)
{
	size_t n = find_series(x, act, NULL);
	if (!n) {
		xdiag(x, CDAIMG_SEV_WARNING, act, "the Study Act holds no Series Act");
		return;
	}
	const xmlNode **acts = cd_malloc(n * sizeof *acts);
	cdaimg_series *s = arena_alloc(x->a, n * sizeof *s);
	if (!acts || !s) {
		cd_free(acts);
		nomem(x);
		return;
	}
	find_series(x, act, acts);
	for (size_t i = 0; i < n && !x->dc.nomem; i++)
		read_series(x, acts[i], &s[i]);
	cd_free(acts);
	st->series = s;
	st->n_series = n;
}

static void push(xctx *x, cdaimg_item item)
{
	if (!values_push(x->v, item))
		nomem(x);
}

static bool same_str(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* The study already read with the same Study Instance UID, or NULL. */
static cdaimg_study *known_study(xctx *x, const cdaimg_study *st)
{
	const char *uid = st->n_ids ? st->ids[0].value : NULL;
	for (size_t i = 0; uid && i < x->v->count; i++) {
		const cdaimg_item *it = &x->v->items[i];
		if (it->kind == CDAIMG_ITEM_STUDY && it->study->n_ids && same_str(it->study->ids[0].value, uid))
			return (cdaimg_study *)(uintptr_t)it->study; /* allocated here, in the value set's arena */
	}
	return NULL;
}

/* Documents give each series its own Study Act (IMG-CR-IMG): Study Acts of
 * one Study Instance UID are one study, their series in document order. */
static void merge_study(xctx *x, const xmlNode *act, cdaimg_study *into, const cdaimg_study *st)
{
	if (!same_str(into->date, st->date) || !same_str(into->description.div, st->description.div))
		xdiag(x, CDAIMG_SEV_WARNING, act,
		      "a Study Act of a study already read, with another date or description: its series join the study "
		      "as first read");
	if (!st->n_series)
		return;
	cdaimg_series *s = arena_alloc(x->a, (into->n_series + st->n_series) * sizeof *s);
	if (!s) {
		nomem(x);
		return;
	}
	if (into->n_series)
		memcpy(s, into->series, into->n_series * sizeof *s);
	memcpy(s + into->n_series, st->series, st->n_series * sizeof *s);
	into->series = s;
	into->n_series += st->n_series;
}

static void add_study(xctx *x, const xmlNode *act)
{
	cdaimg_study *st = arena_alloc(x->a, sizeof *st);
	if (!st) {
		nomem(x);
		return;
	}
	read_ids(x, act, &st->ids, &st->n_ids);
	st->date = read_time(x, act);
	read_narrative(x, child(act, "text"), &st->description);
	x->study_uid = uid_of(st->ids, st->n_ids);
	read_study_series(x, act, st);
	x->study_uid = NULL;
	cdaimg_study *known = known_study(x, st);
	if (known)
		merge_study(x, act, known, st);
	else
		push(x, (cdaimg_item){CDAIMG_ITEM_STUDY, NULL, st});
}

static void add_series(xctx *x, const xmlNode *act)
{
	cdaimg_series *s = arena_alloc(x->a, sizeof *s);
	if (!s) {
		nomem(x);
		return;
	}
	read_series(x, act, s);
	push(x, (cdaimg_item){CDAIMG_ITEM_SERIES, s, NULL});
}

static void scan(xctx *x, const xmlNode *n)
{
	for (; n && !x->dc.nomem; n = n->next) {
		if (!hl7_elem(n, NULL))
			continue;
		if (is_act(x, n, ROLE_STUDY))
			add_study(x, n);
		else if (is_act(x, n, ROLE_SERIES))
			add_series(x, n);
		else
			scan(x, n->children);
	}
}

/* ps3-20:accessionNumber of the document's orders (inFulfillmentOf/order), in
 * order; fills @p out when given. Returns how many. */
static size_t accession_numbers(const xmlNode *root, const xmlNode **out)
{
	size_t k = 0;
	for (const xmlNode *f = child(root, "inFulfillmentOf"); f; f = sibling(f, "inFulfillmentOf")) {
		for (const xmlNode *a = child(child(f, "order"), NULL); a; a = a->next) {
			if (a->type != XML_ELEMENT_NODE || !a->ns || strcmp((const char *)a->ns->href, PS3_20_NS) ||
			    strcmp((const char *)a->name, "accessionNumber"))
				continue;
			if (out)
				out[k] = a;
			k++;
		}
	}
	return k;
}

/* The Study Act carries no accession number; a document's orders do, one
 * per study with one (MAPPING.md §4). They are given to the studies, in
 * order, when there are as many as Study Acts; otherwise none is. */
static void read_accessions(xctx *x, const xmlNode *root)
{
	size_t n_acc = hl7_elem(root, "ClinicalDocument") ? accession_numbers(root, NULL) : 0, n_st = 0;
	for (size_t i = 0; i < x->v->count; i++)
		n_st += x->v->items[i].kind == CDAIMG_ITEM_STUDY;
	if (!n_acc)
		return;
	if (n_acc != n_st) {
		dc_add(&x->dc, CDAIMG_SEV_INFO, CDAIMG_D_EXTRACT, "/ClinicalDocument", xmlGetLineNo(root), NULL,
		       "%zu accession numbers for %zu Study Acts: which study each belongs to is not known; none is given",
		       n_acc, n_st);
		return;
	}
	const xmlNode **acc = cd_malloc(n_acc * sizeof *acc);
	if (!acc) {
		nomem(x);
		return;
	}
	accession_numbers(root, acc);
	for (size_t i = 0, k = 0; i < x->v->count && !x->dc.nomem; i++) {
		if (x->v->items[i].kind != CDAIMG_ITEM_STUDY)
			continue;
		/* the study was allocated here, in the value set's arena */
		cdaimg_study *st = (cdaimg_study *)(uintptr_t)x->v->items[i].study;
		const char *root_oid = attr(x, acc[k], "root"), *ext = attr(x, acc[k], "extension");
		if (root_oid)
			st->accession.system = xcat(x, "urn:oid:", root_oid);
		st->accession.value = xdup(x, ext);
		k++;
	}
	cd_free(acc);
}

/* --- public calls ------------------------------------------------------------------------ */

cdaimg_status cdaimg_extract_doc(cdaimg_values **out, xmlDocPtr doc, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, doc);
	cdaimg_global_init();
	cdaimg_values *v = values_new();
	if (!v) {
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	xctx x = {dc, v, &v->arena, doc, NULL, 0, 0, false, NULL, NULL};
	scan(&x, doc->children);
	if (!x.dc.nomem)
		read_accessions(&x, xmlDocGetRootElement(doc));
	cd_free(x.ids);
	if (x.dc.nomem) {
		cdaimg_values_free(v);
		dc_err(&x.dc, CDAIMG_D_NOMEM, "", "out of memory while reading the document");
		return CDAIMG_ENOMEM;
	}
	*out = v;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_extract_memory(cdaimg_values **out, const char *data, size_t len, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, data);
	cdaimg_global_init();
	xmlDocPtr doc = NULL;
	cdaimg_status st = doc_parse(&doc, data, len, NULL, &dc);
	if (st == CDAIMG_OK && dc.nomem)
		st = CDAIMG_ENOMEM;
	if (st == CDAIMG_OK)
		st = cdaimg_extract_doc(out, doc, diags);
	xmlFreeDoc(doc);
	return st;
}

cdaimg_status cdaimg_extract_file(cdaimg_values **out, const char *path, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, path);
	cdaimg_global_init();
	char *data = NULL;
	size_t len = 0;
	cdaimg_status st = read_file_all(path, &data, &len, &dc);
	xmlDocPtr doc = NULL;
	if (st == CDAIMG_OK)
		st = doc_parse(&doc, data, len, path, &dc);
	cd_free(data);
	if (st == CDAIMG_OK && dc.nomem)
		st = CDAIMG_ENOMEM;
	if (st == CDAIMG_OK)
		st = cdaimg_extract_doc(out, doc, diags);
	xmlFreeDoc(doc);
	return st;
}

/* --- the document header ------------------------------------------------------------------ */

/* The roots of the ids document.c writes, and the prefixes it puts before an
 * RPPS (11 digits) or FINESS (9 characters) number. */
#define OID_RPPS "1.2.250.1.71.4.2.1"
#define OID_FINESS "1.2.250.1.71.4.2.2"

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

/* The text content of @p n as written (the build writes it as given); NULL
 * when absent or blank. */
static const char *text_of(xctx *x, const xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *s = xmlNodeGetContent(n);
	if (!s) {
		nomem(x);
		return NULL;
	}
	bool blank = true;
	for (const xmlChar *p = s; *p && blank; p++)
		blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
	const char *d = blank ? NULL : xdup(x, (const char *)s);
	xmlFree(s);
	return d;
}

/* The root of @p id when it is an OID; reported and left out otherwise. */
static const char *oid_of(xctx *x, const xmlNode *id, const char *what)
{
	const char *v = attr(x, id, "root");
	char why[128], q[256];
	if (v && !oid_valid(v, why, sizeof why)) {
		xdiag(x, CDAIMG_SEV_ERROR, id, "%s: %s is not an OID (%s); left out", what, quote(x, q, v), why);
		return NULL;
	}
	return v;
}

/* The extension of the first id of @p owner under @p root, without the
 * prefix the build adds to a number of @p len characters. */
static const char *number_of(xctx *x, const xmlNode *owner, const char *root, const char *prefix, size_t len,
                             const char *what)
{
	const xmlNode *id = child(owner, "id");
	for (; id && !attr_is(x, id, "root", root); id = sibling(id, "id"))
		;
	const char *v = nonempty(attr(x, id, "extension"));
	if (!v) {
		if (child(owner, "id"))
			xdiag(x, CDAIMG_SEV_WARNING, owner, "%s has no id under root %s; left out", what, root);
		return NULL;
	}
	size_t p = strlen(prefix);
	return strlen(v) == p + len && !strncmp(v, prefix, p) ? v + p : v;
}

static const char *gender_of(xctx *x, const xmlNode *g)
{
	const char *v = attr(x, g, "code");
	char q[256];
	if (v && strcmp(v, "M") && strcmp(v, "F") && strcmp(v, "U")) {
		xdiag(x, CDAIMG_SEV_ERROR, g, "%s is not an administrative gender the header takes (M, F or U); left out",
		      quote(x, q, v));
		return NULL;
	}
	return v;
}

static const char *time_of(xctx *x, const xmlNode *n)
{
	const char *ts = attr(x, n, "value");
	return ts ? convert_ts(x, n, ts) : NULL;
}

/* The first element @p name under @p n (depth first) with template @p root. */
static const xmlNode *first_templated(xctx *x, const xmlNode *n, const char *name, const char *root)
{
	for (const xmlNode *c = n ? n->children : NULL; c && !x->dc.nomem; c = c->next) {
		if (!hl7_elem(c, NULL))
			continue;
		if (!strcmp((const char *)c->name, name) && has_template(x, c, root))
			return c;
		const xmlNode *found = first_templated(x, c, name, root);
		if (found)
			return found;
	}
	return NULL;
}

/* A coded value of the header (CD @p el) as a CodeableConcept of one coding,
 * its system in FHIR form (a URI cdaimg knows, else urn:oid:); nothing when
 * @p el has no code (a nullFlavor). Reported and left out when the build
 * could not write it: its codeSystem is not one of the value set @p t's.
 * Whether the code is in @p t is the build's to judge (opts.strict). */
static void coded_of(xctx *x, const xmlNode *el, const char *what, const vs_table *t, const char *vs_name,
                     cdaimg_concept *out)
{
	const char *code = nonempty(attr(x, el, "code")), *oid = attr(x, el, "codeSystem");
	char q[256];
	if (!code)
		return;
	if (!vs_system(t, oid)) {
		xdiag(x, CDAIMG_SEV_ERROR, el, "%s: codeSystem %s is not a code system of %s; left out", what,
		      quote(x, q, oid ? oid : ""), vs_name);
		return;
	}
	const code_system *cs = cs_by_oid(oid);
	concept1(x, out, cs && cs->uri ? cs->uri : xcat(x, "urn:oid:", oid), code,
	         nonempty(attr(x, el, "displayName")));
}

/* Is @p n an FR-DICOM-Observation of contre-indications (code 64100-1)? */
static bool is_contraindication(xctx *x, const xmlNode *n)
{
	return hl7_elem(n, "observation") && has_template(x, n, TID_OBSERVATION_FR) &&
	       attr_is(x, child(n, "code"), "code", LOINC_CONTRAINDICATIONS);
}

/* Count (@p out NULL) or read the contre-indications under @p n, from @p k on.
 * A negated one (negationInd="true") is the statement that none is known:
 * no value. */
static size_t contraindications_of(xctx *x, const xmlNode *n, cdaimg_concept *out, size_t k)
{
	for (const xmlNode *c = n ? n->children : NULL; c && !x->dc.nomem; c = c->next) {
		if (!hl7_elem(c, NULL))
			continue;
		if (!is_contraindication(x, c)) {
			k = contraindications_of(x, c, out, k);
			continue;
		}
		if (attr_is(x, c, "negationInd", "true"))
			continue;
		const xmlNode *v = child(c, "value");
		if (!nonempty(attr(x, v, "code"))) {
			if (!out)
				xdiag(x, CDAIMG_SEV_WARNING, c, "a contre-indication without a coded value; left out");
			continue;
		}
		if (out)
			coded_of(x, v, "the contre-indication", &vs_contraindication, "JDV_Contre_indications_CISIS", &out[k]);
		k++;
	}
	return k;
}

static void read_contraindications(xctx *x, const xmlNode *doc, cdaimg_document_header *h)
{
	size_t n = contraindications_of(x, doc, NULL, 0);
	cdaimg_concept *cis = n ? arena_alloc(x->a, n * sizeof *cis) : NULL;
	if (n && !cis) {
		nomem(x);
		return;
	}
	contraindications_of(x, doc, cis, 0);
	/* a value left out (codeSystem not an OID) has no coding */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (cis[i].n_codings)
			cis[k++] = cis[i];
	h->contraindications = k ? cis : NULL;
	h->n_contraindications = k;
}

/* The fields of cdaimg_document_header, where document.c writes them. */
static void read_header(xctx *x, const xmlNode *doc, cdaimg_document_header *h)
{
	const xmlNode *id = child(doc, "id");
	h->document_id_root = oid_of(x, id, "the document id");
	h->document_id_ext = nonempty(attr(x, id, "extension"));
	h->set_id_root = oid_of(x, child(doc, "setId"), "setId");
	h->effective_time = time_of(x, child(doc, "effectiveTime"));
	h->title = text_of(x, child(doc, "title"));

	const xmlNode *role = child(child(doc, "recordTarget"), "patientRole");
	const xmlNode *pid = child(role, "id");
	h->patient_id_root = oid_of(x, pid, "the patient's id");
	h->patient_ins = nonempty(attr(x, pid, "extension"));
	const xmlNode *patient = child(role, "patient"), *pname = child(patient, "name");
	h->patient_given = text_of(x, child(pname, "given"));
	h->patient_family = text_of(x, child(pname, "family"));
	h->patient_gender = gender_of(x, child(patient, "administrativeGenderCode"));
	h->patient_birth = time_of(x, child(patient, "birthTime"));

	const xmlNode *author = child(child(doc, "author"), "assignedAuthor");
	h->author_rpps = number_of(x, author, OID_RPPS, "8", 11, "the author");
	const xmlNode *aname = child(child(author, "assignedPerson"), "name");
	h->author_given = text_of(x, child(aname, "given"));
	h->author_family = text_of(x, child(aname, "family"));

	const xmlNode *org =
		child(child(child(doc, "custodian"), "assignedCustodian"), "representedCustodianOrganization");
	h->organization_name = text_of(x, child(org, "name"));
	h->organization_id = number_of(x, org, OID_FINESS, "1", 9, "the custodian organization");

	/* the first FR-DICOM-Technique-imagerie: the build writes the same site in each */
	const xmlNode *proc = first_templated(x, doc, "procedure", TID_TECHNIQUE_FR);
	coded_of(x, child(proc, "targetSiteCode"), "the anatomical site", &vs_anatomical_site,
	         "JDV_LocalisationAnatomique_CISIS", &h->anatomical_site);
	read_contraindications(x, doc, h);
}

cdaimg_status cdaimg_extract_header(cdaimg_document_header **out, xmlDocPtr doc, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, doc);
	cdaimg_global_init();
	arena a = {0};
	xctx x = {dc, NULL, &a, doc, NULL, 0, 0, false, NULL, NULL};
	cdaimg_document_header h = {0};
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (hl7_elem(root, "ClinicalDocument"))
		read_header(&x, root, &h);
	else
		xdiag(&x, CDAIMG_SEV_ERROR, root, "not a ClinicalDocument: only a document has a header");
	cdaimg_document_header *packed = x.dc.nomem ? NULL : header_pack(&h);
	arena_release(&a);
	if (!packed) {
		dc_err(&x.dc, CDAIMG_D_NOMEM, "", "out of memory while reading the header");
		return CDAIMG_ENOMEM;
	}
	*out = packed;
	return CDAIMG_OK;
}
