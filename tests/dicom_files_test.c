/* SPDX-License-Identifier: MIT */
/* dicom_files_test.c - libcdaimg-dicom (dicomfile.h): DICOM files read with
 * DCMTK give the values their DICOM JSON gives; every pydicom test file gives
 * studies or a clear error or warning, and none crashes (under ASan in CI);
 * DICOMDIRs, folders, character sets. Needs Debian's python3-pydicom: a
 * missing test folder fails the test, it does not skip it. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cdaimg/dicomfile.h>

#include "testutil.h"

#define BASE "https://pacs.example.org/viewer"

static const char *pydicom_dir(void)
{
	const char *d = getenv("PYDICOM_TEST_FILES");
	return d && *d ? d : "/usr/lib/python3/dist-packages/pydicom/data/test_files";
}

static const char *test_file(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s", pydicom_dir(), name);
	struct stat sb;
	if (stat(path, &sb) != 0)
		fail_msg("%s: missing: the DICOM file tests need pydicom's test files (Debian python3-pydicom, "
		         "tools/setup-debian.sh installs it)",
		         path);
	return path;
}

static cdaimg_dicom_options opts(void)
{
	cdaimg_dicom_options o = CDAIMG_DICOM_OPTIONS_INIT;
	o.link_base = BASE;
	return o;
}

/* The values of @p path, in the JSON form (caller frees with cdaimg_free). */
static char *values_text(const char *path, bool json)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	if (json) {
		size_t len;
		char *text = tu_read(path, &len);
		assert_non_null(text);
		assert_cdaimg_ok(cdaimg_dicom_set_add_json(set, text, len, NULL, d), d);
		free(text);
	} else {
		assert_cdaimg_ok(cdaimg_dicom_set_add_file(set, path, d), d);
	}
	cdaimg_dicom_options o = opts();
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_dicom_set_studies(&v, set, &o, d), d);
	char *out = NULL;
	assert_cdaimg_ok(cdaimg_json_write(&out, v, NULL, d), d);
	cdaimg_values_free(v);
	cdaimg_dicom_set_free(set);
	cdaimg_diags_free(d);
	return out;
}

/* One path for both inputs: a file and its DICOM JSON give the same values. */
static void dicom_files__same_values_as_dicom_json(void **state)
{
	static const char *const names[] = {"CT_small", "MR_small"};
	for (size_t i = 0; i < 2; i++) {
		char dcm[64], json[96];
		snprintf(dcm, sizeof dcm, "%s.dcm", names[i]);
		snprintf(json, sizeof json, "tests/data/dicom/%s.json", names[i]);
		char *a = values_text(test_file(dcm), false), *b = values_text(tu_src(json), true);
		if (strcmp(a, b))
			fail_msg("%s: the file gives\n%s\nits DICOM JSON gives\n%s", names[i], a, b);
		cdaimg_free(a);
		cdaimg_free(b);
	}
}

/* Every file below @p dir, sorted. */
static void list_files(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("%s: cannot be read: the DICOM file tests need pydicom's test files (python3-pydicom)", dir);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			list_files(path, names, n);
		} else {
			*names = realloc(*names, (*n + 1) * sizeof **names);
			(*names)[(*n)++] = strdup(path);
		}
	}
	closedir(d);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Each pydicom test file on its own: studies, or an error or a warning that says why not. */
static void dicom_files__every_pydicom_file(void **state)
{
	char **names = NULL;
	size_t n = 0;
	list_files(pydicom_dir(), &names, &n);
	char charsets[4096];
	snprintf(charsets, sizeof charsets, "%s/../charset_files", pydicom_dir());
	list_files(charsets, &names, &n);
	qsort(names, n, sizeof *names, cmp);
	size_t built = 0, refused = 0, not_dicom = 0;
	cdaimg_dicom_options o = opts();
	o.timezone = "Europe/Paris";
	for (size_t i = 0; i < n; i++) {
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_dicom_set *set = cdaimg_dicom_set_new();
		cdaimg_status st = cdaimg_dicom_set_add_file(set, names[i], d);
		if (st != CDAIMG_OK && st != CDAIMG_EINVALID)
			fail_msg("%s: status %s", names[i], cdaimg_status_name(st));
		cdaimg_values *v = NULL;
		if (st == CDAIMG_OK) {
			st = cdaimg_dicom_set_studies(&v, set, &o, d);
			if (st != CDAIMG_OK && st != CDAIMG_EINVALID)
				fail_msg("%s: status %s", names[i], cdaimg_status_name(st));
			assert_true((st == CDAIMG_OK) == (v != NULL));
		} else {
			not_dicom++;
		}
		if (st == CDAIMG_OK) {
			built++;
			/* the values build: a section in the FR profile */
			xmlDocPtr doc = cdaimg_doc_new();
			xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"holder", NULL);
			xmlDocSetRootElement(doc, root);
			for (size_t k = 0; k < cdaimg_values_count(v); k++)
				assert_cdaimg_ok(cdaimg_section_build(NULL, root, cdaimg_values_get(v, k)->study, 1, NULL, d), d);
			xmlFreeDoc(doc);
		} else {
			refused++;
			if (cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) == 0)
				fail_msg("%s: refused without an error", names[i]);
		}
		for (size_t k = 0; k < cdaimg_diags_count(d); k++) {
			const cdaimg_diag *g = cdaimg_diags_get(d, k);
			assert_true(g->message[0] != '\0');
			size_t off;
			(void)off;
			if (g->severity >= CDAIMG_SEV_WARNING)
				printf("  %s: %s%s\n", strrchr(names[i], '/') + 1,
				       g->severity == CDAIMG_SEV_ERROR ? "" : "warning: ", g->message);
		}
		cdaimg_values_free(v);
		cdaimg_dicom_set_free(set);
		cdaimg_diags_free(d);
	}
	printf("%zu files: %zu gave studies, %zu were refused (%zu not read as DICOM)\n", n, built, refused, not_dicom);
	/* what the files are (the pydicom 2.3 set): most are imaging instances */
	assert_true(n >= 80);
	assert_true(built >= 30);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A DICOMDIR gives the files its records name; a folder every file below it. */
static void dicom_files__dicomdir_and_folder(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	assert_cdaimg_ok(cdaimg_dicom_set_add_file(set, test_file("dicomdirtests/TINY_ALPHA/DICOMDIR"), d), d);
	size_t from_dicomdir = cdaimg_dicom_set_count(set);
	assert_true(from_dicomdir > 10);
	cdaimg_dicom_set_free(set);
	set = cdaimg_dicom_set_new();
	assert_cdaimg_ok(cdaimg_dicom_set_add_file(set, test_file("dicomdirtests/TINY_ALPHA"), d), d);
	assert_int_equal(cdaimg_dicom_set_count(set), from_dicomdir); /* the DICOMDIR itself is not read again */
	/* the folder's README is not DICOM: skipped, said */
	assert_true(tu_find_diag(d, CDAIMG_D_EXTRACT, NULL) >= 0);
	cdaimg_dicom_options o = opts();
	o.timezone = "+01:00";
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_dicom_set_studies(&v, set, &o, d), d);
	assert_int_equal(cdaimg_values_count(v), 1);
	cdaimg_values_free(v);
	cdaimg_dicom_set_free(set);
	cdaimg_diags_free(d);
}

static void dicom_files__errors_name_the_file(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	/* a file given by name that is not DICOM */
	const char *readme = test_file("README.txt");
	assert_int_equal(cdaimg_dicom_set_add_file(set, readme, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_EXTRACT, readme);
	assert_int_equal(cdaimg_dicom_set_add_file(set, "/nonexistent/x.dcm", d), CDAIMG_EIO);
	assert_diag(d, CDAIMG_D_IO, "/nonexistent/x.dcm");
	/* the bad NumberOfFrames of badVR.dcm: the tag, the value, the instance, the file */
	cdaimg_diags_clear(d);
	const char *bad = test_file("badVR.dcm");
	assert_cdaimg_ok(cdaimg_dicom_set_add_file(set, bad, d), d);
	cdaimg_dicom_options o = opts();
	cdaimg_values *v = NULL;
	assert_int_equal(cdaimg_dicom_set_studies(&v, set, &o, d), CDAIMG_EINVALID);
	int k = tu_find_diag(d, CDAIMG_D_RANGE, bad);
	assert_true(k >= 0);
	assert_string_equal(cdaimg_diags_get(d, k)->message, "00280008 NumberOfFrames \"1A\" of SOP instance "
	                                                     "1.9.999.999.99.9.9999.9999.20030818153516: not an integer");
	assert_int_equal(cdaimg_dicom_set_add_file(NULL, bad, d), CDAIMG_EARG);
	cdaimg_dicom_set_free(set);
	cdaimg_diags_free(d);
}

/* Text in the file's Specific Character Set (ISO_IR 100, Latin-1) comes out UTF-8. */
static void dicom_files__character_set(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	assert_cdaimg_ok(cdaimg_dicom_set_add_file(set, tu_src("tests/data/dicom/latin1-ct.dcm"), d), d);
	cdaimg_dicom_options o = opts();
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_dicom_set_studies(&v, set, &o, d), d);
	const cdaimg_study *s = cdaimg_values_get(v, 0)->study;
	assert_non_null(strstr(s->description.div, ">Scanner \xC3\xA0 l'h\xC3\xB4pital<"));
	assert_non_null(strstr(s->series[0].description.div, ">D\xC3\xA9\x66il\xC3\xA9 thoracique<"));
	assert_string_equal(s->date, "2024-01-15T09:30:00-04:00");
	cdaimg_values_free(v);
	cdaimg_dicom_set_free(set);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dicom_files__same_values_as_dicom_json),
		cmocka_unit_test(dicom_files__every_pydicom_file),
		cmocka_unit_test(dicom_files__dicomdir_and_folder),
		cmocka_unit_test(dicom_files__errors_name_the_file),
		cmocka_unit_test(dicom_files__character_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
