#!/bin/sh
# SPDX-License-Identifier: MIT
# The screenshots of the README (docs/render-*.png), taken with headless Chromium from the
# pages of the sample document, the ANS example and a validation report. Review before committing.
#
#   tools/screenshots.sh build/src/cli/cdaimg
set -eu
cdaimg=$(realpath "$1")
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cdaimg" sample -o "$work/sample.xml"
"$cdaimg" render -o "$work/sample.html" "$work/sample.xml"
"$cdaimg" render -o "$work/ans.html" tests/data/IMG_CR_IMG_2024.01.xml 2>/dev/null
sed 's|<section classCode="DOCSECT" moodCode="EVN">|&<bogus/>|' "$work/sample.xml" >"$work/invalid.xml"
(cd "$work" && "$cdaimg" validate --report report.html invalid.xml 2>/dev/null) || true
shot() { # page, png, height
	chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
		--user-data-dir="$work/profile" --window-size=1100,"$3" --screenshot="$2" "file://$work/$1" 2>/dev/null
}
shot sample.html docs/render-sample.png 1500
shot ans.html docs/render-ans.png 1400
shot report.html docs/render-report.png 1000
ls -l docs/render-*.png
