#!/bin/sh
# Run the hostile input end-to-end test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_hostile.py"
