#!/bin/sh
# Run the loop's end-to-end test (watchdog, SIGTERM, reload) with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_loop.py"
