/* cmd_validate.c - cdaimg validate: XML Schema (and template rules) on CDA files. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include <cdaimg/rules.h>

#define HL7_NS "urn:hl7-org:v3"

typedef struct validate_args {
	const char *schema; /* ans, hl7, hl7-sdtc or a path */
	bool rules;
	bool stream; /* schema only, while reading (no tree) */
	char **files;
	size_t n_files;
} validate_args;

enum { O_SCHEMA = 1, O_NO_RULES, O_STREAM };

static const cli_opt validate_opts[] = {
	{O_SCHEMA, 0, "schema", "ans|hl7|hl7-sdtc|PATH"},
	{O_NO_RULES, 0, "no-rules", NULL},
	{O_STREAM, 0, "stream", NULL},
	{0, 0, NULL, NULL},
};

static void validate_help(cli *c)
{
	fputs("Usage: cdaimg validate [--schema ans|hl7|hl7-sdtc|PATH] [--no-rules] [--stream] FILE...\n"
	      "\n"
	      "Validate CDA files ('-': standard input) against an XML Schema, then against the\n"
	      "template rules of the imaging entries, whose times must also be dates that\n"
	      "exist (the schema takes 20241399). A file may hold a ClinicalDocument, one\n"
	      "entry (act, observation or section: checked inside a minimal document), or the\n"
	      "<entries> list that 'cdaimg build' writes for an array.\n"
	      "  --schema ans       the ANS extended CDA schema (default; French documents)\n"
	      "  --schema hl7       the HL7 CDA R2 normative schema\n"
	      "  --schema hl7-sdtc  HL7 CDA R2 with the SDTC extensions\n"
	      "  --schema PATH      any XSD file\n"
	      "  --no-rules         XML Schema only\n"
	      "  --stream           XML Schema only (implies --no-rules), validated while reading,\n"
	      "                     without building a tree: memory stays flat for huge files.\n"
	      "                     Each file must hold a whole ClinicalDocument.\n"
	      "\n"
	      "Prints one line per problem (FILE:LINE: PATH: message [code]) and a summary per\n"
	      "file on standard output.\n"
	      "Exit status: 0 all valid; 1 a file is not valid; 2 usage error; 3 input/output error.\n",
	      c->out);
}

/* One of the schema names --schema takes (anything else is a path). */
static bool known_schema(const char *name)
{
	return !strcmp(name, "ans") || !strcmp(name, "hl7") || !strcmp(name, "hl7-sdtc");
}

static int parse_args(cli *c, int argc, char **argv, validate_args *v)
{
	cli_args a;
	cli_args_init(&a, argc, argv);
	v->files = calloc((size_t)argc, sizeof *v->files);
	if (!v->files) {
		cli_msg(c, "out of memory");
		return CLI_IO;
	}
	for (int id; (id = cli_next(c, &a, validate_opts, validate_help)) != OPT_END;) {
		if (id == OPT_EXIT)
			return CLI_OK;
		if (id == OPT_ERROR)
			return CLI_USAGE;
		if (id == O_SCHEMA && !known_schema(a.value) && !strchr(a.value, '/') && access(a.value, F_OK) != 0)
			return cli_usage(c, "--schema takes ans, hl7, hl7-sdtc or the path of an XSD file, not '%s'",
			                 a.value);
		if (id == O_SCHEMA)
			v->schema = a.value;
		else if (id == O_NO_RULES)
			v->rules = false;
		else if (id == O_STREAM)
			v->stream = true, v->rules = false;
		else
			v->files[v->n_files++] = (char *)a.value;
	}
	if (v->n_files == 0)
		return cli_usage(c, "at least one file to validate is needed");
	return -1;
}

static int load_schema(cli *c, const char *name, cdaimg_schema **out)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status st;
	if (!name || !strcmp(name, "ans"))
		st = cdaimg_schema_load(out, CDAIMG_SCHEMA_ANS, NULL, d);
	else if (!strcmp(name, "hl7"))
		st = cdaimg_schema_load(out, CDAIMG_SCHEMA_HL7, NULL, d);
	else if (!strcmp(name, "hl7-sdtc"))
		st = cdaimg_schema_load(out, CDAIMG_SCHEMA_HL7_SDTC, NULL, d);
	else
		st = cdaimg_schema_load_file(out, name, d);
	if (st != CDAIMG_OK) {
		cli_msg(c, "cannot load the schema %s: %s", name ? name : "ans", cdaimg_status_str(st));
		cli_print_diags(c, c->err, d, CDAIMG_SEV_WARNING, NULL);
	}
	cdaimg_diags_free(d);
	return st == CDAIMG_OK ? CLI_OK : CLI_IO;
}

static bool is_hl7(const xmlNode *n) { return n->ns && !strcmp((const char *)n->ns->href, HL7_NS); }

/* Whole document, one entry, or the <entries> list of `cdaimg build`. */
static cdaimg_status validate_root(const cdaimg_schema *xsd, xmlDocPtr doc, cdaimg_diags *d)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || (is_hl7(root) && !strcmp((const char *)root->name, "ClinicalDocument")))
		return cdaimg_schema_validate_doc(xsd, doc, d);
	if (is_hl7(root))
		return cdaimg_schema_validate_entry(xsd, root, d);
	if (root->ns || strcmp((const char *)root->name, "entries") != 0)
		return cdaimg_schema_validate_doc(xsd, doc, d);
	cdaimg_status st = CDAIMG_OK;
	for (xmlNodePtr k = root->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		cdaimg_status s = cdaimg_schema_validate_entry(xsd, k, d);
		if (st == CDAIMG_OK || s == CDAIMG_ENOMEM)
			st = s;
	}
	return st;
}

static const bool have_rules = true;
static cdaimg_status check_rules(xmlDocPtr doc, cdaimg_diags *d) { return cdaimg_rules_check(doc, d); }

static cdaimg_status read_doc(cli *c, const char *path, xmlDocPtr *doc, cdaimg_diags *d)
{
	if (strcmp(path, "-") != 0)
		return cdaimg_doc_read_file(doc, path, d);
	char *data = NULL;
	size_t len = 0;
	if (cli_read(c, path, &data, &len) != CLI_OK)
		return CDAIMG_EIO;
	cdaimg_status st = cdaimg_doc_read_memory(doc, data, len, "-", d);
	free(data);
	return st;
}

static void summary(cli *c, const char *name, const cdaimg_diags *d, cdaimg_status st, const validate_args *v)
{
	size_t errors = cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR);
	size_t warnings = cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING) - errors;
	if (st == CDAIMG_OK)
		fprintf(c->out, "%s: valid (schema %s%s)", name, v->schema ? v->schema : "ans",
		        v->rules && have_rules ? ", template rules" : "");
	else if (st == CDAIMG_EPARSE)
		fprintf(c->out, "%s: not well-formed XML", name);
	else
		fprintf(c->out, "%s: not valid: %zu error%s", name, errors, errors == 1 ? "" : "s");
	if (warnings)
		fprintf(c->out, ", %zu warning%s", warnings, warnings == 1 ? "" : "s");
	fputc('\n', c->out);
}

static int validate_file(cli *c, const cdaimg_schema *xsd, const char *path, const validate_args *v)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	const char *name = cli_name(path);
	int rc;
	if (!d) {
		cli_msg(c, "out of memory");
		return CLI_IO;
	}
	cdaimg_status st;
	if (v->stream)
		st = strcmp(path, "-") ? cdaimg_schema_validate_stream_file(xsd, path, d)
		                       : cdaimg_schema_validate_stream_fd(xsd, fileno(stdin), "-", d);
	else
		st = read_doc(c, path, &doc, d);
	if (st == CDAIMG_EIO || st == CDAIMG_ENOMEM) {
		if (cdaimg_diags_count(d))
			cli_msg(c, "cannot read %s", name);
		cli_print_diags(c, c->err, d, CDAIMG_SEV_WARNING, NULL);
		rc = CLI_IO;
		goto done;
	}
	if (st == CDAIMG_OK && !v->stream)
		st = validate_root(xsd, doc, d);
	if (v->rules && have_rules && (st == CDAIMG_OK || st == CDAIMG_ENOTVALID)) {
		cdaimg_status r = check_rules(doc, d);
		if (st == CDAIMG_OK)
			st = r;
	}
	cli_print_diags(c, c->out, d, CDAIMG_SEV_WARNING, name);
	summary(c, name, d, st, v);
	rc = cli_exit_of(st);
done:
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return rc;
}

int cli_cmd_validate(cli *c, int argc, char **argv)
{
	validate_args v = {NULL, true, false, NULL, 0};
	cdaimg_schema *xsd = NULL;
	int rc = parse_args(c, argc, argv, &v);
	if (rc >= 0)
		goto done;
	if ((rc = load_schema(c, v.schema, &xsd)) != CLI_OK)
		goto done;
	for (size_t i = 0; i < v.n_files; i++) {
		int r = validate_file(c, xsd, v.files[i], &v);
		if (r > rc)
			rc = r;
		cli_progress(c, "validated", i + 1, v.n_files);
	}
done:
	cdaimg_schema_free(xsd);
	free(v.files);
	return rc;
}
