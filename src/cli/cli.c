/* SPDX-License-Identifier: MIT */
/* cli.c - the cdaimg command: dispatch, help, options, messages. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>

#include "cli.h"

static const char main_help[] =
	"Usage: cdaimg COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Turn imaging series values (the ANS logical model FrSerieImagerie) into HL7 CDA R2\n"
	"entries (DICOM PS3.20, French CI-SIS), validate CDA files, and read them back.\n"
	"\n"
	"Commands:\n"
	"  sample     write a complete sample CDA document (IMG-CR-IMG) built from a\n"
	"             built-in CT study; no input needed\n"
	"  build      JSON input (FrSerieImagerie, FrExamenImagerie, or an array) to a CDA\n"
	"             entry, DICOM Object Catalog section or whole document\n"
	"  validate   check CDA files against the XML Schema and the template rules\n"
	"  extract    read every imaging series of a CDA file back as JSON\n"
	"  render     show a CDA file as a self-contained HTML page\n"
	"  help       this help; 'cdaimg help COMMAND': that command's help\n"
	"\n"
	"Options (every command):\n"
	"  -h, --help     show this help ('cdaimg COMMAND --help': that command's options)\n"
	"      --version  show the versions of cdaimg, and of libxml2 and jansson as loaded\n"
	"      --diagnostics text|json  diagnostics as text (default), or as JSON lines for\n"
	"                 tools: one object per line (file, line, column, path, severity,\n"
	"                 code, rule, message)\n"
	"\n"
	"Documents and JSON go to standard output (or -o FILE). Diagnostics and verdicts\n"
	"go to standard error, each line starting with the file it is about ('<stdin>'\n"
	"for standard input): FILE:LINE:COLUMN: PATH: message [code rule].\n"
	"\n"
	"Exit status: 0 success; 1 invalid input or invalid document; 2 usage error;\n"
	"3 input/output error.\n"
	"See cdaimg(1) for details.\n";

static void print_help(cli *c) { fputs(main_help, c->out); }

/* "2.9.14" from libxml2's "20914". */
static void dotted(char *out, size_t size, const char *digits)
{
	long v = digits ? strtol(digits, NULL, 10) : 0;
	snprintf(out, size, "%ld.%ld.%ld", v / 10000, v / 100 % 100, v % 100);
}

/* The versions of the libraries loaded at run time, and those cdaimg was
 * built with when they differ. */
static void print_version(cli *c)
{
	char xml[32];
	dotted(xml, sizeof xml, xmlParserVersion);
#if JANSSON_VERSION_HEX >= 0x020d00
	const char *jansson = jansson_version_str();
#else
	const char *jansson = JANSSON_VERSION;
#endif
	fprintf(c->out, "cdaimg %s (libxml2 %s", cdaimg_version(), xml);
	if (strcmp(xml, LIBXML_DOTTED_VERSION))
		fprintf(c->out, " [built with %s]", LIBXML_DOTTED_VERSION);
	fprintf(c->out, ", jansson %s", jansson);
	if (strcmp(jansson, JANSSON_VERSION))
		fprintf(c->out, " [built with %s]", JANSSON_VERSION);
	fputs(")\n", c->out);
}

int cli_usage(cli *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("cdaimg: ", c->err);
	vfprintf(c->err, fmt, ap);
	fputc('\n', c->err);
	va_end(ap);
	fprintf(c->err, "Try 'cdaimg%s%s --help'.\n", c->cmd ? " " : "", c->cmd ? c->cmd : "");
	return CLI_USAGE;
}

int cli_one_input(cli *c, const char **input, const char *value)
{
	if (*input)
		return cli_usage(c, "one input file only ('%s' is extra)", value);
	*input = value;
	return -1;
}

int cli_need_input(cli *c, const char *input)
{
	return input ? -1 : cli_usage(c, "an input file is needed (or '-' for standard input)");
}

int cli_exit_of(cdaimg_status st)
{
	switch (st) {
	case CDAIMG_OK:
		return CLI_OK;
	case CDAIMG_EINVALID:
	case CDAIMG_ENONCONFORMANT:
	case CDAIMG_EPARSE:
		return CLI_INVALID;
	case CDAIMG_EIO:
		return CLI_IO;
	case CDAIMG_EARG:
	case CDAIMG_ENOMEM:
	case CDAIMG_EINTERNAL:
		break;
	}
	return CLI_IO; /* out of memory, internal: the run could not be done */
}

/* --- options ------------------------------------------------------------------------------ */

void cli_args_init(cli_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	a->argc = argc;
	a->argv = argv;
	a->i = 1;
}

static const cli_opt *find_long(const cli_opt *opts, const char *name, size_t n)
{
	for (; opts->id; opts++)
		if (strlen(opts->name) == n && !strncmp(opts->name, name, n))
			return opts;
	return NULL;
}

static const cli_opt *find_short(const cli_opt *opts, char ch)
{
	for (; opts->id; opts++)
		if (opts->short_name && opts->short_name == ch)
			return opts;
	return NULL;
}

/* The argument of @p o: attached (--o=x, -ox) or the next word. */
static int take_arg(cli *c, cli_args *a, const cli_opt *o, const char *attached)
{
	if (!o->arg) {
		if (attached)
			return cli_usage(c, "option '--%s' takes no argument", o->name), OPT_ERROR;
		return o->id;
	}
	if (attached) {
		a->value = attached;
		return o->id;
	}
	if (a->i >= a->argc)
		return cli_usage(c, "option '--%s' needs an argument (%s)", o->name, o->arg), OPT_ERROR;
	a->value = a->argv[a->i++];
	return o->id;
}

/* What an option of every command did. */
typedef enum common_opt { NOT_COMMON, COMMON_EXIT, COMMON_TAKEN, COMMON_BAD } common_opt;

/* --diagnostics FORMAT: COMMON_TAKEN, or COMMON_BAD (usage message printed). */
static common_opt diagnostics(cli *c, const char *format)
{
	if (!format)
		return cli_usage(c, "option '--diagnostics' needs an argument (text|json)"), COMMON_BAD;
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cli_usage(c, "--diagnostics takes text or json, not '%s'", format), COMMON_BAD;
	c->json_diags = !strcmp(format, "json");
	return COMMON_TAKEN;
}

/* The long options of every command: --help, --version (printed: exit 0),
 * --diagnostics FORMAT. @p name is @p n bytes, @p eq its "=" or NULL. */
static common_opt common(cli *c, cli_args *a, const char *name, size_t n, const char *eq, void (*help)(cli *c))
{
	if (!eq && n == 4 && !strncmp(name, "help", 4)) {
		help(c);
		return COMMON_EXIT;
	}
	if (!eq && n == 7 && !strncmp(name, "version", 7)) {
		print_version(c);
		return COMMON_EXIT;
	}
	if (n == 11 && !strncmp(name, "diagnostics", 11))
		return diagnostics(c, eq ? eq + 1 : a->i < a->argc ? a->argv[a->i++] : NULL);
	return NOT_COMMON;
}

int cli_next(cli *c, cli_args *a, const cli_opt *opts, void (*help)(cli *c))
{
	if (a->i >= a->argc)
		return OPT_END;
	const char *w = a->argv[a->i++];
	a->value = NULL;
	if (a->no_more_options || w[0] != '-' || !strcmp(w, "-")) {
		a->value = w;
		return OPT_POSITIONAL;
	}
	if (!strcmp(w, "--")) {
		a->no_more_options = true;
		return cli_next(c, a, opts, help);
	}
	if (w[1] == '-') {
		const char *name = w + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		const cli_opt *o = find_long(opts, name, n);
		if (o)
			return take_arg(c, a, o, eq ? eq + 1 : NULL);
		switch (common(c, a, name, n, eq, help)) {
		case COMMON_EXIT:
			return OPT_EXIT;
		case COMMON_TAKEN:
			return cli_next(c, a, opts, help);
		case COMMON_BAD:
			return OPT_ERROR;
		case NOT_COMMON:
			break;
		}
		return cli_usage(c, "unknown option '%s'", w), OPT_ERROR;
	}
	if (w[1] == 'h' && !w[2]) {
		help(c);
		return OPT_EXIT;
	}
	const cli_opt *o = find_short(opts, w[1]);
	if (!o)
		return cli_usage(c, "unknown option '%s'", w), OPT_ERROR;
	if (w[2] && !o->arg)
		return cli_usage(c, "option '-%c' takes no argument", w[1]), OPT_ERROR;
	return take_arg(c, a, o, w[2] ? w + 2 : NULL);
}

/* --- dispatch ----------------------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*run)(cli *c, int argc, char **argv);
} commands[] = {
	{"sample", cli_cmd_sample},
	{"build", cli_cmd_build},
	{"validate", cli_cmd_validate},
	{"extract", cli_cmd_extract},
	{"render", cli_cmd_render},
};

/* cdaimg help [COMMAND]: the general help, or the command's own. */
static int help_command(cli *c, int argc, char **argv)
{
	if (argc > 2)
		return cli_usage(c, "help takes one command ('%s' is extra)", argv[2]);
	if (argc < 2) {
		print_help(c);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			char *args[] = {argv[1], (char *)"--help", NULL};
			c->cmd = commands[i].name;
			return commands[i].run(c, 2, args);
		}
	}
	return cli_usage(c, "unknown command '%s'", argv[1]);
}

static int run_command(cli *c, int argc, char **argv)
{
	const char *name = argv[0];
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(name, commands[i].name)) {
			c->cmd = commands[i].name;
			return commands[i].run(c, argc, argv);
		}
	}
	if (!strcmp(name, "help"))
		return help_command(c, argc, argv);
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		print_help(c);
		return CLI_OK;
	}
	if (!strcmp(name, "--version")) {
		print_version(c);
		return CLI_OK;
	}
	if (name[0] == '-')
		return cli_usage(c, "unknown option '%s'", name);
	return cli_usage(c, "unknown command '%s'", name);
}

int cdaimg_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
	cli c = {out, err, NULL, false};
	cdaimg_global_init();
	int rc;
	if (argc < 2)
		rc = cli_usage(&c, "a command is needed: sample, build, validate, extract or render");
	else
		rc = run_command(&c, argc - 1, argv + 1);
	if (fflush(out) != 0 || ferror(out)) {
		cli_error(&c, cli_out_name(NULL), CDAIMG_D_IO, "cannot write");
		rc = CLI_IO;
	}
	return rc;
}
