/* SPDX-License-Identifier: MIT */
/* profile.c - the three template families and the two languages (profile.h). */
#include <string.h>

#include "profile.h"

/* DICOM PS3.20 (the FR profile writes them too, with the CI-SIS ids after). */
#define PS320_STUDY "1.2.840.10008.9.16"
#define PS320_SERIES "1.2.840.10008.9.17"
#define PS320_SOP "1.2.840.10008.9.18"
#define CDA_CATALOG "2.16.840.1.113883.10.20.6.1.1" /* every family's object catalog */

static const profile_def profiles[] = {
	/* French CI-SIS: PS3.20 + FR template ids (the default) */
	[CDAIMG_PROFILE_FR] = {
		.name = "fr",
		.title = "FR",
		.tid = {[ROLE_STUDY] = {PS320_STUDY, "1.2.250.1.213.1.1.3.155"},
		        [ROLE_SERIES] = {PS320_SERIES, "1.2.250.1.213.1.1.3.156"},
		        [ROLE_SOP] = {PS320_SOP, "1.2.250.1.213.1.1.3.157"},
		        [ROLE_FRAMES] = {"1.2.250.1.213.1.1.3.164"},
		        [ROLE_BOUNDARY] = {"1.2.250.1.213.1.1.3.166"},
		        [ROLE_CATALOG] = {CDA_CATALOG, "1.2.250.1.213.1.1.2.217"}},
		.lang = CDAIMG_LANG_FR,
		.cisis = true,
		.one_instance = true,
		.act_per_series = true,
	},
	/* DICOM PS3.20 alone: its own ids; Referenced Frames inline with no template id */
	[CDAIMG_PROFILE_DICOM] = {
		.name = "dicom",
		.title = "DICOM PS3.20",
		.tid = {[ROLE_STUDY] = {PS320_STUDY},
		        [ROLE_SERIES] = {PS320_SERIES},
		        [ROLE_SOP] = {PS320_SOP},
		        [ROLE_CATALOG] = {CDA_CATALOG}},
		.lang = CDAIMG_LANG_EN,
		.frames_as_list = true,
		.one_id = true,
		.bare_sop_in_catalog = true,
	},
	/* C-CDA Diagnostic Imaging Report */
	[CDAIMG_PROFILE_CCDA] = {
		.name = "ccda",
		.title = "C-CDA",
		.tid = {[ROLE_STUDY] = {"2.16.840.1.113883.10.20.6.2.6"},
		        [ROLE_SERIES] = {"2.16.840.1.113883.10.20.22.4.63"},
		        [ROLE_SOP] = {"2.16.840.1.113883.10.20.6.2.8"},
		        [ROLE_FRAMES] = {"2.16.840.1.113883.10.20.6.2.10"},
		        [ROLE_BOUNDARY] = {"2.16.840.1.113883.10.20.6.2.11"},
		        [ROLE_CATALOG] = {CDA_CATALOG}},
		.lang = CDAIMG_LANG_EN,
		.frames_as_list = true,
		.series_id_root = true,
	},
};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])

const profile_def *profile_get(cdaimg_profile p) { return (unsigned)p < N_PROFILES ? &profiles[p] : NULL; }

bool profile_tid_is(tid_role role, const char *root)
{
	for (size_t p = 0; root && p < N_PROFILES; p++)
		for (size_t i = 0; i < 2 && profiles[p].tid[role][i]; i++)
			if (!strcmp(profiles[p].tid[role][i], root))
				return true;
	return false;
}

static const lang_names french = {
	.code = "fr",
	.study = "Examen",
	.series = "S\xC3\xA9rie",
	.modality = "Modalit\xC3\xA9",
	.catalog = "Catalogue d\xE2\x80\x99objets DICOM",
	.heads = {"Examen", "S\xC3\xA9rie", "Modalit\xC3\xA9 d'acquisition", "Date", "Lien vers les images"},
	.modalities = &vs_modality,
};

static const lang_names english = {
	.code = "en",
	.study = "Study",
	.series = "Series",
	.modality = "Modality",
	.catalog = "DICOM Object Catalog",
	.heads = {"Study", "Series", "Modality", "Date", "Images"},
	.modalities = &vs_modality_en,
};

const lang_names *lang_get(cdaimg_lang lang)
{
	return lang == CDAIMG_LANG_FR ? &french : lang == CDAIMG_LANG_EN ? &english : NULL;
}
