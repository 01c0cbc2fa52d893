/* SPDX-License-Identifier: MIT */
/* test_json.c - the JSON form: reading (structure, JSON paths, syntax errors) and writing. */
#define _XOPEN_SOURCE 700 /* strdup */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "values_int.h"

/* The example of INPUT.md. */
static const char example[] =
	"{\n"
	"  \"resourceType\": \"FrSerieImagerie\",\n"
	"  \"uuidSerie\": [{ \"system\": \"urn:dicom:uid\", \"value\": \"urn:oid:1.2.250.1.999.1.2.3.1\" }],\n"
	"  \"code\": { \"coding\": [{ \"system\": \"http://dicom.nema.org/resources/ontology/DCM\",\n"
	"                         \"code\": \"CT\", \"display\": \"Tomodensitométrie\" }] },\n"
	"  \"description\": { \"status\": \"generated\",\n"
	"                   \"div\": \"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Scanner thoracique</div>\" },\n"
	"  \"date\": \"2024-03-12T10:31:05+01:00\",\n"
	"  \"instanceSOP\": {\n"
	"    \"uuidSOPInstance\": [{ \"system\": \"urn:dicom:uid\", \"value\": \"urn:oid:1.2.250.1.999.1.2.3.1.1\" }],\n"
	"    \"classeSOP\": { \"coding\": [{ \"system\": \"urn:oid:1.2.840.10008.2.6.1\",\n"
	"                                \"code\": \"1.2.840.10008.5.1.4.1.1.2\", \"display\": \"CT Image Storage\" }] },\n"
	"    \"statut\": \"completed\",\n"
	"    \"date\": \"2024-03-12T10:31:07+01:00\",\n"
	"    \"nombreCadresReferences\": 120\n"
	"  },\n"
	"  \"referenceWado\": {\n"
	"    \"iHEInvokeImage\": { \"coding\": [{ \"system\": "
	"\"http://terminology.hl7.org/CodeSystem/endpoint-connection-type\", \"code\": \"ihe-iid\" }] },\n"
	"    \"typeMedia\": { \"coding\": [{ \"system\": \"urn:ietf:bcp:13\", \"code\": \"application/dicom\" }] },\n"
	"    \"reference\": \"https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY"
	"&studyUID=1.2.250.1.999.1.2.3&Accessionnumber=1.2.250.1.999.7.123456&idCDA=1.2.250.1.999.9.42\"\n"
	"  }\n"
	"}\n";

static cdaimg_values *read_ok(const char *text, cdaimg_diags *d)
{
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_json_read(&v, text, strlen(text), NULL, d), d);
	assert_non_null(v);
	return v;
}

/* @p st is @p status, and @p d (freed) holds one error, with @p code at @p path. */
static void expect_one_error(cdaimg_diags *d, cdaimg_status st, cdaimg_status status, cdaimg_diag_code code,
                             const char *path)
{
	if (st != status) {
		tu_print_diags(d);
		fail_msg("status %s, expected %s", cdaimg_status_name(st), cdaimg_status_name(status));
	}
	assert_diag(d, code, path);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 1);
	cdaimg_diags_free(d);
}

/* Read @p text expecting @p status and exactly one error diagnostic with @p code at @p path. */
static void read_fails(const char *text, cdaimg_status status, cdaimg_diag_code code, const char *path)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = (cdaimg_values *)1;
	cdaimg_status st = cdaimg_json_read(&v, text, strlen(text), NULL, d);
	assert_null(v);
	expect_one_error(d, st, status, code, path);
}

static const cdaimg_diag *only_diag(const cdaimg_diags *d)
{
	if (cdaimg_diags_count(d) != 1) {
		tu_print_diags(d);
		fail_msg("%zu diagnostics, expected 1", cdaimg_diags_count(d));
	}
	return cdaimg_diags_get(d, 0);
}

static void json__reads_the_input_md_example(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = read_ok(example, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_int_equal(cdaimg_values_count(v), 1);
	const cdaimg_item *it = cdaimg_values_get(v, 0);
	assert_int_equal(it->kind, CDAIMG_ITEM_SERIES);
	assert_null(it->study);
	const cdaimg_series *s = it->series;
	assert_int_equal(s->n_ids, 1);
	assert_string_equal(s->ids[0].system, "urn:dicom:uid");
	assert_string_equal(s->ids[0].value, "urn:oid:1.2.250.1.999.1.2.3.1");
	assert_int_equal(s->modality.n_codings, 1);
	assert_string_equal(s->modality.codings[0].code, "CT");
	assert_string_equal(s->modality.codings[0].display, "Tomodensitométrie");
	assert_string_equal(s->description.status, "generated");
	assert_string_equal(s->description.div, "<div xmlns=\"http://www.w3.org/1999/xhtml\">Scanner thoracique</div>");
	assert_string_equal(s->date, "2024-03-12T10:31:05+01:00");
	assert_int_equal(s->n_instances, 1);
	const cdaimg_instance *in = &s->instances[0];
	assert_string_equal(in->ids[0].value, "urn:oid:1.2.250.1.999.1.2.3.1.1");
	assert_string_equal(in->sop_class.codings[0].system, "urn:oid:1.2.840.10008.2.6.1");
	assert_string_equal(in->status, "completed");
	assert_true(in->has_frame_count);
	assert_int_equal(in->frame_count, 120);
	assert_null(in->link.reference);
	assert_string_equal(s->link.kind.codings[0].code, "ihe-iid");
	assert_string_equal(s->link.media_type.codings[0].code, "application/dicom");
	assert_non_null(strstr(s->link.reference, "&Accessionnumber=1.2.250.1.999.7.123456&"));
	/* what the reader gives, the library builds */
	assert_cdaimg_ok(cdaimg_series_check(s, NULL, d), d);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

static void json__reads_a_study_with_one_or_several_series(void **state)
{
	(void)state;
	static const char one[] =
		"{\"resourceType\":\"FrExamenImagerie\",\"uuidInstanceExamen\":[{\"value\":\"urn:oid:1.2.3\"}],"
		"\"dateActe\":\"2024\",\"accessionNumber\":{\"system\":\"urn:oid:1.2.9\",\"value\":\"A1\"},"
		"\"serieImagerie\":{\"date\":\"2024-03\"}}";
	static const char several[] =
		"[{\"resourceType\":\"FrExamenImagerie\",\"serieImagerie\":[{\"date\":\"2020\"},"
		"{\"resourceType\":\"FrSerieImagerie\",\"date\":\"2021\"}]},{\"resourceType\":\"FrSerieImagerie\"}]";
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = read_ok(one, d);
	const cdaimg_item *it = cdaimg_values_get(v, 0);
	assert_int_equal(it->kind, CDAIMG_ITEM_STUDY);
	assert_null(it->series);
	assert_string_equal(it->study->ids[0].value, "urn:oid:1.2.3");
	assert_null(it->study->ids[0].system);
	assert_string_equal(it->study->date, "2024");
	assert_string_equal(it->study->accession.system, "urn:oid:1.2.9");
	assert_string_equal(it->study->accession.value, "A1");
	assert_int_equal(it->study->n_series, 1);
	assert_string_equal(it->study->series[0].date, "2024-03");
	cdaimg_values_free(v);
	v = read_ok(several, d);
	assert_int_equal(cdaimg_values_count(v), 2);
	assert_int_equal(cdaimg_values_get(v, 0)->study->n_series, 2);
	assert_string_equal(cdaimg_values_get(v, 0)->study->series[1].date, "2021");
	assert_int_equal(cdaimg_values_get(v, 1)->kind, CDAIMG_ITEM_SERIES);
	assert_int_equal(cdaimg_diags_count(d), 0);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

static void json__syntax_errors_give_line_and_column(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	const char *text = "{\n  \"resourceType\": \"FrSerieImagerie\",\n  \"date\": ,\n}";
	assert_int_equal(cdaimg_json_read(&v, text, strlen(text), NULL, d), CDAIMG_EPARSE);
	const cdaimg_diag *g = only_diag(d);
	assert_int_equal(g->code, CDAIMG_D_JSON);
	assert_int_equal(g->line, 3);
	assert_string_equal(g->path, "");
	assert_int_equal(g->column, 11);
	assert_string_equal(g->message, "unexpected token near ','");
	char line[256];
	cdaimg_diag_format(g, line, sizeof line);
	assert_string_equal(line, "line 3: column 11: unexpected token near ',' [json]");
	cdaimg_diags_free(d);
}

/* No JSON text at all (nothing, or white space only): "empty input", not a parser message. */
static void json__empty_input(void **state)
{
	(void)state;
	static const char *const texts[] = {"", " \n\t\r\n", "\xEF\xBB\xBF\n"};
	for (size_t i = 0; i < 3; i++) {
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_values *v = NULL;
		assert_int_equal(cdaimg_json_read(&v, texts[i], strlen(texts[i]), NULL, d), CDAIMG_EPARSE);
		assert_null(v);
		const cdaimg_diag *g = only_diag(d);
		assert_int_equal(g->code, CDAIMG_D_JSON);
		assert_int_equal(g->line, 0);
		assert_string_equal(g->message, "empty input");
		cdaimg_diags_clear(d);
		cdaimg_document_header *h = NULL;
		assert_int_equal(cdaimg_json_read_header(&h, texts[i], strlen(texts[i]), NULL, d), CDAIMG_EPARSE);
		assert_string_equal(only_diag(d)->message, "empty input");
		cdaimg_diags_free(d);
	}
	/* a NUL byte is not white space */
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	assert_int_equal(cdaimg_json_read(&v, "\0", 1, NULL, d), CDAIMG_EPARSE);
	assert_string_not_equal(only_diag(d)->message, "empty input");
	cdaimg_diags_free(d);
}

static void json__encoding_duplicates_and_numbers_are_errors(void **state)
{
	(void)state;
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"date\":\"a\",\"date\":\"b\"}", CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"date\":\"\xC3\x28\"}", CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"date\":\"a\\u0000b\"}", CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"instanceSOP\":{\"nombreCadresReferences\":"
	           "99999999999999999999999}}",
	           CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	read_fails("", CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	/* the messages say what is wrong */
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	const char *bad = "{\"date\":\"\xE9t\xE9\"}";
	assert_int_equal(cdaimg_json_read(&v, bad, strlen(bad), NULL, d), CDAIMG_EPARSE);
	assert_non_null(strstr(only_diag(d)->message, "not UTF-8: unable to decode byte 0xe9"));
	cdaimg_diags_clear(d);
	const char *nul = "{\"date\":\"a\\u0000\"}";
	assert_int_equal(cdaimg_json_read(&v, nul, strlen(nul), NULL, d), CDAIMG_EPARSE);
	assert_non_null(strstr(only_diag(d)->message, "a string holds \\u0000, which XML cannot carry"));
	cdaimg_diags_free(d);
}

static void json__wrong_types_name_the_json_path(void **state)
{
	(void)state;
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"instanceSOP\":{\"statut\":1}}", CDAIMG_EINVALID, CDAIMG_D_JSON,
	           "$.instanceSOP.statut");
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"uuidSerie\":{\"value\":\"x\"}}", CDAIMG_EINVALID, CDAIMG_D_JSON,
	           "$.uuidSerie");
	read_fails("[{\"resourceType\":\"FrSerieImagerie\"},{\"resourceType\":\"FrSerieImagerie\",\"uuidSerie\":[{},"
	           "{\"value\":5}]}]",
	           CDAIMG_EINVALID, CDAIMG_D_JSON, "$[1].uuidSerie[1].value");
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"instanceSOP\":[{},{\"nombreCadresReferences\":1.5}]}",
	           CDAIMG_EINVALID, CDAIMG_D_JSON, "$.instanceSOP[1].nombreCadresReferences");
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"code\":{\"coding\":[null]}}", CDAIMG_EINVALID, CDAIMG_D_JSON,
	           "$.code.coding[0]");
	read_fails("{\"resourceType\":\"FrExamenImagerie\",\"serieImagerie\":[{},{\"resourceType\":\"FrExamenImagerie\"}]}",
	           CDAIMG_EINVALID, CDAIMG_D_JSON, "$.serieImagerie[1].resourceType");
	read_fails("{\"resourceType\":\"FrSerieImagerie\",\"referenceWado\":{\"reference\":true}}", CDAIMG_EINVALID,
	           CDAIMG_D_JSON, "$.referenceWado.reference");
	read_fails("{\"uuidSerie\":[]}", CDAIMG_EINVALID, CDAIMG_D_REQUIRED, "$.resourceType");
	read_fails("[{\"resourceType\":\"FrSerieImagerie\"},{\"resourceType\":\"Patient\"}]", CDAIMG_EINVALID,
	           CDAIMG_D_JSON, "$[1].resourceType");
	read_fails("[]", CDAIMG_EINVALID, CDAIMG_D_REQUIRED, "$");
	read_fails("\"FrSerieImagerie\"", CDAIMG_EINVALID, CDAIMG_D_JSON, "$");
	read_fails("[1]", CDAIMG_EINVALID, CDAIMG_D_JSON, "$[0]");

	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	const char *t = "{\"resourceType\":\"FrSerieImagerie\",\"instanceSOP\":{\"statut\":[]}}";
	assert_int_equal(cdaimg_json_read(&v, t, strlen(t), NULL, d), CDAIMG_EINVALID);
	assert_string_equal(only_diag(d)->message, "expected a string, found an array");
	cdaimg_diags_free(d);
}

static void json__every_error_is_reported(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	const char *t = "[{\"resourceType\":\"FrSerieImagerie\",\"date\":1,\"instanceSOP\":{\"statut\":2}},"
	                "{\"resourceType\":\"FrSerieImagerie\",\"code\":[]}]";
	assert_int_equal(cdaimg_json_read(&v, t, strlen(t), NULL, d), CDAIMG_EINVALID);
	assert_int_equal(cdaimg_diags_count(d), 3);
	assert_diag(d, CDAIMG_D_JSON, "$[0].date");
	assert_diag(d, CDAIMG_D_JSON, "$[0].instanceSOP.statut");
	assert_diag(d, CDAIMG_D_JSON, "$[1].code");
	cdaimg_diags_free(d);
}

static void json__unknown_members_warn_or_fail_when_strict(void **state)
{
	(void)state;
	const char *t = "{\"resourceType\":\"FrSerieImagerie\",\"id\":\"s1\",\"instanceSOP\":{\"statut\":\"new\","
	                "\"x y\":0},\"code\":{\"coding\":[{\"code\":\"CT\",\"userSelected\":true}]}}";
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = read_ok(t, d);
	assert_int_equal(cdaimg_diags_count(d), 3);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 0);
	assert_diag(d, CDAIMG_D_UNKNOWN_MEMBER, "$.id");
	assert_diag(d, CDAIMG_D_UNKNOWN_MEMBER, "$.instanceSOP[\"x y\"]");
	assert_diag(d, CDAIMG_D_UNKNOWN_MEMBER, "$.code.coding[0].userSelected");
	assert_string_equal(cdaimg_diags_get(d, 0)->message, "FrSerieImagerie has no such member; ignored");
	/* the known members were read all the same */
	assert_string_equal(cdaimg_values_get(v, 0)->series->instances[0].status, "new");
	cdaimg_values_free(v);
	cdaimg_diags_clear(d);
	v = (cdaimg_values *)1;
	assert_int_equal(cdaimg_json_read(&v, t, strlen(t), &(cdaimg_json_options){.strict_members = 1}, d), CDAIMG_EINVALID);
	assert_null(v);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 3);
	assert_string_equal(cdaimg_diags_get(d, 1)->message, "FrSOPInstance has no such member");
	cdaimg_diags_free(d);
}

/* RFC 8259 §8.1: a reader may ignore a byte order mark; a BOM anywhere else is an error. */
static void json__leading_byte_order_mark_is_ignored(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	size_t n = strlen(example);
	char *text = malloc(n + 3);
	memcpy(text, "\xEF\xBB\xBF", 3);
	memcpy(text + 3, example, n);
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_json_read(&v, text, n + 3, &(cdaimg_json_options){.strict_members = 1}, d), d);
	assert_int_equal(cdaimg_values_count(v), 1);
	assert_string_equal(cdaimg_values_get(v, 0)->series->date, "2024-03-12T10:31:05+01:00");
	cdaimg_values_free(v);
	cdaimg_document_header *h = NULL;
	assert_cdaimg_ok(cdaimg_json_read_header(&h, "\xEF\xBB\xBF{\"title\": \"t\"}", 17, NULL, d), d);
	assert_string_equal(h->title, "t");
	cdaimg_document_header_free(h);
	free(text);
	cdaimg_diags_free(d);
	read_fails("\xEF\xBB\xBF\xEF\xBB\xBF{}", CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	read_fails("[\xEF\xBB\xBF{}]", CDAIMG_EPARSE, CDAIMG_D_JSON, "");
}

static void json__text_need_not_be_nul_terminated(void **state)
{
	(void)state;
	char buf[] = "{\"resourceType\":\"FrSerieImagerie\",\"date\":\"2024\"}XXXX";
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_json_read(&v, buf, strlen(buf) - 4, NULL, d), d);
	assert_string_equal(cdaimg_values_get(v, 0)->series->date, "2024");
	cdaimg_values_free(v);
	assert_int_equal(cdaimg_json_read(&v, buf, strlen(buf), NULL, d), CDAIMG_EPARSE);
	/* an array (read item by item) and white space in a block of their exact size
	 * (AddressSanitizer and valgrind see a byte read past it; fuzz_json found one) */
	static const char arr[] = "  [{\"resourceType\":\"FrSerieImagerie\",\"date\":\"2024\"}]";
	char *exact = malloc(sizeof arr - 1);
	assert_non_null(exact);
	memcpy(exact, arr, sizeof arr - 1);
	assert_cdaimg_ok(cdaimg_json_read(&v, exact, sizeof arr - 1, NULL, d), d);
	assert_int_equal(cdaimg_values_count(v), 1);
	cdaimg_values_free(v);
	assert_int_equal(cdaimg_json_read(&v, exact, 2, NULL, d), CDAIMG_EPARSE); /* "  " */
	free(exact);
	assert_int_equal(cdaimg_json_read(NULL, buf, 1, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_json_read(&v, NULL, 1, NULL, d), CDAIMG_EARG);
	cdaimg_diags_free(d);
}

static char *write_ok(const cdaimg_values *v, const cdaimg_json_options *opts)
{
	char *out = NULL;
	assert_cdaimg_ok(cdaimg_json_write(&out, v, opts, NULL), NULL);
	assert_non_null(out);
	return out;
}

static void json__write_then_read_gives_the_same_values(void **state)
{
	(void)state;
	char *path = strdup(tu_src("samples/study-ct-tap.json"));
	size_t len;
	char *text = tu_read(path, &len);
	free(path);
	assert_non_null(text);
	cdaimg_values *v = read_ok(text, NULL);
	char *w1 = write_ok(v, NULL);
	/* the samples are written in the writer's own layout */
	assert_string_equal(w1, text);
	cdaimg_values *v2 = read_ok(w1, NULL);
	char *w2 = write_ok(v2, NULL);
	assert_string_equal(w1, w2);
	char *arr = write_ok(v2, &(cdaimg_json_options){.array = 1, .compact = 1});
	static const char head[] = "[{\"resourceType\":\"FrExamenImagerie\",\"uuidInstanceExamen\":[{";
	assert_memory_equal(arr, head, strlen(head));
	assert_ptr_equal(strchr(arr, '\n'), arr + strlen(arr) - 1); /* one line */
	cdaimg_free(w1);
	cdaimg_free(w2);
	cdaimg_free(arr);
	cdaimg_values_free(v);
	cdaimg_values_free(v2);
	free(text);
}

static void json__write_keeps_frames_and_instance_links(void **state)
{
	(void)state;
	const char *t = "[{\"resourceType\":\"FrSerieImagerie\",\"instanceSOP\":[{\"nombreCadresReferences\":0,"
	                "\"referenceWado\":{\"reference\":\"http://a/b\"}},{\"statut\":\"new\"}]}]";
	cdaimg_values *v = read_ok(t, NULL);
	char *w = write_ok(v, &(cdaimg_json_options){.compact = 1});
	/* one item, written as an object (opts->array keeps the array) */
	assert_string_equal(w, "{\"resourceType\":\"FrSerieImagerie\",\"instanceSOP\":[{\"nombreCadresReferences\":0,"
	                       "\"referenceWado\":{\"reference\":\"http://a/b\"}},{\"statut\":\"new\"}]}\n");
	cdaimg_free(w);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_json_write(NULL, v, NULL, d), CDAIMG_EARG);
	cdaimg_values_free(v);
	char *out = (char *)1;
	assert_int_equal(cdaimg_json_write(&out, NULL, NULL, d), CDAIMG_EARG);
	assert_null(out);
	cdaimg_diags_free(d);
}

/* Whatever the reader takes, the writer gives back: a link holding nothing but
 * the text of its kind was once left out by the writer. */
static void json__write_keeps_a_link_of_text_only(void **state)
{
	(void)state;
	const char *t = "{\"resourceType\":\"FrSerieImagerie\",\"referenceWado\":{\"iHEInvokeImage\":{\"text\":\"IID\"}}}\n";
	cdaimg_values *v = read_ok(t, NULL);
	char *w = write_ok(v, &(cdaimg_json_options){.compact = 1});
	assert_string_equal(w, t);
	cdaimg_free(w);
	cdaimg_values_free(v);
}

/* The writer writes as it walks the values, without jansson's tree, in the
 * layout of jansson's dump: a text read by jansson and dumped again (with
 * the same indentation) is the same text, for every flag, escapes included. */
static void assert_as_jansson_dumps(const char *text, const cdaimg_json_options *opts)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("jansson cannot read the writer's text: %s\n%s", err.text, text);
	char *again = json_dumps(j, opts->compact ? JSON_COMPACT : JSON_INDENT(2));
	assert_non_null(again);
	size_t n = strlen(again);
	assert_int_equal(strlen(text), n + 1);
	assert_memory_equal(text, again, n);
	assert_int_equal(text[n], '\n');
	free(again);
	json_decref(j);
}

static void json__write_is_what_jansson_dumps(void **state)
{
	(void)state;
	const char *t =
		"[{\"resourceType\":\"FrSerieImagerie\",\"uuidSerie\":[{\"system\":\"urn:dicom:uid\","
		"\"value\":\"urn:oid:1.2.3\"},{\"value\":\"x\"}],\"description\":{\"status\":\"generated\","
		"\"div\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f \\u007f \\u00e9 \\u2028 \\ud83d\\ude00\"},"
		"\"instanceSOP\":[{\"nombreCadresReferences\":2147483647,\"referenceWado\":{\"reference\":\"http://a/b?c=d&e\"}},"
		"{\"statut\":\"new\"}]},"
		"{\"resourceType\":\"FrExamenImagerie\",\"dateActe\":\"2024\",\"serieImagerie\":[{\"date\":\"2024\","
		"\"instanceSOP\":{\"statut\":\"new\"}}]}]";
	cdaimg_values *v = read_ok(t, NULL);
	const cdaimg_json_options flags[] = {{0, 0, 0}, {.compact = 1}, {.array = 1}, {.array = 1, .compact = 1}};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		char *w = write_ok(v, &flags[i]);
		assert_non_null(strstr(w, "\\u0001\\u001F"));
		assert_as_jansson_dumps(w, &flags[i]);
		cdaimg_free(w);
	}
	cdaimg_values_free(v);
	/* one item, and none */
	v = read_ok("{\"resourceType\":\"FrSerieImagerie\",\"date\":\"2024\"}", NULL);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		char *w = write_ok(v, &flags[i]);
		assert_as_jansson_dumps(w, &flags[i]);
		cdaimg_free(w);
	}
	cdaimg_values_free(v);
	v = values_new(); /* the reader takes no empty array */
	assert_non_null(v);
	char *w = write_ok(v, 0);
	assert_string_equal(w, "[]\n");
	cdaimg_free(w);
	cdaimg_values_free(v);
}

/* Arrays are read item by item (test_scale): what is said is what reading the
 * whole text says. A syntax error in a later item is the only diagnostic, at
 * its line and column in the whole text (the earlier items' value errors are
 * not reported before it); value errors name their item. */
static void json__an_array_read_item_by_item_says_what_the_whole_says(void **state)
{
	(void)state;
	const char *bad_value = "{\"resourceType\":\"FrSerieImagerie\",\"date\":3}";
	const char *good = "{\"resourceType\":\"FrSerieImagerie\",\"date\":\"2024\"}";
	char text[512];
	snprintf(text, sizeof text, "[%s,\n%s,\n{\"a\":}]", bad_value, good);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	assert_int_equal(cdaimg_json_read(&v, text, strlen(text), NULL, d), CDAIMG_EPARSE);
	assert_null(v);
	assert_int_equal(cdaimg_diags_count(d), 1);
	const cdaimg_diag *g = cdaimg_diags_get(d, 0);
	json_error_t err;
	assert_null(json_loads(text, JSON_REJECT_DUPLICATES, &err));
	assert_int_equal(g->code, CDAIMG_D_JSON);
	assert_int_equal(g->line, err.line);
	assert_int_equal(g->column, err.column);
	assert_int_equal(g->line, 3);
	cdaimg_diags_clear(d);
	snprintf(text, sizeof text, "[%s,\n%s,\n%s]", good, bad_value, good);
	assert_int_equal(cdaimg_json_read(&v, text, strlen(text), &(cdaimg_json_options){.strict_members = 1}, d), CDAIMG_EINVALID);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_string_equal(cdaimg_diags_get(d, 0)->path, "$[1].date");
	cdaimg_diags_clear(d);
	/* something after the array, a missing item: jansson's words */
	snprintf(text, sizeof text, "[%s] x", good);
	assert_int_equal(cdaimg_json_read(&v, text, strlen(text), NULL, d), CDAIMG_EPARSE);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_null(json_loads(text, 0, &err));
	assert_string_equal(cdaimg_diags_get(d, 0)->message, err.text);
	cdaimg_diags_free(d);
}

/* --- the document header (--header) -------------------------------------------------------- */

static const char header_text[] = "{\"title\": \"CR de scanner\", \"patient_given\": \"JEANNE\",\n"
                                  " \"patient_family\": \"MARTIN\", \"patient_gender\": \"F\",\n"
                                  " \"patient_birth\": \"1961-07-14\", \"author_rpps\": \"10001234567\",\n"
                                  " \"document_id_root\": \"1.2.250.1.999.9\", \"organization_name\": \"Centre \u00e9\",\n"
                                  " \"anatomical_site\": {\"coding\": [{\"system\": \"http://snomed.info/sct\",\n"
                                  "   \"code\": \"302551006\"}]},\n"
                                  " \"contraindications\": [\n"
                                  "  {\"coding\": [{\"system\": \"urn:oid:1.2.250.1.213.1.1.4.322\", \"code\": \"MED-1109\",\n"
                                  "    \"display\": \"Patient claustrophobe\"}]},\n"
                                  "  {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"77386006\"},\n"
                                  "   {\"system\": \"urn:oid:1.2.3\", \"code\": \"x\"}], \"text\": \"enceinte\"}]}";

static void json__header_fields_by_their_c_names(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = NULL;
	/* not NUL-terminated: the length is the text's */
	char *copy = malloc(sizeof header_text - 1);
	memcpy(copy, header_text, sizeof header_text - 1);
	assert_cdaimg_ok(cdaimg_json_read_header(&h, copy, sizeof header_text - 1, &(cdaimg_json_options){.strict_members = 1}, d), d);
	free(copy);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_string_equal(h->title, "CR de scanner");
	assert_string_equal(h->patient_given, "JEANNE");
	assert_string_equal(h->patient_family, "MARTIN");
	assert_string_equal(h->patient_gender, "F");
	assert_string_equal(h->patient_birth, "1961-07-14");
	assert_string_equal(h->author_rpps, "10001234567");
	assert_string_equal(h->document_id_root, "1.2.250.1.999.9");
	assert_string_equal(h->organization_name, "Centre \xC3\xA9");
	/* members left out are NULL (the build refuses a missing identity) */
	assert_null(h->patient_ins);
	assert_null(h->set_id_root);
	assert_null(h->effective_time);
	assert_null(h->organization_id);
	/* the coded values: CodeableConcept, and an array of them */
	assert_int_equal(h->anatomical_site.n_codings, 1);
	assert_string_equal(h->anatomical_site.codings[0].system, "http://snomed.info/sct");
	assert_string_equal(h->anatomical_site.codings[0].code, "302551006");
	assert_null(h->anatomical_site.codings[0].display);
	assert_int_equal(h->n_contraindications, 2);
	assert_string_equal(h->contraindications[0].codings[0].display, "Patient claustrophobe");
	assert_int_equal(h->contraindications[1].n_codings, 2);
	assert_string_equal(h->contraindications[1].codings[1].system, "urn:oid:1.2.3");
	assert_string_equal(h->contraindications[1].text, "enceinte");
	cdaimg_document_header_free(h);

	/* every string field of the struct has its member: a table that missed one would leave it NULL */
	static const char *const names[] = {"document_id_root", "document_id_ext", "set_id_root",    "effective_time",
	                                    "title",            "patient_id_root", "patient_ins",    "patient_given",
	                                    "patient_family",   "patient_gender",  "patient_birth",  "author_rpps",
	                                    "author_given",     "author_family",   "organization_name", "organization_id"};
	assert_int_equal(sizeof names / sizeof names[0],
	                 offsetof(cdaimg_document_header, anatomical_site) / sizeof(const char *));
	char all[2048] = "{";
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s\"%s\": \"v%zu\"", i ? ", " : "", names[i], i);
	strcat(all, "}");
	assert_cdaimg_ok(cdaimg_json_read_header(&h, all, strlen(all), &(cdaimg_json_options){.strict_members = 1}, d), d);
	const char *const *field = (const char *const *)(const void *)h;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char want[16];
		snprintf(want, sizeof want, "v%zu", i);
		assert_non_null(field[i]);
		assert_string_equal(field[i], want);
	}
	cdaimg_document_header_free(h);
	cdaimg_diags_free(d);
}

/* The header written gives the same values back, the coded ones included;
 * they are written in the order of the struct, concepts as FHIR writes them. */
static void json__header_coded_values_both_ways(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = NULL, *back = NULL;
	char *text = NULL, *again = NULL;
	assert_cdaimg_ok(cdaimg_json_read_header(&h, header_text, strlen(header_text), &(cdaimg_json_options){.strict_members = 1}, d), d);
	assert_cdaimg_ok(cdaimg_json_write_header(&text, h, &(cdaimg_json_options){.compact = 1}, d), d);
	assert_non_null(strstr(text, ",\"organization_name\":\"Centre \xC3\xA9\",\"anatomical_site\":{\"coding\":[{\"system\":"
	                             "\"http://snomed.info/sct\",\"code\":\"302551006\"}]},\"contraindications\":[{\"coding\":"));
	assert_non_null(strstr(text, "],\"text\":\"enceinte\"}]}\n"));
	assert_cdaimg_ok(cdaimg_json_read_header(&back, text, strlen(text), &(cdaimg_json_options){.strict_members = 1}, d), d);
	assert_cdaimg_ok(cdaimg_json_write_header(&again, back, &(cdaimg_json_options){.compact = 1}, d), d);
	assert_string_equal(text, again);
	cdaimg_free(text);
	cdaimg_free(again);
	cdaimg_free(back);
	/* none given: neither member is written */
	cdaimg_document_header none = {.title = "T"};
	assert_cdaimg_ok(cdaimg_json_write_header(&text, &none, &(cdaimg_json_options){.compact = 1}, d), d);
	assert_string_equal(text, "{\"title\":\"T\"}\n");
	cdaimg_free(text);
	/* broken UTF-8 in a coding is named */
	cdaimg_coding bad = {"http://snomed.info/sct", "302551006", "thorax \xC3("};
	none.anatomical_site = (cdaimg_concept){&bad, 1, NULL};
	assert_int_equal(cdaimg_json_write_header(&text, &none, NULL, d), CDAIMG_EINVALID);
	assert_null(text);
	assert_diag(d, CDAIMG_D_TEXT, "display");
	cdaimg_document_header_free(h);
	cdaimg_diags_free(d);
}

/* Read a header expecting @p status and one error with @p code at @p path. */
static void header_fails(const char *text, const cdaimg_json_options *opts, cdaimg_status status, cdaimg_diag_code code,
                         const char *path)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = (cdaimg_document_header *)1;
	cdaimg_status st = cdaimg_json_read_header(&h, text, strlen(text), opts, d);
	assert_null(h);
	expect_one_error(d, st, status, code, path);
}

static void json__header_errors_name_the_member(void **state)
{
	(void)state;
	header_fails("{\"patient_birth\": 1961}", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON, "$.patient_birth");
	header_fails("{\"title\": null}", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON, "$.title");
	header_fails("[{\"title\": \"x\"}]", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON, "$");
	header_fails("{\"title\": \"a\", \"title\": \"b\"}", NULL, CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	header_fails("{\"title\": \"a\",}", NULL, CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	header_fails("{\"title\": \"a\\u0000b\"}", NULL, CDAIMG_EPARSE, CDAIMG_D_JSON, "");
	header_fails("{\"patientGiven\": \"x\"}", &(cdaimg_json_options){.strict_members = 1}, CDAIMG_EINVALID, CDAIMG_D_UNKNOWN_MEMBER,
	             "$.patientGiven");
	header_fails("{\"patientGiven\": \"x\"}", NULL, CDAIMG_EINVALID, CDAIMG_D_UNKNOWN_MEMBER, "$.patientGiven");
	/* the coded members: a CodeableConcept, an array of them, each as FHIR writes it */
	header_fails("{\"anatomical_site\": \"302551006\"}", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON, "$.anatomical_site");
	header_fails("{\"anatomical_site\": [{\"coding\": []}]}", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON, "$.anatomical_site");
	header_fails("{\"anatomical_site\": {\"coding\": {\"code\": \"x\"}}}", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON,
	             "$.anatomical_site.coding");
	header_fails("{\"contraindications\": {\"coding\": []}}", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON,
	             "$.contraindications");
	header_fails("{\"contraindications\": [{\"coding\": [{\"code\": 18}]}]}", NULL, CDAIMG_EINVALID, CDAIMG_D_JSON,
	             "$.contraindications[0].coding[0].code");
	header_fails("{\"anatomical_sites\": {}}", &(cdaimg_json_options){.strict_members = 1}, CDAIMG_EINVALID, CDAIMG_D_UNKNOWN_MEMBER,
	             "$.anatomical_sites");
	header_fails("{\"contraindications\": [{\"coding\": [{\"sytem\": \"x\"}]}]}", &(cdaimg_json_options){.strict_members = 1},
	             CDAIMG_EINVALID, CDAIMG_D_UNKNOWN_MEMBER, "$.contraindications[0].coding[0].sytem");

	/* strict or not, an unknown member of a header is an error (a misspelt
	 * identity would be left out), naming the member it most likely misspells */
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = (cdaimg_document_header *)1;
	const char *text = "{\"patient_famly\": \"x\", \"patient_given\": \"y\", \"contraindication\": [],\n"
	                   " \"zzz\": 1}";
	assert_int_equal(cdaimg_json_read_header(&h, text, strlen(text), NULL, d), CDAIMG_EINVALID);
	assert_null(h);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 3);
	assert_string_equal(cdaimg_diags_get(d, 0)->path, "$.patient_famly");
	assert_string_equal(cdaimg_diags_get(d, 0)->message,
	                    "the document header has no such member (did you mean \"patient_family\"?)");
	assert_string_equal(cdaimg_diags_get(d, 1)->message,
	                    "the document header has no such member (did you mean \"contraindications\"?)");
	assert_string_equal(cdaimg_diags_get(d, 2)->message, "the document header has no such member");
	cdaimg_diags_free(d);
}

/* The model's unknown members stay warnings unless strict; a near name is suggested too. */
static void json__unknown_member_suggests_the_nearest(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	const char *text = "{\"resourceType\": \"FrSerieImagerie\", \"dtae\": \"2024\", \"pacsComment\": \"x\"}";
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_json_read(&v, text, strlen(text), NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 2);
	assert_string_equal(cdaimg_diags_get(d, 0)->message,
	                    "FrSerieImagerie has no such member (did you mean \"date\"?); ignored");
	assert_string_equal(cdaimg_diags_get(d, 1)->message, "FrSerieImagerie has no such member; ignored");
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* --- out of memory: fail the n-th allocation, for every n ----------------------------------- */

typedef struct json_arg {
	cdaimg_status read; /* the read's status */
	cdaimg_values *v;
	cdaimg_document_header *h;
	char *out;
} json_arg;

/* The example read, then written. */
static cdaimg_status json_call(void *arg)
{
	json_arg *a = arg;
	*a = (json_arg){0};
	cdaimg_status st = a->read = cdaimg_json_read(&a->v, example, strlen(example), NULL, NULL);
	return st == CDAIMG_OK ? cdaimg_json_write(&a->out, a->v, NULL, NULL) : st;
}

/* An array of two items (read item by item), one with a warning, then written. */
static cdaimg_status array_call(void *arg)
{
	json_arg *a = arg;
	*a = (json_arg){0};
	char text[4096];
	snprintf(text, sizeof text, "[%s,\n{\"resourceType\": \"FrSerieImagerie\", \"dtae\": \"2024\"}]", example);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status st = a->read = d ? cdaimg_json_read(&a->v, text, strlen(text), NULL, d) : CDAIMG_ENOMEM;
	if (st == CDAIMG_OK && cdaimg_diags_count(d) != 1)
		oom_problem("json: %zu diagnostics for the array, 1 expected", cdaimg_diags_count(d));
	cdaimg_diags_free(d);
	return st == CDAIMG_OK ? cdaimg_json_write(&a->out, a->v, NULL, NULL) : st;
}

/* The header read, then written. */
static cdaimg_status header_call(void *arg)
{
	json_arg *a = arg;
	*a = (json_arg){0};
	cdaimg_status st = a->read = cdaimg_json_read_header(&a->h, header_text, strlen(header_text), NULL, NULL);
	return st == CDAIMG_OK ? cdaimg_json_write_header(&a->out, a->h, NULL, NULL) : st;
}

/* What was written; on failure, no values, header or text. */
static char *json_done(void *arg, cdaimg_status st)
{
	json_arg *a = arg;
	if (a->read != CDAIMG_OK && (a->v || a->h))
		oom_problem("json: read %s with an output", cdaimg_status_name(a->read));
	if (a->read == CDAIMG_OK && !(a->v || a->h))
		oom_problem("json: read OK without an output");
	if (st != CDAIMG_OK && a->out)
		oom_problem("json: written %s with text", cdaimg_status_name(st));
	char *text = NULL;
	if (a->out) {
		text = malloc(strlen(a->out) + 1);
		assert_non_null(text);
		strcpy(text, a->out);
	}
	cdaimg_free(a->out);
	cdaimg_values_free(a->v);
	cdaimg_free(a->h);
	return text;
}

static void json__out_of_memory_at_every_allocation(void **state)
{
	(void)state;
	json_arg a = {0};
	const oom_case values = {.name = "cdaimg_json_read + cdaimg_json_write", .arg = &a, .call = json_call,
	                         .done = json_done, .final = CDAIMG_OK, .max_unseen = 0};
	assert_true(oom_run(&values) > 3); /* the loop really failed allocations */
	const oom_case array = {.name = "cdaimg_json_read of an array + cdaimg_json_write", .arg = &a, .call = array_call,
	                        .done = json_done, .final = CDAIMG_OK, .max_unseen = 0};
	assert_true(oom_run(&array) > 3);
	const oom_case header = {.name = "cdaimg_json_read_header + cdaimg_json_write_header", .arg = &a,
	                         .call = header_call, .done = json_done, .final = CDAIMG_OK, .max_unseen = 0};
	assert_true(oom_run(&header) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json__reads_the_input_md_example),
		cmocka_unit_test(json__reads_a_study_with_one_or_several_series),
		cmocka_unit_test(json__syntax_errors_give_line_and_column),
		cmocka_unit_test(json__empty_input),
		cmocka_unit_test(json__encoding_duplicates_and_numbers_are_errors),
		cmocka_unit_test(json__wrong_types_name_the_json_path),
		cmocka_unit_test(json__every_error_is_reported),
		cmocka_unit_test(json__unknown_members_warn_or_fail_when_strict),
		cmocka_unit_test(json__leading_byte_order_mark_is_ignored),
		cmocka_unit_test(json__text_need_not_be_nul_terminated),
		cmocka_unit_test(json__write_then_read_gives_the_same_values),
		cmocka_unit_test(json__write_keeps_frames_and_instance_links),
		cmocka_unit_test(json__write_keeps_a_link_of_text_only),
		cmocka_unit_test(json__write_is_what_jansson_dumps),
		cmocka_unit_test(json__an_array_read_item_by_item_says_what_the_whole_says),
		cmocka_unit_test(json__header_fields_by_their_c_names),
		cmocka_unit_test(json__header_coded_values_both_ways),
		cmocka_unit_test(json__header_errors_name_the_member),
		cmocka_unit_test(json__unknown_member_suggests_the_nearest),
		cmocka_unit_test(json__out_of_memory_at_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
