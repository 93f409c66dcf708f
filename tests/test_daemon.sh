#!/bin/sh
# Run the daemon's end-to-end test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_daemon.py"
