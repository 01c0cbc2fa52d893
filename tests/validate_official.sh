#!/bin/sh
# SPDX-License-Identifier: MIT
# validate_official.sh CDAIMG SRCDIR - cdaimg validate's rule options, as a user runs them:
# --svrl writes the SVRL report (atomically, one file), --rules evaluates a Schematron file of
# one's own, --rules-info lists what cannot run, and the usage errors.
set -u
cdaimg=$1 src=$2
tmp=$(mktemp -d /tmp/cdaimg-validate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the sample passes the official verdict; its SVRL report holds the four rule sets' patterns
"$cdaimg" validate --svrl "$tmp/sample.svrl" "$src/samples/sample.xml" >"$tmp/out" 2>&1 || fail "sample: $(cat "$tmp/out")"
grep -q 'valid (schema ans; rules CI-SIS_IMG-CR-IMG_2024.01, IHE, CI-SIS_ModelesDeContenusCDA, CI-SIS_Modeles_ANS)' \
	"$tmp/out" || fail "summary: $(cat "$tmp/out")"
[ "$(grep -c '<svrl:active-pattern' "$tmp/sample.svrl")" -eq $((25 + 230 + 141 + 67)) ] || fail "SVRL patterns"
grep -q '<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl"' "$tmp/sample.svrl" || fail "SVRL root"
[ "$(ls "$tmp" | wc -l)" -eq 2 ] || fail "a temporary file was left: $(ls "$tmp")"

# a document the official check rejects: exit 1, the failed assert named by its pattern, with its line
sed 's/code="113015" codeSystem="1.2.840.10008.2.16.4"/code="113016" codeSystem="1.2.840.10008.2.16.4"/' \
	"$src/samples/sample.xml" >"$tmp/broken.xml"
"$cdaimg" validate --svrl "$tmp/broken.svrl" "$tmp/broken.xml" >"$tmp/out" 2>&1
[ $? -eq 1 ] || fail "broken: exit status"
grep -q 'broken.xml:[0-9]*: /ClinicalDocument/component/structuredBody/component\[2\]/section/component/section/entry/act/entryRelationship/act: .*113015.*\[rule E_ExamenImagerie_IMG-CR-IMG\]' \
	"$tmp/out" || fail "broken: $(cat "$tmp/out")"
grep -q '<svrl:failed-assert location="/ClinicalDocument/component/structuredBody/component\[2\]' "$tmp/broken.svrl" ||
	fail "broken: no failed assert in the SVRL report"

# a Schematron file of one's own, its document() confined to --rules-root
"$cdaimg" validate --no-rules "$src/tests/data/sch/doc.xml" >/dev/null 2>&1 # not a CDA: schema errors only
"$cdaimg" validate --rules "$src/tests/data/sch/engine.sch" --rules-root "$src/tests/data/sch" \
	"$src/tests/data/sch/doc.xml" >"$tmp/out" 2>&1
[ $? -eq 1 ] || fail "own rules: exit status"
grep -q 'first rule on a1 \[rule first-rule-wins\]' "$tmp/out" || fail "own rules: $(cat "$tmp/out")"
grep -q "document('../outside.xml'): no such file in the rules folder" "$tmp/out" || fail "own rules: root"

# what cannot run
"$cdaimg" validate --rules-info >"$tmp/out" 2>&1 || fail "rules-info: exit status"
grep -q '^IHE: 230 patterns; 3 cannot run here:' "$tmp/out" || fail "rules-info: $(cat "$tmp/out")"
grep -q 'S_cancerDiagnosis: assert 8' "$tmp/out" || fail "rules-info: the XPath 2.0 assert"

# usage errors: exit 2
"$cdaimg" validate --svrl "$tmp/x.svrl" "$src/samples/sample.xml" "$src/samples/sample.xml" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--svrl with two files"
"$cdaimg" validate --svrl "$tmp/x.svrl" --no-rules "$src/samples/sample.xml" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--svrl with --no-rules"
"$cdaimg" validate --rules-root "$tmp" "$src/samples/sample.xml" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--rules-root without --rules"
[ ! -e "$tmp/x.svrl" ] || fail "a report was written on a usage error"
echo "validate_official: all passed"
