/* SPDX-License-Identifier: MIT */
/*
 * fuzz_render.c - untrusted CDA XML, parsed with cdaimg_doc_read_memory and
 * rendered with cdaimg_render_html and cdaimg_render_report_html (a finding
 * every 7 lines, to place): each must return CDAIMG_OK (or CDAIMG_ENOMEM),
 * and the page, parsed back with libxml2's HTML parser, must hold only what
 * the renderer writes (tests/html_safe.h): no script element, no on*
 * attribute, no style attribute, no javascript: URL, nothing fetched.
 */
#include "fuzz.h"
#include "../tests/html_safe.h"

static void check_page(cdaimg_status st, char *html, size_t len, const cdaimg_diags *d, const char *what)
{
	char why[256];
	fuzz_check_diags(d);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_ENOMEM, "%s status %d", what, (int)st);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (html != NULL), "%s: status %d with page %p", what, (int)st, (void *)html);
	if (html) {
		FUZZ_REQUIRE(strlen(html) == len, "%s: length %zu for %zu bytes", what, len, strlen(html));
		const char *bad = html_unsafe(html, len, NULL, why, sizeof why);
		FUZZ_REQUIRE(!bad, "%s: the page holds %s", what, bad);
	}
	cdaimg_free(html);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	cdaimg_status st = cdaimg_doc_read_memory(&doc, (const char *)data, size, NULL, d);
	if (st != CDAIMG_OK) {
		cdaimg_diags_free(d);
		return 0;
	}
	char *html = NULL;
	size_t len = 0;
	cdaimg_diags_clear(d);
	st = cdaimg_render_html(&html, &len, (xmlNodePtr)doc, d);
	check_page(st, html, len, d, "render");
	cdaimg_diags *found = cdaimg_diags_new();
	for (long line = 1; line < 400; line += 7)
		cdaimg_diags_add(found, line % 2 ? CDAIMG_SEV_ERROR : CDAIMG_SEV_WARNING, CDAIMG_D_RULE, "/x", line, "R",
		                 "<script>alert(1)</script>");
	html = NULL;
	cdaimg_diags_clear(d);
	st = cdaimg_render_report_html(&html, &len, (xmlNodePtr)doc, "f\"<x>", CDAIMG_ENONCONFORMANT, found, d);
	check_page(st, html, len, d, "report");
	cdaimg_diags_free(found);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return 0;
}
