#!/bin/sh
# Run the python-bugzilla client against the fake Bugzilla program (which
# the test starts on a free 127.0.0.1 port with the small corpus).
set -u

python=/usr/bin/python3

if ! "$python" -c 'import bugzilla' 2>/dev/null; then
	echo "not ok - python3-bugzilla is not installed (scripts/setup installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi

exec "$python" "${TOPSRCDIR:-.}/tests/test_python_bugzilla.py"
