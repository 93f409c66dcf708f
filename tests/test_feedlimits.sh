#!/bin/sh
# Run the feed server limits test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_feedlimits.py"
