#!/bin/sh
# SPDX-License-Identifier: MIT
# Install test, for the shared and for a static libcdaimg.
# The build tree given (shared, or static when configured so): install it into a prefix,
# MOVE the prefix elsewhere (relocatable install), then run the installed command from
# there, build a consumer with find_package and with pkg-config and run it (schemas and
# rules found from the library's prefix; a static one is given the folder),
# compile the public header strictly as C11 and as C++, compare exported symbols with the
# cdaimg_ prefix, check the SONAME, the installed documentation, and build and run the
# installed example.
# Static: configure and build the sources again with BUILD_SHARED_LIBS=OFF for a prefix,
# install there, build the consumer with find_package (and install it into the prefix) and
# with pkg-config --static, MOVE the prefix, then run the installed command (the whole
# official verdict on a valid and on an invalid document) and the installed consumer, which
# find their data from the program's prefix; the consumer outside the prefix finds none (it
# must not use the build machine's source tree) until given the folder the package names.
# Usage: check-install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset CDAIMG_SCHEMA_DIR

fail() {
	echo "install test: $*" >&2
	exit 1
}

# check_docs PREFIX: the documentation and the examples are installed
check_docs() {
	for f in README.md LICENSE CHANGELOG.md THIRD-PARTY.md SECURITY.md docs/validation.md docs/input.md \
		docs/mapping.md docs/conventions.md examples/build_series.c; do
		[ -s "$1/share/doc/cdaimg/$f" ] || fail "share/doc/cdaimg/$f is not installed"
	done
	[ -s "$1/share/cdaimg/schemas/README.md" ] || fail "the schemas' provenance is not installed"
}

# check_verdicts CDAIMG: the command gives the official verdict (XSD, the IMG-CR-IMG volume
# and the three ANS profiles, whose rule files and value sets it must find) on its sample,
# valid, and on the sample with an anatomical site outside the volume's value set.
check_verdicts() {
	env -u LD_LIBRARY_PATH "$1" sample -o "$work/sample.xml"
	out=$(env -u LD_LIBRARY_PATH "$1" validate "$work/sample.xml" 2>&1) || fail "validate: $out"
	echo "$out"
	case $out in
	*"rules CI-SIS_IMG-CR-IMG_2024.01, IHE, CI-SIS_ModelesDeContenusCDA, CI-SIS_Modeles_ANS"*) ;;
	*) fail "validate did not run the volume and the profiles" ;;
	esac
	sed 's/targetSiteCode code="302551006"/targetSiteCode code="123456789"/' "$work/sample.xml" >"$work/bad.xml"
	grep -q 'targetSiteCode code="123456789"' "$work/bad.xml" || fail "the sample has no anatomical site to change"
	status=0
	out=$(env -u LD_LIBRARY_PATH "$1" validate "$work/bad.xml" 2>&1) || status=$?
	echo "$out" | tail -n 1
	[ "$status" = 1 ] || fail "validate of an invalid document: exit status $status, expected 1: $out"
	case $out in
	*"[rule JDV_LocalisationAnatomiqueTechniqueImg-CISIS]"*) ;;
	*) fail "the volume's value-set rule did not report the anatomical site: $out" ;;
	esac
}

# check_header PCDIR: the public header compiles strictly, as C11 and as C++
check_header() {
	cflags=$(PKG_CONFIG_PATH=$1 pkg-config --cflags cdaimg)
	printf '#include <cdaimg/cdaimg.h>\nint main(void) { return cdaimg_version_hex() > 0 ? 0 : 1; }\n' >"$work/h.c"
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Wextra -pedantic -Werror -c $cflags "$work/h.c" -o "$work/h.o"
	if command -v c++ >/dev/null 2>&1; then
		cp "$work/h.c" "$work/h.cpp"
		# shellcheck disable=SC2086
		c++ -std=c++11 -Wall -Wextra -pedantic -Werror -c $cflags "$work/h.cpp" -o "$work/hpp.o"
	fi
}

# ==== the build tree given (shared, unless it was configured static) ======================
cmake --install "$build" --prefix "$work/first" >/dev/null
mv "$work/first" "$work/prefix"
prefix=$work/prefix
# A consumer outside the prefix finds the data from a shared library only; a static one is
# given the folder (the static part below checks that it must be).
data=
[ -n "$(find "$prefix" -name 'libcdaimg.so*')" ] || data=$prefix/share/cdaimg/schemas
echo "== shared: the installed command, from the moved prefix, without LD_LIBRARY_PATH"
if [ -x "$prefix/bin/cdaimg" ]; then
	env -u LD_LIBRARY_PATH "$prefix/bin/cdaimg" --version
	check_verdicts "$prefix/bin/cdaimg"
	[ -f "$prefix/share/man/man1/cdaimg.1" ] || fail "the manual page is not installed"
fi
check_docs "$prefix"
export LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:$(ls -d "$prefix"/lib/*-linux-gnu 2>/dev/null | tr '\n' ':')${LD_LIBRARY_PATH:-}"

echo "== shared: find_package(cdaimg)"
cmake -S "$src/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer" ${data:+"$data"}

echo "== shared: pkg-config cdaimg"
pcdir=$(dirname "$(find "$prefix" -name cdaimg.pc | head -n 1)")
PKG_CONFIG_PATH=$pcdir pkg-config --exists --print-errors cdaimg
PKG_CONFIG_PATH=$pcdir pkg-config --print-requires cdaimg | grep -q libxml-2.0
# shellcheck disable=SC2046
cc -std=c11 -o "$work/consumer-pc" "$src/tests/consumer/consumer.c" \
	$(PKG_CONFIG_PATH=$pcdir pkg-config ${data:+--static} --cflags --libs cdaimg)
"$work/consumer-pc" ${data:+"$data"}

echo "== shared: the installed example, built from share/doc/cdaimg/examples"
cmake -S "$prefix/share/doc/cdaimg/examples" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/example" >/dev/null
CDAIMG_SCHEMA_DIR=$data "$work/example/build_series" >"$work/example.out" 2>&1 || fail "the example failed: $(cat "$work/example.out")"
grep "valid: the ANS extended schema and the ANS rules" "$work/example.out" || fail "the example gave no verdict"

echo "== shared: header hygiene"
check_header "$pcdir"

echo "== shared: exported symbols"
lib=$(find "$prefix" -name 'libcdaimg.so.*.*' | head -n 1)
if [ -n "$lib" ]; then
	bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^cdaimg_' || true)
	[ -z "$bad" ] || fail "symbols outside the cdaimg_ prefix are exported: $bad"
	echo "$(nm -D --defined-only "$lib" | grep -c ' T cdaimg_') cdaimg_ functions exported"
	# the SONAME: MAJOR.MINOR while the major version is 0, MAJOR from 1.0 on
	version=$(PKG_CONFIG_PATH=$pcdir pkg-config --modversion cdaimg)
	major=${version%%.*}
	minor=${version#*.}
	minor=${minor%%.*}
	if [ "$major" = 0 ]; then want=libcdaimg.so.0.$minor; else want=libcdaimg.so.$major; fi
	soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
	[ "$soname" = "$want" ] || fail "SONAME is '$soname', expected $want"
	[ -e "$(dirname "$lib")/$want" ] || fail "$want is not installed"
	echo "SONAME $soname"
fi
unset LD_LIBRARY_PATH

# ==== a static library, built again from the sources =====================================
echo "== static: build and install (BUILD_SHARED_LIBS=OFF)"
cc_used=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
# The configured prefix is the first one: once it has moved, the library has no absolute
# path left to its data, and must find it from where the program is.
sfirst=$work/static-first
cmake -S "$src" -B "$work/static-build" -DBUILD_SHARED_LIBS=OFF -DCMAKE_BUILD_TYPE=Release \
	${cc_used:+-DCMAKE_C_COMPILER="$cc_used"} -DCDAIMG_WERROR=ON -DCDAIMG_BUILD_TESTS=OFF \
	-DCDAIMG_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX="$sfirst" >/dev/null
cmake --build "$work/static-build" -j2 >/dev/null
cmake --install "$work/static-build" >/dev/null
[ -f "$sfirst/lib/libcdaimg.a" ] || fail "no libcdaimg.a installed"
[ -z "$(find "$sfirst" -name 'libcdaimg.so*')" ] || fail "a shared libcdaimg was installed by the static build"
check_docs "$sfirst"

echo "== static: symbols of libcdaimg.a"
bad=$(nm -g --defined-only "$sfirst/lib/libcdaimg.a" | awk 'NF == 3 {print $3}' | grep -v '^cdaimg_' || true)
[ -z "$bad" ] || fail "libcdaimg.a defines global symbols outside the cdaimg_ prefix: $(echo "$bad" | head -n 20)"
echo "$(nm -g --defined-only "$sfirst/lib/libcdaimg.a" | grep -c ' T cdaimg_') cdaimg_ functions global, no other"

echo "== static: find_package(cdaimg), the consumer installed into the prefix"
cmake -S "$src/tests/consumer" -B "$work/consumer-static" -DCMAKE_PREFIX_PATH="$sfirst" >/dev/null
cmake --build "$work/consumer-static" >/dev/null
cmake --install "$work/consumer-static" --prefix "$sfirst" >/dev/null

echo "== static: pkg-config --static cdaimg, the consumer outside the prefix"
spc=$sfirst/lib/pkgconfig
[ -f "$spc/cdaimg.pc" ] || spc=$(dirname "$(find "$sfirst" -name cdaimg.pc | head -n 1)")
# shellcheck disable=SC2046
cc -std=c11 -o "$work/consumer-pc-static" "$src/tests/consumer/consumer.c" \
	$(PKG_CONFIG_PATH=$spc pkg-config --static --cflags --libs cdaimg)
check_header "$spc"
for exe in "$sfirst/bin/cdaimg" "$sfirst/bin/consumer" "$work/consumer-pc-static"; do
	if readelf -d "$exe" | grep -q 'NEEDED.*libcdaimg'; then fail "$exe needs a shared libcdaimg"; fi
done

echo "== static: the prefix moved"
mv "$sfirst" "$work/static-moved"
smoved=$work/static-moved
[ ! -e "$sfirst" ] || fail "the first prefix is still there"
"$smoved/bin/cdaimg" --version
check_verdicts "$smoved/bin/cdaimg"
echo "-- the consumer installed in the prefix"
"$smoved/bin/consumer"
echo "-- the consumer outside the prefix: no data without a folder"
status=0
out=$("$work/consumer-pc-static" 2>&1) || status=$?
[ "$status" != 0 ] || fail "the consumer outside the moved prefix found schemas: from the build machine's tree? $out"
case $out in
*"not found (looked in"*) echo "refused as expected: $(echo "$out" | head -n 1)" ;;
*) fail "unexpected failure: $out" ;;
esac
echo "-- given the folder pkg-config names"
"$work/consumer-pc-static" "$(PKG_CONFIG_PATH=$smoved/${spc#"$sfirst"/} pkg-config --variable=schemadir cdaimg)"
echo "-- given CDAIMG_SCHEMA_DIR"
CDAIMG_SCHEMA_DIR=$smoved/share/cdaimg/schemas "$work/consumer-pc-static"
echo "-- find_package(cdaimg) from the moved prefix names its folder"
cmake -S "$src/tests/consumer" -B "$work/consumer-moved" -DCMAKE_PREFIX_PATH="$smoved" >"$work/moved.log"
grep -q "cdaimg_SCHEMA_DIR: $smoved/share/cdaimg/schemas" "$work/moved.log" ||
	fail "cdaimg_SCHEMA_DIR does not name the moved prefix: $(grep cdaimg_SCHEMA_DIR "$work/moved.log")"
cmake --build "$work/consumer-moved" >/dev/null
"$work/consumer-moved/consumer" "$smoved/share/cdaimg/schemas"
echo "install test: ok"
