/* SPDX-License-Identifier: MIT */
/* gen.h - synthetic but realistic series for the benchmark: 8 series per
 * study, distinct UIDs, dates and WADO-URI links, some descriptions and frame
 * counts. Each series comes in two forms: the FHIR-shaped input of cdaimg and
 * the CDA-ready strings the reference writers (no checks) write as they are. */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include <cdaimg/cdaimg.h>

/* CDA-ready values of one series (what the check stage would produce). */
typedef struct gen_cda {
	const char *series_uid, *sop_uid, *ts, *text, *url;
	const char *modality, *modality_display, *sop_class, *sop_class_display;
	bool has_frames;
	char frames[16];
} gen_cda;

typedef struct gen_series {
	/* FHIR-shaped input */
	cdaimg_identifier series_id, sop_id;
	cdaimg_coding modality, sop_class, kind, media;
	cdaimg_instance inst;
	cdaimg_series s;
	char date[40], div[160];
	/* both forms share these */
	char study_uid[64], series_uid[72], sop_uid[80], url[400], ts[32], text[96];
	gen_cda cda;
} gen_series;

/* Resolve display names from the value sets; false when one is missing. */
bool gen_setup(void);
/* Fill @p g with the i-th series. */
void gen_series_make(gen_series *g, uint64_t i);

/* Template ids and fixed displays of the FR profile (as src/series.c writes them). */
#define GEN_TPL_SERIES_1 "1.2.840.10008.9.17"
#define GEN_TPL_SERIES_2 "1.2.250.1.213.1.1.3.156"
#define GEN_TPL_SOP_1 "1.2.840.10008.9.18"
#define GEN_TPL_SOP_2 "1.2.250.1.213.1.1.3.157"
#define GEN_TPL_FRAMES "1.2.250.1.213.1.1.3.164"
#define GEN_TPL_BOUNDARY "1.2.250.1.213.1.1.3.166"
#define GEN_OID_DCM "1.2.840.10008.2.16.4"
#define GEN_OID_DCMUID "1.2.840.10008.2.6.1"
#define GEN_DISPLAY_SERIES "S\xC3\xA9rie"
#define GEN_DISPLAY_MODALITY "Modalit\xC3\xA9"

#endif
