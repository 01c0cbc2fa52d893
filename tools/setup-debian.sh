#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what building and testing cdaimg needs on Debian (12 or later).
# Run as root, or as a user allowed to use sudo.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	cmake make gcc g++ pkg-config libc6-dev \
	libxml2-dev libjansson-dev libcmocka-dev \
	valgrind binutils ca-certificates >/dev/null
# DICOM in (issue 21): DCMTK's dcmdata for DICOM files (libcdaimg-dicom), its dcm2json for the
# benchmark and the fixtures, and pydicom's test files (python3-pydicom), which the tests read
$SUDO apt-get install -y -qq --no-install-recommends libdcmtk-dev dcmtk python3-pydicom >/dev/null
# The rendered pages are loaded in headless Chromium by a test (tests/test_chromium.sh)
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "setup-debian: build dependencies installed"
