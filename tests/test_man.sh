#!/bin/sh
# The manual pages: groff -w all must be silent on each, and so must
# mandoc -T lint when mandoc is installed.  Warnings only, not style hints
# about manuals that this machine happens not to have installed.  Then the
# documentation against the program: every directive and section of the
# directive table in ccwatch.conf(5), every command (and those that write
# to the store) in ccwatch(1), where the example configuration goes, and
# every repository path that README.md names.  (That the example lists
# every directive with its default is tests/check_validate.c's.)
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
# The commands as the program lists them (ccwatch --help, from its table).
ccwatch=${TOPBUILDDIR:-.}/src/ccwatch
"$ccwatch" --help >"$dir/help" 2>&1
want command ccwatch.1 Cm $(sed -n 's/^  ccwatch \([a-z-]*\).*/\1/p' "$dir/help")

# ccwatch(1) names the commands that write to the store, as the table does.
writers=$(sed -n 's/^commands that write to the store: //p' "$dir/help")
said=$(groff -mandoc -Tutf8 "$docs/ccwatch.1" 2>/dev/null | col -b |
    tr -s ' \n' '  ' |
    sed -n 's/.*The commands that write to the store are \([^;]*\);.*/\1/p' |
    sed 's/ and /, /')
if [ -n "$writers" ] && [ "$writers" = "$said" ]; then
	echo "ok - ccwatch.1 names the commands that write to the store: $said"
	pass=$((pass + 1))
else
	echo "not ok - ccwatch.1 says \"$said\" write to the store;" \
	    "the command table: \"$writers\""
	fail=$((fail + 1))
fi

# ccwatch.conf(5) says where the example configuration is installed, and
# Makefile.am installs it there.
top=${TOPSRCDIR:-.}
if grep -q '^dist_doc_DATA = conf/ccwatch.conf.example$' "$top/Makefile.am" &&
    grep -q '^\.Pa /usr/share/doc/ccwatch/ccwatch.conf.example$' \
    "$docs/ccwatch.conf.5"; then
	echo "ok - the example is installed in docdir, and ccwatch.conf.5 says so"
	pass=$((pass + 1))
else
	echo "not ok - the example's place: Makefile.am and ccwatch.conf.5 disagree"
	fail=$((fail + 1))
fi

# Every path of the repository that README.md names exists (a glob
# matches): paths under the repository's directories, ./ and ../ paths,
# and the targets of relative links.
if /usr/bin/python3 - "$top" >"$dir/readme" 2>&1 <<'EOF'
import glob, os, re, sys
top = sys.argv[1]
text = open(os.path.join(top, "README.md")).read()
dirs = r"src|tests|docs|scripts|conf|data|bench|fuzz|systemd|m4|\.ci"
pat = re.compile(r"(?<![\w/.$~-])((?:\.\./|\./)[^\s`)\][,;:'\"]+"
                 r"|(?:%s)/[^\s`)\][,;:'\"]*)" % dirs)
names = set(m.rstrip(".") for m in pat.findall(text))
names |= set(t for t in re.findall(r"\]\(([^)#]+)\)", text) if "://" not in t)
bad = [n for n in sorted(names)
       if n.startswith("../") or not glob.glob(os.path.join(top, n))]
print("%d paths" % len(names))
for n in bad:
    print("missing: " + n)
sys.exit(1 if bad or len(names) < 10 else 0)
EOF
then
	echo "ok - every path README.md names exists ($(head -n 1 "$dir/readme"))"
	pass=$((pass + 1))
else
	echo "not ok - README.md names paths that are not in the repository:"
	sed 's/^/	/' "$dir/readme"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
