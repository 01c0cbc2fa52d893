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
#include "cli_run.h"

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
	run_result r = RUN("build", "--as", "document", "--sample-header", src_path(STUDY_JSON), "-o", report);
	assert_int_equal(r.rc, 0);
	done(&r);
	return report;
}

/* The same study into the report made from it: the same report, on standard output. */
static void cli_into__same_study_same_report(void **state)
{
	const char *report = sample_report();
	char *before = read_text(report);
	run_result r = RUN("build", "--into", report, src_path(STUDY_JSON));
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
	char *json = read_text(src_path(STUDY_JSON));
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
	run_result r = RUN("build", "--into", src_path("tests/data/IMG_CR_IMG_2024.01.xml"), "-o", out,
	                   src_path(STUDY_JSON));
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
	r = RUN("build", "--into", other, src_path(STUDY_JSON));
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
	run_result r = RUN("build", "--into", report, "--as", "section", src_path(STUDY_JSON));
	assert_int_equal(r.rc, CLI_USAGE);
	assert_contains(r.err, "--into");
	done(&r);
	r = RUN("build", "--into", "-", "-");
	assert_int_equal(r.rc, CLI_USAGE);
	done(&r);
	const char *broken = tmp("broken.xml");
	write_file(broken, "<ClinicalDocument");
	r = RUN("build", "--into", broken, src_path(STUDY_JSON));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "broken.xml: not well-formed XML");
	done(&r);
	r = RUN("build", "--into", tmp("missing.xml"), src_path(STUDY_JSON));
	assert_int_equal(r.rc, CLI_IO);
	done(&r);
	r = RUN("build", "--into", report, src_path("samples/ct-iid.json"));
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
	return cli_setup("into");
}

static int teardown(void **state)
{
	(void)state;
	return cli_teardown();
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
