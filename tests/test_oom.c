/* SPDX-License-Identifier: MIT */
/*
 * test_oom.c - out of memory (oom.h): for every N, the N-th allocation of a
 * call fails (libxml2's and ours: every cdaimg allocation goes through
 * xmlMalloc), until the call gets through. Every failing run must return
 * CDAIMG_ENOMEM (or, when the failure did not matter, the status and the
 * result of a run without failure), leak nothing (live allocations counted by
 * the hooks; ASan/valgrind too) and, for builds, leave the caller's document
 * as it was.
 *
 * Around schema validation and the rules only cdaimg's own allocations fail
 * (oom_exempt_libxml2: libxml2 2.9.14 crashes at some of its own);
 * validate_libxml2_failing fails libxml2's there too, in child processes.
 * CDAIMG_OOM_VERBOSE=1 prints the allocation site of every problem.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "drive.h" /* min_document_new */
#include "testutil.h"

/* The cases of this file: a failure that does not matter (of an error
 * message, say) may give the final status; a failure inside libxml2 that
 * libxml2 does not report as such may give another one; under valgrind,
 * every 7th N. */
static void run_case(const char *name, cdaimg_status (*call)(void *), char *(*done)(void *, cdaimg_status),
                     void *arg, cdaimg_status final)
{
	const oom_case c = {.name = name,
	                    .arg = arg,
	                    .call = call,
	                    .done = done,
	                    .final = final,
	                    .max_unseen = -1,
	                    .unreported_libxml2_ok = true,
	                    .valgrind_stride = 7};
	oom_run(&c);
}

/* A copy of @p s with the system allocator, for a case's result (NULL stays NULL). */
static char *copy(const char *s)
{
	if (!s)
		return NULL;
	char *c = malloc(strlen(s) + 1);
	if (!c)
		abort();
	return strcpy(c, s);
}

/* The serialization of @p doc, with the system allocator. */
static char *dump(xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int len = 0;
	xmlDocDumpMemory(doc, &mem, &len);
	char *s = copy((const char *)mem);
	xmlFree(mem);
	return s;
}

/* --- series -------------------------------------------------------------------------------- */

static const char div_text[] = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Coupes axiales</p>"
                               "<p>sans <b>injection</b></p></div>";

typedef struct build_state {
	tu_series t;
	xmlDocPtr doc;
	xmlNodePtr parent;
	char *before; /* the document before any run */
	char *xml;    /* what cdaimg_series_to_string gave */
	size_t len;
} build_state;

static void build_state_init(build_state *b)
{
	memset(b, 0, sizeof *b);
	tu_series_init(&b->t);
	b->t.s.description = (cdaimg_narrative){.status = "generated", .div = div_text};
	b->t.inst.description = (cdaimg_narrative){.status = "generated", .div = div_text};
	b->t.inst.has_frame_count = 1;
	b->t.inst.frame_count = 3;
	b->doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(b->doc, NULL, (const xmlChar *)"section", NULL);
	xmlDocSetRootElement(b->doc, root);
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL));
	b->parent = xmlNewChild(root, NULL, (const xmlChar *)"entry", NULL);
	xmlNewChild(b->parent, NULL, (const xmlChar *)"keep", (const xmlChar *)"me");
	b->before = dump(b->doc);
}

static void build_state_free(build_state *b)
{
	free(b->before);
	xmlFreeDoc(b->doc);
}

static cdaimg_status op_build(void *vs)
{
	build_state *b = vs;
	xmlNodePtr act = NULL;
	cdaimg_status st = cdaimg_series_build(&act, b->parent, &b->t.s, NULL, NULL);
	if (st == CDAIMG_OK) {
		if (!act)
			oom_problem("series_build: CDAIMG_OK without a node");
		/* remove it again, so that every run starts from the same document */
		xmlUnlinkNode(act);
		xmlFreeNode(act);
	} else if (act) {
		oom_problem("series_build: %s with a node", cdaimg_status_name(st));
	}
	return st;
}

/* The caller's document is as it was (the built act was removed on success). */
static char *build_done(void *vs, cdaimg_status st)
{
	build_state *b = vs;
	char *now = dump(b->doc);
	if (strcmp(now, b->before))
		oom_problem("series_build: %s and the caller's document changed:\n%s", cdaimg_status_name(st), now);
	free(now);
	return NULL;
}

static void series_build(void **state)
{
	(void)state;
	build_state b;
	build_state_init(&b);
	run_case("cdaimg_series_build", op_build, build_done, &b, CDAIMG_OK);
	build_state_free(&b);
}

static cdaimg_status op_to_string(void *vs)
{
	build_state *b = vs;
	b->xml = NULL;
	b->len = 7;
	return cdaimg_series_to_string(&b->xml, &b->len, &b->t.s, NULL, NULL);
}

/* No output on failure; the same text, byte for byte, after a failure that
 * did not matter (F18: the text once came out with character references when
 * libxml2 failed to copy an encoding's name). */
static char *to_string_done(void *vs, cdaimg_status st)
{
	build_state *b = vs;
	if (st != CDAIMG_OK && (b->xml || b->len))
		oom_problem("series_to_string: %s with output", cdaimg_status_name(st));
	if (st == CDAIMG_OK && (!b->xml || b->len != strlen(b->xml)))
		oom_problem("series_to_string: length %zu for %zu bytes", b->len, b->xml ? strlen(b->xml) : 0);
	char *text = st == CDAIMG_OK ? copy(b->xml) : NULL;
	cdaimg_free(b->xml);
	return text;
}

static void series_to_string(void **state)
{
	(void)state;
	build_state b;
	build_state_init(&b);
	run_case("cdaimg_series_to_string", op_to_string, to_string_done, &b, CDAIMG_OK);
	build_state_free(&b);
}

/* A div whose XML declaration names another encoding: read as UTF-8 (the
 * declaration is ignored, no encoding switch is made). */
static void series_to_string_declared_encoding(void **state)
{
	(void)state;
	build_state b;
	build_state_init(&b);
	static const char div[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
	                          "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>\xC3\xA9t\xC3\xA9</p><p>b</p></div>";
	b.t.s.description = (cdaimg_narrative){.status = "generated", .div = div};
	run_case("cdaimg_series_to_string (div with an encoding declaration)", op_to_string, to_string_done, &b,
	         CDAIMG_OK);
	build_state_free(&b);
}

/* With a diagnostics list: the list's own allocations fail too. */
static cdaimg_status op_check_diags(void *vs)
{
	build_state *b = vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	cdaimg_status st = cdaimg_series_check(&b->t.s, NULL, d);
	cdaimg_diags_free(d);
	return st;
}

static void series_check_invalid(void **state)
{
	(void)state;
	build_state b;
	build_state_init(&b);
	b.t.inst.status = "bogus";
	b.t.s.date = "2020-02-30";
	b.t.modality.code = "NOT-A-MODALITY";
	run_case("cdaimg_series_check (invalid values)", op_check_diags, NULL, &b, CDAIMG_EINVALID);
	build_state_free(&b);
}

/* --- validation and parsing -------------------------------------------------------------- */

typedef struct doc_state {
	char *xml;
	size_t len;
	xmlDocPtr doc;
	xmlNodePtr act;
	FILE *file;         /* the document in a temporary file, for the streaming validation */
	cdaimg_values *got; /* what an extraction gave */
} doc_state;

/* A ClinicalDocument holding one Series Act (the library's minimal document
 * around an entry), as text, parsed and in a file. */
static void doc_state_init(doc_state *s, int make_invalid)
{
	memset(s, 0, sizeof *s);
	tu_series t;
	tu_series_init(&t);
	xmlNodePtr entry = NULL;
	xmlDocPtr built = min_document_new(&entry);
	assert_non_null(built);
	assert_int_equal(cdaimg_series_build(NULL, entry, &t.s, NULL, NULL), CDAIMG_OK);
	xmlChar *mem = NULL;
	int len = 0;
	xmlDocDumpMemory(built, &mem, &len);
	assert_non_null(mem);
	s->xml = copy((const char *)mem);
	xmlFree(mem);
	xmlFreeDoc(built);
	if (make_invalid) {
		char *p = strstr(s->xml, "moodCode=\"EVN\"");
		memcpy(p, "moodCode=\"XYZ\"", 14);
		p = strstr(s->xml, "<statusCode code=\"completed\"/>");
		memcpy(p, "<statusCode codX=\"completed\"/>", 30);
	}
	s->len = strlen(s->xml);
	assert_int_equal(cdaimg_doc_read_memory(&s->doc, s->xml, s->len, "doc", NULL), CDAIMG_OK);
	/* /ClinicalDocument/component/structuredBody/component/section/entry/act */
	s->act = xmlDocGetRootElement(s->doc)->last->children->children->children->children->children;
	assert_string_equal((const char *)s->act->name, "act");
	s->file = tmpfile();
	assert_non_null(s->file);
	assert_int_equal(fwrite(s->xml, 1, s->len, s->file), s->len);
	assert_int_equal(fflush(s->file), 0);
}

static void doc_state_free(doc_state *s)
{
	fclose(s->file);
	xmlFreeDoc(s->doc);
	free(s->xml);
}

static cdaimg_status op_validate_doc(void *vs)
{
	doc_state *s = vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	oom_exempt_libxml2(true);
	cdaimg_status st = cdaimg_schema_validate_doc(tu_schema(CDAIMG_SCHEMA_ANS), s->doc, d);
	oom_exempt_libxml2(false);
	cdaimg_diags_free(d);
	return st;
}

static cdaimg_status op_validate_entry(void *vs)
{
	doc_state *s = vs;
	oom_exempt_libxml2(true);
	cdaimg_status st = cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), s->act, NULL);
	oom_exempt_libxml2(false);
	return st;
}

/* The document in its temporary file, validated while read. */
static cdaimg_status op_validate_stream(void *vs)
{
	doc_state *s = vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	if (lseek(fileno(s->file), 0, SEEK_SET) != 0)
		oom_problem("cannot rewind the document's file");
	oom_exempt_libxml2(true);
	cdaimg_status st = cdaimg_schema_validate_stream_fd(tu_schema(CDAIMG_SCHEMA_ANS), fileno(s->file), "doc", d);
	oom_exempt_libxml2(false);
	cdaimg_diags_free(d);
	return st;
}

static cdaimg_status op_read(void *vs)
{
	doc_state *s = vs;
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	cdaimg_status st = cdaimg_doc_read_memory(&doc, s->xml, s->len, "doc", d);
	if ((st == CDAIMG_OK) != (doc != NULL))
		oom_problem("doc_read_memory: %s with document %p", cdaimg_status_name(st), (void *)doc);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return st;
}

static void validate_valid_doc(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 0);
	run_case("cdaimg_schema_validate_doc (valid)", op_validate_doc, NULL, &s, CDAIMG_OK);
	run_case("cdaimg_schema_validate_entry (valid)", op_validate_entry, NULL, &s, CDAIMG_OK);
	run_case("cdaimg_schema_validate_stream_fd (valid)", op_validate_stream, NULL, &s, CDAIMG_OK);
	doc_state_free(&s);
}

static void validate_invalid_doc(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 1);
	run_case("cdaimg_schema_validate_doc (invalid)", op_validate_doc, NULL, &s, CDAIMG_ENONCONFORMANT);
	run_case("cdaimg_schema_validate_stream_fd (invalid)", op_validate_stream, NULL, &s, CDAIMG_ENONCONFORMANT);
	doc_state_free(&s);
}

/*
 * F10: libxml2's own requests failing during schema validation, each run in
 * a child process since libxml2 2.9.14 crashes at some of them (see
 * oom_exempt_libxml2). A run that does not crash must give CDAIMG_ENOMEM or the
 * unhindered result; libxml2 reports these failures without the validation
 * context, where validate() watches for them. Failures under
 * xmlSchemaValPredefTypeNodeNoNorm (computing a typed value) are not
 * reported by libxml2 2.9.14 at all: the validation fails with -1, seen as
 * CDAIMG_EINTERNAL; they are counted as such. Not under valgrind (a child
 * per allocation).
 */
static void validate_libxml2_failing(void **state)
{
	(void)state;
	if (UNDER_VALGRIND())
		skip();
	doc_state s;
	doc_state_init(&s, 0);
	const cdaimg_schema *xsd = tu_schema(CDAIMG_SCHEMA_ANS);
	oom_hooks_install();
	assert_int_equal(cdaimg_schema_validate_doc(xsd, s.doc, NULL), CDAIMG_OK);
	long c0 = oom_requests();
	assert_int_equal(cdaimg_schema_validate_doc(xsd, s.doc, NULL), CDAIMG_OK);
	long total = oom_requests() - c0, crashed = 0, enomem = 0, silent = 0, problems = 0;
	for (long n = 1; n <= total; n++) {
		fflush(stderr);
		pid_t pid = fork();
		if (pid == 0) {
			/* cmocka's handlers would go on with the tests in the child */
			const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
			for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
				signal(sigs[i], SIG_DFL);
			/* nor the messages of a crash (glibc's, a sanitizer's, which then exits with 1) */
			FILE *null = freopen("/dev/null", "w", stderr);
			(void)null;
			oom_fail_request(n, false);
			cdaimg_status st = cdaimg_schema_validate_doc(xsd, s.doc, NULL);
			if (!oom_failed() || st == CDAIMG_OK || st == CDAIMG_ENOMEM)
				_exit(st == CDAIMG_ENOMEM ? 10 : 11);
			_exit(oom_failed_under("xmlSchemaValPredefTypeNodeNoNorm") ? 12 : 100 + (int)st);
		}
		int ws = 0;
		if (pid < 0 || waitpid(pid, &ws, 0) != pid) {
			oom_hooks_remove();
			fail_msg("fork or waitpid failed");
		}
		int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
		if (code == 10) {
			enomem++;
		} else if (code == 12) {
			silent++;
		} else if (code >= 100) {
			fprintf(stderr, "PROBLEM: validate_doc: allocation %ld failed, the call returned %s\n", n,
			        cdaimg_status_name((cdaimg_status)(code - 100)));
			problems++;
		} else if (code != 11) {
			crashed++;
		}
	}
	oom_hooks_remove();
	fprintf(stderr,
	        "cdaimg_schema_validate_doc (libxml2 failing): %ld runs, %ld ENOMEM, %ld crashed in libxml2, "
	        "%ld not reported by libxml2\n",
	        total, enomem, crashed, silent);
	doc_state_free(&s);
	assert_int_equal(problems, 0);
	assert_true(enomem > total / 2);
}

static void read_memory(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 0);
	run_case("cdaimg_doc_read_memory", op_read, NULL, &s, CDAIMG_OK);
	doc_state_free(&s);
}

/* The parser's requests fail too: libxml2 must report every failure that
 * loses part of the document (F9). */
static cdaimg_status op_extract(void *vs)
{
	doc_state *s = vs;
	s->got = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	cdaimg_status st = cdaimg_extract_memory(&s->got, s->xml, s->len, d);
	cdaimg_diags_free(d);
	return st;
}

static cdaimg_status op_extract_doc(void *vs)
{
	doc_state *s = vs;
	s->got = NULL;
	return cdaimg_extract_doc(&s->got, s->doc, NULL);
}

/* The one series an extraction gave, built again as text. */
static char *extract_done(void *vs, cdaimg_status st)
{
	doc_state *s = vs;
	char *xml = NULL, *out = NULL;
	if (st == CDAIMG_OK) {
		const cdaimg_item *it = cdaimg_values_get(s->got, 0);
		if (cdaimg_values_count(s->got) != 1 || it->kind != CDAIMG_ITEM_SERIES ||
		    cdaimg_series_to_string(&xml, NULL, it->series, NULL, NULL) != CDAIMG_OK)
			oom_problem("extract: CDAIMG_OK with %zu items, not one series", cdaimg_values_count(s->got));
		out = copy(xml);
		cdaimg_free(xml);
	} else if (s->got) {
		oom_problem("extract: %s with values", cdaimg_status_name(st));
	}
	cdaimg_values_free(s->got);
	return out;
}

static void extract(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 0);
	run_case("cdaimg_extract_memory", op_extract, extract_done, &s, CDAIMG_OK);
	run_case("cdaimg_extract_doc", op_extract_doc, extract_done, &s, CDAIMG_OK);
	doc_state_free(&s);
}

static const char json_text[] =
	"{\"resourceType\": \"FrSerieImagerie\","
	" \"uuidSerie\": [{\"system\": \"urn:dicom:uid\", \"value\": \"urn:oid:1.2.250.1.925.994044.27.123.1876360.1\"}],"
	" \"code\": {\"coding\": [{\"system\": \"http://dicom.nema.org/resources/ontology/DCM\", \"code\": \"CT\"}]},"
	" \"date\": \"2020-08-23T22:32:32+02:00\","
	" \"instanceSOP\": {"
	"   \"uuidSOPInstance\": [{\"system\": \"urn:dicom:uid\", \"value\": \"urn:oid:1.2.250.1.925.994044.27.123.1876360.1.1\"}],"
	"   \"classeSOP\": {\"coding\": [{\"system\": \"urn:oid:1.2.840.10008.2.6.1\", \"code\": \"1.2.840.10008.5.1.4.1.1.2\"}]},"
	"   \"statut\": \"completed\", \"nombreCadresReferences\": 3},"
	" \"referenceWado\": {"
	"   \"iHEInvokeImage\": {\"coding\": [{\"system\": \"http://terminology.hl7.org/CodeSystem/endpoint-connection-type\", \"code\": \"dicom-wado-uri\"}]},"
	"   \"typeMedia\": {\"coding\": [{\"system\": \"urn:ietf:bcp:13\", \"code\": \"application/dicom\"}]},"
	"   \"reference\": \"http://www.example.org/wado?requestType=WADO&studyUID=1.2.250.1.925.994044.27.123.1876360"
	"&seriesUID=1.2.250.1.925.994044.27.123.1876360.1&objectUID=1.2.250.1.925.994044.27.123.1876360.1.1"
	"&contentType=application/dicom\"}}";

static cdaimg_status op_json(void *vs)
{
	(void)vs;
	cdaimg_values *v = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	cdaimg_status st = cdaimg_json_read(&v, json_text, sizeof json_text - 1, NULL, d);
	if (st == CDAIMG_OK && cdaimg_values_count(v) == 1) {
		char *out = NULL;
		st = cdaimg_series_to_string(&out, NULL, cdaimg_values_get(v, 0)->series, NULL, d);
		cdaimg_free(out);
		if (st == CDAIMG_OK) {
			st = cdaimg_json_write(&out, v, NULL, d);
			cdaimg_free(out);
		}
	} else if (st == CDAIMG_OK) {
		oom_problem("json_read: CDAIMG_OK with %zu items", cdaimg_values_count(v));
	}
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	return st;
}

static void json_read_build_write(void **state)
{
	(void)state;
	run_case("cdaimg_json_read + build + write", op_json, NULL, NULL, CDAIMG_OK);
}

/* --- study act and whole document ---------------------------------------------------------- */

typedef struct study_state {
	tu_series t; /* the study's one series; pointers into itself: set up in place */
	cdaimg_identifier id;
	cdaimg_study study;
	xmlDocPtr doc;
	xmlNodePtr parent;
	char *before;
	xmlDocPtr built; /* a whole document, for the rules */
	cdaimg_rules *rules;
	cdaimg_document_header *header; /* what cdaimg_extract_header gave */
	char *header_text;              /* ... as JSON */
} study_state;

static cdaimg_status op_study(void *vs)
{
	study_state *s = vs;
	xmlNodePtr act = NULL;
	cdaimg_status st = cdaimg_study_build(&act, s->parent, &s->study, NULL, NULL);
	if (st == CDAIMG_OK) {
		xmlUnlinkNode(act);
		xmlFreeNode(act);
	} else if (act) {
		oom_problem("study_build: %s with a node", cdaimg_status_name(st));
	}
	return st;
}

static char *study_done(void *vs, cdaimg_status st)
{
	study_state *s = vs;
	char *now = dump(s->doc);
	if (strcmp(now, s->before))
		oom_problem("study_build: %s and the caller's document changed", cdaimg_status_name(st));
	free(now);
	return NULL;
}

static cdaimg_status op_document(void *vs)
{
	study_state *s = vs;
	xmlDocPtr doc = NULL;
	cdaimg_status st = cdaimg_document_build(&doc, &s->study, 1, cdaimg_document_header_sample(), NULL, NULL);
	if ((st == CDAIMG_OK) != (doc != NULL))
		oom_problem("document_build: %s with document %p", cdaimg_status_name(st), (void *)doc);
	xmlFreeDoc(doc);
	return st;
}

static cdaimg_status op_rules(void *vs)
{
	study_state *s = vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	oom_exempt_libxml2(true);
	xmlDocPtr svrl = NULL;
	cdaimg_status st = cdaimg_rules_check(s->rules, (xmlNodePtr)s->built, &svrl, d);
	oom_exempt_libxml2(false);
	xmlFreeDoc(svrl);
	cdaimg_diags_free(d);
	return st;
}

/* Loading a rule set: cdaimg's PS3.20 rules, small enough to fail at each allocation. */
static cdaimg_status op_rules_load(void *vs)
{
	(void)vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	cdaimg_rules *r = NULL;
	oom_exempt_libxml2(true);
	cdaimg_status st = cdaimg_rules_load(&r, CDAIMG_RULES_DICOM, NULL, d);
	oom_exempt_libxml2(false);
	if ((st == CDAIMG_OK) != (r != NULL))
		oom_problem("cdaimg_rules_load: status %s with rules %p", cdaimg_status_name(st), (void *)r);
	cdaimg_rules_free(r);
	cdaimg_diags_free(d);
	return st;
}

static cdaimg_status op_header(void *vs)
{
	study_state *s = vs;
	s->header = NULL;
	s->header_text = NULL;
	cdaimg_status st = cdaimg_extract_header(&s->header, s->built, NULL);
	if ((st == CDAIMG_OK || st == CDAIMG_EINVALID) != (s->header != NULL))
		oom_problem("extract_header: %s with header %p", cdaimg_status_name(st), (void *)s->header);
	if (st == CDAIMG_OK)
		st = cdaimg_json_write_header(&s->header_text, s->header, NULL, NULL);
	return st;
}

/* The header as JSON. */
static char *header_done(void *vs, cdaimg_status st)
{
	study_state *s = vs;
	char *out = st == CDAIMG_OK ? copy(s->header_text) : NULL;
	cdaimg_free(s->header_text);
	cdaimg_document_header_free(s->header);
	return out;
}

static void study_and_document(void **state)
{
	(void)state;
	study_state *s = calloc(1, sizeof *s);
	assert_non_null(s);
	tu_series_init(&s->t);
	s->t.s.description = (cdaimg_narrative){.status = "generated", .div = div_text};
	s->id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:1.2.250.1.925.994044.27.123.1876360"};
	s->study.ids = &s->id;
	s->study.n_ids = 1;
	s->study.date = "2020-08-23T22:32:32+02:00";
	s->study.description = (cdaimg_narrative){.status = "generated", .div = div_text};
	s->study.accession = (cdaimg_identifier){"urn:oid:1.2.250.1.999.7", "240705009"};
	s->study.series = &s->t.s;
	s->study.n_series = 1;
	s->doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(s->doc, NULL, (const xmlChar *)"section", NULL);
	xmlDocSetRootElement(s->doc, root);
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL));
	s->parent = xmlNewChild(root, NULL, (const xmlChar *)"entry", NULL);
	s->before = dump(s->doc);
	run_case("cdaimg_study_build", op_study, study_done, s, CDAIMG_OK);
	run_case("cdaimg_document_build", op_document, NULL, s, CDAIMG_OK);
	assert_int_equal(cdaimg_document_build(&s->built, &s->study, 1, cdaimg_document_header_sample(), NULL, NULL),
	                 CDAIMG_OK);
	assert_int_equal(cdaimg_rules_load(&s->rules, CDAIMG_RULES_IMG_CR_IMG, NULL, NULL), CDAIMG_OK);
	run_case("cdaimg_rules_check", op_rules, NULL, s, CDAIMG_OK);
	cdaimg_rules_free(s->rules);
	run_case("cdaimg_rules_load", op_rules_load, NULL, s, CDAIMG_OK);
	run_case("cdaimg_extract_header + cdaimg_json_write_header", op_header, header_done, s, CDAIMG_OK);
	xmlFreeDoc(s->built);
	free(s->before);
	xmlFreeDoc(s->doc);
	free(s);
}

static int setup(void **state)
{
	(void)state;
	cdaimg_global_init();
	tu_schema(CDAIMG_SCHEMA_ANS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_schemas_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(series_build),
		cmocka_unit_test(series_to_string),
		cmocka_unit_test(series_to_string_declared_encoding),
		cmocka_unit_test(series_check_invalid),
		cmocka_unit_test(read_memory),
		cmocka_unit_test(validate_valid_doc),
		cmocka_unit_test(validate_invalid_doc),
		cmocka_unit_test(validate_libxml2_failing),
		cmocka_unit_test(extract),
		cmocka_unit_test(json_read_build_write),
		cmocka_unit_test(study_and_document),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
