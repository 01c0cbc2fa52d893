/* SPDX-License-Identifier: MIT */
/*
 * emit_writer.c - the streaming emitter: writes markup straight into a byte
 * buffer handed to a libxml2 xmlOutputBuffer, laid out exactly as libxml2's
 * xmlSaveTree with XML_SAVE_FORMAT lays out the tree the DOM emitter builds.
 * All escaping of values goes through xw_escape (the only escaping routine).
 */
#include <assert.h>
#include <string.h>

#include "emit_writer.h"
#include "internal.h"
#include "vocab.h"

/* libxml2: MAX_INDENT 60 over an indent string of 2 spaces -> 30 levels at most */
#define INDENT_MAX_LEVEL 30
static const char spaces[2 * INDENT_MAX_LEVEL + 1] = "                                                            ";

/* Bytes escaped in element content (1) and in a double-quoted attribute value (2),
 * as libxml2's serializer does for a document whose encoding is UTF-8: every
 * other byte, non-ASCII included, is written as is. */
static const unsigned char esc_class[256] = {
	['&'] = 3, ['<'] = 3, ['>'] = 3, ['\r'] = 3, ['"'] = 2, ['\n'] = 2, ['\t'] = 2,
};
static const char *const entity[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['\r'] = "&#13;",
	['"'] = "&quot;", ['\n'] = "&#10;", ['\t'] = "&#9;",
};

char *xw_escape(char *dst, const char *s, size_t n, bool attr)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char mask = attr ? 2 : 1;
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && !(esc_class[*p] & mask))
			p++;
		memcpy(dst, run, (size_t)(p - run));
		dst += p - run;
		if (p == end)
			break;
		const char *ent = entity[*p++];
		while (*ent)
			*dst++ = *ent++;
	}
	return dst;
}

/* --- the buffer ------------------------------------------------------------------------- */

static bool reserve(xw_emitter *w, size_t n)
{
	if (w->cap - w->len >= n)
		return true;
	size_t cap = w->cap ? w->cap : 65536;
	while (cap - w->len < n) {
		if (cap > SIZE_MAX / 2) {
			w->nomem = true;
			return false;
		}
		cap *= 2;
	}
	char *b = cd_realloc(w->buf, cap);
	if (!b) {
		w->nomem = true;
		return false;
	}
	w->buf = b;
	w->cap = cap;
	return true;
}

static inline void put(xw_emitter *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

/* Room for a value of @p n bytes escaped, plus @p extra bytes of markup. */
static bool room_for_value(xw_emitter *w, size_t n, size_t extra)
{
	if (n > (SIZE_MAX - extra) / 6) {
		w->nomem = true;
		return false;
	}
	return reserve(w, 6 * n + extra);
}

/* Formatting is on while no open element holds text. */
static bool formatted(const xw_emitter *w) { return w->text_depth == 0; }

static void indent(xw_emitter *w, unsigned level)
{
	unsigned l = level > INDENT_MAX_LEVEL ? INDENT_MAX_LEVEL : level;
	put(w, spaces, 2 * l);
}

/* The open start tag gets its first child: close it. */
static void close_tag(xw_emitter *w, bool element_child)
{
	PUT_LIT(w, ">");
	if (element_child && formatted(w))
		PUT_LIT(w, "\n");
	w->tag_open = false;
}

/* --- emitter_ops ------------------------------------------------------------------------ */

/* "prefix:name" (room reserved). */
static void put_qname(xw_emitter *w, const char *prefix, const char *name)
{
	if (prefix) {
		put(w, prefix, strlen(prefix));
		PUT_LIT(w, ":");
	}
	put(w, name, strlen(name));
}

/* "<prefix:name" at the right indentation, closing the parent's start tag; an
 * HL7 element declares the namespace unless an ancestor did. */
static int open_element(xw_emitter *w, const char *prefix, const char *name, bool hl7)
{
	size_t pn = prefix ? strlen(prefix) : 0, n = strlen(name);
	if (w->depth >= XW_MAX_DEPTH || !reserve(w, pn + n + 2 * INDENT_MAX_LEVEL + sizeof " xmlns=\"" HL7_NS "\"" + 4))
		return -1;
	if (w->tag_open)
		close_tag(w, true);
	if (w->depth && formatted(w))
		indent(w, w->depth);
	PUT_LIT(w, "<");
	put_qname(w, prefix, name);
	bool declare = hl7 && !prefix && !w->ns_depth;
	if (declare)
		PUT_LIT(w, " xmlns=\"" HL7_NS "\"");
	w->prefixes[w->depth] = prefix;
	w->names[w->depth++] = name;
	if (declare)
		w->ns_depth = w->depth;
	w->tag_end = w->len;
	w->tag_open = true;
	return 0;
}

static int xw_start(void *vctx, const char *name) { return open_element(vctx, NULL, name, true); }

int xw_start_plain(xw_emitter *w, const char *name) { return open_element(w, NULL, name, false); }

static int put_attr(xw_emitter *w, const char *prefix, const char *name, const char *value);

/* An element of another namespace that declares its prefix (the DOM emitter's
 * xmlNewNs on the new node: the declaration comes first). */
static int xw_start_ns(void *vctx, const char *prefix, const char *uri, const char *name)
{
	xw_emitter *w = vctx;
	if (!w->depth || open_element(w, prefix, name, false))
		return -1;
	int rc = put_attr(w, "xmlns:", prefix, uri);
	w->tag_end = w->len;
	return rc;
}

static int put_attr(xw_emitter *w, const char *prefix, const char *name, const char *value)
{
	size_t pn = strlen(prefix), nn = strlen(name), vn = strlen(value);
	if (!room_for_value(w, vn, pn + nn + 4))
		return -1;
	PUT_LIT(w, " ");
	put(w, prefix, pn);
	put(w, name, nn);
	PUT_LIT(w, "=\"");
	w->len = (size_t)(xw_escape(w->buf + w->len, value, vn, true) - w->buf);
	PUT_LIT(w, "\"");
	return 0;
}

static int xw_attr(void *vctx, const char *name, const char *value)
{
	xw_emitter *w = vctx;
	assert(w->tag_open);
	return w->tag_open ? put_attr(w, "", name, value) : -1;
}

/* Put ` xmlns:xsi="..."` before the open start tag's attributes, where libxml2
 * prints namespace declarations. */
static int insert_xsi_decl(xw_emitter *w)
{
	static const char decl[] = " xmlns:xsi=\"" XSI_NS "\"";
	assert(w->tag_open);
	if (!w->tag_open || !reserve(w, sizeof decl))
		return -1;
	memmove(w->buf + w->tag_end + sizeof decl - 1, w->buf + w->tag_end, w->len - w->tag_end);
	memcpy(w->buf + w->tag_end, decl, sizeof decl - 1);
	w->len += sizeof decl - 1;
	w->tag_end += sizeof decl - 1;
	return 0;
}

/* Declare xmlns:xsi on the open start tag: the elements inside that carry
 * xsi:type then do not declare it (as with the DOM emitter under a parent
 * that declares it). */
static int xw_declare_xsi(void *vctx)
{
	xw_emitter *w = vctx;
	if (insert_xsi_decl(w))
		return -1;
	w->xsi_depth = w->depth;
	return 0;
}

/* As the DOM emitter: the element carrying xsi:type declares the prefix
 * unless a container (xw_declare_xsi) declared it. */
static int xw_xsi_type(void *vctx, const char *type)
{
	xw_emitter *w = vctx;
	if (!w->xsi_depth && insert_xsi_decl(w))
		return -1;
	return put_attr(w, "xsi:", "type", type);
}

static int xw_text(void *vctx, const char *text)
{
	xw_emitter *w = vctx;
	size_t n = strlen(text);
	assert(w->depth > 0);
	if (!w->depth || !room_for_value(w, n, 1))
		return -1;
	if (w->tag_open)
		close_tag(w, false);
	if (!w->text_depth)
		w->text_depth = w->depth;
	w->len = (size_t)(xw_escape(w->buf + w->len, text, n, false) - w->buf);
	return 0;
}

static int xw_end(void *vctx)
{
	xw_emitter *w = vctx;
	assert(w->depth > 0);
	if (!w->depth)
		return -1;
	const char *name = w->names[--w->depth], *prefix = w->prefixes[w->depth];
	size_t n = strlen(name), pn = prefix ? strlen(prefix) : 0;
	if (!reserve(w, pn + n + 2 * INDENT_MAX_LEVEL + 6))
		return -1;
	if (w->tag_open) {
		PUT_LIT(w, "/>");
		w->tag_open = false;
	} else {
		if (formatted(w))
			indent(w, w->depth);
		PUT_LIT(w, "</");
		put_qname(w, prefix, name);
		PUT_LIT(w, ">");
	}
	if (w->text_depth == w->depth + 1)
		w->text_depth = 0;
	if (w->xsi_depth == w->depth + 1)
		w->xsi_depth = 0;
	if (w->ns_depth == w->depth + 1)
		w->ns_depth = 0;
	if (w->depth && formatted(w))
		PUT_LIT(w, "\n");
	return 0;
}

static const emitter_ops xw_ops = {xw_start, xw_attr, xw_xsi_type, xw_text, xw_end, xw_start_ns, xw_declare_xsi, NULL};

void xw_init(emitter *e, xw_emitter *w, xmlOutputBufferPtr out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	e->ops = &xw_ops;
	e->ctx = w;
	e->failed = false;
}

int xw_flush(xw_emitter *w)
{
	if (w->ioerr)
		return -1;
	size_t off = 0;
	while (off < w->len) {
		size_t n = w->len - off > (1u << 30) ? (1u << 30) : w->len - off;
		if (!w->out || xmlOutputBufferWrite(w->out, (int)n, w->buf + off) < 0) {
			w->ioerr = true;
			return -1;
		}
		off += n;
	}
	w->flushed += w->len;
	w->len = 0;
	w->tag_end = 0;
	return 0;
}

size_t xw_buffered(const xw_emitter *w) { return w->len; }

unsigned xw_depth(const xw_emitter *w) { return w->depth; }

xw_mark xw_here(const xw_emitter *w) { return (xw_mark){w->len, w->depth, w->tag_open}; }

void xw_truncate(xw_emitter *w, xw_mark m)
{
	assert(m.len <= w->len && m.depth <= w->depth);
	w->len = m.len;
	w->depth = m.depth;
	w->tag_open = m.tag_open;
	unsigned depth = m.depth;
	if (w->text_depth > depth)
		w->text_depth = 0;
	if (w->xsi_depth > depth)
		w->xsi_depth = 0;
	if (w->ns_depth > depth)
		w->ns_depth = 0;
}

int xw_decl(xw_emitter *w)
{
	static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
	if (!reserve(w, sizeof decl))
		return -1;
	PUT_LIT(w, decl);
	return 0;
}

int xw_newline(xw_emitter *w)
{
	if (!reserve(w, 1))
		return -1;
	PUT_LIT(w, "\n");
	return 0;
}

char *xw_take(xw_emitter *w, size_t *len)
{
	if (w->nomem || w->ioerr || !reserve(w, 1))
		return NULL;
	char *s = w->buf;
	s[w->len] = '\0';
	*len = w->len;
	w->buf = NULL;
	w->len = w->cap = 0;
	return s;
}

void xw_free(xw_emitter *w)
{
	cd_free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}
