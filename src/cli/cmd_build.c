/* SPDX-License-Identifier: MIT */
/* cmd_build.c - cdaimg build: JSON input to a CDA entry, section or document. */
#include <stdlib.h>
#include <string.h>

#include "cli_build.h"

enum { O_AS = 1, O_OUTPUT, O_STRICT, O_LAX_CODES, O_PROFILE, O_HEADER, O_SAMPLE_HEADER, O_INTO,
       O_FROM, O_BASE, O_LINK, O_TIMEZONE, O_INSTANCE, O_VALUES_OUT };

static const cli_opt build_opts[] = {
	{O_AS, 0, "as", "entry|section|document"},
	{O_OUTPUT, 'o', "output", "FILE"},
	{O_STRICT, 0, "strict", NULL},
	{O_LAX_CODES, 0, "lax-codes", NULL},
	{O_PROFILE, 0, "profile", "fr|dicom|ccda"},
	{O_HEADER, 0, "header", "FILE"},
	{O_SAMPLE_HEADER, 0, "sample-header", NULL},
	{O_INTO, 0, "into", "REPORT.xml"},
	{O_FROM, 0, "from", "dicom-json|dicom"},
	{O_BASE, 0, "base", "URL"},
	{O_LINK, 0, "link", "ihe-iid|dicom-wado-uri|dicom-wado-rs"},
	{O_TIMEZONE, 0, "timezone", "ZONE"},
	{O_INSTANCE, 0, "instance", "first|all"},
	{O_VALUES_OUT, 0, "values-out", "FILE.json"},
	{0, 0, NULL, NULL},
};

static void build_help(cli *c)
{
	fputs("Usage: cdaimg build [--as entry|section|document] [--profile fr|dicom|ccda] [-o FILE] [--strict]\n"
	      "                    [--lax-codes] [--header HEADER.json | --sample-header] INPUT.json|-\n"
	      "       cdaimg build --into REPORT.xml [-o FILE] [--strict] STUDIES.json|-\n"
	      "       cdaimg build --from dicom-json|dicom --base URL [--link KIND] [--timezone ZONE]\n"
	      "                    [--instance first|all] [--values-out FILE.json] [--as ...] INPUT...\n"
	      "\n"
	      "Read the JSON form of FrSerieImagerie or FrExamenImagerie (or an array of them) and\n"
	      "write CDA R2 XML:\n"
	      "  --as entry      the Series Act, or for a study its Study Act (default); an array\n"
	      "                  gives one act per element under a root element <entries>, read\n"
	      "                  and written item by item (memory holds one item)\n"
	      "  --as section    the DICOM Object Catalog section holding the studies\n"
	      "  --as document   a whole IMG-CR-IMG ClinicalDocument (French CI-SIS: --profile fr\n"
	      "                  only), with --header or --sample-header\n"
	      "      --header HEADER.json  with --as document: the header values, a JSON object\n"
	      "                 whose members are the fields of cdaimg_document_header; the\n"
	      "                 patient, author, organization and anatomical site are required,\n"
	      "                 a member it does not have is an error (see cdaimg(1))\n"
	      "      --sample-header  with --as document: the library's fictitious sample header\n"
	      "                 (a made-up patient, author and organization; never for a real report)\n"
	      "      --into REPORT.xml  put the studies into that IMG-CR-IMG report instead: each into\n"
	      "                 the object catalog of an FR-DICOM-Acte-imagerie section (the one\n"
	      "                 holding the study, which is replaced; else the only one; else the\n"
	      "                 next one holding no study), the header's service events and orders\n"
	      "                 completed, the rest of the report unchanged; the report is written\n"
	      "                 whole (to -o FILE, which may be REPORT.xml itself)\n"
	      "  -o, --output FILE  write FILE atomically (default or '-': standard output)\n"
	      "      --strict   JSON members the model does not know, and (--from) series and\n"
	      "                 instances left out, are errors, not warnings\n"
	      "      --lax-codes  a code outside its value set is a warning, not an error\n"
	      "      --profile fr|dicom|ccda  template family: French CI-SIS (default), DICOM PS3.20\n"
	      "                 alone, or C-CDA Diagnostic Imaging Report (English display names;\n"
	      "                 instanceSOP may then be an array)\n"
	      "      --diagnostics text|json  problems as text lines or JSON lines (see cdaimg(1))\n"
	      "      --from dicom-json  the inputs are DICOM JSON (PS3.18 annex F): an instance (dcm2json)\n"
	      "                 or an array of them (QIDO-RS, WADO-RS metadata); grouped into studies\n"
	      "      --from dicom  the inputs are DICOM files, DICOMDIRs or folders (read recursively)\n"
	      "      --base URL  with --from: the image server; each series' link is built from it\n"
	      "      --link ihe-iid|dicom-wado-uri|dicom-wado-rs  the kind of link (default: ihe-iid\n"
	      "                 with --profile fr, dicom-wado-rs otherwise)\n"
	      "      --timezone ZONE  the zone of DICOM times without 00080201 (TimezoneOffsetFromUTC):\n"
	      "                 an offset (+01:00) or a tz database name (Europe/Paris)\n"
	      "      --instance first|all  SOP instances per series: the first by InstanceNumber\n"
	      "                 (default; the FR profile holds one), or all (--profile dicom|ccda)\n"
	      "      --values-out FILE.json  also write the values read, in the JSON form\n"
	      "                 (series of a modality outside the profile's value set are left out,\n"
	      "                 with a warning; an error with --strict)\n"
	      "\n"
	      "Every value is checked and every problem reported on standard error with its file\n"
	      "and JSON path (INPUT.json: $.instanceSOP.statut: ...); nothing is written on error.\n"
	      "Exit status: 0 written; 1 invalid input; 2 usage error; 3 input/output error.\n",
	      c->out);
}

/* -1: go on; otherwise the exit status. */
static int parse_args(cli *c, int argc, char **argv, build_args *b)
{
	cli_args a;
	cli_args_init(&a, argc, argv);
	for (int id; (id = cli_next(c, &a, build_opts, build_help)) != OPT_END;) {
		if (id == OPT_EXIT)
			return CLI_OK;
		if (id == OPT_ERROR)
			return CLI_USAGE;
		if (id == O_AS) {
			if (!strcmp(a.value, "entry"))
				b->as = AS_ENTRY;
			else if (!strcmp(a.value, "section"))
				b->as = AS_SECTION;
			else if (!strcmp(a.value, "document"))
				b->as = AS_DOCUMENT;
			else
				return cli_usage(c, "--as takes entry, section or document, not '%s'", a.value);
		} else if (id == O_OUTPUT) {
			b->output = a.value;
		} else if (id == O_HEADER) {
			b->header = a.value;
		} else if (id == O_SAMPLE_HEADER) {
			b->sample_header = true;
		} else if (id == O_INTO) {
			b->into = a.value;
		} else if (id == O_STRICT) {
			b->strict = true;
		} else if (id == O_LAX_CODES) {
			b->opts.strict_codes = 0;
		} else if (id == O_FROM) {
			b->dicom.from = a.value;
		} else if (id == O_BASE) {
			b->dicom.base = a.value;
		} else if (id == O_LINK) {
			b->dicom.link = a.value;
		} else if (id == O_TIMEZONE) {
			b->dicom.timezone = a.value;
		} else if (id == O_INSTANCE) {
			b->dicom.instance = a.value;
		} else if (id == O_VALUES_OUT) {
			b->dicom.values_out = a.value;
		} else if (id == O_PROFILE) {
			if (!strcmp(a.value, "fr"))
				b->opts.profile = CDAIMG_PROFILE_FR;
			else if (!strcmp(a.value, "dicom"))
				b->opts.profile = CDAIMG_PROFILE_DICOM;
			else if (!strcmp(a.value, "ccda"))
				b->opts.profile = CDAIMG_PROFILE_CCDA;
			else
				return cli_usage(c, "--profile takes fr, dicom or ccda, not '%s'", a.value);
		} else {
			b->inputs[b->n_inputs++] = a.value;
			b->input = b->inputs[0];
		}
	}
	int drc = cli_need_input(c, b->input);
	if (drc >= 0)
		return drc;
	drc = cli_dicom_check(c, &b->dicom, b->opts.profile, b->inputs, b->n_inputs);
	if (drc >= 0)
		return drc;
	if (b->header && b->as != AS_DOCUMENT)
		return cli_usage(c, "--header goes with --as document");
	if (b->sample_header && b->as != AS_DOCUMENT)
		return cli_usage(c, "--sample-header goes with --as document");
	if (b->header && b->sample_header)
		return cli_usage(c, "--header and --sample-header cannot go together");
	if (b->as == AS_DOCUMENT && !b->header && !b->sample_header)
		return cli_usage(c, "--as document needs --header HEADER.json (the patient, author and organization "
		                    "of the report), or --sample-header for fictitious sample values");
	if (b->header && !strcmp(b->header, "-") && !strcmp(b->input, "-"))
		return cli_usage(c, "the header and the input cannot both be standard input");
	if (b->into && (b->as != AS_ENTRY || b->header || b->sample_header))
		return cli_usage(c, "--into puts studies into a report: no --as, no --header, no --sample-header");
	if (b->into && !strcmp(b->into, "-") && !strcmp(b->input, "-"))
		return cli_usage(c, "the report and the input cannot both be standard input");
	if (b->dicom.values_out && b->output && strcmp(b->output, "-") && cli_same_file(b->output, b->dicom.values_out))
		return cli_usage(c, "the document and the values cannot go to the same file ('%s' and '%s')", b->output,
		                 b->dicom.values_out);
	return -1;
}

/* Paths of the check stage are relative to one item: make them JSON paths
 * under @p prefix ("$" or "$[3]"). Document paths ("/...") and the header's
 * ("header.patient_birth": the --header file's members) stay as they are. */
void build_move_diags(cdaimg_diags *to, cdaimg_diags *from, const char *prefix)
{
	for (size_t i = 0; i < cdaimg_diags_count(from); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(from, i);
		size_t n = strlen(prefix) + strlen(g->path) + 2;
		char *path = malloc(n);
		if (!path)
			continue;
		if (g->path[0] == '/' || g->path[0] == '$' || !strncmp(g->path, "header.", 7))
			snprintf(path, n, "%s", g->path);
		else
			snprintf(path, n, "%s%s%s", prefix, g->path[0] && g->path[0] != '[' ? "." : "", g->path);
		cdaimg_diags_add(to, g->severity, g->code, path, g->line, g->rule, g->message);
		free(path);
	}
	cdaimg_diags_clear(from);
}

static void item_prefix(char *buf, size_t size, bool array, size_t i)
{
	if (array)
		snprintf(buf, size, "$[%zu]", i);
	else
		snprintf(buf, size, "$");
}

/* A document whose root is a placeholder element with no namespace: the
 * acts built under it declare the HL7 namespace themselves. */
static xmlDocPtr new_holder(const char *root_name)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	if (doc) /* with a dictionary, as cdaimg_doc_new: the entries share names and fixed values */
		doc->dict = xmlDictCreate();
	xmlNodePtr root = doc && doc->dict ? xmlNewDocNode(doc, NULL, BAD_CAST root_name, NULL) : NULL;
	if (!root) {
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlDocSetRootElement(doc, root);
	return doc;
}

/* Make the single element child of the placeholder root the document's root. */
static void promote_child(xmlDocPtr doc)
{
	xmlNodePtr holder = xmlDocGetRootElement(doc), child = holder->children;
	while (child && child->type != XML_ELEMENT_NODE)
		child = child->next;
	if (!child)
		return;
	xmlUnlinkNode(child);
	xmlDocSetRootElement(doc, child);
	xmlFreeNode(holder);
}

/* --as entry for one series or study (arrays are streamed: build_array). */
static cdaimg_status build_entry(const cdaimg_values *v, const cdaimg_options *opts, cdaimg_diags *shown,
                                 cdaimg_diags *scratch, xmlDocPtr *out)
{
	xmlDocPtr doc = new_holder("entries");
	if (!doc)
		return CDAIMG_ENOMEM;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	const cdaimg_item *it = cdaimg_values_get(v, 0);
	cdaimg_status st = it->kind == CDAIMG_ITEM_STUDY ? cdaimg_study_build(NULL, root, it->study, opts, scratch)
	                                                 : cdaimg_series_build(NULL, root, it->series, opts, scratch);
	build_move_diags(shown, scratch, "$");
	if (st != CDAIMG_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	promote_child(doc);
	*out = doc;
	return CDAIMG_OK;
}

/* Which file a diagnostic is about: with a header file, the header's values
 * ("header.patient_birth") are the header file's, the rest the input's;
 * without one (--sample-header), everything is the input's. */
static bool about_header(const cdaimg_diag *g, bool header_file)
{
	return header_file && !strncmp(g->path, "header.", 7);
}

static size_t errors_about(const cdaimg_diags *d, bool header, bool header_file)
{
	size_t n = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		n += g->severity == CDAIMG_SEV_ERROR && about_header(g, header_file) == header;
	}
	return n;
}

/* The diagnostics about one file: the header file (under its JSON paths,
 * "$.patient_birth" for "header.patient_birth"), or the input. */
static void diags_about(cli *c, const cdaimg_diags *d, bool header, bool header_file, const char *file)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		cdaimg_diag g = *cdaimg_diags_get(d, i);
		if (g.severity < CDAIMG_SEV_WARNING || about_header(&g, header_file) != header)
			continue;
		char path[256];
		if (header) {
			snprintf(path, sizeof path, "$.%s", g.path + 7);
			g.path = path;
		}
		cli_diag(c, file, &g);
	}
}

/* What the build said: the header file's verdict and diagnostics (--header),
 * then the input's. Diagnostics of a header that is no file (--sample-header)
 * go with the input's. */
void build_report(cli *c, const build_args *b, cdaimg_status st, const cdaimg_diags *shown)
{
	const char *in = cli_name(b->input), *hd = b->header ? cli_name(b->header) : NULL;
	size_t e_in = errors_about(shown, false, hd != NULL), e_hd = errors_about(shown, true, hd != NULL);
	if (hd && st == CDAIMG_EINVALID && e_hd)
		cli_verdict(c, hd, "invalid header (%zu error%s)", e_hd, e_hd == 1 ? "" : "s");
	if (hd)
		diags_about(c, shown, true, true, hd);
	if (st == CDAIMG_EPARSE) {
		if (!cli_only_empty(shown))
			cli_verdict(c, in, "not valid JSON");
	} else if (st == CDAIMG_EINVALID && (e_in || !e_hd))
		cli_verdict(c, in, "invalid input (%zu error%s)", e_in, e_in == 1 ? "" : "s");
	else if (st != CDAIMG_OK && st != CDAIMG_EINVALID)
		cli_status_error(c, in, st);
	diags_about(c, shown, false, hd != NULL, in);
}

/* The studies of the input (a section or document holds studies only). */
static cdaimg_status collect_studies(const cdaimg_values *v, bool array, cdaimg_diags *shown, cdaimg_study **out)
{
	size_t n = cdaimg_values_count(v);
	cdaimg_study *studies = calloc(n ? n : 1, sizeof *studies);
	if (!studies)
		return CDAIMG_ENOMEM;
	cdaimg_status st = CDAIMG_OK;
	for (size_t i = 0; i < n; i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		if (it->kind == CDAIMG_ITEM_STUDY) {
			studies[i] = *it->study;
			continue;
		}
		char prefix[32];
		item_prefix(prefix, sizeof prefix, array, i);
		cdaimg_diags_add(shown, CDAIMG_SEV_ERROR, CDAIMG_D_REQUIRED, prefix, 0, NULL,
		                 "a section or a document is built from FrExamenImagerie (a study): a series "
		                 "alone has no Study Instance UID");
		st = CDAIMG_EINVALID;
	}
	if (st != CDAIMG_OK)
		free(studies);
	else
		*out = studies;
	return st;
}

/* Paths of several studies start with "[i]."; a single one has none. */
static const char *studies_prefix(bool array, size_t n) { return array && n == 1 ? "$[0]" : "$"; }

static cdaimg_status build_section(const cdaimg_study *studies, size_t n, bool array, const cdaimg_options *opts,
                                   cdaimg_diags *shown, cdaimg_diags *scratch, xmlDocPtr *out)
{
	xmlDocPtr doc = new_holder("holder");
	if (!doc)
		return CDAIMG_ENOMEM;
	cdaimg_status st = cdaimg_section_build(NULL, xmlDocGetRootElement(doc), studies, n, opts, scratch);
	build_move_diags(shown, scratch, studies_prefix(array, n));
	if (st != CDAIMG_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	promote_child(doc);
	*out = doc;
	return CDAIMG_OK;
}

static cdaimg_status build_document(const cdaimg_study *studies, size_t n, bool array,
                                    const cdaimg_document_header *header, const cdaimg_options *opts,
                                    cdaimg_diags *shown, cdaimg_diags *scratch, xmlDocPtr *out)
{
	cdaimg_status st = cdaimg_document_build(out, studies, n, header, opts, scratch);
	build_move_diags(shown, scratch, studies_prefix(array, n));
	return st;
}


/* --as section|document: the studies of the input in one section or document. */
static cdaimg_status build_around(const build_args *b, const cdaimg_values *v, bool array,
                                  const cdaimg_document_header *header, cdaimg_diags *shown, cdaimg_diags *scratch,
                                  xmlDocPtr *doc)
{
	cdaimg_study *studies = NULL;
	size_t n = cdaimg_values_count(v);
	cdaimg_status st = collect_studies(v, array, shown, &studies);
	if (st == CDAIMG_OK && b->as == AS_SECTION)
		st = build_section(studies, n, array, &b->opts, shown, scratch, doc);
	else if (st == CDAIMG_OK)
		st = build_document(studies, n, array, header, &b->opts, shown, scratch, doc);
	free(studies);
	return st;
}


/* What putting the studies into the report said: what concerns the report's
 * elements (paths "/...") under its name, the rest (values, and the studies
 * left without a section) as for the input. */
static void report_into(cli *c, const build_args *b, cdaimg_status st, cdaimg_diags *said, const char *prefix,
                        cdaimg_diags *shown)
{
	const char *in = cli_name(b->input), *rep = cli_name(b->into);
	cdaimg_diags *doc = cdaimg_diags_new(), *rest = cdaimg_diags_new();
	size_t no_place = 0, no_place_in = 0;
	for (size_t i = 0; doc && rest && i < cdaimg_diags_count(said); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(said, i);
		bool target = g->code == CDAIMG_D_TARGET && g->severity == CDAIMG_SEV_ERROR;
		no_place += target;
		no_place_in += target && g->path[0] != '/';
		cdaimg_diags_add(g->path[0] == '/' ? doc : rest, g->severity, g->code, g->path, g->line, g->rule,
		                 g->message);
	}
	build_move_diags(shown, doc && rest ? rest : said, prefix);
	cdaimg_diags_clear(said);
	size_t in_errors = cdaimg_diags_count_at_least(shown, CDAIMG_SEV_ERROR) - no_place_in;
	if (no_place)
		cli_verdict(c, rep, "no place for the studies (%zu error%s)", no_place, no_place == 1 ? "" : "s");
	cli_diags(c, rep, doc);
	if (st == CDAIMG_EINVALID && in_errors)
		cli_verdict(c, in, "invalid input (%zu error%s)", in_errors, in_errors == 1 ? "" : "s");
	else if (st != CDAIMG_OK && st != CDAIMG_EINVALID)
		cli_status_error(c, in, st);
	cli_diags(c, in, shown);
	cdaimg_diags_free(doc);
	cdaimg_diags_free(rest);
}

/* --into REPORT.xml: the studies of the input put into the report, which is
 * written whole (cdaimg_document_put_studies). */
static int build_into(cli *c, const build_args *b, const cdaimg_values *v, bool array, cdaimg_diags *shown,
                      cdaimg_diags *scratch)
{
	const char *rep = cli_name(b->into);
	size_t n = cdaimg_values_count(v);
	cdaimg_study *studies = NULL;
	xmlDocPtr doc = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;
	cdaimg_status st = collect_studies(v, array, shown, &studies);
	if (st != CDAIMG_OK) {
		build_report(c, b, st, shown);
		return cli_exit_of(st);
	}
	if ((rc = cli_read(c, b->into, &text, &len)) != CLI_OK)
		goto done;
	st = cdaimg_doc_read_memory(&doc, text, len, rep, scratch);
	if (st != CDAIMG_OK) {
		if (st == CDAIMG_EPARSE && !cli_only_empty(scratch))
			cli_verdict(c, rep, "not well-formed XML");
		else if (st != CDAIMG_EPARSE)
			cli_status_error(c, rep, st);
		cli_diags(c, rep, scratch);
		rc = cli_exit_of(st);
		goto done;
	}
	st = cdaimg_document_put_studies(doc, studies, n, &b->opts, scratch);
	report_into(c, b, st, scratch, studies_prefix(array, n), shown);
	rc = st == CDAIMG_OK ? cli_write_doc(c, b->output, doc) : cli_exit_of(st);
done:
	xmlFreeDoc(doc);
	free(text);
	free(studies);
	return rc;
}

/* --header FILE: the header values, read before the input so that a bad header
 * is reported on its own, with the file's name in front of each JSON path. */
static int read_header(cli *c, const build_args *b, cdaimg_diags *shown, cdaimg_document_header **out)
{
	char *text = NULL;
	size_t len = 0;
	const char *name = cli_name(b->header);
	int rc = cli_read(c, b->header, &text, &len);
	if (rc != CLI_OK)
		return rc;
	cdaimg_status st = cdaimg_json_read_header(out, text, len, &(cdaimg_json_options){.strict_members = b->strict}, shown);
	free(text);
	if (st == CDAIMG_EPARSE) {
		if (!cli_only_empty(shown))
			cli_verdict(c, name, "not valid JSON");
	} else if (st == CDAIMG_EINVALID)
		cli_verdict(c, name, "not a document header");
	else if (st != CDAIMG_OK)
		cli_status_error(c, name, st);
	cli_diags(c, name, shown);
	cdaimg_diags_clear(shown);
	return cli_exit_of(st);
}

int cli_cmd_build(cli *c, int argc, char **argv)
{
	build_args b = {AS_ENTRY, NULL, NULL, NULL, false, NULL, false, CDAIMG_OPTIONS_INIT, {0}, NULL, 0};
	b.inputs = calloc((size_t)(argc > 0 ? argc : 1), sizeof *b.inputs);
	int rc = b.inputs ? parse_args(c, argc, argv, &b) : cli_usage(c, "out of memory");
	if (rc >= 0) {
		free(b.inputs);
		return rc;
	}
	char *text = NULL;
	size_t len = 0;
	cdaimg_values *v = NULL;
	cdaimg_document_header *header = NULL;
	xmlDocPtr doc = NULL;
	cli_input in = {.fd = -1};
	cdaimg_json_options json_opts = {.strict_members = b.strict};
	cdaimg_diags *shown = cdaimg_diags_new(), *scratch = cdaimg_diags_new();
	if (!shown || !scratch) {
		cli_error(c, NULL, CDAIMG_D_NOMEM, "out of memory");
		rc = CLI_IO;
		goto done;
	}
	if (b.header && (rc = read_header(c, &b, shown, &header)) != CLI_OK)
		goto done;
	bool array;
	cdaimg_status st;
	if (b.dicom.from) { /* build_dicom.c: the studies of DICOM inputs, then the same build */
		if ((rc = cli_dicom_read(c, &b.dicom, b.inputs, b.n_inputs, b.opts.profile, b.strict, &v, &b.input)) != CLI_OK)
			goto done;
		array = cdaimg_values_count(v) > 1;
		st = CDAIMG_OK;
	} else {
		if ((rc = cli_input_open(c, b.input, &in)) != CLI_OK)
			goto done;
		array = cli_input_is_array(&in);
		if (array && b.as == AS_ENTRY && !b.into) {
			item_source src = {.in = &in, .json = &json_opts};
			rc = build_array(c, &b, &src, shown, scratch);
			goto done;
		}
		if ((rc = cli_input_read_all(c, &in, &text, &len)) != CLI_OK)
			goto done;
		st = cdaimg_json_read(&v, text, len, &json_opts, shown);
		free(text); /* the values own their strings */
		text = NULL;
	}
	if (st == CDAIMG_OK && b.into) {
		rc = build_into(c, &b, v, array, shown, scratch);
		goto done;
	}
	if (st == CDAIMG_OK && array && b.as == AS_ENTRY) {
		item_source src = {.values = v};
		rc = build_array(c, &b, &src, shown, scratch);
		goto done;
	}
	if (st == CDAIMG_OK)
		st = b.as == AS_ENTRY ? build_entry(v, &b.opts, shown, scratch, &doc)
		                      : build_around(&b, v, array, b.sample_header ? cdaimg_document_header_sample() : header,
		                                     shown, scratch, &doc);
	build_report(c, &b, st, shown);
	if (st != CDAIMG_OK) {
		rc = cli_exit_of(st);
		goto done;
	}
	rc = cli_write_doc(c, b.output, doc);
done:
	cli_input_close(&in);
	xmlFreeDoc(doc);
	cdaimg_values_free(v);
	cdaimg_document_header_free(header);
	cdaimg_diags_free(shown);
	cdaimg_diags_free(scratch);
	free(text);
	free(b.inputs);
	return rc;
}
