/* SPDX-License-Identifier: MIT */
/*
 * test_oom.c - out of memory: for every N, the N-th allocation of a call
 * fails (libxml2's and ours: every cdaimg allocation goes through xmlMalloc),
 * until the call gets through. Every failing run must return CDAIMG_ENOMEM,
 * leak nothing (live allocations counted by the hooks; ASan/valgrind too) and,
 * for builds, leave the caller's document as it was.
 *
 * Findings that are libxml2's own (2.9.14 allocation-failure paths) are
 * listed in `libxml2_skips` with the reason; any problem of ours fails.
 * CDAIMG_OOM_VERBOSE=1 prints the allocation site of every problem.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "testutil.h"

/* --- the allocator hooks ----------------------------------------------------------------- */

static long calls;        /* allocation requests since the hooks were installed */
static long fail_at = -1; /* the request number that fails, -1 for none */
static long live;         /* successful allocations not yet freed */
static int failed;        /* the armed failure happened */
static int by_libxml2;    /* ... in a request made by libxml2 (not by cdaimg) */
static long skipped;      /* requests let through because of libxml2_skips */
static void *fail_stack[32];
static int fail_depth;

/*
 * libxml2 2.9.14 allocation-failure paths that crash libxml2 itself: when the
 * armed request is made under one of these exported functions it is let
 * through and the next one fails instead. None is needed at present.
 * (xmlReadMemory was listed until narrative.c stopped using it: called with
 * an explicit encoding, a failed allocation while switching to that encoding
 * is ignored and xmlParseDocument dereferences NULL. Reproduced with libxml2
 * alone: xmlReadMemory(div, n, NULL, "UTF-8", ...) with its 16th allocation
 * failing. cdaimg now parses through its own parser context without an
 * explicit encoding, and narratives with XML_PARSE_IGNORE_ENC.)
 */
static const char *const libxml2_skips[] = {NULL};

/*
 * Set around schema validation: libxml2's own requests are let through and
 * only cdaimg's fail (validation context, wrapper document and copy for an
 * entry, diagnostics). libxml2 2.9.14's schema code cannot be tested under
 * allocation failures:
 *  - xmlSchemaNewValidCtxt does not check the allocation of its node-name
 *    list (xmlSchemaItemListCreate); the context comes back and
 *    xmlSchemaValidateDoc dereferences NULL (SIGSEGV);
 *  - inside xmlSchemaValidateDoc at least six internal call sites crash on
 *    failure (SIGSEGV/SIGBUS; libxml2.so.2 offsets 0xe03b7, 0xe03d6, 0xe1ac9,
 *    0xe1ae7, 0xcfdb0, 0x130081 of Debian's 2.9.14+dfsg), others leak what
 *    they had allocated;
 *  - xmlDocCopyNode (xmlStaticCopyNode) leaks the partial copy when copying
 *    an attribute fails (xmlNewDocProp).
 * Also set around cdaimg_rules_check: an allocation failure inside libxml2's
 * XPath code (libxml2.so.2+0xb6526, under xmlXPathCompiledEvalToBoolean,
 * whose frames are tail calls) leaves a broken state that the evaluation then
 * dereferences (SIGSEGV), so only rules.c's own requests fail there.
 */
static int libxml2_exempt;

/* Whether a frame of the current stack inside libxml2 is one of the
 * exported functions of libxml2_skips. */
static int in_skipped_path(void)
{
	void *frames[40];
	int n = backtrace(frames, 40);
	for (int i = 0; i < n; i++) {
		Dl_info info;
		if (!dladdr(frames[i], &info) || !info.dli_sname || !info.dli_fname || !strstr(info.dli_fname, "libxml2"))
			continue;
		for (int k = 0; libxml2_skips[k]; k++)
			if (!strcmp(info.dli_sname, libxml2_skips[k]))
				return 1;
	}
	return 0;
}

static int is_libxml2(const void *caller)
{
	Dl_info info;
	return dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libxml2");
}

static int should_fail(const void *caller)
{
	calls++;
	if (calls != fail_at)
		return 0;
	if (is_libxml2(caller) && (libxml2_exempt || in_skipped_path())) {
		fail_at++;
		skipped++;
		return 0;
	}
	failed = 1;
	by_libxml2 = is_libxml2(caller);
	fail_depth = backtrace(fail_stack, 32);
	if (getenv("CDAIMG_OOM_TRACE")) {
		Dl_info info;
		if (dladdr(caller, &info) && info.dli_fname)
			fprintf(stderr, "failing request from %s+0x%lx\n", info.dli_fname,
			        (unsigned long)((const char *)caller - (const char *)info.dli_fbase));
	}
	return 1;
}

static void *alloc(size_t n, const void *caller)
{
	if (should_fail(caller))
		return NULL;
	void *p = malloc(n);
	if (p)
		live++;
	return p;
}

static void *oom_malloc(size_t n) { return alloc(n, __builtin_return_address(0)); }

static void *oom_realloc(void *p, size_t n)
{
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	void *q = realloc(p, n);
	if (q && !p)
		live++;
	return q;
}

static void oom_free(void *p)
{
	if (p) {
		live--;
		free(p);
	}
}

static char *oom_strdup(const char *s)
{
	char *d = alloc(strlen(s) + 1, __builtin_return_address(0));
	return d ? strcpy(d, s) : NULL;
}

/* Whether libxml2 reported an out-of-memory error (through its global
 * structured handler; schema validation reports to cdaimg's own). */
static int libxml2_said_nomem;

static void record_error(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	if (err && err->code == XML_ERR_NO_MEMORY)
		libxml2_said_nomem = 1;
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* --- problems ------------------------------------------------------------------------ */

static int problems;

/* Print and count one problem (the test fails at its end when it met any). */
static void problem(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "PROBLEM: %s\n", msg);
	problems++;
	const char *verbose = getenv("CDAIMG_OOM_VERBOSE");
	if (verbose && *verbose == '1' && fail_depth > 0)
		backtrace_symbols_fd(fail_stack, fail_depth, 2);
}

/*
 * A failed allocation inside libxml2 that libxml2 did not report as such
 * (2.9.14 turns some into parse or validity errors, e.g. a failed dictionary
 * lookup becomes "invalid element name"): cdaimg cannot tell it from a real
 * error, so it is printed and counted, not failed.
 */
static long silent_libxml2;

static void libxml2_silent(const char *name, long n, cdaimg_status st)
{
	const char *verbose = getenv("CDAIMG_OOM_VERBOSE");
	silent_libxml2++;
	if (verbose && *verbose == '1') {
		fprintf(stderr, "LIBXML2: %s: allocation %ld failed in libxml2, not reported as such; %s\n", name, n,
		        cdaimg_status_str(st));
		backtrace_symbols_fd(fail_stack, fail_depth, 2);
	}
}

/* --- the loop -------------------------------------------------------------------------- */

/* One operation under test. Returns its status and cleans up whatever it
 * produced; @p state is the test's own data. */
typedef cdaimg_status (*op_fn)(void *state);

/* Optional check after a failed run (e.g. the caller's document is unchanged). */
typedef void (*after_fn)(void *state, long n);

/*
 * Run @p op with the n-th allocation failing, for n = 1, 2, ... until a run
 * makes no failing request. @p final_ok is the status the unhindered run
 * returns. Returns the number of failing runs.
 */
static long oom_loop(const char *name, op_fn op, after_fn after, void *state, cdaimg_status final_ok)
{
	/* a warm-up run: lazily initialised libxml2 globals are not leaks */
	cdaimg_status warm = op(state);
	if (warm != final_ok)
		fail_msg("%s: the unhindered run returns %s", name, cdaimg_status_str(warm));
	const char *tv = getenv("CDAIMG_OOM_TRACE");
	int trace = tv && *tv == '1';
	/* every N; under valgrind every 7th N (the other runs cover them all) */
	long step = UNDER_VALGRIND() ? 7 : 1, runs = 0;
	long n;
	for (n = 1;; n += step) {
		runs++;
		xmlResetLastError();
		long live0 = live;
		failed = 0;
		by_libxml2 = 0;
		libxml2_said_nomem = 0;
		fail_depth = 0;
		fail_at = calls + n;
		if (trace)
			fprintf(stderr, "%s: run %ld\n", name, n);
		cdaimg_status st = op(state);
		fail_at = -1;
		xmlResetLastError();
		if (!failed) {
			if (st != final_ok)
				problem("%s: the run past the last allocation returns %s", name, cdaimg_status_str(st));
			break;
		}
		if (st != CDAIMG_ENOMEM && st != final_ok) {
			if (by_libxml2 && !libxml2_said_nomem)
				libxml2_silent(name, n, st);
			else
				problem("%s: allocation %ld failed (%s), the call returned %s", name, n,
				        by_libxml2 ? "in libxml2, which reported it" : "in cdaimg", cdaimg_status_str(st));
		}
		if (live != live0)
			problem("%s: allocation %ld failed, %ld allocation(s) leaked", name, n, live - live0);
		if (after)
			after(state, n);
	}
	fprintf(stderr, "%s: %ld failing runs, %ld requests let through (libxml2_skips)\n", name, runs - 1, skipped);
	skipped = 0;
	return runs - 1;
}

/* --- the operations -------------------------------------------------------------------- */

static const char div_text[] = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Coupes axiales</p>"
                               "<p>sans <b>injection</b></p></div>";

typedef struct build_state {
	tu_series t;
	xmlDocPtr doc;
	xmlNodePtr parent;
	xmlChar *before;
	int before_len;
} build_state;

static void build_state_init(build_state *b)
{
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
	xmlDocDumpMemory(b->doc, &b->before, &b->before_len);
}

static cdaimg_status op_build(void *vs)
{
	build_state *b = vs;
	xmlNodePtr act = NULL;
	cdaimg_status st = cdaimg_series_build(&act, b->parent, &b->t.s, NULL, NULL);
	if (st == CDAIMG_OK) {
		if (!act)
			problem("series_build: CDAIMG_OK without a node");
		/* remove it again, so that every run starts from the same document */
		xmlUnlinkNode(act);
		xmlFreeNode(act);
	} else if (act) {
		problem("series_build: %s with a node", cdaimg_status_str(st));
	}
	return st;
}

static void after_build(void *vs, long n)
{
	build_state *b = vs;
	long saved = fail_at;
	fail_at = -1;
	xmlChar *now = NULL;
	int len = 0;
	xmlDocDumpMemory(b->doc, &now, &len);
	if (len != b->before_len || memcmp(now, b->before, (size_t)len))
		problem("series_build: allocation %ld failed and the caller's document changed:\n%s", n, (char *)now);
	xmlFree(now);
	fail_at = saved;
}

static void series_build(void **state)
{
	(void)state;
	build_state b;
	build_state_init(&b);
	problems = 0;
	oom_loop("cdaimg_series_build", op_build, after_build, &b, CDAIMG_OK);
	xmlFree(b.before);
	xmlFreeDoc(b.doc);
	assert_int_equal(problems, 0);
}

static cdaimg_status op_to_string(void *vs)
{
	build_state *b = vs;
	char *xml = NULL;
	size_t len = 7;
	cdaimg_status st = cdaimg_series_to_string(&xml, &len, &b->t.s, NULL, NULL);
	if (st != CDAIMG_OK && (xml || len))
		problem("series_to_string: %s with output", cdaimg_status_str(st));
	cdaimg_free(xml);
	return st;
}

static void series_to_string(void **state)
{
	(void)state;
	build_state b;
	build_state_init(&b);
	problems = 0;
	oom_loop("cdaimg_series_to_string", op_to_string, NULL, &b, CDAIMG_OK);
	xmlFree(b.before);
	xmlFreeDoc(b.doc);
	assert_int_equal(problems, 0);
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
	problems = 0;
	oom_loop("cdaimg_series_to_string (div with an encoding declaration)", op_to_string, NULL, &b, CDAIMG_OK);
	xmlFree(b.before);
	xmlFreeDoc(b.doc);
	assert_int_equal(problems, 0);
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
	problems = 0;
	oom_loop("cdaimg_series_check (invalid values)", op_check_diags, NULL, &b, CDAIMG_EINVALID);
	xmlFree(b.before);
	xmlFreeDoc(b.doc);
	assert_int_equal(problems, 0);
}

/* --- validation and parsing -------------------------------------------------------------- */

typedef struct doc_state {
	char *xml;
	size_t len;
	xmlDocPtr doc;
	xmlNodePtr act;
} doc_state;

/* A ClinicalDocument holding one Series Act, as text and parsed. */
static void doc_state_init(doc_state *s, int make_invalid)
{
	tu_series t;
	tu_series_init(&t);
	char *act = NULL;
	assert_int_equal(cdaimg_series_to_string(&act, NULL, &t.s, NULL, NULL), CDAIMG_OK);
	const char *head = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"
	                   "<typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>"
	                   "<id root=\"2.25.1\"/><code code=\"18748-4\" codeSystem=\"2.16.840.1.113883.6.1\"/>"
	                   "<effectiveTime value=\"20240101\"/>"
	                   "<confidentialityCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.25\"/>"
	                   "<recordTarget><patientRole><id root=\"2.25.2\"/></patientRole></recordTarget>"
	                   "<author><time value=\"20240101\"/><assignedAuthor><id root=\"2.25.3\"/></assignedAuthor></author>"
	                   "<custodian><assignedCustodian><representedCustodianOrganization><id root=\"2.25.4\"/>"
	                   "</representedCustodianOrganization></assignedCustodian></custodian>"
	                   "<component><structuredBody><component><section><entry>";
	const char *tail = "</entry></section></component></structuredBody></component></ClinicalDocument>";
	size_t n = strlen(head) + strlen(act) + strlen(tail) + 64;
	s->xml = malloc(n);
	assert_non_null(s->xml);
	snprintf(s->xml, n, "%s%s%s", head, act, tail);
	cdaimg_free(act);
	if (make_invalid) {
		char *p = strstr(s->xml, "moodCode=\"EVN\"");
		memcpy(p, "moodCode=\"XYZ\"", 14);
		p = strstr(s->xml, "<statusCode code=\"completed\"/>");
		memcpy(p, "<statusCode codX=\"completed\"/>", 30);
	}
	s->len = strlen(s->xml);
	assert_int_equal(cdaimg_doc_read_memory(&s->doc, s->xml, s->len, "doc", NULL), CDAIMG_OK);
	s->act = xmlDocGetRootElement(s->doc)->last->children->children->children->children->children;
	assert_string_equal((const char *)s->act->name, "act");
}

static void doc_state_free(doc_state *s)
{
	xmlFreeDoc(s->doc);
	free(s->xml);
}

static cdaimg_status op_validate_doc(void *vs)
{
	doc_state *s = vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	libxml2_exempt = 1;
	cdaimg_status st = cdaimg_schema_validate_doc(tu_schema(CDAIMG_SCHEMA_ANS), s->doc, d);
	libxml2_exempt = 0;
	cdaimg_diags_free(d);
	return st;
}

static cdaimg_status op_validate_entry(void *vs)
{
	doc_state *s = vs;
	libxml2_exempt = 1;
	cdaimg_status st = cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), s->act, NULL);
	libxml2_exempt = 0;
	return st;
}

/* The document in a temporary file, validated while read. */
typedef struct stream_state {
	FILE *file;
} stream_state;

static void stream_state_init(stream_state *ss, const doc_state *s)
{
	ss->file = tmpfile();
	assert_non_null(ss->file);
	assert_int_equal(fwrite(s->xml, 1, s->len, ss->file), s->len);
	assert_int_equal(fflush(ss->file), 0);
}

static cdaimg_status op_validate_stream(void *vs)
{
	stream_state *ss = vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	assert_int_equal(lseek(fileno(ss->file), 0, SEEK_SET), 0);
	libxml2_exempt = 1;
	cdaimg_status st = cdaimg_schema_validate_stream_fd(tu_schema(CDAIMG_SCHEMA_ANS), fileno(ss->file), "doc", d);
	libxml2_exempt = 0;
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
		problem("doc_read_memory: %s with document %p", cdaimg_status_str(st), (void *)doc);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return st;
}

static void validate_valid_doc(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 0);
	problems = 0;
	oom_loop("cdaimg_schema_validate_doc (valid)", op_validate_doc, NULL, &s, CDAIMG_OK);
	oom_loop("cdaimg_schema_validate_entry (valid)", op_validate_entry, NULL, &s, CDAIMG_OK);
	stream_state ss;
	stream_state_init(&ss, &s);
	oom_loop("cdaimg_schema_validate_stream_fd (valid)", op_validate_stream, NULL, &ss, CDAIMG_OK);
	fclose(ss.file);
	doc_state_free(&s);
	assert_int_equal(problems, 0);
}

static void validate_invalid_doc(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 1);
	problems = 0;
	oom_loop("cdaimg_schema_validate_doc (invalid)", op_validate_doc, NULL, &s, CDAIMG_ENOTVALID);
	stream_state ss;
	stream_state_init(&ss, &s);
	oom_loop("cdaimg_schema_validate_stream_fd (invalid)", op_validate_stream, NULL, &ss, CDAIMG_ENOTVALID);
	fclose(ss.file);
	doc_state_free(&s);
	assert_int_equal(problems, 0);
}

/* Whether the failed request was made under the exported libxml2 function @p fn. */
static int failed_under(const char *fn)
{
	for (int i = 0; i < fail_depth; i++) {
		Dl_info info;
		if (dladdr(fail_stack[i], &info) && info.dli_sname && !strcmp(info.dli_sname, fn))
			return 1;
	}
	return 0;
}

/*
 * F10: libxml2's own requests failing during schema validation, each run in
 * a child process since libxml2 2.9.14 crashes at some of them (see
 * libxml2_exempt). A run that does not crash must give CDAIMG_ENOMEM or the
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
	assert_int_equal(cdaimg_schema_validate_doc(xsd, s.doc, NULL), CDAIMG_OK);
	long c0 = calls;
	assert_int_equal(cdaimg_schema_validate_doc(xsd, s.doc, NULL), CDAIMG_OK);
	long total = calls - c0, crashed = 0, enomem = 0, silent = 0;
	problems = 0;
	for (long n = 1; n <= total; n++) {
		fflush(stderr);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* cmocka's handlers would go on with the tests in the child */
			const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
			for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
				signal(sigs[i], SIG_DFL);
			/* nor the messages of a crash (glibc's, a sanitizer's, which then exits with 1) */
			FILE *null = freopen("/dev/null", "w", stderr);
			(void)null;
			fail_at = calls + n;
			cdaimg_status st = cdaimg_schema_validate_doc(xsd, s.doc, NULL);
			if (!failed || st == CDAIMG_OK || st == CDAIMG_ENOMEM)
				_exit(st == CDAIMG_ENOMEM ? 10 : 11);
			_exit(failed_under("xmlSchemaValPredefTypeNodeNoNorm") ? 12 : 100 + (int)st);
		}
		int ws;
		assert_int_equal(waitpid(pid, &ws, 0), pid);
		int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
		if (code == 10) {
			enomem++;
		} else if (code == 12) {
			silent++;
		} else if (code >= 100) {
			fprintf(stderr, "PROBLEM: validate_doc: allocation %ld failed, the call returned %s\n", n,
			        cdaimg_status_str((cdaimg_status)(code - 100)));
			problems++;
		} else if (code != 11) {
			crashed++;
		}
	}
	fprintf(stderr,
	        "cdaimg_schema_validate_doc (libxml2 failing): %ld runs, %ld ENOMEM, %ld crashed in libxml2, "
	        "%ld not reported by libxml2\n",
	        total, enomem, crashed, silent);
	silent_libxml2 += silent;
	doc_state_free(&s);
	assert_int_equal(problems, 0);
	assert_true(enomem > total / 2);
}

static void read_memory(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 0);
	problems = 0;
	oom_loop("cdaimg_doc_read_memory", op_read, NULL, &s, CDAIMG_OK);
	doc_state_free(&s);
	assert_int_equal(problems, 0);
}

/* The series an extraction gave, built again as text; NULL when it gave
 * something else. Run with no allocation failing. */
static char *extracted_series(const cdaimg_values *v)
{
	long saved = fail_at;
	fail_at = -1;
	char *xml = NULL;
	const cdaimg_item *it = cdaimg_values_get(v, 0);
	if (cdaimg_values_count(v) != 1 || it->kind != CDAIMG_ITEM_SERIES ||
	    cdaimg_series_to_string(&xml, NULL, it->series, NULL, NULL) != CDAIMG_OK)
		xml = NULL;
	fail_at = saved;
	return xml;
}

/* The series the unhindered extraction gives (extracted_series). */
static char *extract_expected;

static cdaimg_status op_extract(void *vs)
{
	doc_state *s = vs;
	cdaimg_values *v = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	/* the parser's requests fail too: libxml2 must report every failure
	 * that loses part of the document (F9) */
	cdaimg_status st = cdaimg_extract_memory(&v, s->xml, s->len, d);
	if (st == CDAIMG_OK && cdaimg_values_count(v) != 1) {
		problem("extract: CDAIMG_OK with %zu items", cdaimg_values_count(v));
	} else if (st == CDAIMG_OK && extract_expected) {
		char *got = extracted_series(v);
		if (!got || strcmp(got, extract_expected))
			problem("extract: CDAIMG_OK with other values than the unhindered run:\n%s", got ? got : "(none)");
		cdaimg_free(got);
	}
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	return st;
}

static cdaimg_status op_extract_doc(void *vs)
{
	doc_state *s = vs;
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_extract_doc(&v, s->doc, NULL);
	cdaimg_values_free(v);
	return st;
}

static void extract(void **state)
{
	(void)state;
	doc_state s;
	doc_state_init(&s, 0);
	cdaimg_values *v = NULL;
	assert_int_equal(cdaimg_extract_memory(&v, s.xml, s.len, NULL), CDAIMG_OK);
	extract_expected = extracted_series(v);
	cdaimg_values_free(v);
	assert_non_null(extract_expected);
	problems = 0;
	oom_loop("cdaimg_extract_memory", op_extract, NULL, &s, CDAIMG_OK);
	cdaimg_free(extract_expected);
	extract_expected = NULL;
	oom_loop("cdaimg_extract_doc", op_extract_doc, NULL, &s, CDAIMG_OK);
	doc_state_free(&s);
	assert_int_equal(problems, 0);
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
	cdaimg_status st = cdaimg_json_read(&v, json_text, sizeof json_text - 1, 0, d);
	if (st == CDAIMG_OK && cdaimg_values_count(v) == 1) {
		char *out = NULL;
		st = cdaimg_series_to_string(&out, NULL, cdaimg_values_get(v, 0)->series, NULL, d);
		cdaimg_free(out);
		if (st == CDAIMG_OK) {
			st = cdaimg_json_write(&out, v, 0, d);
			cdaimg_free(out);
		}
	} else if (st == CDAIMG_OK) {
		problem("json_read: CDAIMG_OK with %zu items", cdaimg_values_count(v));
	}
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	return st;
}

static void json_read_build_write(void **state)
{
	(void)state;
	problems = 0;
	oom_loop("cdaimg_json_read + build + write", op_json, NULL, NULL, CDAIMG_OK);
	assert_int_equal(problems, 0);
}

/* --- study act and whole document ---------------------------------------------------------- */

typedef struct study_state {
	tu_series t; /* the study's one series; pointers into itself: set up in place */
	cdaimg_identifier id;
	cdaimg_study study;
	xmlDocPtr doc;
	xmlNodePtr parent;
	xmlChar *before;
	int before_len;
	xmlDocPtr built; /* a whole document, for the rules */
	cdaimg_rules *rules;
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
		problem("study_build: %s with a node", cdaimg_status_str(st));
	}
	return st;
}

static void after_study(void *vs, long n)
{
	study_state *s = vs;
	long saved = fail_at;
	fail_at = -1;
	xmlChar *now = NULL;
	int len = 0;
	xmlDocDumpMemory(s->doc, &now, &len);
	if (len != s->before_len || memcmp(now, s->before, (size_t)len))
		problem("study_build: allocation %ld failed and the caller's document changed", n);
	xmlFree(now);
	fail_at = saved;
}

static cdaimg_status op_document(void *vs)
{
	study_state *s = vs;
	xmlDocPtr doc = NULL;
	cdaimg_status st = cdaimg_document_build(&doc, &s->study, 1, cdaimg_document_header_sample(), NULL, NULL);
	if ((st == CDAIMG_OK) != (doc != NULL))
		problem("document_build: %s with document %p", cdaimg_status_str(st), (void *)doc);
	xmlFreeDoc(doc);
	return st;
}

static cdaimg_status op_rules(void *vs)
{
	study_state *s = vs;
	cdaimg_diags *d = cdaimg_diags_new();
	if (!d)
		return CDAIMG_ENOMEM;
	libxml2_exempt = 1;
	xmlDocPtr svrl = NULL;
	cdaimg_status st = cdaimg_rules_check(s->rules, (xmlNodePtr)s->built, &svrl, d);
	libxml2_exempt = 0;
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
	libxml2_exempt = 1;
	cdaimg_status st = cdaimg_rules_load(&r, CDAIMG_RULES_DICOM, NULL, d);
	libxml2_exempt = 0;
	if ((st == CDAIMG_OK) != (r != NULL))
		problem("cdaimg_rules_load: status %s with rules %p", cdaimg_status_str(st), (void *)r);
	cdaimg_rules_free(r);
	cdaimg_diags_free(d);
	return st;
}

static char *header_expected; /* the header of s->built as JSON, read with every allocation working */

static cdaimg_status op_header(void *vs)
{
	study_state *s = vs;
	cdaimg_document_header *h = NULL;
	char *text = NULL;
	cdaimg_status st = cdaimg_extract_header(&h, s->built, NULL);
	if ((st == CDAIMG_OK) != (h != NULL))
		problem("extract_header: %s with header %p", cdaimg_status_str(st), (void *)h);
	if (st == CDAIMG_OK)
		st = cdaimg_json_write_header(&text, h, 0, NULL);
	if (st == CDAIMG_OK && header_expected && strcmp(text, header_expected))
		problem("extract_header: a different header after failed allocations:\n%s", text);
	if (st == CDAIMG_OK && !header_expected)
		header_expected = text;
	else
		cdaimg_free(text);
	cdaimg_free(h);
	return st;
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
	xmlDocDumpMemory(s->doc, &s->before, &s->before_len);
	problems = 0;
	oom_loop("cdaimg_study_build", op_study, after_study, s, CDAIMG_OK);
	oom_loop("cdaimg_document_build", op_document, NULL, s, CDAIMG_OK);
	assert_int_equal(cdaimg_document_build(&s->built, &s->study, 1, cdaimg_document_header_sample(), NULL, NULL), CDAIMG_OK);
	assert_int_equal(cdaimg_rules_load(&s->rules, CDAIMG_RULES_IMG_CR_IMG, NULL, NULL), CDAIMG_OK);
	oom_loop("cdaimg_rules_check", op_rules, NULL, s, CDAIMG_OK);
	cdaimg_rules_free(s->rules);
	oom_loop("cdaimg_rules_load", op_rules_load, NULL, s, CDAIMG_OK);
	xmlFreeDoc(s->built);
	assert_int_equal(cdaimg_document_build(&s->built, &s->study, 1, cdaimg_document_header_sample(), NULL, NULL), CDAIMG_OK);
	assert_int_equal(op_header(s), CDAIMG_OK);
	assert_non_null(header_expected);
	oom_loop("cdaimg_extract_header + cdaimg_json_write_header", op_header, NULL, s, CDAIMG_OK);
	cdaimg_free(header_expected);
	header_expected = NULL;
	xmlFreeDoc(s->built);
	xmlFree(s->before);
	xmlFreeDoc(s->doc);
	free(s);
	assert_int_equal(problems, 0);
}

static int setup(void **state)
{
	(void)state;
	tu_schema(CDAIMG_SCHEMA_ANS);
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(NULL, record_error);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_schemas_free();
	fprintf(stderr, "%ld failed allocations inside libxml2 were not reported by libxml2 as such\n",
	        silent_libxml2);
	return 0;
}

int main(void)
{
	/* before anything allocates through libxml2 */
	if (xmlMemSetup(oom_free, oom_malloc, oom_realloc, oom_strdup) != 0)
		return 1;
	cdaimg_global_init();
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
