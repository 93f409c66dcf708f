#!/usr/bin/python3
"""Each alert reaches the receiver exactly once through a full disk.

Run by tests/test_fulldisk.sh in a private mount namespace.  ccwatchd keeps
its store on a small tmpfs and delivers the alerts of BUGS overdue bugs,
one each, to a signed webhook receiver (ccwtest.Webhook).  While the
FILL_AT-th request is being received, the receiver fills the tmpfs and
only then answers 200: the send succeeds, and marking it sent fails.
ccwatchd must say that delivery pauses and send nothing more while the
store is full; once the filler is removed it marks what it sent, resumes
and delivers the rest.  Every delivery id arrives exactly once, as many
as the store holds outbox rows, all of them marked sent.

Bounded in count (BUGS alerts) and time (every wait has a timeout).
"""
import errno
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCHD, Fake, Webhook, check, hook_channel, section,  # noqa: E402
                     wait_cycles, wait_until, write_conf, write_corpus, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"full-disk-webhook-secret"
BUGS = 30
FILL_AT = 5


class FillingWebhook(Webhook):
    """A Webhook that fills a file system while it receives request FILL_AT."""

    def __init__(self, secret, filler):
        super().__init__(secret)
        self.filler = filler
        self.seen = 0
        self.filled = 0

    def _answer(self, req):
        """Fill the file system first if this is request FILL_AT, then answer."""
        with self.lock:
            self.seen += 1
            fill = self.seen == FILL_AT
        if fill:
            self.filled = fill_up(self.filler)
        super()._answer(req)


def fill_up(path):
    """Write path until the file system is full; returns the bytes written."""
    chunk = b"\0" * 4096
    n = 0
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                n += f.write(chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                return n


def read(path):
    """The text of the file at path."""
    with open(path, errors="replace") as f:
        return f.read()


def outbox(db):
    """(rows, rows marked sent) of the webhook channel in the store."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        return con.execute("SELECT count(*), sum(status = 'sent') FROM outbox "
                           "WHERE channel = 'hook'").fetchone()
    finally:
        con.close()


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-fulldisk.")
    store = os.path.join(work, "store")
    os.mkdir(store)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", store])
    if r.returncode != 0:
        check(False, "mount a tmpfs on %s" % store)
        return ccwtest.summary()
    now = time.time()
    corpus = write_corpus(os.path.join(work, "corpus.json"),
                          [bug(1970000 + i, "Example CA: full disk %d" % i, now - 4 * 86400)
                           for i in range(BUGS)])
    filler = os.path.join(store, "filler")
    hook = FillingWebhook(SECRET, filler)
    fake = Fake(corpus)
    p = None
    db = os.path.join(store, "ccwatch.db")
    log = os.path.join(work, "ccwatchd.log")
    try:
        write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
        conf = write_conf(
            os.path.join(work, "ccwatch.conf"),
            section("bugzilla", url=fake.url, retries=0, timeout=5),
            section("store", path=db),
            section("daemon", poll_interval=1, poll_jitter=0, backoff_max=60),
            section('ca "Example CA"', domains="example-ca.test"),
            section("alerts", retry_base=1, retry_max=1),
            section('route "team"', clock="initial-report", channels="hook"),
            hook_channel("hook", hook.port, os.path.join(work, "hook.secret")))
        with open(log, "w") as f:
            p = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=f, stderr=f)

        paused = wait_until(lambda: "delivery pauses until the store is writable" in read(log)
                            or p.poll() is not None, 60)
        check(paused and p.poll() is None and hook.filled > 0,
              "the store fills while delivery %d is sent (%d bytes of filler): ccwatchd "
              "says delivery pauses" % (FILL_AT, hook.filled))
        # The deliveries already under way when the store filled complete;
        # then, while the store stays full, each cycle says delivery is
        # paused and sends nothing: the count is taken at the first such
        # cycle and checked after two more.
        refused = lambda: read(log).count("delivery paused:")  # noqa: E731
        wait_until(lambda: refused() >= 1 or p.poll() is not None, 60)
        before = len(hook.attempts())
        held = wait_until(lambda: refused() >= 3 or p.poll() is not None, 120)
        check(held and p.poll() is None and len(hook.attempts()) == before < BUGS
              and hook.inflight() == 0,
              "nothing more is sent in %d cycles while the store is full: %d of %d received "
              "(%d from request %d on were under way)" % (refused(), len(hook.attempts()), BUGS,
                                                 before - FILL_AT + 1, FILL_AT))
        if os.path.exists(filler):
            os.unlink(filler)
        resumed = wait_until(lambda: "delivery resumes" in read(log), 60)
        check(resumed, "once space returns ccwatchd marks what it sent and resumes")
        done = wait_until(lambda: len(hook.attempts()) >= BUGS, 60)
        wait_cycles(log, 2, 60)  # a whole cycle more: nothing else arrives
        ids = hook.attempts()
        rows, sent = outbox(db)
        check(done and len(ids) == BUGS == rows and len(set(ids)) == len(ids),
              "each alert reached the receiver exactly once: %d deliveries, %d distinct, "
              "%d alerts fired" % (len(ids), len(set(ids)), rows))
        check(sent == rows and len(hook.accepted()) == rows and hook.bad == 0,
              "nothing was lost: %s of %s outbox rows marked sent, all signed" % (sent, rows))
        print("fulldisk-result: alerts=%d deliveries=%d distinct=%d fill_at=%d"
              % (rows, len(ids), len(set(ids)), FILL_AT))
    finally:
        if p is not None and p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        fake.stop()
        hook.stop()
        subprocess.run(["umount", store])
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
