#!/bin/sh
# Start the fake Bugzilla program on a free 127.0.0.1 port with the small
# corpus and run the python-bugzilla client against it.
set -u

top_srcdir=${TOPSRCDIR:-.}
top_builddir=${TOPBUILDDIR:-.}
python=/usr/bin/python3

if ! "$python" -c 'import bugzilla' 2>/dev/null; then
	echo "python3-bugzilla is not installed"
	exit 77
fi

out=$(mktemp)
"$top_builddir/tests/fakebz" -p 0 "$top_srcdir/tests/data/fakebz/corpus-small.json" >"$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$out"' EXIT INT TERM

url=
i=0
while [ $i -lt 100 ]; do
	url=$(head -n 1 "$out")
	[ -n "$url" ] && break
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "fakebz exited"
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
case $url in
http://127.0.0.1:*) ;;
*) echo "fakebz printed no URL"; exit 1 ;;
esac

"$python" "$top_srcdir/tests/test_python_bugzilla.py" "$url"
