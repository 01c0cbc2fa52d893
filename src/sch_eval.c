/* SPDX-License-Identifier: MIT */
/* sch_eval.c - evaluate a loaded rule set on a document as the ANS engine's
 * compiled stylesheet does: in each active pattern, every element (and
 * attribute, when a context can match one) is matched by its first matching
 * rule; the rule's lets are bound, its asserts and reports tested; a failed
 * assert becomes a diagnostic with the SVRL location, and optionally an SVRL
 * report is written. XPath 1.0 by libxml2, with the XSLT functions the rules
 * use (document(), current()) and count() of a single value as XPath 2.0
 * counts it. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "docread.h"
#include "sch_run.h"
#include "schema.h"

#define SVRL_NS "http://purl.oclc.org/dsdl/svrl"

typedef struct firing {
	xmlNodePtr node;
	unsigned rule;
} firing;

typedef struct firings {
	firing *v;
	size_t n, cap;
} firings;

typedef struct local {
	const char *name;
	xmlXPathObjectPtr value; /* NULL: could not be evaluated */
} local;

/* The position of an element among its same-named siblings, once computed:
 * a location for each of N failing siblings would otherwise count N*N/2. */
typedef struct posmap {
	const xmlNode **keys;
	size_t *vals;
	size_t n, cap;
} posmap;

/* What could not be evaluated in this document, one entry per check (or rule). */
typedef struct unrun {
	size_t count;
	xmlNodePtr first;
	char *why;
} unrun;

struct sch_run {
	const cdaimg_rules *rs;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	xmlXPathCompExprPtr *comp; /* per expression, compiled on first use */
	unsigned char *tried;
	xmlNodePtr current;
	local *locals;
	size_t n_locals, cap_locals;
	xmlXPathObjectPtr *globals; /* evaluated on first reference */
	unsigned char *global_state; /* 0 not yet, 1 evaluating, 2 done */
	firings *fired;              /* per pattern */
	unrun *unrun_checks;         /* per check (flat index) */
	unrun *unrun_rules;          /* per pattern: a context that could not be matched */
	char **missing;              /* files document() could not give */
	size_t n_missing;
	char error[512];             /* the last XPath error */
	bool nomem;
	diag_ctx *dc;
	xmlNodePtr svrl; /* the report's root, or NULL */
	posmap positions;
	size_t failed;
};

/* ---- XPath plumbing ------------------------------------------------------------------------ */

/* libxml2's XPath errors carry a code, not a message, to a context's handler. */
static void describe(char *out, size_t n, CD_XMLERROR *err)
{
	static const char *const what[] = {
		"no error", "a malformed number", "an unfinished literal", "a literal expected",
		"a malformed variable reference", "an undefined variable", "an invalid predicate",
		"an invalid expression", "a missing closing bracket", "an unknown function",
		"an operand of the wrong type", "a value of the wrong type", "a wrong number of arguments",
		"an invalid context size", "an invalid context position", "out of memory", "an XPointer syntax error",
		"an XPointer resource error", "an XPointer sub-resource error", "an undefined namespace prefix",
		"an encoding error", "an invalid character", "an invalid context", "a stack error",
		"a forbidden variable",
	};
	int k = err->code - XML_XPATH_EXPRESSION_OK;
	if (err->message)
		one_line(out, n, err->message);
	else if (k >= 0 && (size_t)k < sizeof what / sizeof *what)
		snprintf(out, n, "XPath: %s at character %d", what[k], err->int1 + 1);
	else
		snprintf(out, n, "XPath error %d", err->code);
}

static void xpath_error(void *ud, CD_XMLERROR *err)
{
	sch_run *run = ud;
	if (err->code == XML_ERR_NO_MEMORY || err->code == XML_XPATH_EXPRESSION_OK + XPATH_MEMORY_ERROR)
		run->nomem = true;
	describe(run->error, sizeof run->error, err);
}

/* A value-set file the rules read with document(): resolved against the rule
 * file's folder, read once (safely), kept for the rule set's lifetime. */
static xmlDocPtr rules_doc(cdaimg_rules *rs, const char *uri, char *why, size_t n)
{
	if (!*uri || strstr(uri, "://") || uri[0] == '/') {
		snprintf(why, n, "document('%s'): only files of the rules folder are read", uri);
		return NULL;
	}
	char joined[PATH_MAX], real[PATH_MAX];
	int l = snprintf(joined, sizeof joined, "%s/%s", rs->base_dir, uri);
	size_t rl = strlen(rs->root_dir);
	if (l < 0 || (size_t)l >= sizeof joined || !realpath(joined, real) || strncmp(real, rs->root_dir, rl) ||
	    (real[rl] != '/' && real[rl] != '\0')) {
		snprintf(why, n, "document('%s'): no such file in the rules folder", uri);
		return NULL;
	}
	pthread_mutex_lock(&rs->docs_lock);
	xmlDocPtr doc = rs->docs ? xmlHashLookup(rs->docs, (const xmlChar *)real) : NULL;
	if (!doc) {
		diag_ctx quiet = {NULL, 0, 0, false};
		char *data = NULL;
		size_t len;
		if (read_file_all(real, &data, &len, &quiet) == CDAIMG_OK &&
		    doc_parse(&doc, data, len, real, &quiet) == CDAIMG_OK) {
			xmlXPathOrderDocElems(doc); /* before it is shared: document order by index */
			if ((!rs->docs && !(rs->docs = xmlHashCreate(16))) ||
			    xmlHashAddEntry(rs->docs, (const xmlChar *)real, doc) != 0) {
				xmlFreeDoc(doc);
				doc = NULL;
			}
		}
		cd_free(data);
		if (!doc)
			snprintf(why, n, "document('%s'): %s", uri, quiet.nomem ? "out of memory" : "cannot be read");
	}
	pthread_mutex_unlock(&rs->docs_lock);
	return doc;
}

/* A document() that gave nothing: a warning per file and check. */
static void note_missing(sch_run *run, const char *why)
{
	for (size_t i = 0; i < run->n_missing; i++)
		if (!strcmp(run->missing[i], why))
			return;
	char **g = cd_realloc(run->missing, (run->n_missing + 1) * sizeof *g);
	char *d = g ? cd_strdup(why) : NULL;
	if (g)
		run->missing = g;
	if (!d) {
		run->nomem = true;
		return;
	}
	run->missing[run->n_missing++] = d;
}

static void fn_document(xmlXPathParserContextPtr ctxt, int nargs)
{
	sch_run *run = ctxt->context->userData;
	CHECK_ARITY(1);
	xmlXPathObjectPtr arg = valuePop(ctxt);
	xmlNodeSetPtr set = xmlXPathNodeSetCreate(NULL);
	int n = arg->type == XPATH_NODESET && arg->nodesetval ? arg->nodesetval->nodeNr : 1;
	bool failed = !set;
	for (int i = 0; i < n && !failed; i++) {
		xmlChar *uri = arg->type == XPATH_NODESET ? xmlXPathCastNodeToString(arg->nodesetval->nodeTab[i])
		                                          : xmlXPathCastToString(arg);
		char why[600];
		xmlDocPtr doc = uri ? rules_doc((cdaimg_rules *)run->rs, (const char *)uri, why, sizeof why) : NULL;
		if (!uri || (doc && xmlXPathNodeSetAdd(set, (xmlNodePtr)doc) < 0))
			failed = true;
		else if (!doc) /* empty, as the ANS engine (Saxon) recovers from it; said once per check */
			note_missing(run, why);
		xmlFree(uri);
	}
	xmlXPathFreeObject(arg);
	if (failed) {
		xmlXPathFreeNodeSet(set);
		XP_ERROR(XPATH_INVALID_OPERAND);
	}
	valuePush(ctxt, xmlXPathWrapNodeSet(set));
}

static void fn_current(xmlXPathParserContextPtr ctxt, int nargs)
{
	sch_run *run = ctxt->context->userData;
	CHECK_ARITY(0);
	valuePush(ctxt, xmlXPathNewNodeSet(run->current));
}

/* count(): of one value that is not a node-set, 1 (XPath 2.0 counts the items
 * of a sequence; the ANS rules write count(@a and @b)). */
static void fn_count(xmlXPathParserContextPtr ctxt, int nargs)
{
	CHECK_ARITY(1);
	if (ctxt->value && ctxt->value->type != XPATH_NODESET && ctxt->value->type != XPATH_XSLT_TREE) {
		xmlXPathFreeObject(valuePop(ctxt));
		valuePush(ctxt, xmlXPathNewFloat(1));
		return;
	}
	xmlXPathCountFunction(ctxt, nargs);
}

static xmlXPathObjectPtr lookup_var(void *ud, const xmlChar *name, const xmlChar *ns_uri);

static xmlXPathContextPtr new_context(const cdaimg_rules *rs, xmlDocPtr doc, void *ud)
{
	xmlXPathContextPtr xp = xmlXPathNewContext(doc);
	if (!xp)
		return NULL;
	bool ok = xmlXPathRegisterFunc(xp, (const xmlChar *)"document", fn_document) == 0 &&
	          xmlXPathRegisterFunc(xp, (const xmlChar *)"current", fn_current) == 0 &&
	          xmlXPathRegisterFunc(xp, (const xmlChar *)"count", NULL) == 0 && /* replaces the built-in */
	          xmlXPathRegisterFunc(xp, (const xmlChar *)"count", fn_count) == 0;
	for (size_t i = 0; ok && i < rs->n_ns; i++)
		if (rs->ns[i].prefix && rs->ns[i].uri)
			ok = xmlXPathRegisterNs(xp, (const xmlChar *)rs->ns[i].prefix, (const xmlChar *)rs->ns[i].uri) == 0;
	if (!ok) {
		xmlXPathFreeContext(xp);
		return NULL;
	}
	xmlXPathRegisterVariableLookup(xp, lookup_var, ud);
	xmlXPathContextSetCache(xp, 1, -1, 0); /* reuse XPath objects: most evaluations are small */
	xp->error = xpath_error;
	xp->userData = ud;
	return xp;
}

static xmlXPathCompExprPtr compiled(sch_run *run, int e)
{
	if (e < 0)
		return NULL;
	if (!run->tried[e]) {
		run->tried[e] = 1;
		if (!run->rs->exprs[e].why_not)
			run->comp[e] = xmlXPathCtxtCompile(run->xp, (const xmlChar *)run->rs->exprs[e].text);
	}
	return run->comp[e];
}

/* @p e evaluated on @p node; NULL on error (run->error says why). */
static xmlXPathObjectPtr eval_at(sch_run *run, int e, xmlNodePtr node, int pos, int size)
{
	xmlXPathCompExprPtr comp = compiled(run, e);
	if (!comp) {
		const char *why = e >= 0 ? run->rs->exprs[e].why_not : NULL;
		snprintf(run->error, sizeof run->error, "%s", why ? why : "the expression does not compile");
		return NULL;
	}
	run->xp->node = node;
	run->xp->proximityPosition = pos;
	run->xp->contextSize = size;
	run->error[0] = '\0';
	xmlXPathObjectPtr r = xmlXPathCompiledEval(comp, run->xp);
	if (!r && !run->error[0])
		snprintf(run->error, sizeof run->error, "XPath evaluation failed");
	return r;
}

/* Effective boolean value of @p e on @p node: 1, 0, -1 on error. */
static int eval_bool(sch_run *run, int e, xmlNodePtr node)
{
	xmlXPathObjectPtr r = eval_at(run, e, node, 1, 1);
	if (!r)
		return -1;
	int b = xmlXPathCastToBoolean(r);
	xmlXPathFreeObject(r);
	return b;
}

int sch_pred(sch_run *run, int expr, xmlNodePtr node, int pos, int size, double *num)
{
	xmlXPathObjectPtr r = eval_at(run, expr, node, pos, size);
	if (!r)
		return -1;
	int out;
	if (r->type == XPATH_NUMBER) {
		*num = r->floatval;
		out = SCH_PRED_NUMBER;
	} else {
		out = xmlXPathCastToBoolean(r);
	}
	xmlXPathFreeObject(r);
	return out;
}

bool sch_expr_positional(const sch_run *run, int expr) { return run->rs->exprs[expr].positional; }

/* ---- variables ------------------------------------------------------------------------------ */

static xmlXPathObjectPtr global_value(sch_run *run, size_t g)
{
	if (run->global_state[g] == 0) {
		run->global_state[g] = 1;
		size_t hidden = run->n_locals; /* a global sees no rule's lets */
		run->n_locals = 0;
		xmlNodePtr saved = run->current;
		run->current = (xmlNodePtr)run->doc;
		run->globals[g] = eval_at(run, run->rs->globals[g].expr, (xmlNodePtr)run->doc, 1, 1);
		run->current = saved;
		run->n_locals = hidden;
		run->global_state[g] = 2;
	}
	return run->global_state[g] == 2 ? run->globals[g] : NULL;
}

static xmlXPathObjectPtr lookup_var(void *ud, const xmlChar *name, const xmlChar *ns_uri)
{
	sch_run *run = ud;
	if (ns_uri)
		return NULL;
	for (size_t i = run->n_locals; i-- > 0;)
		if (!strcmp(run->locals[i].name, (const char *)name))
			return run->locals[i].value ? xmlXPathObjectCopy(run->locals[i].value) : NULL;
	for (size_t g = run->rs->n_globals; g-- > 0;) {
		if (!run->rs->globals[g].name || strcmp(run->rs->globals[g].name, (const char *)name))
			continue;
		xmlXPathObjectPtr v = global_value(run, g);
		return v ? xmlXPathObjectCopy(v) : NULL;
	}
	return NULL;
}

static bool push_local(sch_run *run, const char *name, xmlXPathObjectPtr value)
{
	if (run->n_locals == run->cap_locals) {
		size_t cap = run->cap_locals ? run->cap_locals * 2 : 8;
		local *g = cd_realloc(run->locals, cap * sizeof *g);
		if (!g) {
			xmlXPathFreeObject(value);
			run->nomem = true;
			return false;
		}
		run->locals = g;
		run->cap_locals = cap;
	}
	run->locals[run->n_locals++] = (local){name ? name : "", value};
	return true;
}

static void pop_locals(sch_run *run)
{
	while (run->n_locals)
		xmlXPathFreeObject(run->locals[--run->n_locals].value);
}

/* ---- what could not be evaluated ------------------------------------------------------------- */

static void note_unrun(sch_run *run, unrun *u, xmlNodePtr node)
{
	if (!u->count++) {
		u->first = node;
		u->why = cd_strdup(run->error[0] ? run->error : "XPath evaluation failed");
		if (!u->why)
			run->nomem = true;
	}
}

/* ---- locations, names, messages ------------------------------------------------------------ */

static void add_qname(strbuf *b, const xmlNode *n)
{
	if (n->ns && n->ns->prefix) {
		sb_add(b, (const char *)n->ns->prefix);
		sb_addc(b, ':');
	}
	sb_add(b, (const char *)n->name);
}

static bool same_qname(const xmlNode *a, const xmlNode *b)
{
	const xmlChar *pa = a->ns ? a->ns->prefix : NULL, *pb = b->ns ? b->ns->prefix : NULL;
	return !strcmp((const char *)a->name, (const char *)b->name) &&
	       ((!pa && !pb) || (pa && pb && !strcmp((const char *)pa, (const char *)pb)));
}

static size_t slot(const posmap *m, const xmlNode *n)
{
	size_t i = (size_t)(((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != n)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool posmap_put(posmap *m, const xmlNode *n, size_t v)
{
	if (2 * (m->n + 1) > m->cap) {
		posmap g = {NULL, NULL, 0, m->cap ? 2 * m->cap : 64};
		g.keys = cd_calloc(g.cap, sizeof *g.keys);
		g.vals = cd_calloc(g.cap, sizeof *g.vals);
		if (!g.keys || !g.vals) {
			cd_free(g.keys);
			cd_free(g.vals);
			return false;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t k = slot(&g, m->keys[i]);
				g.keys[k] = m->keys[i];
				g.vals[k] = m->vals[i];
				g.n++;
			}
		cd_free(m->keys);
		cd_free(m->vals);
		*m = g;
	}
	size_t k = slot(m, n);
	m->n += !m->keys[k];
	m->keys[k] = n;
	m->vals[k] = v;
	return true;
}

/* 1 + the number of preceding siblings named as @p n (prefix included, as
 * the engine compares name()): from the nearest one already known. */
static size_t position(sch_run *run, const xmlNode *n)
{
	posmap *m = &run->positions;
	size_t before = 0, base = 0;
	for (const xmlNode *s = n->prev; s; s = s->prev) {
		if (s->type != XML_ELEMENT_NODE || !same_qname(s, n))
			continue;
		size_t k = m->cap ? slot(m, s) : 0;
		if (m->cap && m->keys[k] == s) {
			base = m->vals[k];
			break;
		}
		before++;
	}
	size_t pos = base + before + 1;
	if (pos > 1 && !posmap_put(m, n, pos))
		run->nomem = true;
	return pos;
}

static void add_element_path(sch_run *run, strbuf *b, const xmlNode *n)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return;
	add_element_path(run, b, n->parent);
	sb_addc(b, '/');
	add_qname(b, n);
	size_t pos = position(run, n);
	if (pos > 1)
		sb_addf(b, "[%zu]", pos);
}

/* The location as the ANS engine writes it in SVRL (its "full path 2": names
 * as in the document, a position from the second same-named sibling on). */
static char *location(sch_run *run, const xmlNode *n)
{
	strbuf b = {0};
	if (n->type == XML_ATTRIBUTE_NODE) {
		add_element_path(run, &b, n->parent);
		sb_add(&b, "/@");
		add_qname(&b, n);
	} else if (n->type == XML_ELEMENT_NODE) {
		add_element_path(run, &b, n);
	} else {
		sb_add(&b, "/@"); /* the document node, as the engine writes it */
	}
	if (!b.s && !b.failed)
		sb_add(&b, "");
	return sb_take(&b);
}

static long line_of(const xmlNode *n)
{
	if (n->type == XML_ATTRIBUTE_NODE)
		n = n->parent;
	return n && n->type == XML_ELEMENT_NODE ? xmlGetLineNo(n) : 0;
}

/* The string an <value-of> writes: of a node-set, every node's string value
 * separated by spaces (XSLT 2.0). */
static void add_value(sch_run *run, strbuf *b, int e, xmlNodePtr node)
{
	xmlXPathObjectPtr r = eval_at(run, e, node, 1, 1);
	if (!r)
		return;
	if (r->type == XPATH_NODESET) {
		for (int i = 0; r->nodesetval && i < r->nodesetval->nodeNr; i++) {
			xmlChar *s = xmlXPathCastNodeToString(r->nodesetval->nodeTab[i]);
			if (i)
				sb_addc(b, ' ');
			sb_add(b, s ? (const char *)s : "");
			xmlFree(s);
		}
	} else {
		xmlChar *s = xmlXPathCastToString(r);
		sb_add(b, s ? (const char *)s : "");
		xmlFree(s);
	}
	xmlXPathFreeObject(r);
}

static void add_name(sch_run *run, strbuf *b, int e, xmlNodePtr node)
{
	if (e < 0) {
		if (node->type == XML_ELEMENT_NODE || node->type == XML_ATTRIBUTE_NODE)
			add_qname(b, node);
		return;
	}
	xmlXPathObjectPtr r = eval_at(run, e, node, 1, 1);
	if (r && r->type == XPATH_NODESET && r->nodesetval && r->nodesetval->nodeNr > 0) {
		xmlNodePtr k = r->nodesetval->nodeTab[0];
		if (k->type == XML_ELEMENT_NODE || k->type == XML_ATTRIBUTE_NODE)
			add_qname(b, k);
	}
	xmlXPathFreeObject(r);
}

/* The message of @p c on @p node, as written (whitespace kept). */
static char *message(sch_run *run, const sch_check *c, xmlNodePtr node)
{
	strbuf b = {0};
	for (size_t i = 0; i < c->n_parts; i++) {
		const sch_part *p = &c->parts[i];
		if (p->kind == PART_TEXT)
			sb_add(&b, p->text ? p->text : "");
		else if (p->kind == PART_VALUE_OF)
			add_value(run, &b, p->expr, node);
		else
			add_name(run, &b, p->expr, node);
	}
	if (!b.s && !b.failed)
		sb_add(&b, "");
	char *s = sb_take(&b);
	if (!s)
		run->nomem = true;
	return s;
}

/* Whitespace runs made one space, ends trimmed: one line for a diagnostic. */
static void squeeze(char *s)
{
	char *w = s;
	bool space = true;
	for (const char *r = s; *r; r++) {
		bool is_space = *r == ' ' || *r == '\t' || *r == '\n' || *r == '\r';
		if (is_space && space)
			continue;
		*w++ = is_space ? ' ' : *r;
		space = is_space;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

/* ---- SVRL ------------------------------------------------------------------------------------ */

static xmlNodePtr svrl_add(sch_run *run, const char *name)
{
	if (!run->svrl || run->nomem)
		return NULL;
	xmlNodePtr n = xmlNewChild(run->svrl, run->svrl->ns, (const xmlChar *)name, NULL);
	if (!n)
		run->nomem = true;
	return n;
}

static void svrl_attr(sch_run *run, xmlNodePtr n, const char *name, const char *value)
{
	if (n && value && !xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value))
		run->nomem = true;
}

static void svrl_text(sch_run *run, xmlNodePtr n, const char *text)
{
	if (n && !xmlNewTextChild(n, run->svrl->ns, (const xmlChar *)"text", (const xmlChar *)text))
		run->nomem = true;
}

/* ---- evaluation ----------------------------------------------------------------------------- */

static void report_check(sch_run *run, const sch_pattern *p, const sch_check *c, xmlNodePtr node)
{
	char *msg = message(run, c, node);
	char *loc = location(run, node);
	if (!msg || !loc) {
		run->nomem = true;
	} else {
		xmlNodePtr s = svrl_add(run, c->report ? "successful-report" : "failed-assert");
		svrl_attr(run, s, "id", c->id);
		svrl_attr(run, s, "flag", c->flag);
		svrl_attr(run, s, "role", c->role);
		svrl_attr(run, s, "location", loc);
		svrl_text(run, s, msg);
		squeeze(msg);
		char line[4096];
		one_line(line, sizeof line, msg);
		dc_add(run->dc, c->report ? CDAIMG_SEV_WARNING : CDAIMG_SEV_ERROR, CDAIMG_D_RULE, loc, line_of(node),
		       c->id ? c->id : p->id ? p->id : "", "%s", line);
		run->failed += !c->report;
	}
	cd_free(msg);
	cd_free(loc);
}

static void fire(sch_run *run, const sch_pattern *p, const sch_rule *r, xmlNodePtr node)
{
	xmlNodePtr f = svrl_add(run, "fired-rule");
	svrl_attr(run, f, "context", r->context);
	svrl_attr(run, f, "id", r->id);
	svrl_attr(run, f, "role", r->role);
	run->current = node;
	bool lets_ok = true;
	for (size_t i = 0; i < r->n_lets && !run->nomem; i++) {
		xmlXPathObjectPtr v = eval_at(run, r->lets[i].expr, node, 1, 1);
		lets_ok &= v != NULL;
		if (!lets_ok) {
			snprintf(run->error + strlen(run->error), sizeof run->error - strlen(run->error),
			         " (let $%s)", r->lets[i].name ? r->lets[i].name : "");
			break;
		}
		push_local(run, r->lets[i].name, v);
	}
	for (size_t i = 0; i < r->n_checks && !run->nomem; i++) {
		const sch_check *c = &r->checks[i];
		int t = lets_ok ? eval_bool(run, c->test, node) : -1;
		if (t < 0)
			note_unrun(run, &run->unrun_checks[c->flat], node);
		else if (t == (int)c->report)
			report_check(run, p, c, node);
	}
	pop_locals(run);
}

static bool fired_add(sch_run *run, unsigned p, unsigned r, xmlNodePtr node)
{
	firings *f = &run->fired[p];
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		firing *g = cd_realloc(f->v, cap * sizeof *g);
		if (!g)
			return false;
		f->v = g;
		f->cap = cap;
	}
	f->v[f->n++] = (firing){node, r};
	return true;
}

/* Which rule of each pattern @p node fires. */
static void visit(sch_run *run, xmlNodePtr node, sch_cands *cands)
{
	const cdaimg_rules *rs = run->rs;
	if (!sch_candidates(rs, node, cands)) {
		run->nomem = true;
		return;
	}
	unsigned matched = (unsigned)-1;
	for (size_t i = 0; i < cands->n && !run->nomem; i++) {
		const sch_cand *c = &cands->v[i];
		if (c->p == matched)
			continue;
		const sch_rule *r = &rs->patterns[c->p].rules[c->r];
		run->current = node;
		int m = sch_match(run, &r->branches[c->b], node);
		if (m < 0)
			note_unrun(run, &run->unrun_rules[c->p], node);
		if (m > 0) {
			matched = c->p;
			if (!fired_add(run, c->p, c->r, node))
				run->nomem = true;
		}
	}
}

/* Every element under @p top (itself included) in document order, each
 * followed by its attributes when contexts can match attributes. */
static void walk(sch_run *run, xmlNodePtr top, sch_cands *cands)
{
	xmlNodePtr n = top;
	while (n && !run->nomem) {
		visit(run, n, cands);
		for (xmlAttrPtr a = run->rs->visit_attributes ? n->properties : NULL; a && !run->nomem; a = a->next)
			visit(run, (xmlNodePtr)a, cands);
		xmlNodePtr next = n->children;
		while (next && next->type != XML_ELEMENT_NODE)
			next = next->next;
		if (next) {
			n = next;
			continue;
		}
		for (; n && n != top; n = n->parent) {
			for (next = n->next; next && next->type != XML_ELEMENT_NODE; next = next->next)
				;
			if (next)
				break;
		}
		n = n && n != top ? next : NULL;
	}
}

static void report_unrun(sch_run *run, const unrun *u, const char *rule, const char *what)
{
	if (!u->count)
		return;
	char *loc = location(run, u->first);
	dc_add(run->dc, CDAIMG_SEV_WARNING, CDAIMG_D_RULE, loc ? loc : "", line_of(u->first), rule,
	       "%s not evaluated at %zu place%s: %s", what, u->count, u->count == 1 ? "" : "s",
	       u->why ? u->why : "");
	cd_free(loc);
}

static void report_unruns(sch_run *run)
{
	const cdaimg_rules *rs = run->rs;
	char what[1024];
	for (size_t i = 0; i < run->n_missing; i++)
		dc_add(run->dc, CDAIMG_SEV_WARNING, CDAIMG_D_RULE, "", 0, NULL,
		       "%s: taken as empty, as the ANS engine does, so the checks against it fail", run->missing[i]);
	for (size_t p = 0; p < rs->n_patterns; p++) {
		const sch_pattern *pat = &rs->patterns[p];
		report_unrun(run, &run->unrun_rules[p], pat->id, "a rule context of this pattern was");
		for (size_t r = 0; r < pat->n_rules; r++)
			for (size_t c = 0; c < pat->rules[r].n_checks; c++) {
				const sch_check *ck = &pat->rules[r].checks[c];
				snprintf(what, sizeof what, "%s %d of the rule on %s was", ck->report ? "report" : "assert",
				         ck->pos, pat->rules[r].context ? pat->rules[r].context : "");
				report_unrun(run, &run->unrun_checks[ck->flat], pat->id, what);
			}
	}
}

static bool run_init(sch_run *run, const cdaimg_rules *rs, xmlDocPtr doc, diag_ctx *dc)
{
	memset(run, 0, sizeof *run);
	run->rs = rs;
	run->doc = doc;
	run->dc = dc;
	size_t ne = rs->n_exprs ? rs->n_exprs : 1, ng = rs->n_globals ? rs->n_globals : 1;
	size_t np = rs->n_patterns ? rs->n_patterns : 1, nc = rs->n_checks ? rs->n_checks : 1;
	run->comp = cd_calloc(ne, sizeof *run->comp);
	run->tried = cd_calloc(ne, 1);
	run->globals = cd_calloc(ng, sizeof *run->globals);
	run->global_state = cd_calloc(ng, 1);
	run->fired = cd_calloc(np, sizeof *run->fired);
	run->unrun_rules = cd_calloc(np, sizeof *run->unrun_rules);
	run->unrun_checks = cd_calloc(nc, sizeof *run->unrun_checks);
	run->xp = new_context(rs, doc, run);
	return run->comp && run->tried && run->globals && run->global_state && run->fired && run->unrun_rules &&
	       run->unrun_checks && run->xp;
}

static void run_free(sch_run *run)
{
	const cdaimg_rules *rs = run->rs;
	pop_locals(run);
	cd_free(run->locals);
	for (size_t i = 0; run->comp && i < rs->n_exprs; i++)
		xmlXPathFreeCompExpr(run->comp[i]);
	for (size_t i = 0; run->globals && i < rs->n_globals; i++)
		xmlXPathFreeObject(run->globals[i]);
	for (size_t p = 0; run->fired && p < rs->n_patterns; p++)
		cd_free(run->fired[p].v);
	for (size_t p = 0; run->unrun_rules && p < rs->n_patterns; p++)
		cd_free(run->unrun_rules[p].why);
	for (size_t c = 0; run->unrun_checks && c < rs->n_checks; c++)
		cd_free(run->unrun_checks[c].why);
	for (size_t i = 0; i < run->n_missing; i++)
		cd_free(run->missing[i]);
	cd_free(run->missing);
	cd_free(run->positions.keys);
	cd_free(run->positions.vals);
	cd_free(run->comp);
	cd_free(run->tried);
	cd_free(run->globals);
	cd_free(run->global_state);
	cd_free(run->fired);
	cd_free(run->unrun_rules);
	cd_free(run->unrun_checks);
	xmlXPathFreeContext(run->xp);
}

static xmlNodePtr svrl_root(const cdaimg_rules *rs, xmlDocPtr *svrl)
{
	xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = d ? xmlNewDocNode(d, NULL, (const xmlChar *)"schematron-output", NULL) : NULL;
	xmlNsPtr ns = root ? xmlNewNs(root, (const xmlChar *)SVRL_NS, (const xmlChar *)"svrl") : NULL;
	if (!ns) {
		xmlFreeNode(root);
		xmlFreeDoc(d);
		return NULL;
	}
	xmlSetNs(root, ns);
	xmlDocSetRootElement(d, root);
	bool ok = true;
	for (size_t i = 0; i < rs->n_ns && ok; i++)
		if (rs->ns[i].prefix && rs->ns[i].uri && strcmp(rs->ns[i].prefix, "svrl"))
			ok = xmlNewNs(root, (const xmlChar *)rs->ns[i].uri, (const xmlChar *)rs->ns[i].prefix) != NULL;
	ok = ok && (!rs->title || xmlSetProp(root, (const xmlChar *)"title", (const xmlChar *)rs->title)) &&
	     (!rs->schema_version ||
	      xmlSetProp(root, (const xmlChar *)"schemaVersion", (const xmlChar *)rs->schema_version)) &&
	     (!rs->phase || xmlSetProp(root, (const xmlChar *)"phase", (const xmlChar *)rs->phase));
	if (!ok) {
		xmlFreeDoc(d);
		return NULL;
	}
	*svrl = d;
	return root;
}

cdaimg_status sch_eval(const cdaimg_rules *rs, xmlNodePtr top, xmlDocPtr *svrl, diag_ctx *dc)
{
	sch_run run;
	sch_cands cands = {0};
	xmlDocPtr doc = top->type == XML_DOCUMENT_NODE ? (xmlDocPtr)top : top->doc;
	bool ok = run_init(&run, rs, doc, dc);
	if (ok && svrl)
		ok = (run.svrl = svrl_root(rs, svrl)) != NULL;
	if (ok) {
		if (top->type == XML_DOCUMENT_NODE) {
			visit(&run, top, &cands);
			top = xmlDocGetRootElement(doc);
		}
		if (top)
			walk(&run, top, &cands);
	}
	for (size_t p = 0; ok && p < rs->n_patterns && !run.nomem; p++) {
		const sch_pattern *pat = &rs->patterns[p];
		if (pat->off)
			continue; /* listed by cdaimg_rules_skipped */
		xmlNodePtr a = svrl_add(&run, "active-pattern");
		svrl_attr(&run, a, "id", pat->id);
		for (size_t t = 0; t < pat->n_texts; t++)
			svrl_text(&run, a, pat->texts[t]);
		for (size_t i = 0; i < run.fired[p].n && !run.nomem; i++)
			fire(&run, pat, &pat->rules[run.fired[p].v[i].rule], run.fired[p].v[i].node);
	}
	if (ok && !run.nomem)
		report_unruns(&run);
	cd_free(cands.v);
	bool nomem = !ok || run.nomem || dc->nomem;
	size_t failed = run.failed;
	run_free(&run);
	if (nomem) {
		if (svrl) {
			xmlFreeDoc(*svrl);
			*svrl = NULL;
		}
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while checking the rules");
		return CDAIMG_ENOMEM;
	}
	return failed ? CDAIMG_ENOTVALID : CDAIMG_OK;
}

/* ---- static checks at load ------------------------------------------------------------------- */

static const char *const xpath1_functions[] = {
	"last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat",
	"starts-with", "contains", "substring-before", "substring-after", "substring", "string-length",
	"normalize-space", "translate", "boolean", "not", "true", "false", "lang", "number", "sum", "floor",
	"ceiling", "round", "document", "current",
};

/* The first function @p text calls that XPath 1.0 (with document() and
 * current()) does not have, copied into @p out; false when there is none. */
static bool unknown_function(const char *text, char *out, size_t n)
{
	for (const char *s = text; *s;) {
		if (*s == '\'' || *s == '"') {
			const char *q = strchr(s + 1, *s);
			s = q ? q + 1 : s + strlen(s);
			continue;
		}
		bool start = (*s | 32) >= 'a' && (*s | 32) <= 'z';
		if (!start || (s > text && (s[-1] == '$' || s[-1] == '@' || s[-1] == '-' || s[-1] == '_' ||
		                            ((s[-1] | 32) >= 'a' && (s[-1] | 32) <= 'z')))) {
			s++;
			continue;
		}
		const char *e = s;
		while (*e && (((*e | 32) >= 'a' && (*e | 32) <= 'z') || *e == '-' || *e == '_' || *e == ':' ||
		              (*e >= '0' && *e <= '9')))
			e++;
		const char *after = e;
		while (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r')
			after++;
		size_t l = (size_t)(e - s);
		bool call = *after == '(' && !(e > s && e[-1] == ':');
		static const char *const not_calls[] = {"and", "or", "div", "mod", "node", "text", "comment",
		                                        "processing-instruction"};
		for (size_t i = 0; call && i < sizeof not_calls / sizeof *not_calls; i++)
			call = !(strlen(not_calls[i]) == l && !strncmp(not_calls[i], s, l));
		bool known = !call;
		for (size_t i = 0; !known && i < sizeof xpath1_functions / sizeof *xpath1_functions; i++)
			known = strlen(xpath1_functions[i]) == l && !strncmp(xpath1_functions[i], s, l);
		if (!known) {
			snprintf(out, n, "%.*s()", (int)l, s);
			return true;
		}
		s = e;
	}
	return false;
}

typedef struct compile_errors {
	char msg[512];
	bool nomem;
} compile_errors;

static void compile_error(void *ud, CD_XMLERROR *err)
{
	compile_errors *ce = ud;
	if (err->code == XML_ERR_NO_MEMORY || err->code == XML_XPATH_EXPRESSION_OK + XPATH_MEMORY_ERROR)
		ce->nomem = true;
	describe(ce->msg, sizeof ce->msg, err);
}

bool sch_check_exprs(cdaimg_rules *rs)
{
	compile_errors ce = {{0}, false};
	xmlXPathContextPtr xp = new_context(rs, NULL, &ce);
	if (!xp)
		return false;
	xp->error = compile_error;
	xp->userData = &ce;
	for (size_t i = 0; i < rs->n_exprs && !ce.nomem; i++) {
		sch_expr *e = &rs->exprs[i];
		char why[600], fn[128];
		e->positional = strstr(e->text, "position(") || strstr(e->text, "last(");
		ce.msg[0] = '\0';
		xmlXPathCompExprPtr c = xmlXPathCtxtCompile(xp, (const xmlChar *)e->text);
		if (!c && !ce.nomem)
			snprintf(why, sizeof why, "not an XPath 1.0 expression (%s)", ce.msg[0] ? ce.msg : "syntax");
		else if (unknown_function(e->text, fn, sizeof fn))
			snprintf(why, sizeof why, "calls %s, which XPath 1.0 does not have", fn);
		else
			why[0] = '\0';
		xmlXPathFreeCompExpr(c);
		if (why[0] && !(e->why_not = cd_strdup(why)))
			ce.nomem = true;
	}
	xmlXPathFreeContext(xp);
	return !ce.nomem;
}
