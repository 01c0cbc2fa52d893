/* SPDX-License-Identifier: MIT */
/* gen.c - the benchmark's synthetic series. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "valuesets.h"

typedef struct kind {
	const char *modality, *sop_class;
	const char *modality_display, *sop_class_display; /* from the value sets */
} kind;

static kind kinds[] = {
	{"CT", "1.2.840.10008.5.1.4.1.1.2", NULL, NULL},   {"MR", "1.2.840.10008.5.1.4.1.1.4", NULL, NULL},
	{"US", "1.2.840.10008.5.1.4.1.1.6.1", NULL, NULL}, {"CR", "1.2.840.10008.5.1.4.1.1.1", NULL, NULL},
	{"DX", "1.2.840.10008.5.1.4.1.1.1.1", NULL, NULL}, {"MG", "1.2.840.10008.5.1.4.1.1.1.2", NULL, NULL},
	{"NM", "1.2.840.10008.5.1.4.1.1.20", NULL, NULL},  {"CT", "1.2.840.10008.5.1.4.1.1.2", NULL, NULL},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

bool gen_setup(void)
{
	for (size_t i = 0; i < N_KINDS; i++) {
		const vs_entry *m = vs_find(&vs_modality, kinds[i].modality);
		const vs_entry *k = vs_find(&vs_sop_class, kinds[i].sop_class);
		if (!m || !k) {
			fprintf(stderr, "cdaimg-bench: %s / %s not in the value sets\n", kinds[i].modality, kinds[i].sop_class);
			return false;
		}
		kinds[i].modality_display = m->display;
		kinds[i].sop_class_display = k->display;
	}
	return true;
}

/* A date per study: 2021..2024, zone +01:00 or +02:00, seconds vary with the series. */
static void make_dates(gen_series *g, uint64_t study, uint64_t i)
{
	unsigned y = 2021 + (unsigned)(study % 4), mo = 1 + (unsigned)(study / 4 % 12), d = 1 + (unsigned)(study / 48 % 28);
	unsigned h = 7 + (unsigned)(study % 12), mi = (unsigned)(study * 7 % 60), s = (unsigned)(i * 13 % 60);
	int zone = mo >= 4 && mo <= 10 ? 2 : 1;
	snprintf(g->date, sizeof g->date, "%04u-%02u-%02uT%02u:%02u:%02u+%02d:00", y, mo, d, h, mi, s, zone);
	snprintf(g->ts, sizeof g->ts, "%04u%02u%02u%02u%02u%02u+%02d00", y, mo, d, h, mi, s, zone);
}

static void make_input(gen_series *g, const kind *k)
{
	g->series_id = (cdaimg_identifier){"urn:dicom:uid", g->series_uid};
	g->sop_id = (cdaimg_identifier){"urn:dicom:uid", g->sop_uid};
	g->modality = (cdaimg_coding){"http://dicom.nema.org/resources/ontology/DCM", k->modality, NULL};
	g->sop_class = (cdaimg_coding){"urn:oid:1.2.840.10008.2.6.1", k->sop_class, NULL};
	g->kind = (cdaimg_coding){"http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "dicom-wado-uri",
	                          NULL};
	g->media = (cdaimg_coding){"urn:ietf:bcp:13", "application/dicom", NULL};
	g->inst.ids = &g->sop_id;
	g->inst.n_ids = 1;
	g->inst.sop_class = (cdaimg_concept){&g->sop_class, 1, NULL};
	g->inst.status = "completed";
	g->inst.date = g->date;
	g->s.ids = &g->series_id;
	g->s.n_ids = 1;
	g->s.modality = (cdaimg_concept){&g->modality, 1, NULL};
	g->s.date = g->date;
	g->s.instances = &g->inst;
	g->s.n_instances = 1;
	g->s.link.kind = (cdaimg_concept){&g->kind, 1, NULL};
	g->s.link.media_type = (cdaimg_concept){&g->media, 1, NULL};
	g->s.link.reference = g->url;
}

void gen_series_make(gen_series *g, uint64_t i)
{
	uint64_t study = i / 8;
	const kind *k = &kinds[study % N_KINDS];
	memset(&g->inst, 0, sizeof g->inst);
	memset(&g->s, 0, sizeof g->s);
	snprintf(g->study_uid, sizeof g->study_uid, "1.2.250.1.213.4.1.2.%" PRIu64, 1000000 + study);
	snprintf(g->series_uid, sizeof g->series_uid, "%s.%" PRIu64, g->study_uid, i % 8 + 1);
	snprintf(g->sop_uid, sizeof g->sop_uid, "%s.1", g->series_uid);
	snprintf(g->url, sizeof g->url,
	         "https://pacs.example.org/wado?requestType=WADO&studyUID=%s&seriesUID=%s&objectUID=%s"
	         "&contentType=application/dicom",
	         g->study_uid, g->series_uid, g->sop_uid);
	make_dates(g, study, i);
	make_input(g, k);
	gen_cda *c = &g->cda;
	*c = (gen_cda){g->series_uid, g->sop_uid, g->ts, NULL, g->url, k->modality, k->modality_display,
	               k->sop_class, k->sop_class_display, false, ""};
	if (i % 4 == 1) {
		snprintf(g->div, sizeof g->div,
		         "<div xmlns=\"http://www.w3.org/1999/xhtml\">S\xC3\xA9rie %" PRIu64 " &amp; contraste</div>", i % 8 + 1);
		snprintf(g->text, sizeof g->text, "S\xC3\xA9rie %" PRIu64 " & contraste", i % 8 + 1);
		g->s.description.div = g->div;
		c->text = g->text;
	}
	if (i % 3 == 0) {
		g->inst.has_frame_count = 1;
		g->inst.frame_count = (int64_t)(1 + i % 500);
		c->has_frames = true;
		snprintf(c->frames, sizeof c->frames, "%" PRId64, g->inst.frame_count);
	}
}
