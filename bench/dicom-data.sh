#!/bin/sh
# SPDX-License-Identifier: MIT
# Data for cdaimg-dicom-bench: N series of one CT instance each (pydicom's CT_small.dcm with new
# study, series and SOP instance UIDs from DCMTK's dcmodify), in OUT/files, and their DICOM JSON
# (dcm2json, pixel data left out, as a WADO-RS metadata answer) in OUT/metadata.json, and the
# attributes the mapping reads alone (as a QIDO-RS search with includefield answers) in OUT/qido.json.
set -eu
N=${1:?usage: dicom-data.sh N OUT}
OUT=${2:?usage: dicom-data.sh N OUT}
P=${PYDICOM_TEST_FILES:-/usr/lib/python3/dist-packages/pydicom/data/test_files}
mkdir -p "$OUT/files" "$OUT/json"
i=0
while [ "$i" -lt "$N" ]; do
	f=$(printf '%s/files/%06d.dcm' "$OUT" "$i")
	cp "$P/CT_small.dcm" "$f"
	dcmodify -q -nb -gst -gse -gin "$f"
	dcm2json "$f" "$OUT/json/$(basename "$f" .dcm).json"
	i=$((i + 1))
done
python3 - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
docs = []
for f in sorted(glob.glob(os.path.join(out, "json", "*.json"))):
    d = json.load(open(f))
    docs.append({k: v for k, v in d.items() if "InlineBinary" not in v and "BulkDataURI" not in v})
json.dump(docs, open(os.path.join(out, "metadata.json"), "w"))
# what a QIDO-RS instance search answers with includefield= the tags the mapping reads
keep = {"0020000D", "0020000E", "00080016", "00080018", "00080060", "0008103E", "00081030", "00080020",
        "00080030", "00080021", "00080031", "00080201", "00200013", "00280008", "00080050", "00080051"}
json.dump([{k: v for k, v in d.items() if k in keep} for d in docs], open(os.path.join(out, "qido.json"), "w"))
PY
echo "dicom-data: $N series in $OUT/files and $OUT/metadata.json"
