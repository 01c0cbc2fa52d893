/* SPDX-License-Identifier: MIT */
/* oom.c - out of memory, for the tests (oom.h). */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/globals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include "oom.h"
#include "testutil.h"

/* --- the hooks --------------------------------------------------------------------------- */

static bool installed;
static long calls;        /* allocation requests since the hooks were installed */
static long fail_at = -1; /* the request number that fails, -1 for none */
static bool exhausted;    /* ... and every one after it */
static long live;         /* successful allocations not yet freed */
static bool failed;       /* the request made to fail has failed */
static bool by_libxml2;   /* ... and was made by libxml2 (not by cdaimg) */
static bool exempt;       /* oom_exempt_libxml2 */
static long let_through;  /* requests of libxml2 let through because of exempt */
static bool said_nomem;   /* libxml2 reported an out-of-memory error */
static void *fail_stack[32];
static int fail_depth;

static xmlFreeFunc saved_free;
static xmlMallocFunc saved_malloc;
static xmlReallocFunc saved_realloc;
static xmlStrdupFunc saved_strdup;
static xmlGenericErrorFunc saved_generic;
static void *saved_generic_ctx;
static xmlStructuredErrorFunc saved_structured;
static void *saved_structured_ctx;

static bool is_libxml2(const void *caller)
{
	Dl_info info;
	return dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libxml2");
}

static bool env_on(const char *name)
{
	const char *v = getenv(name);
	return v && !strcmp(v, "1");
}

static bool should_fail(const void *caller)
{
	calls++;
	if (fail_at < 0 || calls < fail_at || (calls > fail_at && !exhausted))
		return false;
	if (exempt && is_libxml2(caller)) {
		if (!exhausted)
			fail_at++;
		let_through++;
		return false;
	}
	if (failed)
		return true; /* exhausted: the first failure is the one recorded */
	failed = true;
	by_libxml2 = is_libxml2(caller);
	fail_depth = backtrace(fail_stack, 32);
	if (env_on("CDAIMG_OOM_TRACE")) {
		Dl_info info;
		if (dladdr(caller, &info) && info.dli_fname)
			fprintf(stderr, "failing request from %s+0x%lx\n", info.dli_fname,
			        (unsigned long)((const char *)caller - (const char *)info.dli_fbase));
	}
	return true;
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

static void *hook_malloc(size_t n) { return alloc(n, __builtin_return_address(0)); }

static void *hook_realloc(void *p, size_t n)
{
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	void *q = realloc(p, n);
	if (q && !p)
		live++;
	return q;
}

static void hook_free(void *p)
{
	if (p) {
		live--;
		free(p);
	}
}

static char *hook_strdup(const char *s)
{
	char *d = alloc(strlen(s) + 1, __builtin_return_address(0));
	return d ? strcpy(d, s) : NULL;
}

#if LIBXML_VERSION >= 21200
static void record_error(void *ctx, const xmlError *err)
#else
static void record_error(void *ctx, xmlErrorPtr err)
#endif
{
	(void)ctx;
	if (err && err->code == XML_ERR_NO_MEMORY)
		said_nomem = true;
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void oom_hooks_install(void)
{
	if (installed)
		oom_hooks_remove(); /* a case that failed midway left them */
	xmlMemGet(&saved_free, &saved_malloc, &saved_realloc, &saved_strdup);
	saved_generic = xmlGenericError;
	saved_generic_ctx = xmlGenericErrorContext;
	saved_structured = xmlStructuredError;
	saved_structured_ctx = xmlStructuredErrorContext;
	xmlResetLastError();
	if (xmlMemSetup(hook_free, hook_malloc, hook_realloc, hook_strdup) != 0)
		fail_msg("xmlMemSetup refused the hooks");
	/* libxml2's messages: not on standard error; its out-of-memory reports, noted */
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(NULL, record_error);
	installed = true;
	fail_at = -1;
	exempt = false;
}

void oom_hooks_remove(void)
{
	if (!installed)
		return;
	fail_at = -1;
	exempt = false;
	xmlResetLastError();
	xmlMemSetup(saved_free, saved_malloc, saved_realloc, saved_strdup);
	xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
	xmlSetStructuredErrorFunc(saved_structured_ctx, saved_structured);
	installed = false;
}

long oom_requests(void) { return calls; }

void oom_fail_request(long n, bool exhaust)
{
	fail_at = n > 0 ? calls + n : -1;
	exhausted = exhaust;
	failed = false;
	by_libxml2 = false;
	fail_depth = 0;
}

bool oom_failed(void) { return failed; }

bool oom_failed_under(const char *fn)
{
	for (int i = 0; i < fail_depth; i++) {
		Dl_info info;
		if (dladdr(fail_stack[i], &info) && info.dli_sname && !strcmp(info.dli_sname, fn))
			return true;
	}
	return false;
}

void oom_exempt_libxml2(bool on) { exempt = on; }

/* --- problems ---------------------------------------------------------------------------- */

static long problems;

void oom_problem(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (++problems <= 50)
		fprintf(stderr, "PROBLEM: %s\n", msg);
	if (env_on("CDAIMG_OOM_VERBOSE") && fail_depth > 0)
		backtrace_symbols_fd(fail_stack, fail_depth, 2);
}

char *oom_dump(xmlDocPtr doc, xmlNodePtr node)
{
	xmlBufferPtr buf = xmlBufferCreate();
	if (!buf)
		abort();
	xmlNodeDump(buf, doc, node ? node : xmlDocGetRootElement(doc), 0, 0);
	const char *c = (const char *)xmlBufferContent(buf);
	char *s = malloc(strlen(c) + 1);
	if (!s)
		abort();
	strcpy(s, c);
	xmlBufferFree(buf);
	return s;
}

/* --- the loop ---------------------------------------------------------------------------- */

/* One run of @p c with its @p n-th request failing (0: none): its status; its
 * result into *out, its requests into *requests. */
static cdaimg_status run_once(const oom_case *c, long n, char **out, long *requests)
{
	xmlResetLastError();
	long live0 = live;
	if (c->setup)
		c->setup(c->arg);
	said_nomem = false;
	long calls0 = calls;
	oom_fail_request(n, c->exhaust);
	cdaimg_status st = c->call(c->arg);
	fail_at = -1;
	exempt = false;
	*requests = calls - calls0;
	*out = c->done ? c->done(c->arg, st) : NULL;
	xmlResetLastError();
	if (n > 0 && live != live0)
		oom_problem("%s: allocation %ld failed, %ld allocation(s) leaked", c->name, n, live - live0);
	else if (n == 0 && live != live0)
		oom_problem("%s: a run without failure leaked %ld allocation(s)", c->name, live - live0);
	return st;
}

static bool same(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

long oom_run(const oom_case *c)
{
	cdaimg_global_init();
	oom_hooks_install();
	problems = 0;
	let_through = 0;
	const long stride = UNDER_VALGRIND() && c->valgrind_stride > 1 ? c->valgrind_stride : 1;
	const bool trace = env_on("CDAIMG_OOM_TRACE");
	char *want = NULL, *got = NULL;
	long total, requests, runs = 0, unseen = 0, unreported = 0;
	/* a warm-up (what libxml2 initialises lazily is no leak), then the reference run */
	if (c->setup)
		c->setup(c->arg);
	cdaimg_status st = c->call(c->arg);
	free(c->done ? c->done(c->arg, st) : NULL);
	st = run_once(c, 0, &want, &total);
	if (st != c->final)
		oom_problem("%s: the run without failure returns %s, not %s", c->name, cdaimg_status_name(st),
		            cdaimg_status_name(c->final));
	for (long n = 1;; n += stride) {
		long through = let_through;
		st = run_once(c, n, &got, &requests);
		if (trace)
			fprintf(stderr, "%s: run %ld: %s, %ld requests of libxml2 let through, %ld made\n", c->name, n,
			        cdaimg_status_name(st), let_through - through, requests);
		if (!failed) {
			/* past the last request (or every request from the n-th on was
			 * libxml2's, let through): a run without failure again */
			if (st != c->final || !same(want, got))
				oom_problem("%s: with no request %ld to fail, the call returns %s and %s result", c->name, n,
				            cdaimg_status_name(st), same(want, got) ? "the same" : "another");
			free(got);
			/* a run may make a few requests fewer than the reference run
			 * (libxml2 hashes with a random seed): go on up to its count */
			if (requests >= n || n > total)
				break;
			continue;
		}
		runs++;
		if (st == CDAIMG_ENOMEM) {
			/* as it should */
		} else if (st == c->final) {
			unseen++;
			if (env_on("CDAIMG_OOM_VERBOSE")) {
				fprintf(stderr, "%s: allocation %ld failed, the call returned %s:\n", c->name, n,
				        cdaimg_status_name(st));
				backtrace_symbols_fd(fail_stack, fail_depth, 2);
			}
			if (!same(want, got)) {
				oom_problem("%s: allocation %ld failed, the call returned %s with another result", c->name, n,
				            cdaimg_status_name(st));
				if (env_on("CDAIMG_OOM_VERBOSE"))
					fprintf(stderr, "--- expected:\n%s\n--- got:\n%s\n", want ? want : "(none)",
					        got ? got : "(none)");
			}
		} else if (by_libxml2 && !said_nomem && c->unreported_libxml2_ok) {
			unreported++;
			if (env_on("CDAIMG_OOM_VERBOSE")) {
				fprintf(stderr, "LIBXML2: %s: allocation %ld failed in libxml2, not reported as such; %s\n",
				        c->name, n, cdaimg_status_name(st));
				backtrace_symbols_fd(fail_stack, fail_depth, 2);
			}
		} else {
			oom_problem("%s: allocation %ld failed (%s), the call returned %s", c->name, n,
			            by_libxml2 ? (said_nomem ? "in libxml2, which reported it" : "in libxml2") : "in cdaimg",
			            cdaimg_status_name(st));
		}
		free(got);
	}
	if (c->max_unseen >= 0 && unseen > c->max_unseen)
		oom_problem("%s: %ld runs returned %s though an allocation failed (at most %ld)", c->name, unseen,
		            cdaimg_status_name(c->final), c->max_unseen);
	fprintf(stderr,
	        "%s: %ld failing runs (%ld ENOMEM, %ld %s, %ld unreported by libxml2), %ld requests of libxml2 let "
	        "through\n",
	        c->name, runs, runs - unseen - unreported, unseen, cdaimg_status_name(c->final), unreported, let_through);
	free(want);
	oom_hooks_remove();
	if (problems)
		fail_msg("%s: %ld problem(s)", c->name, problems);
	return runs;
}
