/* SPDX-License-Identifier: MIT */
/*
 * xsd_load.c - what libxml2 reads while cdaimg loads an XML Schema.
 *
 * libxml2's schema parser reads the schema file and every xs:include,
 * xs:import and xs:redefine through the external entity loader, with entity
 * substitution on and no other say for the caller: by default an http://
 * location is fetched, a catalog is consulted and external entities are read.
 * While a guard is active in a thread, the loader installed here instead
 * takes local files only, reads each one itself, refuses it unless it is a
 * document doc_parse_schema accepts (no external entity declared, nothing
 * undeclared, no NUL, well-formed) and hands libxml2 those very bytes: it
 * has no external entity to expand, and an external DTD is not loaded
 * (libxml2 loads none without XML_PARSE_DTDLOAD; were it asked to, the file
 * would come here, and not be a document). Threads without a
 * guard get the loader that was there before (the host's, or libxml2's).
 *
 * Errors libxml2 raises meanwhile with no handler of their own (the parser
 * of a schema document) become diagnostics, never lines on stderr.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/uri.h>

#include "xsd_load.h"

static _Thread_local xsd_guard *current;
static xmlExternalEntityLoader previous;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void refuse(xsd_guard *g, const char *url, const char *fmt, const char *detail)
{
	g->refused = true;
	dc_err(g->dc, CDAIMG_D_SCHEMA_LOAD, url, fmt, detail);
}

/* The local file @p url names (cd_free), or NULL when it names none: a URI
 * with a scheme other than file, or a file URI of another host. */
static char *local_path(const char *url)
{
	xmlURIPtr u = xmlParseURI(url);
	if (!u) /* not a URI, so no scheme: a path with characters a URI escapes */
		return strstr(url, "://") ? NULL : cd_strdup(url);
	char *path = NULL;
	if (!u->scheme)
		path = cd_strdup(url);
	else if (!strcmp(u->scheme, "file") && u->path && (!u->server || !*u->server || !strcmp(u->server, "localhost")))
		path = cd_strdup(u->path); /* xmlParseURI unescapes the path */
	xmlFreeURI(u);
	return path;
}

/* Every diagnostic of @p from, as an error of loading the file @p path. */
static void retell(xsd_guard *g, const char *path, const cdaimg_diags *from)
{
	for (size_t i = 0; i < cdaimg_diags_count(from); i++) {
		const cdaimg_diag *d = cdaimg_diags_get(from, i);
		if (d->severity == CDAIMG_SEV_ERROR)
			dc_add(g->dc, CDAIMG_SEV_ERROR, d->code == CDAIMG_D_NOMEM ? CDAIMG_D_NOMEM : CDAIMG_D_SCHEMA_LOAD, path,
			       d->line, NULL, "%s", d->message);
	}
}

/* The checked bytes of the local file @p url as a parser input, or NULL
 * (refused, reported). */
static xmlParserInputPtr load_local(xsd_guard *g, const char *url, xmlParserCtxtPtr ctxt)
{
	char *path = local_path(url);
	if (!path) {
		if (!g->dc->nomem)
			refuse(g, url, "%s", "not a local file: a schema and its includes and imports are read from local "
			                     "files only (no network)");
		return NULL;
	}
	cdaimg_diags *found = cdaimg_diags_new();
	diag_ctx dc = {.diags = found};
	char *data = NULL;
	size_t len = 0;
	xmlDocPtr doc = NULL;
	cdaimg_status st = found ? read_file_all(path, &data, &len, &dc) : CDAIMG_ENOMEM;
	if (st == CDAIMG_OK)
		st = doc_parse_schema(&doc, data, len, path, &dc);
	xmlFreeDoc(doc);
	g->dc->nomem |= dc.nomem || !found;
	if (st != CDAIMG_OK) {
		g->refused = true;
		retell(g, path, found);
		cd_free(data);
		cd_free(path);
		cdaimg_diags_free(found);
		return NULL;
	}
	cdaimg_diags_free(found);
	cd_free(path);
	xmlParserInputPtr in = NULL;
	xmlParserInputBufferPtr buf = len <= INT32_MAX ? xmlParserInputBufferCreateMem(data, (int)len, XML_CHAR_ENCODING_NONE)
	                                               : NULL;
	cd_free(data); /* the buffer holds a copy */
	if (buf && !(in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE)))
		xmlFreeParserInputBuffer(buf);
	if (in && !(in->filename = (char *)xmlStrdup((const xmlChar *)url))) { /* the base of its own includes */
		xmlFreeInputStream(in);
		in = NULL;
	}
	if (!in)
		g->dc->nomem = true;
	return in;
}

static xmlParserInputPtr loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	xsd_guard *g = current;
	if (!g)
		return previous ? previous(url, id, ctxt) : NULL;
	if (!url) {
		refuse(g, "", "%s", "a resource without a location (only local files are read)");
		return NULL;
	}
	return load_local(g, url, ctxt);
}

static void install(void)
{
	previous = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(loader);
}

/* Errors raised with no handler of their own while the guard is on. */
static void on_error(void *ud, CD_XMLERROR *err)
{
	xsd_guard *g = ud;
	if (!err || err->level < XML_ERR_ERROR)
		return;
	if (err->code == XML_ERR_NO_MEMORY) {
		g->dc->nomem = true;
		return;
	}
	char msg[1024];
	one_line(msg, sizeof msg, err->message ? err->message : "error");
	dc_add(g->dc, CDAIMG_SEV_ERROR, CDAIMG_D_SCHEMA_LOAD, err->file ? err->file : "", err->line, NULL, "%s", msg);
	g->refused = true;
}

void xsd_guard_install(void) { pthread_once(&installed, install); }

bool xsd_guard_begin(xsd_guard *g, diag_ctx *dc)
{
	memset(g, 0, sizeof *g);
	g->dc = dc;
	xsd_guard_install();
	if (xmlGetExternalEntityLoader() != loader) {
		/* replaced since (by the host): loading would not be guarded */
		dc_err(dc, CDAIMG_D_SCHEMA_LOAD, "",
		       "libxml2's external entity loader was replaced after cdaimg installed its own: schemas are not "
		       "loaded unguarded (call xmlSetExternalEntityLoader before the first cdaimg call)");
		return false;
	}
	g->saved = xmlStructuredError;
	g->saved_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(g, on_error);
	g->outer = current;
	current = g;
	return true;
}

bool xsd_guard_end(xsd_guard *g)
{
	current = g->outer;
	xmlSetStructuredErrorFunc(g->saved_ctx, g->saved);
	return g->refused;
}
