/* SPDX-License-Identifier: MIT */
/* cmd_extract.c - cdaimg extract: every imaging series of a CDA file, as JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { O_OUTPUT = 1, O_HEADER_OUT };

static const cli_opt extract_opts[] = {
	{O_OUTPUT, 'o', "output", "FILE"},
	{O_HEADER_OUT, 0, "header-out", "FILE"},
	{0, 0, NULL, NULL},
};

typedef struct extract_args {
	const char *input, *output, *header_out;
} extract_args;

static void extract_help(cli *c)
{
	fputs("Usage: cdaimg extract [-o FILE] [--header-out FILE] FILE.xml|-\n"
	      "\n"
	      "Read every Series Act of a CDA file (a document, a section, an entry, or the\n"
	      "<entries> list of 'cdaimg build') and write it in the JSON form 'cdaimg build'\n"
	      "reads: series inside a Study Act come back as FrExamenImagerie. One item is\n"
	      "written as an object, several as an array.\n"
	      "  -o, --output FILE  write FILE atomically (default or '-': standard output)\n"
	      "  --header-out FILE  also write the document's header as JSON, in the form\n"
	      "                     'cdaimg build --as document --header' reads (a document only);\n"
	      "                     both files are written, or neither\n"
	      "  --diagnostics text|json  problems as text lines or JSON lines (see cdaimg(1))\n"
	      "\n"
	      "Exit status: 0 written; 1 not well-formed, or problems found (nothing written);\n"
	      "2 usage error; 3 input/output error.\n",
	      c->out);
}

/* -1: go on; otherwise the exit status. */
static int parse_args(cli *c, int argc, char **argv, extract_args *x)
{
	cli_args a;
	cli_args_init(&a, argc, argv);
	int rc;
	for (int id; (id = cli_next(c, &a, extract_opts, extract_help)) != OPT_END;) {
		if (id == OPT_EXIT)
			return CLI_OK;
		if (id == OPT_ERROR)
			return CLI_USAGE;
		if (id == O_OUTPUT)
			x->output = a.value;
		else if (id == O_HEADER_OUT)
			x->header_out = a.value;
		else if ((rc = cli_one_input(c, &x->input, a.value)) >= 0)
			return rc;
	}
	if ((rc = cli_need_input(c, x->input)) >= 0)
		return rc;
	if (x->header_out && !strcmp(x->header_out, "-") && (!x->output || !strcmp(x->output, "-")))
		return cli_usage(c, "the values and the header cannot both go to standard output");
	if (x->header_out && x->output && strcmp(x->output, "-") && cli_same_file(x->output, x->header_out))
		return cli_usage(c, "the values and the header cannot go to the same file ('%s' and '%s')", x->output,
		                 x->header_out);
	return -1;
}

/* The values (and the header when asked) of the input; CDAIMG_EINVALID when
 * a problem was found. */
static cdaimg_status extract(cli *c, const extract_args *x, cdaimg_values **v, cdaimg_document_header **h,
                             cdaimg_diags *d, int *rc)
{
	char *data = NULL;
	size_t len = 0;
	xmlDocPtr doc = NULL;
	cdaimg_status st;
	int kind = x->header_out || !strcmp(x->input, "-") ? 1 : cli_input_kind(c, x->input);
	if (kind < 0) {
		*rc = CLI_IO; /* too large: said */
		return CDAIMG_EIO;
	}
	if (kind == 2) {
		/* read from the file while parsing: neither the text nor the tree is whole in memory */
		st = cdaimg_extract_file(v, x->input, d);
	} else if ((*rc = cli_read(c, x->input, &data, &len)) != CLI_OK) {
		return CDAIMG_EIO;
	} else if (!x->header_out) {
		/* read while parsing: the document's tree is never whole in memory */
		st = cdaimg_extract_memory(v, data, len, d);
		free(data);
	} else {
		st = cdaimg_doc_read_memory(&doc, data, len, NULL, d);
		free(data);
		if (st == CDAIMG_OK)
			st = cdaimg_extract_doc(v, doc, d);
		if (st == CDAIMG_OK || st == CDAIMG_EINVALID) {
			cdaimg_status sth = cdaimg_extract_header(h, doc, d);
			if (sth != CDAIMG_OK && (st == CDAIMG_OK || sth != CDAIMG_EINVALID))
				st = sth;
		}
		xmlFreeDoc(doc);
	}
	if (st == CDAIMG_OK && cdaimg_values_count(*v) == 0) {
		cdaimg_diags_add(d, CDAIMG_SEV_ERROR, CDAIMG_D_EXTRACT, "", 0, NULL,
		                 "no Series Act (template 1.2.840.10008.9.17) found");
		st = CDAIMG_EINVALID;
	}
	*rc = cli_exit_of(st);
	return st;
}

int cli_cmd_extract(cli *c, int argc, char **argv)
{
	extract_args x = {NULL, NULL, NULL};
	int rc = parse_args(c, argc, argv, &x);
	if (rc >= 0)
		return rc;
	cdaimg_values *v = NULL;
	cdaimg_document_header *h = NULL;
	char *json = NULL, *header_json = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status st = extract(c, &x, &v, &h, d, &rc);
	if (st == CDAIMG_OK)
		st = cdaimg_json_write(&json, v, NULL, d);
	if (st == CDAIMG_OK && h)
		st = cdaimg_json_write_header(&header_json, h, NULL, d);
	const char *name = cli_name(x.input);
	if (st != CDAIMG_OK) {
		if (st == CDAIMG_EPARSE && !cli_only_empty(d))
			cli_verdict(c, name, "not well-formed XML");
		else if (st == CDAIMG_EINVALID)
			cli_verdict(c, name, "problems found; nothing written");
		else if (st != CDAIMG_EPARSE && (rc != CLI_IO || cdaimg_diags_count(d)))
			cli_status_error(c, name, st); /* not when reading failed: said already */
		cli_diags(c, name, d);
		rc = rc == CLI_OK ? cli_exit_of(st) : rc;
		goto done;
	}
	cli_diags(c, name, d);
	/* both files or neither */
	rc = header_json ? cli_write_two(c, x.header_out, header_json, strlen(header_json), x.output, json, strlen(json))
	                 : cli_write(c, x.output, json, strlen(json));
done:
	cdaimg_free(json);
	cdaimg_free(header_json);
	cdaimg_document_header_free(h);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	return rc;
}
