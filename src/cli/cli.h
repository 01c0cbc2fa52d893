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
#include <sys/types.h>

#include <cdaimg/cdaimg.h>

/* Exit statuses (documented in --help and docs/cdaimg.1). */
enum cli_exit {
	CLI_OK = 0,      /* success */
	CLI_INVALID = 1, /* invalid input or invalid document */
	CLI_USAGE = 2,   /* usage error (or a feature not available yet) */
	CLI_IO = 3       /* a file could not be read or written */
};

/* Run the command: argv[0] is the program, argv[1] the subcommand.
 * Documents, JSON, help and versions go to @p out; diagnostics, verdicts and
 * errors to @p err. Returns the exit status. */
int cdaimg_cli_run(int argc, char **argv, FILE *out, FILE *err);

/* --- shared by the subcommands (cli.c, io.c) ------------------------------------------------ */

typedef struct cli {
	FILE *out, *err;
	const char *cmd; /* subcommand name, for "Try 'cdaimg CMD --help'" */
	bool json_diags; /* --diagnostics json */
} cli;

/* Options are declared in a table ending with a zero id. --help/-h,
 * --version and --diagnostics text|json are handled for every subcommand. */
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

/* A usage error: "cdaimg: <message>", then "Try 'cdaimg CMD --help'." (text
 * in every mode: nothing has been read yet); returns CLI_USAGE. */
int cli_usage(cli *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* A command's one positional input: @p value into *input; -1, or the usage
 * error when there is one already. */
int cli_one_input(cli *c, const char **input, const char *value);
/* -1 when @p input was given; otherwise the usage error saying one is needed. */
int cli_need_input(cli *c, const char *input);
/* The exit status for a library status. */
int cli_exit_of(cdaimg_status st);

/* report.c: everything said on c->err. A line about a file starts with its
 * name; @p file is a name for messages (cli_name), NULL when the line is about
 * no file ("cdaimg: ..."). With --diagnostics json, diagnostics and errors
 * are JSON lines, verdicts are left out. */
/* The name of an input in messages: "<stdin>" for "-". */
const char *cli_name(const char *path);
/* The name of an output in messages: "<stdout>" for NULL or "-". */
const char *cli_out_name(const char *path);
/* One diagnostic: "FILE[:LINE[:COLUMN]]: [PATH: ][warning: ]MESSAGE [CODE[ RULE]]". */
void cli_diag(cli *c, const char *file, const cdaimg_diag *g);
/* Every warning and error of @p d (infos are left out), as cli_diag. */
void cli_diags(cli *c, const char *file, const cdaimg_diags *d);
/* The verdict on a file ("FILE: valid", "FILE: invalid input (2 errors)"); text only. */
void cli_verdict(cli *c, const char *file, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* An error of the run, not of the values (a file that cannot be read or
 * written, memory): "FILE: message", or a JSON line with @p code. */
void cli_error(cli *c, const char *file, cdaimg_diag_code code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* True when the one diagnostic of @p d is the library's "empty input": it is
 * then the whole verdict (no "not valid JSON" before it). */
bool cli_only_empty(const cdaimg_diags *d);
/* cli_error for a status that is not about the values (memory, I/O, internal). */
void cli_status_error(cli *c, const char *file, cdaimg_status st);

/* input.c: the largest input read whole, in bytes (CLI_MAX_INPUT; the tests set less). */
#define CLI_MAX_INPUT ((size_t)1 << 30)
extern size_t cli_max_input;
/* input.c: read @p path ("-" = standard input) whole; CLI_OK or CLI_IO (message printed).
 * *data is NUL-terminated; free it with free(). A regular file over
 * cli_max_input bytes is refused before reading, any other input once past
 * it; reading stops at the first failed allocation. */
int cli_read(cli *c, const char *path, char **data, size_t *len);
/* input.c: an input read whole or item by item (a JSON array,
 * cdaimg_json_items). Its first 64 KB are peeked at on opening. */
typedef struct cli_input {
	const char *name; /* for messages */
	int fd;
	bool owned;       /* fd is ours to close */
	off_t start;      /* where a regular file was when opened; -1: not a file */
	char *head;       /* the first bytes: peeked at (a file), or read (anything else) */
	size_t peeked, head_len, head_pos; /* bytes in head; of them, to hand out; handed out */
	int err;          /* the errno of a failed cli_input_read */
} cli_input;
/* Open @p path ("-": standard input). CLI_OK or CLI_IO (message printed). */
int cli_input_open(cli *c, const char *path, cli_input *in);
/* The first thing of the input (after a byte order mark and white space) is '['. */
bool cli_input_is_array(const cli_input *in);
/* The whole input (as cli_read). */
int cli_input_read_all(cli *c, cli_input *in, char **data, size_t *len);
/* A cdaimg_read_fn over the input (payload: the cli_input). */
int cli_input_read(void *payload, char *buf, size_t size, size_t *got);
/* Print why cli_input_read failed. */
void cli_input_read_error(cli *c, const cli_input *in);
void cli_input_close(cli_input *in);
/* input.c: for a command that hands a file name to the library: 2 for a
 * regular file within cli_max_input bytes, 0 for a folder or nothing (the
 * library says why), -1 for a larger file (message printed, not read), 1 for
 * anything else (a device, a pipe), which the command reads with cli_read
 * instead. */
int cli_input_kind(cli *c, const char *path);
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
	int held;           /* cli_sink_hold: the temporary file holding the output until commit, or -1 */
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
/* Make standard output or a device get nothing before commit: what is
 * written is held meanwhile in a file of no name in $TMPDIR (or /tmp), and
 * abort leaves the output untouched. Nothing to do for a file, which is
 * replaced at commit. CLI_OK or CLI_IO (message printed). */
int cli_sink_hold(cli *c, cli_sink *s);
/* Finish: flush, sync and rename into place. CLI_OK or CLI_IO (message
 * printed, temporary file removed, previous file untouched). */
int cli_sink_commit(cli *c, cli_sink *s);
/* Give up: close and remove the temporary file; the target is untouched. */
void cli_sink_abort(cli_sink *s);
/* Write two outputs (as cli_write each; not both standard output) all or
 * none: each file to its temporary file, written and synced, then standard
 * output or a device if one is, then the renames. On a failure, the files
 * are untouched (message printed, temporary files removed); CLI_OK or CLI_IO. */
int cli_write_two(cli *c, const char *path1, const char *data1, size_t len1, const char *path2, const char *data2,
                  size_t len2);
/* True when the paths @p a and @p b name one file: the same device and
 * inode, or for files not there yet the same name in the same folder. */
bool cli_same_file(const char *a, const char *b);
/* Serialize @p doc (UTF-8, indented, with an XML declaration) and cli_write it. */
int cli_write_doc(cli *c, const char *path, xmlDocPtr doc);
/* Progress on err when it is a terminal and the batch is large (text mode only). */
void cli_progress(cli *c, const char *what, size_t done, size_t total);
/* The same for a batch of no known size (an array read item by item): the
 * count so far, every 50 items; @p last ends the line. */
void cli_progress_count(cli *c, const char *what, size_t done, bool last);

/* The subcommands (cmd_*.c): argv[0] is the subcommand name. */
int cli_cmd_sample(cli *c, int argc, char **argv);
int cli_cmd_build(cli *c, int argc, char **argv);
int cli_cmd_validate(cli *c, int argc, char **argv);
int cli_cmd_extract(cli *c, int argc, char **argv);
int cli_cmd_render(cli *c, int argc, char **argv);

/* sample.c: the built-in sample study (a CT series with an IID link), static storage. */
const cdaimg_study *cli_sample_study(void);
/* Its document header: the library's sample values, with the id its IID link
 * names as idCDA. */
cdaimg_document_header cli_sample_header(void);

#endif
