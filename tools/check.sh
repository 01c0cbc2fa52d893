#!/bin/sh
# SPDX-License-Identifier: MIT
# The full test run (what CI runs): build and test normally, then under
# AddressSanitizer + UBSan, then every test again under valgrind.
set -eu
cd "$(dirname "$0")/.."
echo "== tests (RelWithDebInfo, warnings as errors)"
cmake --workflow --preset default
echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --workflow --preset asan
echo "== tests under valgrind (memcheck)"
# shell-script tests are left out: valgrind would check the shell, not cdaimg
ctest --test-dir build -T memcheck -LE 'long|install|script' -j2 --output-on-failure
echo "check: all passed"
