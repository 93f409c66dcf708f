#!/bin/sh
# The systemd unit: systemd-analyze verify must be silent (a typo only
# warns), and the offline security exposure must be at most 2.0.
set -u
unit_in=${TOPSRCDIR:-.}/systemd/ccwatchd.service.in
dir=$(mktemp -d "${TMPDIR:-/tmp}/ccwatch-unit.XXXXXX")
trap 'rm -rf "$dir"' EXIT
bindir=$(cd "${TOPBUILDDIR:-.}/src" && pwd)
sed -e "s|@sbindir@|$bindir|g" -e "s|@sysconfdir@|$dir|g" "$unit_in" >"$dir/ccwatchd.service"
pass=0 fail=0
if systemd-analyze verify --man=no "$dir/ccwatchd.service" >"$dir/verify.out" 2>&1 &&
    [ ! -s "$dir/verify.out" ]; then
	echo "ok - systemd-analyze verify is clean"; pass=$((pass + 1))
else
	echo "not ok - systemd-analyze verify:"; cat "$dir/verify.out"; fail=$((fail + 1))
fi
systemd-analyze security --offline=yes "$dir/ccwatchd.service" >"$dir/sec.out" 2>&1
level=$(sed -n 's/.*Overall exposure level for ccwatchd.service: \([0-9.]*\).*/\1/p' "$dir/sec.out")
if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'; then
	echo "ok - exposure level $level <= 2.0"; pass=$((pass + 1))
else
	echo "not ok - exposure level '$level'"; tail -5 "$dir/sec.out"; fail=$((fail + 1))
fi
for key in Type=notify WatchdogSec= DynamicUser=yes StateDirectory=ccwatch \
    ConfigurationDirectory=ccwatch ProtectSystem=strict; do
	if grep -q "^$key" "$dir/ccwatchd.service"; then pass=$((pass + 1))
	else echo "not ok - $key missing"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
