#!/bin/sh
# Each alert exactly once through a full disk: run the test in a private
# mount namespace (unshare -m; needs root, as in CI) with Debian's Python.
if [ -z "${CCWATCH_IN_NS:-}" ]; then
	if ! unshare -m true 2>/dev/null; then
		echo "not ok - unshare -m failed: this test needs root (CI runs as root)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	CCWATCH_IN_NS=1 exec unshare -m sh "$0" "$@"
fi
exec /usr/bin/python3 "${TOPSRCDIR:-.}/tests/test_fulldisk.py"
