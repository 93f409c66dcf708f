#!/bin/sh
# Run the end-to-end test of a stop during a delivery with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_stop.py"
