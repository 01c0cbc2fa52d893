/* SPDX-License-Identifier: MIT */
/* validate_xsd.c - XML Schema validation with a schema handle loaded once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drive.h"
#include "schema.h"
#include "target.h"
#include "xsd_load.h"

typedef struct collector {
	diag_ctx *dc;
	cdaimg_diag_code code;
	bool keep_warnings;
	const char *strip; /* path prefix to remove (entry validation) */
} collector;

static void collect(void *ud, CD_XMLERROR *err)
{
	collector *c = ud;
	if (err->level == XML_ERR_WARNING && !c->keep_warnings)
		return;
	if (err->code == XML_ERR_NO_MEMORY) {
		dc_err(c->dc, CDAIMG_D_NOMEM, "", "out of memory");
		return;
	}
	char *path = NULL;
	if (err->node && ((const xmlNode *)err->node)->type == XML_ELEMENT_NODE)
		path = cdaimg_node_path((const xmlNode *)err->node);
	const char *shown = path ? path : (err->file ? err->file : "");
	size_t sl = c->strip ? strlen(c->strip) : 0;
	if (path && sl && !strncmp(path, c->strip, sl) && path[sl] == '/')
		shown = path + sl;
	char msg[1024];
	one_line(msg, sizeof msg, err->message ? err->message : "schema error");
	dc_add(c->dc, err->level == XML_ERR_WARNING ? CDAIMG_SEV_WARNING : CDAIMG_SEV_ERROR, c->code, shown,
	       err->line, NULL, "%s", msg);
	cd_free(path);
}

static const char *const entry_files[] = {
	"ans-cda-extended/CDA_extended.xsd",
	"hl7-cda-r2/infrastructure/cda/CDA.xsd",
	"hl7-cda-r2-sdtc/infrastructure/cda/CDA_SDTC.xsd",
};

cdaimg_status cdaimg_schema_load_file(cdaimg_schema **out, const char *xsd_path, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, xsd_path);
	cdaimg_global_init();
	if (access(xsd_path, R_OK) != 0) {
		dc_err(&dc, CDAIMG_D_SCHEMA_LOAD, xsd_path, "cannot read the schema: %s", strerror(errno));
		return CDAIMG_EIO;
	}
	cdaimg_schema *s = cd_calloc(1, sizeof *s);
	xmlSchemaParserCtxtPtr pc = s ? xmlSchemaNewParserCtxt(xsd_path) : NULL;
	if (!pc) {
		cd_free(s);
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	/* local files only, no entity (xsd_load.c): an include or import from
	 * the network is refused, and so is the schema */
	xsd_guard g;
	if (!xsd_guard_begin(&g, &dc)) {
		xmlSchemaFreeParserCtxt(pc);
		cd_free(s);
		return CDAIMG_EPARSE;
	}
	collector col = {&dc, CDAIMG_D_SCHEMA_LOAD, false, NULL};
	xmlSchemaSetParserStructuredErrors(pc, collect, &col);
	s->xsd = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (xsd_guard_end(&g) || dc.nomem) {
		xmlSchemaFree(s->xsd); /* libxml2 skips an import it could not read */
		s->xsd = NULL;
	}
	if (!s->xsd) {
		cd_free(s);
		if (dc.nomem)
			return CDAIMG_ENOMEM;
		if (!dc.errors)
			dc_err(&dc, CDAIMG_D_SCHEMA_LOAD, xsd_path, "the schema could not be loaded");
		return CDAIMG_EPARSE;
	}
	*out = s;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_schema_load(cdaimg_schema **out, cdaimg_schema_kind kind, const char *dir, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, (unsigned)kind <= CDAIMG_SCHEMA_HL7_SDTC);
	char path[4096];
	if (!cd_find_data(entry_files[kind], dir, path, sizeof path)) {
		if (dir)
			dc_err(&dc, CDAIMG_D_SCHEMA_LOAD, dir, "schema %s not found in the folder given", entry_files[kind]);
		else
			dc_err(&dc, CDAIMG_D_SCHEMA_LOAD, "", "schema %s not found (" CD_DATA_SEARCHED ")",
			       entry_files[kind]);
		return CDAIMG_EIO;
	}
	return cdaimg_schema_load_file(out, path, diags);
}

void cdaimg_schema_free(cdaimg_schema *schema)
{
	if (!schema)
		return;
	xmlSchemaFree(schema->xsd);
	cd_free(schema);
}

static cdaimg_status validate(const cdaimg_schema *schema, xmlDocPtr doc, diag_ctx *dc, const char *strip)
{
	/* The validator raises its allocation failures without its context (F10):
	 * they reach neither collect() nor, once later errors follow, libxml2's
	 * last error. The validation is then EINTERNAL, ENOTVALID or even OK. */
	nomem_watch w;
	nomem_watch_start(&w);
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema->xsd);
	int rc = -1;
	if (vc) {
		collector col = {dc, CDAIMG_D_SCHEMA, false, strip};
		xmlSchemaSetValidStructuredErrors(vc, collect, &col);
		rc = xmlSchemaValidateDoc(vc, doc);
		xmlSchemaFreeValidCtxt(vc);
	}
	if ((nomem_watch_end(&w) || !vc) && !dc->nomem)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
	if (dc->nomem)
		return CDAIMG_ENOMEM;
	if (rc < 0) {
		dc_err(dc, CDAIMG_D_INTERNAL, "", "libxml2 could not run the validation");
		return CDAIMG_EINTERNAL;
	}
	if (rc > 0 && !dc->errors)
		dc_err(dc, CDAIMG_D_SCHEMA, "", "the document is not valid against the schema");
	return rc ? CDAIMG_ENONCONFORMANT : CDAIMG_OK;
}

cdaimg_status cdaimg_schema_validate_doc(const cdaimg_schema *schema, xmlDocPtr doc, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, schema && doc);
	return validate(schema, doc, &dc, NULL);
}

cdaimg_status cdaimg_schema_validate_entry(const cdaimg_schema *schema, xmlNodePtr entry, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, schema && entry && entry->type == XML_ELEMENT_NODE);
	/* the entry copied into the smallest ClinicalDocument the CDA schemas accept */
	xmlNodePtr slot = NULL;
	xmlDocPtr doc = min_document_new(&slot);
	xmlNodePtr copy = doc ? xmlDocCopyNode(entry, doc, 1) : NULL;
	if (!copy) {
		xmlFreeDoc(doc);
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	const char *strip;
	if (!strcmp((const char *)entry->name, "section")) {
		xmlNodePtr section = slot->parent;
		xmlReplaceNode(section, copy);
		xmlFreeNode(section);
		strip = "/ClinicalDocument/component/structuredBody/component";
	} else {
		xmlAddChild(slot, copy);
		strip = "/ClinicalDocument/component/structuredBody/component/section/entry";
	}
	cdaimg_status st = validate(schema, doc, &dc, strip);
	xmlFreeDoc(doc);
	return st;
}

cdaimg_status cdaimg_schema_validate_file(const cdaimg_schema *schema, const char *path, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, schema && path);
	char *data;
	size_t len;
	cdaimg_status st = read_file_all(path, &data, &len, &dc);
	if (st != CDAIMG_OK)
		return st;
	xmlDocPtr doc;
	st = doc_parse(&doc, data, len, path, &dc);
	cd_free(data);
	if (st != CDAIMG_OK)
		return st;
	st = validate(schema, doc, &dc, NULL);
	xmlFreeDoc(doc);
	return st;
}

cdaimg_status cdaimg_schema_validate_node(const cdaimg_schema *schema, xmlNodePtr node, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, schema && node);
	if (node->type == XML_ELEMENT_NODE)
		return cdaimg_schema_validate_entry(schema, node, diags);
	CD_ARG(&dc, node->type == XML_DOCUMENT_NODE);
	xmlDocPtr doc = (xmlDocPtr)node;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || tg_hl7(root, "ClinicalDocument"))
		return cdaimg_schema_validate_doc(schema, doc, diags);
	if (tg_hl7(root, NULL))
		return cdaimg_schema_validate_entry(schema, root, diags);
	if (root->ns || strcmp((const char *)root->name, "entries") != 0)
		return cdaimg_schema_validate_doc(schema, doc, diags);
	cdaimg_status st = CDAIMG_OK;
	size_t n = 0;
	for (xmlNodePtr k = root->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		n++;
		cdaimg_status s = cdaimg_schema_validate_entry(schema, k, diags);
		if (st == CDAIMG_OK || s == CDAIMG_ENOMEM)
			st = s;
	}
	if (!n) {
		/* nothing checked is not a verdict: `cdaimg build` never writes an empty list */
		dc_add(&dc, CDAIMG_SEV_ERROR, CDAIMG_D_SCHEMA, "/entries", xmlGetLineNo(root), NULL,
		       "no entry: the <entries> list holds no element to validate");
		return dc.nomem ? CDAIMG_ENOMEM : CDAIMG_ENONCONFORMANT;
	}
	return st;
}
