#!/bin/sh
# Run the alert delivery end-to-end test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_alerts.py"
