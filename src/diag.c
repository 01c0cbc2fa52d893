/* SPDX-License-Identifier: MIT */
/* diag.c - the diagnostics list. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct cdaimg_diags {
	cdaimg_diag *items;
	size_t count, cap;
};

cdaimg_diags *cdaimg_diags_new(void) { return cd_calloc(1, sizeof(cdaimg_diags)); }

static void diag_release(cdaimg_diag *d)
{
	cd_free((char *)d->path);
	cd_free((char *)d->rule);
	cd_free((char *)d->message);
}

void cdaimg_diags_clear(cdaimg_diags *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->count; i++)
		diag_release(&diags->items[i]);
	diags->count = 0;
}

void cdaimg_diags_free(cdaimg_diags *diags)
{
	if (!diags)
		return;
	cdaimg_diags_clear(diags);
	cd_free(diags->items);
	cd_free(diags);
}

size_t cdaimg_diags_count(const cdaimg_diags *diags) { return diags ? diags->count : 0; }

size_t cdaimg_diags_count_at_least(const cdaimg_diags *diags, cdaimg_severity severity)
{
	size_t n = 0;
	for (size_t i = 0; diags && i < diags->count; i++)
		n += diags->items[i].severity >= severity;
	return n;
}

const cdaimg_diag *cdaimg_diags_get(const cdaimg_diags *diags, size_t i)
{
	return diags && i < diags->count ? &diags->items[i] : NULL;
}

const char *cdaimg_diag_code_name(cdaimg_diag_code code)
{
	static const char *const names[] = {
		[CDAIMG_D_REQUIRED] = "required",
		[CDAIMG_D_CARDINALITY] = "cardinality",
		[CDAIMG_D_TEXT] = "text",
		[CDAIMG_D_UID] = "uid",
		[CDAIMG_D_IDENTIFIER] = "identifier",
		[CDAIMG_D_DATE] = "date",
		[CDAIMG_D_CODE_SYSTEM] = "code-system",
		[CDAIMG_D_CODE_UNKNOWN] = "code-unknown",
		[CDAIMG_D_STATUS] = "status",
		[CDAIMG_D_MEDIA_TYPE] = "media-type",
		[CDAIMG_D_LINK_KIND] = "link-kind",
		[CDAIMG_D_URL] = "url",
		[CDAIMG_D_URL_PARAM] = "url-param",
		[CDAIMG_D_URL_MISMATCH] = "url-mismatch",
		[CDAIMG_D_URL_CONTENT_TYPE] = "url-content-type",
		[CDAIMG_D_RANGE] = "range",
		[CDAIMG_D_NARRATIVE] = "narrative",
		[CDAIMG_D_NARRATIVE_MARKUP] = "narrative-markup",
		[CDAIMG_D_IGNORED] = "ignored",
		[CDAIMG_D_PROFILE] = "profile",
		[CDAIMG_D_XML] = "xml",
		[CDAIMG_D_SCHEMA] = "schema",
		[CDAIMG_D_SCHEMA_LOAD] = "schema-load",
		[CDAIMG_D_RULE] = "rule",
		[CDAIMG_D_JSON] = "json",
		[CDAIMG_D_UNKNOWN_MEMBER] = "unknown-member",
		[CDAIMG_D_EXTRACT] = "extract",
		[CDAIMG_D_NOMEM] = "nomem",
		[CDAIMG_D_ARG] = "arg",
		[CDAIMG_D_IO] = "io",
		[CDAIMG_D_INTERNAL] = "internal",
		[CDAIMG_D_DUPLICATE] = "duplicate",
		[CDAIMG_D_TARGET] = "target",
	};
	return (unsigned)code < sizeof names / sizeof names[0] && names[code] ? names[code] : "unknown";
}

const char *cdaimg_severity_name(cdaimg_severity severity)
{
	switch (severity) {
	case CDAIMG_SEV_INFO:
		return "info";
	case CDAIMG_SEV_WARNING:
		return "warning";
	case CDAIMG_SEV_ERROR:
		return "error";
	}
	return "unknown";
}

size_t cdaimg_diag_format(const cdaimg_diag *d, char *buf, size_t size)
{
	char line[64] = "";
	if (d->line > 0 && d->column > 0)
		snprintf(line, sizeof line, "line %ld: column %ld: ", d->line, d->column);
	else if (d->line > 0)
		snprintf(line, sizeof line, "line %ld: ", d->line);
	int n = snprintf(buf, size, "%s%s%s%s%s [%s%s%s]", line, d->path, *d->path ? ": " : "",
	                 d->severity == CDAIMG_SEV_WARNING ? "warning: " : "", d->message,
	                 cdaimg_diag_code_name(d->code), d->rule ? " " : "", d->rule ? d->rule : "");
	return n < 0 ? 0 : (size_t)n;
}

/* Messages quote input values: keep them one line of valid UTF-8 whatever
 * those values hold (control characters and broken sequences become '?'). */
static void sanitize(char *s)
{
	size_t n = strlen(s), off;
	const char *why;
	while ((why = text_problem_n(s, n, &off)) != NULL)
		s[off] = '?';
	for (char *p = s; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
}

static cdaimg_status add_at(cdaimg_diags *diags, cdaimg_severity severity, cdaimg_diag_code code,
                            const char *path, long line, long column, const char *rule, const char *message)
{
	if (!diags || !message)
		return CDAIMG_EARG;
	if (diags->count == diags->cap) {
		size_t cap = diags->cap ? diags->cap * 2 : 8;
		cdaimg_diag *items = cd_realloc(diags->items, cap * sizeof *items);
		if (!items)
			return CDAIMG_ENOMEM;
		diags->items = items;
		diags->cap = cap;
	}
	cdaimg_diag d = {severity, code, NULL, line, NULL, NULL, column > 0 ? column : 0};
	d.path = cd_strdup(path ? path : "");
	d.rule = rule ? cd_strdup(rule) : NULL;
	d.message = cd_strdup(message);
	if (!d.path || !d.message || (rule && !d.rule)) {
		diag_release(&d);
		return CDAIMG_ENOMEM;
	}
	sanitize((char *)d.message);
	sanitize((char *)d.path);
	diags->items[diags->count++] = d;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_diags_add(cdaimg_diags *diags, cdaimg_severity severity, cdaimg_diag_code code,
                               const char *path, long line, const char *rule, const char *message)
{
	return add_at(diags, severity, code, path, line, 0, rule, message);
}

cdaimg_status cdaimg_diags_append(cdaimg_diags *diags, const cdaimg_diag *diag)
{
	if (!diags || !diag)
		return CDAIMG_EARG;
	return add_at(diags, diag->severity, diag->code, diag->path, diag->line, diag->column, diag->rule, diag->message);
}

bool diags_move(cdaimg_diags *to, cdaimg_diags *from)
{
	bool ok = true;
	for (size_t i = 0; to && from && i < from->count && ok; i++) {
		ok = cdaimg_diags_append(to, &from->items[i]) == CDAIMG_OK;
	}
	cdaimg_diags_clear(from);
	return ok;
}

bool diags_rewrite_paths(cdaimg_diags *diags, char *(*path_of)(void *payload, const char *path), void *payload)
{
	for (size_t i = 0; diags && i < diags->count; i++) {
		char *p = path_of(payload, diags->items[i].path);
		if (!p)
			return false;
		sanitize(p);
		cd_free((char *)diags->items[i].path);
		diags->items[i].path = p;
	}
	return true;
}

static void add_segment(strbuf *b, const fpath *at)
{
	if (!at)
		return;
	add_segment(b, at->up);
	if (b->len && *at->name)
		sb_addc(b, '.');
	sb_add(b, at->name);
	if (at->index != FP_NONE)
		sb_addf(b, "[%zu]", at->index);
}

void sb_add_fpath(strbuf *b, const fpath *at, const char *rest)
{
	size_t before = b->len;
	add_segment(b, at);
	if (b->len > before && *rest && *rest != '[')
		sb_addc(b, '.');
	sb_add(b, rest);
}

diag_ctx dc_sub(const diag_ctx *dc) { return (diag_ctx){.diags = dc->diags}; }

void dc_join(diag_ctx *dc, const diag_ctx *sub)
{
	dc->errors += sub->errors;
	dc->warnings += sub->warnings;
	dc->nomem = dc->nomem || sub->nomem;
}

static void vadd_at(diag_ctx *dc, cdaimg_severity sev, cdaimg_diag_code code, const char *path, long line,
                    long column, const char *rule, const char *fmt, va_list ap)
{
	if (sev == CDAIMG_SEV_ERROR && dc->cap && code != CDAIMG_D_NOMEM)
		sev = CDAIMG_SEV_WARNING;
	if (sev == CDAIMG_SEV_ERROR)
		dc->errors++;
	else if (sev == CDAIMG_SEV_WARNING)
		dc->warnings++;
	if (code == CDAIMG_D_NOMEM)
		dc->nomem = true;
	if (!dc->diags)
		return;
	char small[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	char *msg = small;
	if (n >= (int)sizeof small) {
		msg = cd_malloc((size_t)n + 1);
		if (msg)
			vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	/* out of memory is about the run, not about a value: no words around it */
	bool plain = code == CDAIMG_D_NOMEM;
	strbuf m = {0}, p = {0};
	if (msg && !plain && (dc->lead || dc->tail)) {
		sb_add(&m, dc->lead ? dc->lead : "");
		sb_add(&m, msg);
		sb_add(&m, dc->tail ? dc->tail : "");
	}
	char *lazy = dc->lazy_prefix ? dc->lazy_prefix(dc->lazy_payload) : NULL;
	if (lazy)
		sb_add_fpath(&p, FIELD(NULL, lazy), path ? path : "");
	else if (dc->prefix)
		sb_add_fpath(&p, dc->prefix, path ? path : "");
	if (n < 0 || !msg || m.failed || p.failed || (dc->lazy_prefix && !lazy) ||
	    add_at(dc->diags, sev, code, p.s ? p.s : path, line ? line : dc->line, column, rule, m.s ? m.s : msg))
		dc->nomem = true;
	sb_free(&m);
	sb_free(&p);
	cd_free(lazy);
	if (msg != small)
		cd_free(msg);
}

void dc_vadd(diag_ctx *dc, cdaimg_severity sev, cdaimg_diag_code code, const char *path, long line,
             const char *rule, const char *fmt, va_list ap)
{
	vadd_at(dc, sev, code, path, line, 0, rule, fmt, ap);
}

void dc_err_at(diag_ctx *dc, cdaimg_diag_code code, const char *path, long line, long column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd_at(dc, CDAIMG_SEV_ERROR, code, path, line, column, NULL, fmt, ap);
	va_end(ap);
}

void dc_add(diag_ctx *dc, cdaimg_severity sev, cdaimg_diag_code code, const char *path, long line,
            const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dc_vadd(dc, sev, code, path, line, rule, fmt, ap);
	va_end(ap);
}

void dc_err(diag_ctx *dc, cdaimg_diag_code code, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dc_vadd(dc, CDAIMG_SEV_ERROR, code, path, 0, NULL, fmt, ap);
	va_end(ap);
}

void dc_warn(diag_ctx *dc, cdaimg_diag_code code, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dc_vadd(dc, CDAIMG_SEV_WARNING, code, path, 0, NULL, fmt, ap);
	va_end(ap);
}

cdaimg_status dc_status(const diag_ctx *dc)
{
	if (dc->nomem)
		return CDAIMG_ENOMEM;
	return dc->errors ? CDAIMG_EINVALID : CDAIMG_OK;
}
