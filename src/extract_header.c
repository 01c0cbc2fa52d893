/* SPDX-License-Identifier: MIT */
/* extract_header.c - the header of a ClinicalDocument read back into the
 * fields cdaimg_document_build takes, each from where header.c says the
 * document has it. */
#include <string.h>

#include "extract_int.h"
#include "header.h"
#include "uid.h"

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

/* The element at @p path ("a/b/c": the first HL7 child a, its first child b,
 * ...) under @p n, or NULL. */
static const xmlNode *at_path(const xmlNode *n, const char *path)
{
	char name[64];
	while (n && *path) {
		size_t len = strcspn(path, "/");
		if (len >= sizeof name)
			return NULL;
		memcpy(name, path, len);
		name[len] = '\0';
		n = x_child(n, name);
		path += len + (path[len] == '/');
	}
	return n;
}

/* The text content of @p n as written (the build writes it as given); NULL
 * when absent or blank. */
static const char *text_of(xctx *x, const xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *s = xmlNodeGetContent(n);
	if (!s) {
		x_nomem(x);
		return NULL;
	}
	bool blank = true;
	for (const xmlChar *p = s; *p && blank; p++)
		blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
	const char *d = blank ? NULL : x_dup(x, (const char *)s);
	xmlFree(s);
	return d;
}

/* The extension of the first id of @p owner under the field's root, without
 * the prefix the build writes: exactly the number the build takes back; any
 * other extension is reported and left out. */
static const char *number_of(xctx *x, const xmlNode *owner, const header_field *t)
{
	const xmlNode *id = x_child(owner, "id");
	for (; id && !x_attr_is(x, id, "root", t->root); id = x_sibling(id, "id"))
		;
	const char *v = nonempty(x_attr(x, id, "extension"));
	if (!v) {
		if (x_child(owner, "id"))
			x_diag(x, CDAIMG_SEV_WARNING, owner, "%s has no id under root %s; left out", t->label, t->root);
		return NULL;
	}
	size_t p = strlen(t->prefix);
	if (strlen(v) == p + t->plain_len && !strncmp(v, t->prefix, p) && strspn(v + p, t->chars) == t->plain_len)
		return v + p;
	char q[256];
	x_diag(x, CDAIMG_SEV_ERROR, id, "%s: %s is not %s as the build writes it (\"%s\" then %zu characters: %s); left out",
	       t->label, x_quote(x, q, v), t->what, t->prefix, t->plain_len, t->chars_name);
	return NULL;
}

/* A string field: the attribute or the text of its element, in the form the
 * build takes; a value the build would refuse is reported and left out. */
static const char *string_of(xctx *x, const xmlNode *doc, const header_field *t)
{
	const xmlNode *el = at_path(doc, t->at);
	if (t->kind == HF_NUMBER)
		return number_of(x, el, t);
	if (!t->attr)
		return text_of(x, el);
	const char *v = x_attr(x, el, t->attr);
	char why[128], q[256];
	switch (t->kind) {
	case HF_OID:
		if (v && !oid_valid(v, why, sizeof why)) {
			x_diag(x, CDAIMG_SEV_ERROR, el, "%s: %s is not an OID (%s); left out", t->label, x_quote(x, q, v), why);
			return NULL;
		}
		return v;
	case HF_DATE:
		return v ? x_ts(x, el, v) : NULL;
	case HF_GENDER:
		if (v && !gender_of_code(v)) {
			x_diag(x, CDAIMG_SEV_ERROR, el,
			       "%s is not an administrative gender the header takes (M, F or U); left out", x_quote(x, q, v));
			return NULL;
		}
		return v;
	case HF_TEXT:
	case HF_NUMBER:
	case HF_CODE:
	case HF_CODES:
		break;
	}
	return nonempty(v);
}

/* The first element t->at under @p n (depth first) with the template t->tid. */
static const xmlNode *first_templated(xctx *x, const xmlNode *n, const header_field *t)
{
	for (const xmlNode *c = n ? n->children : NULL; c && !x->dc.nomem; c = c->next) {
		if (!tg_hl7_or_none(c, NULL))
			continue;
		if (!strcmp((const char *)c->name, t->at) && x_has_template(x, c, t->tid))
			return c;
		const xmlNode *found = first_templated(x, c, t);
		if (found)
			return found;
	}
	return NULL;
}

/* A coded value of the header (CD @p el) as a CodeableConcept of one coding,
 * its system in FHIR form (a URI cdaimg knows, else urn:oid:); nothing when
 * @p el has no code (a nullFlavor). Reported and left out when the build
 * could not write it: its codeSystem is not one of the field's value set's.
 * Whether the code is in the value set is the build's to judge (opts.strict_codes). */
static void coded_of(xctx *x, const xmlNode *el, const header_field *t, cdaimg_concept *out)
{
	const char *code = nonempty(x_attr(x, el, "code")), *oid = x_attr(x, el, "codeSystem");
	char q[256];
	if (!code)
		return;
	if (!vs_system(t->vs, oid)) {
		x_diag(x, CDAIMG_SEV_ERROR, el, "%s: codeSystem %s is not a code system of %s; left out", t->label,
		       x_quote(x, q, oid ? oid : ""), t->vs_name);
		return;
	}
	const code_system *cs = cs_by_oid(oid);
	x_concept(x, out, cs && cs->uri ? cs->uri : x_cat(x, "urn:oid:", oid), code, nonempty(x_attr(x, el, "displayName")));
}

/* Is @p n an entry of the list field @p t (an FR-DICOM-Observation coded 64100-1)? */
static bool is_item(xctx *x, const xmlNode *n, const header_field *t)
{
	return tg_hl7_or_none(n, t->at) && x_has_template(x, n, t->tid) && x_attr_is(x, x_child(n, "code"), "code", t->code);
}

/* Count (@p out NULL) or read the items of @p t under @p n, from @p k on. A
 * negated one (negationInd="true") is the statement that none is known: no
 * value. */
static size_t items_of(xctx *x, const xmlNode *n, const header_field *t, cdaimg_concept *out, size_t k)
{
	for (const xmlNode *c = n ? n->children : NULL; c && !x->dc.nomem; c = c->next) {
		if (!tg_hl7_or_none(c, NULL))
			continue;
		if (!is_item(x, c, t)) {
			k = items_of(x, c, t, out, k);
			continue;
		}
		if (x_attr_is(x, c, "negationInd", "true"))
			continue;
		const xmlNode *v = x_child(c, t->attr);
		if (!nonempty(x_attr(x, v, "code"))) {
			if (!out)
				x_diag(x, CDAIMG_SEV_WARNING, c, "a contre-indication without a coded value; left out");
			continue;
		}
		if (out)
			coded_of(x, v, t, &out[k]);
		k++;
	}
	return k;
}

/* The list field @p f into @p h. */
static void read_list(xctx *x, const xmlNode *doc, hf_id f, cdaimg_document_header *h)
{
	const header_field *t = &header_fields[f];
	size_t n = items_of(x, doc, t, NULL, 0);
	cdaimg_concept *v = n ? arena_alloc(x->a, n * sizeof *v) : NULL;
	if (n && !v) {
		x_nomem(x);
		return;
	}
	items_of(x, doc, t, v, 0);
	/* a value left out (its codeSystem not the value set's) has no coding */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].n_codings)
			v[k++] = v[i];
	if (!k)
		v = NULL;
	memcpy((char *)h + t->off, &v, sizeof v);
	memcpy((char *)h + t->n_off, &k, sizeof k);
}

static void read_header(xctx *x, const xmlNode *doc, cdaimg_document_header *h)
{
	for (hf_id f = 0; f < N_HF; f++) {
		const header_field *t = &header_fields[f];
		if (t->kind == HF_CODES) {
			read_list(x, doc, f, h);
		} else if (t->kind == HF_CODE) {
			/* the first procedure: the build writes the same in each */
			const xmlNode *el = first_templated(x, doc, t);
			coded_of(x, x_child(el, t->attr), t, (cdaimg_concept *)(void *)((char *)h + t->off));
		} else {
			const char *v = string_of(x, doc, t);
			memcpy((char *)h + t->off, &v, sizeof v);
		}
	}
}

cdaimg_status cdaimg_extract_header(cdaimg_document_header **out, xmlDocPtr doc, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, doc);
	cdaimg_global_init();
	arena a = {0};
	xctx x = {.dc = dc, .a = &a, .doc = doc};
	cdaimg_document_header h = {0};
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (tg_hl7_or_none(root, "ClinicalDocument"))
		read_header(&x, root, &h);
	else
		x_diag(&x, CDAIMG_SEV_ERROR, root, "not a ClinicalDocument: only a document has a header");
	cdaimg_document_header *packed = x.dc.nomem ? NULL : header_pack(&h);
	arena_release(&a);
	if (!packed) {
		dc_err(&x.dc, CDAIMG_D_NOMEM, "", "out of memory while reading the header");
		return CDAIMG_ENOMEM;
	}
	*out = packed;
	return x.dc.errors ? CDAIMG_EINVALID : CDAIMG_OK;
}
