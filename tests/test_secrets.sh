#!/bin/sh
# Run the secrets test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_secrets.py"
