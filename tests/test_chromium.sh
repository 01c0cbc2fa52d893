#!/bin/sh
# SPDX-License-Identifier: MIT
# Pages of cdaimg render and validate --report loaded in headless Chromium:
# each must load with no console message (an error of the page, a blocked
# script or resource, a violation of its Content-Security-Policy). A control
# page with a script error must show one, or the check proves nothing.
#
#   tests/test_chromium.sh CDAIMG SOURCE_DIR WORK_DIR
set -eu
cdaimg=$1 src=$2 work=$3
fail() { echo "test_chromium: $*" >&2; exit 1; }
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || fail "chromium not found (tools/setup-debian.sh installs Debian's chromium)"
rm -rf "$work"
mkdir -p "$work"

# Load $1 (a file); its DOM goes to $1.dom, Chromium's log (with the console) to $1.log.
load() {
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
		--user-data-dir="$work/profile" --enable-logging=stderr --v=0 --dump-dom "file://$1" \
		>"$1.dom" 2>"$1.log" || fail "chromium failed on $1: $(tail -3 "$1.log")"
}
console() { grep -E ':CONSOLE[:(]' "$1.log"; }

printf '<!DOCTYPE html><html><head><title>x</title></head><body><p>x</p><script>noSuchFunction()</script></body></html>\n' \
	>"$work/broken.html"
load "$work/broken.html"
console "$work/broken.html" >/dev/null || fail "the console error of a broken page is not seen: the check proves nothing"

"$cdaimg" sample -o "$work/sample.xml"
"$cdaimg" render -o "$work/sample.html" "$work/sample.xml"
"$cdaimg" render -o "$work/ans.html" "$src/tests/data/IMG_CR_IMG_2024.01.xml" 2>/dev/null
"$cdaimg" render -o "$work/hostile.html" "$src/tests/data/render/hostile.xml" 2>/dev/null
"$cdaimg" validate --report "$work/report.html" "$src/tests/data/render/hostile.xml" 2>/dev/null && fail "hostile.xml valid"
[ -s "$work/report.html" ] || fail "no report written"
for page in sample ans hostile report; do
	f="$work/$page.html"
	load "$f"
	if console "$f"; then
		fail "$page.html: console messages (above)"
	fi
	grep -q '<h1>' "$f.dom" || fail "$page.html: no <h1> in the page Chromium loaded"
	echo "test_chromium: $page.html loads with no console message"
done
