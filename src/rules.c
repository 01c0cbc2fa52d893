/* SPDX-License-Identifier: MIT */
/* rules.c - rule sets (one Schematron file each) and the official verdict:
 * loading, what cannot run, which rule sets apply to a document. The reading
 * is sch_load.c's, the matching sch_match.c's, the evaluation sch_eval.c's. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sch.h"
#include "schema.h"
#include "validate_times.h"
#include "vocab.h"

#define ANS_ROOT "ans-schematrons"
#define OWN_ROOT "cdaimg-rules"

static const struct {
	const char *file; /* in the schemas folder */
	const char *root; /* the folder document() may read */
} kinds[] = {
	{ANS_ROOT "/schematrons/CI-SIS_IMG-CR-IMG_2024.01.sch", ANS_ROOT},
	{ANS_ROOT "/schematrons/CI-SIS_IMG-DA-IMG_2024.01.sch", ANS_ROOT},
	{ANS_ROOT "/schematrons/profils/IHE.sch", ANS_ROOT},
	{ANS_ROOT "/schematrons/profils/CI-SIS_ModelesDeContenusCDA.sch", ANS_ROOT},
	{ANS_ROOT "/schematrons/profils/CI-SIS_Modeles_ANS.sch", ANS_ROOT},
	{OWN_ROOT "/dicom-ps3-20.sch", OWN_ROOT},
	{OWN_ROOT "/ccda-dir.sch", OWN_ROOT},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* ---- a rule set ------------------------------------------------------------------------------ */

static void free_steps(sch_branch *b)
{
	for (size_t i = 0; i < b->n_steps; i++) {
		cd_free(b->steps[i].local);
		cd_free(b->steps[i].ns);
		cd_free(b->steps[i].preds);
	}
	cd_free(b->steps);
	cd_free(b->key_root);
}

static void free_rule(sch_rule *r)
{
	cd_free(r->context);
	cd_free(r->id);
	cd_free(r->role);
	for (size_t i = 0; i < r->n_branches; i++)
		free_steps(&r->branches[i]);
	cd_free(r->branches);
	for (size_t i = 0; i < r->n_lets; i++)
		cd_free(r->lets[i].name);
	cd_free(r->lets);
	for (size_t i = 0; i < r->n_checks; i++) {
		sch_check *c = &r->checks[i];
		cd_free(c->id);
		cd_free(c->role);
		cd_free(c->flag);
		for (size_t k = 0; k < c->n_parts; k++)
			cd_free(c->parts[k].text);
		cd_free(c->parts);
	}
	cd_free(r->checks);
}

static void free_doc(void *payload, const xmlChar *name)
{
	(void)name;
	xmlFreeDoc(payload);
}

void cdaimg_rules_free(cdaimg_rules *rs)
{
	if (!rs)
		return;
	for (size_t p = 0; p < rs->n_patterns; p++) {
		sch_pattern *pat = &rs->patterns[p];
		for (size_t r = 0; r < pat->n_rules; r++)
			free_rule(&pat->rules[r]);
		for (size_t t = 0; t < pat->n_texts; t++)
			cd_free(pat->texts[t]);
		cd_free(pat->texts);
		cd_free(pat->rules);
		cd_free(pat->id);
	}
	cd_free(rs->patterns);
	for (size_t i = 0; i < rs->n_globals; i++)
		cd_free(rs->globals[i].name);
	cd_free(rs->globals);
	for (size_t i = 0; i < rs->n_ns; i++) {
		cd_free(rs->ns[i].prefix);
		cd_free(rs->ns[i].uri);
	}
	cd_free(rs->ns);
	for (size_t i = 0; i < rs->n_exprs; i++) {
		cd_free(rs->exprs[i].text);
		cd_free(rs->exprs[i].why_not);
	}
	cd_free(rs->exprs);
	for (size_t i = 0; i < rs->n_skipped; i++)
		cd_free(rs->skipped[i]);
	cd_free(rs->skipped);
	sch_index_free(&rs->index);
	xmlHashFree(rs->docs, free_doc);
	pthread_mutex_destroy(&rs->docs_lock);
	cd_free(rs->path);
	cd_free(rs->name);
	cd_free(rs->base_dir);
	cd_free(rs->root_dir);
	cd_free(rs->title);
	cd_free(rs->schema_version);
	cd_free(rs->phase);
	cd_free(rs);
}

static const char *why_not(const cdaimg_rules *rs, int e) { return e >= 0 ? rs->exprs[e].why_not : NULL; }

static bool pattern_off(cdaimg_rules *rs, sch_pattern *p, const sch_rule *rule, const char *why)
{
	p->off = true;
	return sch_skip(rs, "%s: rule context \"%s\" cannot be matched (%s); the pattern does not run",
	                   p->id ? p->id : "?", rule->context ? rule->context : "", why);
}

/* Parse the rule contexts into steps. A pattern whose rule contexts cannot
 * all be matched does not run: another of its rules would take the nodes the
 * first should have. */
static bool parse_contexts(cdaimg_rules *rs, sch_pattern *p)
{
	for (size_t r = 0; r < p->n_rules && !p->off; r++) {
		char *why = NULL;
		if (!sch_parse_context(rs, &p->rules[r], &why))
			return false;
		bool ok = !why || pattern_off(rs, p, &p->rules[r], why);
		cd_free(why);
		if (!ok)
			return false;
	}
	return true;
}

/* The same for a predicate of a context that XPath 1.0 cannot evaluate. */
static bool predicates(cdaimg_rules *rs, sch_pattern *p)
{
	for (size_t r = 0; r < p->n_rules && !p->off; r++) {
		const sch_rule *rule = &p->rules[r];
		for (size_t b = 0; b < rule->n_branches; b++)
			for (size_t s = 0; s < rule->branches[b].n_steps; s++)
				for (size_t k = 0; k < rule->branches[b].steps[s].n_preds && !p->off; k++) {
					const char *w = why_not(rs, rule->branches[b].steps[s].preds[k]);
					if (w && !pattern_off(rs, p, rule, w))
						return false;
				}
	}
	return true;
}

/* The lets and checks XPath 1.0 cannot evaluate. */
static bool unrunnable(cdaimg_rules *rs, const sch_pattern *p)
{
	const char *id = p->id ? p->id : "?";
	for (size_t r = 0; r < p->n_rules && !p->off; r++) {
		const sch_rule *rule = &p->rules[r];
		const char *ctx = rule->context ? rule->context : "";
		for (size_t l = 0; l < rule->n_lets; l++) {
			const char *w = why_not(rs, rule->lets[l].expr);
			if (w && !sch_skip(rs, "%s: let $%s of the rule on %s cannot be evaluated (%s); its asserts are not",
			                      id, rule->lets[l].name ? rule->lets[l].name : "", ctx, w))
				return false;
		}
		for (size_t c = 0; c < rule->n_checks; c++) {
			const sch_check *ck = &rule->checks[c];
			const char *w = why_not(rs, ck->test);
			if (w && !sch_skip(rs, "%s: %s %d of the rule on %s cannot be evaluated: %s", id,
			                      ck->report ? "report" : "assert", ck->pos, ctx, w))
				return false;
		}
	}
	return true;
}

static bool prepare(cdaimg_rules *rs)
{
	for (size_t p = 0; p < rs->n_patterns; p++)
		if (!parse_contexts(rs, &rs->patterns[p]))
			return false;
	if (!sch_check_exprs(rs)) /* the contexts' predicates included */
		return false;
	for (size_t g = 0; g < rs->n_globals; g++) {
		const char *w = why_not(rs, rs->globals[g].expr);
		if (w && !sch_skip(rs, "let $%s cannot be evaluated: %s",
		                      rs->globals[g].name ? rs->globals[g].name : "", w))
			return false;
	}
	for (size_t p = 0; p < rs->n_patterns; p++)
		if (!predicates(rs, &rs->patterns[p]) || !unrunnable(rs, &rs->patterns[p]))
			return false;
	return sch_index_build(rs);
}

static char *real_dir(const char *path, bool parent)
{
	char real[PATH_MAX];
	if (!realpath(path, real))
		return NULL;
	char *slash = parent ? strrchr(real, '/') : NULL;
	if (slash)
		*(slash == real ? slash + 1 : slash) = '\0';
	return cd_strdup(real);
}

static cdaimg_status load_path(cdaimg_rules **out, const char *path, const char *root, diag_ctx *dc)
{
	cdaimg_global_init();
	char real[PATH_MAX];
	if (!realpath(path, real) || (root && !realpath(root, real))) {
		dc_err(dc, CDAIMG_D_SCHEMA_LOAD, path, "cannot read the rule file or its folder: %s", strerror(errno));
		return CDAIMG_EIO;
	}
	cdaimg_rules *rs = cd_calloc(1, sizeof *rs);
	if (!rs || pthread_mutex_init(&rs->docs_lock, NULL) != 0) {
		cd_free(rs);
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	rs->path = cd_strdup(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t bl = strlen(base);
	rs->name = cd_strndup(base, bl > 4 && !strcmp(base + bl - 4, ".sch") ? bl - 4 : bl);
	rs->base_dir = real_dir(path, true);
	rs->root_dir = root ? real_dir(root, false) : real_dir(path, true);
	if (!rs->path || !rs->name || !rs->base_dir || !rs->root_dir) {
		cdaimg_rules_free(rs);
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	cdaimg_status st = sch_read(rs, dc);
	if (st == CDAIMG_OK && !prepare(rs)) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		st = CDAIMG_ENOMEM;
	}
	if (st != CDAIMG_OK) {
		cdaimg_rules_free(rs);
		return st;
	}
	*out = rs;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_rules_load_file(cdaimg_rules **out, const char *path, const char *root, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, path);
	return load_path(out, path, root, &dc);
}

static cdaimg_status load_kind(cdaimg_rules **out, cdaimg_rules_kind kind, const char *dir, diag_ctx *dc)
{
	char path[4096], root[4096];
	const char *file = kinds[kind].file;
	if (!cd_find_data(file, dir, path, sizeof path)) {
		dc_err(dc, CDAIMG_D_SCHEMA_LOAD, dir ? dir : "",
		       dir ? "rule file %s not found in the folder given"
		           : "rule file %s not found (" CD_DATA_SEARCHED ")",
		       file);
		return CDAIMG_EIO;
	}
	size_t base = strlen(path) - strlen(file); /* the schemas folder it was found in */
	snprintf(root, sizeof root, "%.*s%s", (int)base, path, kinds[kind].root);
	return load_path(out, path, root, dc);
}

cdaimg_status cdaimg_rules_load(cdaimg_rules **out, cdaimg_rules_kind kind, const char *dir, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, (unsigned)kind < N_KINDS);
	return load_kind(out, kind, dir, &dc);
}

const char *cdaimg_rules_name(const cdaimg_rules *rules) { return rules ? rules->name : ""; }

size_t cdaimg_rules_pattern_count(const cdaimg_rules *rules) { return rules ? rules->n_patterns : 0; }
size_t cdaimg_rules_skipped_count(const cdaimg_rules *rules) { return rules ? rules->n_skipped : 0; }

const char *cdaimg_rules_skipped(const cdaimg_rules *rules, size_t i)
{
	return rules && i < rules->n_skipped ? rules->skipped[i] : NULL;
}

static bool node_ok(xmlNodePtr node)
{
	return node && (node->type == XML_ELEMENT_NODE ||
	                (node->type == XML_DOCUMENT_NODE && xmlDocGetRootElement((xmlDocPtr)node)));
}

cdaimg_status cdaimg_rules_check(const cdaimg_rules *rules, xmlNodePtr node, xmlDocPtr *svrl, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	if (svrl)
		*svrl = NULL;
	CD_ARG(&dc, rules);
	CD_ARG(&dc, node_ok(node));
	cdaimg_global_init();
	return sch_eval(rules, node, svrl, &dc);
}

/* ---- the official verdict --------------------------------------------------------------------- */

struct cdaimg_conformance {
	cdaimg_schema *xsd;
	cdaimg_rules *rules[N_KINDS];
};

void cdaimg_conformance_free(cdaimg_conformance *c)
{
	if (!c)
		return;
	cdaimg_schema_free(c->xsd);
	for (size_t k = 0; k < N_KINDS; k++)
		cdaimg_rules_free(c->rules[k]);
	cd_free(c);
}

cdaimg_status cdaimg_conformance_load(cdaimg_conformance **out, const char *dir, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	cdaimg_conformance *c = cd_calloc(1, sizeof *c);
	if (!c) {
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	cdaimg_status st = cdaimg_schema_load(&c->xsd, CDAIMG_SCHEMA_ANS, dir, diags);
	for (size_t k = 0; k < N_KINDS && st == CDAIMG_OK; k++)
		st = load_kind(&c->rules[k], (cdaimg_rules_kind)k, dir, &dc);
	if (st != CDAIMG_OK) {
		cdaimg_conformance_free(c);
		return st;
	}
	*out = c;
	return CDAIMG_OK;
}

static bool is_hl7(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, HL7_NS) &&
	       !strcmp((const char *)n->name, name);
}

/* Does @p n or an element under it have a templateId whose root starts with @p prefix? */
static bool has_template(const xmlNode *n, const char *prefix, bool deep)
{
	size_t pl = strlen(prefix);
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (is_hl7(k, "templateId")) {
			xmlChar *root = xmlGetNoNsProp(k, (const xmlChar *)"root");
			bool hit = root && !strncmp((const char *)root, prefix, pl);
			xmlFree(root);
			if (hit)
				return true;
		} else if (deep && has_template(k, prefix, true)) {
			return true;
		}
	}
	return false;
}

/* Is @p doc's own code the LOINC @p code? */
static bool has_code(const xmlNode *doc, const char *code)
{
	for (const xmlNode *k = doc->children; k; k = k->next) {
		if (!is_hl7(k, "code"))
			continue;
		xmlChar *c = xmlGetNoNsProp(k, (const xmlChar *)"code");
		xmlChar *sys = xmlGetNoNsProp(k, (const xmlChar *)"codeSystem");
		bool hit = c && sys && !strcmp((const char *)c, code) && !strcmp((const char *)sys, OID_LOINC);
		xmlFree(c);
		xmlFree(sys);
		return hit;
	}
	return false;
}

/* The volume of a French ClinicalDocument: by its template id, else by its
 * document type (a report without its volume's template id is still checked
 * by that volume, which then says the template id is missing); -1 for none. */
static int volume_of(const xmlNode *doc)
{
	if (!is_hl7(doc, "ClinicalDocument"))
		return -1;
	if (has_template(doc, TID_IMG_CR_IMG, false))
		return CDAIMG_RULES_IMG_CR_IMG;
	if (has_template(doc, "1.2.250.1.213.1.1.1.47", false))
		return CDAIMG_RULES_IMG_DA_IMG;
	if (has_code(doc, LOINC_IMAGING_REPORT)) /* Diagnostic imaging study: the IMG-CR-IMG report */
		return CDAIMG_RULES_IMG_CR_IMG;
	if (has_code(doc, LOINC_REQUEST)) /* the IMG-DA-IMG request */
		return CDAIMG_RULES_IMG_DA_IMG;
	return -1;
}

size_t cdaimg_conformance_rules_for(const cdaimg_conformance *c, xmlNodePtr node, const cdaimg_rules **out,
                                    size_t max)
{
	if (!c || !node_ok(node))
		return 0;
	xmlNodePtr top = node->type == XML_DOCUMENT_NODE ? xmlDocGetRootElement((xmlDocPtr)node) : node;
	cdaimg_rules_kind which[5];
	size_t n = 0;
	if (has_template(top, CISIS_ROOT, true)) {
		int volume = volume_of(top);
		if (volume >= 0)
			which[n++] = (cdaimg_rules_kind)volume;
		which[n++] = CDAIMG_RULES_IHE;
		which[n++] = CDAIMG_RULES_CISIS_MODELES;
		which[n++] = CDAIMG_RULES_ANS_MODELES;
	} else {
		which[n++] = CDAIMG_RULES_DICOM;
		which[n++] = CDAIMG_RULES_CCDA;
	}
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = c->rules[which[i]];
	return n;
}

/* Move the children of @p from's root to the end of @p into's root. */
static void svrl_append(xmlDocPtr into, xmlDocPtr from)
{
	xmlNodePtr dst = xmlDocGetRootElement(into), src = xmlDocGetRootElement(from);
	while (src && src->children) {
		xmlNodePtr k = src->children;
		xmlUnlinkNode(k);
		xmlAddChild(dst, k);
		xmlReconciliateNs(into, k);
	}
}

static cdaimg_status check(const cdaimg_conformance *c, xmlNodePtr node, bool xsd, xmlDocPtr *svrl,
                           cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	if (svrl)
		*svrl = NULL;
	CD_ARG(&dc, c);
	CD_ARG(&dc, node_ok(node));
	cdaimg_global_init();
	cdaimg_status st = xsd ? cdaimg_schema_validate_node(c->xsd, node, diags) : CDAIMG_OK;
	if (st != CDAIMG_OK && st != CDAIMG_ENONCONFORMANT)
		return st;
	const cdaimg_rules *sets[5];
	size_t n = cdaimg_conformance_rules_for(c, node, sets, 5);
	for (size_t i = 0; i < n; i++) {
		xmlDocPtr one = NULL;
		cdaimg_status r = sch_eval(sets[i], node, svrl ? &one : NULL, &dc);
		if (svrl && one && !*svrl)
			*svrl = one;
		else if (one) {
			svrl_append(*svrl, one);
			xmlFreeDoc(one);
		}
		if (r == CDAIMG_ENOMEM)
			st = r;
		else if (st == CDAIMG_OK)
			st = r;
	}
	cdaimg_status t = st == CDAIMG_ENOMEM ? st : times_check(node, &dc);
	if (st == CDAIMG_OK || t == CDAIMG_ENOMEM)
		st = t;
	if (st == CDAIMG_ENOMEM && svrl) {
		xmlFreeDoc(*svrl);
		*svrl = NULL;
	}
	return st;
}

cdaimg_status cdaimg_conformance_check(const cdaimg_conformance *c, xmlNodePtr node, xmlDocPtr *svrl,
                                       cdaimg_diags *diags)
{
	return check(c, node, true, svrl, diags);
}

cdaimg_status cdaimg_conformance_check_rules(const cdaimg_conformance *c, xmlNodePtr node, xmlDocPtr *svrl,
                                             cdaimg_diags *diags)
{
	return check(c, node, false, svrl, diags);
}
