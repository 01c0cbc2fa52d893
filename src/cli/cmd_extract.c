/* cmd_extract.c - cdaimg extract: every imaging series of a CDA file, as JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { O_OUTPUT = 1 };

static const cli_opt extract_opts[] = {
	{O_OUTPUT, 'o', "output", "FILE"},
	{0, 0, NULL, NULL},
};

static void extract_help(cli *c)
{
	fputs("Usage: cdaimg extract [-o FILE] FILE.xml|-\n"
	      "\n"
	      "Read every Series Act of a CDA file (a document, a section, an entry, or the\n"
	      "<entries> list of 'cdaimg build') and write it in the JSON form 'cdaimg build'\n"
	      "reads: series inside a Study Act come back as FrExamenImagerie. One item is\n"
	      "written as an object, several as an array.\n"
	      "  -o, --output FILE  write FILE atomically (default or '-': standard output)\n"
	      "\n"
	      "Exit status: 0 written; 1 not well-formed, or problems found (nothing written);\n"
	      "2 usage error; 3 input/output error.\n",
	      c->out);
}

/* -1: go on; otherwise the exit status. */
static int parse_args(cli *c, int argc, char **argv, const char **input, const char **output)
{
	cli_args a;
	cli_args_init(&a, argc, argv);
	for (int id; (id = cli_next(c, &a, extract_opts, extract_help)) != OPT_END;) {
		if (id == OPT_EXIT)
			return CLI_OK;
		if (id == OPT_ERROR)
			return CLI_USAGE;
		if (id == O_OUTPUT)
			*output = a.value;
		else if (*input)
			return cli_usage(c, "one input file only ('%s' is extra)", a.value);
		else
			*input = a.value;
	}
	if (!*input)
		return cli_usage(c, "an input file is needed (or '-' for standard input)");
	return -1;
}

static cdaimg_status extract(cli *c, const char *input, cdaimg_values **v, cdaimg_diags *d, int *rc)
{
	char *data = NULL;
	size_t len = 0;
	if ((*rc = cli_read(c, input, &data, &len)) != CLI_OK)
		return CDAIMG_EIO;
	cdaimg_status st = cdaimg_extract_memory(v, data, len, d);
	free(data);
	if (st == CDAIMG_OK && cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR))
		st = CDAIMG_EINVALID;
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
	const char *input = NULL, *output = NULL;
	int rc = parse_args(c, argc, argv, &input, &output);
	if (rc >= 0)
		return rc;
	cdaimg_values *v = NULL;
	char *json = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status st = extract(c, input, &v, d, &rc);
	if (st == CDAIMG_OK)
		st = cdaimg_json_write(&json, v, 0, d);
	if (st != CDAIMG_OK) {
		if (rc != CLI_IO || cdaimg_diags_count(d))
			cli_msg(c, "%s: %s", cli_name(input),
			        st == CDAIMG_EPARSE ? "not well-formed XML" : st == CDAIMG_EINVALID ? "problems found; nothing written" : cdaimg_status_str(st));
		cli_print_diags(c, c->err, d, CDAIMG_SEV_WARNING, NULL);
		rc = rc == CLI_OK ? cli_exit_of(st) : rc;
		goto done;
	}
	cli_print_diags(c, c->err, d, CDAIMG_SEV_WARNING, NULL);
	rc = cli_write(c, output, json, strlen(json));
done:
	cdaimg_free(json);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	return rc;
}
