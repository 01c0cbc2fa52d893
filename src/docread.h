/* SPDX-License-Identifier: MIT */
/* docread.h - safe document parsing, shared by validation, rules and extraction. */
#ifndef CDAIMG_DOCREAD_H
#define CDAIMG_DOCREAD_H

#include <errno.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "internal.h"

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
/* Read a whole file into memory (caller frees with cd_free). */
cdaimg_status read_file_all(const char *path, char **data, size_t *len, diag_ctx *dc);
/* Copy @p text into @p msg as one line of valid UTF-8, trailing blanks removed. */
void one_line(char *msg, size_t n, const char *text);

#endif
