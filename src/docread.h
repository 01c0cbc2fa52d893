/* SPDX-License-Identifier: MIT */
/* docread.h - safe document parsing, shared by validation, rules and extraction. */
#ifndef CDAIMG_DOCREAD_H
#define CDAIMG_DOCREAD_H

#include <errno.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "internal.h"

/* Element paths (cdaimg_node_path) of many nodes of one document: what was
 * counted for the last node at each depth is kept, so that paths asked in
 * document order cost their depth and the siblings passed since the previous
 * one, not every sibling each time. Zero-initialised; holds no allocation. */
#define PATH_MEMO_DEPTH 64
typedef struct path_level {
	const xmlNode *parent, *node; /* the last node at this depth and its parent */
	int pos, total;               /* its rank among its same-named siblings, their number */
} path_level;
typedef struct path_memo {
	path_level lv[PATH_MEMO_DEPTH];
	size_t paths, steps; /* paths made, siblings looked at (for the tests) */
} path_memo;
/* cdaimg_node_path of @p node through @p m (NULL: none kept); caller frees with cd_free. */
char *node_path_memo(path_memo *m, const xmlNode *node);
/* The steps of that path below @p top, an ancestor of @p node ("" when
 * @p node is @p top): what the siblings inside @p top decide, when the
 * elements around it are not all in memory (extract_paths.c). */
char *node_path_below(path_memo *m, const xmlNode *top, const xmlNode *node);
/* The most steps a path has: the deepest ones of a node deeper than that. */
#define PATH_MAX_STEPS 256

/* At most this many attributes (namespace declarations included) on one
 * element of a document parsed: libxml2 2.9's parser compares each attribute
 * of an element with the ones before it, so that n attributes cost n^2
 * (80,000 on one element: 13 s). A scan of the bytes before the parser
 * (attr_guard) refuses more; CDA has a few per element. */
#define DOC_MAX_ATTRIBUTES 256
typedef struct attr_guard {
	int state, back;        /* where the scan is (docread.c), and where a quoted value returns */
	unsigned char quote;    /* the quote of the value being skipped */
	size_t count, run, depth; /* attributes of the start tag; closing characters seen; [ ] depth */
	size_t seen;            /* bytes fed before this chunk */
	size_t at;              /* the offset of the attribute one too many */
} attr_guard;
/* Scan the next @p n bytes of a document (zero-initialised @p g at its start):
 * false once a start tag has more than DOC_MAX_ATTRIBUTES attributes (g->at:
 * the offset of the '=' of the one too many). Comments, CDATA sections,
 * processing instructions and the DOCTYPE are skipped; quoted values are kept
 * whole. */
bool attr_guard_feed(attr_guard *g, const char *data, size_t n);
/* The whole of the document @p data through a guard; false (reported at the
 * line of the attribute one too many) when an element has too many. */
bool attr_guard_check(const char *data, size_t len, diag_ctx *dc);
/* The error of a guard that said false, at @p line of the document. */
void attr_guard_report(diag_ctx *dc, long line);
/* The line of byte @p offset of @p data (from 1). */
long line_at(const char *data, size_t offset);

/* No network, no entity substitution, no DTD loading or validation, no
 * XInclude; libxml2's default size and depth limits stay (no XML_PARSE_HUGE). */
#define DOC_SAFE_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES)

/* Parse with the safe options (see docread.c). */
cdaimg_status doc_parse(xmlDocPtr *out, const char *data, size_t len, const char *url, diag_ctx *dc);
/* The same for a file of a schema (xsd_load.c): a DTD may declare internal
 * entities (the W3C's XMLSchema.xsd declares a parameter entity), not
 * external ones. */
cdaimg_status doc_parse_schema(xmlDocPtr *out, const char *data, size_t len, const char *url, diag_ctx *dc);
/* Between start and end, every error libxml2 raises in this thread that is
 * not for a context with a handler set by us goes to a handler of ours
 * (nothing reaches stderr or the caller's handlers); end restores the
 * caller's and tells whether one of them, or libxml2's last error, was an
 * allocation failure. */
typedef struct nomem_watch {
	bool seen;
	xmlStructuredErrorFunc saved;
	void *saved_ctx;
} nomem_watch;
void nomem_watch_start(nomem_watch *w);
bool nomem_watch_end(nomem_watch *w);

/* What parse_watched noticed besides libxml2's verdict. */
typedef struct parse_notes {
	/* an allocation failure: the document, if any, may lack parts of the input */
	bool oom;
	/* input left unread after the document (libxml2 stops at a NUL byte):
	 * its byte offset and line */
	bool unread;
	long unread_at, unread_line;
	/* the first entity referred to that the parser did not expand (the
	 * tree has an entity reference node for it), and its line; "" if none */
	char entity[101];
	long entity_line;
} parse_notes;
/* Parse @p data through a new parser context (*ctxtp; NULL when it could not
 * be made, otherwise freed by the caller) without an explicit encoding,
 * catching every error libxml2 raises meanwhile in this thread: nothing
 * reaches stderr or the caller's handlers. The context's _private and SAX
 * reference callback are used. */
xmlDocPtr parse_watched(xmlParserCtxtPtr *ctxtp, const char *data, int len, const char *url, int options,
                        parse_notes *notes);
/* The largest document parsed: what libxml2 takes in one buffer (an int). */
#define DOC_MAX_BYTES ((size_t)INT32_MAX)
/* Read a whole file into memory (caller frees with cd_free), NUL-terminated:
 * at most @p max bytes. A regular file larger than that is refused before
 * anything is read; any other input (a pipe, a device) once @p max + 1
 * bytes are read; reading stops at the first failed allocation. */
cdaimg_status read_file_max(const char *path, size_t max, char **data, size_t *len, diag_ctx *dc);
/* The same from @p fd (borrowed), named @p path in messages. */
cdaimg_status read_fd_max(int fd, const char *path, size_t max, char **data, size_t *len, diag_ctx *dc);
/* The same with max DOC_MAX_BYTES. */
cdaimg_status read_file_all(const char *path, char **data, size_t *len, diag_ctx *dc);
/* Copy @p text into @p msg as one line of valid UTF-8, trailing blanks removed. */
void one_line(char *msg, size_t n, const char *text);

#endif
