/* SPDX-License-Identifier: MIT */
/*
 * render_header.c - the header of a ClinicalDocument as a table: the
 * document (type, id, date, confidentiality, language, set and version), the
 * patients, the authors, the custodian, the legal authenticator, the service
 * events and the orders. Read from the CDA R2 header as any document has it,
 * whatever its templates.
 */
#include <string.h>

#include "render_int.h"

/* <tr><th scope="row">label</th><td> ... </td></tr> */
static void row_start(rctx *r, const char *label)
{
	sb_add(&r->b, "<tr><th scope=\"row\">");
	rh_text(r, label);
	sb_add(&r->b, "</th><td>");
}

static void row_end(rctx *r) { sb_add(&r->b, "</td></tr>\n"); }

/* One field of a row: a label and what follows, up to field_end. */
static void field(rctx *r, const char *label)
{
	sb_add(&r->b, "<span class=\"f\"><span class=\"k\">");
	rh_text(r, label);
	sb_add(&r->b, "</span> ");
}

static void field_end(rctx *r) { sb_add(&r->b, "</span> "); }

/* A time: the value of a TS or IVL_TS, or its low – high. */
static void times(rctx *r, const char *label, const xmlNode *t)
{
	if (!t)
		return;
	const char *v = rn_attr(t, "value");
	const xmlNode *low = rn_child(t, "low"), *high = rn_child(t, "high");
	if (!v && !rn_attr(low, "value") && !rn_attr(high, "value"))
		return;
	field(r, label);
	if (v) {
		rh_ts(r, v);
	} else {
		rh_ts(r, rn_attr(low, "value"));
		if (rn_attr(high, "value")) {
			sb_add(&r->b, " \xe2\x80\x93 "); /* en dash */
			rh_ts(r, rn_attr(high, "value"));
		}
	}
	field_end(r);
}

static void code_field(rctx *r, const char *label, const xmlNode *cd)
{
	if (!cd || (!rn_attr(cd, "code") && !rn_attr(cd, "displayName") && !rn_child(cd, "originalText")))
		return;
	field(r, label);
	rh_code(r, cd);
	field_end(r);
}

/* Every id child of @p n. */
static void ids(rctx *r, const char *label, const xmlNode *n)
{
	for (const xmlNode *id = rn_child(n, "id"); id; id = rn_next(id, "id")) {
		field(r, label);
		rh_ii(r, id);
		field_end(r);
	}
}

static void name_field(rctx *r, const char *label, const xmlNode *holder)
{
	for (const xmlNode *nm = rn_child(holder, "name"); nm; nm = rn_next(nm, "name")) {
		field(r, label);
		sb_add(&r->b, "<strong>");
		rh_name(r, nm);
		sb_add(&r->b, "</strong>");
		field_end(r);
	}
}

static void document_row(rctx *r, const xmlNode *doc)
{
	row_start(r, "Document");
	code_field(r, "type", rn_child(doc, "code"));
	ids(r, "id", doc);
	times(r, "date", rn_child(doc, "effectiveTime"));
	code_field(r, "confidentiality", rn_child(doc, "confidentialityCode"));
	const xmlNode *lang = rn_child(doc, "languageCode");
	if (rn_attr(lang, "code")) {
		field(r, "language");
		rh_text(r, rn_attr(lang, "code"));
		field_end(r);
	}
	const xmlNode *set = rn_child(doc, "setId");
	if (set) {
		field(r, "set");
		rh_ii(r, set);
		field_end(r);
	}
	const char *version = rn_attr(rn_child(doc, "versionNumber"), "value");
	if (version) {
		field(r, "version");
		rh_text(r, version);
		field_end(r);
	}
	row_end(r);
}

static void patients(rctx *r, const xmlNode *doc)
{
	for (const xmlNode *rt = rn_child(doc, "recordTarget"); rt; rt = rn_next(rt, "recordTarget")) {
		const xmlNode *role = rn_child(rt, "patientRole"), *p = rn_child(role, "patient");
		row_start(r, "Patient");
		name_field(r, "name", p);
		code_field(r, "sex", rn_child(p, "administrativeGenderCode"));
		times(r, "born", rn_child(p, "birthTime"));
		ids(r, "id", role);
		row_end(r);
	}
}

/* An organization: its names and ids. */
static void organization(rctx *r, const char *label, const xmlNode *org)
{
	if (!org)
		return;
	name_field(r, label, org);
	ids(r, "id", org);
}

static void authors(rctx *r, const xmlNode *doc)
{
	for (const xmlNode *au = rn_child(doc, "author"); au; au = rn_next(au, "author")) {
		const xmlNode *aa = rn_child(au, "assignedAuthor"), *dev = rn_child(aa, "assignedAuthoringDevice");
		row_start(r, "Author");
		name_field(r, "name", rn_child(aa, "assignedPerson"));
		const xmlNode *soft = rn_child(dev, "softwareName"), *model = rn_child(dev, "manufacturerModelName");
		if (soft || model) {
			field(r, "device");
			rh_name(r, model ? model : soft);
			field_end(r);
		}
		code_field(r, "role", rn_child(aa, "code"));
		ids(r, "id", aa);
		organization(r, "organization", rn_child(aa, "representedOrganization"));
		times(r, "time", rn_child(au, "time"));
		row_end(r);
	}
}

static void custodian(rctx *r, const xmlNode *doc)
{
	const xmlNode *c = rn_child(rn_child(rn_child(doc, "custodian"), "assignedCustodian"),
	                            "representedCustodianOrganization");
	if (!c)
		return;
	row_start(r, "Custodian");
	organization(r, "organization", c);
	row_end(r);
}

static void authenticator(rctx *r, const xmlNode *doc)
{
	const xmlNode *la = rn_child(doc, "legalAuthenticator");
	if (!la)
		return;
	const xmlNode *ae = rn_child(la, "assignedEntity");
	row_start(r, "Legal authenticator");
	name_field(r, "name", rn_child(ae, "assignedPerson"));
	ids(r, "id", ae);
	organization(r, "organization", rn_child(ae, "representedOrganization"));
	times(r, "time", rn_child(la, "time"));
	row_end(r);
}

static void events(rctx *r, const xmlNode *doc)
{
	for (const xmlNode *d = rn_child(doc, "documentationOf"); d; d = rn_next(d, "documentationOf")) {
		const xmlNode *se = rn_child(d, "serviceEvent");
		if (!se)
			continue;
		row_start(r, "Service event");
		code_field(r, "act", rn_child(se, "code"));
		ids(r, "id", se);
		times(r, "time", rn_child(se, "effectiveTime"));
		row_end(r);
	}
	for (const xmlNode *f = rn_child(doc, "inFulfillmentOf"); f; f = rn_next(f, "inFulfillmentOf")) {
		const xmlNode *o = rn_child(f, "order");
		if (!o)
			continue;
		row_start(r, "Order");
		ids(r, "id", o);
		code_field(r, "act", rn_child(o, "code"));
		row_end(r);
	}
}

static void encounter(rctx *r, const xmlNode *doc)
{
	const xmlNode *e = rn_child(rn_child(doc, "componentOf"), "encompassingEncounter");
	if (!e)
		return;
	row_start(r, "Encounter");
	code_field(r, "kind", rn_child(e, "code"));
	ids(r, "id", e);
	times(r, "time", rn_child(e, "effectiveTime"));
	const xmlNode *place = rn_child(rn_child(rn_child(e, "location"), "healthCareFacility"), "location");
	name_field(r, "place", place);
	row_end(r);
}

void rd_header(rctx *r, const xmlNode *doc)
{
	rh_start(r, "table");
	rh_attr(r, "class", "header");
	rh_gt(r);
	sb_addc(&r->b, '\n');
	document_row(r, doc);
	patients(r, doc);
	authors(r, doc);
	custodian(r, doc);
	authenticator(r, doc);
	events(r, doc);
	encounter(r, doc);
	sb_add(&r->b, "</table>\n");
}
