#!/usr/bin/python3
"""A hostile Bugzilla: what the wire can do to ccwatch, case by case.

A server written here (raw sockets on 127.0.0.1, one thread a connection)
answers like a tiny Bugzilla of one bug, except on one path, where it
misbehaves as the case says: it trickles a byte at a time, sends headers
that never end, streams an endless or gzip/deflate-bombed body,
redirects (out of loopback, to itself, to a path that counts visits),
sends HTML with 200, JSON with the wrong Content-Type, a Bugzilla error
object with 200, duplicate keys, ids as strings, floats, negative, zero
or past 64 bits, resets the connection mid-body, answers 304 to a
request that asked for no validation, repeats the same search page
whatever the offset, stamps a bug in the future, adds a bug of another
product to the search.

For each case, `ccwatch sync --full` (a 2-second timeout, no retries) must
end by itself, fail with a message that names the fault, or succeed where
the answer is sound, and leave the store whole: no bug of a refused answer
stored, the cursor unmoved, `integrity_check` ok.  A good sync afterwards
stores the bug.

Then the daemon against a server that answers 429 with `Retry-After: 120`
(retries 2, `backoff_max` 60): one request, the wait logged once, no
request during the wait whatever SIGUSR1 or SIGHUP ask, and SIGTERM ends
it at once, exit 0.

Last, the clocks: a Bugzilla 2 days behind and one 30 minutes ahead of
this host (the fake's --now and its "clock" command) are warned about
once, and a change made on the fake between two syncs is not missed in
either direction; one 2 hours ahead is refused and the cursor stays.
Every wait is bounded.
"""
import json
import os
import signal
import socket
import socketserver
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, CCWATCHD, Fake, check, iso, run, section,  # noqa: E402
                     wait_until, write_conf, write_corpus)
from ccwtest import corpus_bug as bug  # noqa: E402

BUG = 1001
# Bytes a streamed answer may send before it gives up by itself: past
# CCWATCH_MAX_BODY (64 MiB), so that only the client's cap can end it first.
STREAM_CAP = 80 << 20


def bug_json(bid, changed=None):
    """One open compliance bug as the search returns it."""
    t = iso(changed if changed is not None else time.time() - 86400)
    return {"id": bid, "summary": "Example CA: hostile server %d" % bid,
            "status": "NEW", "resolution": "", "is_open": True,
            "product": "CA Program", "component": "CA Certificate Compliance",
            "whiteboard": "[ca-compliance]", "creation_time": iso(time.time() - 2 * 86400),
            "last_change_time": t}


class Server(socketserver.ThreadingTCPServer):
    """The hostile Bugzilla: mode misbehaves on requests whose path starts with target."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.mode = None
        self.target = None
        self.hits = {}
        self.heads = []
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server_address[1]

    def arm(self, mode, target):
        """Misbehave as mode on target from now on (None: behave)."""
        with self.lock:
            self.mode, self.target = mode, target
            self.hits = {}
            self.heads = []

    def count(self, prefix):
        """Requests so far whose path starts with prefix."""
        with self.lock:
            return sum(n for p, n in self.hits.items() if p.startswith(prefix))


def sound(path, query):
    """The well-behaved answer to a path: (status, JSON bytes)."""
    if path == "/rest/time":
        return 200, json.dumps({"db_time": iso(time.time())}).encode()
    if path.endswith("/comment"):
        return 200, json.dumps({"bugs": {}, "comments": {}}).encode()
    if path.endswith("/history"):
        return 200, json.dumps({"bugs": []}).encode()
    if path == "/rest/bug":
        if int(query.get("offset", ["0"])[0]) > 0:
            return 200, b'{"bugs": []}'
        return 200, json.dumps({"bugs": [bug_json(BUG)]}).encode()
    return 404, b'{"error": true, "code": 32614, "message": "not found"}'


def head(status, ctype="application/json", length=None, extra=()):
    """A response head."""
    lines = ["HTTP/1.1 %d X" % status, "Content-Type: " + ctype, "Connection: close"]
    if length is not None:
        lines.append("Content-Length: %d" % length)
    lines.extend(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def bomb(kind, size):
    """size bytes of spaces compressed (gzip or raw deflate): about 1 KB a MB."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31 if kind == "gzip" else -15)
    chunk = b" " * (1 << 20)
    out = [z.compress(b'{"bugs": [')]
    for _ in range(size >> 20):
        out.append(z.compress(chunk))
    out.append(z.flush())
    return b"".join(out)


BOMBS = {}


class Handler(socketserver.BaseRequestHandler):
    """One connection: read the head, answer, close."""

    def read_head(self):
        data = b""
        self.request.settimeout(10)
        while b"\r\n\r\n" not in data and len(data) < 65536:
            got = self.request.recv(4096)
            if not got:
                return None
            data += got
        return data.decode("latin-1")

    def send_slowly(self, parts, pause):
        """Send parts one by one with a pause; stop when the client leaves."""
        for p in parts:
            try:
                self.request.sendall(p)
            except OSError:
                return
            if pause:
                time.sleep(pause)

    def stream(self, first, piece):
        """Send first, then piece again and again, up to STREAM_CAP bytes."""
        self.send_slowly([first] + [piece] * (STREAM_CAP // len(piece)), 0)

    def handle(self):
        srv = self.server
        text = self.read_head()
        if text is None:
            return
        target = text.split(" ", 2)[1]
        url = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qs(url.query)
        with srv.lock:
            srv.hits[url.path] = srv.hits.get(url.path, 0) + 1
            srv.heads.append(text)
            mode = srv.mode if srv.target and target.startswith(srv.target) else None
        status, body = sound(url.path, query)
        send = self.request.sendall
        if mode is None or mode == "conditional":
            extra = ('ETag: "lie"', "Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT")
            send(head(status, length=len(body), extra=extra) + body)
        elif mode == "trickle":
            self.send_slowly([head(200, length=len(body))] + [bytes([b]) for b in body][:40],
                             0.25)
        elif mode == "header-lines":
            self.stream(b"HTTP/1.1 200 OK\r\n", b"X-Pad: " + b"x" * 1000 + b"\r\n")
        elif mode == "header-line":
            self.stream(b"HTTP/1.1 200 OK\r\nX-Long: ", b"y" * 65536)
        elif mode == "endless-body":
            piece = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
            self.stream(head(200, extra=("Transfer-Encoding: chunked",)) + piece, piece)
        elif mode in ("gzip", "deflate"):
            data = BOMBS[mode]
            send(head(200, length=len(data), extra=("Content-Encoding: " + mode,)) + data)
        elif mode == "redirect-out":
            send(head(302, length=0, extra=("Location: http://192.0.2.1/rest/time",)))
        elif mode == "redirect-loop":
            send(head(301, length=0, extra=("Location: " + target,)))
        elif mode == "redirect-local":
            send(head(302, length=0, extra=("Location: /elsewhere" + target,)))
        elif mode == "html-200":
            page = b"<html><body>Bugzilla is down for maintenance.</body></html>"
            send(head(200, "text/html", len(page)) + page)
        elif mode == "json-as-html":
            send(head(200, "text/html; charset=UTF-8", len(body)) + body)
        elif mode == "error-200":
            e = b'{"error": true, "code": 100500, "message": "Internal Error", "documentation": ""}'
            send(head(200, length=len(e)) + e)
        elif mode == "duplicate-keys":
            d = ('{"bugs": [{"id": %d, "id": 1002, "summary": "Example CA: twice", '
                 '"summary": "Example CA: again"}]}' % BUG).encode()
            send(head(200, length=len(d)) + d)
        elif mode == "bad-ids":
            good = json.dumps(bug_json(BUG))
            bad = [dict(bug_json(0), id=v) for v in ("1002", 1003.5, -4, 0, None, True)]
            d = ('{"bugs": [%s, %s]}' % (good, ", ".join(json.dumps(b) for b in bad))).encode()
            send(head(200, length=len(d)) + d)
        elif mode == "overflow-id":
            d = b'{"bugs": [{"id": 99999999999999999999999, "summary": "Example CA: x"}]}'
            send(head(200, length=len(d)) + d)
        elif mode == "reset":
            send(head(200, length=100000) + body[:20])
            time.sleep(0.2)
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "not-modified":
            send(head(304, length=0, extra=('ETag: "lie"',)))
        elif mode == "repeat":
            d = json.dumps({"bugs": [bug_json(BUG), bug_json(BUG + 1)]}).encode()
            send(head(200, length=len(d)) + d)
        elif mode == "future":
            d = json.dumps({"bugs": [bug_json(BUG, changed=4102444800)]}).encode()
            send(head(200, length=len(d)) + d)
        elif mode == "foreign":
            other = dict(bug_json(BUG + 1), product="Firefox", component="General")
            d = json.dumps({"bugs": [bug_json(BUG), other]}).encode()
            send(head(200, length=len(d)) + d)
        elif mode == "ratelimit":
            page = b"<html><body>Too many requests</body></html>"
            send(head(429, "text/html", len(page), ("Retry-After: 120",)) + page)


def conf_for(work, name, url, page_size=500):
    """A configuration: url, no retries, a 2-second timeout."""
    return write_conf(os.path.join(work, name + ".conf"),
                      section("bugzilla", url=url, retries=0, timeout=2, connect_timeout=1,
                              page_size=page_size),
                      section("store", path=os.path.join(work, name + ".db")),
                      section("daemon", poll_interval=1, poll_jitter=0, backoff_max=60),
                      section('ca "Example CA"', domains="example-ca.test"))


def store_state(db):
    """(bugs, cursor, integrity) of a store; (0, 0, 'ok') before it exists."""
    if not os.path.exists(db):
        return 0, 0, "ok"
    c = sqlite3.connect(db)
    try:
        n = c.execute("SELECT count(*) FROM bugs").fetchone()[0]
        row = c.execute("SELECT db_time FROM sync_state").fetchone()
        ok = c.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        c.close()
    return n, (row[0] if row else 0), ok


# mode, the path it spoils, what the sync's error must say.
CASES = [
    ("trickle", "/rest/time", "timed out"),
    ("header-lines", "/rest/time", "Too large response headers"),
    ("header-line", "/rest/time", "header line too long"),
    ("endless-body", "/rest/bug?", "larger than 67108864"),
    ("gzip", "/rest/bug?", "larger than 67108864"),
    ("deflate", "/rest/bug?", "larger than 67108864"),
    ("redirect-out", "/rest/time", "unexpected HTTP 302"),
    ("redirect-loop", "/rest/bug?", "unexpected HTTP 301"),
    ("redirect-local", "/rest/bug?", "unexpected HTTP 302"),
    ("html-200", "/rest/bug?", "search: not JSON (Content-Type text/html)"),
    ("error-200", "/rest/bug?", "Bugzilla error 100500"),
    ("duplicate-keys", "/rest/bug?", "search: model: invalid JSON at line 1 column 27: duplicate"),
    ("overflow-id", "/rest/bug?", "search: model: invalid JSON"),
    ("reset", "/rest/bug?", "transfer closed with 99980 bytes remaining"),
    ("not-modified", "/rest/bug?", "unexpected HTTP 304"),
    ("repeat", "/rest/bug?", "repeats the previous one"),
]


def phase_wire(work, srv):
    """Each case fails cleanly (or succeeds where sound); a good sync follows."""
    BOMBS["gzip"] = bomb("gzip", 100 << 20)
    BOMBS["deflate"] = bomb("deflate", 100 << 20)
    for mode, path, want in CASES:
        # Pages of 2, so that the repeating server's page is full.
        conf = conf_for(work, mode, srv.url, 2 if mode == "repeat" else 500)
        db = os.path.join(work, mode + ".db")
        srv.arm(mode, path)
        t0 = time.monotonic()
        r = run([CCWATCH, "-c", conf, "sync", "--full"], timeout=120)
        secs = time.monotonic() - t0
        out = (r.stdout + r.stderr).strip()
        n, cursor, ok = store_state(db)
        print("# %s: exit %d in %.2f s, %d requests: %s" % (
            mode, r.returncode, secs, srv.count("/"), out.splitlines()[-1][:160] if out else ""))
        check(r.returncode != 0 and want in out,
              "%s: the sync fails naming it (%r): %s" % (mode, want, out[-200:]))
        check(n == 0 and cursor == 0, "%s: nothing stored, the cursor unmoved (%d bugs)"
              % (mode, n))
        check(ok == "ok", "%s: integrity_check %s" % (mode, ok))
        if mode.startswith("redirect"):
            check(srv.count("/elsewhere") == 0, "%s: the redirect is not followed" % mode)
        if mode == "redirect-loop":
            check(srv.count("/rest/bug") == 1, "%s: one request, no loop (%d)"
                  % (mode, srv.count("/rest/bug")))
        if mode == "repeat":
            check(srv.count("/rest/bug") == 2, "repeat: the second page ends the search (%d)"
                  % srv.count("/rest/bug"))
        srv.arm(None, None)
        r = run([CCWATCH, "-c", conf, "sync", "--full"], timeout=60)
        n, cursor, ok = store_state(db)
        check(r.returncode == 0 and n == 1 and cursor > 0 and ok == "ok",
              "%s: the next good sync stores the bug: %s" % (mode, r.stderr.strip()[-160:]))


def phase_lenient(work, srv):
    """Sound answers in odd clothes are taken, what was not asked for is not."""
    for mode, want in (("json-as-html", 1), ("bad-ids", 1), ("future", 1), ("conditional", 1),
                       ("foreign", 1)):
        conf = conf_for(work, mode, srv.url)
        db = os.path.join(work, mode + ".db")
        srv.arm(mode, "/rest/bug?")
        r = run([CCWATCH, "-c", conf, "sync", "--full"], timeout=60)
        n, cursor, ok = store_state(db)
        check(r.returncode == 0 and n == want and ok == "ok",
              "%s: the sync stores %d bug (%d): %s" % (mode, want, n, r.stderr.strip()[-200:]))
        if mode == "bad-ids":
            check(r.stderr.count(": bad id ") == 6,
                  "bad-ids: the six bad records are each logged and skipped: %s"
                  % r.stderr[-300:])
        if mode == "foreign":
            c = sqlite3.connect(db)
            ids = [row[0] for row in c.execute("SELECT id FROM bugs")]
            c.close()
            check(ids == [BUG] and "outside the watched products" in r.stderr,
                  "foreign: a bug of another product in the search is ignored, logged (%s)"
                  % ids)
        if mode == "future":
            check(0 < cursor < time.time() + 60,
                  "future: the cursor is Bugzilla's db_time, not a bug's stamp (%d)" % cursor)
        if mode == "conditional":
            r = run([CCWATCH, "-c", conf, "sync", "--full"], timeout=60)
            with srv.lock:
                heads = "\n".join(srv.heads).lower()
            check(r.returncode == 0 and "if-none-match" not in heads
                  and "if-modified-since" not in heads,
                  "conditional: no request is conditional, so a lying ETag or "
                  "Last-Modified cannot hide a change")
    srv.arm(None, None)


def phase_retry_after(work, srv):
    """The daemon honours a long Retry-After, bounded, and still stops at once."""
    conf = write_conf(os.path.join(work, "daemon.conf"), conf_text(work, srv.url))
    srv.arm("ratelimit", "/rest/time")
    log = open(os.path.join(work, "daemon.log"), "w+")
    p = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=log, stderr=log)

    def text():
        with open(os.path.join(work, "daemon.log"), errors="replace") as f:
            return f.read()

    try:
        check(wait_until(lambda: "no request for 60 s" in text(), 30),
              "retry-after: the wait is logged, capped at backoff_max: %s" % text()[-300:])
        check(text().count("asks to wait 120 s") == 1,
              "retry-after: Retry-After 120 is logged once")
        time.sleep(2)
        check(srv.count("/rest/time") == 1,
              "retry-after: no request while the server's wait runs (%d)" % srv.count("/rest/time"))
        p.send_signal(signal.SIGUSR1)
        p.send_signal(signal.SIGHUP)
        check(wait_until(lambda: "reloaded" in text(), 10), "retry-after: SIGHUP reloads at once")
        time.sleep(2)
        check(srv.count("/rest/time") == 1,
              "retry-after: neither SIGUSR1 nor SIGHUP sends a request sooner (%d)"
              % srv.count("/rest/time"))
        t0 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        print("# retry-after: SIGTERM during the wait: exit %s in %.3f s" % (rc, time.monotonic() - t0))
        check(rc == 0, "retry-after: SIGTERM during the wait ends the daemon, exit 0 (%s)" % rc)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)
        log.close()
        srv.arm(None, None)


def conf_text(work, url):
    """The daemon's configuration: two retries, backoff_max 60."""
    return (section("bugzilla", url=url, retries=2, timeout=2, connect_timeout=1)
            + section("store", path=os.path.join(work, "daemon.db"))
            + section("daemon", poll_interval=1, poll_jitter=0, backoff_max=60)
            + section('ca "Example CA"', domains="example-ca.test"))


def phase_skew(work):
    """A Bugzilla behind or ahead of this host: warned once, no change missed."""
    now = time.time()
    for name, offset, accepted in (("behind", -2 * 86400, True), ("ahead", 1800, True),
                                   ("far-ahead", 7200, False)):
        corpus = write_corpus(os.path.join(work, name + ".json"),
                              [bug(2001, "Example CA: skew", now + offset - 5 * 86400)])
        fake = Fake(corpus, args=["--now", iso(now + offset)], control=True)
        try:
            conf = conf_for(work, "skew-" + name, fake.url)
            db = os.path.join(work, "skew-" + name + ".db")
            r = run([CCWATCH, "-c", conf, "sync"], timeout=60)
            n, cursor, ok = store_state(db)
            if not accepted:
                check(r.returncode != 0 and "refused" in r.stderr and n == 0 and cursor == 0,
                      "%s: a db_time 2 h ahead is refused, the cursor stays: %s"
                      % (name, r.stderr.strip()[-200:]))
                continue
            word = "behind" if offset < 0 else "ahead of"
            check(r.returncode == 0 and ("s %s ours" % word) in r.stderr
                  and ("early" if offset < 0 else "late") in r.stderr,
                  "%s: the sync warns of the skew and what it does: %s"
                  % (name, r.stderr.strip()[-300:]))
            check(abs(cursor - (now + offset)) < 120,
                  "%s: the cursor is in Bugzilla's time (%d s from its clock)"
                  % (name, cursor - (now + offset)))
            # A change on the fake, then its clock moves on a minute.
            fake.do("clock", iso(now + offset + 60))
            fake.do("comment", "2001", "compliance@example-ca.test", "0", "Our answer.")
            fake.do("clock", iso(now + offset + 120))
            r = run([CCWATCH, "-c", conf, "sync"], timeout=60)
            c = sqlite3.connect(db)
            got = c.execute("SELECT count(*) FROM comments WHERE bug_id = 2001").fetchone()[0]
            c.close()
            check(r.returncode == 0 and got == 2,
                  "%s: the comment made between syncs is stored (%d comments): %s"
                  % (name, got, r.stderr.strip()[-200:]))
        finally:
            fake.stop()


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-hostile-server.")
    srv = Server()
    try:
        phase_wire(work, srv)
        phase_lenient(work, srv)
        phase_retry_after(work, srv)
    finally:
        srv.shutdown()
        srv.server_close()
    phase_skew(work)
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
