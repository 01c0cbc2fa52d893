#!/bin/sh
# Install test: install the build tree into a prefix, MOVE the prefix elsewhere
# (relocatable install), then build a consumer with find_package and with
# pkg-config, run it (schemas found from the prefix), compile the public header
# strictly as C11 and as C++, and compare exported symbols with the cdaimg_ prefix.
# Usage: check-install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/first" >/dev/null
mv "$work/first" "$work/prefix"
prefix=$work/prefix
unset CDAIMG_SCHEMA_DIR
echo "== the installed command, from the moved prefix, without LD_LIBRARY_PATH"
if [ -x "$prefix/bin/cdaimg" ]; then
	env -u LD_LIBRARY_PATH "$prefix/bin/cdaimg" --version
	env -u LD_LIBRARY_PATH "$prefix/bin/cdaimg" sample -o "$work/sample.xml"
	env -u LD_LIBRARY_PATH "$prefix/bin/cdaimg" validate "$work/sample.xml"
	[ -f "$prefix/share/man/man1/cdaimg.1" ] || { echo "the manual page is not installed" >&2; exit 1; }
fi
export LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:$(ls -d "$prefix"/lib/*-linux-gnu 2>/dev/null | tr '\n' ':')${LD_LIBRARY_PATH:-}"

echo "== find_package(cdaimg)"
cmake -S "$src/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer"

echo "== pkg-config cdaimg"
pcdir=$(dirname "$(find "$prefix" -name cdaimg.pc | head -n 1)")
PKG_CONFIG_PATH=$pcdir pkg-config --exists --print-errors cdaimg
PKG_CONFIG_PATH=$pcdir pkg-config --print-requires cdaimg | grep -q libxml-2.0
# shellcheck disable=SC2046
cc -std=c11 -o "$work/consumer-pc" "$src/tests/consumer/consumer.c" $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs cdaimg)
"$work/consumer-pc"

echo "== header hygiene"
cflags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags cdaimg)
printf '#include <cdaimg/cdaimg.h>\nint main(void) { return cdaimg_version_hex() > 0 ? 0 : 1; }\n' >"$work/h.c"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -pedantic -Werror -c $cflags "$work/h.c" -o "$work/h.o"
if command -v c++ >/dev/null 2>&1; then
	cp "$work/h.c" "$work/h.cpp"
	# shellcheck disable=SC2086
	c++ -std=c++11 -Wall -Wextra -pedantic -Werror -c $cflags "$work/h.cpp" -o "$work/hpp.o"
fi

echo "== exported symbols"
lib=$(find "$prefix" -name 'libcdaimg.so.*.*' | head -n 1)
if [ -n "$lib" ]; then
	bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^cdaimg_' || true)
	if [ -n "$bad" ]; then
		echo "symbols outside the cdaimg_ prefix are exported:" >&2
		echo "$bad" >&2
		exit 1
	fi
	echo "$(nm -D --defined-only "$lib" | grep -c ' T cdaimg_') cdaimg_ functions exported"
	# the SONAME: MAJOR.MINOR while the major version is 0, MAJOR from 1.0 on
	version=$(PKG_CONFIG_PATH=$pcdir pkg-config --modversion cdaimg)
	major=${version%%.*}
	minor=${version#*.}
	minor=${minor%%.*}
	if [ "$major" = 0 ]; then want=libcdaimg.so.0.$minor; else want=libcdaimg.so.$major; fi
	soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
	[ "$soname" = "$want" ] || { echo "SONAME is '$soname', expected $want" >&2; exit 1; }
	[ -e "$(dirname "$lib")/$want" ] || { echo "$want is not installed" >&2; exit 1; }
	echo "SONAME $soname"
fi
echo "install test: ok"
