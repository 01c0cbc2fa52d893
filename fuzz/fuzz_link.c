/* SPDX-License-Identifier: MIT */
/*
 * fuzz_link.c - the image-link URL checks (link.c): link_check with every
 * kind, url_query_param, link_kind_infer.
 * Input: one byte choosing the kind, then NUL-separated fields:
 * URL, study UID, series UID, SOP instance UID ("\x01" = absent).
 * Invariant beyond the diagnostics: a URL link_check finds no error in is a
 * URI for libxml2's parser, which validates the schema's anyURI (url type).
 */
#include <libxml/uri.h>

#include "fuzz.h"
#include "link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	cdaimg_link_kind kind = (cdaimg_link_kind)(data[0] % 4);
	char *buf;
	const char *f[4];
	fuzz_fields(data + 1, size - 1, &buf, f, 4);
	const char *url = f[0] ? f[0] : "";
	cdaimg_diags *diags = cdaimg_diags_new();
	diag_ctx dc = {.diags = diags};
	link_check(&dc, "referenceWado.reference", url, kind, f[1], f[2], f[3]);
	FUZZ_REQUIRE(dc.errors + dc.warnings <= cdaimg_diags_count(diags) || dc.nomem, "diagnostics lost");
	if (!dc.errors && !dc.nomem) {
		xmlURIPtr u = xmlParseURI(url);
		FUZZ_REQUIRE(u != NULL, "no error for a URL libxml2 does not parse: %s", url);
		xmlFreeURI(u);
	}
	fuzz_check_diags(diags);
	cdaimg_diags_free(diags);
	cdaimg_link_kind inferred = link_kind_infer(url);
	FUZZ_REQUIRE((unsigned)inferred <= CDAIMG_LINK_WADO_RS, "bad kind %d", (int)inferred);
	static const char *const names[] = {"requestType", "studyUID", "seriesUID", "objectUID", "contentType"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		bool found = false;
		char *v = url_query_param(url, names[i], i & 1, &found);
		FUZZ_REQUIRE(!v || found, "a value for an absent parameter");
		cd_free(v);
	}
	free(buf);
	return 0;
}
