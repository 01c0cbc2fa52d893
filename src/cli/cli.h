/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the cdaimg command, as a function the tests call directly.
 *
 * The command is a thin shell over libcdaimg: it parses arguments, reads and
 * writes files (atomically), calls the library and prints diagnostics. It
 * uses only the public API (<cdaimg/cdaimg.h>).
 */
#ifndef CDAIMG_CLI_H
#define CDAIMG_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <cdaimg/cdaimg.h>

/* Exit statuses (documented in --help and docs/cdaimg.1). */
enum cli_exit {
	CLI_OK = 0,      /* success */
	CLI_INVALID = 1, /* invalid input or invalid document */
	CLI_USAGE = 2,   /* usage error (or a feature not available yet) */
	CLI_IO = 3       /* a file could not be read or written */
};

/* Run the command: argv[0] is the program, argv[1] the subcommand.
 * Normal output goes to @p out, messages to @p err. Returns the exit status. */
int cdaimg_cli_run(int argc, char **argv, FILE *out, FILE *err);

/* --- shared by the subcommands (cli.c, io.c) ------------------------------------------------ */

typedef struct cli {
	FILE *out, *err;
	const char *cmd; /* subcommand name, for "Try 'cdaimg CMD --help'" */
} cli;

/* Options are declared in a table ending with a zero id. --help/-h and
 * --version are handled for every subcommand. */
typedef struct cli_opt {
	int id;           /* > 0 */
	char short_name;  /* 0: none */
	const char *name; /* long name without "--" */
	const char *arg;  /* name of the option's argument, NULL when it takes none */
} cli_opt;

typedef struct cli_args {
	int argc;
	char **argv;
	int i;
	bool no_more_options; /* after "--" */
	const char *value;    /* the option's argument, or the positional argument */
} cli_args;

enum { OPT_END = 0, OPT_POSITIONAL = -1, OPT_ERROR = -2, OPT_EXIT = -3 };

/* Start after argv[0] (the subcommand's own name). */
void cli_args_init(cli_args *a, int argc, char **argv);
/* Next option id, OPT_POSITIONAL (a->value set), OPT_END, OPT_ERROR (usage
 * message printed), or OPT_EXIT (help or version printed: exit 0). */
int cli_next(cli *c, cli_args *a, const cli_opt *opts, void (*help)(cli *c));

/* "cdaimg: <message>" on err. */
void cli_msg(cli *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* A usage error: message, then "Try 'cdaimg CMD --help'."; returns CLI_USAGE. */
int cli_usage(cli *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* One line per diagnostic of at least @p min severity (infos are left out),
 * each prefixed with "FILE:" (and "LINE:" when known) when @p file is not NULL. */
void cli_print_diags(cli *c, FILE *f, const cdaimg_diags *d, cdaimg_severity min, const char *file);
/* The exit status for a library status. */
int cli_exit_of(cdaimg_status st);
/* A name for messages: "standard input" for "-". */
const char *cli_name(const char *path);

/* io.c: read @p path ("-" = standard input) whole; CLI_OK or CLI_IO (message printed).
 * *data is NUL-terminated; free it with free(). */
int cli_read(cli *c, const char *path, char **data, size_t *len);
/* Write @p len bytes to @p path: NULL or "-" = c->out; a regular file (or a
 * new one) atomically (temporary file in the same folder, fsync, rename);
 * anything else (device, pipe) in place. CLI_OK or CLI_IO (message printed;
 * no temporary file left, a previous file untouched). */
int cli_write(cli *c, const char *path, const char *data, size_t len);
/* An output being written: standard output, a device written in place, or a
 * temporary file renamed over the target on commit (atomic replace). */
typedef struct cli_sink {
	const char *path;   /* as given, for messages; NULL: standard output */
	const char *target; /* the file replaced (a symbolic link's target) */
	char *link_target;  /* owned */
	char *tmp;          /* the temporary file, when replacing atomically */
	bool unnamed;       /* the temporary file has no name yet (O_TMPFILE) */
	int fd;
	FILE *file;         /* standard output */
	bool failed;
	const char *step;   /* what failed: "write", "sync", "replace"... */
	int err;            /* its errno */
} cli_sink;
/* Open @p path (NULL or "-": c->out). CLI_OK or CLI_IO (message printed). */
int cli_sink_open(cli *c, const char *path, cli_sink *s);
/* Write all of @p data (a cdaimg_write_fn: 0, or -1 once a write failed). */
int cli_sink_write(void *payload, const char *data, size_t len);
/* True when a failed run can still leave the target untouched (not standard
 * output or a device). */
bool cli_sink_replaceable(const cli_sink *s);
/* Finish: flush, sync and rename into place. CLI_OK or CLI_IO (message
 * printed, temporary file removed, previous file untouched). */
int cli_sink_commit(cli *c, cli_sink *s);
/* Give up: close and remove the temporary file; the target is untouched. */
void cli_sink_abort(cli_sink *s);
/* Serialize @p doc (UTF-8, indented, with an XML declaration) and cli_write it. */
int cli_write_doc(cli *c, const char *path, xmlDocPtr doc);
/* Progress on err when it is a terminal and the batch is large. */
void cli_progress(cli *c, const char *what, size_t done, size_t total);

/* The subcommands (cmd_*.c): argv[0] is the subcommand name. */
int cli_cmd_sample(cli *c, int argc, char **argv);
int cli_cmd_build(cli *c, int argc, char **argv);
int cli_cmd_validate(cli *c, int argc, char **argv);
int cli_cmd_extract(cli *c, int argc, char **argv);

/* sample.c: the built-in sample study (a CT series with an IID link), static storage. */
const cdaimg_study *cli_sample_study(void);
/* Its document header: the id its IID link names as idCDA, sample values otherwise. */
const cdaimg_document_header *cli_sample_header(void);

#endif
