/* SPDX-License-Identifier: MIT */
/*
 * validate_stream.c - XML Schema validation while the document is read: the
 * parser's SAX events go straight to libxml2's schema validator
 * (xmlSchemaSAXPlug) and no tree is built, so memory does not grow with the
 * size of the document. The parser pulls the bytes through a read callback
 * (as xmlSchemaValidateStream does): fewer instructions than feeding a push
 * parser, and the messages of a whole-document parse at the end of the input.
 *
 * Our SAX handler sits in front of the validator's: it keeps the path of the
 * open elements (for the diagnostics), refuses entity declarations and
 * references, and forwards the rest.
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "docread.h"
#include "schema.h"

/* The options of doc_parse (docread.c): no network, no entity substitution,
 * no DTD loading, libxml2's size and depth limits kept. */
#define STREAM_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES)
/* Bytes read from the file at a time (the parser asks for ~4 kB at a time). */
#define CHUNK (64 * 1024)
/* Schema errors listed; those past it are counted in one last diagnostic
 * (a broken generator can make millions of them). */
#define MAX_LISTED 1000
/* Distinct child element names whose counts an element keeps for the
 * positions in paths (a CDA element has fewer than 30). */
#define MAX_KID_NAMES 64

/* An open element. */
typedef struct frame {
	const xmlChar *name; /* interned in the parser's dictionary */
	unsigned long pos;   /* among same-named siblings so far, 1-based; 0: not counted */
	long line;           /* of its start tag */
	size_t kids;         /* where its children's name counts start in `kids` */
	size_t n_names;      /* how many distinct child names it counts */
} frame;

/* How many children of the enclosing element had this name so far. */
typedef struct kid {
	const xmlChar *name;
	unsigned long n;
} kid;

typedef struct sv {
	diag_ctx *dc;
	const char *name; /* for messages */
	xmlParserCtxtPtr pc;
	const xmlSAXHandler *xsd_sax; /* the validator's own handlers (from xmlSchemaSAXPlug) */
	void *xsd_ud;
	frame *frames;
	size_t depth, frames_cap;
	kid *kids;
	size_t n_kids, kids_cap, root_names;
	size_t listed, unlisted; /* schema errors */
	bool internal;           /* the validator reported an internal error */
	bool entities;           /* the DTD declares entities */
	const xmlChar *undeclared; /* an entity referred to but not declared (dictionary's) */
	bool doctype;
	bool oom;
	/* the first well-formedness error (later ones follow from it) */
	int wf_code;
	long wf_line, wf_column;
	char wf_msg[512];
	/* the input */
	int fd;
	char *buf;
	size_t have, used;
	int read_errno;
	bool content; /* a byte other than white space was read: the input is not empty */
	attr_guard guard; /* attributes per element, counted before the parser sees them */
	long lines;       /* newlines read before the chunk in buf */
	long crowded;     /* the line of an element with too many attributes; 0: none */
} sv;

static void stop(sv *s) { xmlStopParser(s->pc); }

static void out_of_memory(sv *s)
{
	s->oom = true;
	stop(s);
}

static bool grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 32;
	void *p = cd_realloc(*items, n * size);
	if (!p)
		return false;
	*items = p;
	*cap = n;
	return true;
}

/* Count @p name among the children of the innermost open element (or of the
 * document) and push it. */
static bool push(sv *s, const xmlChar *name)
{
	if (!grow((void **)&s->frames, &s->frames_cap, s->depth + 1, sizeof *s->frames))
		return false;
	size_t first = s->depth ? s->frames[s->depth - 1].kids : 0;
	size_t *names = s->depth ? &s->frames[s->depth - 1].n_names : &s->root_names;
	unsigned long pos = 0;
	for (size_t i = first; i < s->n_kids; i++) {
		if (s->kids[i].name == name) {
			pos = ++s->kids[i].n;
			break;
		}
	}
	if (!pos && *names < MAX_KID_NAMES) {
		if (!grow((void **)&s->kids, &s->kids_cap, s->n_kids + 1, sizeof *s->kids))
			return false;
		s->kids[s->n_kids++] = (kid){name, 1};
		(*names)++;
		pos = 1;
	}
	s->frames[s->depth++] = (frame){name, pos, s->pc->input ? s->pc->input->line : 0, s->n_kids, 0};
	return true;
}

static void pop(sv *s)
{
	if (!s->depth)
		return;
	s->depth--;
	s->n_kids = s->frames[s->depth].kids;
}

/* "/ClinicalDocument/component/structuredBody/component[2]/section". Unlike
 * cdaimg_node_path, which sees the whole tree, a position is given only from
 * the second same-named sibling on: whether more follow is not known yet. */
static char *frame_path(const sv *s)
{
	strbuf b = {0};
	for (size_t i = 0; i < s->depth; i++) {
		sb_addc(&b, '/');
		sb_add(&b, (const char *)s->frames[i].name);
		if (s->frames[i].pos > 1)
			sb_addf(&b, "[%lu]", s->frames[i].pos);
	}
	if (!b.s && !b.failed)
		sb_add(&b, "/");
	return sb_take(&b);
}

/* --- the SAX handler ----------------------------------------------------------------------- */

static void on_start(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri, int nb_ns,
                     const xmlChar **ns, int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
	sv *s = ud;
	if (!push(s, localname)) {
		out_of_memory(s);
		return;
	}
	s->xsd_sax->startElementNs(s->xsd_ud, localname, prefix, uri, nb_ns, ns, nb_attrs, nb_defaulted, attrs);
}

/* The validator checks the element's content at its end tag: it runs first,
 * so that its errors get this element's path. */
static void on_end(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	sv *s = ud;
	s->xsd_sax->endElementNs(s->xsd_ud, localname, prefix, uri);
	pop(s);
}

static void on_text(void *ud, const xmlChar *ch, int len)
{
	sv *s = ud;
	s->xsd_sax->characters(s->xsd_ud, ch, len);
}

/* Entities are never expanded, and the validator cannot see into them:
 * a document that declares any is refused, as doc_parse refuses it. */
static void on_entity_decl(void *ud, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
	(void)name, (void)type, (void)public_id, (void)system_id, (void)content;
	sv *s = ud;
	s->entities = true;
	stop(s);
}

static void on_unparsed_entity_decl(void *ud, const xmlChar *name, const xmlChar *public_id,
                                    const xmlChar *system_id, const xmlChar *notation)
{
	on_entity_decl(ud, name, 0, public_id, system_id, (xmlChar *)notation);
}

/* Only called for an entity the parser does not know (an undeclared one,
 * when an external DTD that is not loaded might have declared it). */
static void on_reference(void *ud, const xmlChar *name)
{
	sv *s = ud;
	s->undeclared = name;
	stop(s);
}

static void on_doctype(void *ud, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	(void)name, (void)external_id, (void)system_id;
	sv *s = ud;
	s->doctype = true;
}

/* The parser's errors (nothing reaches stderr): an allocation failure, and
 * the first fatal one, are noted. */
static void on_parser_error(void *ud, CD_XMLERROR *err)
{
	sv *s = ud;
	if (!err)
		return;
	if (err->code == XML_ERR_NO_MEMORY)
		s->oom = true;
	if (err->level == XML_ERR_FATAL && !s->wf_code) {
		s->wf_code = err->code ? err->code : -1;
		s->wf_line = err->line;
		s->wf_column = err->int2;
		snprintf(s->wf_msg, sizeof s->wf_msg, "%s", err->message ? err->message : "parse error");
	}
}

/* The validator's errors. */
static void on_schema_error(void *ud, CD_XMLERROR *err)
{
	sv *s = ud;
	if (err->level == XML_ERR_WARNING)
		return;
	if (err->code == XML_ERR_NO_MEMORY) {
		s->oom = true;
		return;
	}
	if (err->code == XML_SCHEMAV_INTERNAL)
		s->internal = true;
	if (s->listed >= MAX_LISTED) {
		s->unlisted++;
		return;
	}
	s->listed++;
	char *path = frame_path(s);
	if (!path) {
		out_of_memory(s);
		return;
	}
	long line = s->depth ? s->frames[s->depth - 1].line : err->line;
	char msg[1024];
	one_line(msg, sizeof msg, err->message ? err->message : "schema error");
	/* a root the schema does not declare, most often a lone entry: say what
	 * the tree validation does differently */
	const char *hint = err->code == XML_SCHEMAV_CVC_ELT_1 && s->depth == 1
	                           ? " The stream validation takes documents whose root the schema declares "
	                             "(ClinicalDocument for the CDA schemas). An entry or a section is checked "
	                             "inside a minimal document by cdaimg_schema_validate_entry (cdaimg validate "
	                             "without --stream)."
	                           : "";
	dc_add(s->dc, CDAIMG_SEV_ERROR, CDAIMG_D_SCHEMA, path, line, NULL, "%s%s", msg, hint);
	if (s->dc->nomem)
		out_of_memory(s);
	cd_free(path);
}

static void sax_init(xmlSAXHandler *h)
{
	memset(h, 0, sizeof *h);
	h->initialized = XML_SAX2_MAGIC;
	h->startElementNs = on_start;
	h->endElementNs = on_end;
	h->characters = on_text;
	h->ignorableWhitespace = on_text; /* the same: the parser then never asks what is ignorable */
	/* no cdataBlock: CDATA sections arrive as text (XML_PARSE_NOCDATA) */
	h->reference = on_reference;
	h->entityDecl = on_entity_decl;
	h->unparsedEntityDecl = on_unparsed_entity_decl;
	h->internalSubset = on_doctype;
	h->serror = on_parser_error;
}

/* --- the run -------------------------------------------------------------------------------- */

/* The parser's read callback: up to @p len bytes from our buffer, refilled
 * from the file. Once the outcome is known (not well-formed, refused, out of
 * memory) the input ends there: the rest of a huge file is not read. */
static int pull(void *ud, char *out, int len)
{
	sv *s = ud;
	if (s->oom || s->entities || s->undeclared || s->wf_code || s->crowded)
		return 0;
	if (s->used == s->have) {
		ssize_t n;
		do
			n = read(s->fd, s->buf, CHUNK);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			s->read_errno = errno;
			return -1;
		}
		s->have = (size_t)n;
		s->used = 0;
		s->content = s->content || !text_blank(s->buf, s->have);
		size_t before = s->guard.seen;
		if (!attr_guard_feed(&s->guard, s->buf, s->have)) {
			s->crowded = s->lines + line_at(s->buf, s->guard.at - before);
			return 0;
		}
		s->lines += line_at(s->buf, s->have) - 1;
	}
	size_t k = s->have - s->used < (size_t)len ? s->have - s->used : (size_t)len;
	memcpy(out, s->buf + s->used, k);
	s->used += k;
	return (int)k;
}

/* What the run found, in order of precedence. */
static cdaimg_status outcome(sv *s, xmlSchemaValidCtxtPtr vc)
{
	diag_ctx *dc = s->dc;
	const xmlError *err = xmlCtxtGetLastError(s->pc);
	if (s->oom || dc->nomem || (err && err->code == XML_ERR_NO_MEMORY)) {
		if (!dc->nomem)
			dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	if (s->entities) {
		dc_err(dc, CDAIMG_D_XML, s->name,
		       "the document's DTD declares entities; CDA needs none and cdaimg does not expand them");
		return CDAIMG_EPARSE;
	}
	if (s->undeclared) {
		dc_add(dc, CDAIMG_SEV_ERROR, CDAIMG_D_XML, s->name, s->pc->input ? s->pc->input->line : 0, NULL,
		       "the document refers to the entity '%.100s', declared nowhere cdaimg reads (no DTD loading); "
		       "CDA needs none",
		       (const char *)s->undeclared);
		return CDAIMG_EPARSE;
	}
	if (s->read_errno) {
		dc_err(dc, CDAIMG_D_IO, s->name, "read error: %s", strerror(s->read_errno));
		return CDAIMG_EIO;
	}
	if (s->crowded) {
		attr_guard_report(dc, s->crowded);
		return CDAIMG_EPARSE;
	}
	if ((!s->pc->wellFormed || s->wf_code) && !s->content) {
		dc_err(dc, CDAIMG_D_XML, "", "empty input");
		return CDAIMG_EPARSE;
	}
	if (!s->pc->wellFormed || s->wf_code) {
		char msg[1024];
		one_line(msg, sizeof msg, s->wf_code ? s->wf_msg : err && err->message ? err->message : "parse error");
		/* the path stays empty, as doc_parse leaves it */
		dc_err_at(dc, CDAIMG_D_XML, "", s->wf_code ? s->wf_line : err ? err->line : 0,
		          s->wf_code ? s->wf_column : err ? err->int2 : 0, "not well-formed: %s", msg);
		return CDAIMG_EPARSE;
	}
	if (s->pc->input && s->pc->input->cur < s->pc->input->end) {
		/* libxml2 (2.9) stops reading at a NUL byte: as doc_parse, refused */
		dc_err_at(dc, CDAIMG_D_XML, "", s->pc->input->line, 0,
		          "not well-formed: a NUL byte at byte %ld; XML cannot carry it, and nothing after it is read",
		          xmlByteConsumed(s->pc));
		return CDAIMG_EPARSE;
	}
	if (s->doctype)
		dc_warn(dc, CDAIMG_D_XML, s->name, "the document's DOCTYPE is ignored (no DTD loading)");
	if (s->unlisted)
		dc_add(dc, CDAIMG_SEV_ERROR, CDAIMG_D_SCHEMA, "", 0, NULL,
		       "%zu more schema errors not listed (the first %d are)", s->unlisted, MAX_LISTED);
	if (s->internal) {
		dc_err(dc, CDAIMG_D_INTERNAL, "", "libxml2 could not run the validation");
		return CDAIMG_EINTERNAL;
	}
	if (xmlSchemaIsValid(vc) == 1 && !s->listed)
		return CDAIMG_OK;
	if (!s->listed)
		dc_err(dc, CDAIMG_D_SCHEMA, "", "the document is not valid against the schema");
	return CDAIMG_ENONCONFORMANT;
}

static cdaimg_status validate_fd(const cdaimg_schema *schema, int fd, const char *name, diag_ctx *dc)
{
	sv s = {0};
	s.dc = dc;
	s.name = name ? name : "";
	cdaimg_status st = CDAIMG_ENOMEM;
	xmlSAXHandler handler;
	sax_init(&handler);
	xmlSAXHandler *xsd_sax = NULL;
	xmlSchemaSAXPlugPtr plug = NULL;
	/* errors libxml2 raises without the parser (encoding conversion, some
	 * allocation failures) come to us, not to stderr (F14) */
	nomem_watch watch;
	nomem_watch_start(&watch);
	char *buf = cd_malloc(CHUNK);
	xmlSchemaValidCtxtPtr vc = buf ? xmlSchemaNewValidCtxt(schema->xsd) : NULL;
	if (!vc)
		goto done;
	xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &s);
	/* With no handler of ours, the plug gives the validator's handlers themselves. */
	plug = xmlSchemaSAXPlug(vc, &xsd_sax, &s.xsd_ud);
	if (!plug)
		goto done;
	s.xsd_sax = xsd_sax;
	s.fd = fd;
	s.buf = buf;
	s.pc = xmlCreateIOParserCtxt(&handler, &s, pull, NULL, &s, XML_CHAR_ENCODING_NONE);
	if (!s.pc)
		goto done;
	xmlCtxtUseOptions(s.pc, STREAM_OPTIONS);
	xmlParseDocument(s.pc);
	st = outcome(&s, vc);
done:
	if (nomem_watch_end(&watch))
		st = CDAIMG_ENOMEM;
	if (plug)
		xmlSchemaSAXUnplug(plug);
	if (s.pc) {
		/* in SAX mode the parser keeps the DTD's entity declarations in a
		 * document of its own ("SAX compatibility mode"), left to the caller */
		xmlFreeDoc(s.pc->myDoc);
		xmlFreeParserCtxt(s.pc);
	}
	xmlSchemaFreeValidCtxt(vc);
	cd_free(buf);
	cd_free(s.frames);
	cd_free(s.kids);
	if (dc->nomem) /* a diagnostic could not be kept */
		return CDAIMG_ENOMEM;
	if (st == CDAIMG_ENOMEM)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
	return st;
}

cdaimg_status cdaimg_schema_validate_stream_fd(const cdaimg_schema *schema, int fd, const char *name,
                                               cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, schema && fd >= 0);
	cdaimg_global_init();
	return validate_fd(schema, fd, name, &dc);
}

cdaimg_status cdaimg_schema_validate_stream_file(const cdaimg_schema *schema, const char *path,
                                                 cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, schema && path);
	cdaimg_global_init();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dc_err(&dc, CDAIMG_D_IO, path, "cannot open: %s", strerror(errno));
		return CDAIMG_EIO;
	}
	cdaimg_status st = validate_fd(schema, fd, path, &dc);
	close(fd);
	return st;
}
