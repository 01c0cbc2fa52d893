/* SPDX-License-Identifier: MIT */
/* cmd_render.c - cdaimg render: a CDA file as a self-contained HTML page. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { O_OUTPUT = 1 };

static const cli_opt render_opts[] = {
	{O_OUTPUT, 'o', "output", "FILE"},
	{0, 0, NULL, NULL},
};

typedef struct render_args {
	const char *input, *output;
} render_args;

static void render_help(cli *c)
{
	fputs("Usage: cdaimg render [-o OUT.html] FILE.xml|-\n"
	      "\n"
	      "Show a CDA file as a person reads it: one self-contained HTML5 page (inline\n"
	      "style, no script, nothing loaded from elsewhere) with the header (document,\n"
	      "patient, authors, custodian, dates, ids), each section's title and narrative,\n"
	      "and a table of every imaging study, series and SOP instance its entries hold,\n"
	      "with the links to the images. A section or an entry is shown as a fragment.\n"
	      "The document is untrusted: only the narrative block's markup is rendered, and\n"
	      "links only when they are http, https or relative.\n"
	      "  -o, --output FILE  write FILE atomically (default or '-': standard output)\n"
	      "  --diagnostics text|json  problems as text lines or JSON lines (see cdaimg(1))\n"
	      "\n"
	      "Exit status: 0 written (warnings may have been printed); 1 not well-formed XML\n"
	      "(nothing written); 2 usage error; 3 input/output error.\n",
	      c->out);
}

/* -1: go on; otherwise the exit status. */
static int parse_args(cli *c, int argc, char **argv, render_args *x)
{
	cli_args a;
	cli_args_init(&a, argc, argv);
	int rc;
	for (int id; (id = cli_next(c, &a, render_opts, render_help)) != OPT_END;) {
		if (id == OPT_EXIT)
			return CLI_OK;
		if (id == OPT_ERROR)
			return CLI_USAGE;
		if (id == O_OUTPUT)
			x->output = a.value;
		else if ((rc = cli_one_input(c, &x->input, a.value)) >= 0)
			return rc;
	}
	if ((rc = cli_need_input(c, x->input)) >= 0)
		return rc;
	return -1;
}

int cli_cmd_render(cli *c, int argc, char **argv)
{
	render_args x = {NULL, NULL};
	int rc = parse_args(c, argc, argv, &x);
	if (rc >= 0)
		return rc;
	const char *name = cli_name(x.input);
	char *data = NULL, *html = NULL;
	size_t len = 0;
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	if ((rc = cli_read(c, x.input, &data, &len)) != CLI_OK)
		goto done;
	cdaimg_status st = d ? cdaimg_doc_read_memory(&doc, data, len, NULL, d) : CDAIMG_ENOMEM;
	if (st == CDAIMG_OK)
		st = cdaimg_render_html(&html, &len, (xmlNodePtr)doc, d);
	if (st == CDAIMG_EPARSE && !cli_only_empty(d))
		cli_verdict(c, name, "not well-formed XML");
	else if (st != CDAIMG_OK && st != CDAIMG_EPARSE)
		cli_status_error(c, name, st);
	cli_diags(c, name, d);
	rc = st == CDAIMG_OK ? cli_write(c, x.output, html, len) : cli_exit_of(st);
done:
	cdaimg_free(html);
	xmlFreeDoc(doc);
	free(data);
	cdaimg_diags_free(d);
	return rc;
}
