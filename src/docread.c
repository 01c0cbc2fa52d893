/* SPDX-License-Identifier: MIT */
/* docread.c - safe parsing of documents, readable element paths. */
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "docread.h"

/* No network, no entity substitution, no DTD loading or validation, no
 * XInclude; libxml2's default size and depth limits stay (no XML_PARSE_HUGE). */
#define SAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES)

char *cdaimg_node_path(const xmlNode *node)
{
	const xmlNode *chain[256];
	int n = 0;
	for (const xmlNode *k = node; k && k->type == XML_ELEMENT_NODE && n < 256; k = k->parent)
		chain[n++] = k;
	strbuf b = {0};
	for (int i = n - 1; i >= 0; i--) {
		const xmlNode *k = chain[i];
		sb_addc(&b, '/');
		sb_add(&b, (const char *)k->name);
		int pos = 0, total = 0;
		if (k->parent) {
			for (const xmlNode *s = k->parent->children; s; s = s->next) {
				if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, (const char *)k->name))
					continue;
				total++;
				if (s == k)
					pos = total;
			}
		}
		if (total > 1)
			sb_addf(&b, "[%d]", pos);
	}
	if (!b.s && !b.failed)
		sb_add(&b, "/");
	return sb_take(&b);
}

void one_line(char *msg, size_t n, const char *text)
{
	snprintf(msg, n, "%s", text);
	size_t l = strlen(msg);
	while (l && (msg[l - 1] == '\n' || msg[l - 1] == '\r' || msg[l - 1] == ' '))
		msg[--l] = '\0';
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	size_t off;
	if (text_problem(msg, &off)) /* keep diagnostics valid UTF-8 */
		msg[off] = '\0';
}

static void note_external(void *payload, void *data, const xmlChar *name)
{
	(void)name;
	const xmlEntity *e = payload;
	if (e->etype != XML_INTERNAL_GENERAL_ENTITY && e->etype != XML_INTERNAL_PARAMETER_ENTITY &&
	    e->etype != XML_INTERNAL_PREDEFINED_ENTITY)
		*(bool *)data = true;
}

/* Does the DTD declare entities (only external ones, with @p internal_ok)? */
static bool dtd_declares_entities(xmlDocPtr doc, bool internal_ok)
{
	const xmlDtd *dtd = doc->intSubset;
	if (!dtd)
		return false;
	if (!internal_ok)
		return (dtd->entities && xmlHashSize((xmlHashTablePtr)dtd->entities) > 0) ||
		       (dtd->pentities && xmlHashSize((xmlHashTablePtr)dtd->pentities) > 0);
	bool external = false;
	if (dtd->entities)
		xmlHashScan((xmlHashTablePtr)dtd->entities, note_external, &external);
	if (dtd->pentities)
		xmlHashScan((xmlHashTablePtr)dtd->pentities, note_external, &external);
	return external;
}

#if LIBXML_VERSION >= 21200
#define CD_XMLERROR const xmlError
#else
#define CD_XMLERROR xmlError
#endif

/* An entity referred to, which the parser did not expand: @p name (at most
 * 100 bytes of it) at @p line, the first one. */
static void note_entity(parse_notes *n, const xmlChar *name, long line)
{
	if (n->entity[0])
		return;
	snprintf(n->entity, sizeof n->entity, "%s", name && *name ? (const char *)name : "?");
	n->entity_line = line;
}

/* The structured error handlers of parse_watched: nothing goes to stderr,
 * and an allocation failure is remembered even when later errors follow it.
 * The context's (@p ud is the context) and this thread's (@p ud is the
 * nomem_watch). */
static void note_error(void *ud, CD_XMLERROR *err)
{
	xmlParserCtxtPtr ctxt = ud;
	parse_notes *n = ctxt->_private;
	if (err && err->code == XML_ERR_NO_MEMORY)
		n->oom = true;
	/* an undeclared entity where an external DTD (never loaded) might
	 * declare it: also said through the reference callback (note_reference) */
	if (err && err->code == XML_WAR_UNDECLARED_ENTITY)
		note_entity(n, (const xmlChar *)err->str1, err->line);
}

/* The SAX reference callback: the parser met an entity reference it does
 * not expand (an undeclared one, in content or in an attribute value). The
 * tree still gets its entity reference node. */
static void note_reference(void *ud, const xmlChar *name)
{
	xmlParserCtxtPtr ctxt = ud;
	if (!ctxt->myDoc || !xmlGetDocEntity(ctxt->myDoc, name)) /* declared ones are judged by the caller */
		note_entity(ctxt->_private, name, ctxt->input ? ctxt->input->line : 0);
	xmlSAX2Reference(ud, name);
}

#ifdef LIBXML_THREAD_ENABLED
static void note_thread_error(void *ud, CD_XMLERROR *err)
{
	if (err && err->code == XML_ERR_NO_MEMORY)
		((nomem_watch *)ud)->seen = true;
}
#endif

void nomem_watch_start(nomem_watch *w)
{
	w->seen = false;
#ifdef LIBXML_THREAD_ENABLED
	/* Allocation failures inside tree.c, xmlstring.c, the schema validator,
	 * and while making a parser context are raised without a context: they
	 * go to this thread's structured handler only, and the errors that
	 * follow hide them from xmlGetLastError(). Ours is this thread's handler
	 * meanwhile (per thread when libxml2 has threads, as Debian's). */
	w->saved = xmlStructuredError;
	w->saved_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(w, note_thread_error);
#else
	w->saved = NULL;
	w->saved_ctx = NULL;
#endif
	/* some allocation failures (creating a parser input) reach only
	 * libxml2's per-thread last error */
	xmlResetLastError();
}

bool nomem_watch_end(nomem_watch *w)
{
#ifdef LIBXML_THREAD_ENABLED
	xmlSetStructuredErrorFunc(w->saved_ctx, w->saved);
#endif
	const xmlError *last = xmlGetLastError();
	return w->seen || (last && last->code == XML_ERR_NO_MEMORY);
}

xmlDocPtr parse_watched(xmlParserCtxtPtr *ctxtp, const char *data, int len, const char *url, int options,
                        parse_notes *notes)
{
	memset(notes, 0, sizeof *notes);
	nomem_watch w;
	nomem_watch_start(&w);
	xmlDocPtr doc = NULL;
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (ctxt) {
		ctxt->sax->serror = note_error;
		ctxt->sax->reference = note_reference;
		ctxt->_private = notes;
		doc = xmlCtxtReadMemory(ctxt, data, len, url, NULL, options);
		/* a NUL byte ends libxml2's reading (2.9): what follows was not
		 * read, and the document seems well-formed */
		notes->unread = ctxt->input && ctxt->input->cur < ctxt->input->end;
		notes->unread_at = notes->unread ? xmlByteConsumed(ctxt) : 0;
		notes->unread_line = notes->unread ? ctxt->input->line : 0;
	}
	const xmlError *err = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
	notes->oom = nomem_watch_end(&w) || !ctxt || notes->oom || (err && err->code == XML_ERR_NO_MEMORY);
	*ctxtp = ctxt;
	return doc;
}

static cdaimg_status parse_checked(xmlDocPtr *out, const char *data, size_t len, const char *url, diag_ctx *dc,
                                   bool internal_entities)
{
	*out = NULL;
	if (len > (size_t)INT32_MAX) {
		dc_err(dc, CDAIMG_D_XML, url ? url : "", "document larger than 2 GiB");
		return CDAIMG_EPARSE;
	}
	if (text_blank(data, len)) {
		dc_err(dc, CDAIMG_D_XML, "", "empty input");
		return CDAIMG_EPARSE;
	}
	xmlParserCtxtPtr ctxt;
	parse_notes notes;
	xmlDocPtr doc = parse_watched(&ctxt, data, (int)len, url, SAFE_OPTIONS, &notes);
	cdaimg_status st = CDAIMG_OK;
	const xmlError *err = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
	if (notes.oom || !doc || !ctxt->wellFormed) {
		if (notes.oom) {
			dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
			st = CDAIMG_ENOMEM;
		} else {
			char msg[1024];
			one_line(msg, sizeof msg, err && err->message ? err->message : "parse error");
			/* the path stays empty: the caller knows which document it gave */
			dc_err_at(dc, CDAIMG_D_XML, "", err ? err->line : 0, err ? err->int2 : 0, "not well-formed: %s", msg);
			st = CDAIMG_EPARSE;
		}
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (dtd_declares_entities(doc, internal_entities)) {
		/* Never expanded by the parser, entities would still be walked into by
		 * the schema validator and by XPath string values: refuse them. */
		dc_err(dc, CDAIMG_D_XML, url ? url : "",
		       internal_entities
		               ? "the document's DTD declares external entities; a schema is read from its own file "
		                 "only, and cdaimg does not expand them"
		               : "the document's DTD declares entities; CDA needs none and cdaimg does not expand them");
		xmlFreeDoc(doc);
		doc = NULL;
		st = CDAIMG_EPARSE;
	} else if (notes.unread) {
		/* the same verdict as for any content after the root element */
		dc_err_at(dc, CDAIMG_D_XML, "", notes.unread_line, 0,
		          "not well-formed: a NUL byte at byte %ld; XML cannot carry it, and nothing after it is read",
		          notes.unread_at);
		xmlFreeDoc(doc);
		doc = NULL;
		st = CDAIMG_EPARSE;
	} else if (notes.entity[0]) {
		/* one verdict with the streaming validation (validate_stream.c): an
		 * entity it would have to expand from a DTD it does not load */
		dc_add(dc, CDAIMG_SEV_ERROR, CDAIMG_D_XML, url ? url : "", notes.entity_line, NULL,
		       "the document refers to the entity '%s', declared nowhere cdaimg reads (no DTD loading); "
		       "CDA needs none",
		       notes.entity);
		xmlFreeDoc(doc);
		doc = NULL;
		st = CDAIMG_EPARSE;
	} else if (doc->intSubset) {
		dc_warn(dc, CDAIMG_D_XML, url ? url : "", "the document's DOCTYPE is ignored (no DTD loading)");
	}
	xmlFreeParserCtxt(ctxt);
	if (st == CDAIMG_OK && !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		doc = NULL;
		dc_err(dc, CDAIMG_D_XML, url ? url : "", "no root element");
		st = CDAIMG_EPARSE;
	}
	*out = doc;
	return st;
}

cdaimg_status doc_parse(xmlDocPtr *out, const char *data, size_t len, const char *url, diag_ctx *dc)
{
	return parse_checked(out, data, len, url, dc, false);
}

cdaimg_status doc_parse_schema(xmlDocPtr *out, const char *data, size_t len, const char *url, diag_ctx *dc)
{
	return parse_checked(out, data, len, url, dc, true);
}

cdaimg_status cdaimg_doc_read_memory(xmlDocPtr *out, const char *data, size_t len, const char *url,
                                     cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, data);
	cdaimg_global_init();
	cdaimg_status st = doc_parse(out, data, len, url, &dc);
	return dc.nomem && st == CDAIMG_OK ? CDAIMG_ENOMEM : st;
}

cdaimg_status read_file_all(const char *path, char **data, size_t *len, diag_ctx *dc)
{
	*data = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		dc_err(dc, CDAIMG_D_IO, path, "cannot open: %s", strerror(errno));
		return CDAIMG_EIO;
	}
	strbuf b = {0};
	char chunk[65536];
	size_t n;
	errno = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_addn(&b, chunk, n);
	int rerr = ferror(f) ? (errno ? errno : EIO) : 0; /* EISDIR for a folder */
	fclose(f);
	if (rerr) {
		sb_free(&b);
		dc_err(dc, CDAIMG_D_IO, path, "read error: %s", strerror(rerr));
		return CDAIMG_EIO;
	}
	if (b.failed) {
		sb_free(&b);
		dc_err(dc, CDAIMG_D_NOMEM, path, "out of memory reading the file");
		return CDAIMG_ENOMEM;
	}
	*len = b.len;
	*data = sb_take(&b);
	if (!*data) {
		dc_err(dc, CDAIMG_D_NOMEM, path, "out of memory reading the file");
		return CDAIMG_ENOMEM;
	}
	return CDAIMG_OK;
}

cdaimg_status cdaimg_doc_read_file(xmlDocPtr *out, const char *path, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, path);
	cdaimg_global_init();
	char *data;
	size_t len;
	cdaimg_status st = read_file_all(path, &data, &len, &dc);
	if (st != CDAIMG_OK)
		return st;
	st = doc_parse(out, data, len, path, &dc);
	cd_free(data);
	return dc.nomem && st == CDAIMG_OK ? CDAIMG_ENOMEM : st;
}
