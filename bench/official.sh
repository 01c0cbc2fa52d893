#!/bin/bash
# SPDX-License-Identifier: MIT
# official.sh - the speed of `cdaimg validate` against its references, in one run:
# xmllint --schema alone, and (when given) the official ANS check run with Java, each of its
# checks in a JVM of its own as ans-check-all runs them; then many files in one call against one
# call per file. Developers only (needs hyperfine; the ANS check needs Java): not run by CI.
#
#   bench/official.sh CDAIMG DOCUMENT [ANS_TOOLS_DIR]
#
#   CDAIMG         the cdaimg command (a Release build: build-rel/src/cli/cdaimg)
#   DOCUMENT       an IMG-CR-IMG document, e.g. tests/data/IMG_CR_IMG_2024.01.xml
#   ANS_TOOLS_DIR  the folder of ans-check (../shared/tools), to time the official runs
set -eu
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
cdaimg=$1 doc=$2 tools=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
xsd=$here/schemas/ans-cda-extended/CDA_extended.xsd
volume=$here/schemas/ans-schematrons/schematrons/CI-SIS_IMG-CR-IMG_2024.01.sch
command -v hyperfine >/dev/null || { echo "official.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
out=$(mktemp -d /tmp/cdaimg-official.XXXXXX)
trap 'rm -rf "$out"' EXIT

mean() { # the mean of a hyperfine JSON export, in seconds
	sed -n 's/.*"mean": *\([0-9.e-]*\).*/\1/p' "$1" | head -n 1
}

echo "== one document: $doc"
hyperfine -N -w 3 -r 30 --export-json "$out/xmllint.json" "xmllint --noout --schema $xsd $doc" >/dev/null
hyperfine -N -w 3 -r 30 -i --export-json "$out/volume.json" "$cdaimg validate --rules $volume $doc" >/dev/null
hyperfine -N -w 3 -r 30 -i --export-json "$out/all.json" "$cdaimg validate $doc" >/dev/null
x=$(mean "$out/xmllint.json") v=$(mean "$out/volume.json") a=$(mean "$out/all.json")
printf '  xmllint --schema (XSD only)                 %7.3f s\n' "$x"
printf '  cdaimg validate --rules volume (XSD+volume) %7.3f s   %.2fx xmllint (target <= 3)\n' "$v" \
	"$(echo "$v / $x" | bc -l)"
printf '  cdaimg validate (XSD+volume+3 profiles)     %7.3f s\n' "$a"

if [ -n "$tools" ]; then
	"$tools/ans-check" "$doc" >/dev/null 2>&1 || true # a warm cache: compiled stylesheets, JVM archive
	java=0
	for sch in "" profils/IHE.sch profils/CI-SIS_ModelesDeContenusCDA.sch profils/CI-SIS_Modeles_ANS.sch; do
		args=() name="XSD + volume"
		[ -n "$sch" ] && args=(--no-xsd --sch "$sch") && name=$sch
		"$tools/ans-check" "${args[@]}" "$doc" >/dev/null 2>&1 || true
		hyperfine -N -w 0 -r 3 -i --export-json "$out/java.json" "$tools/ans-check ${args[*]} $doc" >/dev/null
		t=$(mean "$out/java.json")
		java=$(echo "$java + $t" | bc -l)
		printf '  official (Java), %-38s %7.3f s\n' "$name" "$t"
	done
	printf '  official (Java), the four checks            %7.3f s   cdaimg is %.1fx faster (target >= 5)\n' \
		"$java" "$(echo "$java / $a" | bc -l)"
fi

echo "== 100 copies of the document"
mkdir -p "$out/many"
for i in $(seq 1 100); do cp "$doc" "$out/many/d$i.xml"; done
hyperfine -N -w 1 -r 5 -i --export-json "$out/one.json" "$cdaimg validate $(echo "$out"/many/*.xml)" >/dev/null
one=$(mean "$out/one.json")
printf '  one call, 100 files                         %7.3f s   %.1fx faster than 100 calls (%.3f s)\n' "$one" \
	"$(echo "100 * $a / $one" | bc -l)" "$(echo "100 * $a" | bc -l)"
