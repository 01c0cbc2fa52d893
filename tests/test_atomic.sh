#!/bin/sh
# SPDX-License-Identifier: MIT
# test_atomic.sh CDAIMG SOURCE_DIR - the cdaimg command's output files under faults:
# a full disk (small tmpfs, when we may mount one), a file-size limit (write
# fails midway: EFBIG), a process killed while writing (SIGXFSZ), an output
# folder that is missing or read-only, outputs that are not regular files
# (FIFO, symbolic link), and standard output on /dev/full.
# Each time: the previous file is intact, no temporary file is left, the
# error names the path, and the exit status is not 0.
set -u
CDAIMG=$1
SRC=$2
INPUT=$SRC/samples/ct-iid.json
T=$(mktemp -d /tmp/cdaimg-atomic.XXXXXX)
MOUNTED=
failures=0

cleanup() {
	[ -n "$MOUNTED" ] && umount "$MOUNTED" 2>/dev/null
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

ok() { echo "ok: $*"; }

# No ".NAME.XXXXXX" temporary left in folder $1.
no_temp() {
	left=$(find "$1" -maxdepth 1 -name '.*.??????' 2>/dev/null)
	[ -z "$left" ] || fail "$2: temporary file left behind: $left"
}

previous() { printf 'PREVIOUS CONTENT\n' >"$1"; }

is_previous() { [ "$(cat "$1" 2>/dev/null)" = "PREVIOUS CONTENT" ]; }

# --- success: replaced atomically, mode kept, no temporary -------------------------------
mkdir "$T/ok"
previous "$T/ok/out.xml"
chmod 640 "$T/ok/out.xml"
if "$CDAIMG" sample -o "$T/ok/out.xml" 2>"$T/err"; then
	grep -q '<ClinicalDocument' "$T/ok/out.xml" || fail "success: output not written"
	mode=$(stat -c %a "$T/ok/out.xml")
	[ "$mode" = 640 ] || fail "success: mode $mode instead of 640"
	no_temp "$T/ok" success
	ok "success"
else
	fail "success: status $? ($(cat "$T/err"))"
fi

# --- missing folder ----------------------------------------------------------------------
"$CDAIMG" sample -o "$T/missing/out.xml" 2>"$T/err"
st=$?
[ $st -ne 0 ] || fail "missing folder: status 0"
grep -q "$T/missing/out.xml" "$T/err" || fail "missing folder: the error does not name the path: $(cat "$T/err")"
[ ! -e "$T/missing" ] || fail "missing folder: created"
ok "missing folder (status $st): $(head -n 1 "$T/err")"

# --- read-only folder (a read-only tmpfs as root, chmod otherwise) --------------------------
mkdir "$T/ro"
previous "$T/ro/out.xml"
if [ "$(id -u)" = 0 ]; then
	if mount -t tmpfs -o size=1m tmpfs "$T/ro" 2>/dev/null; then
		MOUNTED=$T/ro
		previous "$T/ro/out.xml"
		mount -o remount,ro "$T/ro"
	else
		echo "skip: read-only folder (cannot mount a tmpfs)"
	fi
else
	chmod 555 "$T/ro"
fi
if [ -n "$MOUNTED" ] || [ "$(id -u)" != 0 ]; then
	"$CDAIMG" sample -o "$T/ro/out.xml" 2>"$T/err"
	st=$?
	[ $st -ne 0 ] || fail "read-only folder: status 0"
	is_previous "$T/ro/out.xml" || fail "read-only folder: previous file changed"
	grep -q "$T/ro/out.xml" "$T/err" || fail "read-only folder: the error does not name the path: $(cat "$T/err")"
	no_temp "$T/ro" "read-only folder"
	ok "read-only folder (status $st): $(head -n 1 "$T/err")"
	[ -n "$MOUNTED" ] && umount "$T/ro" && MOUNTED=
fi
chmod 755 "$T/ro"

# --- full disk: a 64 kB tmpfs nearly filled -------------------------------------------------
if [ "$(id -u)" = 0 ] && mkdir "$T/full" && mount -t tmpfs -o size=64k tmpfs "$T/full" 2>/dev/null; then
	MOUNTED=$T/full
	previous "$T/full/out.xml"
	# fill what is left but one page
	dd if=/dev/zero of="$T/full/filler" bs=4096 count=100 2>/dev/null
	rm -f "$T/full/filler"
	dd if=/dev/zero of="$T/full/filler" bs=4096 count=$(( $(df -k --output=avail "$T/full" | tail -n 1) / 4 - 1 )) 2>/dev/null
	"$CDAIMG" sample -o "$T/full/out.xml" 2>"$T/err"
	st=$?
	[ $st -ne 0 ] || fail "full disk: status 0"
	is_previous "$T/full/out.xml" || fail "full disk: previous file changed"
	grep -q "$T/full/out.xml" "$T/err" || fail "full disk: the error does not name the path: $(cat "$T/err")"
	no_temp "$T/full" "full disk"
	ok "full disk (status $st): $(head -n 1 "$T/err")"
	umount "$T/full" && MOUNTED=
else
	echo "skip: full disk (cannot mount a tmpfs)"
fi

# --- a write failing midway: file-size limit, SIGXFSZ ignored (EFBIG) ----------------------------
mkdir "$T/limit"
previous "$T/limit/out.xml"
( trap '' XFSZ; ulimit -f 4; exec "$CDAIMG" sample -o "$T/limit/out.xml" ) 2>"$T/err"
st=$?
[ $st -ne 0 ] || fail "write fails midway: status 0"
is_previous "$T/limit/out.xml" || fail "write fails midway: previous file changed"
grep -q "$T/limit/out.xml" "$T/err" || fail "write fails midway: the error does not name the path: $(cat "$T/err")"
no_temp "$T/limit" "write fails midway"
ok "write fails midway (status $st): $(head -n 1 "$T/err")"

# --- killed while writing: SIGXFSZ with its default action ---------------------------------------
mkdir "$T/killed"
previous "$T/killed/out.xml"
( trap - XFSZ; ulimit -f 4; exec "$CDAIMG" sample -o "$T/killed/out.xml" ) 2>"$T/err"
st=$?
[ $st -ne 0 ] || fail "killed: status 0"
is_previous "$T/killed/out.xml" || fail "killed: previous file changed"
left=$(find "$T/killed" -maxdepth 1 -name '.*.??????')
if [ -n "$left" ]; then
	# A process killed by a signal cannot remove its temporary file; it is
	# named .out.xml.XXXXXX next to the output. Reported as a finding.
	echo "KNOWN: killed (status $st): temporary file left behind: $left"
else
	ok "killed (status $st): no temporary left"
fi

# --- the temporary files a killed writer left (F12, on a file system without O_TMPFILE) ----------
# The next write of the same output removes those of its own name pattern that are regular
# files of this user, untouched for a minute and locked by nobody; anything else stays.
mkdir "$T/stale"
before=$failures
previous "$T/stale/out.xml"
old() { printf 'half written\n' >"$T/stale/$1" && touch -d '2 hours ago' "$T/stale/$1"; }
for n in abc123 XYZ789 000042; do old ".out.xml.$n"; done
printf 'a live writer\n' >"$T/stale/.out.xml.fresh1"
old ".other.xml.abc123"
old ".out.xml.abc1234"
old "out.xml.abc123"
ln -s "$T/stale/.out.xml.abc123" "$T/stale/.out.xml.link12"
holder=
if command -v flock >/dev/null 2>&1; then
	old ".out.xml.locked"
	flock "$T/stale/.out.xml.locked" sleep 30 &
	holder=$!
	i=0
	while flock -n "$T/stale/.out.xml.locked" true && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
fi
"$CDAIMG" build -o "$T/stale/out.xml" "$INPUT" 2>"$T/err" || fail "stale temporaries: status $?: $(cat "$T/err")"
for n in abc123 XYZ789 000042; do
	[ ! -e "$T/stale/.out.xml.$n" ] || fail "stale temporaries: .out.xml.$n left"
done
for n in .out.xml.fresh1 .other.xml.abc123 .out.xml.abc1234 out.xml.abc123 .out.xml.link12; do
	[ -e "$T/stale/$n" ] || [ -L "$T/stale/$n" ] || fail "stale temporaries: $n removed"
done
if [ -n "$holder" ]; then
	[ -e "$T/stale/.out.xml.locked" ] || fail "stale temporaries: a locked one removed"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
fi
grep -q "1.2.250.1.999.1.2.3.1.1" "$T/stale/out.xml" || fail "stale temporaries: output not written"
[ $failures -eq $before ] && ok "stale temporaries of this output removed, the others kept"

# --- outputs that are not regular files: written in place, never replaced ------------------------
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
reader=$!
if "$CDAIMG" sample -o "$T/fifo" 2>"$T/err"; then
	wait $reader
	[ -p "$T/fifo" ] || fail "FIFO: replaced by a regular file"
	grep -q '<ClinicalDocument' "$T/fifo.out" || fail "FIFO: nothing read from it"
	ok "FIFO written in place"
else
	fail "FIFO: status $? ($(cat "$T/err"))"
	kill $reader 2>/dev/null
fi

mkdir "$T/link"
previous "$T/link/target.xml"
ln -s target.xml "$T/link/out.xml"
if "$CDAIMG" sample -o "$T/link/out.xml" 2>"$T/err"; then
	[ -L "$T/link/out.xml" ] || fail "symbolic link: replaced by a file"
	grep -q '<ClinicalDocument' "$T/link/target.xml" || fail "symbolic link: target not written"
	no_temp "$T/link" "symbolic link"
	ok "symbolic link kept, target written"
else
	fail "symbolic link: status $? ($(cat "$T/err"))"
fi

# --- standard output on /dev/full ----------------------------------------------------------
if [ -w /dev/full ]; then
	"$CDAIMG" sample >/dev/full 2>"$T/err"
	st=$?
	[ $st -ne 0 ] || fail "/dev/full: status 0"
	[ -s "$T/err" ] || fail "/dev/full: no message"
	ok "stdout on /dev/full (status $st): $(head -n 1 "$T/err")"
	"$CDAIMG" build "$INPUT" >/dev/full 2>"$T/err"
	st=$?
	[ $st -ne 0 ] || fail "build to /dev/full: status 0"
	"$CDAIMG" extract "$SRC/samples/ct-iid.xml" >/dev/full 2>"$T/err"
	st=$?
	[ $st -ne 0 ] || fail "extract to /dev/full: status 0"
	ok "build and extract to /dev/full: non-zero status"
else
	echo "skip: /dev/full not writable"
fi

# --- an input that is a directory, an unreadable or missing input ------------------------------
"$CDAIMG" build "$T" >/dev/null 2>"$T/err" && fail "directory as input: status 0"
"$CDAIMG" build "$T/none.json" >/dev/null 2>"$T/err" && fail "missing input: status 0"
grep -q "$T/none.json" "$T/err" || fail "missing input: the error does not name the path: $(cat "$T/err")"
ok "bad inputs refused"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all atomic-write checks passed"
