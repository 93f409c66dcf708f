#!/bin/sh
# Run the API key test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_keys.py"
