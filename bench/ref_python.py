#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ref_python.py - Python reference for cdaimg-bench (standard library only).

Writes the same <section xmlns="urn:hl7-org:v3"> with one <entry> and its
Series Act per synthetic series as bench/refs.c, with no checks, and times
itself.  The generator is a port of bench/gen.c (CDA-ready strings only).

    python3 bench/ref_python.py N [--out PATH] [--mode etree|stream]

etree:  builds an xml.etree.ElementTree tree, ET.indent(), tree.write()
stream: xml.sax.saxutils.XMLGenerator, indentation written by hand
"""
import argparse
import resource
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import XMLGenerator

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

TPL_SERIES_1 = "1.2.840.10008.9.17"
TPL_SERIES_2 = "1.2.250.1.213.1.1.3.156"
TPL_SOP_1 = "1.2.840.10008.9.18"
TPL_SOP_2 = "1.2.250.1.213.1.1.3.157"
TPL_FRAMES = "1.2.250.1.213.1.1.3.164"
TPL_BOUNDARY = "1.2.250.1.213.1.1.3.166"
OID_DCM = "1.2.840.10008.2.16.4"
OID_DCMUID = "1.2.840.10008.2.6.1"
DISPLAY_SERIES = "S\u00e9rie"
DISPLAY_MODALITY = "Modalit\u00e9"

# (modality, SOP class, modality display, SOP class display): the display
# names are those the C generator takes from data/valuesets/.
KINDS = [
    ("CT", "1.2.840.10008.5.1.4.1.1.2", "Tomodensitom\u00e9trie", "CT Image Storage"),
    ("MR", "1.2.840.10008.5.1.4.1.1.4", "R\u00e9sonance magn\u00e9tique", "MR Image Storage"),
    ("US", "1.2.840.10008.5.1.4.1.1.6.1", "\u00c9chographie", "Ultrasound Image Storage"),
    ("CR", "1.2.840.10008.5.1.4.1.1.1", "Radiographie assist\u00e9e par ordinateur",
     "Computed Radiography Image Storage"),
    ("DX", "1.2.840.10008.5.1.4.1.1.1.1", "Radiographie num\u00e9rique",
     "Digital X-Ray Image Storage - For Presentation"),
    ("MG", "1.2.840.10008.5.1.4.1.1.1.2", "Mammographie",
     "Digital Mammography X-Ray Image Storage- For Presentation"),
    ("NM", "1.2.840.10008.5.1.4.1.1.20", "M\u00e9decine nucl\u00e9aire", "Nuclear Medicine Image Storage"),
    ("CT", "1.2.840.10008.5.1.4.1.1.2", "Tomodensitom\u00e9trie", "CT Image Storage"),
]


def gen_series(i):
    """Series i as CDA-ready strings: (series_uid, sop_uid, ts, text, url, kind, frames)."""
    study = i // 8
    k = KINDS[study % 8]
    study_uid = "1.2.250.1.213.4.1.2.%d" % (1000000 + study)
    series_uid = "%s.%d" % (study_uid, i % 8 + 1)
    sop_uid = series_uid + ".1"
    url = ("https://pacs.example.org/wado?requestType=WADO&studyUID=%s&seriesUID=%s&objectUID=%s"
           "&contentType=application/dicom" % (study_uid, series_uid, sop_uid))
    y, mo, d = 2021 + study % 4, 1 + study // 4 % 12, 1 + study // 48 % 28
    h, mi, s = 7 + study % 12, study * 7 % 60, i * 13 % 60
    zone = 2 if 4 <= mo <= 10 else 1
    ts = "%04d%02d%02d%02d%02d%02d+%02d00" % (y, mo, d, h, mi, s, zone)
    text = "S\u00e9rie %d & contraste" % (i % 8 + 1) if i % 4 == 1 else None
    frames = str(1 + i % 500) if i % 3 == 0 else None
    return series_uid, sop_uid, ts, text, url, k, frames


def code_attrs(code, system, system_name, display):
    return {"code": code, "codeSystem": system, "codeSystemName": system_name, "displayName": display}


# --- ElementTree ------------------------------------------------------------------------------

def q(name):
    return "{%s}%s" % (HL7, name)


T_ENTRY, T_ACT, T_TPL, T_ID, T_CODE = q("entry"), q("act"), q("templateId"), q("id"), q("code")
T_QUAL, T_NAME, T_VALUE, T_TEXT, T_TIME = q("qualifier"), q("name"), q("value"), q("text"), q("effectiveTime")
T_REL, T_OBS, T_REF, T_STATUS = q("entryRelationship"), q("observation"), q("reference"), q("statusCode")
T_LOW, T_HIGH, A_XSI_TYPE = q("low"), q("high"), "{%s}type" % XSI


def et_series(section, g):
    series_uid, sop_uid, ts, text, url, k, frames = g
    sub = ET.SubElement
    act = sub(sub(section, T_ENTRY), T_ACT, classCode="ACT", moodCode="EVN")
    sub(act, T_TPL, root=TPL_SERIES_1)
    sub(act, T_TPL, root=TPL_SERIES_2)
    sub(act, T_ID, root=series_uid)
    c = sub(act, T_CODE, code_attrs("113015", OID_DCM, "DCM", DISPLAY_SERIES))
    qual = sub(c, T_QUAL)
    sub(qual, T_NAME, code_attrs("121139", OID_DCM, "DCM", DISPLAY_MODALITY))
    sub(qual, T_VALUE, code_attrs(k[0], OID_DCM, "DCM", k[2]))
    if text is not None:
        sub(act, T_TEXT).text = text
    sub(act, T_TIME, value=ts)
    obs = sub(sub(act, T_REL, typeCode="COMP"), T_OBS, classCode="DGIMG", moodCode="EVN")
    sub(obs, T_TPL, root=TPL_SOP_1)
    sub(obs, T_TPL, root=TPL_SOP_2)
    sub(obs, T_ID, root=sop_uid)
    sub(obs, T_CODE, code_attrs(k[1], OID_DCMUID, "DCMUID", k[3]))
    sub(sub(obs, T_TEXT, mediaType="application/dicom"), T_REF, value=url)
    sub(obs, T_STATUS, code="completed")
    sub(obs, T_TIME, value=ts)
    if frames is not None:
        o = sub(sub(obs, T_REL, typeCode="COMP"), T_OBS, classCode="ROIBND", moodCode="EVN")
        sub(o, T_TPL, root=TPL_FRAMES)
        sub(o, T_CODE, code_attrs("121190", OID_DCM, "DCM", "Referenced Frames"))
        b = sub(sub(o, T_REL, typeCode="COMP"), T_OBS, classCode="OBS", moodCode="EVN")
        sub(b, T_TPL, root=TPL_BOUNDARY)
        sub(b, T_CODE, code_attrs("113036", OID_DCM, "DCM", "Frames for Display"))
        v = sub(b, T_VALUE, {A_XSI_TYPE: "IVL_INT"})
        sub(v, T_LOW, value="1")
        sub(v, T_HIGH, value=frames)


def run_etree(n, out):
    ET.register_namespace("", HL7)
    ET.register_namespace("xsi", XSI)
    section = ET.Element(q("section"))
    for i in range(n):
        et_series(section, gen_series(i))
    ET.indent(section, space="  ")
    ET.ElementTree(section).write(out, encoding="utf-8")


# --- XMLGenerator (streaming) -----------------------------------------------------------------

class Indented:
    """XMLGenerator with libxml2-like indentation: two spaces per level."""

    def __init__(self, out):
        self.x = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        self.depth = 0

    def _nl(self):
        self.x.ignorableWhitespace("\n" + "  " * self.depth)

    def open(self, name, attrs):
        if self.depth:
            self._nl()
        self.x.startElement(name, attrs)
        self.depth += 1

    def close(self, name):
        self.depth -= 1
        self._nl()
        self.x.endElement(name)

    def leaf(self, name, attrs):
        self._nl()
        self.x.startElement(name, attrs)
        self.x.endElement(name)

    def text_leaf(self, name, text):
        self._nl()
        self.x.startElement(name, {})
        self.x.characters(text)
        self.x.endElement(name)


A_COMP = {"typeCode": "COMP"}
A_EMPTY = {}


def sx_series(w, g):
    series_uid, sop_uid, ts, text, url, k, frames = g
    w.open("entry", A_EMPTY)
    w.open("act", {"classCode": "ACT", "moodCode": "EVN"})
    w.leaf("templateId", {"root": TPL_SERIES_1})
    w.leaf("templateId", {"root": TPL_SERIES_2})
    w.leaf("id", {"root": series_uid})
    w.open("code", code_attrs("113015", OID_DCM, "DCM", DISPLAY_SERIES))
    w.open("qualifier", A_EMPTY)
    w.leaf("name", code_attrs("121139", OID_DCM, "DCM", DISPLAY_MODALITY))
    w.leaf("value", code_attrs(k[0], OID_DCM, "DCM", k[2]))
    w.close("qualifier")
    w.close("code")
    if text is not None:
        w.text_leaf("text", text)
    w.leaf("effectiveTime", {"value": ts})
    w.open("entryRelationship", A_COMP)
    w.open("observation", {"classCode": "DGIMG", "moodCode": "EVN"})
    w.leaf("templateId", {"root": TPL_SOP_1})
    w.leaf("templateId", {"root": TPL_SOP_2})
    w.leaf("id", {"root": sop_uid})
    w.leaf("code", code_attrs(k[1], OID_DCMUID, "DCMUID", k[3]))
    w.open("text", {"mediaType": "application/dicom"})
    w.leaf("reference", {"value": url})
    w.close("text")
    w.leaf("statusCode", {"code": "completed"})
    w.leaf("effectiveTime", {"value": ts})
    if frames is not None:
        w.open("entryRelationship", A_COMP)
        w.open("observation", {"classCode": "ROIBND", "moodCode": "EVN"})
        w.leaf("templateId", {"root": TPL_FRAMES})
        w.leaf("code", code_attrs("121190", OID_DCM, "DCM", "Referenced Frames"))
        w.open("entryRelationship", A_COMP)
        w.open("observation", {"classCode": "OBS", "moodCode": "EVN"})
        w.leaf("templateId", {"root": TPL_BOUNDARY})
        w.leaf("code", code_attrs("113036", OID_DCM, "DCM", "Frames for Display"))
        w.open("value", {"xsi:type": "IVL_INT"})
        w.leaf("low", {"value": "1"})
        w.leaf("high", {"value": frames})
        w.close("value")
        w.close("observation")
        w.close("entryRelationship")
        w.close("observation")
        w.close("entryRelationship")
    w.close("observation")
    w.close("entryRelationship")
    w.close("act")
    w.close("entry")


def run_stream(n, out):
    w = Indented(out)
    w.open("section", {"xmlns": HL7, "xmlns:xsi": XSI})
    for i in range(n):
        sx_series(w, gen_series(i))
    w.close("section")


# --- main -------------------------------------------------------------------------------------

class Counting:
    """Binary file wrapper that counts the bytes written."""

    def __init__(self, f):
        self.f, self.bytes = f, 0

    def write(self, b):
        self.bytes += len(b)
        return self.f.write(b)

    def flush(self):
        self.f.flush()

    def writable(self):
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--out", default="/dev/null")
    ap.add_argument("--mode", choices=("etree", "stream"), default="stream")
    a = ap.parse_args()
    with open(a.out, "wb", buffering=1 << 16) as f:
        out = Counting(f)
        w0, c0 = time.perf_counter(), time.process_time()
        (run_etree if a.mode == "etree" else run_stream)(a.n, out)
        f.flush()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("ref_python: mode %s, %d series, output %s, Python %s" % (a.mode, a.n, a.out, sys.version.split()[0]))
    print("  wall %.3f s  cpu %.3f s  %.0f series/s  %.0f series/cpu-s  %d bytes  peak RSS %d KB"
          % (wall, cpu, a.n / wall if wall else 0, a.n / cpu if cpu else 0, out.bytes, rss))


if __name__ == "__main__":
    main()
