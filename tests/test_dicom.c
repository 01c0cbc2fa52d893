/* SPDX-License-Identifier: MIT */
/* test_dicom.c - DICOM JSON in (dicom.h): the mapping of each tag, grouping,
 * the instance choice, what is left out, time zones, bad values named by tag
 * and instance, and the official verdict on what CT_small and MR_small give
 * (fixtures: tests/data/dicom/README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define BASE "https://pacs.example.org/viewer"

static cdaimg_dicom_options opts(cdaimg_profile profile)
{
	cdaimg_dicom_options o = CDAIMG_DICOM_OPTIONS_INIT;
	o.profile = profile;
	o.link_base = BASE;
	return o;
}

static cdaimg_values *read_fixture(const char *name, const cdaimg_dicom_options *o, cdaimg_diags *d)
{
	char rel[128];
	snprintf(rel, sizeof rel, "tests/data/dicom/%s", name);
	size_t len;
	char *text = tu_read(tu_src(rel), &len);
	assert_non_null(text);
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_dicom_json_read(&v, text, len, o, d), d);
	free(text);
	return v;
}

/* A diagnostic whose message holds @p part, at least of @p sev; its index or -1. */
static int find_msg(const cdaimg_diags *d, cdaimg_severity sev, const char *part)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->severity == sev && strstr(g->message, part))
			return (int)i;
	}
	return -1;
}

#define assert_msg(d, sev, part)                                                                   \
	do {                                                                                       \
		if (find_msg((d), (sev), (part)) < 0) {                                            \
			tu_print_diags(d);                                                         \
			fail_msg("no %s saying: %s", cdaimg_severity_name(sev), (part));          \
		}                                                                                  \
	} while (0)

/* One instance of SOP class @p cls as DICOM JSON, with @p extra members ("" or ",\"00280008\":..."). */
static char *instance_of_class(const char *sop, const char *series, const char *modality, const char *cls,
                               const char *extra)
{
	char *s = malloc(4096);
	snprintf(s, 4096,
	         "{\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.250.1.999.5.1\"]},"
	         "\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"%s\"]},"
	         "\"00080016\":{\"vr\":\"UI\",\"Value\":[\"%s\"]},"
	         "\"00080018\":{\"vr\":\"UI\",\"Value\":[\"%s\"]},"
	         "\"00080060\":{\"vr\":\"CS\",\"Value\":[\"%s\"]},"
	         "\"00080020\":{\"vr\":\"DA\",\"Value\":[\"20240115\"]}%s}",
	         series, cls, sop, modality, extra);
	return s;
}

static char *instance_json(const char *sop, const char *series, const char *modality, const char *extra)
{
	return instance_of_class(sop, series, modality, "1.2.840.10008.5.1.4.1.1.2", extra);
}

/* Read @p text; the status, with the values in *out (may be NULL). */
static cdaimg_status read_text(const char *text, const cdaimg_dicom_options *o, cdaimg_diags *d, cdaimg_values **out)
{
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_dicom_json_read(&v, text, strlen(text), o, d);
	assert_true((st == CDAIMG_OK) == (v != NULL));
	if (out)
		*out = v;
	else
		cdaimg_values_free(v);
	return st;
}

static const char *uid_of(const cdaimg_identifier *id) { return id->value + strlen("urn:oid:"); }

static void dicom__ct_small_every_tag(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	cdaimg_values *v = read_fixture("CT_small.json", &o, d);
	assert_int_equal(cdaimg_values_count(v), 1);
	const cdaimg_study *st = cdaimg_values_get(v, 0)->study;
	assert_string_equal(uid_of(&st->ids[0]), "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322");
	assert_string_equal(st->date, "2004-01-19T07:27:30-05:00"); /* 00080020, 00080030, 00080201 */
	assert_non_null(strstr(st->description.div, ">e+1<"));       /* 00081030 */
	assert_null(st->accession.value);                            /* 00080050 empty */
	assert_int_equal(st->n_series, 1);
	const cdaimg_series *se = &st->series[0];
	assert_string_equal(uid_of(&se->ids[0]), "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322");
	assert_string_equal(se->modality.codings[0].code, "CT");
	assert_string_equal(se->date, "1997-04-30T11:27:49-05:00"); /* 00080021, 00080031 */
	assert_int_equal(se->n_instances, 1);
	assert_string_equal(uid_of(&se->instances[0].ids[0]), "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322");
	assert_string_equal(se->instances[0].sop_class.codings[0].code, "1.2.840.10008.5.1.4.1.1.2");
	assert_string_equal(se->instances[0].status, "completed");
	assert_false(se->instances[0].has_frame_count);
	assert_string_equal(se->link.base, BASE);
	assert_string_equal(se->link.kind.codings[0].code, "ihe-iid");
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

/* The in-process official verdict on the section and the document built from
 * CT_small and MR_small (the ANS rules and schema, as ans-check). */
static void dicom__ct_mr_small_official_verdict(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	cdaimg_values *ct = read_fixture("CT_small.json", &o, d), *mr = read_fixture("MR_small.json", &o, d);
	cdaimg_study studies[2] = {*cdaimg_values_get(ct, 0)->study, *cdaimg_values_get(mr, 0)->study};
	assert_string_equal(studies[1].series[0].modality.codings[0].code, "MR");
	assert_string_equal(studies[1].series[0].date, "2004-08-26T18:50:59-04:00"); /* no 00080021: the study's */
	xmlDocPtr doc = cdaimg_doc_new();
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"holder", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNodePtr sec = NULL;
	cdaimg_options bo = CDAIMG_OPTIONS_INIT;
	assert_cdaimg_ok(cdaimg_section_build(&sec, root, studies, 2, &bo, d), d);
	assert_cdaimg_ok(cdaimg_conformance_check(tu_conformance(), sec, NULL, d), d);
	xmlDocPtr full = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&full, studies, 2, cdaimg_document_header_sample(), &bo, d), d);
	assert_cdaimg_ok(cdaimg_conformance_check(tu_conformance(), (xmlNodePtr)full, NULL, d), d);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 0);
	xmlFreeDoc(full);
	xmlFreeDoc(doc);
	cdaimg_values_free(ct);
	cdaimg_values_free(mr);
	cdaimg_diags_free(d);
}

/* A WADO-RS metadata answer: 17 instances, 2 studies, 3 series; studies and
 * series in the order they first appear, the first instance by number. */
static void dicom__metadata_grouped_first_by_number(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	cdaimg_values *v = read_fixture("98892003-metadata.json", &o, d);
	assert_int_equal(cdaimg_values_count(v), 3);
	const cdaimg_study *s0 = cdaimg_values_get(v, 0)->study, *s1 = cdaimg_values_get(v, 1)->study,
	                   *s2 = cdaimg_values_get(v, 2)->study;
	/* the files in name order: MR1/15820 (study ...0.427), MR1/4919 (...0.133), MR1/5641 (...0.1), ... */
	assert_string_equal(uid_of(&s0->ids[0]), "1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.427");
	assert_string_equal(uid_of(&s1->ids[0]), "1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.133");
	assert_string_equal(uid_of(&s2->ids[0]), "1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.1");
	assert_int_equal(s0->n_series, 2);
	assert_int_equal(s1->n_series, 2);
	assert_int_equal(s2->n_series, 3);
	assert_string_equal(uid_of(&s1->series[0].ids[0]), "1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.134");
	assert_string_equal(s1->series[0].date, "2003-05-05T02:51:41+00:00");
	static const char *const s2_series[] = {"15", "17", "118"};
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(uid_of(&s2->series[i].ids[0]) + strlen("1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0."),
		                    s2_series[i]);
		assert_int_equal(s2->series[i].n_instances, 1);
	}
	/* the accession number has no ISO issuer: left out, said once per study */
	assert_null(s0->accession.value);
	assert_msg(d, CDAIMG_SEV_WARNING, "00080050 AccessionNumber \"134\"");
	cdaimg_values_free(v);
	/* every instance, in the dicom profile: ordered by InstanceNumber */
	cdaimg_diags_clear(d);
	o = opts(CDAIMG_PROFILE_DICOM);
	o.pick = CDAIMG_DICOM_ALL;
	v = read_fixture("98892003-metadata.json", &o, d);
	size_t total = 0;
	assert_int_equal(cdaimg_values_get(v, 2)->study->series[2].n_instances, 7);
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_study *s = cdaimg_values_get(v, i)->study;
		for (size_t k = 0; k < s->n_series; k++) {
			total += s->series[k].n_instances;
			assert_string_equal(s->series[k].link.kind.codings[0].code, "dicom-wado-rs");
		}
	}
	assert_int_equal(total, 17);
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
}

static void dicom__frames_and_bad_values_named(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	char *t = instance_json("1.2.3.1", "1.2.3", "CT", ",\"00280008\":{\"vr\":\"IS\",\"Value\":[120]}");
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(read_text(t, &o, d, &v), d);
	const cdaimg_instance *in = &cdaimg_values_get(v, 0)->study->series[0].instances[0];
	assert_true(in->has_frame_count);
	assert_int_equal(in->frame_count, 120);
	assert_string_equal(cdaimg_values_get(v, 0)->study->series[0].date, "2024-01-15");
	cdaimg_values_free(v);
	free(t);
	static const struct {
		const char *extra, *message;
	} bad[] = {
		{",\"00280008\":{\"vr\":\"IS\",\"Value\":[\"1A\"]}",
		 "00280008 NumberOfFrames \"1A\" of SOP instance 1.2.3.1: not an integer"},
		{",\"00280008\":{\"vr\":\"IS\",\"Value\":[0]}", "00280008 NumberOfFrames \"0\" of SOP instance 1.2.3.1"},
		{",\"00200013\":{\"vr\":\"IS\",\"Value\":[\"x\"]}", "00200013 InstanceNumber \"x\""},
		{",\"00080021\":{\"vr\":\"DA\",\"Value\":[\"20230229\"]}", "00080021 SeriesDate \"20230229\" of SOP instance"},
		{",\"00080031\":{\"vr\":\"TM\",\"Value\":[\"256000\"]},\"00080201\":{\"vr\":\"SH\",\"Value\":[\"+0100\"]}",
		 "00080031 SeriesTime \"256000\""},
		{",\"00080030\":{\"vr\":\"TM\",\"Value\":[\"101010\"]},\"00080201\":{\"vr\":\"SH\",\"Value\":[\"0100\"]}",
		 "00080201 TimezoneOffsetFromUTC \"0100\""},
		{",\"0008103E\":{\"vr\":\"LO\",\"Value\":[\"a\\u0001b\"]}", "0008103E SeriesDescription"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cdaimg_diags_clear(d);
		t = instance_json("1.2.3.1", "1.2.3", "CT", bad[i].extra);
		if (read_text(t, &o, d, NULL) != CDAIMG_EINVALID)
			fail_msg("accepted: %s", bad[i].extra);
		assert_msg(d, CDAIMG_SEV_ERROR, bad[i].message);
		free(t);
	}
	/* a required attribute, a UID */
	cdaimg_diags_clear(d);
	assert_int_equal(read_text("{\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.02\"]}}", &o, d, NULL), CDAIMG_EINVALID);
	assert_msg(d, CDAIMG_SEV_ERROR, "0020000D StudyInstanceUID of SOP instance");
	assert_msg(d, CDAIMG_SEV_ERROR, "00080018 SOPInstanceUID \"1.02\" of the instance: not a DICOM UID");
	assert_diag(d, CDAIMG_D_REQUIRED, "$");
	/* no study date: the study act needs one */
	cdaimg_diags_clear(d);
	t = instance_json("1.2.3.1", "1.2.3", "CT", "");
	char *p = strstr(t, ",\"00080020\"");
	strcpy(p, "}");
	assert_int_equal(read_text(t, &o, d, NULL), CDAIMG_EINVALID);
	assert_msg(d, CDAIMG_SEV_ERROR, "00080020 StudyDate of SOP instance 1.2.3.1: required");
	free(t);
	cdaimg_diags_free(d);
}

static void dicom__acr_nema_forms_warned(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	char *t = instance_json("1.2.3.1", "1.2.3", "MR",
	                        ",\"00080021\":{\"vr\":\"DA\",\"Value\":[\"1997.04.24\"]},"
	                        "\"00080031\":{\"vr\":\"TM\",\"Value\":[\"14:04:38\"]},"
	                        "\"00080201\":{\"vr\":\"SH\",\"Value\":[\"+0200\"]}");
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(read_text(t, &o, d, &v), d);
	assert_string_equal(cdaimg_values_get(v, 0)->study->series[0].date, "1997-04-24T14:04:38+02:00");
	assert_msg(d, CDAIMG_SEV_WARNING, "00080021 SeriesDate \"1997.04.24\" of SOP instance 1.2.3.1: an ACR-NEMA date");
	assert_msg(d, CDAIMG_SEV_WARNING, "00080031 SeriesTime \"14:04:38\"");
	cdaimg_values_free(v);
	free(t);
	cdaimg_diags_free(d);
}

static void dicom__time_zones(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	char *winter = instance_json("1.2.3.1", "1.2.3", "CT", ",\"00080030\":{\"vr\":\"TM\",\"Value\":[\"0930\"]}");
	assert_int_equal(read_text(winter, &o, d, NULL), CDAIMG_EINVALID);
	assert_msg(d, CDAIMG_SEV_ERROR, "00080030 StudyTime \"0930\" of SOP instance 1.2.3.1: a time needs its zone");
	assert_msg(d, CDAIMG_SEV_ERROR, "--timezone");
	cdaimg_diags_clear(d);
	o.timezone = "Europe/Paris";
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(read_text(winter, &o, d, &v), d);
	assert_string_equal(cdaimg_values_get(v, 0)->study->date, "2024-01-15T09:30:00+01:00");
	cdaimg_values_free(v);
	char *summer = instance_json("1.2.3.1", "1.2.3", "CT",
	                             ",\"00080021\":{\"vr\":\"DA\",\"Value\":[\"20240715\"]},"
	                             "\"00080031\":{\"vr\":\"TM\",\"Value\":[\"093000.123456\"]}");
	assert_cdaimg_ok(read_text(summer, &o, d, &v), d);
	assert_string_equal(cdaimg_values_get(v, 0)->study->series[0].date, "2024-07-15T09:30:00.1234+02:00");
	cdaimg_values_free(v);
	o.timezone = "-05:00";
	assert_cdaimg_ok(read_text(summer, &o, d, &v), d);
	assert_string_equal(cdaimg_values_get(v, 0)->study->series[0].date, "2024-07-15T09:30:00.1234-05:00");
	cdaimg_values_free(v);
	o.timezone = "Mars/Olympus_Mons";
	assert_int_equal(read_text(summer, &o, d, NULL), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_DATE, "timezone");
	free(winter);
	free(summer);
	cdaimg_diags_free(d);
}

static void dicom__zone_offsets(void **state)
{
	static const struct {
		const char *zone, *local;
		int minutes;
	} cases[] = {
		{"Europe/Paris", "2024-01-15T12:00:00", 60},   {"Europe/Paris", "2024-07-15T12:00", 120},
		{"Europe/Paris", "2024-03-31T02:30:00", 60},   /* skipped by the clocks: the offset before */
		{"Europe/Paris", "2024-10-27T02:30:00", 120},  /* repeated: the first (summer time) */
		{"Europe/Paris", "2051-07-01T12:00:00", 120},  /* after the table: the footer's rule */
		{"Europe/Paris", "2051-12-01T12:00:00", 60},   {"America/New_York", "2024-01-15T12:00:00", -300},
		{"America/New_York", "2024-07-15T12:00:00", -240}, {"Australia/Sydney", "2024-01-15T12:00:00", 660},
		{"Asia/Kolkata", "2024-01-15T12:00:00", 330},  {"+05:30", NULL, 330},
		{"-0500", NULL, -300},                          {"Z", NULL, 0},
		{"UTC", "2024-01-15T12:00:00", 0},
	};
	cdaimg_diags *d = cdaimg_diags_new();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int off = 99999;
		assert_cdaimg_ok(cdaimg_dicom_zone_offset(&off, cases[i].zone, cases[i].local, d), d);
		if (off != cases[i].minutes)
			fail_msg("%s at %s: %d, expected %d", cases[i].zone, cases[i].local, off, cases[i].minutes);
	}
	static const char *const bad[] = {"../../etc/passwd", "Mars/Olympus_Mons", "+25:00", "", "Europe/"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int off;
		assert_int_equal(cdaimg_dicom_zone_offset(&off, bad[i], NULL, d), CDAIMG_EINVALID);
	}
	cdaimg_diags_free(d);
}

/* SR, SEG, KO... are not imaging acquisitions: left out, named. */
static void dicom__not_imaging_left_out(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	char *ct = instance_json("1.2.3.1", "1.2.3", "CT", ""), *sr = instance_json("1.2.4.1", "1.2.4", "SR", "");
	char *both = malloc(3 * 4096);
	sprintf(both, "[%s,%s]", sr, ct);
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(read_text(both, &o, d, &v), d);
	assert_int_equal(cdaimg_values_get(v, 0)->study->n_series, 1);
	assert_msg(d, CDAIMG_SEV_WARNING, "00080060 Modality \"SR\" of SOP instance 1.2.4.1: series 1.2.4 left out");
	assert_diag(d, CDAIMG_D_CODE_UNKNOWN, "$[0]");
	cdaimg_values_free(v);
	cdaimg_diags_clear(d);
	o.strict_modalities = 1;
	assert_int_equal(read_text(both, &o, d, NULL), CDAIMG_EINVALID);
	assert_msg(d, CDAIMG_SEV_ERROR, "series 1.2.4 left out");
	cdaimg_diags_clear(d);
	o.strict_modalities = 0;
	assert_int_equal(read_text(sr, &o, d, NULL), CDAIMG_EINVALID);
	assert_msg(d, CDAIMG_SEV_ERROR, "no imaging series left");
	/* a SOP class outside the value set: that instance goes */
	cdaimg_diags_clear(d);
	char *raw = instance_of_class("1.2.3.2", "1.2.3", "CT", "1.2.840.10008.5.1.4.1.1.481.2", /* RT Dose */
	                              ",\"00200013\":{\"vr\":\"IS\",\"Value\":[1]}");
	sprintf(both, "[%s,%s]", raw, ct);
	assert_cdaimg_ok(read_text(both, &o, d, &v), d);
	assert_msg(d, CDAIMG_SEV_WARNING, "00080016 SOPClassUID \"1.2.840.10008.5.1.4.1.1.481.2\" of SOP instance 1.2.3.2: "
	                                  "left out of series 1.2.3");
	assert_string_equal(uid_of(&cdaimg_values_get(v, 0)->study->series[0].instances[0].ids[0]), "1.2.3.1");
	cdaimg_values_free(v);
	free(raw);
	free(both);
	free(ct);
	free(sr);
	cdaimg_diags_free(d);
}

static void dicom__duplicates_and_instance_order(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	char *a = instance_json("1.2.3.9", "1.2.3", "CT", ",\"00200013\":{\"vr\":\"IS\",\"Value\":[2]}");
	char *b = instance_json("1.2.3.5", "1.2.3", "CT", ",\"00200013\":{\"vr\":\"IS\",\"Value\":[1]}");
	char *all = malloc(3 * 4096);
	sprintf(all, "[%s,%s,%s]", a, b, a);
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(read_text(all, &o, d, &v), d);
	assert_string_equal(uid_of(&cdaimg_values_get(v, 0)->study->series[0].instances[0].ids[0]), "1.2.3.5");
	assert_diag(d, CDAIMG_D_DUPLICATE, "$[2]");
	cdaimg_values_free(v);
	o.profile = CDAIMG_PROFILE_CCDA;
	o.pick = CDAIMG_DICOM_ALL;
	assert_cdaimg_ok(read_text(all, &o, d, &v), d);
	assert_int_equal(cdaimg_values_get(v, 0)->study->series[0].n_instances, 2);
	cdaimg_values_free(v);
	o.profile = CDAIMG_PROFILE_FR; /* every instance does not fit the FR profile */
	assert_int_equal(read_text(all, &o, d, NULL), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_PROFILE, "pick");
	free(a);
	free(b);
	free(all);
	cdaimg_diags_free(d);
}

static void dicom__accession_with_iso_issuer(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	char *t = instance_json("1.2.3.1", "1.2.3", "CT",
	                        ",\"00080050\":{\"vr\":\"SH\",\"Value\":[\"A240115\"]},\"00080051\":{\"vr\":\"SQ\","
	                        "\"Value\":[{\"00400032\":{\"vr\":\"UT\",\"Value\":[\"1.2.250.1.999.7\"]},"
	                        "\"00400033\":{\"vr\":\"CS\",\"Value\":[\"ISO\"]}}]}");
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(read_text(t, &o, d, &v), d);
	const cdaimg_study *s = cdaimg_values_get(v, 0)->study;
	assert_string_equal(s->accession.system, "urn:oid:1.2.250.1.999.7");
	assert_string_equal(s->accession.value, "A240115");
	/* the IID link of a document names it, and the document */
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, s, 1, cdaimg_document_header_sample(), NULL, d), d);
	xmlChar *text = NULL;
	int len = 0;
	xmlDocDumpMemory(doc, &text, &len);
	assert_non_null(strstr((const char *)text, "IHEInvokeImageDisplay?requestType=STUDY&amp;studyUID=1.2.250.1.999.5.1"
	                                           "&amp;Accessionnumber=1.2.250.1.999.7.A240115&amp;idCDA="));
	xmlFree(text);
	xmlFreeDoc(doc);
	cdaimg_values_free(v);
	free(t);
	cdaimg_diags_free(d);
}

static void dicom__json_form_errors(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	static const struct {
		const char *text, *path;
		cdaimg_status st;
	} cases[] = {
		{"[{\"0020000D\": {\"vr\":\"UI\",", "", CDAIMG_EPARSE},
		{"  \n", "", CDAIMG_EPARSE},
		{"[]", "", CDAIMG_EINVALID},
		{"[1]", "$[0]", CDAIMG_EINVALID},
		{"{\"0020000D\":{\"vr\":\"CS\",\"Value\":[\"1.2\"]}}", "$.0020000D.vr", CDAIMG_EINVALID},
		{"{\"0020000D\":{\"vr\":\"UI\",\"Value\":\"1.2\"}}", "$.0020000D.Value", CDAIMG_EINVALID},
		{"{\"0020000D\":{\"vr\":\"UI\",\"Value\":[12]}}", "$.0020000D.Value[0]", CDAIMG_EINVALID},
		{"{\"00280008\":{\"vr\":\"IS\",\"InlineBinary\":\"AAA=\"}}", "$.00280008", CDAIMG_EINVALID},
		{"{\"00080051\":{\"vr\":\"SQ\",\"Value\":[3]}}", "$.00080051.Value[0]", CDAIMG_EINVALID},
		{"{\"a\":1,\"a\":2}", "", CDAIMG_EPARSE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cdaimg_diags_clear(d);
		cdaimg_status st = read_text(cases[i].text, &o, d, NULL);
		if (st != cases[i].st)
			fail_msg("%s: %s", cases[i].text, cdaimg_status_name(st));
		bool at = false;
		for (size_t k = 0; k < cdaimg_diags_count(d); k++)
			at |= !strcmp(cdaimg_diags_get(d, k)->path, cases[i].path);
		if (!at) {
			tu_print_diags(d);
			fail_msg("%s: no diagnostic at \"%s\"", cases[i].text, cases[i].path);
		}
	}
	/* the line and column of a syntax error */
	cdaimg_diags_clear(d);
	read_text("[\n {\"a\": }\n]", &o, d, NULL);
	assert_int_equal(cdaimg_diags_get(d, 0)->line, 2);
	/* no base: the link cannot be made */
	cdaimg_diags_clear(d);
	o.link_base = NULL;
	char *t = instance_json("1.2.3.1", "1.2.3", "CT", "");
	assert_int_equal(read_text(t, &o, d, NULL), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_REQUIRED, "link_base");
	o.link_base = "ftp://pacs.example.org/";
	assert_int_equal(read_text(t, &o, d, NULL), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_URL, "link_base");
	free(t);
	cdaimg_diags_free(d);
}

/* The set: several texts, each instance's source in the paths. */
static void dicom__set_sources(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	char *a = instance_json("1.2.3.1", "1.2.3", "CT", ""), *b = instance_json("1.2.4.1", "1.2.4", "KO", "");
	assert_cdaimg_ok(cdaimg_dicom_set_add_json(set, a, strlen(a), "a.json", d), d);
	assert_cdaimg_ok(cdaimg_dicom_set_add_json(set, b, strlen(b), "b.json", d), d);
	cdaimg_dicom_instance in = {0};
	in.source = "c.dcm";
	in.study_uid = "1.2.250.1.999.5.1 "; /* DICOM's padding goes */
	in.series_uid = "1.2.3";
	in.sop_uid = "1.2.3.2";
	in.sop_class = "1.2.840.10008.5.1.4.1.1.2";
	in.modality = "CT";
	in.study_date = "20240115";
	in.frames = "1A";
	assert_cdaimg_ok(cdaimg_dicom_set_add(set, &in, d), d);
	assert_int_equal(cdaimg_dicom_set_count(set), 3);
	cdaimg_dicom_options o = opts(CDAIMG_PROFILE_FR);
	cdaimg_values *v = (cdaimg_values *)1;
	assert_int_equal(cdaimg_dicom_set_studies(&v, set, &o, d), CDAIMG_EINVALID);
	assert_null(v);
	assert_diag(d, CDAIMG_D_RANGE, "c.dcm");
	cdaimg_diags_clear(d);
	in.frames = NULL;
	cdaimg_dicom_set_free(set);
	set = cdaimg_dicom_set_new();
	assert_cdaimg_ok(cdaimg_dicom_set_add_json(set, b, strlen(b), "b.json", d), d);
	assert_cdaimg_ok(cdaimg_dicom_set_add(set, &in, d), d);
	assert_cdaimg_ok(cdaimg_dicom_set_studies(&v, set, &o, d), d);
	assert_diag(d, CDAIMG_D_CODE_UNKNOWN, "b.json$");
	cdaimg_values_free(v);
	assert_int_equal(cdaimg_dicom_set_add_json(NULL, a, 1, NULL, d), CDAIMG_EARG);
	cdaimg_dicom_set_free(set);
	cdaimg_dicom_set_free(NULL);
	free(a);
	free(b);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dicom__ct_small_every_tag),
		cmocka_unit_test(dicom__ct_mr_small_official_verdict),
		cmocka_unit_test(dicom__metadata_grouped_first_by_number),
		cmocka_unit_test(dicom__frames_and_bad_values_named),
		cmocka_unit_test(dicom__acr_nema_forms_warned),
		cmocka_unit_test(dicom__time_zones),
		cmocka_unit_test(dicom__zone_offsets),
		cmocka_unit_test(dicom__not_imaging_left_out),
		cmocka_unit_test(dicom__duplicates_and_instance_order),
		cmocka_unit_test(dicom__accession_with_iso_issuer),
		cmocka_unit_test(dicom__json_form_errors),
		cmocka_unit_test(dicom__set_sources),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tu_schemas_free();
	return rc;
}
