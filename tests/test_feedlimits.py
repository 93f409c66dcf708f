#!/usr/bin/python3
"""The feed server's limits against slow and greedy clients.

ccwatchd -d serves the feed on 127.0.0.1 ([feed] timeout = 3).  Then:

1. A request with 500 query arguments is answered 414 (not dropped).
2. Slowloris: 40 connections from each of 127.0.0.2 and 127.0.0.3 send a
   request one header line a second.  A third client (127.0.0.1) still
   gets the feed: one address holds at most an eighth of the connections.
3. The slow connections are closed by the whole-request deadline (3 s),
   although each keeps sending: the idle timeout alone never fires.

Every wait is bounded (the client's own timeout is a bound, not a timed
assertion); everything listens on 127.0.0.1.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCHD, Fake, check, daemon_sections, free_port, section,  # noqa: E402
                     wait_until, write_conf)


def get(url, timeout=10):
    """(status, body) of a GET; status 0 when the connection fails."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (OSError, urllib.error.URLError) as e:
        return 0, str(e).encode()


def slow_clients(port, sources, n):
    """n connections from each source address, each having sent a request line."""
    socks = []
    for src in sources:
        for _ in range(n):
            s = socket.socket()
            s.settimeout(5)
            s.bind((src, 0))
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET /feed.json HTTP/1.1\r\nHost: x\r\n")
            except OSError:
                pass  # refused at once: the per-address limit
            socks.append(s)
    return socks


def trickle(socks):
    """One more header line on each connection; returns how many are still open."""
    open_ = 0
    for s in socks:
        try:
            s.sendall(b"X-Slow: 1\r\n")
            s.setblocking(False)
            try:
                data = s.recv(1)
                if data == b"":
                    continue  # closed by the server
            except BlockingIOError:
                pass
            finally:
                s.setblocking(True)
            open_ += 1
        except OSError:
            pass
    return open_


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-feedlimits.")
    fake = Fake()
    port = free_port()
    conf = write_conf(os.path.join(work, "ccwatch.conf"), daemon_sections(fake.url, work),
                      section("feed", listen="127.0.0.1:%d" % port, timeout=3))
    log = open(os.path.join(work, "daemon.log"), "w")
    d = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=log, stderr=log)
    base = "http://127.0.0.1:%d" % port
    socks = []
    try:
        ready = wait_until(lambda: get(base + "/feed.json", 2)[0] == 200, 30)
        check(ready, "the feed is served")

        query = "&".join("a%d=%d" % (i, i) for i in range(500))
        status, _ = get(base + "/feed.json?" + query)
        check(status in (414, 431), "500 query arguments are answered %s" % status)
        status, _ = get(base + "/feed.json?ca=Example")
        check(status == 200, "a request with one argument is still served (%s)" % status)

        socks = slow_clients(port, ("127.0.0.2", "127.0.0.3"), 40)
        t0 = time.monotonic()
        status, body = get(base + "/feed.json", 5)
        print("# third client answered %d in %.2f s with 80 slow connections open"
              % (status, time.monotonic() - t0))
        check(status == 200 and body.startswith(b"{"),
              "a third client gets the feed while 80 slow connections are open")

        # Keep trickling: the deadline, not the idle timeout, ends them.
        still = len(socks)
        for _ in range(12):
            time.sleep(1)
            still = trickle(socks)
            if still == 0:
                break
        check(still == 0, "the slow connections are closed by the request deadline "
              "(%d still open)" % still)
        status, _ = get(base + "/feed.json", 5)
        check(status == 200, "the feed is served after them")
    finally:
        for s in socks:
            s.close()
        d.send_signal(signal.SIGTERM)
        check(d.wait(timeout=20) == 0, "ccwatchd stops with exit 0")
        log.close()
        fake.stop()
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
