/* SPDX-License-Identifier: MIT */
/* test_link.c - image links (D5): syntax, kinds, consistency with the entry's UIDs. */
#include <stdio.h>
#include <string.h>

#include <libxml/uri.h>

#include "link.h"
#include "testutil.h"

#define STUDY "1.2.250.1.999.1"
#define SERIES "1.2.250.1.999.1.2"
#define SOP "1.2.250.1.999.1.2.3"

/* Runs link_check and returns the diagnostics (caller frees). */
static cdaimg_diags *run(const char *url, cdaimg_link_kind kind, const char *study)
{
	cdaimg_diags *d = cdaimg_diags_new();
	diag_ctx dc = {.diags = d};
	link_check(&dc, "referenceWado.reference", url, kind, study, SERIES, SOP);
	return d;
}

static void expect_clean(const char *url, cdaimg_link_kind kind)
{
	cdaimg_diags *d = run(url, kind, STUDY);
	if (cdaimg_diags_count(d)) {
		tu_print_diags(d);
		fail_msg("unexpected diagnostics for %s", url);
	}
	cdaimg_diags_free(d);
}

static void expect(const char *url, cdaimg_link_kind kind, cdaimg_diag_code code, cdaimg_severity sev)
{
	cdaimg_diags *d = run(url, kind, STUDY);
	int i = tu_find_diag(d, code, "referenceWado.reference");
	if (i < 0 || cdaimg_diags_get(d, (size_t)i)->severity != sev) {
		tu_print_diags(d);
		fail_msg("expected %s for %s", cdaimg_diag_code_name(code), url);
	}
	cdaimg_diags_free(d);
}

static void link__valid_links_of_each_kind(void **state)
{
	expect_clean("https://pacs.example.org/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" SERIES
	             "&objectUID=" SOP "&contentType=application%2Fdicom",
	             CDAIMG_LINK_WADO_URI);
	expect_clean("https://pacs.example.org/dicom-web/studies/" STUDY "/series/" SERIES "/instances/" SOP,
	             CDAIMG_LINK_WADO_RS);
	expect_clean("https://pacs.example.org/dicom-web/studies/" STUDY "/series/" SERIES "/instances/" SOP
	             "/frames/1",
	             CDAIMG_LINK_WADO_RS);
	expect_clean("https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=" STUDY
	             "&Accessionnumber=1.2.250.1.999.7.123&idCDA=1.2.3",
	             CDAIMG_LINK_IID);
	expect_clean("http://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=A1", CDAIMG_LINK_IID);
	expect_clean("http://[2001:db8::1]:8080/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=A1", CDAIMG_LINK_IID);
	expect_clean("http://viewer.example.org/IHEInvokeImageDisplay?requestType=PATIENT&patientID=123%5E%5E%5E%261.2.3%26ISO",
	             CDAIMG_LINK_IID);
}

static void link__syntax_errors(void **state)
{
	/* the ANS example's defect: spaces inside the URL */
	expect("http://www.example.org/wado?requestType=WADO &studyUID=" STUDY, CDAIMG_LINK_WADO_URI, CDAIMG_D_URL,
	       CDAIMG_SEV_ERROR);
	expect("ftp://pacs.example.org/x", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("pacs.example.org/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https:///wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://h/wado?x=<a>", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://h/wado?x=%zz", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://h/wad\xC3\xA9", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://h/wado?x=[1]", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR); /* brackets: host only */
	/* what the schema's anyURI (libxml2's URI parser) refuses, found first by fuzz_series */
	expect("https://h/wado?requestType=WADO#a#b", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://u@v@h/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://h:80x/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://h:/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://h:8:8/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://a[1]/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://[::1/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://[::1]x/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://u@/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("http://h:18100000000000000000000/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("http://h:65536/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://u[@h/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://u]@h/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
	expect("https://[]/wado", CDAIMG_LINK_WADO_URI, CDAIMG_D_URL, CDAIMG_SEV_ERROR);
}

/* Every authority of up to four pieces over the characters that matter, with
 * a few endings: when link_check finds no error, libxml2 parses the URL (the
 * schema's anyURI is validated with libxml2's URI parser). */
static void link__no_error_means_libxml2_parses(void **state)
{
	static const char *const piece[] = {"a", "1", ":", "@", "[", "]", "%41", ".", "!"};
	static const char *const tail[] = {"", "/w", "/w#f", "/w#f#g", "/w?q=[1]", "?a=1"};
	const size_t np = sizeof piece / sizeof *piece;
	char url[96];
	size_t accepted = 0;
	for (size_t len = 0; len <= 4; len++) {
		size_t total = 1;
		for (size_t i = 0; i < len; i++)
			total *= np;
		for (size_t k = 0; k < total; k++) {
			for (size_t t = 0; t < sizeof tail / sizeof *tail; t++) {
				size_t x = k;
				strcpy(url, "https://");
				for (size_t i = 0; i < len; i++, x /= np)
					strcat(url, piece[x % np]);
				strcat(url, tail[t]);
				cdaimg_diags *d = run(url, LINK_NONE, STUDY);
				bool error = false;
				for (size_t i = 0; i < cdaimg_diags_count(d); i++)
					error = error || cdaimg_diags_get(d, i)->severity == CDAIMG_SEV_ERROR;
				cdaimg_diags_free(d);
				if (error)
					continue;
				accepted++;
				xmlURIPtr u = xmlParseURI(url);
				if (!u)
					fail_msg("no error for %s, which libxml2 does not parse", url);
				xmlFreeURI(u);
			}
		}
	}
	assert_true(accepted > 1000); /* the generator does reach accepted URLs */
}

/* Every form of authority the checks let through is a URI for libxml2, which
 * validates the schema's anyURI. */
static void link__accepted_authorities_parse_as_uris(void **state)
{
	static const char *const ok[] = {
	    "https://h/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1",
	    "https://h:8080/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1",
	    "https://h:65535/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1",
	    "https://user:pw@h:1/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1",
	    "https://[2001:db8::7]:443/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1",
	    "https://u@[::1]/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1",
	    "https://h%41.example/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1#f?/:@",
	    "https://%41:x@h!$&'()*+,;=/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=1",
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		expect_clean(ok[i], CDAIMG_LINK_IID);
		xmlURIPtr u = xmlParseURI(ok[i]);
		if (!u)
			fail_msg("libxml2 does not parse %s", ok[i]);
		xmlFreeURI(u);
	}
}

static void link__wado_uri_rules(void **state)
{
	/* seriesUID of another series: the ANS example's other defect */
	expect("https://h/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" SERIES ".9&objectUID=" SOP
	       "&contentType=application/dicom",
	       CDAIMG_LINK_WADO_URI, CDAIMG_D_URL_MISMATCH, CDAIMG_SEV_ERROR);
	expect("https://h/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" SERIES "&objectUID=1.2.3"
	       "&contentType=application/dicom",
	       CDAIMG_LINK_WADO_URI, CDAIMG_D_URL_MISMATCH, CDAIMG_SEV_ERROR);
	expect("https://h/wado?requestType=WADO&studyUID=2.9&seriesUID=" SERIES "&objectUID=" SOP
	       "&contentType=application/dicom",
	       CDAIMG_LINK_WADO_URI, CDAIMG_D_URL_MISMATCH, CDAIMG_SEV_ERROR);
	expect("https://h/wado?requestType=WADO&studyUID=" STUDY "&objectUID=" SOP "&contentType=application/dicom",
	       CDAIMG_LINK_WADO_URI, CDAIMG_D_URL_PARAM, CDAIMG_SEV_ERROR);
	expect("https://h/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" SERIES "&objectUID=" SOP, CDAIMG_LINK_WADO_URI,
	       CDAIMG_D_URL_CONTENT_TYPE, CDAIMG_SEV_WARNING);
	expect("https://h/wado?requestType=WADO&studyUID=01.2&seriesUID=" SERIES "&objectUID=" SOP
	       "&contentType=application/dicom",
	       CDAIMG_LINK_WADO_URI, CDAIMG_D_URL_PARAM, CDAIMG_SEV_ERROR);
	/* parameters are compared decoded: %XX and '+' */
	expect_clean("https://h/wado?requestType=WA%44O&studyUID=1%2E2.250.1.999.1&seriesUID=" SERIES "&objectUID=" SOP
	             "&contentType=application%2fdicom",
	             CDAIMG_LINK_WADO_URI);
	expect("https://h/wado?requestType=WA+DO&studyUID=" STUDY "&seriesUID=" SERIES "&objectUID=" SOP
	       "&contentType=application/dicom",
	       CDAIMG_LINK_WADO_URI, CDAIMG_D_URL_PARAM, CDAIMG_SEV_ERROR);
	expect("https://h/wado?requestType=WADO&studyUID=" STUDY "+&seriesUID=" SERIES "&objectUID=" SOP
	       "&contentType=application/dicom",
	       CDAIMG_LINK_WADO_URI, CDAIMG_D_URL_PARAM, CDAIMG_SEV_ERROR);
}

/* A byte that has no place in a URL is found wherever it is, at the right offset. */
static void link__bad_byte_at_every_offset(void **state)
{
	static const char good[] = "https://pacs.example.org/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" SERIES
	                           "&objectUID=" SOP "&contentType=application/dicom";
	char url[sizeof good], want[32];
	for (size_t at = 25; at < sizeof good - 1; at++) {
		memcpy(url, good, sizeof good);
		url[at] = at % 2 ? ' ' : '\x7f';
		cdaimg_diags *d = run(url, CDAIMG_LINK_WADO_URI, STUDY);
		int i = tu_find_diag(d, CDAIMG_D_URL, "referenceWado.reference");
		snprintf(want, sizeof want, "offset %zu", at);
		if (i < 0 || !strstr(cdaimg_diags_get(d, (size_t)i)->message, want)) {
			tu_print_diags(d);
			fail_msg("no URL error at %s for %s", want, url);
		}
		cdaimg_diags_free(d);
	}
}

static void link__wado_rs_and_iid_rules(void **state)
{
	expect("https://h/dicom-web/studies/" STUDY "/series/" SERIES, CDAIMG_LINK_WADO_RS, CDAIMG_D_URL_PARAM,
	       CDAIMG_SEV_ERROR);
	expect("https://h/dicom-web/studies/" STUDY "/series/1.2/instances/" SOP, CDAIMG_LINK_WADO_RS, CDAIMG_D_URL_MISMATCH,
	       CDAIMG_SEV_ERROR);
	expect("https://h/viewer?requestType=STUDY&studyUID=" STUDY, CDAIMG_LINK_IID, CDAIMG_D_URL_PARAM, CDAIMG_SEV_ERROR);
	expect("https://h/IHEInvokeImageDisplay?studyUID=" STUDY, CDAIMG_LINK_IID, CDAIMG_D_URL_PARAM, CDAIMG_SEV_ERROR);
	expect("https://h/IHEInvokeImageDisplay?requestType=SERIES&studyUID=" STUDY, CDAIMG_LINK_IID, CDAIMG_D_URL_PARAM,
	       CDAIMG_SEV_ERROR);
	expect("https://h/IHEInvokeImageDisplay?requestType=STUDY", CDAIMG_LINK_IID, CDAIMG_D_URL_PARAM, CDAIMG_SEV_ERROR);
	expect("https://h/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.3", CDAIMG_LINK_IID, CDAIMG_D_URL_MISMATCH,
	       CDAIMG_SEV_ERROR);
	/* several studies in one IID link: ours is among them */
	expect_clean("https://h/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.3," STUDY, CDAIMG_LINK_IID);
}

static void link__kind_codes_and_inference(void **state)
{
	assert_int_equal(link_kind_from_code("ihe-iid"), CDAIMG_LINK_IID);
	assert_int_equal(link_kind_from_code("dicom-wado-uri"), CDAIMG_LINK_WADO_URI);
	assert_int_equal(link_kind_from_code("dicom-wado-rs"), CDAIMG_LINK_WADO_RS);
	assert_int_equal(link_kind_from_code("wado"), LINK_NONE);
	assert_string_equal(link_kind_code(CDAIMG_LINK_WADO_RS), "dicom-wado-rs");
	assert_int_equal(link_kind_infer("https://h/IHEInvokeImageDisplay?requestType=STUDY"), CDAIMG_LINK_IID);
	assert_int_equal(link_kind_infer("https://h/rs/studies/1/series/2/instances/3"), CDAIMG_LINK_WADO_RS);
	assert_int_equal(link_kind_infer("https://h/wado?requestType=WADO&studyUID=1"), CDAIMG_LINK_WADO_URI);
	assert_int_equal(link_kind_infer("https://h/other"), LINK_NONE);
}

static void link__query_params_decoded(void **state)
{
	bool found;
	char *v = url_query_param("https://h/x?a=1&contentType=application%2Fdicom#frag", "contentType", false, &found);
	assert_true(found);
	assert_string_equal(v, "application/dicom");
	cdaimg_free(v);
	v = url_query_param("https://h/x?ACCESSIONNUMBER=12", "accessionNumber", true, &found);
	assert_true(found);
	assert_string_equal(v, "12");
	cdaimg_free(v);
	v = url_query_param("https://h/x?a=1", "b", false, &found);
	assert_false(found);
	assert_null(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link__valid_links_of_each_kind),   cmocka_unit_test(link__syntax_errors),
		cmocka_unit_test(link__wado_uri_rules),             cmocka_unit_test(link__wado_rs_and_iid_rules),
		cmocka_unit_test(link__kind_codes_and_inference),   cmocka_unit_test(link__query_params_decoded),
		cmocka_unit_test(link__bad_byte_at_every_offset),
		cmocka_unit_test(link__accepted_authorities_parse_as_uris),
		cmocka_unit_test(link__no_error_means_libxml2_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
