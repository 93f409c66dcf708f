#!/bin/sh
# A full disk and a read-only store: `ccwatch sync` fails with a clear
# error, the store stays intact, and the next cycle after space (or write
# access) returns catches up completely.  The store lives on a small tmpfs
# in a private mount namespace (unshare -m; needs root, as in CI).
set -u
build=${TOPBUILDDIR:-.}
src=${TOPSRCDIR:-.}
if [ -z "${CCWATCH_IN_NS:-}" ]; then
	if ! unshare -m true 2>/dev/null; then
		echo "not ok - unshare -m failed: this test needs root (CI runs as root)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	CCWATCH_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
work=$(mktemp -d "${TMPDIR:-/tmp}/ccwatch-disk.XXXXXX")
fake_pid=
cleanup() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
	umount "$work/store" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

corpus=$src/data/demo-corpus.json
anchor=$(sed -n 's/.*"anchor":"\([^"]*\)".*/\1/p' "$corpus" | head -n 1)
"$build/tests/fakebz" --now "$anchor" "$corpus" >"$work/url" 2>/dev/null &
fake_pid=$!
i=0
while [ ! -s "$work/url" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
url=$(head -n 1 "$work/url")
mkdir "$work/store"
mount -t tmpfs -o size=160k tmpfs "$work/store" || { notok "mount tmpfs"; exit 1; }
cat >"$work/c.conf" <<CONF
[bugzilla]
url = $url
retries = 0
[store]
path = $work/store/ccwatch.db
CONF
integrity() {
	sqlite3 "$work/store/ccwatch.db" "PRAGMA integrity_check" 2>&1
}
counts() {
	sqlite3 "$work/store/ccwatch.db" \
	    "SELECT (SELECT count(*) FROM bugs), (SELECT count(*) FROM comments)" 2>&1
}

# The disk fills up in the middle of the first cycle.
if "$build/src/ccwatch" -c "$work/c.conf" sync >"$work/out" 2>&1; then
	notok "sync on a full disk failed"
else
	ok "sync on a full disk failed"
fi
grep -q "full" "$work/out" && ok "the error says the disk is full: $(tail -n 1 "$work/out")" ||
    notok "the error says the disk is full: $(cat "$work/out")"
[ "$(integrity)" = ok ] && ok "the store passes integrity_check" || notok "integrity: $(integrity)"
[ "$(counts)" = "0|0" ] && ok "nothing of the failed cycle was stored" || notok "stored: $(counts)"

# Space returns: the next cycle stores everything.
mount -o remount,size=64m "$work/store"
if "$build/src/ccwatch" -c "$work/c.conf" sync >"$work/out" 2>&1; then
	ok "sync succeeds once space returns"
else
	notok "sync after space returned: $(cat "$work/out")"
fi
full=$(counts)
case $full in
0\|*|*\|0) notok "the store caught up: $full" ;;
*) ok "the store caught up: $full (bugs|comments)" ;;
esac

# A read-only store: a clear error, nothing lost, recovery.
mount -o remount,ro "$work/store"
if "$build/src/ccwatch" -c "$work/c.conf" sync --full >"$work/out" 2>&1; then
	notok "sync on a read-only store failed"
else
	ok "sync on a read-only store failed: $(tail -n 1 "$work/out")"
fi
grep -qi "read-only\|readonly" "$work/out" && ok "the error says read-only" ||
    notok "the error says read-only: $(cat "$work/out")"
mount -o remount,rw "$work/store"
[ "$(integrity)" = ok ] && ok "the store passes integrity_check" || notok "integrity: $(integrity)"
[ "$(counts)" = "$full" ] && ok "nothing was lost" || notok "after read-only: $(counts)"
"$build/src/ccwatch" -c "$work/c.conf" sync >"$work/out" 2>&1 &&
    ok "sync succeeds once writable again" || notok "sync after rw: $(cat "$work/out")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
