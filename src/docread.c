/* SPDX-License-Identifier: MIT */
/* docread.c - safe parsing of documents, readable element paths. */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "docread.h"

#define SAFE_OPTIONS DOC_SAFE_OPTIONS

/* The position of @p k among the element children of its parent named as it
 * is (*pos, from 1) and their number (*total); 0 and 0 without a parent.
 * @p m (may be NULL) remembers the last answer for each depth, so that nodes
 * asked in document order cost the siblings passed since the previous one. */
static void sibling_rank(path_memo *m, int depth, const xmlNode *k, int *pos, int *total)
{
	*pos = *total = 0;
	if (!k->parent)
		return;
	path_level *lv = m && depth < PATH_MEMO_DEPTH ? &m->lv[depth] : NULL;
	if (lv && lv->parent == k->parent && lv->node && !strcmp((const char *)lv->node->name, (const char *)k->name)) {
		int p = lv->pos;
		const xmlNode *s = lv->node;
		for (; s && s != k; s = s->next) {
			m->steps++;
			if (s->next && s->next->type == XML_ELEMENT_NODE && !strcmp((const char *)s->next->name, (const char *)k->name))
				p++;
		}
		if (s == k) {
			lv->node = k;
			lv->pos = p;
			*pos = p;
			*total = lv->total;
			return;
		}
		/* k comes before the node remembered: count again */
	}
	for (const xmlNode *s = k->parent->children; s; s = s->next) {
		if (m)
			m->steps++;
		if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, (const char *)k->name))
			continue;
		(*total)++;
		if (s == k)
			*pos = *total;
	}
	if (lv)
		*lv = (path_level){k->parent, k, *pos, *total};
}

/* The steps of @p node's path from the child of @p top on (@p top NULL: from
 * the root); "/" for none when @p top is NULL, "" otherwise. */
static char *path_below(path_memo *m, const xmlNode *top, const xmlNode *node)
{
	const xmlNode *chain[PATH_MAX_STEPS];
	int n = 0;
	if (m)
		m->paths++;
	for (const xmlNode *k = node; k && k != top && k->type == XML_ELEMENT_NODE && n < PATH_MAX_STEPS; k = k->parent)
		chain[n++] = k;
	strbuf b = {0};
	for (int i = n - 1; i >= 0; i--) {
		const xmlNode *k = chain[i];
		sb_addc(&b, '/');
		sb_add(&b, (const char *)k->name);
		int pos, total;
		sibling_rank(m, n - 1 - i, k, &pos, &total);
		if (total > 1)
			sb_addf(&b, "[%d]", pos);
	}
	if (!b.s && !b.failed)
		sb_add(&b, top ? "" : "/");
	return sb_take(&b);
}

char *node_path_memo(path_memo *m, const xmlNode *node) { return path_below(m, NULL, node); }

char *node_path_below(path_memo *m, const xmlNode *top, const xmlNode *node) { return path_below(m, top, node); }

char *cdaimg_node_path(const xmlNode *node) { return node_path_memo(NULL, node); }

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

/* --- attributes per element --------------------------------------------------------------- */

enum { AG_TEXT, AG_LT, AG_BANG, AG_BANG_DASH, AG_COMMENT, AG_CDATA, AG_PI, AG_DECL, AG_END, AG_TAG, AG_QUOTE };

bool attr_guard_feed(attr_guard *g, const char *data, size_t n)
{
	const char *p = data, *end = data + n;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		switch (g->state) {
		case AG_TEXT: {
			const char *lt = memchr(p, '<', (size_t)(end - p));
			if (!lt) {
				p = end;
				continue;
			}
			p = lt;
			g->state = AG_LT;
			break;
		}
		case AG_LT:
			g->state = c == '!' ? AG_BANG : c == '?' ? AG_PI : c == '/' ? AG_END : AG_TAG;
			g->count = 0;
			g->run = 0;
			if (g->state == AG_TAG)
				continue; /* the byte is the name's first */
			break;
		case AG_BANG:
			g->state = c == '-' ? AG_BANG_DASH : c == '[' ? AG_CDATA : AG_DECL;
			g->depth = 0;
			break;
		case AG_BANG_DASH:
			g->state = c == '-' ? AG_COMMENT : AG_DECL;
			break;
		case AG_COMMENT: /* to "-->" */
		case AG_CDATA:   /* to "]]>" */
		case AG_PI:      /* to "?>" */ {
			char close = g->state == AG_COMMENT ? '-' : g->state == AG_CDATA ? ']' : '?';
			size_t need = g->state == AG_PI ? 1 : 2;
			if (c == '>' && g->run >= need)
				g->state = AG_TEXT;
			g->run = c == close ? g->run + 1 : 0;
			break;
		}
		case AG_DECL: /* <!DOCTYPE ...> with its internal subset, quotes kept whole */
			if (c == '"' || c == '\'') {
				g->quote = c;
				g->back = AG_DECL;
				g->state = AG_QUOTE;
			} else if (c == '[') {
				g->depth++;
			} else if (c == ']' && g->depth) {
				g->depth--;
			} else if (c == '>' && !g->depth) {
				g->state = AG_TEXT;
			}
			break;
		case AG_END: {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			p = gt ? gt : end;
			if (gt)
				g->state = AG_TEXT;
			break;
		}
		case AG_TAG:
			if (c == '"' || c == '\'') {
				g->quote = c;
				g->back = AG_TAG;
				g->state = AG_QUOTE;
			} else if (c == '=') {
				if (++g->count > DOC_MAX_ATTRIBUTES) {
					g->at = g->seen + (size_t)(p - data);
					return false;
				}
			} else if (c == '>') {
				g->state = AG_TEXT;
			}
			break;
		case AG_QUOTE: {
			const char *q = memchr(p, g->quote, (size_t)(end - p));
			p = q ? q : end;
			if (q)
				g->state = g->back;
			break;
		}
		}
		if (p < end)
			p++;
	}
	g->seen += n;
	return true;
}

long line_at(const char *data, size_t offset)
{
	long line = 1;
	for (const char *p = data, *end = data + offset; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		line++;
	return line;
}

bool attr_guard_check(const char *data, size_t len, diag_ctx *dc)
{
	attr_guard g = {0};
	if (attr_guard_feed(&g, data, len))
		return true;
	attr_guard_report(dc, line_at(data, g.at));
	return false;
}

void attr_guard_report(diag_ctx *dc, long line)
{
	dc_err_at(dc, CDAIMG_D_XML, "", line, 0,
	          "an element with more than %d attributes (the most cdaimg reads on one element): not parsed",
	          DOC_MAX_ATTRIBUTES);
}

static cdaimg_status parse_checked(xmlDocPtr *out, const char *data, size_t len, const char *url, diag_ctx *dc,
                                   bool internal_entities)
{
	*out = NULL;
	if (len > DOC_MAX_BYTES) {
		dc_err(dc, CDAIMG_D_XML, url ? url : "", "document larger than 2 GiB");
		return CDAIMG_EPARSE;
	}
	if (text_blank(data, len)) {
		dc_err(dc, CDAIMG_D_XML, "", "empty input");
		return CDAIMG_EPARSE;
	}
	if (!attr_guard_check(data, len, dc))
		return CDAIMG_EPARSE;
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

/* read(2) into @p buf, again when interrupted; what read returns. */
static ssize_t read_some(int fd, char *buf, size_t n)
{
	ssize_t r;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static cdaimg_status too_large(diag_ctx *dc, const char *path, size_t max, const char *what)
{
	dc_err(dc, CDAIMG_D_IO, path, "larger than %zu bytes, the most a document may have: %s", max, what);
	return CDAIMG_EIO;
}

/* Read @p fd (named @p path) whole into *data: a regular file in one
 * allocation of its size, anything else in a buffer doubling from 64 KB;
 * never more than @p max bytes. */
cdaimg_status read_fd_max(int fd, const char *path, size_t max, char **data, size_t *len, diag_ctx *dc)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		dc_err(dc, CDAIMG_D_IO, path, "read error: %s", strerror(errno));
		return CDAIMG_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		dc_err(dc, CDAIMG_D_IO, path, "read error: %s", strerror(EISDIR));
		return CDAIMG_EIO;
	}
	bool regular = S_ISREG(st.st_mode) && st.st_size >= 0;
	if (regular && (uintmax_t)st.st_size > max)
		return too_large(dc, path, max, "not read");
	size_t cap = regular ? (size_t)st.st_size + 1 : max < 65536 ? max + 1 : 65536, n = 0;
	char *buf = cd_malloc(cap);
	cdaimg_status status = CDAIMG_OK;
	while (buf) {
		ssize_t r;
		if (n + 1 < cap) {
			r = read_some(fd, buf + n, cap - 1 - n);
		} else {
			/* full: one byte more says whether the input goes on (a regular file that grew, a stream) */
			char more;
			if ((r = read_some(fd, &more, 1)) == 1) {
				if (n >= max) {
					status = too_large(dc, path, max, "reading stopped");
					break;
				}
				size_t bigger = cap > max / 2 ? max + 1 : 2 * cap;
				char *b = cd_realloc(buf, bigger);
				if (!b) {
					status = CDAIMG_ENOMEM;
					break;
				}
				buf = b;
				cap = bigger;
				buf[n] = more;
			}
		}
		if (r < 0) {
			dc_err(dc, CDAIMG_D_IO, path, "read error: %s", strerror(errno));
			status = CDAIMG_EIO;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!buf || status == CDAIMG_ENOMEM) {
		/* stop at the first failed allocation: nothing more is read */
		cd_free(buf);
		dc_err(dc, CDAIMG_D_NOMEM, path, "out of memory reading the file");
		return CDAIMG_ENOMEM;
	}
	if (status != CDAIMG_OK) {
		cd_free(buf);
		return status;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return CDAIMG_OK;
}

cdaimg_status read_file_max(const char *path, size_t max, char **data, size_t *len, diag_ctx *dc)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dc_err(dc, CDAIMG_D_IO, path, "cannot open: %s", strerror(errno));
		return CDAIMG_EIO;
	}
	cdaimg_status st = read_fd_max(fd, path, max, data, len, dc);
	close(fd);
	return st;
}

cdaimg_status read_file_all(const char *path, char **data, size_t *len, diag_ctx *dc)
{
	return read_file_max(path, DOC_MAX_BYTES, data, len, dc);
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
