#!/bin/sh
# SPDX-License-Identifier: MIT
# regen-samples.sh - regenerate the CDA files of samples/ from their JSON, or
# check that they have not drifted.
#
#   tools/regen-samples.sh CDAIMG                 rewrite samples/*.xml in the source tree
#   tools/regen-samples.sh --check CDAIMG OUTDIR  generate into OUTDIR, fail when a file
#                                                 differs from the committed one (ctest)
#
# CDAIMG is the built command (e.g. build/src/cli/cdaimg). For every
# samples/NAME.json: NAME.xml is `cdaimg build` (the entry: Series Act, Study
# Act, or <entries> for an array); a study also gives NAME.document.xml
# (`--as document --sample-header`), and with samples/headers/NAME.json, NAME.header.document.xml
# (`--as document --header`). sample.xml is `cdaimg sample`. Every generated file is
# validated against the ANS extended schema, entries also against HL7 CDA.xsd.
# Each samples/invalid/NAME.json must fail as NAME.expected says: lines
# "#status N" and "#args ..." (extra build arguments), then the exact stderr;
# and it must leave no output file.
set -u
check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi
[ $# -ge 1 ] || { echo "usage: $0 [--check] CDAIMG [OUTDIR]" >&2; exit 2; }
case $1 in /*) cdaimg=$1 ;; *) cdaimg=$(pwd)/$1 ;; esac
cd "$(dirname "$0")/.." || exit 2
if [ $check = 1 ]; then
	[ $# -ge 2 ] || { echo "$0: --check needs OUTDIR" >&2; exit 2; }
	out=$2
	rm -rf "$out" && mkdir -p "$out" || exit 2
else
	out=samples
fi
reports=$(mktemp -d) || exit 2
trap 'rm -rf "$reports"' EXIT
fail=0
problem() { echo "FAIL: $*" >&2; fail=1; }

# 1. generate
entries=""
docs=""
for json in samples/*.json; do
	name=$(basename "$json" .json)
	"$cdaimg" build "$json" -o "$out/$name.xml" || problem "build $json"
	entries="$entries $out/$name.xml"
	if grep -q '"resourceType": *"FrExamenImagerie"' "$json"; then
		"$cdaimg" build --as document --sample-header "$json" -o "$out/$name.document.xml" ||
			problem "build --as document --sample-header $json"
		docs="$docs $out/$name.document.xml"
	fi
done
for header in samples/headers/*.json; do
	name=$(basename "$header" .json)
	[ -f "samples/$name.json" ] || { problem "$header: samples/$name.json does not exist"; continue; }
	"$cdaimg" build --as document --header "$header" "samples/$name.json" -o "$out/$name.header.document.xml" ||
		problem "build --as document --header $header samples/$name.json"
	docs="$docs $out/$name.header.document.xml"
done
"$cdaimg" sample -o "$out/sample.xml" || problem "sample"
docs="$docs $out/sample.xml"

# 2. validate: documents against the ANS schema, entries against both schemas,
# all with the template rules (the IMG-CR-IMG volume's own rules apply to
# IMG-CR-IMG documents only)
validate() {
	# shellcheck disable=SC2086
	"$cdaimg" validate "$@" >"$reports/report.txt" 2>&1 || {
		cat "$reports/report.txt" >&2
		problem "validate $1 $2 failed"
	}
}
validate --schema ans $docs
validate --schema ans $entries
validate --schema hl7 $entries

# 3. drift (check mode)
if [ $check = 1 ]; then
	for f in $entries $docs; do
		committed=samples/$(basename "$f")
		if [ ! -f "$committed" ]; then
			problem "$committed is not committed (run tools/regen-samples.sh)"
		elif ! cmp -s "$f" "$committed"; then
			diff -u "$committed" "$f" | head -40 >&2
			problem "$committed drifted from what cdaimg generates (run tools/regen-samples.sh)"
		fi
	done
fi

# 4. invalid inputs: exact stderr and status, no output file, no temporary file.
# What these runs write goes to the scratch folder, never into samples/.
mkdir -p "$reports/invalid" || exit 2
for json in samples/invalid/*.json; do
	name=$(basename "$json" .json)
	expected=samples/invalid/$name.expected
	[ -f "$expected" ] || { problem "$expected is missing"; continue; }
	status=$(sed -n 's/^#status //p' "$expected")
	args=$(sed -n 's/^#args //p' "$expected")
	run=$reports/invalid/$name
	target=$run.xml
	# shellcheck disable=SC2086
	"$cdaimg" build $args "$json" -o "$target" 2>"$run.stderr"
	rc=$?
	grep -v '^#' "$expected" >"$run.want"
	[ "$rc" = "$status" ] || problem "$json: exit status $rc, expected $status"
	if ! cmp -s "$run.want" "$run.stderr"; then
		diff -u "$run.want" "$run.stderr" >&2
		problem "$json: unexpected messages"
	fi
	[ ! -e "$target" ] || problem "$json: left an output file"
	leftover=$(find "$reports/invalid" -name ".$name.xml.*")
	[ -z "$leftover" ] || problem "$json: left a temporary file: $leftover"
done
if [ $fail = 0 ] && [ $check = 1 ]; then
	echo "samples: every output matches, validates, and every invalid input fails as documented"
fi
exit $fail
