/* SPDX-License-Identifier: MIT */
/* sch_load.c - read an ISO Schematron file into a rule set: includes resolved
 * and abstract patterns expanded as the ANS engine's first two steps do
 * (schematrons/moteur/iso_dsdl_include.xsl, iso_abstract_expand.xsl), then
 * the active phase's patterns, rules, lets, asserts and reports kept. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "docread.h"
#include "sch.h"

typedef struct loader {
	cdaimg_rules *rs;
	diag_ctx *dc;
	bool nomem;
	int depth;
} loader;

#define MAX_INCLUDE_DEPTH 32

static bool is_sch(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, SCH_NS) &&
	       (!name || !strcmp((const char *)n->name, name));
}

static char *dup_or_oom(loader *L, const char *s)
{
	if (!s)
		return NULL;
	char *d = cd_strdup(s);
	if (!d)
		L->nomem = true;
	return d;
}

/* An attribute's value, copied (NULL when absent). */
static char *attr(loader *L, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *d = dup_or_oom(L, (const char *)v);
	xmlFree(v);
	return d;
}

static bool attr_is(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	bool eq = v && !strcmp((const char *)v, value);
	xmlFree(v);
	return eq;
}

bool sch_skip(cdaimg_rules *rs, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	char *s = cd_strdup(line);
	char **grown = s ? cd_realloc(rs->skipped, (rs->n_skipped + 1) * sizeof *grown) : NULL;
	if (!grown) {
		cd_free(s);
		return false;
	}
	rs->skipped = grown;
	rs->skipped[rs->n_skipped++] = s;
	return true;
}

#define skip(L, ...) ((L)->nomem |= !sch_skip((L)->rs, __VA_ARGS__))

/* ---- reading files ------------------------------------------------------------------------ */

/* @p rel resolved against the folder of @p from, made canonical; NULL when it
 * does not exist or lies outside the rule set's folder. */
static char *resolve(loader *L, const char *from, const char *rel)
{
	if (strstr(rel, "://") || rel[0] == '/')
		return NULL;
	strbuf b = {0};
	const char *slash = strrchr(from, '/');
	if (slash)
		sb_addn(&b, from, (size_t)(slash - from) + 1);
	sb_add(&b, rel);
	char *joined = sb_take(&b);
	if (!joined) {
		L->nomem = true;
		return NULL;
	}
	char real[PATH_MAX];
	char *ok = realpath(joined, real);
	cd_free(joined);
	size_t rl = strlen(L->rs->root_dir);
	if (!ok || strncmp(real, L->rs->root_dir, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
		return NULL;
	return dup_or_oom(L, real);
}

static xmlDocPtr read_sch(loader *L, const char *path)
{
	diag_ctx quiet = {.diags = NULL};
	char *data;
	size_t len;
	if (read_file_all(path, &data, &len, &quiet) != CDAIMG_OK) {
		L->nomem |= quiet.nomem;
		return NULL;
	}
	xmlDocPtr doc = NULL;
	if (doc_parse(&doc, data, len, path, &quiet) != CDAIMG_OK)
		doc = NULL;
	L->nomem |= quiet.nomem;
	cd_free(data);
	return doc;
}

/* ---- step 1: includes --------------------------------------------------------------------- */

static void resolve_includes(loader *L, xmlNodePtr parent, const char *file);

/* The first Schematron element at or under @p n whose id is @p id. */
static xmlNodePtr with_id(xmlNodePtr n, const char *id)
{
	if (is_sch(n, NULL) && attr_is(n, "id", id))
		return n;
	for (xmlNodePtr k = n->children; k; k = k->next) {
		xmlNodePtr hit = k->type == XML_ELEMENT_NODE ? with_id(k, id) : NULL;
		if (hit)
			return hit;
	}
	return NULL;
}

/* The element an <include href> brings: the included file's root (a
 * fragment id names an element of it instead), with its own includes done. */
static xmlNodePtr included(loader *L, const char *file, const char *href, xmlDocPtr *holder)
{
	char *spec = dup_or_oom(L, href);
	if (!spec)
		return NULL;
	char *hash = strchr(spec, '#');
	if (hash)
		*hash++ = '\0';
	char *path = *spec ? resolve(L, file, spec) : NULL;
	xmlDocPtr doc = path ? read_sch(L, path) : NULL;
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root && hash && *hash)
		root = with_id(root, hash);
	if (!root || !is_sch(root, NULL) || is_sch(root, "schema")) {
		if (!L->nomem)
			skip(L, "include %s: cannot be read (%s)", href,
			     !path ? "no such file in the rules folder" : !doc ? "not well-formed" : "no Schematron element");
		xmlFreeDoc(doc);
		cd_free(path);
		cd_free(spec);
		return NULL;
	}
	if (L->depth < MAX_INCLUDE_DEPTH) {
		L->depth++;
		resolve_includes(L, root, path);
		L->depth--;
	} else {
		skip(L, "include %s: nested more than %d deep, not read", href, MAX_INCLUDE_DEPTH);
		root = NULL;
	}
	cd_free(path);
	cd_free(spec);
	*holder = doc;
	return root;
}

/* Replace every <include> under @p parent (of the file @p file) by what it brings. */
static void resolve_includes(loader *L, xmlNodePtr parent, const char *file)
{
	xmlNodePtr next;
	for (xmlNodePtr k = parent->children; k && !L->nomem; k = next) {
		next = k->next;
		if (!is_sch(k, "include")) {
			if (k->type == XML_ELEMENT_NODE)
				resolve_includes(L, k, file);
			continue;
		}
		xmlChar *href = xmlGetNoNsProp(k, (const xmlChar *)"href");
		xmlDocPtr holder = NULL;
		xmlNodePtr what = href ? included(L, file, (const char *)href, &holder) : NULL;
		xmlFree(href);
		if (what) {
			xmlNodePtr copy = xmlDocCopyNode(what, parent->doc, 1);
			if (!copy || !xmlAddPrevSibling(k, copy)) {
				xmlFreeNode(copy);
				L->nomem = true;
			}
		}
		xmlFreeDoc(holder);
		xmlUnlinkNode(k);
		xmlFreeNode(k);
	}
}

/* ---- step 2: abstract patterns ------------------------------------------------------------ */

/* @p text with "$name" replaced by each param's value, params in order. */
static char *macro_expand(loader *L, const char *text, xmlNodePtr caller)
{
	char *cur = dup_or_oom(L, text);
	for (xmlNodePtr p = caller->children; p && cur; p = p->next) {
		if (!is_sch(p, "param"))
			continue;
		xmlChar *name = xmlGetNoNsProp(p, (const xmlChar *)"name");
		xmlChar *value = xmlGetNoNsProp(p, (const xmlChar *)"value");
		if (name && *name) {
			strbuf b = {0}, key = {0};
			sb_addc(&key, '$');
			sb_add(&key, (const char *)name);
			const char *s = cur;
			for (const char *hit; key.s && (hit = strstr(s, key.s)); s = hit + key.len) {
				sb_addn(&b, s, (size_t)(hit - s));
				sb_add(&b, value ? (const char *)value : "");
			}
			sb_add(&b, s);
			sb_free(&key);
			cd_free(cur);
			cur = sb_take(&b);
			if (!cur || key.failed)
				L->nomem = true;
		}
		xmlFree(name);
		xmlFree(value);
	}
	return cur;
}

/* A copy of @p n for the pattern that @p caller makes of an abstract one:
 * test, context and select attributes and text expanded, comments dropped. */
static xmlNodePtr expand_copy(loader *L, xmlNodePtr n, xmlNodePtr caller, xmlDocPtr doc)
{
	xmlNodePtr c = xmlDocCopyNode(n, doc, 2); /* the element and its attributes */
	if (!c) {
		L->nomem = true;
		return NULL;
	}
	static const char *const macro_attrs[] = {"test", "context", "select"};
	for (size_t i = 0; i < sizeof macro_attrs / sizeof *macro_attrs && !L->nomem; i++) {
		xmlChar *v = xmlGetNoNsProp(c, (const xmlChar *)macro_attrs[i]);
		char *e = v ? macro_expand(L, (const char *)v, caller) : NULL;
		if (e && !xmlSetProp(c, (const xmlChar *)macro_attrs[i], (const xmlChar *)e))
			L->nomem = true;
		xmlFree(v);
		cd_free(e);
	}
	for (xmlNodePtr k = n->children; k && !L->nomem; k = k->next) {
		xmlNodePtr kc = NULL;
		if (k->type == XML_TEXT_NODE) {
			char *e = macro_expand(L, (const char *)k->content, caller);
			kc = e ? xmlNewDocText(doc, (const xmlChar *)e) : NULL;
			cd_free(e);
		} else if (k->type == XML_ELEMENT_NODE) {
			kc = expand_copy(L, k, caller, doc);
		} else {
			continue;
		}
		if (!kc || !xmlAddChild(c, kc)) {
			xmlFreeNode(kc);
			L->nomem = true;
		}
	}
	return c;
}

/* Every pattern (in document order) with @id = @p id. */
static size_t patterns_with_id(xmlNodePtr root, const char *id, xmlNodePtr *out, size_t max)
{
	size_t n = 0;
	for (xmlNodePtr k = root->children; k; k = k->next)
		if (is_sch(k, "pattern") && attr_is(k, "id", id) && n < max)
			out[n++] = k;
	return n;
}

/* Replace each pattern with is-a by the abstract pattern(s) it names, made
 * concrete; drop the abstract patterns. */
static void expand_abstract(loader *L, xmlNodePtr schema)
{
	xmlNodePtr next;
	for (xmlNodePtr k = schema->children; k && !L->nomem; k = next) {
		next = k->next;
		if (!is_sch(k, "pattern"))
			continue;
		xmlChar *is_a = xmlGetNoNsProp(k, (const xmlChar *)"is-a");
		if (!is_a)
			continue;
		xmlNodePtr abstract[8];
		size_t n = patterns_with_id(schema, (const char *)is_a, abstract, 8);
		xmlChar *caller = xmlGetNoNsProp(k, (const xmlChar *)"id");
		if (!n)
			skip(L, "pattern %s: its abstract pattern %s is not declared", caller ? (char *)caller : "?",
			     (char *)is_a);
		for (size_t i = 0; i < n && !L->nomem; i++) {
			xmlNodePtr real = xmlNewDocNode(schema->doc, schema->ns, (const xmlChar *)"pattern", NULL);
			if (!real || !xmlSetProp(real, (const xmlChar *)"id", caller ? caller : is_a)) {
				xmlFreeNode(real);
				L->nomem = true;
				break;
			}
			for (xmlNodePtr c = abstract[i]->children; c && !L->nomem; c = c->next) {
				if (c->type != XML_ELEMENT_NODE)
					continue;
				xmlNodePtr e = expand_copy(L, c, k, schema->doc);
				if (!e || !xmlAddChild(real, e)) {
					xmlFreeNode(e);
					L->nomem = true;
				}
			}
			if (!L->nomem && !xmlAddPrevSibling(k, real)) {
				xmlFreeNode(real);
				L->nomem = true;
			}
		}
		xmlFree(caller);
		xmlFree(is_a);
		xmlUnlinkNode(k);
		xmlFreeNode(k);
	}
	for (xmlNodePtr k = schema->children; k; k = next) {
		next = k->next;
		if (is_sch(k, "pattern") && attr_is(k, "abstract", "true")) {
			xmlUnlinkNode(k);
			xmlFreeNode(k);
		}
	}
}

/* ---- step 3: the model ---------------------------------------------------------------------- */

/* Text content of @p n, copied. */
static char *text_of(loader *L, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *d = dup_or_oom(L, t ? (const char *)t : "");
	xmlFree(t);
	return d;
}

static int expr_attr(loader *L, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	int e = sch_add_expr(L->rs, v ? (const char *)v : "");
	xmlFree(v);
	if (e < 0)
		L->nomem = true;
	return e;
}

static bool grow(loader *L, void **arr, size_t n, size_t size)
{
	void *g = cd_realloc(*arr, (n + 1) * size);
	if (!g) {
		L->nomem = true;
		return false;
	}
	*arr = g;
	return true;
}

static void add_let(loader *L, sch_let **lets, size_t *n, xmlNodePtr k)
{
	if (!grow(L, (void **)lets, *n, sizeof **lets))
		return;
	sch_let *l = &(*lets)[(*n)++];
	l->name = attr(L, k, "name");
	l->expr = expr_attr(L, k, "value");
}

static void add_part(loader *L, sch_check *c, sch_part_kind kind, char *text, int expr)
{
	if (!grow(L, (void **)&c->parts, c->n_parts, sizeof *c->parts)) {
		cd_free(text);
		return;
	}
	c->parts[c->n_parts++] = (sch_part){kind, text, expr};
}

static void read_check(loader *L, sch_rule *r, xmlNodePtr k, bool report)
{
	if (!grow(L, (void **)&r->checks, r->n_checks, sizeof *r->checks))
		return;
	sch_check *c = &r->checks[r->n_checks++];
	memset(c, 0, sizeof *c);
	c->report = report;
	c->pos = (int)r->n_checks;
	c->flat = (unsigned)L->rs->n_checks++;
	c->test = expr_attr(L, k, "test");
	c->id = attr(L, k, "id");
	c->role = attr(L, k, "role");
	c->flag = attr(L, k, "flag");
	for (xmlNodePtr m = k->children; m && !L->nomem; m = m->next) {
		if (m->type == XML_TEXT_NODE)
			add_part(L, c, PART_TEXT, dup_or_oom(L, (const char *)m->content), -1);
		else if (is_sch(m, "value-of"))
			add_part(L, c, PART_VALUE_OF, NULL, expr_attr(L, m, "select"));
		else if (is_sch(m, "name"))
			add_part(L, c, PART_NAME, NULL, xmlHasProp(m, (const xmlChar *)"path") ? expr_attr(L, m, "path") : -1);
		else if (m->type == XML_ELEMENT_NODE)
			add_part(L, c, PART_TEXT, text_of(L, m), -1);
	}
}

static void read_rule(loader *L, sch_pattern *p, xmlNodePtr k)
{
	if (!grow(L, (void **)&p->rules, p->n_rules, sizeof *p->rules))
		return;
	sch_rule *r = &p->rules[p->n_rules++];
	memset(r, 0, sizeof *r);
	r->context = attr(L, k, "context");
	r->id = attr(L, k, "id");
	r->role = attr(L, k, "role");
	for (xmlNodePtr m = k->children; m && !L->nomem; m = m->next) {
		if (is_sch(m, "let"))
			add_let(L, &r->lets, &r->n_lets, m);
		else if (is_sch(m, "assert") || is_sch(m, "report"))
			read_check(L, r, m, is_sch(m, "report"));
	}
}

static void read_pattern(loader *L, xmlNodePtr k)
{
	cdaimg_rules *rs = L->rs;
	if (!grow(L, (void **)&rs->patterns, rs->n_patterns, sizeof *rs->patterns))
		return;
	sch_pattern *p = &rs->patterns[rs->n_patterns++];
	memset(p, 0, sizeof *p);
	p->id = attr(L, k, "id");
	for (xmlNodePtr m = k->children; m && !L->nomem; m = m->next) {
		if (is_sch(m, "let")) {
			add_let(L, &rs->globals, &rs->n_globals, m);
		} else if (is_sch(m, "p")) {
			if (grow(L, (void **)&p->texts, p->n_texts, sizeof *p->texts))
				p->texts[p->n_texts++] = text_of(L, m);
		} else if (is_sch(m, "rule") && !attr_is(m, "abstract", "true")) {
			read_rule(L, p, m);
		}
	}
}

static void read_ns(loader *L, xmlNodePtr k)
{
	cdaimg_rules *rs = L->rs;
	if (!grow(L, (void **)&rs->ns, rs->n_ns, sizeof *rs->ns))
		return;
	sch_ns *ns = &rs->ns[rs->n_ns++];
	ns->prefix = attr(L, k, "prefix");
	ns->uri = attr(L, k, "uri");
}

/* Is pattern @p id active in the phase? */
static bool active(xmlNodePtr phase, const char *id)
{
	if (!phase)
		return true;
	for (xmlNodePtr a = phase->children; a; a = a->next)
		if (is_sch(a, "active") && id && attr_is(a, "pattern", id))
			return true;
	return false;
}

static xmlNodePtr find_phase(loader *L, xmlNodePtr schema)
{
	cdaimg_rules *rs = L->rs;
	rs->phase = attr(L, schema, "defaultPhase");
	if (!rs->phase || !strcmp(rs->phase, "#ALL"))
		return NULL;
	for (xmlNodePtr k = schema->children; k; k = k->next)
		if (is_sch(k, "phase") && attr_is(k, "id", rs->phase))
			return k;
	skip(L, "phase %s: not declared; every pattern runs", rs->phase);
	return NULL;
}

/* Active patterns the phase names that no pattern declares (their include is missing). */
static void undeclared(loader *L, xmlNodePtr schema, xmlNodePtr phase)
{
	for (xmlNodePtr a = phase ? phase->children : NULL; a && !L->nomem; a = a->next) {
		if (!is_sch(a, "active"))
			continue;
		xmlChar *id = xmlGetNoNsProp(a, (const xmlChar *)"pattern");
		xmlNodePtr one;
		if (id && !patterns_with_id(schema, (const char *)id, &one, 1))
			skip(L, "pattern %s: active in phase %s but not declared (not run)", (char *)id, L->rs->phase);
		xmlFree(id);
	}
}

static void read_model(loader *L, xmlNodePtr schema)
{
	cdaimg_rules *rs = L->rs;
	rs->schema_version = attr(L, schema, "schemaVersion");
	xmlNodePtr phase = find_phase(L, schema);
	for (xmlNodePtr k = schema->children; k && !L->nomem; k = k->next) {
		if (is_sch(k, "title") && !rs->title)
			rs->title = text_of(L, k);
		else if (is_sch(k, "ns"))
			read_ns(L, k);
		else if (is_sch(k, "let"))
			add_let(L, &rs->globals, &rs->n_globals, k);
	}
	for (xmlNodePtr k = schema->children; k && !L->nomem; k = k->next) {
		if (!is_sch(k, "pattern"))
			continue;
		xmlChar *id = xmlGetNoNsProp(k, (const xmlChar *)"id");
		if (active(phase, (const char *)id))
			read_pattern(L, k);
		xmlFree(id);
	}
	undeclared(L, schema, phase);
}

cdaimg_status sch_read(cdaimg_rules *rs, diag_ctx *dc)
{
	loader L = {rs, dc, false, 0};
	xmlDocPtr doc = read_sch(&L, rs->path);
	xmlNodePtr schema = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!schema || !is_sch(schema, "schema")) {
		xmlFreeDoc(doc);
		if (L.nomem) {
			dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
			return CDAIMG_ENOMEM;
		}
		dc_err(dc, CDAIMG_D_SCHEMA_LOAD, rs->path,
		       doc ? "not an ISO Schematron schema (root element schema in " SCH_NS " expected)"
		           : "cannot read or parse the rule file");
		return doc ? CDAIMG_EPARSE : CDAIMG_EIO;
	}
	resolve_includes(&L, schema, rs->path);
	if (!L.nomem)
		expand_abstract(&L, schema);
	if (!L.nomem)
		read_model(&L, schema);
	xmlFreeDoc(doc);
	if (L.nomem) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	return CDAIMG_OK;
}
