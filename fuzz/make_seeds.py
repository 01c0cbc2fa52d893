#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the hand-made seed inputs of the fuzz corpora (fuzz/corpus/<target>/seed-*).

Run from anywhere: python3 fuzz/make_seeds.py. Seeds are the valid values of
tests/testutil.c (tu_series_init, the first series of the ANS sample) and
variations on them; fuzzing and `-merge=1` add the rest of each corpus.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

STUDY = "1.2.250.1.925.994044.27.123.1876360"
SERIES = STUDY + ".1"
SOP = SERIES + ".1"
WADO_URI = ("http://www.example.org/wado?requestType=WADO&studyUID=%s&seriesUID=%s"
            "&objectUID=%s&contentType=application/dicom" % (STUDY, SERIES, SOP))
WADO_RS = "https://pacs.example.org/dicom-web/studies/%s/series/%s/instances/%s" % (STUDY, SERIES, SOP)
IID = "https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=%s" % STUDY
DIV = '<div xmlns="http://www.w3.org/1999/xhtml"><p>Scanner &amp; <b>thorax</b></p><p>2e ligne</p></div>'
ABSENT = "\x01"


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def link_seeds():
    for kind, url in ((2, WADO_RS), (1, WADO_URI), (3, WADO_URI), (1, IID), (0, "http://h/x%41y")):
        write("fuzz_link", "k%d-%s" % (kind, url.split(":")[0] + str(len(url))),
              bytes([kind]) + "\0".join([url, STUDY, SERIES, SOP]).encode())
    write("fuzz_link", "iid-nouid", bytes([1]) + (IID + "\0" + ABSENT + "\0" + SERIES).encode())
    write("fuzz_link", "bad-pct", bytes([2]) + b"https://a/studies/1%2/series/2")


def date_seeds():
    for i, v in enumerate(["2020", "2020-08", "2020-08-23", "2020-08-23T22:32:32+02:00",
                           "2024-02-29T00:00:00Z", "2020-08-23T22:32:32.1234-14:00",
                           "20200823223232+0200", "2020082322", "20200823223232.12345",
                           "1900-02-29", "2020-13-01", "2020-08-23T24:00:00Z"]):
        write("fuzz_date", "%02d" % i, v)


SERIES_FIELDS = [
    "urn:dicom:uid", "urn:oid:" + SERIES, ABSENT, ABSENT,
    "http://dicom.nema.org/resources/ontology/DCM", "CT", ABSENT, ABSENT,
    ABSENT, ABSENT, "2020-08-23T22:32:32+02:00",
    "urn:dicom:uid", "urn:oid:" + SOP, "urn:oid:1.2.840.10008.2.6.1", "1.2.840.10008.5.1.4.1.1.2",
    ABSENT, ABSENT, ABSENT, "completed", "2020-08-23T22:32:32+02:00",
    "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "dicom-wado-uri",
    "urn:ietf:bcp:13", "application/dicom", WADO_URI, ABSENT,
]


def series_input(flags, frames, changes):
    f = list(SERIES_FIELDS)
    for k, v in changes.items():
        f[k] = v
    return bytes([flags]) + struct.pack("<q", frames) + "\0".join(f).encode("utf-8")


def series_seeds():
    write("fuzz_series", "valid", series_input(6, 0, {}))
    write("fuzz_series", "frames", series_input(7, 12, {}))
    write("fuzz_series", "frames-max", series_input(7, 2**31 - 1, {}))
    write("fuzz_series", "frames-neg", series_input(7, -1, {}))
    write("fuzz_series", "narratives", series_input(6, 0, {8: "generated", 9: DIV, 16: "additional", 17: DIV}))
    write("fuzz_series", "rs-uuid", series_input(2, 0, {1: "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
                                                         21: "dicom-wado-rs", 24: WADO_RS}))
    write("fuzz_series", "iid-en", series_input(10, 0, {21: "ihe-iid", 24: IID, 6: "Computed Tomography"}))
    write("fuzz_series", "two-ids", series_input(6, 0, {2: "urn:ietf:rfc:3986", 3: "urn:oid:1.2.3.4"}))
    write("fuzz_series", "two-inst", series_input(22, 0, {}))
    write("fuzz_series", "inst-link", series_input(6, 0, {25: WADO_URI}))
    write("fuzz_series", "text", series_input(6, 0, {9: '<div xmlns="http://www.w3.org/1999/xhtml">'
                                                         "&lt;]]&gt; \u05e9\u05dc\u05d5\u05dd e\u0301</div>"}))


ACT = open(os.path.join(HERE, "seed-act.xml"), encoding="utf-8").read()
HEAD = ('<ClinicalDocument xmlns="urn:hl7-org:v3">'
        '<typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>'
        '<id root="2.25.1"/><code code="18748-4" codeSystem="2.16.840.1.113883.6.1"/>'
        '<effectiveTime value="20240101"/>'
        '<confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>'
        '<recordTarget><patientRole><id root="2.25.2"/></patientRole></recordTarget>'
        '<author><time value="20240101"/><assignedAuthor><id root="2.25.3"/></assignedAuthor></author>'
        '<custodian><assignedCustodian><representedCustodianOrganization><id root="2.25.4"/>'
        '</representedCustodianOrganization></assignedCustodian></custodian>'
        '<component><structuredBody><component><section>')
TAIL = '</section></component></structuredBody></component></ClinicalDocument>'


def xml_docs():
    yield "doc", HEAD + "<entry>" + ACT + "</entry>" + TAIL
    yield "doc-decl", '<?xml version="1.0" encoding="UTF-8"?>\n' + HEAD + "<entry>" + ACT + "</entry>" + TAIL
    yield "doc-two", HEAD + "<entry>" + ACT + "</entry><entry>" + ACT.replace("CT", "MR") + "</entry>" + TAIL
    yield "act", ACT
    yield "doc-invalid", HEAD + "<entry><act/></entry>" + TAIL
    yield "doctype", '<!DOCTYPE x [<!ENTITY e "v">]>' + HEAD + "<entry>" + ACT.replace("EVN", "&e;", 1) + "</entry>" + TAIL
    yield "latin1", ('<?xml version="1.0" encoding="ISO-8859-1"?>' + HEAD + TAIL).encode("latin-1")


# A header with every field cdaimg_extract_header reads (fuzz_extract): ids
# with and without the RPPS/FINESS prefixes, a time without a zone, a name
# with markup; and an entry whose times have no zone.
FULL_HEAD = ('<ClinicalDocument xmlns="urn:hl7-org:v3">'
             '<id root="2.25.1" extension="D-1"/><title>CR <b>scanner</b></title>'
             '<effectiveTime value="20240101120000"/><setId root="2.25.9"/>'
             '<recordTarget><patientRole><id root="1.2.250.1.213.1.4.8" extension="261077512345667"/>'
             '<patient><name><family qualifier="BR">MARTIN</family><given qualifier="BR">JEANNE</given></name>'
             '<administrativeGenderCode code="U"/><birthTime value="196107141230+0100"/></patient>'
             '</patientRole></recordTarget>'
             '<author><time value="20240101"/><assignedAuthor><id root="2.25.3"/>'
             '<id root="1.2.250.1.71.4.2.1" extension="810001234567"/>'
             '<assignedPerson><name><given>Paul</given><family>DURAND</family></name></assignedPerson>'
             '</assignedAuthor></author>'
             '<custodian><assignedCustodian><representedCustodianOrganization>'
             '<id root="1.2.250.1.71.4.2.2" extension="1750000001"/><name>Centre</name>'
             '</representedCustodianOrganization></assignedCustodian></custodian>'
             '<component><structuredBody><component><section>')


# The coded values of the header (issue 18): the anatomical site of the
# imaging act, contre-indications (one coded, one without a code, one negated:
# "none known"), as document.c writes them.
XSI = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
CODED = ('<entry><procedure classCode="PROC" moodCode="EVN"><templateId root="1.2.250.1.213.1.1.3.153"/>'
         '<targetSiteCode code="302551006" codeSystem="2.16.840.1.113883.6.96" displayName="thorax entier"/>'
         '</procedure></entry>'
         + "".join('<entry><observation classCode="OBS" moodCode="EVN"%s>'
                   '<templateId root="1.2.250.1.213.1.1.3.150"/>'
                   '<code code="64100-1" codeSystem="2.16.840.1.113883.6.1"/>'
                   '<value%s xsi:type="CD"%s/></observation></entry>' % (neg, XSI, value)
                   for neg, value in (("", ' code="MED-1117" codeSystem="1.2.250.1.213.1.1.4.322"'),
                                      ("", ' nullFlavor="UNK"'),
                                      (' negationInd="true"',
                                       ' code="GEN-092.01.20" codeSystem="1.2.250.1.213.1.1.4.322"'))))


def header_seeds(target):
    write(target, "header", FULL_HEAD + "<entry>" + ACT.replace("+0200", "") + "</entry>" + TAIL)
    write(target, "header-coded", FULL_HEAD + "<entry>" + ACT + "</entry>" + CODED + TAIL)


def xml_seeds(target):
    for name, data in xml_docs():
        write(target, name, data)


if __name__ == "__main__":
    link_seeds()
    date_seeds()
    series_seeds()
    xml_seeds("fuzz_xml_validate")
    if os.path.exists(os.path.join(HERE, "fuzz_extract.c")):
        xml_seeds("fuzz_extract")
        header_seeds("fuzz_extract")
