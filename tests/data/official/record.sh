#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# record.sh - record the official ANS verdicts of the documents of this folder.
#
# For developers only (needs Java; ctest never runs it). Builds the mutated
# documents of mutations.txt with cdaimg-mutate, takes the ANS examples and
# cdaimg's own documents (`cdaimg sample`, samples/*.document.xml), runs the
# official checks on all of them with ans-check (XSD + volume, then the
# profiles IHE, CI-SIS_ModelesDeContenusCDA and CI-SIS_Modeles_ANS; one JVM run
# per schematron), and stores here:
#   svrl/DOC.CHECK.svrl.gz   each SVRL report as produced (gzip -9n)
#   xsd/DOC.xsd.txt          the XSD output (xmllint), paths cut to DOC.xml
#   documents.tsv            one row per document: kind, source, c14n hash, expect, aims
#   verdicts.tsv             one row per document and check (see README.md)
#   recorded.txt             a log of the recordings: date, tools, versions
# and regenerates the results table of README.md.
#
# usage: record.sh [--cli PATH] [--mutate PATH] [--tools DIR] [--only NAME|GLOB ...]
#        record.sh [--mutate PATH] --table
#   --cli PATH     the cdaimg command (default build/src/cli/cdaimg)
#   --mutate PATH  cdaimg-mutate (default build/tests/cdaimg-mutate)
#   --tools DIR    the folder of ans-check (default $ANS_CHECK_TOOLS, else ../shared/tools
#                  next to the source tree)
#   --only ...     record only these documents (names or shell patterns, e.g. 'cdaimg-*'
#                  after a change of the builder); the other rows are kept
#   --table        only regenerate the README table from the recorded data (no Java)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
cli=$src/build/src/cli/cdaimg
mutate=$src/build/tests/cdaimg-mutate
tools=${ANS_CHECK_TOOLS:-$src/../shared/tools}
saxon=${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}
only=()
table_only=0

die() { echo "record.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --cli) [ $# -ge 2 ] || die "--cli needs a path"; cli=$2; shift 2 ;;
    --mutate) [ $# -ge 2 ] || die "--mutate needs a path"; mutate=$2; shift 2 ;;
    --tools) [ $# -ge 2 ] || die "--tools needs a folder"; tools=$2; shift 2 ;;
    --only) shift; while [ $# -gt 0 ] && [[ $1 != --* ]]; do only+=("$1"); shift; done
            [ ${#only[@]} -gt 0 ] || die "--only needs names" ;;
    --table) table_only=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[ -x "$mutate" ] || die "no cdaimg-mutate at $mutate (build first, or --mutate)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdaimg-official.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs" "$tmp/out"

# The README's table: every mutation, its aim, what the official checks and
# cdaimg validate say; then the other documents.
results_table() {
  awk -F'\t' -v man="$tmp/manifest.tsv" -v docs="$here/documents.tsv" '
    BEGIN {
      while ((getline l < man) > 0) { split(l, m, "\t"); about[m[1]] = m[5] }
      while ((getline l < docs) > 0) { split(l, m, "\t"); if (m[1] != "doc") { n++; name[n] = m[1]; kind[m[1]] = m[2]; expc[m[1]] = m[5]; aim[m[1]] = m[6] } }
    }
    NR > 1 {
      d = $1; xsd[d] = $3; val[d] = $8
      if ($4 > 0) {
        k = split($7, items, " "); delete cnt; delete seen; list = ""
        for (i = 1; i <= k; i++) { p = items[i]; sub(/@.*/, "", p); if (!(p in seen)) { seen[p] = 1; ord[++no] = p } cnt[p]++ }
        for (i = 1; i <= no; i++) { p = ord[i]; list = list (list ? ", " : "") p (cnt[p] > 1 ? " ×" cnt[p] : "") }
        no = 0
        res[d] = res[d] (res[d] ? "; " : "") $2 ": " list
      }
      fails[d] += $4
      if ($5 > 0) rep[d] = rep[d] (rep[d] ? ", " : "") $5 " successful report(s) in " $2
    }
    END {
      print "| mutation | aim | official result (failed patterns) | cdaimg validate |"
      print "|---|---|---|---|"
      for (i = 1; i <= n; i++) {
        d = name[i]; if (kind[d] != "mutation") continue
        r = res[d]; if (xsd[d] == "no") r = "XSD invalid" (r ? "; " r : "")
        rejected = (r != ""); if (!r) r = "pass"
        if (rep[d]) r = r " (" rep[d] ")"
        v = val[d]; sub(/:.*/, "", v)
        if (rejected && v == "valid") v = "**valid** (misses it)"
        if (!rejected && v != "valid") v = "**" v "** (false alarm)"
        a = expc[d] == "pass" ? "pass" : "fail: " aim[d]
        gsub(/\|/, "\\|", about[d])
        printf "| `%s`: %s | %s | %s | %s |\n", d, about[d], a, r, v
      }
      print ""
      print "| document | kind | official result (failed patterns) | cdaimg validate |"
      print "|---|---|---|---|"
      for (i = 1; i <= n; i++) {
        d = name[i]; if (kind[d] == "mutation") continue
        r = res[d]; if (xsd[d] == "no") r = "XSD invalid" (r ? "; " r : ""); if (!r) r = "pass"
        v = val[d]; sub(/:.*/, "", v)
        if ((r != "pass") != (v != "valid")) v = "**" v "**"
        printf "| `%s` | %s | %s | %s |\n", d, kind[d], r, v
      }
    }' "$here/verdicts.tsv"
}

# Replace the lines between the README's results markers by the table.
update_readme() {
  results_table > "$tmp/table.md"
  awk -v table="$tmp/table.md" '
    /^<!-- results:begin -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /^<!-- results:end -->$/ { skip = 0 }
    !skip' "$here/README.md" > "$tmp/README.md"
  cmp -s "$tmp/README.md" "$here/README.md" || cp "$tmp/README.md" "$here/README.md"
}

if [ $table_only = 1 ]; then
  "$mutate" -s "$src" --list > "$tmp/manifest.tsv" || die "cdaimg-mutate --list failed"
  update_readme
  exit 0
fi
[ -x "$cli" ] || die "no cdaimg command at $cli (build first, or --cli)"
[ -x "$tools/ans-check" ] || die "no ans-check in $tools (--tools, or ANS_CHECK_TOOLS)"

# ---------------------------------------------------------------- the documents
# name -> kind, source; in the order of the tables
declare -A kind source
order=()
add_doc() { order+=("$1"); kind[$1]=$2; source[$1]=$3; }
da=IMG-DA-IMG_2024.01_Scanner_Crane_ThoraxAbdomenPelvis
add_doc IMG_CR_IMG_2024.01 ans-example tests/data/IMG_CR_IMG_2024.01.xml
add_doc "$da" ans-example "tests/data/official/$da.xml"
add_doc cdaimg-sample cdaimg "cdaimg sample"
for f in "$src"/samples/*.document.xml; do
  b=$(basename "$f" .xml)
  add_doc "cdaimg-$b" cdaimg "samples/$b.xml"
done
"$mutate" -s "$src" --list > "$tmp/manifest.tsv" || die "cdaimg-mutate --list failed"
declare -A expect aims about
# (fields split on \037: read collapses consecutive tabs, and aims may be empty)
while IFS=$'\037' read -r name exp aim base ab; do
  [ -z "${kind[$name]:-}" ] || die "the mutation [$name] has the name of another document"
  add_doc "$name" mutation "mutations.txt [$name] on $base"
  expect[$name]=$exp; aims[$name]=$aim; about[$name]=$ab
done < <(tr '\t' '\037' < "$tmp/manifest.tsv")

# the documents to record now
declare -A selected
if [ ${#only[@]} -eq 0 ]; then
  for d in "${order[@]}"; do selected[$d]=1; done
else
  for pat in "${only[@]}"; do
    hit=0
    for d in "${order[@]}"; do
      # shellcheck disable=SC2053
      if [[ $d == $pat ]]; then selected[$d]=1; hit=1; fi
    done
    [ $hit = 1 ] || die "--only $pat: no such document (see documents.tsv)"
  done
fi
todo=(); muts=()
for d in "${order[@]}"; do
  [ -n "${selected[$d]:-}" ] || continue
  todo+=("$d")
  [ "${kind[$d]}" = mutation ] && muts+=("$d")
done
echo "record.sh: ${#todo[@]} document(s) to record" >&2

for d in "${todo[@]}"; do
  case "${kind[$d]}" in
    ans-example) cp "$src/${source[$d]}" "$tmp/docs/$d.xml" ;;
    cdaimg) if [ "$d" = cdaimg-sample ]; then "$cli" sample > "$tmp/docs/$d.xml"
            else cp "$src/${source[$d]}" "$tmp/docs/$d.xml"; fi ;;
  esac
done
if [ ${#muts[@]} -gt 0 ]; then
  "$mutate" -s "$src" "$tmp/docs" "${muts[@]}" > "$tmp/mutate.tsv" || die "cdaimg-mutate failed (see above)"
fi

# c14n hashes (test_mutate checks them against the tree and the manifest)
declare -A hash
while IFS=$'\t' read -r h f; do hash[$(basename "$f" .xml)]=$h; done < <("$mutate" --hash "$tmp"/docs/*.xml)
for d in "${todo[@]}"; do [ -n "${hash[$d]:-}" ] || die "no hash for $d"; done

# ---------------------------------------------------------------- the official checks
cr=(); das=()
for d in "${todo[@]}"; do
  if [ "$(xmllint --nonet --xpath "count(/*/*[local-name()='templateId'][@root='1.2.250.1.213.1.1.1.47'])" \
          "$tmp/docs/$d.xml" 2>/dev/null)" = 1 ]; then das+=("$tmp/docs/$d.xml"); else cr+=("$tmp/docs/$d.xml"); fi
done
ans() {  # ans LOGNAME ARGS... : ans-check, exit 1 (some document fails) is expected
  local log=$1; shift
  echo "record.sh: ans-check $*" | cut -c1-160 >&2
  set +e; "$tools/ans-check" --max 0 --width 0 "$@" > "$tmp/out/$log.log" 2>&1; local rc=$?; set -e
  [ $rc -le 1 ] || { cat "$tmp/out/$log.log" >&2; die "ans-check failed (exit $rc)"; }
  if grep -qE '^  (ERROR|Schematron .*: ERROR)' "$tmp/out/$log.log"; then
    grep -E '^  (ERROR|Schematron .*: ERROR)' "$tmp/out/$log.log" >&2; die "ans-check could not check a document"
  fi
}
[ ${#cr[@]} -eq 0 ] || ans volume-cr --svrl-dir "$tmp/out/volume" "${cr[@]}"
[ ${#das[@]} -eq 0 ] || ans volume-da --sch CI-SIS_IMG-DA-IMG_2024.01.sch --svrl-dir "$tmp/out/volume" "${das[@]}"
all=("${cr[@]}" "${das[@]}")
declare -A profile=([IHE]=profils/IHE.sch [ModelesDeContenusCDA]=profils/CI-SIS_ModelesDeContenusCDA.sch
                    [Modeles_ANS]=profils/CI-SIS_Modeles_ANS.sch)
for c in IHE ModelesDeContenusCDA Modeles_ANS; do
  ans "$c" --no-xsd --sch "${profile[$c]}" --svrl-dir "$tmp/out/$c" "${all[@]}"
done

# ---------------------------------------------------------------- store the reports
# svrl/DOC.CHECK.svrl as produced; the suffix ans-check gives each schematron's report
checks=(volume IHE ModelesDeContenusCDA Modeles_ANS)
mkdir -p "$here/svrl" "$here/xsd"
: > "$tmp/svrl.list"
for d in "${todo[@]}"; do
  for c in "${checks[@]}"; do
    case $c in
      volume) f=$tmp/out/volume/$d.IMG-CR-IMG.svrl
              [ -f "$f" ] || f=$tmp/out/volume/$d.CI-SIS_IMG-DA-IMG_2024.01.svrl ;;
      *) f=$tmp/out/$c/$d.$(basename "${profile[$c]}" .sch).svrl ;;
    esac
    [ -n "$f" ] && [ -s "$f" ] || die "no $c report for $d"
    cp "$f" "$tmp/$d.$c.svrl"
    gzip -9n -c "$f" > "$here/svrl/$d.$c.svrl.gz"
    printf '%s\t%s\t%s\n' "$d" "$c" "$tmp/$d.$c.svrl" >> "$tmp/svrl.list"
  done
  x=$tmp/out/volume/$d.xsd.txt
  [ -f "$x" ] || die "no XSD output for $d"
  sed "s|$tmp/docs/||g" "$x" > "$here/xsd/$d.xsd.txt"
done

# counts and failed patterns of every report, in one JVM: the pattern of a failed
# assert is the id of the nearest preceding svrl:active-pattern
cat > "$tmp/summary.xsl" <<'EOF'
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
  <xsl:output method="text"/>
  <xsl:param name="list" required="yes"/>
  <xsl:template name="main">
    <xsl:for-each select="unparsed-text-lines('file://' || $list)[normalize-space()]">
      <xsl:variable name="f" select="tokenize(., '&#9;')"/>
      <xsl:variable name="r" select="doc('file://' || $f[3])/*"/>
      <xsl:value-of select="$f[1], $f[2], count($r/svrl:failed-assert), count($r/svrl:successful-report),
          count($r/svrl:fired-rule), string-join(for $a in $r/svrl:failed-assert
            return $a/preceding-sibling::svrl:active-pattern[1]/@id || '@' || $a/@location, ' ')"
          separator="&#9;"/>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
EOF
java -cp "$saxon" net.sf.saxon.Transform -xsl:"$tmp/summary.xsl" -it:main list="$tmp/svrl.list" \
  > "$tmp/summary.tsv" || die "the SVRL summary failed"

# ---------------------------------------------------------------- cdaimg validate
declare -A validate
for d in "${todo[@]}"; do
  set +e; out=$("$cli" validate "$tmp/docs/$d.xml" 2>&1); rc=$?; set -e
  case $rc in
    0) validate[$d]=valid ;;
    1) n=$(printf '%s\n' "$out" | sed -n 's/.*: not valid: \([0-9]*\) errors\{0,1\}$/\1/p')
       ids=$(printf '%s\n' "$out" | sed -n 's/.* \[\(rule \)\{0,1\}\([^]]*\)\]$/\2/p' | sort -u | paste -sd, -)
       validate[$d]="invalid ($n): $ids" ;;
    *) printf '%s\n' "$out" >&2; die "cdaimg validate failed on $d (exit $rc)" ;;
  esac
done

# ---------------------------------------------------------------- the tables
{
  for d in "${todo[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "${kind[$d]}" "${source[$d]}" "${hash[$d]}" \
      "${expect[$d]:--}" "${aims[$d]:-}"
  done
} > "$tmp/new-documents.tsv"
{
  while IFS=$'\037' read -r d c nfa nsr nfr pats; do
    xsd=no; grep -q ' validates$' "$here/xsd/$d.xsd.txt" && xsd=yes
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "$c" "$xsd" "$nfa" "$nsr" "$nfr" "$pats" "${validate[$d]}"
  done < <(tr '\t' '\037' < "$tmp/summary.tsv")
} > "$tmp/new-verdicts.tsv"

# merge: rows recorded now, else the rows kept from before; documents that left
# the manifest lose their rows and files
merge() {  # merge FILE HEADER
  local file=$1 header=$2 d
  {
    printf '%s\n' "$header"
    for d in "${order[@]}"; do
      if [ -n "${selected[$d]:-}" ]; then
        awk -F'\t' -v d="$d" '$1 == d' "$tmp/new-$file"
      elif [ -f "$here/$file" ]; then
        awk -F'\t' -v d="$d" 'NR > 1 && $1 == d' "$here/$file"
      fi
    done
  } > "$tmp/merged-$file"
  mv "$tmp/merged-$file" "$here/$file"
}
merge documents.tsv $'doc\tkind\tsource\tc14n\texpect\taims'
merge verdicts.tsv $'doc\tcheck\txsd_valid\tfailed\treports\tfired\tfailed_patterns\tcdaimg_validate'
declare -A known
for d in "${order[@]}"; do known[$d]=1; done
for f in "$here"/svrl/*.svrl.gz "$here"/xsd/*.xsd.txt; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  case $b in *.xsd.txt) b=${b%.xsd.txt} ;; *) b=${b%.svrl.gz}; b=${b%.*} ;; esac
  [ -n "${known[$b]:-}" ] || { echo "record.sh: removing $f (no longer a document)" >&2; rm -f "$f"; }
done
for d in "${order[@]}"; do
  awk -F'\t' -v d="$d" '$1 == d { found = 1 } END { exit !found }' "$here/documents.tsv" ||
    echo "record.sh: warning: $d was never recorded" >&2
done

# ---------------------------------------------------------------- the log and the README table
{
  echo "== $(date -u '+%Y-%m-%d %H:%M:%S UTC'): $([ ${#only[@]} -eq 0 ] && echo "all ${#todo[@]} documents" || echo "${#todo[@]} document(s): ${only[*]}")"
  echo "source: $(git -C "$src" describe --always --dirty 2>/dev/null || echo '?'); $("$cli" --version 2>&1 | head -1)"
  echo "ans-check: $(readlink -f "$tools/ans-check"), $(grep -m1 '^TOOL_VERSION=' "$tools/ans-check"); ANS files: ${ANS_MIRROR:+git mirror $ANS_MIRROR}${ANS_MIRROR:-$(readlink -f "${ANS_TREE:-$tools/../reference/ans}")}"
  echo "saxon: $(java -cp "$saxon" net.sf.saxon.Transform -t 2>&1 | head -1)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "xmllint: $(xmllint --version 2>&1 | head -1)"
} >> "$here/recorded.txt"

update_readme

# ---------------------------------------------------------------- what to look at
bad=0
for d in "${todo[@]}"; do
  [ "${kind[$d]}" = mutation ] || continue
  total=$(awk -F'\t' -v d="$d" '$1 == d { n += $4; x = $3 } END { print (x == "no" ? "xsd+" : "") n }' "$here/verdicts.tsv")
  if [ "${expect[$d]}" = pass ] && [ "$total" != 0 ]; then echo "record.sh: [$d] should pass: $total" >&2; bad=1; fi
  if [ "${expect[$d]}" = fail ]; then
    for t in ${aims[$d]}; do
      if [ "$t" = xsd ]; then
        awk -F'\t' -v d="$d" '$1 == d && $3 == "no" { f = 1 } END { exit !f }' "$here/verdicts.tsv" ||
          { echo "record.sh: [$d] aims at the XSD, which accepts it" >&2; bad=1; }
      else
        awk -F'\t' -v d="$d" -v c="${t%%:*}" -v p="${t#*:}" \
          '$1 == d && $2 == c && index(" " $7, " " p "@") { f = 1 } END { exit !f }' "$here/verdicts.tsv" ||
          { echo "record.sh: [$d] aims at $t, which does not fail" >&2; bad=1; }
      fi
    done
  fi
done
[ $bad = 0 ] && echo "record.sh: done; every mutation fails where it aims, or passes" >&2
exit $bad
