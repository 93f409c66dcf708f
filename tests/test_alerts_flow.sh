#!/bin/sh
# Run the flood and channel-failure end-to-end test with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_alerts_flow.py"
