/* SPDX-License-Identifier: MIT */
/* check.c - every value checked before anything is built (the only place that
 * turns input values into "invalid input" diagnostics). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "datetime.h"
#include "imagelink.h"
#include "narrative.h"
#include "prep.h"
#include "uid.h"
#include "valuesets.h"

bool check_init(check_ctx *c, arena *a, const cdaimg_options *opts, cdaimg_diags *diags)
{
	static const cdaimg_options defaults = CDAIMG_OPTIONS_INIT;
	memset(c, 0, sizeof *c);
	c->dc.diags = diags;
	c->arena = a;
	c->opts = opts ? opts : &defaults;
	c->prefix = "";
	c->p = profile_get(c->opts->profile);
	if (!c->p) {
		dc_err(&c->dc, CDAIMG_D_ARG, "", "unknown profile %d", (int)c->opts->profile);
		return false;
	}
	c->lang = lang_get(c->opts->lang ? c->opts->lang : c->p->lang);
	return true;
}

const char *cpath(check_ctx *c, const char *fmt, ...)
{
	size_t n = strlen(c->prefix);
	if (n >= sizeof c->path)
		n = sizeof c->path - 1;
	memcpy(c->path, c->prefix, n);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->path + n, sizeof c->path - n, fmt, ap);
	va_end(ap);
	return c->path;
}

/* cpath(c, "%s%s", field, suffix) without printf, for the paths every series needs. */
static const char *cpath_join(check_ctx *c, const char *field, const char *suffix)
{
	size_t room = sizeof c->path, n = 0;
	for (const char *part[3] = {c->prefix, field, suffix}, **q = part; q < part + 3; q++) {
		size_t l = strlen(*q);
		if (l > room - 1 - n)
			l = room - 1 - n;
		memcpy(c->path + n, *q, l);
		n += l;
	}
	c->path[n] = '\0';
	return c->path;
}

static void nomem(check_ctx *c) { dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory"); }

static char *adup(check_ctx *c, const char *s)
{
	char *d = arena_strdup(c->arena, s);
	if (!d && s)
		nomem(c);
	return d;
}

bool check_text(check_ctx *c, const char *path, const char *s)
{
	size_t off;
	if (s && !*s) {
		/* FHIR strings are never empty, and CDA attributes may not be */
		dc_err(&c->dc, CDAIMG_D_TEXT, path, "empty string: leave the element out instead");
		return false;
	}
	const char *why = s ? text_problem(s, &off) : NULL;
	if (why)
		dc_err(&c->dc, CDAIMG_D_TEXT, path, "%s at byte %zu: XML 1.0 cannot carry this text", why, off);
	return why == NULL;
}

/* True when check_text would accept @p s (no diagnostic, no path formatted). */
static bool text_fine(const char *s)
{
	size_t off;
	return *s && !text_problem(s, &off);
}

/* Text of an optional string field (NULL passes). The path is formatted only
 * when there is something to report: this runs for every field of every series. */
#define TEXT_OK(c, s, ...) ((s) == NULL || text_fine(s) || check_text((c), cpath((c), __VA_ARGS__), (s)))

/* @p field followed by @p suffix into @p dst (cut short to fit): the field
 * names handed down the checks, built for every series, so without printf. */
static const char *fjoin(char *dst, size_t n, const char *field, const char *suffix)
{
	size_t a = strlen(field), b = strlen(suffix);
	if (a >= n)
		a = n - 1;
	if (b >= n - a)
		b = n - a - 1;
	memcpy(dst, field, a);
	memcpy(dst + a, suffix, b);
	dst[a + b] = '\0';
	return dst;
}

static bool starts(const char *s, const char *prefix) { return s && !strncmp(s, prefix, strlen(prefix)); }

const char *check_uid_identifier(check_ctx *c, const char *path, const cdaimg_identifier *id)
{
	const char *v = id->value;
	char why[128], uid[UID_MAX + 1];
	if (!v || !*v) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, path, "the identifier has no value");
		return NULL;
	}
	if (!check_text(c, path, v))
		return NULL;
	if (starts(v, "urn:uuid:")) {
		if (!uuid_to_dicom_uid(v + 9, uid)) {
			dc_err(&c->dc, CDAIMG_D_IDENTIFIER, path, "\"%.64s\" is not a UUID (urn:uuid:xxxxxxxx-xxxx-...)", v);
			return NULL;
		}
		return adup(c, uid);
	}
	const char *x;
	if (starts(v, "urn:oid:"))
		x = v + 8;
	else if (id->system && !strcmp(id->system, SYS_DICOM_UID))
		x = v;
	else {
		strbuf b = {0};
		sb_add_quoted(&b, v);
		dc_err(&c->dc, CDAIMG_D_IDENTIFIER, path,
		       "%s is not a DICOM UID identifier: expected urn:oid:<UID>, urn:uuid:<UUID>, or system "
		       "urn:dicom:uid with the bare UID",
		       b.s ? b.s : "value");
		sb_free(&b);
		return NULL;
	}
	if (!uid_valid(x, why, sizeof why)) {
		strbuf b = {0};
		sb_add_quoted(&b, x);
		dc_err(&c->dc, CDAIMG_D_UID, path, "%s is not a DICOM UID (%s)", b.s ? b.s : "value", why);
		sb_free(&b);
		return NULL;
	}
	return adup(c, x);
}

/* The DICOM UID slot of an identifier list: the usual forms are resolved
 * without formatting a path; anything else goes to check_uid_identifier. */
static const char *uid_slot(check_ctx *c, const char *field, const cdaimg_identifier *id)
{
	const char *v = id->value, *x = NULL;
	char why[128];
	if (v && starts(v, "urn:oid:"))
		x = v + 8;
	else if (v && id->system && !strcmp(id->system, SYS_DICOM_UID) && !starts(v, "urn:uuid:"))
		x = v;
	if (x && text_fine(v) && uid_valid(x, why, sizeof why))
		return adup(c, x);
	return check_uid_identifier(c, cpath_join(c, field, "[0].value"), id);
}

static bool extra_identifier(check_ctx *c, const char *field, size_t i, const cdaimg_identifier *id,
                             prep_id *out)
{
	char why[128];
	const char *v = id->value, *sys = id->system;
	if (!TEXT_OK(c, sys, "%s[%zu].system", field, i) || !TEXT_OK(c, v, "%s[%zu].value", field, i))
		return false;
	if (!v || !*v) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s[%zu].value", field, i), "the identifier has no value");
		return false;
	}
	if (starts(sys, "urn:oid:")) {
		if (!oid_valid(sys + 8, why, sizeof why)) {
			dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cpath(c, "%s[%zu].system", field, i),
			       "\"%.64s\" is not an OID (%s)", sys + 8, why);
			return false;
		}
		out->root = adup(c, sys + 8);
		out->ext = adup(c, v);
		return true;
	}
	const char *path = cpath(c, "%s[%zu].value", field, i);
	if (starts(v, "urn:oid:") || (sys && !strcmp(sys, SYS_DICOM_UID))) {
		const char *x = starts(v, "urn:oid:") ? v + 8 : v;
		if (!oid_valid(x, why, sizeof why)) {
			dc_err(&c->dc, CDAIMG_D_IDENTIFIER, path, "\"%.64s\" is not an OID (%s)", x, why);
			return false;
		}
		out->root = adup(c, x);
		return true;
	}
	unsigned char bytes[16];
	if (starts(v, "urn:uuid:") && uuid_parse(v + 9, bytes)) {
		char *u = adup(c, v + 9);
		for (char *p = u; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		out->root = u;
		return true;
	}
	dc_err(&c->dc, CDAIMG_D_IDENTIFIER, path,
	       "cannot be written as an HL7 id: give a urn:oid: system with any value, or a urn:oid: or "
	       "urn:uuid: value");
	return false;
}

prep_id *check_identifiers(check_ctx *c, const char *field, const cdaimg_identifier *ids, size_t n,
                           size_t *n_out)
{
	*n_out = 0;
	if (!ids || n == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s", field),
		       "at least one identifier is required (the first is the DICOM UID)");
		return NULL;
	}
	if (c->p->one_id && n > 1)
		dc_err(&c->dc, CDAIMG_D_PROFILE, cpath(c, "%s[1]", field), "the %s profile allows exactly one identifier",
		       c->p->title);
	prep_id *out = arena_alloc(c->arena, n * sizeof *out);
	if (!out) {
		nomem(c);
		return NULL;
	}
	bool ok = TEXT_OK(c, ids[0].system, "%s[0].system", field);
	out[0].root = uid_slot(c, field, &ids[0]);
	ok = ok && out[0].root;
	for (size_t i = 1; i < n; i++)
		ok = extra_identifier(c, field, i, &ids[i], &out[i]) && ok;
	*n_out = n;
	return ok ? out : NULL;
}

const char *check_date(check_ctx *c, const char *field, const char *date)
{
	char ts[TS_MAX], why[160];
	if (!date)
		return NULL;
	if (!TEXT_OK(c, date, "%s", field))
		return NULL;
	if (!fhir_to_ts(date, ts, why, sizeof why)) {
		dc_err(&c->dc, CDAIMG_D_DATE, cpath(c, "%s", field), "\"%.40s\" is not a valid dateTime: %s", date, why);
		return NULL;
	}
	return adup(c, ts);
}

/* A description given as plain text (cdaimg_narrative.text): XML text, kept as
 * it is but for line ends (CR LF and CR become LF) and trailing blank lines. */
static const char *plain_narrative(check_ctx *c, const char *field, const char *text)
{
	if (!check_text(c, cpath_join(c, field, ".text"), text))
		return NULL;
	size_t n = strlen(text);
	char *out = arena_alloc(c->arena, n + 1);
	if (!out) {
		nomem(c);
		return NULL;
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\r') {
			out[o++] = '\n';
			if (text[i + 1] == '\n')
				i++;
		} else {
			out[o++] = text[i];
		}
	}
	while (o && (out[o - 1] == '\n' || out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
	return o ? out : NULL;
}

const char *check_narrative(check_ctx *c, const char *field, const cdaimg_narrative *nar)
{
	if (nar->div && nar->text) {
		dc_err(&c->dc, CDAIMG_D_NARRATIVE, cpath_join(c, field, ".text"),
		       "a description is given once: as div (XHTML) or as text (plain), not both");
		return NULL;
	}
	if (!nar->div && !nar->text) {
		if (nar->status)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s.div", field), "a narrative needs its div (or its text)");
		return NULL;
	}
	if (!TEXT_OK(c, nar->status, "%s.status", field))
		return NULL;
	if (nar->text)
		return plain_narrative(c, field, nar->text);
	if (!TEXT_OK(c, nar->div, "%s.div", field))
		return NULL;
	char *text = narrative_text(c->arena, &c->dc, cpath_join(c, field, ".div"), nar->div);
	return text && *text ? text : NULL;
}

/* A system given either as an OID URN or under one of its known names. */
static bool system_is(const char *sys, const char *oid, const char *name)
{
	if (!sys)
		return false;
	if (starts(sys, "urn:oid:") && !strcmp(sys + 8, oid))
		return true;
	return name && !strcmp(sys, name);
}

/* The codings' and the text's strings are XML text. The text of a coded
 * value has no place in the entry (the element is a code with its display):
 * a warning says it is dropped. */
static bool codings_text_ok(check_ctx *c, const char *field, const cdaimg_concept *k)
{
	bool ok = TEXT_OK(c, k->text, "%s.text", field);
	if (ok && k->text)
		dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, "%s.text", field),
		        "the text of a coded value has no place in the CDA entry (its code and display are written); "
		        "ignored");
	for (size_t i = 0; i < k->n_codings; i++) {
		const cdaimg_coding *cd = &k->codings[i];
		ok = TEXT_OK(c, cd->system, "%s.coding[%zu].system", field, i) && ok;
		ok = TEXT_OK(c, cd->code, "%s.coding[%zu].code", field, i) && ok;
		ok = TEXT_OK(c, cd->display, "%s.coding[%zu].display", field, i) && ok;
	}
	return ok;
}

static void not_in_valueset(check_ctx *c, const char *path, const char *code, const char *name,
                            const vs_table *t)
{
	dc_add(&c->dc, c->opts->strict ? CDAIMG_SEV_ERROR : CDAIMG_SEV_WARNING, CDAIMG_D_CODE_UNKNOWN, path, 0, NULL,
	       "\"%.64s\" is not in %s (%s)", code, name, t->oid);
}

static bool check_modality(check_ctx *c, const cdaimg_concept *k, prep_code *out)
{
	if (!codings_text_ok(c, "code", k))
		return false;
	const cdaimg_coding *found = NULL;
	size_t at = 0;
	for (size_t i = 0; i < k->n_codings; i++) {
		const cdaimg_coding *cd = &k->codings[i];
		if (!system_is(cd->system, OID_DCM, SYS_DCM)) {
			dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, "code.coding[%zu].system", i),
			        "a coding of system \"%.80s\" has no place in the CDA entry; ignored (the modality is a "
			        "DCM code)",
			        cd->system ? cd->system : "");
		} else if (cd->code && !strcmp(cd->code, "113015")) {
			dc_add(&c->dc, CDAIMG_SEV_INFO, CDAIMG_D_IGNORED, cpath(c, "code.coding[%zu].code", i), 0, NULL,
			       "113015 is the fixed code of every Series Act; ignored (D1)");
		} else if (found) {
			dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, "code.coding[%zu]", i),
			        "only the first modality coding is used");
		} else if (!cd->code || !*cd->code) {
			dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "code.coding[%zu].code", i), "the coding has no code");
			return false;
		} else {
			found = cd;
			at = i;
		}
	}
	if (!found) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "code"),
		       "no acquisition modality: a coding of system %s (e.g. CT, MR, US) is required", SYS_DCM);
		return false;
	}
	const vs_entry *e = vs_find(&vs_modality, found->code);
	if (!e)
		not_in_valueset(c, cpath(c, "code.coding[%zu].code", at), found->code, "JDV_ModaliteAcquisition_CISIS",
		                &vs_modality);
	out->code = e ? e->code : found->code;
	out->system = OID_DCM;
	out->system_name = "DCM";
	out->display = found->display;
	if (!out->display && e && c->opts->fill_display) {
		const vs_entry *en = vs_find(c->lang->modalities, found->code);
		out->display = en ? en->display : NULL;
	}
	return e || !c->opts->strict;
}

static bool check_sop_class(check_ctx *c, const char *field, const cdaimg_concept *k, prep_code *out)
{
	if (!codings_text_ok(c, field, k))
		return false;
	if (k->n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s", field),
		       "the SOP class is required (a coding of system urn:oid:%s)", OID_DCMUID);
		return false;
	}
	const cdaimg_coding *cd = &k->codings[0];
	const char *code = cd->code;
	if (system_is(cd->system, OID_DCMUID, SYS_DICOM_UID)) {
		/* as is */
	} else if (cd->system && !strcmp(cd->system, SYS_URI) && starts(code, "urn:oid:")) {
		code += 8;
	} else {
		dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, "%s.coding[0].system", field),
		       "a SOP class is coded in urn:oid:%s (the DICOM UID registry), not \"%.80s\"", OID_DCMUID,
		       cd->system ? cd->system : "");
		return false;
	}
	char why[128];
	if (!code || !*code) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s.coding[0].code", field), "the SOP class UID is missing");
		return false;
	}
	if (!uid_valid(code, why, sizeof why)) {
		dc_err(&c->dc, CDAIMG_D_UID, cpath(c, "%s.coding[0].code", field), "\"%.64s\" is not a DICOM UID (%s)",
		       code, why);
		return false;
	}
	for (size_t i = 1; i < k->n_codings; i++)
		dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, "%s.coding[%zu]", field, i),
		        "only the first SOP class coding is used");
	const vs_entry *e = vs_find(&vs_sop_class, code);
	if (!e)
		not_in_valueset(c, cpath(c, "%s.coding[0].code", field), code, "JDV_SOPClass_CISIS", &vs_sop_class);
	out->code = e ? e->code : code;
	out->system = OID_DCMUID;
	out->system_name = "DCMUID";
	out->display = cd->display;
	if (!out->display && e && c->opts->fill_display) {
		out->display = e->display;
	}
	return e || !c->opts->strict;
}

/* --- coded values of a document (anatomical sites, contre-indications) ---------------------- */

/* The OID of a coding's system: urn:oid:X, or a FHIR URI cdaimg knows. */
static const char *coding_oid(const cdaimg_coding *cd)
{
	if (starts(cd->system, "urn:oid:"))
		return cd->system + 8;
	const code_system *cs = cs_by_uri(cd->system);
	return cs ? cs->oid : NULL;
}

/* The code systems of @p t, as an input may name them, for a message. */
static void systems_hint(strbuf *b, const vs_table *t)
{
	const char *seen[8];
	size_t n = 0;
	for (size_t i = 0; i < t->count && n < 8; i++) {
		bool known = false;
		for (size_t j = 0; j < n && !known; j++)
			known = !strcmp(seen[j], t->entries[i].system);
		if (known)
			continue;
		seen[n++] = t->entries[i].system;
		const code_system *cs = cs_by_oid(t->entries[i].system);
		sb_add(b, n > 1 ? ", " : "");
		if (cs && cs->uri)
			sb_addf(b, "%s (%s)", cs->uri, cs->name);
		else
			sb_addf(b, "urn:oid:%s%s%s%s", t->entries[i].system, cs ? " (" : "", cs ? cs->name : "", cs ? ")" : "");
	}
}

/* The coding of @p k that is written: the first one found in @p t, else the first. */
static size_t chosen_coding(const cdaimg_concept *k, const vs_table *t, const vs_entry **e)
{
	for (size_t i = 0; i < k->n_codings; i++) {
		const char *oid = coding_oid(&k->codings[i]);
		if (oid && (*e = vs_find_in(t, oid, k->codings[i].code)) != NULL)
			return i;
	}
	*e = NULL;
	return 0;
}

bool check_coded(check_ctx *c, const char *field, const cdaimg_concept *k, const vs_table *t, const char *vs_name,
                 prep_code *out)
{
	if (!codings_text_ok(c, field, k))
		return false;
	if (k->n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s.coding", field), "a coding of %s (%s) is required",
		       vs_name, t->oid);
		return false;
	}
	const vs_entry *e;
	size_t at = chosen_coding(k, t, &e);
	const cdaimg_coding *cd = &k->codings[at];
	for (size_t i = 0; i < k->n_codings; i++)
		if (i != at)
			dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, "%s.coding[%zu]", field, i),
			        "one coding is written (coding[%zu]); ignored", at);
	if (!cd->code || !*cd->code) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s.coding[%zu].code", field, at), "the coding has no code");
		return false;
	}
	const char *oid = coding_oid(cd), *sys = vs_system(t, oid);
	if (!sys) {
		strbuf b = {0};
		systems_hint(&b, t);
		dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, "%s.coding[%zu].system", field, at),
		       "\"%.80s\" is not a code system of %s; expected %s", cd->system ? cd->system : "", vs_name,
		       b.s && !b.failed ? b.s : "its systems");
		sb_free(&b);
		return false;
	}
	if (!e)
		not_in_valueset(c, cpath(c, "%s.coding[%zu].code", field, at), cd->code, vs_name, t);
	const code_system *cs = cs_by_oid(sys);
	*out = (prep_code){e ? e->code : cd->code, sys, cs ? cs->name : NULL, cd->display};
	if (!out->display && e && c->opts->fill_display) {
		out->display = e->display;
	}
	return e || !c->opts->strict;
}

prep_code *check_coded_list(check_ctx *c, const char *field, const cdaimg_concept *ks, size_t n, const vs_table *t,
                            const char *vs_name)
{
	prep_code *out = arena_alloc(c->arena, (n ? n : 1) * sizeof *out);
	if (!out) {
		nomem(c);
		return NULL;
	}
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		char at[160];
		snprintf(at, sizeof at, "%s[%zu]", field, i);
		ok = check_coded(c, at, &ks[i], t, vs_name, &out[i]) && ok;
	}
	return ok ? out : NULL;
}

static bool check_status(check_ctx *c, const char *field, const char *status, const char **out)
{
	static const char *const codes[] = {"aborted", "active", "cancelled", "completed",
	                                    "held",    "new",    "suspended", NULL};
	if (!status) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s", field), "the status is required (D3), e.g. \"completed\"");
		return false;
	}
	for (int i = 0; codes[i]; i++) {
		if (!strcmp(status, codes[i])) {
			*out = codes[i];
			return true;
		}
	}
	if (!TEXT_OK(c, status, "%s", field))
		return false;
	dc_err(&c->dc, CDAIMG_D_STATUS, cpath(c, "%s", field),
	       "\"%.40s\" is not an HL7 ActStatus code; expected one of aborted, active, cancelled, completed, "
	       "held, new, suspended",
	       status);
	return false;
}

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
	const char *res = url ? adup(c, url) : NULL;
	cd_free(url);
	return res;
}

/* referenceWado.base: the link built from the base URL and the UIDs (D5). */
static const char *built_link(check_ctx *c, const char *field, const char *base, prep_instance *pi,
                              const char *series_uid, const char *sop_uid)
{
	const char *path = cpath(c, "%s.base", field);
	if (!check_text(c, path, base))
		return NULL;
	if (!c->study_uid) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, path,
		       "building the link needs the Study Instance UID: give the series inside its study "
		       "(FrExamenImagerie), or give referenceWado.reference");
		return NULL;
	}
	/* an IID link also names the study by its accession number when it has one (D5) */
	const prep_id *acc = pi->kind == CDAIMG_LINK_IID ? c->accession : NULL;
	cdaimg_link_params lp = {pi->kind, base, c->study_uid, series_uid, sop_uid,
	                         acc ? acc->root : NULL, acc ? acc->ext : NULL, NULL};
	fpath at = {NULL, cpath(c, "%s", field), FP_NONE};
	const char *url = link_url(c, &at, &lp);
	/* inside a document, the FR IID link also names the document (idCDA), known later */
	if (url && pi->kind == CDAIMG_LINK_IID)
		pi->link_base = base;
	return url;
}

bool relink_in_document(check_ctx *c, prep_instance *pi, const char *study_uid, const prep_id *accession,
                        const char *series_uid, const char *document_id)
{
	const prep_id *acc = accession && accession->ext ? accession : NULL;
	cdaimg_link_params lp = {CDAIMG_LINK_IID, pi->link_base, study_uid, series_uid, pi->ids[0].root,
	                         acc ? acc->root : NULL, acc ? acc->ext : NULL, document_id};
	size_t before = c->dc.errors;
	const char *url = link_url(c, NULL, &lp);
	if (url)
		pi->reference = url;
	return c->dc.errors == before;
}

/* referenceWado: kind, media type, URL, checked against the entry's UIDs. */
static bool check_link(check_ctx *c, const char *field, const cdaimg_image_link *l, const char *series_uid,
                       const char *sop_uid, prep_instance *pi)
{
	char f[256];
	bool ok = true;
	fjoin(f, sizeof f, field, ".iHEInvokeImage");
	ok = codings_text_ok(c, f, &l->kind) && ok;
	if (l->kind.n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s", f),
		       "the kind of link is required: ihe-iid, dicom-wado-uri or dicom-wado-rs");
		ok = false;
	} else {
		const cdaimg_coding *cd = &l->kind.codings[0];
		if (cd->system && !system_is(cd->system, OID_LINK_KIND, SYS_LINK_KIND)) {
			dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, "%s.coding[0].system", f),
			       "the kind of link is coded in %s", SYS_LINK_KIND);
			ok = false;
		} else if ((pi->kind = link_kind_from_code(cd->code)) == LINK_NONE) {
			dc_err(&c->dc, CDAIMG_D_LINK_KIND, cpath(c, "%s.coding[0].code", f),
			       "\"%.40s\" is not a kind of link cdaimg knows; expected ihe-iid, dicom-wado-uri or "
			       "dicom-wado-rs",
			       cd->code ? cd->code : "");
			ok = false;
		}
	}
	fjoin(f, sizeof f, field, ".typeMedia");
	ok = codings_text_ok(c, f, &l->media_type) && ok;
	if (l->media_type.n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s", f), "the media type is required: application/dicom");
		ok = false;
	} else {
		const cdaimg_coding *cd = &l->media_type.codings[0];
		if (cd->system && !system_is(cd->system, OID_MEDIA_TYPE, SYS_MEDIA_TYPE)) {
			dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, "%s.coding[0].system", f),
			       "a media type is coded in %s", SYS_MEDIA_TYPE);
			ok = false;
		} else if (!cd->code || strcmp(cd->code, "application/dicom")) {
			dc_err(&c->dc, CDAIMG_D_MEDIA_TYPE, cpath(c, "%s.coding[0].code", f),
			       "\"%.60s\": the link to DICOM images has media type application/dicom (PS3.20, CI-SIS)",
			       cd->code ? cd->code : "");
			ok = false;
		} else {
			pi->media_type = "application/dicom";
		}
	}
	const char *reference = l->reference;
	if (!reference && l->base) {
		if (!ok || !series_uid || !sop_uid)
			return false;
		reference = built_link(c, field, l->base, pi, series_uid, sop_uid);
		if (!reference)
			return false;
	}
	if (!reference || !*reference) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "%s.reference", field), "the link URL is required");
		return false;
	}
	if (!TEXT_OK(c, reference, "%s.reference", field))
		return false;
	size_t before = c->dc.errors;
	link_check(&c->dc, cpath_join(c, field, ".reference"), reference, pi->kind, c->study_uid, series_uid, sop_uid);
	if (c->dc.errors != before)
		return false;
	pi->reference = reference;
	return ok;
}

static bool check_instance(check_ctx *c, const char *field, const cdaimg_instance *in, const cdaimg_image_link *link,
                           const char *link_field, const char *series_uid, prep_instance *pi)
{
	char f[160];
	bool ok = true;
	fjoin(f, sizeof f, field, ".uuidSOPInstance");
	pi->ids = check_identifiers(c, f, in->ids, in->n_ids, &pi->n_ids);
	ok = pi->ids != NULL;
	fjoin(f, sizeof f, field, ".classeSOP");
	ok = check_sop_class(c, f, &in->sop_class, &pi->sop_class) && ok;
	size_t before = c->dc.errors;
	fjoin(f, sizeof f, field, ".description");
	pi->text = check_narrative(c, f, &in->description);
	fjoin(f, sizeof f, field, ".statut");
	ok = check_status(c, f, in->status, &pi->status) && ok;
	fjoin(f, sizeof f, field, ".date");
	pi->ts = check_date(c, f, in->date);
	if (in->has_frame_count) {
		if (in->frame_count < 1 || in->frame_count > INT32_MAX) {
			dc_err(&c->dc, CDAIMG_D_RANGE, cpath(c, "%s.nombreCadresReferences", field),
			       "%lld frames: the number of referenced frames is from 1 to 2147483647",
			       (long long)in->frame_count);
			ok = false;
		}
		if (c->p->frames_as_list && in->frame_count > MAX_LISTED_FRAMES) {
			dc_err(&c->dc, CDAIMG_D_RANGE, cpath(c, "%s.nombreCadresReferences", field),
			       "%lld frames: the %s profile lists each frame number, at most %d", (long long)in->frame_count,
			       c->p->name, MAX_LISTED_FRAMES);
			ok = false;
		}
		if (c->p->bare_sop_in_catalog && c->in_catalog) {
			dc_err(&c->dc, CDAIMG_D_PROFILE, cpath(c, "%s.nombreCadresReferences", field),
			       "%s forbids children of a SOP Instance Observation inside a DICOM Object Catalog", c->p->title);
			ok = false;
		}
		pi->has_frames = true;
		pi->frames = in->frame_count;
	}
	ok = ok && c->dc.errors == before;
	const char *sop_uid = pi->ids ? pi->ids[0].root : NULL;
	ok = check_link(c, link_field, link, series_uid, sop_uid, pi) && ok;
	return ok;
}

prep_series *check_series(check_ctx *c, const cdaimg_series *s)
{
	size_t errors_before = c->dc.errors;
	prep_series *ps = arena_alloc(c->arena, sizeof *ps);
	if (!ps) {
		nomem(c);
		return NULL;
	}
	ps->ids = check_identifiers(c, "uuidSerie", s->ids, s->n_ids, &ps->n_ids);
	for (size_t i = 1; ps->ids && i < ps->n_ids && c->p->series_id_root; i++)
		if (ps->ids[i].ext)
			dc_err(&c->dc, CDAIMG_D_PROFILE, cpath(c, "uuidSerie[%zu]", i),
			       "the %s Series Act id has no extension: give a urn:oid: or urn:uuid: value", c->p->title);
	check_modality(c, &s->modality, &ps->modality);
	ps->text = check_narrative(c, "description", &s->description);
	ps->ts = check_date(c, "date", s->date);
	if (!s->instances || s->n_instances == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, "instanceSOP"), "the series references one SOP instance");
	} else if (s->n_instances > 1 && c->p->one_instance) {
		dc_err(&c->dc, CDAIMG_D_CARDINALITY, cpath(c, "instanceSOP[1]"),
		       "the %s profile has exactly one SOP instance per series (D8)", c->p->title);
	} else {
		ps->inst = arena_alloc(c->arena, s->n_instances * sizeof *ps->inst);
		if (!ps->inst) {
			nomem(c);
			return NULL;
		}
		ps->n_inst = s->n_instances;
		const char *series_uid = ps->ids ? ps->ids[0].root : NULL;
		for (size_t i = 0; i < s->n_instances; i++) {
			char field[64], lfield[96];
			const cdaimg_instance *in = &s->instances[i];
			if (s->n_instances == 1)
				fjoin(field, sizeof field, "instanceSOP", "");
			else
				snprintf(field, sizeof field, "instanceSOP[%zu]", i);
			const cdaimg_image_link *link = &s->link;
			fjoin(lfield, sizeof lfield, "referenceWado", "");
			if (in->link.reference) {
				link = &in->link;
				fjoin(lfield, sizeof lfield, field, ".referenceWado");
			}
			check_instance(c, field, in, link, lfield, series_uid, &ps->inst[i]);
		}
	}
	return c->dc.errors == errors_before && !c->dc.nomem ? ps : NULL;
}
