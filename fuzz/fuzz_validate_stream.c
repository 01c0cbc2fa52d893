/* SPDX-License-Identifier: MIT */
/*
 * fuzz_validate_stream.c - untrusted CDA XML through the streaming XML Schema
 * validator (cdaimg_schema_validate_stream_fd: SAX parsing with libxml2's
 * validator plugged in, no tree), checked against the DOM path on the same
 * bytes (cdaimg_doc_read_memory + cdaimg_schema_validate_doc, which is what
 * cdaimg_schema_validate_file does after reading the file).
 *
 * The bytes reach the streaming validator through an anonymous memory file
 * (memfd_create; tmpfile() where that is missing): no name in any folder, so
 * nothing is left behind, and it is closed after each input.
 *
 * Oracles (besides ASan/UBSan and leaks):
 *  - both statuses are within their documented sets;
 *  - every diagnostic of both paths is complete, valid UTF-8 without
 *    XML-forbidden characters (fuzz_check_diags), and one line;
 *  - streaming: CDAIMG_OK has no error diagnostic, any other status has one;
 *  - differential: the streaming path gives the status the DOM path gives
 *    (an undeclared entity reference included: F15), and the DOM path never
 *    keeps an entity reference node;
 *  - nothing reaches libxml2's generic error channel (by default the host's
 *    standard error) during either path (F14: the streaming path let
 *    libxml2's encoding and I/O errors through).
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "fuzz.h"

/* libxml2's generic error channel: counted, the first message kept. */
static size_t generic_msgs;
static char generic_first[256];

static void on_generic(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	if (!generic_msgs++) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(generic_first, sizeof generic_first, fmt, ap);
		va_end(ap);
	}
}

/* A descriptor holding @p data, positioned at its start; -1 if none can be made. */
static int input_fd(const uint8_t *data, size_t size)
{
	int fd = -1;
#ifdef MFD_CLOEXEC
	fd = memfd_create("fuzz_validate_stream", MFD_CLOEXEC);
#endif
	FILE *tmp = NULL;
	if (fd < 0) {
		tmp = tmpfile(); /* unlinked at once by the C library */
		if (!tmp)
			return -1;
		fd = dup(fileno(tmp));
		fclose(tmp);
		if (fd < 0)
			return -1;
	}
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Every message and path on one line (the CLI prints one diagnostic a line). */
static void check_one_line(const cdaimg_diags *d)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		FUZZ_REQUIRE(!strpbrk(g->message, "\r\n"), "message %zu spans lines: %s", i, g->message);
		FUZZ_REQUIRE(!strpbrk(g->path, "\r\n"), "path %zu spans lines: %s", i, g->path);
	}
}

/* Shown before a failed differential oracle. */
static void dump(const char *what, cdaimg_status st, const cdaimg_diags *d)
{
	fprintf(stderr, "%s: status %d\n", what, (int)st);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		char line[512];
		cdaimg_diag_format(cdaimg_diags_get(d, i), line, sizeof line);
		fprintf(stderr, "  %s\n", line);
	}
}

/* Whether the tree holds an entity reference node (depth bounded by libxml2's limit). */
static int has_entity_ref(xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type == XML_ENTITY_REF_NODE)
			return 1;
		if (n->type == XML_ELEMENT_NODE && has_entity_ref(n->children))
			return 1;
	}
	return 0;
}

/*
 * The statuses agree (validate.h). A reference to an entity declared
 * nowhere, well-formed only because the DOCTYPE names an external DTD (never
 * loaded), used to be the one difference (F15: the stream CDAIMG_EPARSE, the
 * DOM CDAIMG_EINTERNAL or CDAIMG_ENONCONFORMANT); both parses now refuse it, and
 * a tree never holds an entity reference node.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmlSetGenericErrorFunc(NULL, on_generic);
	/* The streaming path. */
	generic_msgs = 0;
	cdaimg_diags *ds = cdaimg_diags_new();
	if (!ds)
		abort();
	int fd = input_fd(data, size);
	if (fd < 0) {
		perror("fuzz_validate_stream: input descriptor");
		abort();
	}
	cdaimg_status ss = cdaimg_schema_validate_stream_fd(fuzz_schema(), fd, "fuzz.xml", ds);
	FUZZ_REQUIRE(close(fd) == 0, "the validator closed the borrowed descriptor");
	FUZZ_REQUIRE(!generic_msgs, "stream: %zu libxml2 messages on the generic channel (F14), first: %s",
	             generic_msgs, generic_first);
	FUZZ_REQUIRE(ss == CDAIMG_OK || ss == CDAIMG_ENONCONFORMANT || ss == CDAIMG_EPARSE || ss == CDAIMG_ENOMEM ||
	                     ss == CDAIMG_EINTERNAL,
	             "stream status %d", (int)ss);
	fuzz_check_diags(ds);
	check_one_line(ds);
	size_t errors = cdaimg_diags_count_at_least(ds, CDAIMG_SEV_ERROR);
	FUZZ_REQUIRE((ss == CDAIMG_OK) == (errors == 0), "stream status %d with %zu error diagnostics", (int)ss,
	             errors);

	/* The DOM path on the same bytes. */
	generic_msgs = 0;
	cdaimg_diags *dd = cdaimg_diags_new();
	if (!dd)
		abort();
	xmlDocPtr doc = NULL;
	cdaimg_status ds_ = cdaimg_doc_read_memory(&doc, (const char *)data, size, "fuzz.xml", dd);
	FUZZ_REQUIRE((ds_ == CDAIMG_OK) == (doc != NULL), "parse status %d, doc %p", (int)ds_, (void *)doc);
	if (doc) {
		FUZZ_REQUIRE(!has_entity_ref(xmlDocGetRootElement(doc)), "an entity reference node in the tree (F15)");
		ds_ = cdaimg_schema_validate_doc(fuzz_schema(), doc, dd);
		xmlFreeDoc(doc);
	}
	FUZZ_REQUIRE(ds_ == CDAIMG_OK || ds_ == CDAIMG_ENONCONFORMANT || ds_ == CDAIMG_EPARSE || ds_ == CDAIMG_ENOMEM ||
	                     ds_ == CDAIMG_EINTERNAL,
	             "DOM status %d", (int)ds_);
	FUZZ_REQUIRE(!generic_msgs, "DOM: %zu libxml2 messages on the generic channel, first: %s", generic_msgs,
	             generic_first);
	fuzz_check_diags(dd);
	check_one_line(dd);

	/* Differential (an allocation failure on either side proves nothing). */
	if (ss != CDAIMG_ENOMEM && ds_ != CDAIMG_ENOMEM) {
		if (ds_ != ss) {
			dump("stream", ss, ds);
			dump("DOM", ds_, dd);
		}
		FUZZ_REQUIRE((ss == CDAIMG_OK) == (ds_ == CDAIMG_OK), "stream status %d, DOM status %d", (int)ss,
		             (int)ds_);
		FUZZ_REQUIRE(ds_ == ss, "stream status %d, DOM status %d", (int)ss, (int)ds_);
	}
	cdaimg_diags_free(dd);
	cdaimg_diags_free(ds);
	return 0;
}
