#!/bin/sh
# A real SMTP server on loopback for the delivery tests: Debian's aiosmtpd
# (python3-aiosmtpd) writing every message it accepts into a maildir.
#
#   tests/smtp-sink.sh start DIR [PORT]   start on 127.0.0.1:PORT (0 or
#                                         none: a free port), print the port
#   tests/smtp-sink.sh stop DIR           stop the server started in DIR
#
# DIR receives maildir/ (the messages), pid, port and log.  The system's
# /usr/bin/aiosmtpd and /usr/bin/python3 are used, never a python3 that
# happens to come first on PATH.  Every wait is bounded.
set -eu

AIOSMTPD=${AIOSMTPD:-/usr/bin/aiosmtpd}
PYTHON=/usr/bin/python3

usage() {
	echo "usage: $0 start DIR [PORT] | stop DIR" >&2
	exit 2
}

# Ask the kernel for a free port on 127.0.0.1.
free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Wait up to 10 seconds for 127.0.0.1:$1 to accept a connection.
wait_listening() {
	"$PYTHON" - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
case $cmd in
start)
	[ -x "$AIOSMTPD" ] || { echo "$0: $AIOSMTPD not installed" >&2; exit 1; }
	port=${3:-0}
	[ "$port" != 0 ] || port=$(free_port)
	mkdir -p "$dir/maildir/tmp" "$dir/maildir/new" "$dir/maildir/cur"
	"$AIOSMTPD" -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox \
	    "$dir/maildir" >"$dir/log" 2>&1 </dev/null &
	echo $! >"$dir/pid"
	echo "$port" >"$dir/port"
	if ! wait_listening "$port"; then
		echo "$0: aiosmtpd did not listen on $port" >&2
		cat "$dir/log" >&2
		kill "$(cat "$dir/pid")" 2>/dev/null || true
		exit 1
	fi
	echo "$port"
	;;
stop)
	[ -f "$dir/pid" ] || exit 0
	pid=$(cat "$dir/pid")
	kill "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$dir/pid"
	;;
*)
	usage
	;;
esac
