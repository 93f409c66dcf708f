#!/usr/bin/python3
"""End-to-end test of alert delivery by the real daemon.

ccwatchd -d runs against the fake Bugzilla (tests/fakebz) and delivers to a
real SMTP server on loopback (aiosmtpd through tests/smtp-sink.sh) and to a
webhook receiver in this process that checks every HMAC.  The corpus is
written relative to the wall clock, since the daemon runs on it.

1. Two clocks alert (one overdue, one due soon): each arrives once by mail
   and once by webhook.
2. The daemon stops; the bugs change (a CA answer, a new late bug); it
   starts again: the two new transitions arrive, once each, and nothing
   earlier arrives again.
3. The SMTP server goes away and the webhook answers 503 for several
   cycles while a new alert is due; when both come back the alert arrives
   once on each, the webhook's retries keeping their delivery id.

Every wait is bounded; everything listens on 127.0.0.1 only.
"""
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

BUILD = os.environ.get("TOPBUILDDIR", ".")
SRC = os.environ.get("TOPSRCDIR", ".")
SINK = os.path.join(SRC, "tests/smtp-sink.sh")
SECRET = b"test-webhook-secret"

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


def bug(bid, summary, created, comments=(), touched=None):
    """One corpus bug filed at created by a community member."""
    cs = [{"id": bid * 10, "count": 0, "creator": "reporter@community.test",
           "creation_time": iso(created), "text": "Something went wrong.",
           "is_private": False}]
    for i, (who, t, text) in enumerate(comments, 1):
        cs.append({"id": bid * 10 + i, "count": i, "creator": who,
                   "creation_time": iso(t), "text": text, "is_private": False})
    last = touched or max(c_t for _, c_t, _ in comments) if comments else created
    return {"id": bid, "summary": summary, "product": "CA Program",
            "component": "CA Certificate Compliance", "status": "NEW",
            "resolution": "", "whiteboard": "[ca-compliance]",
            "creation_time": iso(created), "last_change_time": iso(last),
            "creator": "reporter@community.test",
            "assigned_to": "compliance@example-ca.test", "cc": [],
            "flags": [], "groups": [], "comments": cs, "history": []}


class Hook(http.server.BaseHTTPRequestHandler):
    """The webhook receiver: checks the signature, records the delivery."""

    status = 200
    accepted = []   # delivery ids answered 2xx
    attempts = []   # every delivery id received
    bad_sig = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        mac = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(mac, self.headers.get("X-Ccwatch-Signature", "")):
            Hook.bad_sig += 1
        did = self.headers.get("X-Ccwatch-Delivery")
        Hook.attempts.append(did)
        if json.loads(body).get("delivery_id") != did:
            Hook.bad_sig += 1
        code = Hook.status
        if code == 200:
            Hook.accepted.append(did)
        self.send_response(code)
        if code == 503:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Fake:
    """The fake Bugzilla serving a corpus file, on a free port."""

    def __init__(self, corpus):
        args = [os.path.join(BUILD, "tests/fakebz"), corpus]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def sink(cmd, work, port=None):
    """Start or stop the SMTP sink; start returns its port."""
    args = ["sh", SINK, cmd, os.path.join(work, "smtp")]
    if port is not None:
        args.append(str(port))
    out = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if out.returncode == 77:
        print("aiosmtpd is not installed: skipping")
        sys.exit(77)
    if out.returncode != 0:
        raise RuntimeError("smtp-sink %s: %s" % (cmd, out.stderr))
    return int(out.stdout.strip()) if cmd == "start" else None


def mails(work):
    """The messages in the sink's maildir, parsed."""
    new = os.path.join(work, "smtp/maildir/new")
    out = []
    for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
        with open(os.path.join(new, name), "rb") as f:
            out.append(email.message_from_binary_file(f, policy=email.policy.default))
    return out


def wait_until(cond, timeout=30.0):
    """Poll cond until it holds or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


class Daemon:
    """ccwatchd -d with a configuration pointing at url."""

    def __init__(self, work, url, smtp_port, hook_port, phase):
        conf = os.path.join(work, "ccwatch.conf")
        with open(conf, "w") as f:
            f.write(f"""[bugzilla]
url = {url}
retries = 0
timeout = 5
[store]
path = {work}/ccwatch.db
[daemon]
poll_interval = 1
poll_jitter = 0
backoff_max = 60
[ca "Example CA"]
domains = example-ca.test
[alerts]
retry_base = 1
retry_max = 2
[route "team"]
ca = "Example CA"
clock = initial-report
channels = mail, hook
[channel "mail"]
type = smtp
url = smtp://127.0.0.1:{smtp_port}
require_starttls = no
timeout = 5
from = ccwatch@example.test
to = team@example-ca.test
[channel "hook"]
type = webhook
url = http://127.0.0.1:{hook_port}/hook
secret_file = {work}/hook.secret
timeout = 5
""")
        self.log = open(os.path.join(work, "ccwatchd.%d.log" % phase), "w")
        self.proc = subprocess.Popen(
            [os.path.join(BUILD, "src/ccwatchd"), "-d", "-c", conf],
            stdout=self.log, stderr=self.log)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=20)
        self.log.close()
        return rc


def message_ids(work):
    """The Message-IDs that arrived, in order."""
    return [m["Message-ID"] for m in mails(work)]


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-alerts.")
    with open(os.path.join(work, "hook.secret"), "wb") as f:
        f.write(SECRET + b"\n")
    os.chmod(os.path.join(work, "hook.secret"), 0o600)
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook_port = server.server_address[1]
    smtp_port = sink("start", work)
    now = time.time()
    corpus = os.path.join(work, "corpus.json")
    d = fake = None
    try:
        # Phase 1: bug 1 filed 4 days ago (overdue), bug 2 30 hours ago.
        bugs = [bug(1900001, "Example CA: OCSP outage", now - 4 * 86400),
                bug(1900002, "Example CA: CRL gap \u00e9t\u00e9", now - 30 * 3600)]
        json.dump({"bugs": bugs, "users": {}}, open(corpus, "w"))
        fake = Fake(corpus)
        d = Daemon(work, fake.url, smtp_port, hook_port, 1)
        check(wait_until(lambda: len(mails(work)) >= 2 and len(Hook.accepted) >= 2),
              "phase 1: two alerts by mail and by webhook")
        time.sleep(3)  # a few more cycles: nothing more
        ids = message_ids(work)
        check(len(ids) == 2 and len(set(ids)) == 2, "phase 1: two distinct Message-IDs: %s" % ids)
        states = sorted(m["Subject"] for m in mails(work))
        check(any("overdue" in s.lower() for s in states) and
              any("due" in s.lower() and "soon" in s.lower() for s in states),
              "phase 1: one overdue, one due soon: %s" % states)
        check(all(m["Auto-Submitted"] == "auto-generated" for m in mails(work)),
              "mail is Auto-Submitted: auto-generated")
        check(len(Hook.accepted) == 2 and Hook.bad_sig == 0,
              "webhook: two deliveries, every signature valid")

        # Phase 2: down; then a CA answer on bug 1 and a late bug 3.
        check(d.stop() == 0, "SIGTERM: exit 0")
        d = None
        fake.stop()
        bugs[0] = bug(1900001, "Example CA: OCSP outage", now - 4 * 86400,
                      [("compliance@example-ca.test", time.time() - 60,
                        "We are investigating and will report.")])
        bugs.append(bug(1900003, "Example CA: audit late", now - 5 * 86400))
        json.dump({"bugs": bugs, "users": {}}, open(corpus, "w"))
        fake = Fake(corpus)
        d = Daemon(work, fake.url, smtp_port, hook_port, 2)
        check(wait_until(lambda: len(mails(work)) >= 4 and len(Hook.accepted) >= 4),
              "phase 2: the transitions while down arrive after the restart")
        time.sleep(3)
        ids = message_ids(work)
        check(len(ids) == 4 and len(set(ids)) == 4,
              "phase 2: four mails in all, no duplicate: %d" % len(ids))
        check(len(Hook.accepted) == 4 and len(set(Hook.accepted)) == 4,
              "phase 2: four webhook deliveries, no duplicate")
        met = [m for m in mails(work) if "1900001" in m["Subject"] and " met " in m["Subject"]]
        first = [m for m in mails(work) if "1900001" in m["Subject"]][0]
        check(len(met) == 1 and met[0]["References"] == first["References"] and
              met[0]["In-Reply-To"] == first["In-Reply-To"] and "1900001" in first["References"],
              "the met mail threads with the bug's first: %s" % (met and met[0]["References"]))

        # Phase 3: SMTP down, webhook failing; a new late bug.
        sink("stop", work)
        Hook.status = 503
        n_attempts = len(Hook.attempts)
        d.stop()
        fake.stop()
        bugs.append(bug(1900004, "Example CA: another late one", now - 4 * 86400))
        json.dump({"bugs": bugs, "users": {}}, open(corpus, "w"))
        fake = Fake(corpus)
        d = Daemon(work, fake.url, smtp_port, hook_port, 3)
        check(wait_until(lambda: len(Hook.attempts) >= n_attempts + 2),
              "phase 3: the webhook is retried while it fails")
        time.sleep(4)
        retried = set(Hook.attempts[n_attempts:])
        check(len(retried) == 1, "phase 3: every retry keeps the delivery id: %s" % retried)
        check(len(mails(work)) == 4, "phase 3: nothing arrives while the SMTP server is down")
        sink("start", work, smtp_port)
        Hook.status = 200
        check(wait_until(lambda: len(mails(work)) >= 5 and len(Hook.accepted) >= 5, 40),
              "phase 3: after the outage the alert arrives")
        time.sleep(3)
        ids = message_ids(work)
        check(len(ids) == 5 and len(set(ids)) == 5, "phase 3: once by mail: %d mails" % len(ids))
        check(len(Hook.accepted) == 5 and len(set(Hook.accepted)) == 5,
              "phase 3: once by webhook")
        out = subprocess.run([os.path.join(BUILD, "src/ccwatch"), "-c",
                              os.path.join(work, "ccwatch.conf"), "alerts", "--json"],
                             capture_output=True, text=True, timeout=30)
        counts = json.loads(out.stdout)["counts"] if out.returncode == 0 else {}
        check(counts.get("dead") == 0 and counts.get("pending") == 0 and counts.get("sent") == 10,
              "ccwatch alerts: 10 sent, none pending or dead: %s" % counts)
    finally:
        if d is not None:
            d.stop()
        if fake is not None:
            fake.stop()
        sink("stop", work)
        server.shutdown()
    print("%d passed, %d failed" % (passed, failed))
    if failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work directory kept: " + work)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
