/* SPDX-License-Identifier: MIT */
/* check.c - the check stage's context, and the values every object has: text,
 * identifiers (D2), dates (D7), descriptions (D6). Field paths (fpath) are
 * formatted only when a diagnostic is written. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "datetime.h"
#include "narrative.h"
#include "uid.h"

bool check_init(check_ctx *c, arena *a, const cdaimg_options *opts, cdaimg_diags *diags)
{
	static const cdaimg_options defaults = CDAIMG_OPTIONS_INIT;
	memset(c, 0, sizeof *c);
	c->dc.diags = diags;
	c->arena = a;
	c->opts = opts ? opts : &defaults;
	c->p = profile_get(c->opts->profile);
	if (!c->p) {
		dc_err(&c->dc, CDAIMG_D_ARG, "", "unknown profile %d", (int)c->opts->profile);
		return false;
	}
	c->lang = lang_get(c->opts->lang != CDAIMG_LANG_PROFILE ? c->opts->lang : c->p->lang);
	if (!c->lang) {
		dc_err(&c->dc, CDAIMG_D_ARG, "", "unknown language %d", (int)c->opts->lang);
		return false;
	}
	return true;
}

const char *cpath(check_ctx *c, const fpath *at, const char *fmt, ...)
{
	char rest[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rest, sizeof rest, fmt, ap);
	va_end(ap);
	strbuf b = {0};
	sb_add_fpath(&b, at, rest);
	const char *path = b.failed ? NULL : arena_strdup(c->arena, b.s ? b.s : "");
	sb_free(&b);
	if (!path)
		check_nomem(c);
	return path ? path : "";
}

const char *cfield(check_ctx *c, const fpath *at) { return cpath(c, at, "%s", ""); }

void check_nomem(check_ctx *c) { dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory"); }

void *check_alloc(check_ctx *c, size_t n)
{
	void *p = arena_alloc(c->arena, n);
	if (!p)
		check_nomem(c);
	return p;
}

char *check_dup(check_ctx *c, const char *s)
{
	char *d = arena_strdup(c->arena, s);
	if (!d && s)
		check_nomem(c);
	return d;
}

/* A value longer than @p max bytes is refused (NULL is fine). */
static bool short_enough(check_ctx *c, const fpath *at, const char *s, size_t max)
{
	if (!s || memchr(s, '\0', max + 1))
		return true;
	dc_err(&c->dc, CDAIMG_D_TEXT, cfield(c, at),
	       "longer than %zu bytes, the most a value may have: XML readers (libxml2) refuse such text back", max);
	return false;
}

/* The text of @p s, of any length. */
static bool xml_text(check_ctx *c, const fpath *at, const char *s)
{
	size_t off;
	if (s && !*s) {
		/* FHIR strings are never empty, and CDA attributes may not be */
		dc_err(&c->dc, CDAIMG_D_TEXT, cfield(c, at), "empty string: leave the element out instead");
		return false;
	}
	const char *why = s ? text_problem(s, &off) : NULL;
	if (why)
		dc_err(&c->dc, CDAIMG_D_TEXT, cfield(c, at), "%s at byte %zu: XML 1.0 cannot carry this text", why,
		       off);
	return why == NULL;
}

bool check_text(check_ctx *c, const fpath *at, const char *s)
{
	return short_enough(c, at, s, CHECK_MAX_VALUE) && xml_text(c, at, s);
}

static bool starts(const char *s, const char *prefix) { return s && !strncmp(s, prefix, strlen(prefix)); }

/* @p s quoted for a message into @p b. */
static const char *quoted(strbuf *b, const char *s)
{
	sb_add_quoted(b, s);
	return b->s && !b->failed ? b->s : "value";
}

/* The DICOM UID slot (D2) at @p at: written as the UID, in the arena. NULL on error. */
static const char *uid_identifier(check_ctx *c, const fpath *at, const cdaimg_identifier *id)
{
	const char *v = id->value;
	char why[128], uid[UID_MAX + 1];
	if (!v || !*v) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at), "the identifier has no value");
		return NULL;
	}
	if (!check_text(c, at, v))
		return NULL;
	if (starts(v, "urn:uuid:")) {
		if (!uuid_to_dicom_uid(v + 9, uid)) {
			dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cfield(c, at), "\"%.64s\" is not a UUID (urn:uuid:xxxxxxxx-xxxx-...)",
			       v);
			return NULL;
		}
		return check_dup(c, uid);
	}
	const char *x = starts(v, "urn:oid:") ? v + 8 : id->system && !strcmp(id->system, SYS_DICOM_UID) ? v : NULL;
	if (x && uid_valid(x, why, sizeof why))
		return check_dup(c, x);
	strbuf b = {0};
	if (!x)
		dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cfield(c, at),
		       "%s is not a DICOM UID identifier: expected urn:oid:<UID>, urn:uuid:<UUID>, or system "
		       "urn:dicom:uid with the bare UID",
		       quoted(&b, v));
	else
		dc_err(&c->dc, CDAIMG_D_UID, cfield(c, at), "%s is not a DICOM UID (%s)", quoted(&b, x), why);
	sb_free(&b);
	return NULL;
}

/* An identifier after the first: root and extension of an HL7 id (D2). */
static bool extra_identifier(check_ctx *c, const fpath *at, const cdaimg_identifier *id, prep_id *out)
{
	char why[128];
	const char *v = id->value, *sys = id->system;
	if (!check_text(c, FIELD(at, "system"), sys) || !check_text(c, FIELD(at, "value"), v))
		return false;
	if (!v || !*v) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "value"), "the identifier has no value");
		return false;
	}
	if (starts(sys, "urn:oid:")) {
		if (!oid_valid(sys + 8, why, sizeof why)) {
			dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cpath(c, at, "system"), "\"%.64s\" is not an OID (%s)", sys + 8, why);
			return false;
		}
		out->root = check_dup(c, sys + 8);
		out->ext = check_dup(c, v);
		return true;
	}
	if (starts(v, "urn:oid:") || (sys && !strcmp(sys, SYS_DICOM_UID))) {
		const char *x = starts(v, "urn:oid:") ? v + 8 : v;
		if (!oid_valid(x, why, sizeof why)) {
			dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cpath(c, at, "value"), "\"%.64s\" is not an OID (%s)", x, why);
			return false;
		}
		out->root = check_dup(c, x);
		return true;
	}
	unsigned char bytes[16];
	if (starts(v, "urn:uuid:") && uuid_parse(v + 9, bytes)) {
		char *u = check_dup(c, v + 9);
		for (char *p = u; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		out->root = u;
		return true;
	}
	dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cpath(c, at, "value"),
	       "cannot be written as an HL7 id: give a urn:oid: system with any value, or a urn:oid: or "
	       "urn:uuid: value");
	return false;
}

prep_id *check_identifiers(check_ctx *c, const fpath *at, const cdaimg_identifier *ids, size_t n, size_t *n_out)
{
	*n_out = 0;
	if (!ids || n == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at),
		       "at least one identifier is required (the first is the DICOM UID)");
		return NULL;
	}
	if (c->p->one_id && n > 1)
		dc_err(&c->dc, CDAIMG_D_PROFILE, cpath(c, at, "[1]"), "the %s profile allows exactly one identifier",
		       c->p->title);
	prep_id *out = check_alloc(c, n * sizeof *out);
	if (!out)
		return NULL;
	/* the items of the list: "uuidSerie[i]" */
	const fpath *first = ITEM(at->up, at->name, 0);
	const char *sys = ids[0].system;
	bool ok = check_text(c, FIELD(first, "system"), sys);
	out[0].root = uid_identifier(c, FIELD(first, "value"), &ids[0]);
	ok = ok && out[0].root;
	/* the DICOM UID is written as a root alone: a system is not carried,
	 * and reading back gives urn:dicom:uid */
	if (ok && sys && strcmp(sys, SYS_DICOM_UID) && strcmp(sys, SYS_URI)) {
		strbuf b = {0};
		dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, first, "system"),
		        "system %s is not written: the first identifier is the DICOM UID, written as a root alone (it "
		        "comes back as " SYS_DICOM_UID "); ignored",
		        quoted(&b, sys));
		sb_free(&b);
	}
	for (size_t i = 1; i < n; i++)
		ok = extra_identifier(c, ITEM(at->up, at->name, i), &ids[i], &out[i]) && ok;
	*n_out = n;
	return ok ? out : NULL;
}

const char *check_date(check_ctx *c, const fpath *at, const char *date)
{
	char ts[TS_MAX], why[160];
	if (!date || !check_text(c, at, date))
		return NULL;
	if (!fhir_to_ts(date, ts, why, sizeof why)) {
		dc_err(&c->dc, CDAIMG_D_DATE, cfield(c, at), "\"%.40s\" is not a valid dateTime: %s", date, why);
		return NULL;
	}
	return check_dup(c, ts);
}

/* A description given as plain text (cdaimg_narrative.text): XML text, kept as
 * it is but for line ends (CR LF and CR become LF) and trailing blank lines. */
static const char *plain_narrative(check_ctx *c, const fpath *at, const char *text)
{
	if (!check_text(c, at, text))
		return NULL;
	size_t n = strlen(text);
	char *out = check_alloc(c, n + 1);
	if (!out)
		return NULL;
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

const char *check_narrative(check_ctx *c, const fpath *at, const cdaimg_narrative *nar)
{
	if (nar->div && nar->text) {
		dc_err(&c->dc, CDAIMG_D_NARRATIVE, cpath(c, at, "text"),
		       "a description is given once: as div (XHTML) or as text (plain), not both");
		return NULL;
	}
	if (!nar->div && !nar->text) {
		if (nar->status)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "div"), "a narrative needs its div (or its text)");
		return NULL;
	}
	if (!check_text(c, FIELD(at, "status"), nar->status))
		return NULL;
	if (nar->text)
		return plain_narrative(c, FIELD(at, "text"), nar->text);
	/* the markup is not written, its text is: the text has the limit */
	if (!xml_text(c, FIELD(at, "div"), nar->div))
		return NULL;
	diag_ctx sub = dc_sub(&c->dc);
	sub.prefix = FIELD(at, "div");
	char *text = narrative_text(c->arena, &sub, nar->div);
	dc_join(&c->dc, &sub);
	if (text && !short_enough(c, FIELD(at, "div"), text, CHECK_MAX_VALUE))
		return NULL;
	return text && *text ? text : NULL;
}
