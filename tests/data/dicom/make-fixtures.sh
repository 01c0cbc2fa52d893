#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the DICOM JSON fixtures of this folder from pydicom's test files
# (Debian python3-pydicom) with DCMTK's dcm2json (Debian dcmtk); see README.md.
set -eu
cd "$(dirname "$0")"
P=${PYDICOM_TEST_FILES:-/usr/lib/python3/dist-packages/pydicom/data/test_files}
# dcm2json writes one instance object; bulk data (pixel data, overlays, private
# binary values) is dropped, as a WADO-RS metadata response leaves it out.
strip() {
	python3 -c '
import json, sys
def clean(ds):
    out = {}
    for tag, a in ds.items():
        if "InlineBinary" in a or "BulkDataURI" in a:
            continue
        if a.get("vr") == "SQ" and "Value" in a:
            a = dict(a, Value=[clean(i) for i in a["Value"]])
        out[tag] = a
    return out
docs = [clean(json.loads(open(f).read())) for f in sys.argv[1:]]
json.dump(docs[0] if len(docs) == 1 else docs, sys.stdout, indent=1, sort_keys=True)
print()' "$@"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in CT_small MR_small; do
	dcm2json "$P/$f.dcm" "$tmp/$f.json"
	strip "$tmp/$f.json" > "$f.json"
done
# a WADO-RS metadata answer of two studies, three series, 17 instances, in the order of the files
i=0
for f in $(cd "$P/dicomdirtests/98892003" && find . -type f | sort); do
	dcm2json "$P/dicomdirtests/98892003/$f" "$tmp/i$(printf %03d $i).json"
	i=$((i + 1))
done
strip "$tmp"/i*.json > 98892003-metadata.json
# a CT instance whose text is Latin-1 (ISO_IR 100): chrFren.dcm with its character set,
# modality, SOP class, dates and descriptions changed by dcmodify
cp "$P/../charset_files/chrFren.dcm" latin1-ct.dcm
dcmodify -nb -i "(0008,0005)=ISO_IR 100" -i "(0008,0060)=CT" -i "(0008,0016)=1.2.840.10008.5.1.4.1.1.2" \
	-i "(0008,0020)=20240115" -i "(0008,0030)=093000" \
	-i "(0008,103E)=$(printf 'D\351fil\351 thoracique')" \
	-i "(0008,1030)=$(printf 'Scanner \340 l\47h\364pital')" latin1-ct.dcm
