/* SPDX-License-Identifier: MIT */
/* study_fixture.h - valid studies for the study, section, document and rules
 * tests (header-only: each test program includes it once). */
#ifndef CDAIMG_STUDY_FIXTURE_H
#define CDAIMG_STUDY_FIXTURE_H

#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FX_STUDY_UID "1.2.250.1.925.994044.27.123.1876360"
#define FX_STUDY2_UID "1.2.250.1.999.1.2.3"

typedef struct fx_study {
	tu_series t[2];       /* t[0]: CT WADO-URI (ANS example); t[1]: MR IID */
	cdaimg_series series[2];
	cdaimg_identifier id;
	cdaimg_study s;
} fx_study;

/* Study 1: the first study of the ANS example, with descriptions (D6) and an
 * accession number; @p n_series = 1 or 2 (the second an MR series, IID link). */
static inline void fx_study_init(fx_study *f, size_t n_series)
{
	memset(f, 0, sizeof *f);
	tu_series_init(&f->t[0]);
	f->t[0].s.description = (cdaimg_narrative){.status = "generated",
	                                           .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Scanner thoracique</p>"
	                                           "<p>sans injection &amp; en coupes fines</p></div>"};
	f->t[0].inst.description = (cdaimg_narrative){.status = "generated", .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Coupe "
	                                                           "axiale de r\xC3\xA9" "f\xC3\xA9rence</div>"};
	f->series[0] = f->t[0].s;
	tu_series_init(&f->t[1]);
	f->t[1].series_id.value = "urn:oid:1.2.250.1.925.994044.27.123.1876360.2";
	f->t[1].sop_id.value = "urn:oid:1.2.250.1.925.994044.27.123.1876360.2.1";
	f->t[1].modality.code = "MR";
	f->t[1].sop_class.code = "1.2.840.10008.5.1.4.1.1.4";
	f->t[1].kind.code = "ihe-iid";
	f->t[1].s.link.reference = "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY"
	                           "&studyUID=" FX_STUDY_UID "&Accessionnumber=1.2.250.1.925.994044785528.27.105234751";
	f->series[1] = f->t[1].s;
	f->id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:" FX_STUDY_UID};
	f->s.ids = &f->id;
	f->s.n_ids = 1;
	f->s.date = "2021-01-08T11:30:00+01:00";
	f->s.description = (cdaimg_narrative){.status = "generated",
	                                      .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Scanner thoraco-abdominal</div>"};
	f->s.accession = (cdaimg_identifier){"urn:oid:1.2.250.1.925.994044785528.27", "105234751"};
	f->s.series = f->series;
	f->s.n_series = n_series;
}

/* Study 2: a minimal US study with one series, no description, IID link. */
typedef struct fx_study2 {
	tu_series t;
	cdaimg_identifier id;
	cdaimg_study s;
} fx_study2;

static inline void fx_study2_init(fx_study2 *f)
{
	memset(f, 0, sizeof *f);
	tu_series_init(&f->t);
	f->t.series_id.value = "urn:oid:" FX_STUDY2_UID ".1";
	f->t.sop_id.value = "urn:oid:" FX_STUDY2_UID ".1.1";
	f->t.modality.code = "US";
	f->t.sop_class.code = "1.2.840.10008.5.1.4.1.1.6.1";
	f->t.kind.code = "ihe-iid";
	f->t.s.link.reference = "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=" FX_STUDY2_UID;
	f->t.s.date = NULL;
	f->t.inst.date = NULL;
	f->id = (cdaimg_identifier){"urn:dicom:uid", "urn:oid:" FX_STUDY2_UID};
	f->s.ids = &f->id;
	f->s.n_ids = 1;
	f->s.date = "2024-03-12";
	f->s.series = &f->t.s;
	f->s.n_series = 1;
}

/* Serialize @p node (or the whole document when node is NULL) as the goldens
 * store it: indented, UTF-8, no XML declaration for a node. Caller frees. */
static inline char *fx_serialize(xmlDocPtr doc, xmlNodePtr node)
{
	xmlBufferPtr buf = xmlBufferCreate();
	int opts = XML_SAVE_FORMAT | (node ? XML_SAVE_NO_DECL : 0);
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", opts);
	if (node)
		xmlSaveTree(save, node);
	else
		xmlSaveDoc(save, doc);
	xmlSaveClose(save);
	const char *c = (const char *)xmlBufferContent(buf);
	char *s = malloc(strlen(c) + 1);
	if (s)
		memcpy(s, c, strlen(c) + 1);
	xmlBufferFree(buf);
	return s;
}

/* Every reference/@value="#x" of @p doc resolves to exactly one ID="x"; returns
 * the number of bad references (printed). */
static inline int fx_bad_refs(xmlNodePtr root)
{
	int bad = 0;
	for (xmlNodePtr n = root; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, "reference")) {
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"value");
			if (v && v[0] == '#') {
				int count = 0;
				for (xmlNodePtr k = xmlDocGetRootElement(n->doc); k;) {
					if (k->type == XML_ELEMENT_NODE) {
						xmlChar *id = xmlGetProp(k, (const xmlChar *)"ID");
						if (id && !strcmp((const char *)id, (const char *)v + 1))
							count++;
						xmlFree(id);
					}
					/* depth-first walk */
					if (k->children)
						k = k->children;
					else {
						while (k && !k->next)
							k = k->parent;
						if (k)
							k = k->next;
					}
				}
				if (count != 1) {
					fprintf(stderr, "reference %s: %d targets\n", (const char *)v, count);
					bad++;
				}
			}
			xmlFree(v);
		}
		bad += fx_bad_refs(n->children);
	}
	return bad;
}

#endif
