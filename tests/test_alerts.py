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

"Nothing more arrived" is asserted after the daemon's log shows another
whole cycle, deliveries included, not after a fixed sleep.  Every wait is
bounded; everything listens on 127.0.0.1 only.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, CCWATCHD, Fake, Webhook, check, daemon_sections,  # noqa: E402
                     hook_channel, mail_channel, mails, message_ids, section, sink,
                     wait_cycles, wait_until, write_conf, write_corpus, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"test-webhook-secret"


class Daemon:
    """ccwatchd -d with a configuration pointing at url."""

    def __init__(self, work, url, smtp_port, hook_port, phase):
        conf = write_conf(
            os.path.join(work, "ccwatch.conf"), daemon_sections(url, work),
            section("alerts", retry_base=1, retry_max=2),
            section('route "team"', ca='"Example CA"', clock="initial-report",
                    channels="mail, hook"),
            mail_channel("mail", smtp_port),
            hook_channel("hook", hook_port, "%s/hook.secret" % work))
        self.path = os.path.join(work, "ccwatchd.%d.log" % phase)
        self.log = open(self.path, "w")
        self.proc = subprocess.Popen([CCWATCHD, "-d", "-c", conf],
                                     stdout=self.log, stderr=self.log)

    def settle(self, more=2):
        """Wait until a whole cycle, deliveries included, has run after now."""
        check(wait_cycles(self.path, more), "%d more cycles ran" % more)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=20)
        self.log.close()
        return rc


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-alerts.")
    write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
    hook = Webhook(SECRET)
    hook_port = hook.port
    smtp_port = sink("start", work)
    now = time.time()
    corpus = os.path.join(work, "corpus.json")
    d = fake = None
    try:
        # Phase 1: bug 1 filed 4 days ago (overdue), bug 2 30 hours ago.
        bugs = [bug(1900001, "Example CA: OCSP outage", now - 4 * 86400),
                bug(1900002, "Example CA: CRL gap \u00e9t\u00e9", now - 30 * 3600)]
        write_corpus(corpus, bugs)
        fake = Fake(corpus)
        d = Daemon(work, fake.url, smtp_port, hook_port, 1)
        check(wait_until(lambda: len(mails(work)) >= 2 and len(hook.accepted()) >= 2),
              "phase 1: two alerts by mail and by webhook")
        d.settle()  # a whole cycle more: nothing more
        ids = message_ids(work)
        check(len(ids) == 2 and len(set(ids)) == 2, "phase 1: two distinct Message-IDs: %s" % ids)
        states = sorted(m["Subject"] for m in mails(work))
        check(any("overdue" in s.lower() for s in states) and
              any("due" in s.lower() and "soon" in s.lower() for s in states),
              "phase 1: one overdue, one due soon: %s" % states)
        check(all(m["Auto-Submitted"] == "auto-generated" for m in mails(work)),
              "mail is Auto-Submitted: auto-generated")
        check(len(hook.accepted()) == 2 and hook.bad == 0,
              "webhook: two deliveries, every signature valid")

        # Phase 2: down; then a CA answer on bug 1 and a late bug 3.
        check(d.stop() == 0, "SIGTERM: exit 0")
        d = None
        fake.stop()
        bugs[0] = bug(1900001, "Example CA: OCSP outage", now - 4 * 86400,
                      [("compliance@example-ca.test", time.time() - 60,
                        "We are investigating and will report.")])
        bugs.append(bug(1900003, "Example CA: audit late", now - 5 * 86400))
        write_corpus(corpus, bugs)
        fake = Fake(corpus)
        d = Daemon(work, fake.url, smtp_port, hook_port, 2)
        check(wait_until(lambda: len(mails(work)) >= 4 and len(hook.accepted()) >= 4),
              "phase 2: the transitions while down arrive after the restart")
        d.settle()
        ids = message_ids(work)
        check(len(ids) == 4 and len(set(ids)) == 4,
              "phase 2: four mails in all, no duplicate: %d" % len(ids))
        check(len(hook.accepted()) == 4 and len(set(hook.accepted())) == 4,
              "phase 2: four webhook deliveries, no duplicate")
        met = [m for m in mails(work) if "1900001" in m["Subject"] and " met " in m["Subject"]]
        first = [m for m in mails(work) if "1900001" in m["Subject"]][0]
        check(len(met) == 1 and met[0]["References"] == first["References"] and
              met[0]["In-Reply-To"] == first["In-Reply-To"] and "1900001" in first["References"],
              "the met mail threads with the bug's first: %s" % (met and met[0]["References"]))

        # Phase 3: SMTP down, webhook failing; a new late bug.
        sink("stop", work)
        hook.status = 503
        n_attempts = len(hook.attempts())
        d.stop()
        fake.stop()
        bugs.append(bug(1900004, "Example CA: another late one", now - 4 * 86400))
        write_corpus(corpus, bugs)
        fake = Fake(corpus)
        d = Daemon(work, fake.url, smtp_port, hook_port, 3)
        check(wait_until(lambda: len(hook.attempts()) >= n_attempts + 2),
              "phase 3: the webhook is retried while it fails")
        d.settle(3)
        retried = set(hook.attempts()[n_attempts:])
        check(len(retried) == 1, "phase 3: every retry keeps the delivery id: %s" % retried)
        check(len(mails(work)) == 4, "phase 3: nothing arrives while the SMTP server is down")
        sink("start", work, smtp_port)
        hook.status = 200
        check(wait_until(lambda: len(mails(work)) >= 5 and len(hook.accepted()) >= 5, 40),
              "phase 3: after the outage the alert arrives")
        d.settle()
        ids = message_ids(work)
        check(len(ids) == 5 and len(set(ids)) == 5, "phase 3: once by mail: %d mails" % len(ids))
        check(len(hook.accepted()) == 5 and len(set(hook.accepted())) == 5,
              "phase 3: once by webhook")
        out = subprocess.run([CCWATCH, "-c",
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
        hook.stop()
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
