/* SPDX-License-Identifier: MIT */
/* cli_into_test.c - `cdaimg build --into REPORT.xml STUDIES.json`: the studies
 * put into a report (cdaimg_document_put_studies), written whole to standard
 * output or atomically to -o; refusals exit 1 and write nothing. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "testutil.h"

typedef struct run_result {
	int rc;
	char *out, *err;
} run_result;

static char tmpdir[64];

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

static run_result run(const char *const *args)
{
	char *argv[16];
	int argc = 0;
	argv[argc++] = (char *)"cdaimg";
	for (; *args && argc < 15; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	FILE *out = tmpfile(), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	run_result r;
	r.rc = cdaimg_cli_run(argc, argv, out, err);
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

#define RUN(...) run((const char *const[]){__VA_ARGS__, NULL})

static void done(run_result *r)
{
	free(r->out);
	free(r->err);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected to find \"%s\" in:\n%s", needle, hay);
}

static const char *tmp(const char *name)
{
	static char buf[4][256];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
	return buf[slot];
}

/* A path of the source tree (tu_src has one buffer: this one has four). */
static const char *src(const char *rel)
{
	static char buf[4][1024];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s", tu_src(rel));
	return buf[slot];
}

static char *read_text(const char *path)
{
	char *t = tu_read(path, NULL);
	if (!t)
		fail_msg("cannot read %s", path);
	return t;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int count_files(void)
{
	DIR *d = opendir(tmpdir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* @p text with every @p from replaced by @p to (as long). */
static char *replace_all(const char *text, const char *from, const char *to)
{
	char *s = malloc(strlen(text) + 1);
	assert_non_null(s);
	strcpy(s, text);
	assert_int_equal(strlen(from), strlen(to));
	for (char *p = strstr(s, from); p; p = strstr(p + 1, from))
		memcpy(p, to, strlen(to));
	return s;
}

#define STUDY_JSON "samples/study-ct-tap.json"

/* The report cdaimg builds for the sample study, in the temporary folder. */
static const char *sample_report(void)
{
	const char *report = tmp("report.xml");
	run_result r = RUN("build", "--as", "document", "--sample-header", src(STUDY_JSON), "-o", report);
	assert_int_equal(r.rc, 0);
	done(&r);
	return report;
}

/* The same study into the report made from it: the same report, on standard output. */
static void cli_into__same_study_same_report(void **state)
{
	const char *report = sample_report();
	char *before = read_text(report);
	run_result r = RUN("build", "--into", report, src(STUDY_JSON));
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, before);
	assert_string_equal(r.err, "");
	done(&r);
	free(before);
}

/* Another study into the report, written over it (-o the report itself): both
 * studies in its catalog, the accession number in the header, still valid. */
static void cli_into__another_study_in_place(void **state)
{
	const char *report = sample_report();
	char *json = read_text(src(STUDY_JSON));
	char *other = replace_all(json, "1.2.250.1.999.5.20240705.9", "1.2.250.1.999.5.20240705.8");
	char *other2 = replace_all(other, "240705009", "240705008");
	const char *input = tmp("other.json");
	write_file(input, other2);
	int files = count_files();
	run_result r = RUN("build", "--into", report, "-o", report, input);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	done(&r);
	assert_int_equal(count_files(), files); /* no temporary file left */
	char *after = read_text(report);
	assert_contains(after, "<id root=\"1.2.250.1.999.5.20240705.9\"/>");
	assert_contains(after, "<id root=\"1.2.250.1.999.5.20240705.8\"/>");
	assert_contains(after, "extension=\"240705008\"");
	free(after);
	r = RUN("validate", report);
	if (r.rc != 0)
		fail_msg("%s%s", r.out, r.err);
	done(&r);
	free(json);
	free(other);
	free(other2);
}

/* No place for the study (every imaging act section of the ANS example holds
 * another): exit 1, the reason under the report's name, nothing written. */
static void cli_into__no_place_refused(void **state)
{
	const char *out = tmp("refused.xml");
	int files = count_files();
	run_result r = RUN("build", "--into", src("tests/data/IMG_CR_IMG_2024.01.xml"), "-o", out,
	                   src(STUDY_JSON));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "IMG_CR_IMG_2024.01.xml: no place for the studies (1 error)");
	assert_contains(r.err, "no FR-DICOM-Acte-imagerie section for the study 1.2.250.1.999.5.20240705.9");
	assert_string_equal(r.out, "");
	done(&r);
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(count_files(), files);
	/* not an IMG-CR-IMG report: the element named */
	const char *other = tmp("other.xml");
	write_file(other, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><templateId root=\"1.2.3\"/></ClinicalDocument>");
	r = RUN("build", "--into", other, src(STUDY_JSON));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "other.xml: /ClinicalDocument: not an IMG-CR-IMG document");
	assert_string_equal(r.out, "");
	done(&r);
}

/* Bad arguments and inputs: usage errors exit 2, a report that is not XML or
 * an input that is not a study exit 1, a report that cannot be read exit 3. */
static void cli_into__errors(void **state)
{
	const char *report = sample_report();
	run_result r = RUN("build", "--into", report, "--as", "section", src(STUDY_JSON));
	assert_int_equal(r.rc, CLI_USAGE);
	assert_contains(r.err, "--into");
	done(&r);
	r = RUN("build", "--into", "-", "-");
	assert_int_equal(r.rc, CLI_USAGE);
	done(&r);
	const char *broken = tmp("broken.xml");
	write_file(broken, "<ClinicalDocument");
	r = RUN("build", "--into", broken, src(STUDY_JSON));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "broken.xml: not well-formed XML");
	done(&r);
	r = RUN("build", "--into", tmp("missing.xml"), src(STUDY_JSON));
	assert_int_equal(r.rc, CLI_IO);
	done(&r);
	r = RUN("build", "--into", report, src("samples/ct-iid.json"));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "FrExamenImagerie");
	done(&r);
	r = RUN("build", "--help");
	assert_contains(r.out, "--into REPORT.xml");
	done(&r);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdaimg-into-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_into__same_study_same_report),
		cmocka_unit_test(cli_into__another_study_in_place),
		cmocka_unit_test(cli_into__no_place_refused),
		cmocka_unit_test(cli_into__errors),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	xmlCleanupParser();
	return failed;
}
