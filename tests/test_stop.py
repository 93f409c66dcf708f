#!/usr/bin/python3
"""End-to-end test of a stop during an alert delivery.

ccwatchd -d runs against the fake Bugzilla (tests/fakebz) with one overdue
bug and one webhook channel, a receiver in this process that holds its
answer.  Each case SIGTERMs the daemon while the send is in flight:

1. The receiver answers 200 after a second: the daemon waits for it,
   marks the row sent and exits 0; started again, it sends nothing more
   (exactly one delivery, no "may have gone out").  STOPPING=1 comes at
   the signal.
2. The receiver never answers (within the channel's 30 s timeout): the
   daemon cancels the send when its grace ends and exits 0; started
   again, it sends the row once more with the same delivery id and logs
   that it may have gone out.
3. As 2, and a second SIGTERM during the grace: the daemon cancels the
   send at once (its log line gives the second signal as the reason).

Every wait is bounded; everything listens on 127.0.0.1 only.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCHD, Fake, Notify, Webhook, check, daemon_sections,  # noqa: E402
                     section, wait_cycles, wait_until, write_conf, write_corpus,
                     write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"test-webhook-secret"
WATCHDOG = 80.0  # seconds: every timeout is at most half of it


class Daemon:
    """ccwatchd -d in work, delivering to the webhook on hook_port."""

    def __init__(self, work, url, hook_port, run):
        conf = write_conf(
            os.path.join(work, "ccwatch.conf"), daemon_sections(url, work),
            section("alerts", retry_base=1, retry_max=2),
            section('route "team"', ca='"Example CA"', clock="initial-report",
                    channels="hook"),
            section('channel "hook"', type="webhook",
                    url="http://127.0.0.1:%s/hook" % hook_port,
                    secret_file="%s/hook.secret" % work, timeout=30))
        self.path = os.path.join(work, "ccwatchd.%d.log" % run)
        self.log = open(self.path, "w")
        self.notify = Notify(os.path.join(work, "notify.%d.sock" % run))
        env = dict(os.environ, NOTIFY_SOCKET=self.notify.path,
                   WATCHDOG_USEC=str(int(WATCHDOG * 1e6)))
        env.pop("WATCHDOG_PID", None)
        self.proc = subprocess.Popen([CCWATCHD, "-d", "-c", conf], env=env,
                                     stdout=self.log, stderr=self.log)

    def text(self):
        with open(self.path) as f:
            return f.read()

    def wait(self):
        """Wait for the exit (bounded well past the grace); its status, or None."""
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait(timeout=10)
            rc = None
        self.log.close()
        return rc

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.wait()


def start(work, fake, hook, run):
    """A daemon that has a send in flight at the receiver."""
    d = Daemon(work, fake.url, hook.port, run)
    check(wait_until(lambda: hook.inflight() >= 1), "run %d: a send is in flight" % run)
    return d


def answered(work, fake):
    """Case 1: the receiver answers during the grace."""
    hook = Webhook(SECRET)
    hook.delay = 1.0
    d = start(work, fake, hook, 1)
    d.proc.send_signal(signal.SIGTERM)
    check(d.wait() == 0, "answered: SIGTERM exits 0")
    text = d.text()
    check("1 sends were in flight: 1 ended and were marked, 0 cancelled (every send ended)"
          in text, "answered: the send in flight was waited for and marked")
    i, _ = d.notify.wait_for("STOPPING=1", timeout=1)
    check(i is not None, "answered: STOPPING=1 at the signal")
    check(len(hook.attempts()) == 1, "answered: one attempt: %s" % hook.attempts())

    hook.delay = 0.0
    d = Daemon(work, fake.url, hook.port, 2)
    check(wait_cycles(d.path), "answered: the restarted daemon ran a whole cycle")
    check(d.stop() == 0, "answered: the restarted daemon exits 0")
    check(len(hook.attempts()) == 1 and len(hook.accepted()) == 1 and hook.bad == 0,
          "answered: exactly one delivery after the restart: %s" % hook.attempts())
    check("may have gone out" not in d.text(), "answered: nothing may have gone out twice")
    hook.stop()


def unanswered(work, fake, second):
    """Cases 2 and 3: the receiver holds its answer past the grace."""
    name = "second signal" if second else "unanswered"
    hook = Webhook(SECRET)
    hook.delay = 40.0
    d = start(work, fake, hook, 1)
    d.proc.send_signal(signal.SIGTERM)
    if second:
        check(wait_until(lambda: "stopping" in d.text(), 10, 0.05),
              "%s: the first signal is logged" % name)
        d.proc.send_signal(signal.SIGTERM)
    check(d.wait() == 0, "%s: exits 0" % name)
    reason = "a second signal" if second else "the grace ended"
    check("1 sends were in flight: 0 ended and were marked, 1 cancelled (%s)" % reason
          in d.text(), "%s: the send in flight was cancelled (%s)" % (name, reason))
    first = hook.attempts()
    check(len(first) == 1, "%s: one attempt before the stop: %s" % (name, first))

    hook.delay = 0.0
    d = Daemon(work, fake.url, hook.port, 2)
    check(wait_until(lambda: len(hook.attempts()) >= 2), "%s: resent after the restart" % name)
    check(wait_cycles(d.path), "%s: the restarted daemon ran a whole cycle" % name)
    check(d.stop() == 0, "%s: the restarted daemon exits 0" % name)
    again = hook.attempts()
    check(len(again) == 2 and again[0] == again[1] and hook.bad == 0,
          "%s: resent once, with the same delivery id: %s" % (name, again))
    check(d.text().count("may have gone out") == 1, "%s: the resend is logged once" % name)
    hook.stop()


def main():
    now = time.time()
    fake = None
    try:
        top = tempfile.mkdtemp(prefix="ccwatch-stop.")
        corpus = write_corpus(os.path.join(top, "corpus.json"),
                              [bug(1900001, "Example CA: OCSP outage", now - 4 * 86400)])
        fake = Fake(corpus)
        for case in ("answered", "unanswered", "second"):
            work = os.path.join(top, case)
            os.mkdir(work)
            write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
            if case == "answered":
                answered(work, fake)
            else:
                unanswered(work, fake, case == "second")
    finally:
        if fake is not None:
            fake.stop()
    sys.exit(ccwtest.summary(top))


if __name__ == "__main__":
    main()
