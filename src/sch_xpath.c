/* SPDX-License-Identifier: MIT */
/* sch_xpath.c - the XPath side of a rule set's evaluation: libxml2 contexts
 * with the XSLT functions the rules use (document(), reading the rules
 * folder's value sets once per rule set; current()) and count() of a single
 * value as XPath 2.0 counts it; expressions compiled on first use per run;
 * lets as variables (rule lets in scope, global lets on first reference);
 * and, at load, what XPath 1.0 cannot evaluate. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "docread.h"
#include "sch_run.h"
#include "schema.h"

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
		diag_ctx quiet = {.diags = NULL};
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

xmlXPathContextPtr sch_xpath_new(const cdaimg_rules *rs, xmlDocPtr doc, void *ud)
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
xmlXPathObjectPtr sch_xpath_eval(sch_run *run, int e, xmlNodePtr node, int pos, int size)
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
int sch_xpath_bool(sch_run *run, int e, xmlNodePtr node)
{
	xmlXPathObjectPtr r = sch_xpath_eval(run, e, node, 1, 1);
	if (!r)
		return -1;
	int b = xmlXPathCastToBoolean(r);
	xmlXPathFreeObject(r);
	return b;
}

int sch_pred(sch_run *run, int expr, xmlNodePtr node, int pos, int size, double *num)
{
	xmlXPathObjectPtr r = sch_xpath_eval(run, expr, node, pos, size);
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
		run->globals[g] = sch_xpath_eval(run, run->rs->globals[g].expr, (xmlNodePtr)run->doc, 1, 1);
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

bool sch_push_local(sch_run *run, const char *name, xmlXPathObjectPtr value)
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

void sch_pop_locals(sch_run *run)
{
	while (run->n_locals)
		xmlXPathFreeObject(run->locals[--run->n_locals].value);
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
	xmlXPathContextPtr xp = sch_xpath_new(rs, NULL, &ce);
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

