#!/usr/bin/python3
"""End-to-end test of floods and failing channels, through the CLI.

Real receivers on 127.0.0.1: an aiosmtpd server in this process (whose
answers to RCPT TO and DATA the test sets), a Slack receiver and a signed
webhook receiver (ccwtest.Webhook).  The bugs come from the fake Bugzilla
(tests/fakebz) through "ccwatch sync"; "ccwatch alerts --run" evaluates and
delivers as the daemon does after a cycle.

1. A flood: 1,200 overdue bugs in one evaluation.  Every alert reaches the
   webhook on its own; mail and Slack get max_per_cycle (20) alerts and one
   summary that lists 20 and says "and 1160 more - see <public_url>".
2. Failures are seen and recover: each channel in turn is made to fail
   (SMTP 554 at DATA, webhook 503, Slack 500) while a new bug alerts.
   "ccwatch check" turns WARNING and names it, the metrics count its
   failures and pending deliveries; once it answers again the next run
   delivers, and check and the metrics are back to normal.
3. Definite rejections: a webhook 410 and an SMTP 550 to RCPT TO are dead
   letters at once, "ccwatch check" is CRITICAL; "alerts --retry-dead"
   requeues them and they are delivered.

Every wait is bounded; nothing is timed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import http.server

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, Fake, Webhook, check, hook_channel, section,  # noqa: E402
                     write_conf, write_corpus, write_file, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402

SECRET = b"test-webhook-secret"
PUBLIC = "https://ccwatch.example.org/"
FLOOD = 1200
EARLY = "2020-01-01T00:00:00Z"  # before every bug: check sees deliveries only


class Mail:
    """aiosmtpd in this process; rcpt and data are the codes it answers."""

    def __init__(self):
        self.rcpt = "250 OK"
        self.data = "250 OK"
        self.messages = []
        self.lock = threading.Lock()
        self.port = ccwtest.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.rcpt.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt

    async def handle_DATA(self, server, session, envelope):
        if self.data.startswith("250"):
            with self.lock:
                self.messages.append(envelope.content.decode("utf-8", "replace"))
        return self.data

    def count(self):
        with self.lock:
            return len(self.messages)

    def stop(self):
        self.controller.stop()


class Slack:
    """A Slack incoming-webhook receiver answering status."""

    def __init__(self):
        self.status = 200
        self.posts = []
        slack = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if slack.status == 200:
                    slack.posts.append(json.loads(body))
                self.send_response(slack.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def ccwatch(conf, *args, timeout=120):
    """Run ccwatch -c conf args; returns the CompletedProcess."""
    return subprocess.run([CCWATCH, "-c", conf] + list(args), capture_output=True,
                          text=True, timeout=timeout)


def setup(work, fake_url, mail, slack, hook, **alerts):
    """The configuration: one route of initial-report clocks to all three channels."""
    write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
    write_secret(os.path.join(work, "slack.url"), "http://127.0.0.1:%d/slack" % slack.port)
    return write_conf(
        os.path.join(work, "ccwatch.conf"),
        section("bugzilla", url=fake_url, retries=0, timeout=10),
        section("store", path="%s/ccwatch.db" % work),
        section('ca "Example CA"', domains="example-ca.test"),
        section("alerts", retry_base=1, retry_max=1, **alerts),
        section('route "team"', clock="initial-report", channels="mail, slack, hook"),
        section('channel "mail"', type="smtp", url="smtp://127.0.0.1:%d" % mail.port,
                require_starttls="no", timeout=10, to="team@example-ca.test",
                **{"from": "ccwatch@example.test"}),
        section('channel "slack"', type="slack", webhook_url_file="%s/slack.url" % work,
                timeout=10),
        hook_channel("hook", hook.port, "%s/hook.secret" % work)
        + "max_per_second = 400\n",
        section("feed", public_url=PUBLIC))


def run_until(conf, done, runs=30):
    """alerts --run until done() (at most runs times); returns the runs made."""
    for i in range(runs):
        r = ccwatch(conf, "alerts", "--run")
        if r.returncode != 0:
            print("# alerts --run: %s" % r.stderr.strip()[-300:])
        if done():
            return i + 1
    return runs


def flood(work, mail, slack, hook):
    """Phase 1: 1,200 transitions at once."""
    now = time.time()
    corpus = write_corpus(os.path.join(work, "corpus.json"),
                          [bug(1960000 + i, "Example CA: flood %d" % i, now - 4 * 86400)
                           for i in range(FLOOD)])
    fake = Fake(corpus)
    try:
        conf = setup(work, fake.url, mail, slack, hook, max_per_cycle=20)
        r = ccwatch(conf, "sync", "--full", timeout=300)
        check(r.returncode == 0, "flood: sync of %d bugs: %s" % (FLOOD, r.stderr.strip()[-200:]))
    finally:
        fake.stop()
    runs = run_until(conf, lambda: len(hook.accepted()) >= FLOOD)
    ids = hook.accepted()
    docs = hook.documents()
    check(len(ids) == FLOOD and len(set(ids)) == FLOOD,
          "flood: the webhook got %d of %d alerts, each once (%d runs)" % (len(set(ids)), FLOOD, runs))
    check(all(d.get("schema") == "ccwatch.alert/3" for d in docs) and hook.bad == 0,
          "flood: each webhook delivery is one signed alert, none folded")
    check(mail.count() == 21, "flood: mail got 20 alerts and one summary: %d" % mail.count())
    summary = [m for m in mail.messages if "Digest" in m]
    check(len(summary) == 1 and "and 1160 more - see " + PUBLIC in summary[0].replace("=\n", ""),
          "flood: the mail summary lists 20 and links the rest")
    check(len(summary) == 1 and len(summary[0]) < 256 * 1024,
          "flood: the summary is bounded: %d bytes" % (len(summary[0]) if summary else -1))
    texts = [json.dumps(p) for p in slack.posts]
    check(len(slack.posts) == 21 and sum("and 1160 more" in t for t in texts) == 1,
          "flood: Slack got 20 alerts and one summary: %d posts" % len(slack.posts))
    r = ccwatch(conf, "alerts", "--json")
    counts = json.loads(r.stdout)["counts"] if r.returncode == 0 else {}
    check(counts.get("pending") == 0 and counts.get("dead") == 0,
          "flood: nothing pending, no dead letter: %s" % counts)
    print("flood-result: %s" % json.dumps({"transitions": FLOOD, "webhook": len(set(ids)),
                                          "mail": mail.count(), "slack": len(slack.posts),
                                          "runs": runs}))


def prom(conf):
    """The metrics of ccwatch feed --format prom as a dict of series."""
    r = ccwatch(conf, "feed", "--format", "prom")
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r'^(ccwatch_(?:outbox|channel)_[a-z_]+(?:\{[^}]*\})?) (-?[0-9]+)$', line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def failures(work, mail, slack, hook):
    """Phases 2 and 3: each channel fails and recovers; definite rejections."""
    now = time.time()
    bugs = [bug(1970000, "Example CA: first", now - 4 * 86400)]
    corpus = os.path.join(work, "corpus.json")

    def add_bug_and_run(conf):
        bugs.append(bug(1970000 + len(bugs), "Example CA: late %d" % len(bugs), now - 4 * 86400))
        write_corpus(corpus, bugs)
        fake = Fake(corpus)
        try:
            write_file(conf, open(conf).read().replace(old_url[0], fake.url))
            old_url[0] = fake.url
            r = ccwatch(conf, "sync", "--full")
            check(r.returncode == 0, "sync of bug %d" % bugs[-1]["id"])
        finally:
            fake.stop()
        return ccwatch(conf, "alerts", "--run")

    write_corpus(corpus, bugs)
    fake = Fake(corpus)
    old_url = [fake.url]
    conf = setup(work, fake.url, mail, slack, hook)
    try:
        r = ccwatch(conf, "sync", "--full")
        check(r.returncode == 0, "sync of bug 1970000")
    finally:
        fake.stop()
    ccwatch(conf, "alerts", "--run")
    r = ccwatch(conf, "check", "--as-of", EARLY)
    check(r.returncode == 0 and "failing_channels=0;1; dead_letters=0;;1" in r.stdout,
          "all channels up: check OK: %s" % r.stdout.strip())

    def down(name):
        if name == "mail":
            mail.data = "554 5.0.0 Weird trouble"
        elif name == "slack":
            slack.status = 500
        else:
            hook.status = 503

    def up():
        mail.data = "250 OK"
        slack.status = 200
        hook.status = 200

    for name in ("mail", "slack", "hook"):
        down(name)
        add_bug_and_run(conf)
        r = ccwatch(conf, "check", "--as-of", EARLY)
        check(r.returncode == 1 and ("channel %s failing" % name) in r.stdout and
              "failing_channels=1;1;" in r.stdout,
              "%s down: check WARNING names it: %s" % (name, r.stdout.strip()))
        m = prom(conf)
        check(m.get('ccwatch_channel_failures{channel="%s"}' % name, 0) >= 1 and
              m.get('ccwatch_outbox_depth{channel="%s",state="pending"}' % name) == 1 and
              m.get('ccwatch_channel_last_failure_timestamp_seconds{channel="%s"}' % name, 0) > 0,
              "%s down: the metrics count its failure and its pending delivery: %s"
              % (name, {k: v for k, v in m.items() if name in k}))
        check(m.get("ccwatch_outbox_dead_letters") == 0,
              "%s down: a passing failure is no dead letter (5xx retried)" % name)
        up()
        time.sleep(1.1)  # retry_base = 1 s
        ccwatch(conf, "alerts", "--run")
        r = ccwatch(conf, "check", "--as-of", EARLY)
        check(r.returncode == 0 and "failing_channels=0;1;" in r.stdout,
              "%s back: check OK again: %s" % (name, r.stdout.strip()))
        m = prom(conf)
        check(m.get('ccwatch_channel_failures{channel="%s"}' % name) == 0 and
              m.get('ccwatch_outbox_depth{channel="%s",state="pending"}' % name) == 0 and
              m.get('ccwatch_channel_last_success_timestamp_seconds{channel="%s"}' % name, 0) >=
              m.get('ccwatch_channel_last_failure_timestamp_seconds{channel="%s"}' % name, 0),
              "%s back: the metrics show it delivered" % name)

    # A moment to come is a dry run: it says so, sends and records nothing.
    bugs.append(bug(1970000 + len(bugs), "Example CA: filed now", now))
    write_corpus(corpus, bugs)
    fake = Fake(corpus)
    try:
        write_file(conf, open(conf).read().replace(old_url[0], fake.url))
        old_url[0] = fake.url
        ccwatch(conf, "sync", "--full")
    finally:
        fake.stop()
    before = json.loads(ccwatch(conf, "alerts", "--json").stdout)["counts"]
    sent = (mail.count(), len(hook.accepted()), len(slack.posts))
    r = ccwatch(conf, "alerts", "--run", "--as-of", ccwtest.iso(now + 50 * 3600))
    after = json.loads(ccwatch(conf, "alerts", "--json").stdout)["counts"]
    check(r.returncode == 0 and "dry run" in r.stdout and "is in the future" in r.stdout and
          "would fire ccw-%d-initial-report-" % bugs[-1]["id"] in r.stdout,
          "alerts --run --as-of a future time is a dry run: %s" % r.stdout.strip()[-300:])
    check(after == before and sent == (mail.count(), len(hook.accepted()), len(slack.posts)),
          "the dry run sent nothing and left the ledger as it was: %s" % after)

    # Definite rejections: dead letters at once, CRITICAL, then requeued.
    mail.rcpt = "550 5.1.1 No such user"
    hook.status = 410
    add_bug_and_run(conf)
    r = ccwatch(conf, "check", "--as-of", EARLY)
    check(r.returncode == 2 and "2 dead letters" in r.stdout,
          "a 550 to RCPT and a webhook 410 are dead letters: check CRITICAL: %s" % r.stdout.strip())
    m = prom(conf)
    check(m.get("ccwatch_outbox_dead_letters") == 2 and
          m.get('ccwatch_outbox_depth{channel="hook",state="dead"}') == 1 and
          m.get('ccwatch_outbox_depth{channel="mail",state="dead"}') == 1,
          "the metrics count the dead letters per channel")
    mail.rcpt = "250 OK"
    hook.status = 200
    before = (mail.count(), len(hook.accepted()))
    r = ccwatch(conf, "alerts", "--retry-dead")
    check(r.returncode == 0 and "2 dead letters back in the queue" in r.stdout,
          "alerts --retry-dead: %s" % r.stdout.strip())
    ccwatch(conf, "alerts", "--run")
    check(mail.count() == before[0] + 1 and len(hook.accepted()) == before[1] + 1,
          "the requeued dead letters are delivered")
    r = ccwatch(conf, "check", "--as-of", EARLY)
    check(r.returncode == 0, "check OK once delivered: %s" % r.stdout.strip())


def main():
    mail = Mail()
    slack = Slack()
    hook = Webhook(SECRET)
    work = tempfile.mkdtemp(prefix="ccwatch-flow.")
    try:
        os.mkdir(os.path.join(work, "flood"))
        flood(os.path.join(work, "flood"), mail, slack, hook)
        mail.messages.clear()
        slack.posts.clear()
        hook2 = Webhook(SECRET)
        os.mkdir(os.path.join(work, "fail"))
        failures(os.path.join(work, "fail"), mail, slack, hook2)
        hook2.stop()
    finally:
        mail.stop()
        slack.stop()
        hook.stop()
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
