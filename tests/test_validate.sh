#!/bin/sh
# Run the end-to-end test of the one validation with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_validate.py"
