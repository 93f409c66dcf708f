#!/bin/sh
# Run the feed's end-to-end test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_feed.py"
