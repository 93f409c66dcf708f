#!/bin/sh
# Run the crash consistency test (kill -9 across cycles) with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_crash.py"
