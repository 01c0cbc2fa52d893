/* SPDX-License-Identifier: MIT */
/* cli_dicom_test.c - cdaimg build --from dicom-json|dicom, run in-process
 * through cdaimg_cli_run(): options, messages under each file's name,
 * --values-out, exit statuses. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_run.h"

#define BASE "https://pacs.example.org/viewer"

static const char *fixture(const char *name)
{
	static char path[2][4096];
	static int slot;
	slot ^= 1;
	char rel[256];
	snprintf(rel, sizeof rel, "tests/data/dicom/%s", name);
	snprintf(path[slot], sizeof path[slot], "%s", tu_src(rel));
	return path[slot];
}

static int setup(void **state)
{
	(void)state;
	return cli_setup("cli-dicom");
}

static int teardown(void **state)
{
	(void)state;
	return cli_teardown();
}

static void cli_dicom__usage_errors(void **state)
{
	const char *ct = fixture("CT_small.json");
	static const char *const expect[] = {"needs --base URL", "--instance all is for --profile dicom or ccda",
	                                     "--link takes", "--timezone: ", "--from takes dicom-json or dicom",
	                                     "go with --from", "one input file only"};
	run_result r[] = {
		RUN("build", "--from", "dicom-json", ct),
		RUN("build", "--from", "dicom-json", "--base", BASE, "--instance", "all", ct),
		RUN("build", "--from", "dicom-json", "--base", BASE, "--link", "wado", ct),
		RUN("build", "--from", "dicom-json", "--base", BASE, "--timezone", "Mars/Olympus_Mons", ct),
		RUN("build", "--from", "dicomweb", "--base", BASE, ct),
		RUN("build", "--base", BASE, ct),
		RUN("build", ct, ct),
	};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		assert_int_equal(r[i].rc, CLI_USAGE);
		assert_contains(r[i].err, expect[i]);
		assert_string_equal(r[i].out, "");
		done(&r[i]);
	}
}

/* Entries from DICOM JSON; --values-out writes the values, which build the same entries. */
static void cli_dicom__json_entry_and_values_out(void **state)
{
	const char *values = tmp("values.json");
	run_result r = RUN("build", "--from", "dicom-json", "--base", BASE, "--values-out", values, "--as", "section",
	                   fixture("CT_small.json"), fixture("MR_small.json"));
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	assert_contains(r.out, "<id root=\"1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322\"/>");
	assert_contains(r.out, "<effectiveTime value=\"19970430112749-0500\"/>");
	assert_contains(r.out, "code=\"MR\"");
	run_result again = RUN("build", "--as", "section", values);
	assert_int_equal(again.rc, 0);
	assert_string_equal(again.out, r.out);
	done(&again);
	done(&r);
	/* WADO-RS links in the dicom profile, every instance */
	r = RUN("build", "--from", "dicom-json", "--base", BASE, "--profile", "dicom", "--instance", "all",
	        fixture("98892003-metadata.json"));
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, BASE "/studies/1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.1/series/");
	assert_contains(r.err, "98892003-metadata.json: $[2]: warning: 00080050 AccessionNumber");
	done(&r);
}

/* Bad values: the file, the path, the tag and the instance; nothing written. */
static void cli_dicom__errors_under_their_file(void **state)
{
	const char *bad = tmp("bad.json"), *out = tmp("out.xml"), *values = tmp("bad-values.json");
	write_file(bad, "[{\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]},\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4\"]},"
	                "\"00080016\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.2\"]},"
	                "\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.5\"]},\"00080060\":{\"vr\":\"CS\",\"Value\":[\"CT\"]},"
	                "\"00080020\":{\"vr\":\"DA\",\"Value\":[\"20240115\"]},"
	                "\"00280008\":{\"vr\":\"IS\",\"Value\":[\"1A\"]}}]");
	run_result r = RUN("build", "--from", "dicom-json", "--base", BASE, "-o", out, "--values-out", values, bad);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "bad.json: invalid DICOM input (1 error)\n");
	assert_contains(r.err, "bad.json: $[0]: 00280008 NumberOfFrames \"1A\" of SOP instance 1.2.3.4.5: not an "
	                       "integer [range]\n");
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(access(values, F_OK), -1);
	done(&r);
	r = RUN("build", "--diagnostics", "json", "--from", "dicom-json", "--base", BASE, bad);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "\"path\":\"$[0]\",\"severity\":\"error\",\"code\":\"range\"");
	assert_contains(r.err, "/bad.json\",\"line\":null");
	done(&r);
	/* JSON syntax: the line and column */
	write_file(bad, "[\n{\"0020000D\": }]");
	r = RUN("build", "--from", "dicom-json", "--base", BASE, bad);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "bad.json: not valid JSON\n");
	assert_contains(r.err, "bad.json:2:");
	done(&r);
	/* a time without its zone: says which tag, and --timezone */
	write_file(bad, "{\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]},\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4\"]},"
	                "\"00080016\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.2\"]},"
	                "\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.5\"]},\"00080060\":{\"vr\":\"CS\",\"Value\":[\"CT\"]},"
	                "\"00080020\":{\"vr\":\"DA\",\"Value\":[\"20240715\"]},\"00080030\":{\"vr\":\"TM\",\"Value\":[\"0930\"]}}");
	r = RUN("build", "--from", "dicom-json", "--base", BASE, bad);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "00080030 StudyTime \"0930\" of SOP instance 1.2.3.4.5: a time needs its zone");
	assert_contains(r.err, "--timezone");
	done(&r);
	r = RUN("build", "--from", "dicom-json", "--base", BASE, "--timezone", "Europe/Paris", bad);
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "<effectiveTime value=\"20240715093000+0200\"/>");
	done(&r);
}

#ifdef CDAIMG_WITH_DCMTK
static const char *pydicom(const char *name)
{
	static char path[2][4096];
	static int slot;
	slot ^= 1;
	const char *d = getenv("PYDICOM_TEST_FILES");
	snprintf(path[slot], sizeof path[slot], "%s/%s",
	         d && *d ? d : "/usr/lib/python3/dist-packages/pydicom/data/test_files", name);
	if (access(path[slot], R_OK))
		fail_msg("%s: missing (Debian python3-pydicom)", path[slot]);
	return path[slot];
}

/* DICOM files: a CT and an SR, the SR left out under its own name; --strict refuses it. */
static void cli_dicom__files_sr_left_out(void **state)
{
	char ct[4096], sr[4096];
	snprintf(ct, sizeof ct, "%s", pydicom("CT_small.dcm"));
	snprintf(sr, sizeof sr, "%s", pydicom("test-SR.dcm"));
	run_result r = RUN("build", "--from", "dicom", "--base", BASE, "--timezone", "+01:00", ct, sr);
	assert_int_equal(r.rc, 0);
	char line[4200];
	snprintf(line, sizeof line, "%s: warning: 00080060 Modality \"SR\" of SOP instance ", sr);
	assert_contains(r.err, line);
	assert_contains(r.err, "left out: its modality is not an imaging acquisition modality of the fr profile");
	assert_contains(r.out, "<id root=\"1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322\"/>");
	done(&r);
	r = RUN("build", "--from", "dicom", "--base", BASE, "--timezone", "+01:00", "--strict", ct, sr);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_string_equal(r.out, "");
	done(&r);
	r = RUN("build", "--from", "dicom", "--base", BASE, "--timezone", "+01:00", sr);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "no imaging series left in the input");
	done(&r);
	r = RUN("build", "--from", "dicom", "--base", BASE, pydicom("README.txt"));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "README.txt: not a DICOM file (no Part 10 header");
	done(&r);
	/* the file and its DICOM JSON give the same document */
	run_result a = RUN("build", "--from", "dicom", "--base", BASE, "--as", "document", "--sample-header", ct);
	run_result b = RUN("build", "--from", "dicom-json", "--base", BASE, "--as", "document", "--sample-header",
	                   fixture("CT_small.json"));
	if (a.rc != 0 || b.rc != 0)
		fail_msg("%d %d:\n%s\n%s", a.rc, b.rc, a.err, b.err);
	assert_string_equal(a.out, b.out);
	done(&a);
	done(&b);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_dicom__usage_errors),
		cmocka_unit_test(cli_dicom__json_entry_and_values_out),
		cmocka_unit_test(cli_dicom__errors_under_their_file),
#ifdef CDAIMG_WITH_DCMTK
		cmocka_unit_test(cli_dicom__files_sr_left_out),
#endif
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
