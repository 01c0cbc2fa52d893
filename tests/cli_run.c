/* SPDX-License-Identifier: MIT */
/* cli_run.c - the CLI tests' harness (cli_run.h). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"

char tmpdir[64];

static char *slurp(FILE *f)
{
	fflush(f);
	long n = ftell(f);
	char *buf = malloc((size_t)(n > 0 ? n : 0) + 1);
	assert_non_null(buf);
	rewind(f);
	size_t got = n > 0 ? fread(buf, 1, (size_t)n, f) : 0;
	buf[got] = '\0';
	fclose(f);
	return buf;
}

run_result run_full(FILE *out_file, FILE *err_file, const char *const *args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"cdaimg";
	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	FILE *out = out_file ? out_file : tmpfile(), *err = err_file ? err_file : tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	run_result r;
	r.rc = cdaimg_cli_run(argc, argv, out, err);
	r.out = out_file ? NULL : slurp(out);
	r.err = err_file ? NULL : slurp(err);
	if (out_file)
		fclose(out_file);
	return r;
}

void done(run_result *r)
{
	free(r->out);
	free(r->err);
}

void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected to find \"%s\" in:\n%s", needle, hay);
}

const char *tmp(const char *name)
{
	static char buf[4][256];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
	return buf[slot];
}

const char *src_path(const char *rel)
{
	static char buf[4][1024];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s", tu_src(rel));
	return buf[slot];
}

void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

char *read_text(const char *path)
{
	char *t = tu_read(path, NULL);
	if (!t)
		fail_msg("cannot read %s", path);
	return t;
}

int count_files(void)
{
	DIR *d = opendir(tmpdir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

int cli_setup(const char *what)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdaimg-%s-XXXXXX", what);
	return mkdtemp(tmpdir) ? 0 : -1;
}

int cli_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}
