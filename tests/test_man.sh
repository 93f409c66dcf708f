#!/bin/sh
# The manual pages: groff -w all must be silent on each, and so must
# mandoc -T lint when mandoc is installed.  Warnings only, not style hints
# about manuals that this machine happens not to have installed.
set -u
docs=${TOPSRCDIR:-.}/docs
dir=$(mktemp -d "${TMPDIR:-/tmp}/ccwatch-man.XXXXXX")
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0

# Run a checker on one page; any output at all fails it.
check() {
	name=$1
	shift
	if "$@" >"$dir/out" 2>&1 && [ ! -s "$dir/out" ]; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name:"
		sed 's/^/	/' "$dir/out"
		fail=$((fail + 1))
	fi
}

for page in ccwatch.1 ccwatchd.8 ccwatch.conf.5; do
	f=$docs/$page
	if [ ! -f "$f" ]; then
		echo "not ok - $page: missing"
		fail=$((fail + 1))
		continue
	fi
	check "groff -w all $page" sh -c \
	    'groff -w all -mandoc -Tutf8 "$1" 2>&1 >/dev/null' sh "$f"
	if command -v mandoc >/dev/null 2>&1; then
		check "mandoc -T lint $page" sh -c \
		    'mandoc -T lint -W warning "$1" 2>&1' sh "$f"
	fi
	# A page that renders to nothing would pass the linters.
	lines=$(groff -mandoc -Tutf8 "$f" 2>/dev/null | wc -l)
	if [ "$lines" -gt 40 ]; then
		echo "ok - $page renders ($lines lines)"
		pass=$((pass + 1))
	else
		echo "not ok - $page renders to $lines lines"
		fail=$((fail + 1))
	fi
done

# The pages follow the code: every directive of config_table.c's table is an
# item of ccwatch.conf(5), every command of ccwatch.c one of ccwatch(1).
src=${TOPSRCDIR:-.}/src
want() {
	what=$1 page=$2 macro=$3
	shift 3
	missing=
	for w in "$@"; do
		grep -q "^\.It $macro $w\( \|\$\)" "$docs/$page" ||
		    missing="$missing $w"
	done
	if [ "$#" -gt 0 ] && [ -z "$missing" ]; then
		echo "ok - $page documents every $what ($#)"
		pass=$((pass + 1))
	else
		echo "not ok - $page lacks the ${what}s ($# found):$missing"
		fail=$((fail + 1))
	fi
}
want directive ccwatch.conf.5 Ic $(sed -n \
    's/^ *{"[a-z]*", *"\([a-z_]*\)", *CONFIG_.*/\1/p' "$src/config_table.c" |
    sort -u)
sections=$(sed -n 's/^ *{"\([a-z]*\)", [01], .*/\1/p' "$src/config_table.c")
missing=
for sect in $sections; do
	grep -q "^\.Ss \[$sect[] ]" "$docs/ccwatch.conf.5" ||
	    missing="$missing $sect"
done
if [ -n "$sections" ] && [ -z "$missing" ]; then
	echo "ok - ccwatch.conf.5 has a subsection per section"
	pass=$((pass + 1))
else
	echo "not ok - ccwatch.conf.5 lacks the sections:$missing"
	fail=$((fail + 1))
fi
want command ccwatch.1 Cm $(sed -n \
    's/^[[:space:]]*{ *"\([a-z-]*\)", [0-9, ]*cli_.*/\1/p' "$src/ccwatch.c")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
