#!/bin/sh
# Run the end-to-end test of the commands with Debian's Python.
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_commands.py"
