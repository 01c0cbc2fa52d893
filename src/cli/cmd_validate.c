/* SPDX-License-Identifier: MIT */
/* cmd_validate.c - cdaimg validate: the official verdict (XML Schema and the
 * ANS rules) on CDA files. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct validate_args {
	const char *schema; /* ans, hl7, hl7-sdtc or a path */
	const char *rules;  /* NULL: the rule sets that apply; else a Schematron file */
	const char *rules_root; /* the folder document() may read for --rules */
	const char *svrl;   /* write the SVRL report there */
	const char *report; /* write the HTML report there */
	bool no_rules;
	bool stream; /* schema only, while reading (no tree) */
	bool info;   /* list the rule sets and what cannot run */
	char **files;
	size_t n_files;
} validate_args;

enum { O_SCHEMA = 1, O_NO_RULES, O_STREAM, O_RULES, O_RULES_ROOT, O_SVRL, O_INFO, O_REPORT };

static const cli_opt validate_opts[] = {
	{O_SCHEMA, 0, "schema", "ans|hl7|hl7-sdtc|PATH"},
	{O_RULES, 0, "rules", "FILE.sch"},
	{O_RULES_ROOT, 0, "rules-root", "DIR"},
	{O_NO_RULES, 0, "no-rules", NULL},
	{O_SVRL, 0, "svrl", "FILE"},
	{O_REPORT, 0, "report", "OUT.html"},
	{O_STREAM, 0, "stream", NULL},
	{O_INFO, 0, "rules-info", NULL},
	{0, 0, NULL, NULL},
};

static void validate_help(cli *c)
{
	fputs("Usage: cdaimg validate [--schema ans|hl7|hl7-sdtc|PATH] [--rules FILE.sch | --no-rules]\n"
	      "                       [--svrl FILE] [--report OUT.html] [--stream] FILE...\n"
	      "       cdaimg validate --rules-info\n"
	      "\n"
	      "The official verdict on CDA files ('-': standard input): the XML Schema, then the\n"
	      "ANS conformance rules (the ANS Schematron files themselves, evaluated here):\n"
	      "  - an IMG-CR-IMG document (template 1.2.250.1.213.1.1.1.45): the volume\n"
	      "    CI-SIS_IMG-CR-IMG_2024.01 and the ANS profiles IHE, CI-SIS_ModelesDeContenusCDA\n"
	      "    and CI-SIS_Modeles_ANS (IMG-DA-IMG, 1.2.250.1.213.1.1.1.47: its own volume);\n"
	      "  - an entry, a section, or the <entries> list 'cdaimg build' writes: the\n"
	      "    profiles (their entry and section patterns), the schema inside a minimal document;\n"
	      "  - a document or entry without French template ids: cdaimg's DICOM PS3.20 and\n"
	      "    C-CDA DIR rules.\n"
	      "The times of the imaging entries must also be dates that exist (the schema\n"
	      "takes 20241399).\n"
	      "  --schema ans       the ANS extended CDA schema (default; French documents)\n"
	      "  --schema hl7       the HL7 CDA R2 normative schema\n"
	      "  --schema hl7-sdtc  HL7 CDA R2 with the SDTC extensions\n"
	      "  --schema PATH      any XSD file\n"
	      "  --rules FILE.sch   this ISO Schematron file instead of the rule sets that apply\n"
	      "  --rules-root DIR   the folder whose files its document() may read (default: the\n"
	      "                     folder above FILE.sch's, as in the ANS repository's layout)\n"
	      "  --no-rules         XML Schema only\n"
	      "  --svrl FILE        write the rules' SVRL report (one FILE to validate)\n"
	      "  --report OUT.html  write a report to read in a browser (one FILE): the verdict,\n"
	      "                     each problem with its rule, message and line, and the\n"
	      "                     document rendered beside it, the places of the problems marked\n"
	      "  --stream           XML Schema only (implies --no-rules), validated while reading,\n"
	      "                     without building a tree: memory stays flat for huge files.\n"
	      "                     Each file must hold a whole ClinicalDocument.\n"
	      "  --rules-info       list the rule sets and what of them cannot run here\n"
	      "  --diagnostics text|json  problems as text lines or JSON lines (see cdaimg(1))\n"
	      "\n"
	      "Prints one line per problem (FILE:LINE: PATH: message [code RULE]) and a verdict\n"
	      "per file (FILE: valid ...) on standard error (--rules-info: on standard output).\n"
	      "A failed assert names its pattern (RULE); one that could not be evaluated is a\n"
	      "warning, never a pass. See docs/validation.md.\n"
	      "Exit status: 0 all valid; 1 a file is not valid; 2 usage error; 3 input/output error.\n",
	      c->out);
}

/* One of the schema names --schema takes (anything else is a path). */
static bool known_schema(const char *name)
{
	return !strcmp(name, "ans") || !strcmp(name, "hl7") || !strcmp(name, "hl7-sdtc");
}

static int check_args(cli *c, validate_args *v)
{
	if (v->info)
		return -1;
	if (v->n_files == 0)
		return cli_usage(c, "at least one file to validate is needed");
	if (v->svrl && v->n_files != 1)
		return cli_usage(c, "--svrl writes the report of one file; %zu files given", v->n_files);
	if (v->report && v->n_files != 1)
		return cli_usage(c, "--report writes the report of one file; %zu files given", v->n_files);
	if (v->report && v->stream)
		return cli_usage(c, "--report shows the document: it cannot go with --stream");
	if (v->svrl && (v->no_rules || v->stream))
		return cli_usage(c, "--svrl needs the rules; it cannot go with --no-rules or --stream");
	if (v->rules && (v->no_rules || v->stream))
		return cli_usage(c, "--rules cannot go with --no-rules or --stream");
	if (v->rules_root && !v->rules)
		return cli_usage(c, "--rules-root goes with --rules");
	return -1;
}

static int parse_args(cli *c, int argc, char **argv, validate_args *v)
{
	cli_args a;
	cli_args_init(&a, argc, argv);
	v->files = calloc((size_t)argc, sizeof *v->files);
	if (!v->files) {
		cli_error(c, NULL, CDAIMG_D_NOMEM, "out of memory");
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
		else if (id == O_RULES)
			v->rules = a.value;
		else if (id == O_RULES_ROOT)
			v->rules_root = a.value;
		else if (id == O_SVRL)
			v->svrl = a.value;
		else if (id == O_REPORT)
			v->report = a.value;
		else if (id == O_NO_RULES)
			v->no_rules = true;
		else if (id == O_STREAM)
			v->stream = v->no_rules = true;
		else if (id == O_INFO)
			v->info = true;
		else
			v->files[v->n_files++] = (char *)a.value;
	}
	return check_args(c, v);
}

/* What the files are checked with: a schema, the rule sets (or one file's). */
typedef struct checker {
	cdaimg_schema *xsd;
	cdaimg_conformance *official;
	cdaimg_rules *own; /* --rules */
} checker;

/* @p file: the schema or rules file, NULL for the ones cdaimg has (--schema ans). */
static int load_failed(cli *c, const char *what, const char *file, cdaimg_status st, cdaimg_diags *d)
{
	cli_error(c, file, CDAIMG_D_SCHEMA_LOAD, "cannot load %s: %s", what, cdaimg_status_name(st));
	cli_diags(c, file, d);
	return CLI_IO;
}

/* The folder above @p sch's: "." for "x.sch", ".." for "dir/x.sch" (caller frees). */
static char *default_root(const char *sch)
{
	const char *slash = strrchr(sch, '/');
	size_t n = slash ? (size_t)(slash - sch) : 0;
	char *root = malloc(n + 4);
	if (root)
		snprintf(root, n + 4, "%.*s%s", (int)n, sch, n ? "/.." : "..");
	return root;
}

static int load(cli *c, const validate_args *v, checker *k)
{
	cdaimg_diags *d = cdaimg_diags_new();
	const char *name = v->schema ? v->schema : "ans";
	cdaimg_status st;
	if (!strcmp(name, "ans"))
		st = cdaimg_schema_load(&k->xsd, CDAIMG_SCHEMA_ANS, NULL, d);
	else if (!strcmp(name, "hl7"))
		st = cdaimg_schema_load(&k->xsd, CDAIMG_SCHEMA_HL7, NULL, d);
	else if (!strcmp(name, "hl7-sdtc"))
		st = cdaimg_schema_load(&k->xsd, CDAIMG_SCHEMA_HL7_SDTC, NULL, d);
	else
		st = cdaimg_schema_load_file(&k->xsd, name, d);
	char what[32];
	snprintf(what, sizeof what, "the schema %s", name);
	int rc = CLI_OK;
	if (st != CDAIMG_OK) /* a schema of cdaimg's is no file of the user's */
		rc = known_schema(name) ? load_failed(c, what, NULL, st, d) : load_failed(c, "the schema", name, st, d);
	if (rc == CLI_OK && v->rules) {
		char *root = v->rules_root ? NULL : default_root(v->rules);
		st = cdaimg_rules_load_file(&k->own, v->rules, v->rules_root ? v->rules_root : root, d);
		free(root);
		rc = st == CDAIMG_OK ? CLI_OK : load_failed(c, "the rules", v->rules, st, d);
	} else if (rc == CLI_OK && !v->no_rules && !v->info) {
		st = cdaimg_conformance_load(&k->official, NULL, d);
		rc = st == CDAIMG_OK ? CLI_OK : load_failed(c, "the ANS rules", NULL, st, d);
	}
	cdaimg_diags_free(d);
	return rc;
}

static void checker_free(checker *k)
{
	cdaimg_schema_free(k->xsd);
	cdaimg_conformance_free(k->official);
	cdaimg_rules_free(k->own);
}

static cdaimg_status read_doc(cli *c, const char *path, xmlDocPtr *doc, cdaimg_diags *d)
{
	int kind = strcmp(path, "-") ? cli_input_kind(c, path) : 1;
	if (kind < 0)
		return CDAIMG_EIO;
	if (kind == 0 || kind == 2)
		return cdaimg_doc_read_file(doc, path, d);
	char *data = NULL;
	size_t len = 0;
	if (cli_read(c, path, &data, &len) != CLI_OK)
		return CDAIMG_EIO;
	cdaimg_status st = cdaimg_doc_read_memory(doc, data, len, path, d);
	free(data);
	return st;
}

/* The rule sets' names, for the summary. */
static void rules_used(const checker *k, xmlDocPtr doc, char *out, size_t n)
{
	const cdaimg_rules *sets[8];
	size_t m = k->own ? 1 : cdaimg_conformance_rules_for(k->official, (xmlNodePtr)doc, sets, 8);
	if (k->own)
		sets[0] = k->own;
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < m && i < 8 && used < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", cdaimg_rules_name(sets[i]));
}

static void summary(cli *c, const char *name, const cdaimg_diags *d, cdaimg_status st, const char *schema,
                    const char *rules)
{
	size_t errors = cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR);
	size_t warnings = cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING) - errors;
	char more[64] = "";
	if (warnings)
		snprintf(more, sizeof more, ", %zu warning%s", warnings, warnings == 1 ? "" : "s");
	if (st == CDAIMG_OK)
		cli_verdict(c, name, "valid (schema %s%s%s)%s", schema, rules[0] ? "; rules " : "", rules, more);
	else if (st == CDAIMG_EPARSE && !cli_only_empty(d))
		cli_verdict(c, name, "not well-formed XML%s", more);
	else if (st != CDAIMG_EPARSE)
		cli_verdict(c, name, "not valid: %zu error%s%s", errors, errors == 1 ? "" : "s", more);
}

/* Schema, then rules, on a parsed document; the SVRL report into *svrl when asked. */
static cdaimg_status check_doc(const checker *k, xmlDocPtr doc, xmlDocPtr *svrl, cdaimg_diags *d)
{
	cdaimg_status st = cdaimg_schema_validate_node(k->xsd, (xmlNodePtr)doc, d);
	if (st != CDAIMG_OK && st != CDAIMG_ENONCONFORMANT)
		return st;
	cdaimg_status r = CDAIMG_OK;
	if (k->own)
		r = cdaimg_rules_check(k->own, (xmlNodePtr)doc, svrl, d);
	else if (k->official)
		r = cdaimg_conformance_check_rules(k->official, (xmlNodePtr)doc, svrl, d);
	return st == CDAIMG_OK || r == CDAIMG_ENOMEM ? r : st;
}

/* The HTML report of one file: the verdict, the findings, the document. */
static int write_report(cli *c, const char *path, xmlDocPtr doc, const char *name, cdaimg_status st,
                        const cdaimg_diags *found)
{
	char *html = NULL;
	size_t len = 0;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status r = d ? cdaimg_render_report_html(&html, &len, (xmlNodePtr)doc, name, st, found, d)
	                    : CDAIMG_ENOMEM;
	int rc = CLI_OK;
	if (r != CDAIMG_OK) {
		cli_status_error(c, cli_out_name(path), r);
		rc = CLI_IO;
	} else {
		rc = cli_write(c, path, html, len);
	}
	cdaimg_free(html);
	cdaimg_diags_free(d);
	return rc;
}

static int validate_file(cli *c, const checker *k, const char *path, const validate_args *v)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL, svrl = NULL;
	const char *name = cli_name(path);
	char rules[512] = "";
	int rc;
	if (!d) {
		cli_error(c, NULL, CDAIMG_D_NOMEM, "out of memory");
		return CLI_IO;
	}
	cdaimg_status st;
	if (v->stream)
		st = strcmp(path, "-") ? cdaimg_schema_validate_stream_file(k->xsd, path, d)
		                       : cdaimg_schema_validate_stream_fd(k->xsd, fileno(stdin), "-", d);
	else
		st = read_doc(c, path, &doc, d);
	if (st == CDAIMG_EIO || st == CDAIMG_ENOMEM) {
		/* the library's diagnostics say what failed (or cli_read did, when it read the input) */
		if (st == CDAIMG_ENOMEM && !cdaimg_diags_count(d))
			cli_status_error(c, name, st);
		cli_diags(c, name, d);
		rc = CLI_IO;
		goto done;
	}
	if (st == CDAIMG_OK && !v->stream) {
		st = check_doc(k, doc, v->svrl ? &svrl : NULL, d);
		if (!v->no_rules)
			rules_used(k, doc, rules, sizeof rules);
	}
	cli_diags(c, name, d);
	summary(c, name, d, st, v->schema ? v->schema : "ans", rules);
	rc = cli_exit_of(st);
	if (svrl && rc != CLI_IO) {
		int w = cli_write_doc(c, v->svrl, svrl);
		rc = w > rc ? w : rc;
	}
	if (v->report && rc != CLI_IO) {
		int w = write_report(c, v->report, doc, name, st, d);
		rc = w > rc ? w : rc;
	}
done:
	xmlFreeDoc(svrl);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return rc;
}

static void rules_info(cli *c, const checker *k)
{
	static const cdaimg_rules_kind all[] = {CDAIMG_RULES_IMG_CR_IMG, CDAIMG_RULES_IMG_DA_IMG,
	                                        CDAIMG_RULES_IHE,        CDAIMG_RULES_CISIS_MODELES,
	                                        CDAIMG_RULES_ANS_MODELES, CDAIMG_RULES_DICOM,
	                                        CDAIMG_RULES_CCDA};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		cdaimg_rules *r = NULL;
		if (k->own)
			r = k->own;
		else if (cdaimg_rules_load(&r, all[i], NULL, NULL) != CDAIMG_OK)
			continue;
		size_t n = cdaimg_rules_skipped_count(r);
		fprintf(c->out, "%s: %zu patterns; %zu cannot run here%s\n", cdaimg_rules_name(r),
		        cdaimg_rules_pattern_count(r), n, n ? ":" : "");
		for (size_t s = 0; s < n; s++)
			fprintf(c->out, "  %s\n", cdaimg_rules_skipped(r, s));
		if (k->own)
			break;
		cdaimg_rules_free(r);
	}
}

int cli_cmd_validate(cli *c, int argc, char **argv)
{
	validate_args v = {0};
	checker k = {0};
	int rc = parse_args(c, argc, argv, &v);
	if (rc >= 0)
		goto done;
	if ((rc = load(c, &v, &k)) != CLI_OK)
		goto done;
	if (v.info) {
		rules_info(c, &k);
		goto done;
	}
	for (size_t i = 0; i < v.n_files; i++) {
		int r = validate_file(c, &k, v.files[i], &v);
		if (r > rc)
			rc = r;
		cli_progress(c, "validated", i + 1, v.n_files);
	}
done:
	checker_free(&k);
	free(v.files);
	return rc;
}
