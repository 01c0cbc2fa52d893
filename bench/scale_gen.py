#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scale_gen.py - inputs for bench/scale.sh (Python 3 standard library only).

    scale_gen.py study N            one FrExamenImagerie of N series (JSON)
    scale_gen.py studies K M        an array of K studies of M series each (JSON)
    scale_gen.py series N           an array of N FrSerieImagerie (JSON)
    scale_gen.py shared-ref DOC SIZE  DOC (a document of `build --as document`)
                                    with every series' description pointing to
                                    the first one, whose text is SIZE bytes
    scale_gen.py attributes N       an element with N attributes (XML)

Written to standard output. Series s of study t have distinct UIDs, a
WADO-URI link made of them and a description.
"""
import re
import sys

ROOT = "1.2.250.1.213.4.1.2"


def series(t, s):
    study = f"{ROOT}.{1000000 + t}"
    ser = f"{study}.{s + 1}"
    sop = f"{ser}.1"
    url = (f"https://pacs.example.org/wado?requestType=WADO&studyUID={study}"
           f"&seriesUID={ser}&objectUID={sop}&contentType=application%2Fdicom")
    return ('{"uuidSerie":[{"system":"urn:dicom:uid","value":"urn:oid:%s"}],'
            '"code":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"CT"}]},'
            '"description":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">S\\u00e9rie %d</div>"},'
            '"date":"2024-07-05T08:05:12+02:00",'
            '"instanceSOP":{"uuidSOPInstance":[{"system":"urn:dicom:uid","value":"urn:oid:%s"}],'
            '"classeSOP":{"coding":[{"system":"urn:oid:1.2.840.10008.2.6.1","code":"1.2.840.10008.5.1.4.1.1.2"}]},'
            '"statut":"completed","date":"2024-07-05T08:05:12+02:00"},'
            '"referenceWado":{"iHEInvokeImage":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/endpoint-connection-type","code":"dicom-wado-uri"}]},'
            '"typeMedia":{"coding":[{"system":"urn:ietf:bcp:13","code":"application/dicom"}]},'
            '"reference":"%s"}}' % (ser, s + 1, sop, url))


def study(out, t, m):
    out.write('{"resourceType":"FrExamenImagerie",'
              '"uuidInstanceExamen":[{"system":"urn:dicom:uid","value":"urn:oid:%s.%d"}],'
              '"dateActe":"2024-07-05T08:04:00+02:00","serieImagerie":[' % (ROOT, 1000000 + t))
    for s in range(m):
        if s:
            out.write(",\n")
        out.write(series(t, s))
    out.write("]}")


def main(argv):
    out = sys.stdout
    if len(argv) == 3 and argv[1] == "study":
        study(out, 0, int(argv[2]))
    elif len(argv) == 4 and argv[1] == "studies":
        out.write("[")
        for t in range(int(argv[2])):
            if t:
                out.write(",\n")
            study(out, t, int(argv[3]))
        out.write("]")
    elif len(argv) == 3 and argv[1] == "series":
        n = int(argv[2])
        out.write("[")
        for i in range(n):
            if i:
                out.write(",\n")
            out.write('{"resourceType":"FrSerieImagerie",' + series(i // 8, i % 8)[1:])
        out.write("]")
    elif len(argv) == 4 and argv[1] == "shared-ref":
        with open(argv[2], encoding="utf-8") as f:
            doc = f.read()
        ids = re.findall(r'<reference value="#(ex-\d+-serie-\d+)"/>', doc)
        if not ids:
            sys.exit("scale_gen.py: no series description reference in " + argv[2])
        first = ids[0]
        doc = re.sub(r'<reference value="#ex-\d+-serie-\d+"/>', '<reference value="#%s"/>' % first, doc)
        text = ("x" * 79 + "\n") * (int(argv[3]) // 80)
        doc = re.sub(r'(<content ID="%s">)[^<]*' % re.escape(first), lambda m: m.group(1) + text, doc, count=1)
        out.write(doc)
    elif len(argv) == 3 and argv[1] == "attributes":
        n = int(argv[2])
        out.write('<ClinicalDocument xmlns="urn:hl7-org:v3"><e')
        for i in range(n):
            out.write(' a%d="1"' % i)
        out.write("/></ClinicalDocument>\n")
    else:
        sys.exit(__doc__)
    out.write("\n")


if __name__ == "__main__":
    main(sys.argv)
