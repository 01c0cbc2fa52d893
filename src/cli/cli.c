/* SPDX-License-Identifier: MIT */
/* cli.c - the cdaimg command: dispatch, help, options, messages. */
#define _XOPEN_SOURCE 700 /* strdup */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
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
	"\n"
	"Options:\n"
	"  -h, --help     show this help ('cdaimg COMMAND --help': that command's options)\n"
	"      --version  show the version\n"
	"\n"
	"Exit status: 0 success; 1 invalid input or invalid document; 2 usage error;\n"
	"3 input/output error.\n"
	"See cdaimg(1) for details.\n";

static void print_help(cli *c) { fputs(main_help, c->out); }

static void print_version(cli *c)
{
	fprintf(c->out, "cdaimg %s (libxml2 %s, jansson %s)\n", cdaimg_version(), LIBXML_DOTTED_VERSION,
	        JANSSON_VERSION);
}

void cli_msg(cli *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("cdaimg: ", c->err);
	vfprintf(c->err, fmt, ap);
	fputc('\n', c->err);
	va_end(ap);
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

const char *cli_name(const char *path) { return !path || !strcmp(path, "-") ? "standard input" : path; }

int cli_exit_of(cdaimg_status st)
{
	switch (st) {
	case CDAIMG_OK:
		return CLI_OK;
	case CDAIMG_EINVALID:
	case CDAIMG_ENOTVALID:
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

/* A copy of @p msg on one line: inner line breaks become spaces, trailing blanks go. */
static char *one_line(const char *msg)
{
	char *m = strdup(msg);
	if (!m)
		return NULL;
	for (char *p = m; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	size_t n = strlen(m);
	while (n && m[n - 1] == ' ')
		m[--n] = '\0';
	return m;
}

static void print_diag(FILE *f, cdaimg_diag g)
{
	char small[1024];
	char *msg = one_line(g.message);
	if (msg)
		g.message = msg;
	size_t n = cdaimg_diag_format(&g, small, sizeof small);
	char *line = n < sizeof small ? small : malloc(n + 1);
	if (line && line != small)
		cdaimg_diag_format(&g, line, n + 1);
	fprintf(f, "%s\n", line ? line : small);
	if (line != small)
		free(line);
	free(msg);
}

void cli_print_diags(cli *c, FILE *f, const cdaimg_diags *d, cdaimg_severity min, const char *file)
{
	(void)c;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		cdaimg_diag g = *cdaimg_diags_get(d, i);
		if (g.severity < min || g.severity == CDAIMG_SEV_INFO)
			continue;
		if (file) {
			fprintf(f, "%s:", file);
			if (g.line > 0)
				fprintf(f, "%ld:", g.line);
			fputc(' ', f);
			g.line = 0;
			if (!strcmp(g.path, file))
				g.path = ""; /* the file name is already in front */
		}
		print_diag(f, g);
	}
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

static int builtin(cli *c, const char *name, void (*help)(cli *c))
{
	if (!strcmp(name, "help")) {
		help(c);
		return OPT_EXIT;
	}
	if (!strcmp(name, "version")) {
		print_version(c);
		return OPT_EXIT;
	}
	return OPT_ERROR;
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
		if (!eq && builtin(c, name, help) == OPT_EXIT)
			return OPT_EXIT;
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
};

static int run_command(cli *c, int argc, char **argv)
{
	const char *name = argv[0];
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (!strcmp(name, commands[i].name)) {
			c->cmd = commands[i].name;
			return commands[i].run(c, argc, argv);
		}
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
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
	cli c = {out, err, NULL};
	cdaimg_global_init();
	int rc;
	if (argc < 2)
		rc = cli_usage(&c, "a command is needed: sample, build, validate or extract");
	else
		rc = run_command(&c, argc - 1, argv + 1);
	if (fflush(out) != 0 || ferror(out)) {
		cli_msg(&c, "cannot write to standard output");
		rc = CLI_IO;
	}
	return rc;
}
