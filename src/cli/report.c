/* SPDX-License-Identifier: MIT */
/* report.c - what the command says on standard error: diagnostics, verdicts
 * and errors of the run. Every line about a file starts with its name, as
 * compilers and xmllint write them ("file.json:3:14: ...", "report.xml:12:
 * ..."); with --diagnostics json, diagnostics and errors are JSON lines
 * instead (docs/cdaimg.1, DIAGNOSTICS). */
#define _XOPEN_SOURCE 700 /* strdup */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

const char *cli_name(const char *path) { return !path || !strcmp(path, "-") ? "<stdin>" : path; }

const char *cli_out_name(const char *path) { return !path || !strcmp(path, "-") ? "<stdout>" : path; }

/* A copy of @p msg on one line: line breaks become spaces, trailing blanks go
 * (caller frees; NULL when out of memory). */
static char *one_line(const char *msg)
{
	char *m = strdup(msg);
	if (!m)
		return NULL;
	for (char *p = m; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	size_t n = strlen(m);
	while (n && m[n - 1] == ' ')
		m[--n] = '\0';
	return m;
}

/* --- JSON lines ------------------------------------------------------------------------------ */

/* A JSON string for @p s (NULL or "": null). Text that is not UTF-8 (a file
 * name may be anything) has its bytes above 0x7F replaced by '?'. */
static json_t *jstr(const char *s)
{
	if (!s || !*s)
		return json_null();
	json_t *v = json_string(s);
	if (v)
		return v;
	char *copy = strdup(s);
	if (!copy)
		return NULL;
	for (unsigned char *p = (unsigned char *)copy; *p; p++)
		if (*p > 0x7F)
			*p = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

static json_t *jnum(long n) { return n > 0 ? json_integer(n) : json_null(); }

/* One JSON line: the members in a fixed order, absent values as null. */
static void put_json(cli *c, const char *file, const cdaimg_diag *g)
{
	static const char nomem[] = "{\"file\":null,\"line\":null,\"column\":null,\"path\":null,\"severity\":\"error\","
	                            "\"code\":\"nomem\",\"rule\":null,\"message\":\"out of memory\"}";
	char *msg = one_line(g->message);
	json_t *o = json_object();
	char *text = NULL;
	if (o && msg && !json_object_set_new(o, "file", jstr(file)) && !json_object_set_new(o, "line", jnum(g->line)) &&
	    !json_object_set_new(o, "column", jnum(g->line > 0 ? g->column : 0)) &&
	    !json_object_set_new(o, "path", jstr(g->path)) &&
	    !json_object_set_new(o, "severity", json_string(cdaimg_severity_name(g->severity))) &&
	    !json_object_set_new(o, "code", json_string(cdaimg_diag_code_name(g->code))) &&
	    !json_object_set_new(o, "rule", jstr(g->rule)) && !json_object_set_new(o, "message", jstr(msg)))
		text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fprintf(c->err, "%s\n", text ? text : nomem);
	free(text);
	json_decref(o);
	free(msg);
}

/* --- text ------------------------------------------------------------------------------------ */

/* "FILE[:LINE[:COLUMN]]: [PATH: ][warning: ]MESSAGE [CODE[ RULE]]", or
 * "cdaimg: ..." when there is no file. */
static void put_text(cli *c, const char *file, cdaimg_diag g)
{
	if (file) {
		fputs(file, c->err);
		if (g.line > 0)
			fprintf(c->err, ":%ld", g.line);
		if (g.line > 0 && g.column > 0)
			fprintf(c->err, ":%ld", g.column);
		fputs(": ", c->err);
		g.line = g.column = 0; /* in front already */
	} else {
		fputs("cdaimg: ", c->err);
	}
	char *msg = one_line(g.message);
	if (msg)
		g.message = msg;
	char small[1024];
	size_t n = cdaimg_diag_format(&g, small, sizeof small);
	char *line = n < sizeof small ? small : malloc(n + 1);
	if (line && line != small)
		cdaimg_diag_format(&g, line, n + 1);
	fprintf(c->err, "%s\n", line ? line : small);
	if (line != small)
		free(line);
	free(msg);
}

/* --- the calls ------------------------------------------------------------------------------- */

void cli_diag(cli *c, const char *file, const cdaimg_diag *d)
{
	cdaimg_diag g = *d;
	if (file && (!strcmp(g.path, file) || (!strcmp(file, "<stdin>") && !strcmp(g.path, "-"))))
		g.path = ""; /* the file's name, in front already */
	if (c->json_diags)
		put_json(c, file, &g);
	else
		put_text(c, file, g);
}

void cli_diags(cli *c, const char *file, const cdaimg_diags *d)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->severity >= CDAIMG_SEV_WARNING)
			cli_diag(c, file, g);
	}
}

void cli_verdict(cli *c, const char *file, const char *fmt, ...)
{
	if (c->json_diags)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(c->err, "%s: ", file);
	vfprintf(c->err, fmt, ap);
	fputc('\n', c->err);
	va_end(ap);
}

void cli_error(cli *c, const char *file, cdaimg_diag_code code, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	cdaimg_diag g = {CDAIMG_SEV_ERROR, code, "", 0, NULL, small, 0};
	if (c->json_diags) {
		put_json(c, file, &g);
	} else if (file) {
		fprintf(c->err, "%s: %s\n", file, small);
	} else {
		fprintf(c->err, "cdaimg: %s\n", small);
	}
}

void cli_status_error(cli *c, const char *file, cdaimg_status st)
{
	cdaimg_diag_code code = st == CDAIMG_ENOMEM ? CDAIMG_D_NOMEM
	                        : st == CDAIMG_EIO  ? CDAIMG_D_IO
	                        : st == CDAIMG_EARG ? CDAIMG_D_ARG
	                                            : CDAIMG_D_INTERNAL;
	cli_error(c, file, code, "%s", cdaimg_status_name(st));
}

bool cli_only_empty(const cdaimg_diags *d)
{
	const cdaimg_diag *g = cdaimg_diags_get(d, 0);
	return cdaimg_diags_count(d) == 1 && (g->code == CDAIMG_D_JSON || g->code == CDAIMG_D_XML) && !g->line &&
	       !strcmp(g->message, "empty input");
}
