/* SPDX-License-Identifier: MIT */
/* refs.c - the reference writers: the same entries as cdaimg writes, with no
 * checks, written the way a plain libxml2 or plain C program would. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlwriter.h>

#include "gen.h"
#include "refs.h"

int sink_write(sink *s, const char *buf, size_t len)
{
	s->bytes += len;
	while (len) {
		ssize_t n = write(s->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->failed = true;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int out_write(void *ctx, const char *buf, int len)
{
	return sink_write(ctx, buf, (size_t)len) ? -1 : len;
}

xmlOutputBufferPtr sink_output(sink *s) { return xmlOutputBufferCreateIO(out_write, NULL, s, NULL); }

/* --- xmlTextWriter ------------------------------------------------------------------------ */

#define W(call) (rc |= (call) < 0)
#define S(x) BAD_CAST(x)

static int tw_leaf(xmlTextWriterPtr w, const char *name, const char *a1, const char *v1)
{
	int rc = 0;
	W(xmlTextWriterStartElement(w, S(name)));
	W(xmlTextWriterWriteAttribute(w, S(a1), S(v1)));
	W(xmlTextWriterEndElement(w));
	return rc;
}

static int tw_code(xmlTextWriterPtr w, const char *el, const char *code, const char *sys, const char *sysname,
                   const char *display, bool close)
{
	int rc = 0;
	W(xmlTextWriterStartElement(w, S(el)));
	W(xmlTextWriterWriteAttribute(w, S("code"), S(code)));
	W(xmlTextWriterWriteAttribute(w, S("codeSystem"), S(sys)));
	W(xmlTextWriterWriteAttribute(w, S("codeSystemName"), S(sysname)));
	W(xmlTextWriterWriteAttribute(w, S("displayName"), S(display)));
	if (close)
		W(xmlTextWriterEndElement(w));
	return rc;
}

static int tw_frames(xmlTextWriterPtr w, const gen_cda *c)
{
	int rc = 0;
	W(xmlTextWriterStartElement(w, S("entryRelationship")));
	W(xmlTextWriterWriteAttribute(w, S("typeCode"), S("COMP")));
	W(xmlTextWriterStartElement(w, S("observation")));
	W(xmlTextWriterWriteAttribute(w, S("classCode"), S("ROIBND")));
	W(xmlTextWriterWriteAttribute(w, S("moodCode"), S("EVN")));
	rc |= tw_leaf(w, "templateId", "root", GEN_TPL_FRAMES);
	rc |= tw_code(w, "code", "121190", GEN_OID_DCM, "DCM", "Referenced Frames", true);
	W(xmlTextWriterStartElement(w, S("entryRelationship")));
	W(xmlTextWriterWriteAttribute(w, S("typeCode"), S("COMP")));
	W(xmlTextWriterStartElement(w, S("observation")));
	W(xmlTextWriterWriteAttribute(w, S("classCode"), S("OBS")));
	W(xmlTextWriterWriteAttribute(w, S("moodCode"), S("EVN")));
	rc |= tw_leaf(w, "templateId", "root", GEN_TPL_BOUNDARY);
	rc |= tw_code(w, "code", "113036", GEN_OID_DCM, "DCM", "Frames for Display", true);
	W(xmlTextWriterStartElement(w, S("value")));
	W(xmlTextWriterWriteAttribute(w, S("xsi:type"), S("IVL_INT")));
	rc |= tw_leaf(w, "low", "value", "1");
	rc |= tw_leaf(w, "high", "value", c->frames);
	for (int i = 0; i < 5; i++)
		W(xmlTextWriterEndElement(w));
	return rc;
}

static int tw_instance(xmlTextWriterPtr w, const gen_cda *c)
{
	int rc = 0;
	W(xmlTextWriterStartElement(w, S("entryRelationship")));
	W(xmlTextWriterWriteAttribute(w, S("typeCode"), S("COMP")));
	W(xmlTextWriterStartElement(w, S("observation")));
	W(xmlTextWriterWriteAttribute(w, S("classCode"), S("DGIMG")));
	W(xmlTextWriterWriteAttribute(w, S("moodCode"), S("EVN")));
	rc |= tw_leaf(w, "templateId", "root", GEN_TPL_SOP_1);
	rc |= tw_leaf(w, "templateId", "root", GEN_TPL_SOP_2);
	rc |= tw_leaf(w, "id", "root", c->sop_uid);
	rc |= tw_code(w, "code", c->sop_class, GEN_OID_DCMUID, "DCMUID", c->sop_class_display, true);
	W(xmlTextWriterStartElement(w, S("text")));
	W(xmlTextWriterWriteAttribute(w, S("mediaType"), S("application/dicom")));
	rc |= tw_leaf(w, "reference", "value", c->url);
	W(xmlTextWriterEndElement(w));
	rc |= tw_leaf(w, "statusCode", "code", "completed");
	rc |= tw_leaf(w, "effectiveTime", "value", c->ts);
	if (c->has_frames)
		rc |= tw_frames(w, c);
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndElement(w));
	return rc;
}

static int tw_series(xmlTextWriterPtr w, const gen_cda *c)
{
	int rc = 0;
	W(xmlTextWriterStartElement(w, S("entry")));
	W(xmlTextWriterStartElement(w, S("act")));
	W(xmlTextWriterWriteAttribute(w, S("classCode"), S("ACT")));
	W(xmlTextWriterWriteAttribute(w, S("moodCode"), S("EVN")));
	rc |= tw_leaf(w, "templateId", "root", GEN_TPL_SERIES_1);
	rc |= tw_leaf(w, "templateId", "root", GEN_TPL_SERIES_2);
	rc |= tw_leaf(w, "id", "root", c->series_uid);
	rc |= tw_code(w, "code", "113015", GEN_OID_DCM, "DCM", GEN_DISPLAY_SERIES, false);
	W(xmlTextWriterStartElement(w, S("qualifier")));
	rc |= tw_code(w, "name", "121139", GEN_OID_DCM, "DCM", GEN_DISPLAY_MODALITY, true);
	rc |= tw_code(w, "value", c->modality, GEN_OID_DCM, "DCM", c->modality_display, true);
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndElement(w));
	if (c->text)
		W(xmlTextWriterWriteElement(w, S("text"), S(c->text)));
	rc |= tw_leaf(w, "effectiveTime", "value", c->ts);
	rc |= tw_instance(w, c);
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndElement(w));
	return rc;
}

bool ref_textwriter(sink *s, uint64_t n)
{
	xmlOutputBufferPtr out = sink_output(s);
	xmlTextWriterPtr w = out ? xmlNewTextWriter(out) : NULL;
	if (!w)
		return false;
	int rc = 0;
	W(xmlTextWriterSetIndent(w, 1));
	W(xmlTextWriterSetIndentString(w, S("  ")));
	W(xmlTextWriterStartElementNS(w, NULL, S("section"), S(HL7)));
	W(xmlTextWriterWriteAttribute(w, S("xmlns:xsi"), S(XSI)));
	static gen_series g;
	for (uint64_t i = 0; i < n && !rc; i++) {
		gen_series_make(&g, i);
		rc |= tw_series(w, &g.cda);
	}
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterFlush(w));
	xmlFreeTextWriter(w); /* closes out */
	if (rc || s->failed)
		fprintf(stderr, "cdaimg-bench: the xmlTextWriter reference failed\n");
	return !rc && !s->failed;
}

/* --- snprintf ----------------------------------------------------------------------------- */

typedef struct pbuf {
	char b[1 << 16];
	size_t len;
	sink *s;
} pbuf;

/* The only value that needs escaping here is '&' (URLs, descriptions). */
static const char *amp(char *dst, size_t size, const char *src)
{
	size_t o = 0;
	for (; *src && o + 6 < size; src++) {
		if (*src == '&') {
			memcpy(dst + o, "&amp;", 5);
			o += 5;
		} else {
			dst[o++] = *src;
		}
	}
	dst[o] = '\0';
	return dst;
}

#define P(...) (p->len += (size_t)snprintf(p->b + p->len, sizeof p->b - p->len, __VA_ARGS__))

static void pf_series(pbuf *p, const gen_cda *c)
{
	char url[512], text[192];
	P("  <entry>\n    <act classCode=\"ACT\" moodCode=\"EVN\">\n      <templateId root=\"%s\"/>\n"
	  "      <templateId root=\"%s\"/>\n      <id root=\"%s\"/>\n",
	  GEN_TPL_SERIES_1, GEN_TPL_SERIES_2, c->series_uid);
	P("      <code code=\"113015\" codeSystem=\"%s\" codeSystemName=\"DCM\" displayName=\"%s\">\n"
	  "        <qualifier>\n          <name code=\"121139\" codeSystem=\"%s\" codeSystemName=\"DCM\" "
	  "displayName=\"%s\"/>\n          <value code=\"%s\" codeSystem=\"%s\" codeSystemName=\"DCM\" "
	  "displayName=\"%s\"/>\n        </qualifier>\n      </code>\n",
	  GEN_OID_DCM, GEN_DISPLAY_SERIES, GEN_OID_DCM, GEN_DISPLAY_MODALITY, c->modality, GEN_OID_DCM,
	  c->modality_display);
	if (c->text)
		P("      <text>%s</text>\n", amp(text, sizeof text, c->text));
	P("      <effectiveTime value=\"%s\"/>\n      <entryRelationship typeCode=\"COMP\">\n"
	  "        <observation classCode=\"DGIMG\" moodCode=\"EVN\">\n          <templateId root=\"%s\"/>\n"
	  "          <templateId root=\"%s\"/>\n          <id root=\"%s\"/>\n"
	  "          <code code=\"%s\" codeSystem=\"%s\" codeSystemName=\"DCMUID\" displayName=\"%s\"/>\n"
	  "          <text mediaType=\"application/dicom\">\n            <reference value=\"%s\"/>\n"
	  "          </text>\n          <statusCode code=\"completed\"/>\n          <effectiveTime value=\"%s\"/>\n",
	  c->ts, GEN_TPL_SOP_1, GEN_TPL_SOP_2, c->sop_uid, c->sop_class, GEN_OID_DCMUID, c->sop_class_display,
	  amp(url, sizeof url, c->url), c->ts);
	if (c->has_frames)
		P("          <entryRelationship typeCode=\"COMP\">\n            <observation classCode=\"ROIBND\" "
		  "moodCode=\"EVN\">\n              <templateId root=\"%s\"/>\n              <code code=\"121190\" "
		  "codeSystem=\"%s\" codeSystemName=\"DCM\" displayName=\"Referenced Frames\"/>\n"
		  "              <entryRelationship typeCode=\"COMP\">\n                <observation classCode=\"OBS\" "
		  "moodCode=\"EVN\">\n                  <templateId root=\"%s\"/>\n                  <code "
		  "code=\"113036\" codeSystem=\"%s\" codeSystemName=\"DCM\" displayName=\"Frames for Display\"/>\n"
		  "                  <value xsi:type=\"IVL_INT\">\n                    <low value=\"1\"/>\n"
		  "                    <high value=\"%s\"/>\n                  </value>\n                </observation>\n"
		  "              </entryRelationship>\n            </observation>\n          </entryRelationship>\n",
		  GEN_TPL_FRAMES, GEN_OID_DCM, GEN_TPL_BOUNDARY, GEN_OID_DCM, c->frames);
	P("        </observation>\n      </entryRelationship>\n    </act>\n  </entry>\n");
}

bool ref_snprintf(sink *s, uint64_t n)
{
	static pbuf pb;
	pbuf *p = &pb;
	p->len = 0;
	p->s = s;
	P("<section xmlns=\"%s\" xmlns:xsi=\"%s\">\n", HL7, XSI);
	static gen_series g;
	for (uint64_t i = 0; i < n; i++) {
		gen_series_make(&g, i);
		pf_series(p, &g.cda);
		if (p->len > sizeof p->b - 8192) {
			if (sink_write(s, p->b, p->len))
				break;
			p->len = 0;
		}
	}
	P("</section>");
	sink_write(s, p->b, p->len);
	if (s->failed)
		fprintf(stderr, "cdaimg-bench: the snprintf reference failed to write\n");
	return !s->failed;
}

/* --- plain DOM ---------------------------------------------------------------------------- */

static xmlNodePtr leaf(xmlNodePtr parent, const char *name, const char *a1, const char *v1)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, S(name), NULL);
	xmlNewProp(n, S(a1), S(v1));
	return n;
}

static xmlNodePtr code(xmlNodePtr parent, const char *el, const char *c, const char *sys, const char *sysname,
                       const char *display)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, S(el), NULL);
	xmlNewProp(n, S("code"), S(c));
	xmlNewProp(n, S("codeSystem"), S(sys));
	xmlNewProp(n, S("codeSystemName"), S(sysname));
	xmlNewProp(n, S("displayName"), S(display));
	return n;
}

static xmlNodePtr rel_obs(xmlNodePtr parent, const char *cls)
{
	xmlNodePtr r = xmlNewChild(parent, NULL, S("entryRelationship"), NULL);
	xmlNewProp(r, S("typeCode"), S("COMP"));
	xmlNodePtr o = xmlNewChild(r, NULL, S("observation"), NULL);
	xmlNewProp(o, S("classCode"), S(cls));
	xmlNewProp(o, S("moodCode"), S("EVN"));
	return o;
}

static void dom_frames(xmlNodePtr obs, xmlNsPtr xsi, const gen_cda *c)
{
	xmlNodePtr o = rel_obs(obs, "ROIBND");
	leaf(o, "templateId", "root", GEN_TPL_FRAMES);
	code(o, "code", "121190", GEN_OID_DCM, "DCM", "Referenced Frames");
	xmlNodePtr b = rel_obs(o, "OBS");
	leaf(b, "templateId", "root", GEN_TPL_BOUNDARY);
	code(b, "code", "113036", GEN_OID_DCM, "DCM", "Frames for Display");
	xmlNodePtr v = xmlNewChild(b, NULL, S("value"), NULL);
	xmlNewNsProp(v, xsi, S("type"), S("IVL_INT"));
	leaf(v, "low", "value", "1");
	leaf(v, "high", "value", c->frames);
}

static void dom_series(xmlNodePtr section, xmlNsPtr xsi, const gen_cda *c)
{
	xmlNodePtr act = xmlNewChild(xmlNewChild(section, NULL, S("entry"), NULL), NULL, S("act"), NULL);
	xmlNewProp(act, S("classCode"), S("ACT"));
	xmlNewProp(act, S("moodCode"), S("EVN"));
	leaf(act, "templateId", "root", GEN_TPL_SERIES_1);
	leaf(act, "templateId", "root", GEN_TPL_SERIES_2);
	leaf(act, "id", "root", c->series_uid);
	xmlNodePtr q = xmlNewChild(code(act, "code", "113015", GEN_OID_DCM, "DCM", GEN_DISPLAY_SERIES), NULL,
	                           S("qualifier"), NULL);
	code(q, "name", "121139", GEN_OID_DCM, "DCM", GEN_DISPLAY_MODALITY);
	code(q, "value", c->modality, GEN_OID_DCM, "DCM", c->modality_display);
	if (c->text)
		xmlNewTextChild(act, NULL, S("text"), S(c->text));
	leaf(act, "effectiveTime", "value", c->ts);
	xmlNodePtr o = rel_obs(act, "DGIMG");
	leaf(o, "templateId", "root", GEN_TPL_SOP_1);
	leaf(o, "templateId", "root", GEN_TPL_SOP_2);
	leaf(o, "id", "root", c->sop_uid);
	code(o, "code", c->sop_class, GEN_OID_DCMUID, "DCMUID", c->sop_class_display);
	xmlNodePtr t = leaf(o, "text", "mediaType", "application/dicom");
	leaf(t, "reference", "value", c->url);
	leaf(o, "statusCode", "code", "completed");
	leaf(o, "effectiveTime", "value", c->ts);
	if (c->has_frames)
		dom_frames(o, xsi, c);
}

bool ref_dom(sink *s, uint64_t n, bool dict, dom_phases *ph)
{
	phase_mark m = phase_now();
	xmlDocPtr doc = xmlNewDoc(S("1.0"));
	doc->encoding = xmlStrdup(S("UTF-8"));
	if (dict)
		doc->dict = xmlDictCreate();
	xmlNodePtr root = xmlNewDocNode(doc, NULL, S("section"), NULL);
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, S(HL7), NULL));
	xmlNsPtr xsi = xmlNewNs(root, S(XSI), S("xsi"));
	static gen_series g;
	for (uint64_t i = 0; i < n; i++) {
		gen_series_make(&g, i);
		dom_series(root, xsi, &g.cda);
	}
	phase_add(ph, PH_BUILD, &m);
	xmlSaveCtxtPtr save = xmlSaveToIO(out_write, NULL, s, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	long rc = save ? xmlSaveTree(save, root) : -1;
	if (save)
		xmlSaveClose(save);
	phase_add(ph, PH_SAVE, &m);
	xmlFreeDoc(doc);
	phase_add(ph, PH_FREE, &m);
	if (rc < 0 || s->failed)
		fprintf(stderr, "cdaimg-bench: the DOM reference failed\n");
	return rc >= 0 && !s->failed;
}
