/* SPDX-License-Identifier: MIT */
/* cmd_sample.c - cdaimg sample: a complete sample CDA document, no input. */
#include <string.h>

#include "cli.h"

enum { O_OUTPUT = 1 };

static const cli_opt sample_opts[] = {
	{O_OUTPUT, 'o', "output", "FILE"},
	{0, 0, NULL, NULL},
};

static void sample_help(cli *c)
{
	fputs("Usage: cdaimg sample [-o FILE]\n"
	      "\n"
	      "Write a complete, valid sample CDA R2 document (IMG-CR-IMG, French CI-SIS) built\n"
	      "from a built-in chest CT study: one series, its SOP instance and an IHE Invoke\n"
	      "Image Display link, with the library's sample header (a fictitious patient, author\n"
	      "and organization). It validates against the ANS extended schema.\n"
	      "  -o, --output FILE  write FILE atomically (default or '-': standard output)\n"
	      "  --diagnostics text|json  problems as text lines or JSON lines (see cdaimg(1))\n"
	      "\n"
	      "Exit status: 0 written; 2 usage error; 3 input/output error.\n",
	      c->out);
}

int cli_cmd_sample(cli *c, int argc, char **argv)
{
	const char *output = NULL;
	cli_args a;
	cli_args_init(&a, argc, argv);
	for (int id; (id = cli_next(c, &a, sample_opts, sample_help)) != OPT_END;) {
		if (id == OPT_EXIT)
			return CLI_OK;
		if (id == OPT_ERROR)
			return CLI_USAGE;
		if (id == OPT_POSITIONAL)
			return cli_usage(c, "sample takes no input ('%s')", a.value);
		output = a.value;
	}
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header header = cli_sample_header();
	cdaimg_status st = cdaimg_document_build(&doc, cli_sample_study(), 1, &header, NULL, d);
	int rc;
	if (st != CDAIMG_OK) {
		cli_error(c, NULL, CDAIMG_D_INTERNAL, "the sample could not be built: %s", cdaimg_status_name(st));
		cli_diags(c, NULL, d);
		rc = cli_exit_of(st);
		goto done;
	}
	rc = cli_write_doc(c, output, doc);
done:
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return rc;
}
