/* SPDX-License-Identifier: MIT */
/* valuesets.h - value-set tables generated at build time from data/valuesets (tools/svs2c.c). */
#ifndef CDAIMG_VALUESETS_H
#define CDAIMG_VALUESETS_H

#include <stddef.h>

#include "vocab.h"

typedef struct vs_entry {
	const char *code, *system, *display;
} vs_entry;

typedef struct vs_table {
	const char *oid;
	const vs_entry *entries; /* sorted by code */
	size_t count;
} vs_table;

extern const vs_table vs_modality;   /* JDV_ModaliteAcquisition_CISIS 1.2.250.1.213.1.1.5.618 */
extern const vs_table vs_sop_class;  /* JDV_SOPClass_CISIS 1.2.250.1.213.1.1.5.689 */
extern const vs_table vs_media_type; /* JDV_MediaType_ObservationMedia_CISIS 1.2.250.1.213.1.1.5.503 */
extern const vs_table vs_modality_en; /* English meanings of the same modality codes (DICOM PS3.16) */
extern const vs_table vs_anatomical_site;  /* JDV_LocalisationAnatomique_CISIS 1.2.250.1.213.1.1.5.694 */
extern const vs_table vs_contraindication; /* JDV_Contre_indications_CISIS 1.2.250.1.213.1.1.5.659 */

/* The entry of @p code, or NULL. */
const vs_entry *vs_find(const vs_table *t, const char *code);
/* The entry of @p code in the code system @p system (an OID), or NULL: for
 * value sets that mix code systems. */
const vs_entry *vs_find_in(const vs_table *t, const char *system, const char *code);
/* The table's own copy of the code system @p system (an OID) when some entry
 * of @p t is of that system (a string of the program, see emit.h), or NULL. */
const char *vs_system(const vs_table *t, const char *system);

#endif
