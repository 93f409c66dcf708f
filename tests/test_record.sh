#!/bin/sh
# Run the track record's end-to-end test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_record.py"
