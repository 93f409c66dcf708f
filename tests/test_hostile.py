#!/usr/bin/python3
"""Hostile bug text through every output of the real programs.

A corpus generated here (in a temporary directory) holds bugs whose
summary, whiteboard, comments and creator names carry CR/LF header
injection, NUL, HTML and script, quotes and entities, Slack mrkdwn
(<!channel>, <@U123>, <https://evil|click>), iCalendar control text,
terminal escapes (CSI, OSC, BEL, C1), a 10 MB comment, very long
summaries and oddly nested JSON.  tests/fakebz serves it; it loads the
corpus with jansson and answers with json_dumps, so it can only send
valid JSON.  What it cannot send is added on the wire by a small proxy in
this process, between the fake and ccwatch: the marker ZZNULZZ becomes
the escape \\u0000 (valid JSON that ccwatch's parser admits), and in a
second, separate phase ZZBADZZ becomes raw invalid UTF-8 bytes and
ZZSURRZZ a lone surrogate escape \\ud800 (both invalid JSON: the sync must
fail cleanly and leave the store intact).

Then `ccwatch sync`, `status` (piped, and on a pseudo-terminal for its
colours), `status --json`, `explain`, `feed --format json|ics|html|prom`
and the daemon (`ccwatchd -d`, its own store, [feed] listen, alerts to a
real SMTP server (aiosmtpd), a webhook receiver and a Slack stand-in) run
on it, and each output is checked to stay well-formed and inert.  The
daemon's peak memory (VmHWM) is printed.  HOSTILE_KEEP=1 keeps the
work directory.  Every wait is bounded;
everything listens on 127.0.0.1.
"""
import base64
import email
import email.policy
import hashlib
import io
import html.parser
import http.server
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.parse
import urllib.request

BUILD = os.environ.get("TOPBUILDDIR", ".")
SRC = os.environ.get("TOPSRCDIR", ".")
SINK = os.path.join(SRC, "tests/smtp-sink.sh")
CCWATCH = os.path.join(BUILD, "src/ccwatch")
CCWATCHD = os.path.join(BUILD, "src/ccwatchd")
SECRET = b"hostile-webhook-secret"
BIG = 10 * 1024 * 1024
MAX_HWM_KB = 200 * 1024
# ASan's shadow memory and quarantine (256 MB by default) come on top.
MAX_HWM_ASAN_KB = 800 * 1024

passed = failed = 0


def check(cond, what):
    """Record one assertion."""
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what)


def iso(t):
    """A time as BMO writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


CRLF = "Example CA: CRLF\r\nBcc: evil@x.example\r\n\r\nInjected body ZZNULZZ"
HTML = "Example CA: <script>alert(1)</script> \"quotes\" 'apos' &amp; &lt;b&gt;"
SLACK = "Example CA: <!channel> <@U123> <!here> <https://evil.example|click>"
ICS = "Example CA: x\nBEGIN:VEVENT\nSUMMARY:injected\nEND:VEVENT; a, b \\ c"
TERM = "Example CA: \x1b[2J\x1b]0;title\x07 bell\x07 cr\rX \u009b31m c1 \x7f del"
LONG = "Example CA: long " + "\u00e9t\u00e9 \u4e2d\u6587 " * 2500
NESTED = "Example CA: nested JSON elsewhere"
BIGSUM = "Example CA: a ten-megabyte comment"
BIDI = "Example CA: \u202eexe.gnp\u202c \u2066iso\u2069 zero\u200bwidth line\u2028sep"
INVISIBLE = ("\u202e", "\u202c", "\u2066", "\u2069", "\u200b", "\u2028")
SUMMARIES = [CRLF, HTML, SLACK, ICS, TERM, LONG, NESTED, BIGSUM, BIDI]
# A record the model must skip (objects in a list of strings), not stored.
MALFORMED = 1969999
HOSTILE_WB = ("[ca-compliance] [next update 2099-01-01]\r\nBcc: evil@x.example "
              "<script>x</script> <!channel> \x1b[2J;,\\")
EVIL_LOGIN = "evil\r\nBcc: evil@x.example<script>\x1b]0;t\x07@x.test"


def deep(n):
    """An array nested n deep."""
    v = []
    for _ in range(n):
        v = [v]
    return v


def corpus_bugs(now):
    """The hostile bugs, each filed four days ago by a community member."""
    created = now - 4 * 86400
    bugs = []
    for i, summary in enumerate(SUMMARIES):
        bid = 1960001 + i
        text = "Description: " + summary + " " + HOSTILE_WB
        if summary is BIGSUM:
            text = ("<script>alert(2)</script>\r\nBcc: evil@x.example\x1b[2J\n" +
                    "A" * (BIG - 64))
        comments = [{"id": bid * 10, "count": 0, "creator": EVIL_LOGIN,
                     "creation_time": iso(created), "text": text,
                     "is_private": False}]
        comments.append({"id": bid * 10 + 1, "count": 1, "creator": "reporter@community.test",
                         "creation_time": iso(created + 60),
                         "text": "Follow-up \r\n<!channel> \x1b]0;x\x07 ZZNULZZ tail",
                         "is_private": False})
        b = {"id": bid, "summary": summary, "product": "CA Program",
             "component": "CA Certificate Compliance", "status": "NEW",
             "resolution": "", "whiteboard": HOSTILE_WB,
             "creation_time": iso(created), "last_change_time": iso(created + 60),
             "creator": EVIL_LOGIN, "assigned_to": "compliance@example-ca.test",
             "cc": [EVIL_LOGIN], "flags": [], "groups": [], "keywords": [],
             "comments": comments, "history": []}
        if summary is NESTED:
            # The fake serves the values of the fields ccwatch asks for as
            # they are in the corpus: deep arrays and objects where
            # strings or flat objects are expected.
            b["flags"] = [{"id": 1, "name": "needinfo", "status": "?",
                           "requestee": "compliance@example-ca.test",
                           "setter": "reporter@community.test",
                           "creation_date": iso(created), "modification_date": iso(created),
                           "cf_x": deep(400),
                           "type_id": 4, "cf_y": {"a": {"b": [1, {"d": "ZZNULZZ"}]}}}]
            comments[1]["tags"] = ["ok", "ZZNULZZ"]
            comments[1]["cf_deep"] = deep(300)
        bugs.append(b)
    bad = json.loads(json.dumps(bugs[0]))
    bad.update(id=MALFORMED, keywords=["ok", {"x": [1, 2]}, [["deep"]]],
               summary={"nested": [CRLF]})
    for c in bad["comments"]:
        c["id"] += 10000
    bugs.append(bad)
    return bugs


class Proxy(http.server.BaseHTTPRequestHandler):
    """Forwards GETs to the fake, rewriting markers into raw wire bytes."""

    upstream = None
    bad = False

    def do_GET(self):
        req = urllib.request.Request(Proxy.upstream + self.path)
        for h in ("X-BUGZILLA-API-KEY",):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, body, ctype = r.status, r.read(), r.headers.get("Content-Type")
        except urllib.error.HTTPError as e:
            status, body, ctype = e.code, e.read(), e.headers.get("Content-Type")
        body = body.replace(b"ZZNULZZ", b"\\u0000")
        if Proxy.bad:
            body = body.replace(b"ZZBADZZ", b"\xff\xc0\xaf\xed\xa0\x80")
            body = body.replace(b"ZZSURRZZ", b"\\ud800")
            body = body.replace(b'"ZZDEEPZZ"', b"[" * 100000 + b"]" * 100000)
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Receiver(http.server.BaseHTTPRequestHandler):
    """The webhook receiver and the Slack stand-in: records the bodies."""

    hooks = []
    slack = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        (Receiver.slack if self.path.startswith("/slack") else Receiver.hooks).append(body)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def serve(handler):
    """A threaded HTTP server on a free loopback port; returns it."""
    s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


def free_port():
    """A port nobody listens on right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Fake:
    """tests/fakebz serving a corpus file with --now, on a free port."""

    def __init__(self, corpus, now):
        args = [os.path.join(BUILD, "tests/fakebz"), "--now", iso(now), corpus]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def sink(cmd, work):
    """Start or stop the SMTP sink; start returns its port."""
    out = subprocess.run(["sh", SINK, cmd, os.path.join(work, "smtp")],
                         capture_output=True, text=True, timeout=30)
    if out.returncode == 77:
        print("aiosmtpd is not installed: skipping")
        sys.exit(77)
    if out.returncode != 0:
        raise RuntimeError("smtp-sink %s: %s" % (cmd, out.stderr))
    return int(out.stdout.strip()) if cmd == "start" else None


def mails(work):
    """The messages in the sink's maildir, as bytes."""
    new = os.path.join(work, "smtp/maildir/new")
    out = []
    for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
        with open(os.path.join(new, name), "rb") as f:
            out.append(f.read())
    return out


def wait_until(cond, timeout=60.0):
    """Poll cond until it holds or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def write_conf(work, name, url, db, extra=""):
    """A configuration file for url and store db."""
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(f"""[bugzilla]
url = {url}
retries = 0
timeout = 30
[store]
path = {db}
[daemon]
poll_interval = 1
poll_jitter = 0
backoff_max = 60
[ca "Example CA"]
domains = example-ca.test
{extra}""")
    return path


def run(conf, *args, timeout=120):
    """Run ccwatch with conf; returns the CompletedProcess (bytes)."""
    return subprocess.run([CCWATCH, "-c", conf] + list(args), capture_output=True,
                          timeout=timeout, env=dict(os.environ, NO_COLOR=""))


def run_pty(conf, *args, timeout=60):
    """Run ccwatch with its stdout on a pseudo-terminal; returns the bytes."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.pop("NO_COLOR", None)
        os.environ["TERM"] = "xterm"
        os.execv(CCWATCH, [CCWATCH, "-c", conf] + list(args))
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(fd)
    os.waitpid(pid, 0)
    return out


SGR = re.compile(rb"\x1b\[[0-9;]*m")


def terminal_clean(data, allow_sgr=False):
    """None if data is inert on a terminal, else why not."""
    if allow_sgr:
        data = SGR.sub(b"", data)
    if b"\x1b" in data:
        return "ESC outside an SGR colour sequence at %d" % data.index(b"\x1b")
    return text_clean(data, allow_cr=allow_sgr)


def text_clean(data, allow_cr=False):
    """None if data is valid UTF-8 with no control character but \\n, \\t."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8: %s" % e
    for i, ch in enumerate(s):
        if ch in "\n\t" or (allow_cr and ch == "\r" and s[i + 1:i + 2] == "\n"):
            continue
        if unicodedata.category(ch) == "Cc":
            return "control character U+%04X at %d: %r" % (ord(ch), i, s[max(0, i - 30):i + 10])
    return None


def strings(v):
    """Every string inside a JSON value."""
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for e in v:
            yield from strings(e)
    elif isinstance(v, dict):
        for k, e in v.items():
            yield k
            yield from strings(e)


class Page(html.parser.HTMLParser):
    """Collects the elements and the text of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def check_html(data, what):
    """The page holds no element from bug text; the text shows escaped."""
    page = Page()
    page.feed(data.decode("utf-8"))
    page.close()
    scripts = [t for t, _ in page.tags if t == "script"]
    handlers = [a for _, attrs in page.tags for a, _ in attrs if a.startswith("on")]
    # The one script allowed is the page's own, the one whose SHA-256 the
    # page's Content-Security-Policy names (the unfiltered page has it).
    own = re.findall(rb"<script>(.*?)</script>", data, re.S)
    csp = re.search(rb'http-equiv="Content-Security-Policy" content="([^"]*)"', data)
    hashes = ["'sha256-%s'" % base64.b64encode(hashlib.sha256(s).digest()).decode() for s in own]
    ours = len(own) == len(scripts) and csp is not None and \
        all(h.encode() in csp.group(1) for h in hashes)
    check(len(scripts) <= 1 and ours and not handlers,
          "%s: no <script> element but the page's own, no on* attribute (%d, %d)"
          % (what, len(scripts), len(handlers)))
    text = "".join(page.text)
    check("<script>alert(1)</script>" in text and b"<script>alert(1)" not in data,
          "%s: the script text appears as text, escaped" % what)
    check(b"\x1b" not in data and b"\x07" not in data, "%s: no terminal escape" % what)


def check_ics(data, what):
    """RFC 5545 shape: CRLF lines <= 75 octets, no injected property."""
    try:
        import icalendar
    except ImportError:
        check(False, "%s: python3-icalendar is installed" % what)
        return
    lines = data.split(b"\r\n")
    check(lines[-1] == b"" and all(b"\n" not in l and b"\r" not in l for l in lines),
          "%s: CRLF line ends only" % what)
    long_lines = [len(l) for l in lines if len(l) > 75]
    check(not long_lines, "%s: every line <= 75 octets (%s)" % (what, long_lines[:3]))
    unfolded = re.sub(rb"\r\n[ \t]", b"", data).split(b"\r\n")
    names = [l.split(b":")[0].split(b";")[0] for l in unfolded if l]
    check(all(re.fullmatch(rb"[A-Z][A-Z0-9-]*", n) for n in names),
          "%s: every content line starts with a property name" % what)
    check(b"SUMMARY:injected" not in unfolded, "%s: no injected SUMMARY line" % what)
    cal = icalendar.Calendar.from_ical(data)
    events = [c for c in cal.walk("VEVENT")]
    check(names.count(b"BEGIN") - 1 == len(events) and len(events) >= len(SUMMARIES),
          "%s: %d events parsed, one per deadline, none injected" % (what, len(events)))
    sums = [str(e.get("SUMMARY")) + str(e.get("DESCRIPTION")) for e in events]
    check(any("\nBEGIN:VEVENT\nSUMMARY:injected" in s for s in sums),
          "%s: the iCalendar text survives as escaped TEXT" % what)


def check_feed_json(data, what, schema):
    """feed.json parses and validates against docs/feed.schema.json."""
    try:
        doc = json.loads(data)
    except ValueError as e:
        check(False, "%s: valid JSON (%s)" % (what, e))
        return None
    check(True, "%s: valid JSON" % what)
    if schema is not None:
        import jsonschema
        try:
            jsonschema.validate(doc, schema)
            check(True, "%s: validates against docs/feed.schema.json" % what)
        except jsonschema.ValidationError as e:
            check(False, "%s: validates against docs/feed.schema.json: %s" % (what, e.message))
    sums = set(s for s in strings(doc))
    check(HTML in sums and SLACK in sums, "%s: the bug text is kept as it was" % what)
    return doc


def check_prom(data, what):
    """Prometheus text format: every line a comment or one sample."""
    line_re = re.compile(
        r'[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})?'
        r' [-+0-9.eEInfa]+( [0-9]+)?')
    bad = [l for l in data.decode("utf-8").split("\n")
           if l and not l.startswith("#") and not line_re.fullmatch(l)]
    check(not bad, "%s: every sample line is well-formed (%s)" % (what, bad[:2]))
    check(text_clean(data) is None, "%s: no control character" % what)


def check_mail(raw, what):
    """The header set is the fixed one, the subject one line, the body clean."""
    m = email.message_from_bytes(raw, policy=email.policy.default)
    expected = {"date", "from", "to", "subject", "message-id", "in-reply-to",
                "references", "auto-submitted", "mime-version", "content-type",
                "content-transfer-encoding"}
    # aiosmtpd's Mailbox handler adds X-Peer, X-MailFrom and X-RcptTo.
    names = [k.lower() for k in m.keys() if k.lower() not in ("x-peer", "x-mailfrom", "x-rcptto")]
    check(set(names) == expected and len(names) == len(expected),
          "%s: exactly the expected headers (%s)" % (what, sorted(set(names) ^ expected)))
    check(m["Bcc"] is None and m["Cc"] is None and
          all("evil@x.example" not in r for r in m.get_all("X-RcptTo", [])),
          "%s: no Bcc, no Cc, no injected recipient" % what)
    subject = str(m["Subject"])
    check(text_clean(subject.encode("utf-8")) is None and "\n" not in subject,
          "%s: subject is one line of text: %r" % (what, subject[:80]))
    body = m.get_content()
    check(text_clean(body.encode("utf-8")) is None and "\x1b" not in body,
          "%s: body is clean text (%s)" % (what, text_clean(body.encode("utf-8"))))
    forged = [l for l in body.splitlines() if re.match(r"(Bcc|BEGIN|SUMMARY|END):", l)]
    check(not forged, "%s: bug text starts no line of the body (%s)" % (what, forged[:2]))
    return subject, body


def check_slack(raw, what):
    """Valid JSON; no mention or link from bug text; & < > escaped."""
    try:
        doc = json.loads(raw)
    except ValueError:
        check(False, "%s: valid JSON" % what)
        return
    bad = []
    for s in strings(doc):
        for i in [m.start() for m in re.finditer("<", s)]:
            if not s.startswith("<http://127.0.0.1", i) and not s.startswith("<https://bugzilla", i) \
                    and not re.match(r"<https?://[^|>\s]+\|[^<>]*>", s[i:]):
                bad.append(s[i:i + 30])
            if re.match(r"<https?://evil", s[i:]):
                bad.append(s[i:i + 30])
        for m in re.finditer("&", s):
            if not re.match("&(amp|lt|gt);", s[m.start():]):
                bad.append(s[m.start():m.start() + 10])
        if "<!" in s or "<@" in s or "\x1b" in s:
            bad.append(s[:40])
    check(not bad, "%s: mrkdwn inert (%s)" % (what, bad[:3]))


def check_log(path, what):
    """Every byte is printable ASCII, \\n, \\t or part of valid UTF-8."""
    with open(path, "rb") as f:
        data = f.read()
    why = text_clean(data)
    check(why is None, "%s: no raw control character or invalid UTF-8 (%s)" % (what, why))
    check(len(data) > 0 and not re.search(rb"\nBcc:", data),
          "%s: %d lines, none starting with injected text" % (what, data.count(b"\n")))


def vm_hwm_kb(pid):
    """VmHWM of pid in kB, or -1."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def asan_build(path):
    """Whether the program was built with AddressSanitizer."""
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def integrity(db):
    """PRAGMA integrity_check of a store."""
    c = sqlite3.connect(db)
    try:
        return c.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        c.close()


def load_schema(name):
    """A schema from docs/, or None without python3-jsonschema."""
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        check(False, "python3-jsonschema is installed")
        return None
    with open(os.path.join(SRC, "docs", name)) as f:
        return json.load(f)


class Hostile(http.server.BaseHTTPRequestHandler):
    """A server that answers like Bugzilla with hostile sizes (Hostile.mode)."""

    mode = "descending"
    total = 50000
    bodies = {}

    def bug(self, bid):
        return {"id": bid, "summary": "Example CA: %d" % bid, "status": "RESOLVED",
                "resolution": "FIXED", "is_open": False, "product": "CA Program",
                "component": "CA Certificate Compliance",
                "creation_time": "2024-01-01T00:00:00Z",
                "last_change_time": "2024-01-02T00:00:00Z"}

    def search(self, q):
        limit = int(q.get("limit", ["500"])[0])
        offset = int(q.get("offset", ["0"])[0])
        if Hostile.mode == "bigpage":
            return {"bugs": [self.bug(i + 1) for i in range(2 * limit + 1)]}
        if Hostile.mode == "descending":
            # Every page in descending id order: the worst order for a sort
            # by insertion.
            top = Hostile.total - offset
            ids = range(top, max(top - limit, 0), -1)
            return {"bugs": [self.bug(i) for i in ids]}
        return None

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/rest/time":
            t = "9999-12-31T23:00:00Z" if Hostile.mode == "future" else iso(time.time())
            body = json.dumps({"db_time": t}).encode()
        elif url.path.endswith("/comment"):
            body = b'{"bugs": {}, "comments": {}}'
        elif url.path.endswith("/history"):
            body = b'{"bugs": []}'
        elif Hostile.mode in Hostile.bodies:
            body = Hostile.bodies[Hostile.mode]
        else:
            body = json.dumps(self.search(q) or {"bugs": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def measured_sync(conf, limit_as):
    """ccwatch sync --full: (exit status, output, seconds, peak RSS in kB).

    The peak is VmHWM read every 5 ms until the process ends (a fork's
    rusage would count this process too); limit_as, when set, caps the
    child's address space, so that a blow-up fails the run instead of
    passing unseen.
    """
    import resource

    def cap():
        if limit_as:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))

    t0 = time.monotonic()
    out = tempfile.TemporaryFile()
    p = subprocess.Popen([CCWATCH, "-c", conf, "sync", "--full"], stdout=out,
                         stderr=subprocess.STDOUT, preexec_fn=cap)
    hwm = 0
    while p.poll() is None:
        hwm = max(hwm, vm_hwm_kb(p.pid))
        time.sleep(0.005)
    out.seek(0)
    text = out.read().decode("utf-8", "replace")
    out.close()
    return p.returncode, text, time.monotonic() - t0, hwm


def phase_resources(work):
    """What a server controls the size of: each refused or bounded, measured.

    Each sync runs with its address space capped at 1 GiB (but under ASan),
    so a response that blew it up would fail the run, not pass; the time
    and peak RSS are printed for docs/RELIABILITY.md, not asserted.
    """
    # 3M empty strings in one cc list (9 MB) and 2.1M minimal bugs (30 MB).
    # Built without a list of millions of objects, so that this process stays
    # small: a child's peak RSS counts what it shared with it before exec.
    Hostile.bodies["cc"] = b'{"bugs": [{"id": 1, "cc": [' + b'"",' * 2999999 + b'""]}]}'
    minimal = io.BytesIO()
    minimal.write(b'{"bugs": [{"id":1}')
    for i in range(2, 2100001):
        minimal.write(b',{"id":%d}' % i)
    minimal.write(b"]}")
    Hostile.bodies["minimal"] = minimal.getvalue()
    del minimal
    server = serve(Hostile)
    url = "http://127.0.0.1:%d" % server.server_address[1]
    asan = asan_build(CCWATCH)
    try:
        for mode, want in (("descending", None), ("bigpage", "a page of 1001 bugs"),
                           ("cc", "more than 2000000 JSON values"),
                           ("minimal", "more than 2000000 JSON values"),
                           ("future", "9999-12-31T23:00:00Z")):
            Hostile.mode = mode
            db = os.path.join(work, "res-%s.db" % mode)
            conf = write_conf(work, "res-%s.conf" % mode, url, db)
            rc, out, secs, rss = measured_sync(conf, 0 if asan else 1024 << 20)
            print("# resources: %s: exit %d in %.2f s, peak RSS %d kB" % (mode, rc, secs, rss))
            if want is None:
                n = sqlite3.connect(db).execute("SELECT count(*) FROM bugs").fetchone()[0]
                check(rc == 0 and n == Hostile.total,
                      "%s: %d bugs in descending order are stored (%d)" % (mode, Hostile.total, n))
            else:
                check(rc != 0 and want in out, "%s: refused: %s" % (mode, out.strip()[-200:]))
                n = sqlite3.connect(db).execute("SELECT count(*) FROM bugs").fetchone()[0]
                c = sqlite3.connect(db).execute("SELECT db_time FROM sync_state").fetchone()[0]
                check(n == 0 and c == 0, "%s: nothing stored, the cursor unchanged" % mode)
    finally:
        server.shutdown()


def shown_escaped(text, want, what):
    """Bidi and zero-width characters are shown (want), never obeyed."""
    raw = [c for c in INVISIBLE if c in text or json.dumps(c)[1:-1] in text]
    check(want in text and not raw,
          "%s: bidi and zero-width characters shown as %s (raw: %r)" % (what, want, raw))


def phase_cli(work, conf):
    """sync, status, explain and feed on the hostile store."""
    r = run(conf, "sync")
    check(r.returncode == 0, "ccwatch sync: exit 0 (%r)" % r.stderr[-300:])
    why = text_clean(r.stderr)
    check(why is None, "ccwatch sync: stderr inert (%s)" % why)
    check(b"1969999" in r.stderr or b"skipped" in r.stderr,
          "ccwatch sync: the malformed record is reported: %r" % r.stderr[-300:])
    db = os.path.join(work, "cli.db")
    check(integrity(db) == "ok", "the CLI store passes integrity_check")
    c = sqlite3.connect(db)
    n = c.execute("SELECT count(*) FROM bugs").fetchone()[0]
    big = c.execute("SELECT max(length(text)) FROM comments").fetchone()[0]
    c.close()
    check(n == len(SUMMARIES), "every hostile bug is stored: %d" % n)
    check(big is not None and big >= BIG - 64, "the 10 MB comment is stored whole: %s" % big)

    r = run(conf, "status", "--all")
    check(r.returncode == 0, "status: exit 0")
    why = terminal_clean(r.stdout)
    check(why is None, "status (piped): no ESC, CR, BEL or other control (%s)" % why)
    check(b"alert(1)" in r.stdout, "status (piped): the hostile summary is shown")
    shown_escaped(r.stdout.decode("utf-8", "replace"), "<U+202E>", "status (piped)")
    out = run_pty(conf, "status", "--all")
    check(SGR.search(out) is not None, "status (pty): colours are on")
    why = terminal_clean(out, allow_sgr=True)
    check(why is None, "status (pty): no escape but SGR, no BEL, no bare CR (%s)" % why)

    r = run(conf, "status", "--json", "--all")
    try:
        doc = json.loads(r.stdout)
        check(True, "status --json: valid JSON")
        schema = load_schema("status.schema.json")
        if schema is not None:
            import jsonschema
            try:
                jsonschema.validate(doc, schema)
                check(True, "status --json: validates against docs/status.schema.json")
            except jsonschema.ValidationError as e:
                check(False, "status --json: validates: %s" % e.message)
        check(HTML in set(strings(doc)), "status --json: the text is preserved exactly")
    except ValueError as e:
        check(False, "status --json: valid JSON (%s)" % e)

    bad = []
    for i in range(len(SUMMARIES)):
        r = run(conf, "explain", str(1960001 + i))
        why = terminal_clean(r.stdout) or (None if r.returncode == 0 else "exit %d" % r.returncode)
        if why:
            bad.append("%d: %s" % (1960001 + i, why))
    check(not bad, "explain of every bug: exit 0, inert (%s)" % bad[:2])

    fschema = load_schema("feed.schema.json")
    r = run(conf, "feed", "--format", "json")
    check(r.returncode == 0, "feed json: exit 0")
    check_feed_json(r.stdout, "feed json", fschema)
    r = run(conf, "feed", "--format", "ics")
    check(r.returncode == 0, "feed ics: exit 0")
    check_ics(r.stdout, "feed ics")
    r = run(conf, "feed", "--format", "html")
    check(r.returncode == 0, "feed html: exit 0")
    check_html(r.stdout, "feed html")
    shown_escaped(r.stdout.decode("utf-8", "replace"), "&lt;U+202E&gt;", "feed html")
    r = run(conf, "feed", "--format", "prom")
    check(r.returncode == 0, "feed prom: exit 0")
    check_prom(r.stdout, "feed prom")
    return fschema


def phase_daemon(work, url, fschema):
    """The daemon: alerts by mail, webhook and Slack; the served feed."""
    receiver = serve(Receiver)
    rport = receiver.server_address[1]
    smtp_port = sink("start", work)
    feed_port = free_port()
    for name, data in (("hook.secret", SECRET + b"\n"),
                       ("slack.url", b"http://127.0.0.1:%d/slack/T000/B000\n" % rport)):
        with open(os.path.join(work, name), "wb") as f:
            f.write(data)
        os.chmod(os.path.join(work, name), 0o600)
    db = os.path.join(work, "daemon.db")
    conf = write_conf(work, "daemon.conf", url, db, f"""[alerts]
retry_base = 1
retry_max = 2
max_per_cycle = 100
[route "all"]
channels = mail, hook, slack
[channel "mail"]
type = smtp
url = smtp://127.0.0.1:{smtp_port}
require_starttls = no
timeout = 10
from = ccwatch@example.test
to = team@example-ca.test
[channel "hook"]
type = webhook
url = http://127.0.0.1:{rport}/hook
secret_file = {work}/hook.secret
timeout = 10
[channel "slack"]
type = slack
webhook_url_file = {work}/slack.url
timeout = 10
[feed]
listen = 127.0.0.1:{feed_port}
""")
    logpath = os.path.join(work, "ccwatchd.log")
    log = open(logpath, "wb")
    d = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=log, stderr=log)
    n = len(SUMMARIES)
    hwm = -1
    try:
        ok = wait_until(lambda: len(mails(work)) >= n and len(Receiver.hooks) >= n
                        and len(Receiver.slack) >= n, 120)
        check(ok, "daemon: %d alerts by mail, webhook and Slack (%d, %d, %d)"
              % (n, len(mails(work)), len(Receiver.hooks), len(Receiver.slack)))
        time.sleep(3)  # a few more cycles over the same text
        check(d.poll() is None, "daemon: still running after the hostile cycles")
        hwm = vm_hwm_kb(d.pid)
        limit = MAX_HWM_ASAN_KB if asan_build(CCWATCHD) else MAX_HWM_KB
        print("# ccwatchd VmHWM with the 10 MB comment: %d kB%s" %
              (hwm, " (ASan build)" if limit == MAX_HWM_ASAN_KB else ""))
        check(0 < hwm < limit, "daemon: VmHWM %d kB < %d kB" % (hwm, limit))

        subjects = []
        for i, raw in enumerate(mails(work)):
            s, _ = check_mail(raw, "mail %d" % i)
            subjects.append(s)
        check(any("<U+202E>exe.gnp<U+202C>" in s for s in subjects) and
              not any(c in s for s in subjects for c in INVISIBLE),
              "mail subjects: bidi and zero-width characters shown as <U+202E>")
        slack = b"".join(Receiver.slack).decode("utf-8", "replace")
        shown_escaped(slack, "&lt;U+202E&gt;", "slack")
        check(any("alert(1)" in s for s in subjects) and
              any("Bcc: evil@x.example" in s for s in subjects),
              "mail: the hostile summaries arrive as subject text")
        for i, raw in enumerate(Receiver.slack):
            check_slack(raw, "slack %d" % i)
        wschema = load_schema("webhook.schema.json")
        seen = set()
        for i, raw in enumerate(Receiver.hooks):
            try:
                doc = json.loads(raw)
            except ValueError:
                check(False, "webhook %d: valid JSON" % i)
                continue
            if wschema is not None:
                import jsonschema
                try:
                    jsonschema.validate(doc, wschema)
                    check(True, "webhook %d: validates against docs/webhook.schema.json" % i)
                except jsonschema.ValidationError as e:
                    check(False, "webhook %d: validates: %s" % (i, e.message))
            seen |= set(strings(doc))
        check(HTML in seen and SLACK in seen, "webhook: the text is preserved exactly")
        check(not any("\r" in s or "\x1b" in s for s in seen), "webhook: no CR or ESC in any string")

        base = "http://127.0.0.1:%d" % feed_port
        pages = {}
        for path in ("/", "/feed.json", "/deadlines.ics", "/metrics"):
            try:
                with urllib.request.urlopen(base + path, timeout=30) as r:
                    pages[path] = r.read()
            except OSError as e:
                check(False, "dashboard %s: served (%s)" % (path, e))
        if "/" in pages:
            check_html(pages["/"], "dashboard /")
        if "/feed.json" in pages:
            check_feed_json(pages["/feed.json"], "dashboard /feed.json", fschema)
        if "/deadlines.ics" in pages:
            check_ics(pages["/deadlines.ics"], "dashboard /deadlines.ics")
        if "/metrics" in pages:
            check_prom(pages["/metrics"], "dashboard /metrics")
        check(d.poll() is None, "daemon: still running after serving the feed")
    finally:
        if d.poll() is None:
            d.send_signal(signal.SIGTERM)
            rc = d.wait(timeout=30)
        else:
            rc = d.returncode
        log.close()
        sink("stop", work)
        receiver.shutdown()
    check(rc == 0, "daemon: SIGTERM, exit 0 (%s)" % rc)
    check_log(logpath, "daemon log")
    check(integrity(db) == "ok", "the daemon's store passes integrity_check")


def phase_wire(work, now, what, summary, text, extra=None):
    """Bytes that are not valid JSON on the wire: a clean failure."""
    created = now - 4 * 86400
    bug = {"id": 1969001, "summary": summary,
           "product": "CA Program", "component": "CA Certificate Compliance",
           "status": "NEW", "resolution": "", "whiteboard": "[ca-compliance]",
           "creation_time": iso(created), "last_change_time": iso(created),
           "creator": "r@community.test", "assigned_to": "compliance@example-ca.test",
           "cc": [], "flags": [], "groups": [],
           "comments": [{"id": 19690010, "count": 0, "creator": "r@community.test",
                         "creation_time": iso(created), "text": text,
                         "is_private": False}], "history": []}
    if extra:
        bug["comments"][0]["tags"] = extra["comments_tags"]
    tag = re.sub(r"\W+", "-", what)
    corpus = os.path.join(work, "wire-%s.json" % tag)
    with open(corpus, "w") as f:
        json.dump({"bugs": [bug], "users": {}}, f)
    fake = Fake(corpus, now)
    Proxy.upstream = fake.url
    Proxy.bad = True
    proxy = serve(Proxy)
    db = os.path.join(work, "wire-%s.db" % tag)
    conf = write_conf(work, "wire-%s.conf" % tag,
                      "http://127.0.0.1:%d" % proxy.server_address[1], db)
    try:
        r = run(conf, "sync")
        check(r.returncode > 0, "%s: sync fails with an exit status, no crash (%d)"
              % (what, r.returncode))
        why = text_clean(r.stderr)
        check(why is None, "%s: the error is inert (%s)" % (what, why))
        check(b"invalid JSON" in r.stderr, "%s: the error names the JSON: %r"
              % (what, r.stderr.decode("utf-8", "replace")[-160:]))
        if os.path.exists(db):
            check(integrity(db) == "ok", "%s: the store is intact" % what)
            c = sqlite3.connect(db)
            n = c.execute("SELECT count(*) FROM comments").fetchone()[0]
            c.close()
            check(n == 0, "%s: no comment half-stored (%d)" % (what, n))
    finally:
        Proxy.bad = False
        proxy.shutdown()
        fake.stop()


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-hostile.")
    now = time.time()
    corpus = os.path.join(work, "corpus.json")
    with open(corpus, "w") as f:
        json.dump({"bugs": corpus_bugs(now),
                   "users": {EVIL_LOGIN: {"real_name": "Evil \r\nBcc: evil@x.example <b>",
                                          "nick": "<!channel>"}}}, f)
    fake = Fake(corpus, now)
    proxy = None
    try:
        check(fake.url.startswith("http://127.0.0.1:"), "the fake serves the hostile corpus")
        if not fake.url.startswith("http://127.0.0.1:"):
            raise SystemExit("%d passed, %d failed" % (passed, failed))
        Proxy.upstream = fake.url
        proxy = serve(Proxy)
        url = "http://127.0.0.1:%d" % proxy.server_address[1]
        conf = write_conf(work, "cli.conf", url, os.path.join(work, "cli.db"))
        fschema = phase_cli(work, conf)
        phase_daemon(work, url, fschema)
    finally:
        if proxy is not None:
            proxy.shutdown()
        fake.stop()
    phase_wire(work, now, "invalid UTF-8 in a summary", "Example CA: bad ZZBADZZ bytes", "x")
    phase_wire(work, now, "a lone surrogate in a comment", "Example CA: ok", "lone ZZSURRZZ here")
    phase_wire(work, now, "100000-deep nesting", "Example CA: deep", "x",
               {"comments_tags": "ZZDEEPZZ"})
    phase_resources(work)
    print("%d passed, %d failed" % (passed, failed))
    if failed == 0 and not os.environ.get("HOSTILE_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work directory kept: " + work)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
