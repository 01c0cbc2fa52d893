#!/bin/sh
# SPDX-License-Identifier: MIT
# scale.sh - time and peak memory of the command on inputs of growing size
# (issue 22): does each path stay linear? Run on demand, never by ctest.
#
#   sh bench/scale.sh CDAIMG CDAIMG_BENCH [WORKDIR]
#
# CDAIMG is the command, CDAIMG_BENCH the benchmark (it writes the documents
# of `--validate --out`); both from a Release build. WORKDIR (default: a new
# folder under /tmp) keeps the inputs. SIZES (default "2000 8000 32000 64000")
# are the series counts; STUDIES (default 20000) the studies of the build case,
# JSON_SERIES (default 200000) the series of the JSON array built as entries.
# Each line: case, wall s, CPU s (user + system), peak RSS MB, items/s (wall).
set -eu
[ $# -ge 2 ] || { echo "usage: sh bench/scale.sh CDAIMG CDAIMG_BENCH [WORKDIR]" >&2; exit 2; }
cdaimg=$1
bench=$2
work=${3:-$(mktemp -d /tmp/cdaimg-scale-XXXXXX)}
sizes=${SIZES:-2000 8000 32000 64000}
studies=${STUDIES:-20000}
json_series=${JSON_SERIES:-200000}
gen="python3 $(dirname "$0")/scale_gen.py"
mkdir -p "$work"

# run NAME ITEMS COMMAND...: one line for the command, its exit status ignored
run() {
	name=$1 items=$2
	shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
	read -r wall user sys kb <<EOF
$(tail -n 1 "$work/time")
EOF
	awk -v n="$name" -v i="$items" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" 'BEGIN {
		printf "%-44s %8.2f %8.2f %9.1f %10s\n", n, w, u + s, k / 1024, (i > 0 && w > 0) ? sprintf("%d", i / w) : "-" }'
}

printf "%-44s %8s %8s %9s %10s\n" "case" "wall s" "cpu s" "peak MB" "items/s"
for n in $sizes; do
	[ -f "$work/study$n.xml" ] || { $gen study "$n" >"$work/study$n.json" &&
		"$cdaimg" build --as document --sample-header -o "$work/study$n.xml" "$work/study$n.json"; }
	run "extract, one study of $n series" "$n" "$cdaimg" extract -o /dev/null "$work/study$n.xml"
done
for n in $sizes; do
	# the same study with a warning in every series (a link without mediaType)
	[ -f "$work/warn$n.xml" ] || sed 's/ mediaType="application\/dicom"//' "$work/study$n.xml" >"$work/warn$n.xml"
	run "extract, one study of $n series, warnings" "$n" "$cdaimg" extract -o /dev/null "$work/warn$n.xml"
done
for n in $sizes; do
	[ -f "$work/doc$n.xml" ] || "$bench" --series "$n" --emitter stream --validate --out "$work/doc$n.xml" >/dev/null 2>&1
	run "extract, bench document of $n series" "$n" "$cdaimg" extract -o /dev/null "$work/doc$n.xml"
done
[ -f "$work/shared.xml" ] || { $gen study 100 >"$work/s100.json" &&
	"$cdaimg" build --as document --sample-header -o "$work/s100.xml" "$work/s100.json" &&
	$gen shared-ref "$work/s100.xml" 5000000 >"$work/shared.xml"; }
rm -f "$work/shared.json"
run "extract, 100 series -> one 5 MB <content>" 100 "$cdaimg" extract -o "$work/shared.json" "$work/shared.xml"
written=none
[ ! -f "$work/shared.json" ] || written="$(wc -c <"$work/shared.json") bytes"
echo "    (JSON written: $written; $(grep -c 'read again' "$work/err" || true) references refused)"
[ -f "$work/studies$studies.json" ] || $gen studies "$studies" 1 >"$work/studies$studies.json"
run "build --as document, $studies studies" "$studies" \
	"$cdaimg" build --as document --sample-header -o /dev/null "$work/studies$studies.json"
[ -f "$work/series$json_series.json" ] || $gen series "$json_series" >"$work/series$json_series.json"
run "build, a JSON array of $json_series series" "$json_series" \
	"$cdaimg" build -o /dev/null "$work/series$json_series.json"
n=$(echo "$sizes" | awk '{ print $NF }')
[ -f "$work/study$n.json" ] && run "build --as document, one study of $n series" "$n" \
	"$cdaimg" build --as document --sample-header -o /dev/null "$work/study$n.json"
run "validate /dev/zero" 0 timeout 600 "$cdaimg" validate /dev/zero
echo "    ($(head -c 200 "$work/err"))"
[ -f "$work/big.xml" ] || truncate -s 1073741825 "$work/big.xml"
run "validate, a file of 1 GiB + 1 byte" 0 "$cdaimg" validate "$work/big.xml"
echo "    ($(head -c 200 "$work/err"))"
[ -f "$work/attrs.xml" ] || $gen attributes 200000 >"$work/attrs.xml"
run "validate, 200,000 attributes on one element" 0 timeout 600 "$cdaimg" validate "$work/attrs.xml"
echo "    ($(head -c 200 "$work/err"))"
