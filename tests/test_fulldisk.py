#!/usr/bin/python3
"""Each alert reaches the receiver exactly once through a full disk.

Run by tests/test_fulldisk.sh in a private mount namespace.  ccwatchd keeps
its store on a small tmpfs and delivers the alerts of BUGS overdue bugs,
one each, to a signed webhook receiver (ccwtest.Webhook).  While the
FILL_AT-th request is being received, the receiver fills the tmpfs and
only then answers 200: the send succeeds, and marking it sent fails.

Two runs, each on a fresh tmpfs:

* with the store's reserve (the default [store] reserve_kib): ccwatchd
  empties the reserve to record what it sent, says so, and sends nothing
  more while the disk is full; ccwatch check says CRITICAL.  It is then
  stopped (SIGTERM) and started again while the disk is still full, and
  sends nothing; once the filler is removed it fills the reserve again
  and delivers the rest.
* without a reserve (reserve_kib = 0), the last resort: the marks wait in
  memory, delivery pauses until the store takes them, then resumes.

Either way every delivery id arrives exactly once, as many as the store
holds outbox rows, all of them marked sent.

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
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, CCWATCHD, Fake, Webhook, check, free_port, hook_channel, section,  # noqa: E402
                     wait_cycles, wait_until, write_conf, write_corpus, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"full-disk-webhook-secret"
BUGS = 30
FILL_AT = 5
RESERVE = 1024 * 1024  # the default reserve_kib, in bytes


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


def size(path):
    """The size of the file at path, -1 when there is none."""
    try:
        return os.path.getsize(path)
    except OSError:
        return -1


def reserve_metric(port):
    """The daemon's ccwatch_store_reserve_ok from its /metrics, or None."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
            text = r.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("ccwatch_store_reserve_ok "):
            return int(line.split()[1])
    return None


def outbox(db):
    """(rows, rows marked sent) of the webhook channel in the store."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        return con.execute("SELECT count(*), sum(status = 'sent') FROM outbox "
                           "WHERE channel = 'hook'").fetchone()
    finally:
        con.close()


def start(conf, log):
    """Start ccwatchd -d on conf, its output appended to log."""
    with open(log, "a") as f:
        return subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=f, stderr=f)


def stop(p):
    """SIGTERM p and wait for it; its exit status (None if it had to be killed)."""
    if p is None or p.poll() is not None:
        return None if p is None else p.returncode
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return None


def refused(log):
    """The cycles whose delivery the log says was paused."""
    return read(log).count("delivery paused:")


def hold(p, log, hook, what):
    """Check that three cycles in a row send nothing while the disk is full.

    The deliveries under way when the store filled complete first: the
    count is taken at the first paused cycle and checked two later.
    """
    wait_until(lambda: refused(log) >= 1 or p.poll() is not None, 60)
    base = refused(log)
    before = len(hook.attempts())
    held = wait_until(lambda: refused(log) >= base + 2 or p.poll() is not None, 120)
    check(held and p.poll() is None and len(hook.attempts()) == before < BUGS
          and hook.inflight() == 0,
          "%s: nothing more is sent in %d cycles while the disk is full: %d of %d "
          "received" % (what, refused(log), len(hook.attempts()), BUGS))


def finish(hook, log, db, what):
    """Check that every alert arrived exactly once, all marked sent."""
    done = wait_until(lambda: len(hook.attempts()) >= BUGS, 60)
    wait_cycles(log, 2, 60)  # a whole cycle more: nothing else arrives
    ids = hook.attempts()
    rows, sent = outbox(db)
    twice = sorted({i for i in ids if ids.count(i) > 1})
    check(done and len(ids) == BUGS == rows and len(set(ids)) == len(ids),
          "%s: each alert reached the receiver exactly once: %d deliveries, %d "
          "distinct, %d alerts fired; received more than once: %s; the log on "
          "them: %s" % (what, len(ids), len(set(ids)), rows, twice,
                        [line for line in read(log).splitlines()
                         if any(str(i) in line for i in twice)][:8]))
    check(sent == rows and len(hook.accepted()) == rows and hook.bad == 0,
          "%s: nothing was lost: %s of %s outbox rows marked sent, all signed"
          % (what, sent, rows))
    print("fulldisk-result: %s alerts=%d deliveries=%d distinct=%d fill_at=%d"
          % (what.replace(" ", "-"), rows, len(ids), len(set(ids)), FILL_AT))


def with_reserve(p, conf, log, hook, db, filler, port):
    """The run with the reserve, stopped and started again while full."""
    reserve = db + ".reserve"
    released = wait_until(lambda: "DISK FULL: the reserve" in read(log)
                          or p.poll() is not None, 60)
    check(released and p.poll() is None and hook.filled > 0
          and size(reserve) == 0,
          "the disk fills while delivery %d is sent (%d bytes of filler): ccwatchd "
          "empties its reserve to record it, and says so" % (FILL_AT, hook.filled))
    hold(p, log, hook, "with a reserve")
    m = reserve_metric(port)
    check(m == 0, "the daemon's metrics say ccwatch_store_reserve_ok %s" % m)
    r = ccwtest.run([CCWATCH, "-c", conf, "check"])
    check(r.returncode == 2 and "reserve is spent" in r.stdout,
          "ccwatch check says CRITICAL while the reserve is spent: %s" % r.stdout.strip())
    r = ccwtest.run([CCWATCH, "-c", conf, "feed", "--format", "prom"])
    check(r.returncode == 0 and "\nccwatch_store_reserve_ok 0\n" in r.stdout,
          "the metrics say ccwatch_store_reserve_ok 0 (exit %d)" % r.returncode)
    before = len(hook.attempts())
    rc = stop(p)
    log2 = log + ".2"
    p = start(conf, log2)
    held = wait_until(lambda: refused(log2) >= 2 or p.poll() is not None, 120)
    check(rc == 0 and held and p.poll() is None and len(hook.attempts()) == before,
          "stopped (status %s) and started again on the full disk, ccwatchd sends "
          "nothing: %d of %d received" % (rc, len(hook.attempts()), BUGS))
    os.unlink(filler)
    back = wait_until(lambda: "reserve of %d bytes back" % RESERVE in read(log2), 60)
    check(back and size(reserve) == RESERVE,
          "once space returns the reserve is filled again (%d bytes)"
          % size(reserve))
    finish(hook, log2, db, "with a reserve")
    check(read(log2).count("may have gone out") == 0,
          "after the restart no delivery was in doubt: every one sent had been marked")
    m = reserve_metric(port)
    check(m == 1, "and then ccwatch_store_reserve_ok %s" % m)
    return p


def last_resort(p, log, hook, filler, db):
    """The run without a reserve: the marks wait in memory."""
    paused = wait_until(lambda: "delivery pauses until the store is writable" in read(log)
                        or p.poll() is not None, 60)
    check(paused and p.poll() is None and hook.filled > 0,
          "the store fills while delivery %d is sent (%d bytes of filler): ccwatchd "
          "says delivery pauses" % (FILL_AT, hook.filled))
    hold(p, log, hook, "without a reserve")
    os.unlink(filler)
    resumed = wait_until(lambda: "delivery resumes" in read(log), 60)
    check(resumed, "once space returns ccwatchd marks what it sent and resumes")
    finish(hook, log, db, "without a reserve")
    return p


def scenario(work, reserve):
    """One run on a fresh 4 MiB tmpfs; reserve: keep the default reserve."""
    store = os.path.join(work, "store")
    os.mkdir(store)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", store])
    if r.returncode != 0:
        check(False, "mount a tmpfs on %s" % store)
        return
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
    port = free_port()
    try:
        write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
        stores = section("store", path=db) if reserve else section(
            "store", path=db, reserve_kib=0)
        conf = write_conf(
            os.path.join(work, "ccwatch.conf"),
            section("bugzilla", url=fake.url, retries=0, timeout=5),
            stores,
            section("daemon", poll_interval=1, poll_jitter=0, backoff_max=60),
            section('ca "Example CA"', domains="example-ca.test"),
            section("alerts", retry_base=1, retry_max=1),
            section('route "team"', clock="initial-report", channels="hook"),
            # the receiver answers the request that fills the disk only once
            # it is full: on a loaded machine that may take seconds, and a
            # send timed out is sent again (the same id, but twice)
            hook_channel("hook", hook.port, os.path.join(work, "hook.secret"),
                         timeout=30),
            section("feed", listen="127.0.0.1:%d" % port))
        p = start(conf, log)
        if reserve:
            p = with_reserve(p, conf, log, hook, db, filler, port)
        else:
            p = last_resort(p, log, hook, filler, db)
    finally:
        stop(p)
        fake.stop()
        hook.stop()
        subprocess.run(["umount", store])


def main():
    top = tempfile.mkdtemp(prefix="ccwatch-fulldisk.")
    for name, reserve in (("reserve", True), ("no-reserve", False)):
        work = os.path.join(top, name)
        os.mkdir(work)
        scenario(work, reserve)
    return ccwtest.summary(top)


if __name__ == "__main__":
    sys.exit(main())
