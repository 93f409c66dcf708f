"""Helpers shared by the end-to-end tests in tests/*.py.

Standard library only: the tests run under Debian's /usr/bin/python3.
A test imports it from its own directory, which works in the source tree
and in VPATH and distcheck builds alike:

    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import ccwtest
    from ccwtest import check

Paths come from Makefile.am's AM_TESTS_ENVIRONMENT: TOPBUILDDIR for the
programs (src/ccwatch, src/ccwatchd, tests/fakebz), TOPSRCDIR for the
files of the source tree (tests/smtp-sink.sh, tests/data/, docs/).

What is here:
  check(), failures(), summary()  the assertion counter and the
                                  "N passed, M failed" line that
                                  scripts/test-summary adds up;
  wait_until()                    polling with a bounded timeout;
  cycles(), wait_cycles()         the poll cycles in a ccwatchd -d log;
  write_file(), write_secret(),   configurations and secret files;
  section(), write_conf(),
  daemon_sections(), mail_channel(),
  hook_channel()
  free_port(), run()              a free 127.0.0.1 port, a bounded run;
  iso(), corpus_bug(),            corpus files written for the fake;
  write_corpus()
  Fake                            tests/fakebz as a child, its URL read;
  Notify                          a NOTIFY_SOCKET collecting sd_notify;
  sink(), mails(), message_ids()  aiosmtpd through tests/smtp-sink.sh;
  Webhook                         a webhook receiver checking each HMAC.
Everything listens on 127.0.0.1 only, and every wait is bounded.
"""
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

BUILD = os.environ.get("TOPBUILDDIR", ".")
SRC = os.environ.get("TOPSRCDIR", ".")
CCWATCH = os.path.join(BUILD, "src/ccwatch")
CCWATCHD = os.path.join(BUILD, "src/ccwatchd")
FAKEBZ = os.path.join(BUILD, "tests/fakebz")
SINK = os.path.join(SRC, "tests/smtp-sink.sh")
CORPUS = os.path.join(SRC, "tests/data/fakebz/corpus-small.json")
CA = "compliance@example-ca.test"
COMMUNITY = "reporter@community.test"

_passed = 0
_failed = 0


def check(cond, what):
    """Record one assertion and print "ok - what" or "not ok - what"."""
    global _passed, _failed
    if cond:
        _passed += 1
        print("ok - " + what)
    else:
        _failed += 1
        print("not ok - " + what)


def failures():
    """How many assertions have failed so far."""
    return _failed


def summary(work=None):
    """Print "N passed, M failed"; returns the exit status (0 or 1).

    With work, a test's work directory: it is removed if every assertion
    passed and kept, its path printed, if one failed.
    """
    print("%d passed, %d failed" % (_passed, _failed))
    if work is not None and _failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    elif work is not None:
        print("work directory kept: " + work)
    return 1 if _failed else 0


def wait_until(cond, timeout=30.0, interval=0.2):
    """Poll cond until it holds or timeout seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(interval)
    return cond()


def cycles(path):
    """The poll cycles a ccwatchd -d log at path shows: its "sync: " lines."""
    try:
        with open(path, errors="replace") as f:
            return sum(1 for line in f if "sync: " in line)
    except OSError:
        return 0


def wait_cycles(path, more=2, timeout=30.0):
    """Wait until the log at path shows more cycles than it does now.

    A cycle logs its sync line, then evaluates and delivers its alerts, so
    two more lines (the default) mean that one whole cycle, deliveries
    included, ran after the call: what was due then has been sent, and
    what did not arrive will not.  Returns whether they came in time.
    """
    n = cycles(path)
    return wait_until(lambda: cycles(path) >= n + more, timeout, 0.05)


def write_file(path, text, mode=None):
    """Write text to path, then chmod it to mode if given; returns path."""
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)
    return path


def write_secret(path, value):
    """Write a secret file as ccwatch wants it: value, a newline, mode 0600."""
    return write_file(path, value + "\n", 0o600)


def section(name, **keys):
    """One configuration section: "[name]" and a "key = value" line a key."""
    return "".join(["[%s]\n" % name] + ["%s = %s\n" % kv for kv in keys.items()])


def write_conf(path, *parts):
    """Write a configuration of parts (section() texts or raw lines); returns path."""
    return write_file(path, "".join(parts))


def daemon_sections(url, work):
    """The [bugzilla], [store], [daemon] and [ca] sections of the delivery tests.

    The fake at url without retries, the store in work, a poll a second
    without jitter, and "Example CA" owning example-ca.test.
    """
    return (section("bugzilla", url=url, retries=0, timeout=5)
            + section("store", path="%s/ccwatch.db" % work)
            + section("daemon", poll_interval=1, poll_jitter=0, backoff_max=60)
            + section('ca "Example CA"', domains="example-ca.test"))


def mail_channel(name, port):
    """A [channel] section for the SMTP sink on 127.0.0.1:port."""
    return section('channel "%s"' % name, type="smtp", url="smtp://127.0.0.1:%s" % port,
                   require_starttls="no", timeout=5, **{"from": "ccwatch@example.test"},
                   to="team@example-ca.test")


def hook_channel(name, port, secret_file, timeout=5):
    """A [channel] section for a Webhook on 127.0.0.1:port."""
    return section('channel "%s"' % name, type="webhook",
                   url="http://127.0.0.1:%s/hook" % port, secret_file=secret_file,
                   timeout=timeout)


def free_port():
    """A port nobody listens on right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(args, timeout=60, **kw):
    """Run a command with a bound time, output captured as text; returns the CompletedProcess."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)


def iso(t):
    """A time (seconds since the epoch) as BMO writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def corpus_bug(bid, summary, created, comments=()):
    """One open compliance bug for a fakebz corpus, filed at created.

    It is filed by a community member (comment 0) and assigned to the
    CA; comments are (author, time, text) triples that follow comment 0.
    """
    cs = [{"id": bid * 10, "count": 0, "creator": COMMUNITY,
           "creation_time": iso(created), "text": "Something went wrong.",
           "is_private": False}]
    for i, (who, t, text) in enumerate(comments, 1):
        cs.append({"id": bid * 10 + i, "count": i, "creator": who,
                   "creation_time": iso(t), "text": text, "is_private": False})
    last = max([created] + [t for _, t, _ in comments])
    return {"id": bid, "summary": summary, "product": "CA Program",
            "component": "CA Certificate Compliance", "status": "NEW",
            "resolution": "", "whiteboard": "[ca-compliance]",
            "creation_time": iso(created), "last_change_time": iso(last),
            "creator": COMMUNITY, "assigned_to": CA, "cc": [],
            "flags": [], "groups": [], "comments": cs, "history": []}


def write_corpus(path, bugs):
    """Write a fakebz corpus file of bugs (no users); returns path."""
    with open(path, "w") as f:
        json.dump({"bugs": bugs, "users": {}}, f)
    return path


class Fake:
    """tests/fakebz as a child process; url and port are read from its first line.

    args go before the corpus file (e.g. ["-p", "0"], ["-k", key]);
    control=True runs it with -m, changed through do() on its stdin.
    """

    def __init__(self, corpus=CORPUS, args=(), control=False, timeout=20):
        argv = [FAKEBZ] + (["-m"] if control else []) + list(args) + [corpus]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True,
                                     stdin=subprocess.PIPE if control else None)
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        self.url = self.proc.stdout.readline().strip() if ready else ""
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError("fakebz printed no URL within %d s: %r" % (timeout, self.url))
        self.port = int(self.url.rsplit(":", 1)[1])

    def do(self, *fields):
        """Run one -m command (fields joined by tabs, escaped); returns its answer line."""
        esc = (str(f).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
               for f in fields)
        self.proc.stdin.write("\t".join(esc) + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def get(self, path):
        """GET a REST path of the fake as JSON."""
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.load(r)

    def stop(self):
        """Terminate the fake and wait for it (bounded)."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Notify:
    """A NOTIFY_SOCKET at path that collects what the daemon says."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.messages = []
        self.times = []  # the monotonic arrival time of each message

    def _recv(self):
        self.messages.append(self.sock.recv(4096).decode())
        self.times.append(time.monotonic())

    def pings(self):
        """The arrival times of WATCHDOG=1."""
        return [t for t, m in zip(self.times, self.messages) if "WATCHDOG=1" in m.split("\n")]

    def wait_for(self, prefix, timeout=15.0, after=0):
        """Wait for a field starting with prefix in a message from index after on.

        Returns (index, field), or (None, None) after timeout seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.messages[after:], after):
                for field in m.split("\n"):
                    if field.startswith(prefix):
                        return i, field
            left = deadline - time.monotonic()
            if left <= 0:
                return None, None
            self.sock.settimeout(left)
            try:
                self._recv()
            except socket.timeout:
                return None, None

    def drain(self, seconds):
        """Collect messages for seconds."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                self._recv()
            except socket.timeout:
                break


def sink(cmd, work, port=None):
    """Start or stop the SMTP sink in work/smtp; start returns its port.

    Exits the test with 77 (skipped) when aiosmtpd is not installed.
    """
    args = ["sh", SINK, cmd, os.path.join(work, "smtp")]
    if port is not None:
        args.append(str(port))
    out = run(args, timeout=30)
    if out.returncode == 77:
        print("aiosmtpd is not installed: skipping")
        sys.exit(77)
    if out.returncode != 0:
        raise RuntimeError("smtp-sink %s: %s" % (cmd, out.stderr))
    return int(out.stdout.strip()) if cmd == "start" else None


def mails(work):
    """The messages in the sink's maildir, parsed, in file name order."""
    new = os.path.join(work, "smtp/maildir/new")
    out = []
    for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
        with open(os.path.join(new, name), "rb") as f:
            out.append(email.message_from_binary_file(f, policy=email.policy.default))
    return out


def message_ids(work):
    """The Message-IDs that arrived at the sink, in order."""
    return [m["Message-ID"] for m in mails(work)]


class Webhook:
    """A webhook receiver on 127.0.0.1 checking X-Ccwatch-Signature with secret.

    Every POST is answered with status (200, or 503 with Retry-After: 1).
    attempts() is every delivery id received; deliveries() the
    (delivery id, alert payload) pairs answered 2xx, documents() their
    whole bodies as JSON; bad counts requests
    whose HMAC is wrong or whose body delivery_id differs from the
    X-Ccwatch-Delivery header.  A body cut short (the sender died) is
    dropped unanswered.  delay holds each answer that many seconds, and
    inflight() counts the requests received and not yet answered: a test
    that kills the sender can tell whether it died during a delivery.
    """

    def __init__(self, secret):
        self.secret = secret
        self.status = 200
        self.delay = 0.0
        self.bad = 0
        self._inflight = 0
        self.lock = threading.Lock()
        self._attempts = []
        self._deliveries = []
        self._documents = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                hook._receive(self)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _receive(self, req):
        """Check and record one request, then answer it."""
        with self.lock:
            self._inflight += 1
        try:
            self._answer(req)
        finally:
            with self.lock:
                self._inflight -= 1

    def _answer(self, req):
        """Read, check and record one request; answer it after the delay."""
        try:
            body = req.rfile.read(int(req.headers.get("Content-Length", "0")))
            doc = json.loads(body)
        except (ValueError, OSError):
            return
        mac = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        did = req.headers.get("X-Ccwatch-Delivery")
        with self.lock:
            code = self.status
            if (not hmac.compare_digest(mac, req.headers.get("X-Ccwatch-Signature", ""))
                    or doc.get("delivery_id") != did):
                self.bad += 1
            self._attempts.append(did)
            if 200 <= code < 300:
                self._deliveries.append((did, doc.get("alert") or doc))
                self._documents.append(doc)
            delay = self.delay
        if delay > 0:
            time.sleep(delay)
        try:
            req.send_response(code)
            if code == 503:
                req.send_header("Retry-After", "1")
            req.send_header("Content-Length", "0")
            req.end_headers()
        except OSError:
            pass  # the sender died while waiting

    def inflight(self):
        """Requests received and not answered yet."""
        with self.lock:
            return self._inflight

    def attempts(self):
        """Every delivery id received so far, answered or refused."""
        with self.lock:
            return list(self._attempts)

    def deliveries(self):
        """The (delivery id, alert payload) pairs answered 2xx so far."""
        with self.lock:
            return list(self._deliveries)

    def documents(self):
        """The whole bodies answered 2xx so far, as JSON."""
        with self.lock:
            return list(self._documents)

    def accepted(self):
        """The delivery ids answered 2xx so far."""
        return [did for did, _ in self.deliveries()]

    def stop(self):
        """Stop serving."""
        self.server.shutdown()
