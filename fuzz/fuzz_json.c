/* SPDX-License-Identifier: MIT */
/*
 * fuzz_json.c - untrusted JSON: cdaimg_json_read, then every series checked
 * and built, and the JSON written back.
 * Studies are also built as a Study Act and as a whole document, which must
 * be XSD-valid and pass the template rules.
 * Oracles: read -> write -> read succeeds with the same number of items and
 * writing again gives the same text (the JSON form is a fixed point after
 * one round); a series that passes its check builds, and the entry is valid
 * against the ANS schema.
 * The same input is also read as a document header (--header): a header
 * that leaves out an identity is refused, each one named; completed with the
 * sample's identities, a header that builds gives an XSD- and rule-valid
 * document.
 */
#include <libxml/tree.h>

#include "fuzz.h"
#include "internal.h"

static void build_series(const cdaimg_series *s)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status checked = cdaimg_series_check(s, NULL, d);
	fuzz_check_diags(d);
	cdaimg_diags_clear(d);
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNodePtr act = NULL;
	cdaimg_status st = cdaimg_series_build(&act, root, s, NULL, d);
	FUZZ_REQUIRE(st == checked, "check %d, build %d", (int)checked, (int)st);
	if (st == CDAIMG_OK) {
		cdaimg_diags_clear(d);
		cdaimg_status vst = cdaimg_schema_validate_entry(fuzz_schema(), act, d);
		if (vst != CDAIMG_OK)
			for (size_t i = 0; i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s\n", cdaimg_diags_get(d, i)->message);
		FUZZ_REQUIRE(vst == CDAIMG_OK, "built entry is not XSD-valid");
	}
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* A study: its Study Act, and a whole document that must be XSD- and
 * rule-valid when the build succeeds. */
static void build_study(const cdaimg_study *st)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNodePtr act = NULL;
	cdaimg_status s1 = cdaimg_study_build(&act, root, st, NULL, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE(s1 == CDAIMG_OK || s1 == CDAIMG_EINVALID, "study_build %d", (int)s1);
	FUZZ_REQUIRE(s1 == CDAIMG_OK || !root->children, "failed study build left nodes behind");
	xmlFreeDoc(doc);
	cdaimg_diags_clear(d);
	xmlDocPtr full = NULL;
	cdaimg_status s2 = cdaimg_document_build(&full, st, 1, cdaimg_document_header_sample(), NULL, d);
	FUZZ_REQUIRE(s2 == s1, "study_build %d, document_build %d", (int)s1, (int)s2);
	if (s2 == CDAIMG_OK) {
		cdaimg_diags_clear(d);
		cdaimg_status vst = cdaimg_schema_validate_doc(fuzz_schema(), full, d);
		if (vst != CDAIMG_OK)
			for (size_t i = 0; i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s\n", cdaimg_diags_get(d, i)->message);
		FUZZ_REQUIRE(vst == CDAIMG_OK, "built document is not XSD-valid");
		cdaimg_diags_clear(d);
		cdaimg_status rst = cdaimg_conformance_check_rules(fuzz_conformance(), (xmlNodePtr)full, NULL, d);
		if (rst != CDAIMG_OK)
			for (size_t i = 0; i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s: %s\n", cdaimg_diags_get(d, i)->path, cdaimg_diags_get(d, i)->message);
		FUZZ_REQUIRE(rst == CDAIMG_OK, "built document breaks a template rule");
	}
	xmlFreeDoc(full);
	cdaimg_diags_free(d);
}

static void build_items(const cdaimg_values *v)
{
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		FUZZ_REQUIRE(it, "item %zu missing", i);
		if (it->kind == CDAIMG_ITEM_SERIES) {
			FUZZ_REQUIRE(it->series && !it->study, "series item %zu", i);
			build_series(it->series);
		} else {
			FUZZ_REQUIRE(it->kind == CDAIMG_ITEM_STUDY && it->study && !it->series, "study item %zu", i);
			for (size_t k = 0; k < it->study->n_series; k++)
				build_series(&it->study->series[k]);
			build_study(it->study);
		}
	}
}

/* A valid study (samples/study-ct-tap.json, first series) for the header oracle. */
static const char header_study[] =
	"{\"resourceType\":\"FrExamenImagerie\",\"uuidInstanceExamen\":[{\"system\":\"urn:dicom:uid\",\"value\":\"urn:"
	"oid:1.2.250.1.999.5.20240705.9\"}],\"dateActe\":\"2024-07-05T08:04:00+02:00\",\"accessionNumber\":{\"sys"
	"tem\":\"urn:oid:1.2.250.1.999.7\",\"value\":\"240705009\"},\"serieImagerie\":[{\"uuidSerie\":[{\"system\":\"ur"
	"n:dicom:uid\",\"value\":\"urn:oid:1.2.250.1.999.5.20240705.9.1\"}],\"code\":{\"coding\":[{\"system\":\"http:"
	"//dicom.nema.org/resources/ontology/DCM\",\"code\":\"CT\",\"display\":\"Tomodensitom\\u00e9trie\"}]},\"date"
	"\":\"2024-07-05T08:05:12+02:00\",\"instanceSOP\":{\"uuidSOPInstance\":[{\"system\":\"urn:dicom:uid\",\"value"
	"\":\"urn:oid:1.2.250.1.999.5.20240705.9.1.1\"}],\"classeSOP\":{\"coding\":[{\"system\":\"urn:oid:1.2.840.1"
	"0008.2.6.1\",\"code\":\"1.2.840.10008.5.1.4.1.1.2\",\"display\":\"CT Image Storage\"}]},\"statut\":\"complet"
	"ed\",\"date\":\"2024-07-05T08:05:12+02:00\"},\"referenceWado\":{\"iHEInvokeImage\":{\"coding\":[{\"system\":\""
	"http://terminology.hl7.org/CodeSystem/endpoint-connection-type\",\"code\":\"ihe-iid\"}]},\"typeMedia\":"
	"{\"coding\":[{\"system\":\"urn:ietf:bcp:13\",\"code\":\"application/dicom\"}]},\"reference\":\"https://pacs.e"
	"xample.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=1.2.250.1.999.5.20240705.9&Accession"
	"number=1.2.250.1.999.7.240705009&idCDA=1.2.250.1.999.9.77\"}}]}";

/* The identities of a header (string fields, by their index in the struct):
 * cdaimg_document_build has no default for them. */
static const struct {
	size_t i;
	const char *path;
} identities[] = {{5, "header.patient_id_root"}, {6, "header.patient_ins"},      {7, "header.patient_given"},
                  {8, "header.patient_family"},   {9, "header.patient_gender"},   {10, "header.patient_birth"},
                  {11, "header.author_rpps"},     {12, "header.author_given"},    {13, "header.author_family"},
                  {14, "header.organization_name"}, {15, "header.organization_id"}};
_Static_assert(offsetof(cdaimg_document_header, patient_id_root) == 5 * sizeof(const char *) &&
                       offsetof(cdaimg_document_header, organization_id) == 15 * sizeof(const char *),
               "the identities of cdaimg_document_header moved");

static const char **text_field(cdaimg_document_header *h, size_t i) { return (const char **)(void *)h + i; }

/* A header leaving out identities is refused, each of them named. */
static void missing_identities_named(const cdaimg_study *study, cdaimg_document_header *h, cdaimg_diags *d)
{
	bool missing = false;
	for (size_t k = 0; k < sizeof identities / sizeof identities[0]; k++)
		missing |= *text_field(h, identities[k].i) == NULL;
	if (!missing)
		return;
	cdaimg_diags_clear(d);
	xmlDocPtr doc = (xmlDocPtr)1;
	cdaimg_status st = cdaimg_document_build(&doc, study, 1, h, NULL, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE(st == CDAIMG_EINVALID && doc == NULL, "a header without an identity: status %d", (int)st);
	for (size_t k = 0; k < sizeof identities / sizeof identities[0]; k++) {
		bool named = false;
		for (size_t j = 0; j < cdaimg_diags_count(d) && !named; j++) {
			const cdaimg_diag *g = cdaimg_diags_get(d, j);
			named = g->code == CDAIMG_D_REQUIRED && !strcmp(g->path, identities[k].path);
		}
		bool absent = *text_field(h, identities[k].i) == NULL;
		FUZZ_REQUIRE(!absent || named, "%s: missing, not named", identities[k].path);
	}
}

/* The input read as a document header (--header): a header the library
 * accepts (completed with the sample's identities and site where it has
 * none) must give a document that is XSD- and rule-valid. */
static void build_with_header(const uint8_t *data, size_t size, const cdaimg_json_options *opts)
{
	static cdaimg_values *study;
	if (!study && cdaimg_json_read(&study, header_study, sizeof header_study - 1, NULL, NULL) != CDAIMG_OK)
		abort();
	const cdaimg_study *st0 = cdaimg_values_get(study, 0)->study;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = NULL;
	cdaimg_status st = cdaimg_json_read_header(&h, (const char *)data, size, opts, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (h != NULL), "header status %d with %p", (int)st, (void *)h);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EPARSE || st == CDAIMG_EINVALID, "header status %d", (int)st);
	/* a header with no field given: nothing to learn from building it */
	bool given = h && (h->anatomical_site.n_codings || h->anatomical_site.text || h->n_contraindications);
	for (size_t i = 0; h && i < offsetof(cdaimg_document_header, anatomical_site) / sizeof(const char *); i++)
		given |= *text_field(h, i) != NULL;
	if (given) {
		missing_identities_named(st0, h, d);
		cdaimg_document_header full = *h, sample = *cdaimg_document_header_sample();
		for (size_t k = 0; k < sizeof identities / sizeof identities[0]; k++)
			if (!*text_field(&full, identities[k].i))
				*text_field(&full, identities[k].i) = *text_field(&sample, identities[k].i);
		if (!full.anatomical_site.n_codings && !full.anatomical_site.text)
			full.anatomical_site = sample.anatomical_site;
		cdaimg_diags_clear(d);
		xmlDocPtr doc = NULL;
		st = cdaimg_document_build(&doc, st0, 1, &full, NULL, d);
		fuzz_check_diags(d);
		FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EINVALID, "document with header: %d", (int)st);
		FUZZ_REQUIRE((st == CDAIMG_OK) == (doc != NULL), "document status %d with %p", (int)st, (void *)doc);
		if (doc) {
			cdaimg_diags_clear(d);
			cdaimg_status vst = cdaimg_schema_validate_doc(fuzz_schema(), doc, d);
			for (size_t i = 0; vst != CDAIMG_OK && i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s\n", cdaimg_diags_get(d, i)->message);
			FUZZ_REQUIRE(vst == CDAIMG_OK, "document with an accepted header is not XSD-valid");
			cdaimg_diags_clear(d);
			FUZZ_REQUIRE(cdaimg_conformance_check_rules(fuzz_conformance(), (xmlNodePtr)doc, NULL, d) == CDAIMG_OK,
			             "document with an accepted header breaks a rule");
		}
		xmlFreeDoc(doc);
	}
	cdaimg_document_header_free(h);
	cdaimg_diags_free(d);
}

/* The bytes of the input handed out a few at a time. */
typedef struct chunks {
	const uint8_t *data;
	size_t size, pos, step;
} chunks;

static int chunks_read(void *payload, char *buf, size_t size, size_t *got)
{
	chunks *c = payload;
	size_t n = c->size - c->pos < c->step ? c->size - c->pos : c->step;
	if (n > size)
		n = size;
	memcpy(buf, c->data + c->pos, n);
	c->pos += n;
	*got = n;
	return 0;
}

/* The input read item by item from a callback (cdaimg_json_items) agrees
 * with cdaimg_json_read (@p whole, its status @p st): the same items,
 * written the same, when it read them; a syntax error when it found one. */
static void items_agree(const uint8_t *data, size_t size, const cdaimg_json_options *opts, cdaimg_status st,
                        const cdaimg_values *whole)
{
	chunks c = {data, size, 0, size ? 1 + data[0] % 13 : 1};
	cdaimg_json_items *it = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	FUZZ_REQUIRE(cdaimg_json_items_open(&it, chunks_read, &c, opts, d) == CDAIMG_OK, "items_open");
	cdaimg_status worst = CDAIMG_OK, s;
	size_t n = 0, items_len = 0;
	char *items = NULL; /* the items read, written compact, as an array */
	const cdaimg_json_options compact = {.compact = 1};
	for (;;) {
		cdaimg_values *one = NULL;
		s = cdaimg_json_items_next(it, &one, d);
		FUZZ_REQUIRE(s == CDAIMG_OK || s == CDAIMG_EINVALID || s == CDAIMG_EPARSE, "items_next %d", (int)s);
		FUZZ_REQUIRE(!one || s == CDAIMG_OK, "an item with status %d", (int)s);
		if (s != CDAIMG_OK && worst == CDAIMG_OK)
			worst = s;
		if (s == CDAIMG_EPARSE || (s == CDAIMG_OK && !one))
			break;
		if (!one)
			continue;
		FUZZ_REQUIRE(cdaimg_values_count(one) == 1, "item %zu: %zu values", n, cdaimg_values_count(one));
		char *w = NULL;
		FUZZ_REQUIRE(cdaimg_json_write(&w, one, &compact, NULL) == CDAIMG_OK, "write item %zu", n);
		size_t len = strlen(w) - 1; /* without its newline */
		char *more = realloc(items, items_len + len + 2);
		FUZZ_REQUIRE(more, "out of memory");
		items = more;
		items[items_len++] = n ? ',' : '[';
		memcpy(items + items_len, w, len);
		items_len += len;
		items[items_len] = '\0';
		cdaimg_free(w);
		cdaimg_values_free(one);
		n++;
	}
	cdaimg_json_items_close(it);
	FUZZ_REQUIRE((st == CDAIMG_EPARSE) == (s == CDAIMG_EPARSE), "whole %d, item by item %d", (int)st, (int)s);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (worst == CDAIMG_OK), "whole %d, item by item %d", (int)st, (int)worst);
	if (whole) {
		FUZZ_REQUIRE(n == cdaimg_values_count(whole), "%zu items, %zu whole", n, cdaimg_values_count(whole));
		char *w = NULL;
		FUZZ_REQUIRE(cdaimg_json_write(&w, whole, &(cdaimg_json_options){.array = 1, .compact = 1}, NULL) ==
		                     CDAIMG_OK,
		             "write the whole");
		FUZZ_REQUIRE(!strncmp(w, items, items_len) && !strcmp(w + items_len, "]\n"),
		             "item by item:\n%s]\nwhole:\n%s", items, w);
		cdaimg_free(w);
	}
	free(items);
	cdaimg_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const cdaimg_json_options opts = {.strict_members = size && (data[size - 1] & 1)};
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_json_read(&v, (const char *)data, size, &opts, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (v != NULL), "status %d with values %p", (int)st, (void *)v);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EPARSE || st == CDAIMG_EINVALID, "status %d", (int)st);
	items_agree(data, size, &opts, st, v);
	if (v) {
		build_items(v);
		char *once = NULL, *twice = NULL;
		st = cdaimg_json_write(&once, v, NULL, d);
		FUZZ_REQUIRE(st == CDAIMG_OK, "write failed: %d", (int)st);
		cdaimg_values *v2 = NULL;
		cdaimg_diags_clear(d);
		st = cdaimg_json_read(&v2, once, strlen(once), NULL, d);
		FUZZ_REQUIRE(st == CDAIMG_OK, "written JSON does not read back:\n%s", once);
		FUZZ_REQUIRE(cdaimg_values_count(v2) == cdaimg_values_count(v), "item count changed");
		FUZZ_REQUIRE(cdaimg_json_write(&twice, v2, NULL, d) == CDAIMG_OK, "second write failed");
		FUZZ_REQUIRE(!strcmp(once, twice), "not a fixed point:\n%s\n---\n%s", once, twice);
		cdaimg_free(once);
		cdaimg_free(twice);
		cdaimg_values_free(v2);
		cdaimg_values_free(v);
	}
	cdaimg_diags_free(d);
	build_with_header(data, size, &opts);
	return 0;
}
