/* SPDX-License-Identifier: MIT */
/* sch_match.c - rule contexts: XSLT match patterns parsed into steps, and
 * the test of one node against a pattern, last step first (the index that
 * says which rules a node can meet is sch_index.c's). */
#include <string.h>

#include "sch.h"
#include "sch_run.h"

#define HL7_NS "urn:hl7-org:v3"

int sch_add_expr(cdaimg_rules *rs, const char *text)
{
	sch_expr *grown = cd_realloc(rs->exprs, (rs->n_exprs + 1) * sizeof *grown);
	if (!grown)
		return -1;
	rs->exprs = grown;
	char *t = cd_strdup(text);
	if (!t)
		return -1;
	rs->exprs[rs->n_exprs] = (sch_expr){t, NULL, false};
	return (int)rs->n_exprs++;
}

const char *sch_ns_uri(const cdaimg_rules *rs, const char *prefix, size_t len, bool *known)
{
	*known = true;
	if (len == 0)
		return NULL;
	if (len == 3 && !strncmp(prefix, "xml", 3))
		return "http://www.w3.org/XML/1998/namespace";
	for (size_t i = rs->n_ns; i-- > 0;)
		if (rs->ns[i].prefix && strlen(rs->ns[i].prefix) == len && !strncmp(rs->ns[i].prefix, prefix, len))
			return rs->ns[i].uri;
	*known = false;
	return NULL;
}

/* ---- parsing ------------------------------------------------------------------------------ */

typedef struct lexer {
	cdaimg_rules *rs;
	const char *s;
	size_t i, n;
	const char *err;
	bool nomem;
} lexer;

static void ws(lexer *x)
{
	while (x->i < x->n && strchr(" \t\r\n", x->s[x->i]))
		x->i++;
}

static bool at(lexer *x, const char *lit)
{
	size_t l = strlen(lit);
	return x->n - x->i >= l && !strncmp(x->s + x->i, lit, l);
}

static bool name_start(unsigned char c) { return c == '_' || (unsigned)((c | 32) - 'a') < 26u || c >= 0x80; }
static bool name_char(unsigned char c) { return name_start(c) || c == '-' || c == '.' || (unsigned)(c - '0') < 10u; }

static size_t ncname(lexer *x)
{
	size_t start = x->i;
	if (x->i < x->n && name_start((unsigned char)x->s[x->i]))
		while (x->i < x->n && name_char((unsigned char)x->s[x->i]))
			x->i++;
	return x->i - start;
}

/* Index just past the bracket or parenthesis that closes the one at @p i, or
 * @p n when unbalanced; quotes are skipped. */
static size_t closing(const char *s, size_t i, size_t n)
{
	int depth = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '\'' || c == '"') {
			const char *q = memchr(s + i + 1, c, n - i - 1);
			if (!q)
				return n;
			i = (size_t)(q - s);
		} else if (c == '[' || c == '(') {
			depth++;
		} else if ((c == ']' || c == ')') && --depth == 0) {
			return i + 1;
		}
	}
	return n;
}

static int add_pred(lexer *x, sch_step *st, const char *text, size_t len)
{
	char *t = cd_strndup(text, len);
	int e = t ? sch_add_expr(x->rs, t) : -1;
	cd_free(t);
	int *grown = e >= 0 ? cd_realloc(st->preds, (st->n_preds + 1) * sizeof *grown) : NULL;
	if (!grown) {
		x->nomem = true;
		return -1;
	}
	st->preds = grown;
	st->preds[st->n_preds++] = e;
	return e;
}

/* The node test of a step: "*", "p:*", "p:name", "name", or a node type test. */
static bool node_test(lexer *x, sch_step *st)
{
	if (at(x, "*")) {
		x->i++;
		st->test = TEST_ANY;
		return true;
	}
	size_t start = x->i, l1 = ncname(x);
	if (!l1) {
		x->err = "a step expected";
		return false;
	}
	const char *prefix = NULL;
	size_t plen = 0, lstart = start, llen = l1;
	if (at(x, ":") && !at(x, "::")) {
		prefix = x->s + start;
		plen = l1;
		x->i++;
		if (at(x, "*")) {
			x->i++;
			st->test = TEST_NS_ANY;
		} else {
			lstart = x->i;
			llen = ncname(x);
			if (!llen) {
				x->err = "a name expected after the prefix";
				return false;
			}
			st->test = TEST_NAME;
		}
	} else {
		st->test = TEST_NAME;
	}
	size_t save = x->i;
	ws(x);
	if (!prefix && at(x, "(")) {
		static const char *const types[] = {"node", "text", "comment", "processing-instruction"};
		size_t k = 0;
		while (k < 4 && !(strlen(types[k]) == llen && !strncmp(types[k], x->s + lstart, llen)))
			k++;
		if (k == 4) {
			x->err = "functions (id, key) in a context are not supported";
			return false;
		}
		x->i = closing(x->s, x->i, x->n);
		st->test = k == 0 ? TEST_NODE : TEST_OTHER;
		return true;
	}
	x->i = save;
	bool known;
	const char *uri = sch_ns_uri(x->rs, prefix, plen, &known);
	if (!known) {
		x->err = "a prefix no <ns> declares";
		return false;
	}
	st->ns = uri ? cd_strdup(uri) : NULL;
	if (st->test == TEST_NAME)
		st->local = cd_strndup(x->s + lstart, llen);
	if ((uri && !st->ns) || (st->test == TEST_NAME && !st->local))
		x->nomem = true;
	return !x->nomem;
}

static bool step(lexer *x, sch_step *st)
{
	ws(x);
	if (at(x, "@")) {
		x->i++;
		st->attribute = true;
	} else if (at(x, "attribute::")) {
		x->i += 11;
		st->attribute = true;
	} else if (at(x, "child::")) {
		x->i += 7;
	}
	ws(x);
	if (!node_test(x, st))
		return false;
	for (ws(x); at(x, "["); ws(x)) {
		size_t end = closing(x->s, x->i, x->n);
		if (end == x->n && x->s[x->n - 1] != ']') {
			x->err = "an unclosed predicate";
			return false;
		}
		if (add_pred(x, st, x->s + x->i + 1, end - x->i - 2) < 0)
			return false;
		x->i = end;
	}
	return true;
}

static bool add_step(lexer *x, sch_branch *b, bool descendant)
{
	sch_step *grown = cd_realloc(b->steps, (b->n_steps + 1) * sizeof *grown);
	if (!grown) {
		x->nomem = true;
		return false;
	}
	b->steps = grown;
	sch_step *st = &b->steps[b->n_steps++];
	memset(st, 0, sizeof *st);
	st->descendant = descendant;
	return step(x, st);
}

static bool branch(lexer *x, sch_branch *b)
{
	ws(x);
	bool descendant = false;
	if (at(x, "//")) {
		x->i += 2;
		b->absolute = descendant = true;
	} else if (at(x, "/")) {
		x->i++;
		b->absolute = true;
		ws(x);
		if (x->i == x->n) {
			b->root_only = true;
			return true;
		}
	}
	for (;;) {
		if (!add_step(x, b, descendant))
			return false;
		ws(x);
		if (x->i == x->n)
			return true;
		if (at(x, "//")) {
			x->i += 2;
			descendant = true;
		} else if (at(x, "/")) {
			x->i++;
			descendant = false;
		} else {
			x->err = "an expression that is not a match pattern";
			return false;
		}
	}
}

/* ---- dispatch key: a templateId/@root the last step requires --------------------------------- */

/* Does [s, e) read `P:templateId/@root = 'lit'` or `P:templateId[@root = 'lit']`, P bound to
 * the HL7 namespace? Returns the literal (copied) or NULL. */
static char *root_literal(cdaimg_rules *rs, const char *s, const char *e)
{
	lexer x = {rs, s, 0, (size_t)(e - s), NULL, false};
	ws(&x);
	size_t p0 = x.i, pl = ncname(&x);
	if (!at(&x, ":"))
		return NULL;
	bool known;
	const char *uri = sch_ns_uri(rs, s + p0, pl, &known);
	if (!uri || strcmp(uri, HL7_NS) != 0)
		return NULL;
	x.i++;
	if (!at(&x, "templateId"))
		return NULL;
	x.i += 10;
	ws(&x);
	bool bracket = at(&x, "[");
	if (!bracket && !at(&x, "/"))
		return NULL;
	x.i++;
	ws(&x);
	if (!at(&x, "@root"))
		return NULL;
	x.i += 5;
	ws(&x);
	if (!at(&x, "="))
		return NULL;
	x.i++;
	ws(&x);
	char q = x.i < x.n ? s[x.i] : 0;
	const char *lit = q == '\'' || q == '"' ? memchr(s + x.i + 1, q, x.n - x.i - 1) : NULL;
	if (!lit)
		return NULL;
	size_t l0 = x.i + 1, ll = (size_t)(lit - s) - l0;
	x.i = (size_t)(lit - s) + 1;
	ws(&x);
	if (bracket) {
		if (!at(&x, "]"))
			return NULL;
		x.i++;
		ws(&x);
	}
	return x.i == x.n ? cd_strndup(s + l0, ll) : NULL;
}

/* Index of the last character of the quoted string or bracketed group at @p i. */
static size_t group_end(const char *s, size_t i, size_t n)
{
	if (s[i] == '\'' || s[i] == '"') {
		const char *q = memchr(s + i + 1, s[i], n - i - 1);
		return q ? (size_t)(q - s) : n - 1;
	}
	return closing(s, i, n) - 1;
}

/* The root literal of a top-level conjunct of predicate @p text, if any. */
static char *key_root(cdaimg_rules *rs, const char *text)
{
	size_t n = strlen(text), start = 0;
	for (size_t i = 0; i <= n; i++) {
		char c = text[i];
		if (c && strchr("[('\"", c)) {
			i = group_end(text, i, n);
			continue;
		}
		bool word_and = i + 5 <= n && !strncmp(text + i, " and ", 5);
		bool word_or = i + 4 <= n && !strncmp(text + i, " or ", 4);
		if (word_or)
			return NULL;
		if (word_and || c == '\0') {
			char *lit = root_literal(rs, text + start, text + i);
			if (lit)
				return lit;
			if (c == '\0')
				return NULL;
			start = i + 5;
			i += 4;
		}
	}
	return NULL;
}

bool sch_parse_context(cdaimg_rules *rs, sch_rule *rule, char **why)
{
	const char *s = rule->context ? rule->context : "";
	size_t n = strlen(s), start = 0;
	*why = NULL;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '|') {
			if (strchr("[('\"", s[i]))
				i = group_end(s, i, n);
			continue;
		}
		sch_branch *grown = cd_realloc(rule->branches, (rule->n_branches + 1) * sizeof *grown);
		if (!grown)
			return false;
		rule->branches = grown;
		sch_branch *b = &rule->branches[rule->n_branches++];
		memset(b, 0, sizeof *b);
		lexer x = {rs, s + start, 0, i - start, NULL, false};
		if (!branch(&x, b)) {
			if (x.nomem)
				return false;
			*why = cd_strdup(x.err ? x.err : "not a match pattern");
			return *why != NULL;
		}
		sch_step *last = b->n_steps ? &b->steps[b->n_steps - 1] : NULL;
		if (last && !last->attribute && last->n_preds)
			b->key_root = key_root(rs, rs->exprs[last->preds[0]].text);
		start = i + 1;
	}
	return true;
}

/* ---- matching -------------------------------------------------------------------------------- */

static const char *ns_of(const xmlNode *n) { return n->ns ? (const char *)n->ns->href : NULL; }

static bool test_ok(const sch_step *st, const xmlNode *n)
{
	if (st->attribute ? n->type != XML_ATTRIBUTE_NODE : n->type != XML_ELEMENT_NODE)
		return false;
	const char *ns = ns_of(n);
	switch (st->test) {
	case TEST_NAME:
		if (strcmp((const char *)n->name, st->local))
			return false;
		/* fall through */
	case TEST_NS_ANY:
		return (!ns && !st->ns) || (ns && st->ns && !strcmp(ns, st->ns));
	case TEST_ANY:
	case TEST_NODE:
		return true;
	case TEST_OTHER:
		break;
	}
	return false;
}

static int step_ok(sch_run *run, const sch_step *st, xmlNodePtr n, size_t upto);

/* Position and size of @p n among the nodes its step selects from its
 * parent, through the first @p k predicates: what a positional predicate needs. */
static int position_of(sch_run *run, const sch_step *st, xmlNodePtr n, size_t k, int *pos, int *size)
{
	xmlNodePtr first = !n->parent ? NULL
	                   : st->attribute ? (xmlNodePtr)n->parent->properties
	                                   : n->parent->children;
	*pos = *size = 0;
	for (xmlNodePtr s = first; s; s = s->next) {
		int ok = step_ok(run, st, s, k);
		if (ok < 0)
			return -1;
		if (!ok)
			continue;
		++*size;
		if (s == n)
			*pos = *size;
	}
	return 0;
}

/* Does @p n pass @p st's node test and its first @p upto predicates? -1 on error. */
static int step_ok(sch_run *run, const sch_step *st, xmlNodePtr n, size_t upto)
{
	if (!test_ok(st, n))
		return 0;
	for (size_t k = 0; k < upto; k++) {
		int pos = 1, size = 1;
		bool positional = sch_expr_positional(run, st->preds[k]);
		if (positional && position_of(run, st, n, k, &pos, &size) < 0)
			return -1;
		double num;
		int r = sch_pred(run, st->preds[k], n, pos, size, &num);
		if (r == SCH_PRED_NUMBER && !positional) {
			if (position_of(run, st, n, k, &pos, &size) < 0)
				return -1;
			r = num == pos;
		} else if (r == SCH_PRED_NUMBER) {
			r = num == pos;
		}
		if (r <= 0)
			return r;
	}
	return 1;
}

static int match_from(sch_run *run, const sch_branch *br, size_t i, xmlNodePtr n)
{
	const sch_step *st = &br->steps[i];
	int ok = step_ok(run, st, n, st->n_preds);
	if (ok <= 0)
		return ok;
	xmlNodePtr up = n->parent;
	if (i == 0)
		return !(br->absolute && !st->descendant) || (up && up->type == XML_DOCUMENT_NODE);
	if (!st->descendant)
		return up && up->type == XML_ELEMENT_NODE ? match_from(run, br, i - 1, up) : 0;
	for (; up && up->type == XML_ELEMENT_NODE; up = up->parent) {
		int r = match_from(run, br, i - 1, up);
		if (r)
			return r;
	}
	return 0;
}

int sch_match(sch_run *run, const sch_branch *br, xmlNodePtr n)
{
	if (br->root_only)
		return n->type == XML_DOCUMENT_NODE;
	return match_from(run, br, br->n_steps - 1, n);
}
