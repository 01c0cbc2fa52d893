/* SPDX-License-Identifier: MIT */
/*
 * fuzz_series.c - values -> check -> build -> serialize -> re-parse -> XSD.
 *
 * Input: [flags:1][frame count:8, little endian][NUL-separated fields]
 * ("\x01" = absent field). Fields, in order:
 *   0 series id system     1 series id value     2 second id system   3 second id value
 *   4 modality system      5 modality code       6 modality display   7 modality text
 *   8 description status   9 description div    10 series date
 *  11 SOP id system       12 SOP id value       13 SOP class system  14 SOP class code
 *  15 SOP class display   16 instance desc status 17 instance desc div
 *  18 instance status     19 instance date      20 link kind system  21 link kind code
 *  22 media type system   23 media type code    24 link URL          25 instance link URL
 * Flags: 1 frame count given, 2 fill display names, 4 strict, 8 lang "en",
 *        16 two instances, 32 DICOM profile.
 *
 * Oracles: check and build agree; a successful build serializes, parses
 * back with cdaimg_doc_read_memory, and is valid against the ANS schema.
 */
#include <libxml/tree.h>

#include "fuzz.h"
#include "internal.h"

enum { NF = 26 };

typedef struct vals {
	cdaimg_identifier sid[2], sop;
	cdaimg_coding modality, sop_class, kind, media;
	cdaimg_instance inst[2];
	cdaimg_series s;
	cdaimg_options o;
} vals;

static void fill(vals *v, uint8_t flags, int64_t frames, const char *const *f)
{
	memset(v, 0, sizeof *v);
	v->sid[0] = (cdaimg_identifier){f[0], f[1]};
	v->sid[1] = (cdaimg_identifier){f[2], f[3]};
	v->modality = (cdaimg_coding){f[4], f[5], f[6]};
	v->sop = (cdaimg_identifier){f[11], f[12]};
	v->sop_class = (cdaimg_coding){f[13], f[14], f[15]};
	v->kind = (cdaimg_coding){f[20], f[21], NULL};
	v->media = (cdaimg_coding){f[22], f[23], NULL};
	cdaimg_instance *in = &v->inst[0];
	in->ids = &v->sop;
	in->n_ids = 1;
	in->sop_class = (cdaimg_concept){&v->sop_class, 1, NULL};
	in->description = (cdaimg_narrative){.status = f[16], .div = f[17]};
	in->status = f[18];
	in->date = f[19];
	in->has_frame_count = flags & 1;
	in->frame_count = frames;
	in->link.reference = f[25];
	in->link.kind = (cdaimg_concept){&v->kind, 1, NULL};
	in->link.media_type = (cdaimg_concept){&v->media, 1, NULL};
	v->inst[1] = *in;
	cdaimg_series *s = &v->s;
	s->ids = v->sid;
	s->n_ids = f[3] ? 2 : 1;
	s->modality = (cdaimg_concept){&v->modality, 1, f[7]};
	s->description = (cdaimg_narrative){.status = f[8], .div = f[9]};
	s->date = f[10];
	s->instances = v->inst;
	s->n_instances = flags & 16 ? 2 : 1;
	s->link.kind = (cdaimg_concept){&v->kind, 1, NULL};
	s->link.media_type = (cdaimg_concept){&v->media, 1, NULL};
	s->link.reference = f[24];
	v->o = (cdaimg_options)CDAIMG_OPTIONS_INIT;
	v->o.fill_display = (flags & 2) != 0;
	v->o.strict_codes = (flags & 4) != 0;
	v->o.lang = flags & 8 ? CDAIMG_LANG_EN : CDAIMG_LANG_PROFILE;
	v->o.profile = flags & 32 ? CDAIMG_PROFILE_DICOM : CDAIMG_PROFILE_FR;
}

static void build_and_verify(const vals *v, cdaimg_status checked)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNodePtr act = NULL;
	cdaimg_status st = cdaimg_series_build(&act, root, &v->s, &v->o, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE(st == checked, "check says %d, build says %d", (int)checked, (int)st);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (act != NULL), "status %d with act %p", (int)st, (void *)act);
	FUZZ_REQUIRE(st == CDAIMG_OK || !root->children, "failed build left nodes behind");
	cdaimg_diags_clear(d);
	char *xml = NULL;
	size_t len = 0;
	cdaimg_status st2 = cdaimg_series_to_string(&xml, &len, &v->s, &v->o, d);
	FUZZ_REQUIRE(st2 == st, "to_string says %d, build says %d", (int)st2, (int)st);
	if (st == CDAIMG_OK) {
		FUZZ_REQUIRE(xml && strlen(xml) == len, "length %zu", len);
		xmlDocPtr back = NULL;
		cdaimg_status pst = cdaimg_doc_read_memory(&back, xml, len, "entry", d);
		FUZZ_REQUIRE(pst == CDAIMG_OK, "output does not parse back:\n%s", xml);
		xmlFreeDoc(back);
		cdaimg_diags_clear(d);
		cdaimg_status vst = cdaimg_schema_validate_entry(fuzz_schema(), act, d);
		if (vst != CDAIMG_OK) {
			for (size_t i = 0; i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s\n", cdaimg_diags_get(d, i)->message);
		}
		FUZZ_REQUIRE(vst == CDAIMG_OK, "built entry is not XSD-valid:\n%s", xml);
	}
	cdaimg_free(xml);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 9)
		return 0;
	uint8_t flags = data[0];
	uint64_t u = 0;
	for (int i = 7; i >= 0; i--)
		u = (u << 8) | data[1 + i];
	int64_t frames = (int64_t)u;
	char *buf;
	const char *f[NF];
	fuzz_fields(data + 9, size - 9, &buf, f, NF);
	vals v;
	fill(&v, flags, frames, f);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status checked = cdaimg_series_check(&v.s, &v.o, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE(checked == CDAIMG_OK || cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) > 0,
	             "status %d without an error diagnostic", (int)checked);
	cdaimg_diags_free(d);
	build_and_verify(&v, checked);
	free(buf);
	return 0;
}
