#!/bin/sh
# Run the end-to-end test of what Bugzilla hides with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_hide.py"
