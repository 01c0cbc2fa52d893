/* SPDX-License-Identifier: MIT */
/* cli_test.c - the cdaimg command, run in-process through cdaimg_cli_run(). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "testutil.h"

/* --- harness ------------------------------------------------------------------------------ */

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

/* Run cdaimg with the NULL-terminated arguments; @p out_file NULL: a temporary file;
 * @p err_file NULL: a temporary file, whose text goes to r.err. */
static run_result run_full(FILE *out_file, FILE *err_file, const char *const *args)
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

static run_result run_to(FILE *out_file, const char *const *args) { return run_full(out_file, NULL, args); }

#define RUN(...) run_to(NULL, (const char *const[]){__VA_ARGS__, NULL})

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

/* A path in the test's temporary folder (static buffer, one at a time per slot). */
static const char *tmp(const char *name)
{
	static char buf[4][256];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
	return buf[slot];
}

static const char *sample(const char *name)
{
	static char buf[4][1024];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s", tu_src(name));
	return buf[slot];
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	char *t = tu_read(path, NULL);
	if (!t)
		fail_msg("cannot read %s", path);
	return t;
}

/* Number of entries of the temporary folder (a leftover temporary file shows here). */
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

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdaimg-cli-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* --- help, version, usage ----------------------------------------------------------------- */

static void cli__no_command_is_a_usage_error(void **state)
{
	(void)state;
	run_result r = RUN(NULL);
	assert_int_equal(r.rc, CLI_USAGE);
	assert_string_equal(r.err, "cdaimg: a command is needed: sample, build, validate or extract\n"
	                           "Try 'cdaimg --help'.\n");
	assert_string_equal(r.out, "");
	done(&r);
}

static void cli__help_and_version_on_every_command(void **state)
{
	(void)state;
	static const char *const cmds[] = {"sample", "build", "validate", "extract"};
	char version[64];
	snprintf(version, sizeof version, "cdaimg %s (libxml2 ", CDAIMG_VERSION_STRING);
	run_result r = RUN("--help");
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "Usage: cdaimg COMMAND");
	assert_contains(r.out, "Exit status: 0 success; 1 invalid input or invalid document; 2 usage error;\n3 input/output error.");
	done(&r);
	r = RUN("--version");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.out, version, strlen(version));
	done(&r);
	for (size_t i = 0; i < 4; i++) {
		char usage[64];
		snprintf(usage, sizeof usage, "Usage: cdaimg %s", cmds[i]);
		r = RUN(cmds[i], "--help");
		assert_int_equal(r.rc, 0);
		assert_memory_equal(r.out, usage, strlen(usage));
		assert_contains(r.out, "Exit status: 0");
		assert_string_equal(r.err, "");
		done(&r);
		r = RUN(cmds[i], "-h");
		assert_int_equal(r.rc, 0);
		assert_memory_equal(r.out, usage, strlen(usage));
		done(&r);
		r = RUN(cmds[i], "--version");
		assert_int_equal(r.rc, 0);
		assert_memory_equal(r.out, version, strlen(version));
		done(&r);
	}
}

static void expect_usage(const char *const *args, const char *message)
{
	run_result r = run_to(NULL, args);
	assert_int_equal(r.rc, CLI_USAGE);
	assert_contains(r.err, message);
	assert_contains(r.err, "Try 'cdaimg");
	assert_string_equal(r.out, "");
	done(&r);
}

#define EXPECT_USAGE(msg, ...) expect_usage((const char *const[]){__VA_ARGS__, NULL}, msg)

static void cli__usage_errors_exit_2(void **state)
{
	(void)state;
	EXPECT_USAGE("cdaimg: unknown command 'frobnicate'\nTry 'cdaimg --help'.\n", "frobnicate");
	EXPECT_USAGE("cdaimg: unknown option '--frob'\nTry 'cdaimg --help'.\n", "--frob");
	EXPECT_USAGE("cdaimg: unknown option '--frob'\nTry 'cdaimg build --help'.\n", "build", "--frob", "x.json");
	EXPECT_USAGE("cdaimg: unknown option '-x'", "build", "-x", "x.json");
	EXPECT_USAGE("--as takes entry, section or document, not 'page'", "build", "--as", "page", "x.json");
	EXPECT_USAGE("--as takes entry, section or document, not 'page'", "build", "--as=page", "x.json");
	EXPECT_USAGE("option '--output' needs an argument (FILE)", "build", "x.json", "--output");
	EXPECT_USAGE("option '--strict' takes no argument", "build", "--strict=yes", "x.json");
	EXPECT_USAGE("an input file is needed (or '-' for standard input)", "build");
	EXPECT_USAGE("one input file only ('b.json' is extra)", "build", "a.json", "b.json");
	EXPECT_USAGE("--header goes with --as document", "build", "--header", "h.json", "a.json");
	EXPECT_USAGE("--header goes with --as document", "build", "--as", "section", "--header", "h.json", "a.json");
	EXPECT_USAGE("the header and the input cannot both be standard input", "build", "--as", "document",
	             "--header", "-", "-");
	EXPECT_USAGE("the values and the header cannot both go to standard output", "extract", "--header-out", "-",
	             "a.xml");
	EXPECT_USAGE("at least one file to validate is needed", "validate", "--no-rules");
	EXPECT_USAGE("--schema takes ans, hl7, hl7-sdtc or the path of an XSD file, not 'hl8'", "validate", "--schema",
	             "hl8", "x.xml");
	EXPECT_USAGE("sample takes no input ('x.json')", "sample", "x.json");
	EXPECT_USAGE("an input file is needed", "extract");
}

/* --- build -------------------------------------------------------------------------------- */

static void cli__build_entry_to_stdout_is_the_committed_sample(void **state)
{
	(void)state;
	run_result r = RUN("build", sample("samples/ct-iid.json"));
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	char *want = read_text(sample("samples/ct-iid.xml"));
	assert_string_equal(r.out, want);
	assert_contains(r.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<act xmlns=\"urn:hl7-org:v3\"");
	free(want);
	done(&r);
	/* "-o -" is standard output too */
	r = RUN("build", "-o", "-", sample("samples/xa-multiframe.json"));
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "<high value=\"96\"/>");
	done(&r);
}

static void cli__build_invalid_input_exact_messages(void **state)
{
	(void)state;
	const char *out = tmp("bad.xml");
	run_result r = RUN("build", "-o", out, "--", sample("samples/invalid/bad-status.json"));
	assert_int_equal(r.rc, CLI_INVALID);
	char want[2048];
	snprintf(want, sizeof want,
	         "cdaimg: %s: invalid input (1 error)\n"
	         "$.instanceSOP.statut: \"done\" is not an HL7 ActStatus code; expected one of aborted, active, "
	         "cancelled, completed, held, new, suspended [status]\n",
	         sample("samples/invalid/bad-status.json"));
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(count_files(), 0);
	done(&r);
}

static void cli__build_json_errors(void **state)
{
	(void)state;
	const char *in = tmp("syntax.json");
	write_file(in, "{\n  \"resourceType\": \"FrSerieImagerie\",\n  \"date\": 2024-03-12\n}\n");
	run_result r = RUN("build", in);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, ": not valid JSON\nline 3: column ");
	assert_contains(r.err, " [json]\n");
	done(&r);
	r = RUN("build", sample("samples/invalid/batch-wrong-type.json"));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "invalid input (1 error)\n$[1].uuidSerie[0].value: expected a string, found an integer [json]\n");
	done(&r);
	unlink(in);
}

static void cli__strict_turns_unknown_members_into_errors(void **state)
{
	(void)state;
	const char *in = sample("samples/invalid/unknown-member-strict.json");
	const char *out = tmp("u.xml");
	run_result r = RUN("build", in, "-o", out);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "$.pacsComment: warning: FrSerieImagerie has no such member; ignored [unknown-member]\n");
	assert_int_equal(access(out, F_OK), 0);
	done(&r);
	unlink(out);
	r = RUN("build", "--strict", in, "-o", out);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "invalid input (1 error)\n$.pacsComment: FrSerieImagerie has no such member [unknown-member]\n");
	assert_int_equal(access(out, F_OK), -1);
	done(&r);
}

static void cli__failed_build_keeps_the_previous_file(void **state)
{
	(void)state;
	const char *out = tmp("keep.xml");
	write_file(out, "previous\n");
	run_result r = RUN("build", "-o", out, sample("samples/invalid/wado-series-mismatch.json"));
	assert_int_equal(r.rc, CLI_INVALID);
	char *t = read_text(out);
	assert_string_equal(t, "previous\n");
	free(t);
	assert_int_equal(count_files(), 1);
	done(&r);
	unlink(out);
}

static void cli__output_replaced_atomically_keeping_its_mode(void **state)
{
	(void)state;
	const char *out = tmp("mode.xml");
	write_file(out, "old\n");
	assert_int_equal(chmod(out, 0640), 0);
	run_result r = RUN("build", sample("samples/us-wado-rs.json"), "--output", out);
	assert_int_equal(r.rc, 0);
	char *got = read_text(out), *want = read_text(sample("samples/us-wado-rs.xml"));
	assert_string_equal(got, want);
	free(got);
	free(want);
	struct stat st;
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(count_files(), 1);
	done(&r);
	/* through a symbolic link: the target is replaced, the link stays */
	const char *link = tmp("link.xml");
	assert_int_equal(symlink(out, link), 0);
	r = RUN("build", sample("samples/ct-iid.json"), "-o", link);
	assert_int_equal(r.rc, 0);
	struct stat lst;
	assert_int_equal(lstat(link, &lst), 0);
	assert_true(S_ISLNK(lst.st_mode));
	got = read_text(out);
	assert_contains(got, "1.2.250.1.999.1.2.3.1.1");
	free(got);
	assert_int_equal(count_files(), 2);
	done(&r);
	unlink(link);
	unlink(out);
}

static void cli__write_errors_exit_3_and_leave_nothing(void **state)
{
	(void)state;
	const char *in = sample("samples/ct-iid.json");
	run_result r = RUN("build", in, "-o", tmp("no-such-dir/out.xml"));
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, "cdaimg: cannot write ");
	assert_contains(r.err, "no-such-dir/out.xml: No such file or directory\n");
	done(&r);
	r = RUN("build", in, "-o", "/dev/full");
	assert_int_equal(r.rc, CLI_IO);
	assert_string_equal(r.err, "cdaimg: cannot write /dev/full: No space left on device\n");
	done(&r);
	r = RUN("build", in, "-o", "/dev/null");
	assert_int_equal(r.rc, 0);
	done(&r);
	r = RUN("build", in, "-o", tmpdir);
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, ": it is a directory\n");
	done(&r);
	/* standard output that cannot be written (cdaimg build x.json > /dev/full) */
	FILE *full = fopen("/dev/full", "w");
	assert_non_null(full);
	r = run_to(full, (const char *const[]){"build", in, NULL});
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, "cdaimg: cannot write to standard output");
	done(&r);
	assert_int_equal(count_files(), 0);
}

static void cli__read_errors_exit_3(void **state)
{
	(void)state;
	run_result r = RUN("build", tmp("missing.json"));
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, "cdaimg: cannot read ");
	assert_contains(r.err, "missing.json: No such file or directory\n");
	done(&r);
	r = RUN("build", tmpdir);
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, ": it is a directory\n");
	done(&r);
	r = RUN("validate", tmp("missing.xml"));
	assert_int_equal(r.rc, CLI_IO);
	done(&r);
	r = RUN("validate", tmpdir);
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, ": read error: Is a directory [io]\n");
	done(&r);
	r = RUN("validate", "--stream", tmpdir);
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, ": read error: Is a directory [io]\n");
	done(&r);
}

static void cli__array_gives_an_entries_list(void **state)
{
	(void)state;
	run_result r = RUN("build", sample("samples/batch.json"));
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "<entries>\n  <act xmlns=\"urn:hl7-org:v3\"");
	char *want = read_text(sample("samples/batch.xml"));
	assert_string_equal(r.out, want);
	free(want);
	done(&r);
}

/* Arrays are streamed: a large batch gives every act, and one invalid item
 * anywhere leaves the previous file as it was. */
static void cli__large_batch_is_streamed(void **state)
{
	(void)state;
	char *one = read_text(sample("samples/us-wado-rs.json"));
	size_t n = 300, len = strlen(one);
	char *batch = malloc(n * (len + 2) + 3);
	char *p = batch;
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		memcpy(p, one, len);
		p += len;
	}
	strcpy(p, "]");
	const char *in = tmp("batch.json"), *out = tmp("batch.xml");
	write_file(in, batch);
	run_result r = RUN("build", "-o", out, in);
	assert_int_equal(r.rc, 0);
	done(&r);
	char *xml = read_text(out);
	size_t acts = 0;
	for (const char *q = xml; (q = strstr(q, "<act xmlns=\"urn:hl7-org:v3\"")); q++)
		acts++;
	assert_int_equal(acts, n);
	/* break the last item: nothing replaces the file */
	char *last = strstr(batch + (n - 1) * (len + 1), "\"completed\"");
	assert_non_null(last);
	memcpy(last, "\"completes\"", 11);
	write_file(in, batch);
	r = RUN("build", "-o", out, in);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "$[299].instanceSOP.statut");
	done(&r);
	char *again = read_text(out);
	assert_string_equal(again, xml);
	assert_int_equal(count_files(), 2);
	free(again);
	free(xml);
	free(batch);
	free(one);
	unlink(in);
	unlink(out);
}

/* Issue 8: in every profile, every sample builds, is schema-valid and passes
 * that profile's rules (cdaimg validate picks them by the template ids). */
static void cli__every_sample_in_every_profile(void **state)
{
	(void)state;
	static const char *const inputs[] = {"samples/batch.json", "samples/ct-iid.json", "samples/mr-wado-uri.json",
	                                     "samples/study-ct-tap.json", "samples/us-wado-rs.json",
	                                     "samples/xa-multiframe.json"};
	static const char *const profiles[] = {"fr", "dicom", "ccda"};
	const char *out = tmp("profile-sample.xml");
	for (size_t p = 0; p < 3; p++) {
		for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
			run_result r = RUN("build", "--profile", profiles[p], "-o", out, sample(inputs[i]));
			if (r.rc != 0)
				fail_msg("%s in profile %s: %s", inputs[i], profiles[p], r.err);
			done(&r);
			r = RUN("validate", "--schema", "hl7", out);
			if (r.rc != 0)
				fail_msg("%s in profile %s does not validate: %s%s", inputs[i], profiles[p], r.out, r.err);
			done(&r);
		}
	}
	unlink(out);
}

static void cli__profiles(void **state)
{
	(void)state;
	const char *out = tmp("profile.xml");
	run_result r = RUN("build", "--profile", "dicom", "-o", out, sample("samples/us-wado-rs.json"));
	assert_int_equal(r.rc, 0);
	done(&r);
	char *t = read_text(out);
	assert_contains(t, "<templateId root=\"1.2.840.10008.9.17\"/>");
	assert_null(strstr(t, "1.2.250.1.213.1.1.3.156"));
	assert_contains(t, "displayName=\"Series\"");
	free(t);
	r = RUN("validate", "--schema", "hl7", "--no-rules", out);
	assert_int_equal(r.rc, 0);
	done(&r);
	/* several instances: refused in FR (D8), accepted in ccda with the C-CDA ids */
	r = RUN("build", sample("tests/data/us-two-instances.json"));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "$.instanceSOP[1]: the FR profile has exactly one SOP instance per series (D8)");
	done(&r);
	r = RUN("build", "--profile", "ccda", "-o", out, sample("tests/data/us-two-instances.json"));
	assert_int_equal(r.rc, 0);
	done(&r);
	t = read_text(out);
	assert_contains(t, "<templateId root=\"2.16.840.1.113883.10.20.22.4.63\"/>");
	assert_contains(t, "instances/1.2.250.1.999.3.20240502.7.1.5");
	free(t);
	r = RUN("build", "--profile", "hl7", sample("samples/us-wado-rs.json"));
	assert_int_equal(r.rc, CLI_USAGE);
	assert_contains(r.err, "--profile takes fr, dicom or ccda");
	done(&r);
	unlink(out);
}

static void cli__link_built_from_base(void **state)
{
	(void)state;
	run_result r = RUN("build", sample("tests/data/study-link-from-base.json"));
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "<reference value=\"https://pacs.example.org/dicom-web/studies/1.2.250.1.999.3.20240502.7"
	                       "/series/1.2.250.1.999.3.20240502.7.1/instances/1.2.250.1.999.3.20240502.7.1.4\"/>");
	done(&r);
}

/* --- validate ----------------------------------------------------------------------------- */

static void cli__validate_reports_each_problem_and_a_summary(void **state)
{
	(void)state;
	const char *good = sample("samples/mr-wado-uri.xml");
	run_result r = RUN("validate", "--no-rules", good);
	assert_int_equal(r.rc, 0);
	char want[1200];
	snprintf(want, sizeof want, "%s: valid (schema ans)\n", good);
	assert_string_equal(r.out, want);
	done(&r);
	r = RUN("validate", "--schema", "hl7", "--no-rules", good);
	assert_int_equal(r.rc, 0);
	snprintf(want, sizeof want, "%s: valid (schema hl7)\n", good);
	assert_string_equal(r.out, want);
	done(&r);

	const char *bad = tmp("bad-act.xml");
	write_file(bad, "<?xml version=\"1.0\"?>\n<act xmlns=\"urn:hl7-org:v3\" classCode=\"ACT\" moodCode=\"EVN\">\n"
	                "  <bogus/>\n</act>\n");
	r = RUN("validate", "--no-rules", bad, good);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want, "%s:3: /act/bogus: Element '{urn:hl7-org:v3}bogus'", bad);
	assert_contains(r.out, want);
	snprintf(want, sizeof want, "%s: not valid: ", bad);
	assert_contains(r.out, want);
	snprintf(want, sizeof want, "%s: valid (schema ans)\n", good);
	assert_contains(r.out, want);
	done(&r);

	const char *broken = tmp("broken.xml");
	write_file(broken, "<act xmlns=\"urn:hl7-org:v3\">\n<id>\n</act>\n");
	r = RUN("validate", broken);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want, "%s: not well-formed XML\n", broken);
	assert_contains(r.out, want);
	snprintf(want, sizeof want, "%s:4: not well-formed: ", broken);
	assert_contains(r.out, want);
	done(&r);

	/* an unreadable file wins over an invalid one: exit 3 */
	r = RUN("validate", broken, tmp("missing.xml"));
	assert_int_equal(r.rc, CLI_IO);
	done(&r);
	r = RUN("validate", "--schema", tmp("missing.xsd"), good);
	assert_int_equal(r.rc, CLI_IO);
	assert_contains(r.err, "cdaimg: cannot load the schema ");
	done(&r);
	unlink(bad);
	unlink(broken);
}

static void cli__validate_checks_each_entry_of_a_list(void **state)
{
	(void)state;
	const char *list = tmp("list.xml");
	char *batch = read_text(sample("samples/batch.xml"));
	/* break the second act: its statusCode goes before its id */
	char *second = strstr(strstr(batch, "<act ") + 1, "<act ");
	assert_non_null(second);
	char *id = strstr(second, "<id ");
	memcpy(id, "<xx ", 4);
	write_file(list, batch);
	free(batch);
	run_result r = RUN("validate", "--schema", "hl7", "--no-rules", list);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.out, "Element '{urn:hl7-org:v3}xx'");
	done(&r);
	unlink(list);
}

/* A time the schema takes but no calendar has: an error of the rules stage,
 * on the attribute, with its line. */
static void cli__validate_reports_a_date_that_does_not_exist(void **state)
{
	(void)state;
	const char *path = tmp("bad-date.xml");
	char *text = read_text(sample("samples/mr-wado-uri.xml"));
	char *value = strstr(text, "<effectiveTime value=\"20240415140211+0200\"/>");
	assert_non_null(value);
	memcpy(value + strlen("<effectiveTime value=\""), "20241399", 8); /* 20241399140211+0200 */
	write_file(path, text);
	free(text);
	run_result r = RUN("validate", path);
	assert_int_equal(r.rc, CLI_INVALID);
	char want[1200];
	snprintf(want, sizeof want,
	         "%s:13: /act/effectiveTime/@value: \"20241399140211+0200\" is not a date that exists: month 13 "
	         "does not exist [date]\n",
	         path);
	assert_contains(r.out, want);
	done(&r);
	/* the schema alone takes it */
	r = RUN("validate", "--no-rules", path);
	assert_int_equal(r.rc, 0);
	done(&r);
	unlink(path);
}

/* --- sample, section, document, extract (when the library has them) ---------------------- */

static void cli__sample_is_a_valid_document(void **state)
{
	(void)state;
	const char *out = tmp("sample.xml");
	run_result r = RUN("sample", "-o", out);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	done(&r);
	char *doc = read_text(out);
	assert_contains(doc, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
	/* declared once, on the root, for every xsi:type below (as the ANS examples do) */
	assert_null(strstr(strstr(doc, "xmlns:xsi") + 1, "xmlns:xsi"));
	assert_non_null(strstr(doc, "xsi:type="));
	assert_contains(doc, "IHEInvokeImageDisplay?requestType=STUDY&amp;studyUID=1.2.250.1.999.1.2.3");
	/* the IID link's idCDA names this document (D5, the ANS recipe) */
	assert_contains(doc, "<templateId root=\"1.2.250.1.213.1.1.1.45\" extension=\"2024.01\"/>\n  <id root=\"1.2.250.1.999.9.42\"/>");
	assert_contains(doc, "&amp;idCDA=1.2.250.1.999.9.42\"");
	char *want = read_text(sample("samples/sample.xml"));
	assert_string_equal(doc, want);
	free(want);
	free(doc);
	r = RUN("validate", out);
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, ": valid (schema ans");
	done(&r);
	unlink(out);
	r = RUN("sample");
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "<ClinicalDocument");
	done(&r);
}

static void cli__document_needs_studies(void **state)
{
	(void)state;
	run_result r = RUN("build", "--as", "document", sample("samples/batch.json"));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "invalid input (2 errors)\n$[0]: a section or a document is built from "
	                       "FrExamenImagerie (a study): a series alone has no Study Instance UID [required]\n$[1]: ");
	done(&r);
}

static void cli__document_header_from_a_file(void **state)
{
	(void)state;
	const char *study = sample("samples/study-ct-tap.json");
	const char *hdr = tmp("header.json");
	write_file(hdr, "{\"patient_given\": \"JEANNE\", \"patient_family\": \"MARTIN\", \"patient_birth\": \"1961-07-14\",\n"
	                " \"author_rpps\": \"10001234567\", \"title\": \"CR de scanner\",\n"
	                " \"anatomical_site\": {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"302551006\"}]}}\n");
	const char *out = tmp("doc.xml");
	run_result r = RUN("build", "--as", "document", "--header", hdr, "-o", out, study);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	done(&r);
	char *doc = read_text(out);
	assert_contains(doc, "<title>CR de scanner</title>");
	assert_contains(doc, "<family qualifier=\"BR\">MARTIN</family>\n          <given qualifier=\"BR\">JEANNE</given>");
	assert_contains(doc, "<birthTime value=\"19610714\"/>");
	assert_contains(doc, "extension=\"810001234567\"");
	assert_null(strstr(doc, "CAMILLE")); /* the sample patient is gone */
	assert_contains(doc, "RADIOLOGUE"); /* a field not given keeps its sample value */
	assert_contains(doc, "<targetSiteCode code=\"302551006\" codeSystem=\"2.16.840.1.113883.6.96\" "
	                     "codeSystemName=\"SNOMED CT\" displayName=\"thorax entier\">");
	assert_contains(doc, "<observation classCode=\"OBS\" moodCode=\"EVN\" negationInd=\"true\">");
	free(doc);
	r = RUN("validate", out);
	assert_int_equal(r.rc, 0);
	done(&r);
	unlink(out);

	/* no anatomical site: refused, the member named, nothing written */
	write_file(hdr, "{\"title\": \"CR de scanner\"}");
	r = RUN("build", "--as", "document", "--header", hdr, "-o", out, study);
	assert_int_equal(r.rc, CLI_INVALID);
	char want[1024];
	snprintf(want, sizeof want,
	         "cdaimg: %s: invalid header (1 error)\n"
	         "%s: $.anatomical_site: the anatomical site of the imaging act is required (targetSiteCode of "
	         "FR-DICOM-Technique-imagerie: a code of JDV_LocalisationAnatomique_CISIS, e.g. {\"system\": "
	         "\"http://snomed.info/sct\", \"code\": \"302551006\", \"display\": \"thorax entier\"}) [required]\n",
	         hdr, hdr);
	assert_string_equal(r.err, want);
	done(&r);
	assert_int_equal(access(out, F_OK), -1);
	/* codes outside their value sets: errors at their JSON paths */
	write_file(hdr, "{\"anatomical_site\": {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"123\"}]},\n"
	                " \"contraindications\": [{\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"1-8\"}]}]}");
	r = RUN("build", "--as", "document", "--header", hdr, "-o", out, study);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want,
	         "cdaimg: %s: invalid header (2 errors)\n"
	         "%s: $.anatomical_site.coding[0].code: \"123\" is not in JDV_LocalisationAnatomique_CISIS "
	         "(1.2.250.1.213.1.1.5.694) [code-unknown]\n"
	         "%s: $.contraindications[0].coding[0].system: \"http://loinc.org\" is not a code system of "
	         "JDV_Contre_indications_CISIS; expected http://snomed.info/sct (SNOMED CT), urn:oid:1.2.250.1.213.1.1.4.322 "
	         "(TA_ASIP), http://hl7.org/fhir/sid/icd-10 (CIM-10) [code-system]\n",
	         hdr, hdr, hdr);
	assert_string_equal(r.err, want);
	done(&r);
	assert_int_equal(access(out, F_OK), -1);

	/* a header value the library refuses: named in the header file, nothing written */
	write_file(hdr, "{\"patient_birth\": \"1961-02-30\", \"patient_gender\": \"W\",\n"
	                " \"anatomical_site\": {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"302551006\"}]}}");
	r = RUN("build", "--as", "document", "--header", hdr, "-o", out, study);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want,
	         "cdaimg: %s: invalid header (2 errors)\n"
	         "%s: $.patient_gender: \"W\" is not an administrative gender; expected M, F or U [code-unknown]\n"
	         "%s: $.patient_birth: \"1961-02-30\" is not a valid dateTime: 1961-02-30 does not exist [date]\n",
	         hdr, hdr, hdr);
	assert_string_equal(r.err, want);
	done(&r);
	assert_int_equal(access(out, F_OK), -1);

	/* a header that is not one: JSON paths in the header file */
	write_file(hdr, "{\"patient_birth\": 19610714, \"patientName\": \"x\"}");
	r = RUN("build", "--as", "document", "--header", hdr, "-o", out, study);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want,
	         "cdaimg: %s: not a document header\n"
	         "%s: $.patient_birth: expected a string, found an integer [json]\n"
	         "%s: $.patientName: warning: the document header has no such member; ignored [unknown-member]\n",
	         hdr, hdr, hdr);
	assert_string_equal(r.err, want);
	done(&r);
	write_file(hdr, "{\"patientName\": \"x\",\n"
	                " \"anatomical_site\": {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"302551006\"}]}}");
	r = RUN("build", "--as", "document", "--header", hdr, "-o", out, study);
	assert_int_equal(r.rc, 0); /* unknown members are warnings... */
	assert_contains(r.err, "$.patientName: warning:");
	done(&r);
	r = RUN("build", "--strict", "--as", "document", "--header", hdr, "-o", out, study);
	assert_int_equal(r.rc, CLI_INVALID); /* ...errors with --strict */
	assert_contains(r.err, "header.json: $.patientName: the document header has no such member [unknown-member]\n");
	done(&r);
	write_file(hdr, "{\"title\": ");
	r = RUN("build", "--as", "document", "--header", hdr, study);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "header.json: not valid JSON\n");
	assert_contains(r.err, "header.json:1: column ");
	done(&r);
	r = RUN("build", "--as", "document", "--header", tmp("missing.json"), study);
	assert_int_equal(r.rc, CLI_IO);
	done(&r);
	unlink(hdr);
	unlink(out);
}

/* extract --header-out gives the header back in the form --header reads:
 * values and header extracted from a document build the same document. */
static void cli__document_header_back(void **state)
{
	(void)state;
	const char *doc = sample("samples/study-ct-tap.header.document.xml");
	const char *hdr = tmp("back-header.json"), *vals = tmp("back-values.json"), *again = tmp("again.xml");
	run_result r = RUN("extract", "--header-out", hdr, "-o", vals, doc);
	assert_int_equal(r.rc, 0);
	done(&r);
	char *h = read_text(hdr);
	assert_contains(h, "\"patient_family\": \"MARTIN\"");
	assert_contains(h, "\"author_rpps\": \"10001234567\""); /* without the 8 the build puts before it */
	free(h);
	r = RUN("build", "--as", "document", "--header", hdr, "-o", again, vals);
	assert_int_equal(r.rc, 0);
	done(&r);
	char *a = read_text(doc), *b = read_text(again);
	assert_string_equal(a, b);
	free(a);
	free(b);
	unlink(hdr);
	unlink(vals);
	unlink(again);

	/* only a document has a header: nothing written, values included */
	r = RUN("extract", "--header-out", hdr, "-o", vals, sample("samples/study-ct-tap.xml"));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "problems found; nothing written");
	assert_contains(r.err, "/act: not a ClinicalDocument: only a document has a header [extract]");
	done(&r);
	assert_int_equal(access(hdr, F_OK), -1);
	assert_int_equal(access(vals, F_OK), -1);
	/* the header to standard output, the values to a file */
	r = RUN("extract", "--header-out", "-", "-o", vals, doc);
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "\"title\": \"CR de scanner thoraco-abdomino-pelvien\"");
	done(&r);
	unlink(vals);
}

static void cli__section_validates_against_both_schemas(void **state)
{
	(void)state;
	const char *out = tmp("section.xml");
	run_result r = RUN("build", "--as", "section", "-o", out, sample("samples/study-ct-tap.json"));
	assert_int_equal(r.rc, 0);
	done(&r);
	char *t = read_text(out);
	assert_contains(t, "<section xmlns=\"urn:hl7-org:v3\"");
	free(t);
	r = RUN("validate", "--schema", "hl7", "--no-rules", out);
	assert_int_equal(r.rc, 0);
	done(&r);
	r = RUN("validate", "--no-rules", out);
	assert_int_equal(r.rc, 0);
	done(&r);
	unlink(out);
	r = RUN("build", "--as", "section", sample("samples/invalid/study-two-errors.json"));
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "$.serieImagerie[1].referenceWado.reference: the link's studyUID");
	assert_contains(r.err, "$.serieImagerie[2].instanceSOP.statut: \"final\"");
	done(&r);
}

/* Drop "display" members of @p out that @p in has not (build fills them from the value sets). */
static void drop_filled_displays(json_t *out, const json_t *in)
{
	if (json_is_array(out)) {
		for (size_t i = 0; i < json_array_size(out); i++)
			drop_filled_displays(json_array_get(out, i), json_array_get(in, i));
	} else if (json_is_object(out)) {
		if (!json_object_get(in, "display"))
			json_object_del(out, "display");
		const char *k;
		json_t *v;
		json_object_foreach(out, k, v) drop_filled_displays(v, json_object_get(in, k));
	}
}

static void round_trip(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "samples/%s.json", name);
	const char *xml = tmp("rt.xml"), *json = tmp("rt.json");
	run_result r = RUN("build", sample(path), "-o", xml);
	assert_int_equal(r.rc, 0);
	done(&r);
	r = RUN("extract", xml, "-o", json);
	assert_int_equal(r.rc, 0);
	done(&r);
	json_error_t e;
	json_t *in = json_load_file(sample(path), 0, &e), *out = json_load_file(json, 0, &e);
	assert_non_null(in);
	assert_non_null(out);
	/* a Study Act has no place for the accession number (it goes to the document header) */
	if (json_is_object(in))
		json_object_del(in, "accessionNumber");
	drop_filled_displays(out, in);
	if (!json_equal(in, out)) {
		char *s = json_dumps(out, JSON_INDENT(1));
		fail_msg("%s: extract differs from the input:\n%s", name, s);
	}
	json_decref(in);
	json_decref(out);
	unlink(xml);
	unlink(json);
}

static void cli__build_then_extract_gives_the_input_back(void **state)
{
	(void)state;
	static const char *const names[] = {"ct-iid", "mr-wado-uri", "us-wado-rs", "xa-multiframe", "study-ct-tap",
	                                    "batch"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		round_trip(names[i]);
}

static void cli__extract_errors(void **state)
{
	(void)state;
	const char *in = tmp("none.xml"), *out = tmp("none.json");
	write_file(in, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n");
	run_result r = RUN("extract", in, "-o", out);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "no Series Act (template 1.2.840.10008.9.17) found [extract]\n");
	assert_int_equal(access(out, F_OK), -1);
	done(&r);
	write_file(in, "<act>\n");
	r = RUN("extract", in, "-o", out);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, ": not well-formed XML\n");
	assert_int_equal(access(out, F_OK), -1);
	done(&r);
	r = RUN("extract", tmp("missing.xml"));
	assert_int_equal(r.rc, CLI_IO);
	done(&r);
	unlink(in);
}

/* A large batch shows progress when standard error is a terminal. */
static void cli__progress_on_a_terminal_for_large_batches(void **state)
{
	(void)state;
	char *one = read_text(sample("samples/ct-iid.json"));
	size_t n = strlen(one);
	char *batch = malloc(250 * (n + 1) + 2), *p = batch;
	assert_non_null(batch);
	*p++ = '[';
	for (int i = 0; i < 250; i++) {
		memcpy(p, one, n);
		p += n;
		*p++ = i < 249 ? ',' : ']';
	}
	*p = '\0';
	const char *in = tmp("batch250.json");
	write_file(in, batch);
	free(batch);
	free(one);
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	FILE *tty = fopen(ptsname(master), "w");
	assert_non_null(tty);
	run_result r = run_full(NULL, tty, (const char *const[]){"build", in, "-o", "/dev/null", NULL});
	fclose(tty);
	assert_int_equal(r.rc, 0);
	/* the terminal may hand the bytes over in several reads; EIO once all is read */
	char got[4096];
	size_t k = 0;
	for (ssize_t m; k < sizeof got - 1 && (m = read(master, got + k, sizeof got - 1 - k)) > 0;)
		k += (size_t)m;
	assert_true(k > 0);
	got[k] = '\0';
	assert_contains(got, "\rcdaimg: built 50/250");
	assert_contains(got, "\rcdaimg: built 250/250");
	close(master);
	done(&r);
	/* not a terminal: nothing */
	r = RUN("build", in, "-o", "/dev/null");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	done(&r);
	unlink(in);
}

/* Standard input: "-" (last: stdin is replaced for the rest of the program). */
static void cli__dash_reads_standard_input(void **state)
{
	(void)state;
	assert_non_null(freopen(sample("samples/ct-iid.json"), "r", stdin));
	run_result r = RUN("build", "-");
	assert_int_equal(r.rc, 0);
	char *want = read_text(sample("samples/ct-iid.xml"));
	assert_string_equal(r.out, want);
	free(want);
	done(&r);
	assert_non_null(freopen(sample("samples/invalid/bad-status.json"), "r", stdin));
	r = RUN("build", "-");
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "cdaimg: standard input: invalid input (1 error)\n");
	done(&r);
}

/* --stream: the XML Schema only, while reading; the same exit statuses. */
static void cli__validate_stream(void **state)
{
	(void)state;
	const char *good = sample("samples/sample.xml");
	char want[1200];
	run_result r = RUN("validate", "--stream", good);
	assert_int_equal(r.rc, 0);
	snprintf(want, sizeof want, "%s: valid (schema ans)\n", good); /* no template rules */
	assert_string_equal(r.out, want);
	done(&r);
	r = RUN("validate", "--help");
	assert_contains(r.out, "  --stream           XML Schema only (implies --no-rules)");
	done(&r);

	char *text = read_text(good);
	char *at = strstr(text, "<structuredBody>");
	assert_non_null(at);
	long line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	const char *bad = tmp("bad-doc.xml");
	FILE *f = fopen(bad, "w");
	assert_non_null(f);
	fprintf(f, "%.*s<structuredBody bogus=\"1\">%s", (int)(at - text), text, at + strlen("<structuredBody>"));
	assert_int_equal(fclose(f), 0);
	r = RUN("validate", "--stream", bad, good);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want, "%s:%ld: /ClinicalDocument/component/structuredBody: Element '{urn:hl7-org:v3}structuredBody', attribute 'bogus'", bad, line);
	assert_contains(r.out, want);
	snprintf(want, sizeof want, "%s: not valid: 1 error\n", bad);
	assert_contains(r.out, want);
	done(&r);

	const char *broken = tmp("broken-doc.xml");
	f = fopen(broken, "w");
	assert_non_null(f);
	fputs("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<id>\n</ClinicalDocument>\n", f);
	assert_int_equal(fclose(f), 0);
	r = RUN("validate", "--stream", broken);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want, "%s:3: not well-formed: ", broken);
	assert_contains(r.out, want);
	snprintf(want, sizeof want, "%s: not well-formed XML\n", broken);
	assert_contains(r.out, want);
	done(&r);
	r = RUN("validate", "--stream", good, tmp("missing.xml"));
	assert_int_equal(r.rc, CLI_IO);
	done(&r);

	assert_non_null(freopen(good, "r", stdin));
	r = RUN("validate", "--stream", "-");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "standard input: valid (schema ans)\n");
	done(&r);
	unlink(bad);
	unlink(broken);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli__no_command_is_a_usage_error),
		cmocka_unit_test(cli__help_and_version_on_every_command),
		cmocka_unit_test(cli__usage_errors_exit_2),
		cmocka_unit_test(cli__build_entry_to_stdout_is_the_committed_sample),
		cmocka_unit_test(cli__build_invalid_input_exact_messages),
		cmocka_unit_test(cli__build_json_errors),
		cmocka_unit_test(cli__strict_turns_unknown_members_into_errors),
		cmocka_unit_test(cli__failed_build_keeps_the_previous_file),
		cmocka_unit_test(cli__output_replaced_atomically_keeping_its_mode),
		cmocka_unit_test(cli__write_errors_exit_3_and_leave_nothing),
		cmocka_unit_test(cli__read_errors_exit_3),
		cmocka_unit_test(cli__array_gives_an_entries_list),
		cmocka_unit_test(cli__large_batch_is_streamed),
		cmocka_unit_test(cli__profiles),
		cmocka_unit_test(cli__every_sample_in_every_profile),
		cmocka_unit_test(cli__link_built_from_base),
		cmocka_unit_test(cli__validate_reports_each_problem_and_a_summary),
		cmocka_unit_test(cli__validate_checks_each_entry_of_a_list),
		cmocka_unit_test(cli__validate_reports_a_date_that_does_not_exist),
		cmocka_unit_test(cli__sample_is_a_valid_document),
		cmocka_unit_test(cli__document_needs_studies),
		cmocka_unit_test(cli__document_header_from_a_file),
		cmocka_unit_test(cli__document_header_back),
		cmocka_unit_test(cli__section_validates_against_both_schemas),
		cmocka_unit_test(cli__build_then_extract_gives_the_input_back),
		cmocka_unit_test(cli__extract_errors),
		cmocka_unit_test(cli__progress_on_a_terminal_for_large_batches),
		cmocka_unit_test(cli__dash_reads_standard_input),
		cmocka_unit_test(cli__validate_stream),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	xmlCleanupParser();
	return failed;
}
