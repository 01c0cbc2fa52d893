/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L /* strdup */
/* mutate.c - XPath-addressed edits of CDA documents and the manifest of the
 * official mutations (see mutate.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "mutate.h"

/* The structured-error callback takes a const pointer from libxml2 2.12 on. */
#if LIBXML_VERSION >= 21200
#define MUTATE_XMLERROR const xmlError
#else
#define MUTATE_XMLERROR xmlError
#endif

#define NS_HL7 "urn:hl7-org:v3"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_PS320 "urn:dicom-org:ps3-20"
#define NS_SDTC "urn:hl7-org:sdtc"

static const struct {
	const char *prefix, *uri;
} known_ns[] = {{"cda", NS_HL7}, {"xsi", NS_XSI}, {"ps3-20", NS_PS320}, {"sdtc", NS_SDTC}};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* ---------------------------------------------------------------- one edit ---------- */

typedef enum {
	OP_DELETE,
	OP_SETATTR,
	OP_DELATTR,
	OP_RENAME,
	OP_SETTEXT,
	OP_APPEND,
	OP_BEFORE,
	OP_AFTER,
	OP_DUP,
} edit_op;

/* Name and arguments: 0 none, 1 a word, 2 a word then the rest, 3 the rest. */
static const struct {
	const char *name;
	int args;
} ops[] = {
	[OP_DELETE] = {"delete", 0}, [OP_SETATTR] = {"setattr", 2}, [OP_DELATTR] = {"delattr", 1},
	[OP_RENAME] = {"rename", 1}, [OP_SETTEXT] = {"settext", 3}, [OP_APPEND] = {"append", 3},
	[OP_BEFORE] = {"before", 3}, [OP_AFTER] = {"after", 3},     [OP_DUP] = {"dup", 0},
};
#define N_OPS (sizeof ops / sizeof ops[0])

static int find_op(const char *word, size_t n)
{
	for (size_t i = 0; i < N_OPS; i++)
		if (strlen(ops[i].name) == n && !strncmp(ops[i].name, word, n))
			return (int)i;
	return -1;
}

typedef struct edit {
	edit_op op;
	char *xpath;
	char *word; /* attribute or element name */
	char *rest; /* value, text or snippet, escapes resolved */
} edit;

static void edit_free(edit *e)
{
	free(e->xpath);
	free(e->word);
	free(e->rest);
}

/* Length of the XPath that starts @p s: up to the first blank outside
 * brackets, parentheses and quotes; -1 when they do not close. */
static long xpath_len(const char *s)
{
	int depth = 0;
	char quote = 0;
	const char *p = s;
	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '[' || *p == '(') {
			depth++;
		} else if (*p == ']' || *p == ')') {
			if (--depth < 0)
				return -1;
		} else if (isspace((unsigned char)*p) && depth == 0) {
			break;
		}
	}
	return quote || depth ? -1 : (long)(p - s);
}

/* @p s with \n, \t, \s and \\ resolved; NULL (and *bad set) on another escape. */
static char *unescape(const char *s, char *bad)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 's': *o++ = ' '; break;
		case '\\': *o++ = '\\'; break;
		default:
			*bad = *s ? *s : '\\';
			free(out);
			return NULL;
		}
	}
	*o = '\0';
	return out;
}

/* Parse one edit line (trimmed, not blank, not a comment). */
static int edit_parse(const char *line, edit *e, char *err, size_t errlen)
{
	memset(e, 0, sizeof *e);
	const char *p = line;
	size_t n = strcspn(p, " \t");
	int op = find_op(p, n);
	if (op < 0) {
		set_err(err, errlen, "unknown edit \"%.*s\"", (int)n, p);
		return -1;
	}
	e->op = (edit_op)op;
	p += n;
	p += strspn(p, " \t");
	long xl = xpath_len(p);
	if (xl <= 0) {
		set_err(err, errlen, xl < 0 ? "unbalanced brackets or quotes in the XPath" : "missing XPath");
		return -1;
	}
	e->xpath = dup_range(p, (size_t)xl);
	p += xl;
	p += strspn(p, " \t");
	if (ops[op].args == 1 || ops[op].args == 2) {
		n = strcspn(p, " \t");
		if (!n) {
			set_err(err, errlen, "missing %s", op == OP_RENAME ? "element name" : "attribute name");
			return -1;
		}
		e->word = dup_range(p, n);
		p += n;
		p += strspn(p, " \t");
	}
	if (ops[op].args >= 2) {
		if (!*p && op != OP_SETTEXT) {
			set_err(err, errlen, "missing %s", op == OP_SETATTR ? "value" : "snippet");
			return -1;
		}
		char bad = 0;
		e->rest = unescape(p, &bad);
		if (!e->rest) {
			set_err(err, errlen, bad ? "unknown escape \\%c (\\n \\t \\s \\\\ only)" : "out of memory", bad);
			return -1;
		}
	} else if (*p) {
		set_err(err, errlen, "unexpected text after the %s: \"%s\"", ops[op].args ? "name" : "XPath", p);
		return -1;
	}
	if (!e->xpath || (ops[op].args && ops[op].args < 3 && !e->word)) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* XPath errors are collected here rather than printed. */
static void xpath_error(void *data, MUTATE_XMLERROR *error)
{
	char *msg = data;
	if (error && error->message && !msg[0]) {
		snprintf(msg, 200, "%s", error->message);
		msg[strcspn(msg, "\n")] = '\0';
	}
}

static xmlXPathContextPtr xpath_context(xmlDocPtr doc, char *msg)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	if (!ctx)
		return NULL;
	for (size_t i = 0; i < sizeof known_ns / sizeof known_ns[0]; i++)
		if (xmlXPathRegisterNs(ctx, (const xmlChar *)known_ns[i].prefix, (const xmlChar *)known_ns[i].uri)) {
			xmlXPathFreeContext(ctx);
			return NULL;
		}
	ctx->error = xpath_error;
	ctx->userData = msg;
	return ctx;
}

static const char *node_kind(xmlNodePtr n)
{
	switch (n->type) {
	case XML_ELEMENT_NODE: return "an element";
	case XML_ATTRIBUTE_NODE: return "an attribute";
	case XML_TEXT_NODE: return "a text node";
	case XML_CDATA_SECTION_NODE: return "a CDATA section";
	case XML_COMMENT_NODE: return "a comment";
	case XML_PI_NODE: return "a processing instruction";
	case XML_DOCUMENT_NODE: return "the document node";
	case XML_NAMESPACE_DECL: return "a namespace node";
	case XML_ENTITY_REF_NODE:
	case XML_ENTITY_NODE:
	case XML_DOCUMENT_TYPE_NODE:
	case XML_DOCUMENT_FRAG_NODE:
	case XML_NOTATION_NODE:
	case XML_HTML_DOCUMENT_NODE:
	case XML_DTD_NODE:
	case XML_ELEMENT_DECL:
	case XML_ATTRIBUTE_DECL:
	case XML_ENTITY_DECL:
	case XML_XINCLUDE_START:
	case XML_XINCLUDE_END:
#ifdef LIBXML_DOCB_ENABLED
	case XML_DOCB_DOCUMENT_NODE:
#endif
		break;
	}
	return "a node of another kind";
}

/* Whether @p op applies to node @p n. */
static int op_accepts(edit_op op, xmlNodePtr n)
{
	int inside = n->parent && n->parent->type == XML_ELEMENT_NODE; /* not the root, not document level */
	switch (op) {
	case OP_SETATTR:
	case OP_DELATTR:
	case OP_RENAME:
	case OP_APPEND: return n->type == XML_ELEMENT_NODE;
	case OP_SETTEXT:
		return n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE || n->type == XML_TEXT_NODE ||
		       n->type == XML_CDATA_SECTION_NODE || n->type == XML_COMMENT_NODE;
	case OP_DELETE:
		return inside && (n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE ||
		                  n->type == XML_CDATA_SECTION_NODE || n->type == XML_COMMENT_NODE ||
		                  n->type == XML_PI_NODE || n->type == XML_ATTRIBUTE_NODE);
	case OP_BEFORE:
	case OP_AFTER:
	case OP_DUP:
		return inside && (n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE ||
		                  n->type == XML_CDATA_SECTION_NODE || n->type == XML_COMMENT_NODE ||
		                  n->type == XML_PI_NODE);
	}
	return 0;
}

/* The namespace of prefix @p prefix for an attribute on @p elem: one in scope,
 * else xsi, ps3-20 or sdtc declared on the root element. */
static xmlNsPtr attr_ns(xmlDocPtr doc, xmlNodePtr elem, const char *prefix, int declare)
{
	xmlNsPtr ns = xmlSearchNs(doc, elem, (const xmlChar *)prefix);
	if (ns || !declare)
		return ns;
	for (size_t i = 1; i < sizeof known_ns / sizeof known_ns[0]; i++)
		if (!strcmp(prefix, known_ns[i].prefix))
			return xmlNewNs(xmlDocGetRootElement(doc), (const xmlChar *)known_ns[i].uri,
			                (const xmlChar *)prefix);
	return NULL;
}

/* Split "prefix:local" in place: returns local, *prefix set (NULL when none). */
static const char *split_qname(char *qname, char **prefix)
{
	char *colon = strchr(qname, ':');
	*prefix = NULL;
	if (!colon)
		return qname;
	*colon = '\0';
	*prefix = qname;
	return colon + 1;
}

static int valid_name(const char *s) { return s && *s && xmlValidateNCName((const xmlChar *)s, 0) == 0; }

/* The nodes of SNIPPET, parsed in a wrapper that declares the HL7 default
 * namespace and xsi, ps3-20, sdtc; returns the wrapper document (its root's
 * children are the snippet) or NULL. */
static xmlDocPtr parse_snippet(const char *snippet, char *err, size_t errlen)
{
	static const char head[] = "<mutate-snippet xmlns=\"" NS_HL7 "\" xmlns:xsi=\"" NS_XSI "\" xmlns:ps3-20=\"" NS_PS320
	                           "\" xmlns:sdtc=\"" NS_SDTC "\">";
	static const char tail[] = "</mutate-snippet>";
	size_t n = strlen(head) + strlen(snippet) + strlen(tail);
	char *buf = malloc(n + 1);
	if (!buf) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(buf, n + 1, "%s%s%s", head, snippet, tail);
	xmlResetLastError();
	xmlDocPtr sd = xmlReadMemory(buf, (int)n, "snippet", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(buf);
	if (!sd) {
		const xmlError *le = xmlGetLastError();
		char msg[200];
		snprintf(msg, sizeof msg, "%s", le && le->message ? le->message : "not well-formed");
		msg[strcspn(msg, "\n")] = '\0';
		set_err(err, errlen, "the snippet does not parse: %s", msg);
		return NULL;
	}
	if (!xmlDocGetRootElement(sd)->children) {
		xmlFreeDoc(sd);
		set_err(err, errlen, "the snippet is empty");
		return NULL;
	}
	return sd;
}

/* Insert the snippet's nodes: as last children of @p target (OP_APPEND), or
 * before or after it. Namespaces are mapped to those in scope where they land. */
static int insert_snippet(xmlDocPtr doc, xmlNodePtr target, edit_op op, const char *snippet, char *err,
                          size_t errlen)
{
	xmlDocPtr sd = parse_snippet(snippet, err, errlen);
	if (!sd)
		return -1;
	xmlNodePtr parent = op == OP_APPEND ? target : target->parent;
	xmlNodePtr cursor = target;
	int rc = 0;
	for (xmlNodePtr n = xmlDocGetRootElement(sd)->children, next; n && !rc; n = next) {
		next = n->next;
		xmlUnlinkNode(n);
		if (xmlDOMWrapAdoptNode(NULL, sd, n, doc, parent, 0) != 0) {
			xmlFreeNode(n);
			set_err(err, errlen, "cannot move the snippet into the document");
			rc = -1;
			break;
		}
		xmlNodePtr added;
		if (op == OP_APPEND)
			added = xmlAddChild(target, n);
		else if (op == OP_BEFORE)
			added = xmlAddPrevSibling(target, n);
		else
			added = cursor = xmlAddNextSibling(cursor, n);
		if (!added) {
			xmlFreeNode(n);
			set_err(err, errlen, "cannot insert the snippet");
			rc = -1;
		}
	}
	xmlFreeDoc(sd);
	return rc;
}

/* Remove every child of @p n. */
static void clear_children(xmlNodePtr n)
{
	while (n->children) {
		xmlNodePtr c = n->children;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
}

/* Apply edit @p e to one node. */
static int edit_node(xmlDocPtr doc, const edit *e, xmlNodePtr n, char *err, size_t errlen)
{
	switch (e->op) {
	case OP_DELETE:
		if (n->type == XML_ATTRIBUTE_NODE)
			return xmlRemoveProp((xmlAttrPtr)n) == 0 ? 0 : (set_err(err, errlen, "cannot remove the attribute"), -1);
		xmlUnlinkNode(n);
		xmlFreeNode(n);
		return 0;
	case OP_SETATTR:
	case OP_DELATTR: {
		char qname[128], *prefix;
		snprintf(qname, sizeof qname, "%s", e->word);
		const char *local = split_qname(qname, &prefix);
		if (!valid_name(local) || (prefix && !valid_name(prefix))) {
			set_err(err, errlen, "not an attribute name: \"%s\"", e->word);
			return -1;
		}
		xmlNsPtr ns = NULL;
		if (prefix && !(ns = attr_ns(doc, n, prefix, e->op == OP_SETATTR))) {
			set_err(err, errlen, "the prefix \"%s\" is not declared", prefix);
			return -1;
		}
		if (e->op == OP_SETATTR)
			return xmlSetNsProp(n, ns, (const xmlChar *)local, (const xmlChar *)e->rest)
			               ? 0
			               : (set_err(err, errlen, "cannot set the attribute"), -1);
		xmlAttrPtr a = xmlHasNsProp(n, (const xmlChar *)local, ns ? ns->href : NULL);
		if (!a || a->type != XML_ATTRIBUTE_NODE) {
			set_err(err, errlen, "a selected <%s> has no attribute %s", (const char *)n->name, e->word);
			return -1;
		}
		xmlRemoveProp(a);
		return 0;
	}
	case OP_RENAME:
		if (!valid_name(e->word)) {
			set_err(err, errlen, "not an element name: \"%s\"", e->word);
			return -1;
		}
		xmlNodeSetName(n, (const xmlChar *)e->word);
		return 0;
	case OP_SETTEXT:
		if (n->type == XML_ELEMENT_NODE) {
			clear_children(n);
			if (*e->rest)
				xmlNodeAddContent(n, (const xmlChar *)e->rest);
		} else if (n->type == XML_ATTRIBUTE_NODE) {
			xmlSetNsProp(n->parent, n->ns, n->name, (const xmlChar *)e->rest);
		} else {
			xmlNodeSetContent(n, (const xmlChar *)e->rest);
		}
		return 0;
	case OP_APPEND:
	case OP_BEFORE:
	case OP_AFTER: return insert_snippet(doc, n, e->op, e->rest, err, errlen);
	case OP_DUP: {
		xmlNodePtr copy = NULL;
		if (xmlDOMWrapCloneNode(NULL, doc, n, &copy, doc, n->parent, 1, 0) != 0 || !copy) {
			set_err(err, errlen, "cannot copy the node");
			return -1;
		}
		if (!xmlAddNextSibling(n, copy)) {
			xmlFreeNode(copy);
			set_err(err, errlen, "cannot insert the copy");
			return -1;
		}
		return 0;
	}
	}
	return -1;
}

/* Apply one parsed edit to the document. */
static int edit_apply(xmlDocPtr doc, const edit *e, char *err, size_t errlen)
{
	char xerr[200] = "";
	xmlXPathContextPtr ctx = xpath_context(doc, xerr);
	if (!ctx) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	xmlXPathObjectPtr res = xmlXPathEvalExpression((const xmlChar *)e->xpath, ctx);
	int rc = -1;
	if (!res) {
		set_err(err, errlen, "the XPath does not evaluate: %s", xerr[0] ? xerr : "error");
	} else if (res->type != XPATH_NODESET) {
		set_err(err, errlen, "the XPath gives a %s, not nodes",
		        res->type == XPATH_BOOLEAN ? "boolean" : res->type == XPATH_NUMBER ? "number" : "string");
	} else if (!res->nodesetval || res->nodesetval->nodeNr == 0) {
		set_err(err, errlen, "the XPath selects nothing");
	} else {
		xmlNodeSetPtr set = res->nodesetval;
		xmlXPathNodeSetSort(set);
		rc = 0;
		for (int i = 0; i < set->nodeNr && !rc; i++)
			if (set->nodeTab[i]->type == XML_NAMESPACE_DECL || !op_accepts(e->op, set->nodeTab[i])) {
				set_err(err, errlen, "%s cannot take %s (node %d of %d selected)", ops[e->op].name,
				        set->nodeTab[i]->type == XML_NAMESPACE_DECL ? "a namespace node"
				                                                     : node_kind(set->nodeTab[i]),
				        i + 1, set->nodeNr);
				rc = -1;
			}
		/* The nodes leave the set before they are edited: freeing the set
		 * reads each node, and an edit may free some. Last first: a node is
		 * edited before any ancestor that the same edit removes or replaces. */
		int n = rc ? 0 : set->nodeNr;
		xmlNodePtr *nodes = n ? malloc((size_t)n * sizeof *nodes) : NULL;
		if (n && !nodes) {
			set_err(err, errlen, "out of memory");
			rc = -1;
		} else if (n) {
			memcpy(nodes, set->nodeTab, (size_t)n * sizeof *nodes);
			set->nodeNr = 0;
		}
		for (int i = n - 1; i >= 0 && !rc; i--)
			rc = edit_node(doc, e, nodes[i], err, errlen);
		free(nodes);
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return rc;
}

int mutate_apply(xmlDocPtr doc, const char *edits, char *err, size_t errlen)
{
	set_err(err, errlen, "%s", "");
	if (!doc || !xmlDocGetRootElement(doc) || !edits) {
		set_err(err, errlen, "no document or no edits");
		return -1;
	}
	int applied = 0;
	const char *p = edits;
	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *next = p[n] ? p + n + 1 : p + n;
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		size_t lead = strspn(p, " \t");
		if (lead < n && p[lead] != '#') {
			char *line = dup_range(p + lead, n - lead);
			char why[512];
			edit e;
			int rc = line ? edit_parse(line, &e, why, sizeof why) : (snprintf(why, sizeof why, "out of memory"), -1);
			if (!rc)
				rc = edit_apply(doc, &e, why, sizeof why);
			if (line)
				edit_free(&e);
			if (rc) {
				set_err(err, errlen, "edit \"%.300s\": %s", line ? line : "", why);
				free(line);
				return -1;
			}
			free(line);
			applied++;
		}
		p = next;
	}
	if (!applied) {
		set_err(err, errlen, "no edit");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- manifest ------------ */

struct mutate_manifest {
	mutate_entry *entries;
	size_t count, cap;
};

typedef struct define {
	char *name, *value;
} define;

typedef struct parse_state {
	define *defs;
	size_t ndefs;
	int lineno;
	char *err;
	size_t errlen;
} parse_state;

static void entry_free(mutate_entry *e)
{
	free(e->name);
	free(e->base);
	free(e->aims);
	free(e->about);
	free(e->edits);
}

void mutate_manifest_free(mutate_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->count; i++)
		entry_free(&m->entries[i]);
	free(m->entries);
	free(m);
}

size_t mutate_manifest_count(const mutate_manifest *m) { return m ? m->count : 0; }

const mutate_entry *mutate_manifest_get(const mutate_manifest *m, size_t i)
{
	return m && i < m->count ? &m->entries[i] : NULL;
}

const mutate_entry *mutate_manifest_find(const mutate_manifest *m, const char *name)
{
	for (size_t i = 0; m && name && i < m->count; i++)
		if (!strcmp(m->entries[i].name, name))
			return &m->entries[i];
	return NULL;
}

static int perr(parse_state *ps, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	set_err(ps->err, ps->errlen, "line %d: %s", ps->lineno, msg);
	return -1;
}

/* @p s with every {NAME} replaced by its definition; NULL on an unknown name. */
static char *expand(parse_state *ps, const char *s)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = malloc(cap);
	while (out && *s) {
		const char *add = s;
		size_t n = 1;
		if (*s == '{') {
			size_t k = strspn(s + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
			if (k && s[k + 1] == '}') {
				size_t d = 0;
				while (d < ps->ndefs && (strlen(ps->defs[d].name) != k || strncmp(ps->defs[d].name, s + 1, k)))
					d++;
				if (d == ps->ndefs) {
					perr(ps, "unknown definition {%.*s}", (int)k, s + 1);
					free(out);
					return NULL;
				}
				add = ps->defs[d].value;
				n = strlen(add);
				s += k + 1;
			}
		}
		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			char *grown = realloc(out, cap);
			if (!grown) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + len, add, n);
		len += n;
		s++;
	}
	if (out)
		out[len] = '\0';
	return out;
}

static int append_str(char **dst, const char *line)
{
	size_t a = *dst ? strlen(*dst) : 0, b = strlen(line);
	char *grown = realloc(*dst, a + b + 2);
	if (!grown)
		return -1;
	memcpy(grown + a, line, b);
	grown[a + b] = '\n';
	grown[a + b + 1] = '\0';
	*dst = grown;
	return 0;
}

static int is_check(const char *s, size_t n)
{
	static const char *const checks[] = {"volume", "IHE", "ModelesDeContenusCDA", "Modeles_ANS"};
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (strlen(checks[i]) == n && !strncmp(checks[i], s, n))
			return 1;
	return 0;
}

/* "expect pass" or "expect fail TARGET..." (TARGET: xsd or CHECK:PATTERN). */
static int parse_expect(parse_state *ps, mutate_entry *e, const char *v)
{
	size_t n = strcspn(v, " \t");
	const char *targets = v + n + strspn(v + n, " \t");
	if (n == 4 && !strncmp(v, "pass", 4)) {
		if (*targets)
			return perr(ps, "expect pass takes no targets");
		e->expect_fail = 0;
		e->aims = strdup("");
	} else if (n == 4 && !strncmp(v, "fail", 4)) {
		if (!*targets)
			return perr(ps, "expect fail needs its targets (xsd, or CHECK:PATTERN)");
		for (const char *t = targets; *t;) {
			size_t tl = strcspn(t, " \t");
			const char *colon = memchr(t, ':', tl);
			if (!(tl == 3 && !strncmp(t, "xsd", 3)) && !(colon && is_check(t, (size_t)(colon - t)) && colon + 1 < t + tl))
				return perr(ps, "bad target \"%.*s\" (xsd, or CHECK:PATTERN with CHECK volume, IHE, "
				                "ModelesDeContenusCDA or Modeles_ANS)", (int)tl, t);
			t += tl;
			t += strspn(t, " \t");
		}
		e->expect_fail = 1;
		e->aims = strdup(targets);
	} else {
		return perr(ps, "expect pass, or expect fail TARGET...");
	}
	return e->aims ? 0 : perr(ps, "out of memory");
}

static int valid_entry_name(const char *s, size_t n)
{
	if (!n || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

static int finish_entry(parse_state *ps, mutate_manifest *m)
{
	if (!m->count)
		return 0;
	mutate_entry *e = &m->entries[m->count - 1];
	int keep = ps->lineno;
	ps->lineno = e->line;
	int rc = 0;
	if (!e->aims)
		rc = perr(ps, "[%s] has no expect line", e->name);
	else if (!e->about)
		rc = perr(ps, "[%s] has no about line", e->name);
	else if (!e->edits)
		rc = perr(ps, "[%s] has no edit", e->name);
	else if (!e->base && !(e->base = strdup(MUTATE_DEFAULT_BASE)))
		rc = perr(ps, "out of memory");
	ps->lineno = keep;
	return rc;
}

static int parse_line(parse_state *ps, mutate_manifest *m, char *line)
{
	if (line[0] == '[') {
		char *close = strchr(line, ']');
		if (!close || close[1])
			return perr(ps, "an entry header is [name] alone on its line");
		size_t n = (size_t)(close - line - 1);
		if (!valid_entry_name(line + 1, n))
			return perr(ps, "bad entry name \"%.*s\" (lower-case letters, digits, '-' and '.')", (int)n, line + 1);
		*close = '\0';
		if (mutate_manifest_find(m, line + 1))
			return perr(ps, "entry [%s] appears twice", line + 1);
		if (finish_entry(ps, m))
			return -1;
		if (m->count == m->cap) {
			size_t cap = m->cap ? 2 * m->cap : 64;
			mutate_entry *grown = realloc(m->entries, cap * sizeof *grown);
			if (!grown)
				return perr(ps, "out of memory");
			m->entries = grown;
			m->cap = cap;
		}
		mutate_entry *e = &m->entries[m->count++];
		memset(e, 0, sizeof *e);
		e->line = ps->lineno;
		e->name = strdup(line + 1);
		return e->name ? 0 : perr(ps, "out of memory");
	}
	size_t kw = strcspn(line, " \t");
	const char *value = line + kw + strspn(line + kw, " \t");
	if (kw == 6 && !strncmp(line, "define", 6)) {
		if (m->count)
			return perr(ps, "definitions come before the first entry");
		size_t n = strcspn(value, " \t");
		const char *body = value + n + strspn(value + n, " \t");
		if (!n || !*body || strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n)
			return perr(ps, "define NAME TEXT (NAME: letters, digits, '_')");
		for (size_t d = 0; d < ps->ndefs; d++)
			if (strlen(ps->defs[d].name) == n && !strncmp(ps->defs[d].name, value, n))
				return perr(ps, "%.*s is defined twice", (int)n, value);
		define *grown = realloc(ps->defs, (ps->ndefs + 1) * sizeof *grown);
		if (!grown)
			return perr(ps, "out of memory");
		ps->defs = grown;
		define *d = &ps->defs[ps->ndefs];
		d->name = dup_range(value, n);
		d->value = expand(ps, body);
		if (!d->name || !d->value) {
			free(d->name);
			free(d->value);
			return -1;
		}
		ps->ndefs++;
		return 0;
	}
	if (!m->count)
		return perr(ps, "\"%.*s\" outside an entry (an entry starts with [name])", (int)kw, line);
	mutate_entry *e = &m->entries[m->count - 1];
	if (kw == 6 && !strncmp(line, "expect", 6)) {
		if (e->aims)
			return perr(ps, "a second expect line");
		return parse_expect(ps, e, value);
	}
	if ((kw == 5 && !strncmp(line, "about", 5)) || (kw == 4 && !strncmp(line, "base", 4))) {
		char **slot = kw == 5 ? &e->about : &e->base;
		if (*slot)
			return perr(ps, "a second %.*s line", (int)kw, line);
		if (!*value)
			return perr(ps, "%.*s needs a value", (int)kw, line);
		*slot = strdup(value);
		return *slot ? 0 : perr(ps, "out of memory");
	}
	if (find_op(line, kw) < 0)
		return perr(ps, "unknown keyword or edit \"%.*s\"", (int)kw, line);
	char *x = expand(ps, line);
	if (!x)
		return -1;
	/* the syntax is checked now, so that a typo shows with its line number */
	edit ed;
	char why[400];
	int rc = edit_parse(x, &ed, why, sizeof why);
	edit_free(&ed);
	if (rc) {
		free(x);
		return perr(ps, "%s", why);
	}
	rc = append_str(&e->edits, x);
	free(x);
	return rc ? perr(ps, "out of memory") : 0;
}

mutate_manifest *mutate_manifest_parse(const char *text, char *err, size_t errlen)
{
	mutate_manifest *m = calloc(1, sizeof *m);
	parse_state ps = {NULL, 0, 0, err, errlen};
	int rc = m ? 0 : -1;
	const char *p = text ? text : "";
	while (!rc && *p) {
		ps.lineno++;
		size_t n = strcspn(p, "\n");
		char *line = dup_range(p, n);
		p += n + (p[n] == '\n');
		if (!line) {
			rc = perr(&ps, "out of memory");
			break;
		}
		size_t len = strlen(line);
		while (len && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		char *s = line + strspn(line, " \t");
		if (*s && *s != '#')
			rc = parse_line(&ps, m, s);
		free(line);
	}
	if (!rc)
		rc = finish_entry(&ps, m);
	if (!rc && !m->count)
		rc = perr(&ps, "no entry");
	for (size_t d = 0; d < ps.ndefs; d++) {
		free(ps.defs[d].name);
		free(ps.defs[d].value);
	}
	free(ps.defs);
	if (rc) {
		mutate_manifest_free(m);
		return NULL;
	}
	return m;
}

mutate_manifest *mutate_manifest_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n = -1;
	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
	} else {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	if (!buf) {
		set_err(err, errlen, "%s: cannot read", path);
		return NULL;
	}
	char why[512];
	mutate_manifest *m = mutate_manifest_parse(buf, why, sizeof why);
	free(buf);
	if (!m)
		set_err(err, errlen, "%s: %s", path, why);
	return m;
}

/* ---------------------------------------------------------------- documents ----------- */

xmlDocPtr mutate_read(const char *path, char *err, size_t errlen)
{
	xmlResetLastError();
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		const xmlError *le = xmlGetLastError();
		char msg[200];
		snprintf(msg, sizeof msg, "%s", le && le->message ? le->message : "no root element");
		msg[strcspn(msg, "\n")] = '\0';
		set_err(err, errlen, "%s: cannot read: %s", path, msg);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlDocPtr mutate_build(const mutate_entry *e, const char *srcdir, char *err, size_t errlen)
{
	char path[4096], why[600];
	snprintf(path, sizeof path, "%s/%s", srcdir && *srcdir ? srcdir : ".", e->base);
	xmlDocPtr doc = mutate_read(path, why, sizeof why);
	if (doc && mutate_apply(doc, e->edits, why, sizeof why)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc)
		set_err(err, errlen, "%s: %s", e->name, why);
	return doc;
}

int mutate_c14n_hash(xmlDocPtr doc, char out[17])
{
	xmlChar *c14n = NULL;
	int n = xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 1, &c14n);
	if (n < 0 || !c14n) {
		xmlFree(c14n);
		return -1;
	}
	uint64_t h = 0xcbf29ce484222325u;
	for (int i = 0; i < n; i++) {
		h ^= c14n[i];
		h *= 0x100000001b3u;
	}
	xmlFree(c14n);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	return 0;
}
