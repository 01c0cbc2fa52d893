/* SPDX-License-Identifier: MIT */
/*
 * oom.h - out of memory, for the tests: a call run with its n-th allocation
 * failing, for every n, each run checked.
 *
 * Every allocation of cdaimg goes through libxml2's allocator (cd_malloc ->
 * xmlMalloc), so hooks installed with xmlMemSetup see cdaimg's requests and
 * libxml2's. oom_run() runs a case twice unhindered (a warm-up: libxml2
 * initialises some globals lazily; then the reference run, whose status must
 * be the case's final one), then with request 1, 2, ... of the call failing
 * (that one only, or, for a case that says so, every one from there on)
 * until a run gets past the last request, and checks every run:
 *  - the status is CDAIMG_ENOMEM or the final one; the final one after a
 *    failed request only as often as the case allows (max_unseen), and then
 *    with the result of the reference run;
 *  - nothing leaks: every allocation made during the run (setup, call, done)
 *    is freed by its end;
 *  - what the case's own functions check (the caller's document unchanged,
 *    no output on failure...), reported with oom_problem().
 * Each problem is printed (with CDAIMG_OOM_VERBOSE=1, with the stack of the
 * failed request; CDAIMG_OOM_TRACE=1 prints every run and where its failed
 * request came from); the test fails once the case's loop is over.
 */
#ifndef CDAIMG_TEST_OOM_H
#define CDAIMG_TEST_OOM_H

#include <stdbool.h>

#include <libxml/tree.h>

#include <cdaimg/cdaimg.h>

typedef struct oom_case {
	const char *name; /* in messages */
	void *arg;        /* given to the functions below */
	/* Optional: before each run, nothing failing: what the call needs afresh. */
	void (*setup)(void *arg);
	/* The call under test, one of whose allocations fails; returns its status. */
	cdaimg_status (*call)(void *arg);
	/* Optional: after each run, nothing failing: checks what the call left
	 * (with oom_problem), frees what setup and call made, and returns the
	 * result to compare with the reference run's, as text (malloc'd; NULL for
	 * none). */
	char *(*done)(void *arg, cdaimg_status st);
	cdaimg_status final; /* the status of a run without failure */
	/* From the n-th request on, every request fails (memory exhausted), not
	 * the n-th only. */
	bool exhaust;
	/* Runs whose failed request did not matter (the final status, the same
	 * result): at most this many; -1 for any number. */
	long max_unseen;
	/* A failed request of libxml2's own that libxml2 did not report as out of
	 * memory (2.9.14 turns some into parse or validity errors, e.g. a failed
	 * dictionary lookup becomes "invalid element name") cannot be told from a
	 * real error by cdaimg: with this set, such a run may end with another
	 * status; it is counted, not failed. */
	bool unreported_libxml2_ok;
	/* Under valgrind, every this-many-th n only (the plain and sanitizer runs
	 * try them all); 0 or 1: every n. */
	long valgrind_stride;
} oom_case;

/* Run @p c as described above and fail the test on any problem. Returns the
 * number of runs in which an allocation failed. */
long oom_run(const oom_case *c);

/* A problem of the current run, printf-style (for the case's functions):
 * printed, and the case fails when its loop is over. */
void oom_problem(const char *fmt, ...);

/* @p node (NULL: the root of @p doc) as text, with the system allocator
 * (caller frees with free): for a case's result. */
char *oom_dump(xmlDocPtr doc, xmlNodePtr node);

/*
 * While on, a request made by libxml2 itself is let through and the next one
 * fails instead: only cdaimg's own requests fail. Set around the calls into
 * libxml2 code that cannot be tested under allocation failures (libxml2
 * 2.9.14):
 *  - schema validation: xmlSchemaNewValidCtxt does not check the allocation
 *    of its node-name list (xmlSchemaItemListCreate), the context comes back
 *    and xmlSchemaValidateDoc dereferences NULL (SIGSEGV); inside
 *    xmlSchemaValidateDoc at least six internal call sites crash on failure
 *    (SIGSEGV/SIGBUS; libxml2.so.2 offsets 0xe03b7, 0xe03d6, 0xe1ac9,
 *    0xe1ae7, 0xcfdb0, 0x130081 of Debian's 2.9.14+dfsg), others leak what
 *    they had allocated; xmlDocCopyNode (xmlStaticCopyNode) leaks the partial
 *    copy when copying an attribute fails (xmlNewDocProp). test_oom.c's
 *    validate_libxml2_failing fails libxml2's requests there too, each in a
 *    child process;
 *  - the rules (cdaimg_rules_check, cdaimg_rules_load): an allocation failure
 *    inside libxml2's XPath code (libxml2.so.2+0xb6526, under
 *    xmlXPathCompiledEvalToBoolean, whose frames are tail calls) leaves a
 *    broken state that the evaluation then dereferences (SIGSEGV).
 * Turned off at the end of every run.
 */
void oom_exempt_libxml2(bool on);

/* --- lower level, for a loop of one's own (each failure in a child process) --------------- */

/* Install the hooks (saving the allocator and error handlers in place), or
 * put back what was there. */
void oom_hooks_install(void);
void oom_hooks_remove(void);
/* Allocation requests since the hooks were installed. */
long oom_requests(void);
/* Make the @p n-th request from now fail (1: the next one), and with
 * @p exhaust every later one too; 0: none. */
void oom_fail_request(long n, bool exhaust);
/* Whether a request made to fail has failed. */
bool oom_failed(void);
/* Whether the first one failed under the exported libxml2 function @p fn. */
bool oom_failed_under(const char *fn);

#endif
