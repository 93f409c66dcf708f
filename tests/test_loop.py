#!/usr/bin/python3
"""ccwatchd never stalls: the loop's end-to-end test.

1. A webhook receiver that takes 1.5 s per POST and 50 queued alerts, with
   WATCHDOG_USEC at 5 s: WATCHDOG=1 never stops for more than one interval
   while the deliveries crawl, and SIGTERM in the middle of them exits at
   once with the store intact and the undelivered rows still queued; a
   restart delivers every one of them, once.
2. SIGTERM while a search is held by a slow Bugzilla: a prompt exit,
   nothing stored, the cursor unchanged.
3. A reload that adds a component resets the cursor and polls at once: a
   full resync that stores the new component's bugs.

The times are printed (bench/ and docs/RELIABILITY.md record them); the
assertions are generous bounds and the ordering facts.  Every wait is
bounded; everything listens on 127.0.0.1 only.
"""
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCHD, Fake, Webhook, check, section, wait_until,  # noqa: E402
                     write_conf, write_corpus, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"loop-webhook-secret"
WATCHDOG = 5.0  # seconds


class Notes:
    """A NOTIFY_SOCKET that keeps each message with the time it arrived."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.got = []

    def collect(self, seconds):
        """Read messages for seconds."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                m = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            self.got.append((time.monotonic(), m))  # when it arrived

    def wait_for(self, field, timeout=20.0):
        """Wait for a message holding field; True if it came."""
        deadline = time.monotonic() + timeout
        while not any(field in m for _, m in self.got):
            if time.monotonic() > deadline:
                return False
            self.collect(0.2)
        return True

    def pings(self):
        """The arrival times of WATCHDOG=1."""
        return [t for t, m in self.got if "WATCHDOG=1" in m.split("\n")]


def start(conf, work, name, env=None):
    """ccwatchd -d on conf, its log in work/name.log."""
    log = open(os.path.join(work, name + ".log"), "w")
    p = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=log, stderr=log,
                         env=env)
    p.logfile = log
    return p


def term(p):
    """SIGTERM; (exit status, seconds to exit)."""
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = None
    p.logfile.close()
    return rc, time.monotonic() - t0


def db_query(path, sql):
    """One row of a query on the store."""
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchone()
    finally:
        db.close()


def test_slow_delivery(work):
    """Part 1: the watchdog and SIGTERM under 50 slow deliveries."""
    write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
    hook = Webhook(SECRET)
    hook.delay = 1.5
    now = time.time()
    corpus = write_corpus(os.path.join(work, "slow.json"),
                          [bug(1950000 + i, "Example CA: late report %d" % i,
                               now - 4 * 86400) for i in range(50)])
    fake = Fake(corpus)
    store = os.path.join(work, "slow.db")
    conf = write_conf(
        os.path.join(work, "slow.conf"),
        section("bugzilla", url=fake.url, retries=0, timeout=2, connect_timeout=1),
        section("store", path=store),
        section("daemon", poll_interval=3600, poll_jitter=0),
        section('ca "Example CA"', domains="example-ca.test"),
        section("alerts", max_per_cycle=100),
        section('route "team"', ca='"Example CA"', clock="initial-report",
                channels="hook"),
        section('channel "hook"', type="webhook",
                url="http://127.0.0.1:%d/hook" % hook.port,
                secret_file="%s/hook.secret" % work, timeout=2))
    notes = Notes(os.path.join(work, "slow.sock"))
    env = dict(os.environ, NOTIFY_SOCKET=os.path.join(work, "slow.sock"),
               WATCHDOG_USEC=str(int(WATCHDOG * 1e6)))
    env.pop("WATCHDOG_PID", None)
    d = start(conf, work, "slow", env)
    try:
        check(notes.wait_for("READY=1"), "READY=1")
        check(wait_until(lambda: len(hook.attempts()) >= 1, timeout=20),
              "the slow deliveries began")
        t0 = time.monotonic()
        notes.collect(12.0)
        pings = [t for t in notes.pings() if t >= t0 - WATCHDOG]
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        gap = max(gaps + [time.monotonic() - pings[-1] if pings else 99.0])
        print("# watchdog: %d pings in 12 s of slow delivery, longest gap %.2f s "
              "(interval %.1f s)" % (len(pings), gap, WATCHDOG))
        check(len(pings) >= 3 and gap <= WATCHDOG,
              "WATCHDOG=1 never stops for an interval: longest gap %.2f s" % gap)
        sent_before, inflight = len(hook.accepted()), hook.inflight()
        check(0 < sent_before < 50 and inflight > 0,
              "SIGTERM comes mid-delivery (%d of 50 in, %d in flight)" % (sent_before, inflight))
        rc, secs = term(d)
        print("# SIGTERM during slow delivery: exit after %.3f s" % secs)
        check(rc == 0 and secs < 10, "SIGTERM during delivery exits 0 at once (%.3f s)" % secs)
        sent, pending, bad = db_query(
            store, "SELECT (SELECT count(*) FROM outbox WHERE status = 'sent'),"
            " (SELECT count(*) FROM outbox WHERE status = 'pending'),"
            " (SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'pending'))")
        check(db_query(store, "PRAGMA integrity_check")[0] == "ok", "the store is intact")
        check(sent + pending == 50 and bad == 0 and pending > 0,
              "every row sent or still queued: %d sent, %d pending" % (sent, pending))
        marked = {r[0] for r in sqlite3.connect(store).execute(
            "SELECT delivery_id FROM outbox WHERE status = 'sent'")}
        check(marked <= set(hook.accepted()),
              "every row marked sent was accepted by the receiver")

        # The restart sends what was left, each once.
        hook.delay = 0
        d = start(conf, work, "slow2", env)
        check(wait_until(lambda: len(set(hook.accepted())) >= 50, timeout=60),
              "after a restart all 50 arrive (%d)" % len(set(hook.accepted())))
        rc, secs = term(d)
        check(rc == 0, "the second run exits 0")
        ids = [x for x in hook.accepted()]
        check(len(set(ids)) == 50 and len(ids) - 50 <= len(ids) - len(marked),
              "no alert lost; repeats only of sends cut by the stop (%d POSTs)" % len(ids))
        check(hook.bad == 0, "every signature valid")
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()
        hook.stop()
        fake.stop()


def test_slow_search(work):
    """Part 2: SIGTERM while the search is held."""
    now = time.time()
    corpus = write_corpus(os.path.join(work, "search.json"),
                          [bug(1960001, "Example CA: held", now - 86400)])
    reqlog = os.path.join(work, "search-requests.log")
    fake = Fake(corpus, args=["-l", reqlog], control=True)
    check(fake.do("slow", "/rest/bug", "8000", "1") == "ok 0", "the fake holds the next search 8 s")
    store = os.path.join(work, "search.db")
    conf = write_conf(os.path.join(work, "search.conf"),
                      section("bugzilla", url=fake.url, retries=0, timeout=20),
                      section("store", path=store),
                      section("daemon", poll_interval=3600))
    d = start(conf, work, "search")
    try:

        def asked_time():
            return os.path.exists(reqlog) and "/rest/time" in open(reqlog).read()
        check(wait_until(asked_time, timeout=20), "the cycle began: /rest/time answered")
        time.sleep(0.5)  # the search is in flight, held by the fake
        rc, secs = term(d)
        print("# SIGTERM during a slow search: exit after %.3f s" % secs)
        check(rc == 0 and secs < 10, "SIGTERM during a search exits 0 at once (%.3f s)" % secs)
        check(db_query(store, "PRAGMA integrity_check")[0] == "ok", "the store is intact")
        check(db_query(store, "SELECT count(*) FROM bugs")[0] == 0,
              "nothing of the cut cycle is stored")
        check(db_query(store, "SELECT db_time FROM sync_state")[0] in (0, None),
              "the cursor did not move")
        check("/rest/bug" not in open(reqlog).read(), "the search was still held at the stop")
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()
        fake.stop()


def test_reload_component(work):
    """Part 3: a new component after a reload is synced in full."""
    now = time.time()
    other = bug(1970002, "Example CA: other component", now - 86400)
    other["component"] = "Other Compliance"
    corpus = write_corpus(os.path.join(work, "reload.json"),
                          [bug(1970001, "Example CA: first", now - 86400), other])
    fake = Fake(corpus)
    store = os.path.join(work, "reload.db")
    path = os.path.join(work, "reload.conf")

    def conf(components):
        write_conf(path, section("bugzilla", url=fake.url, retries=0, timeout=5,
                                 components=components),
                   section("store", path=store),
                   section("daemon", poll_interval=3600))
    conf("CA Certificate Compliance")
    notes = Notes(os.path.join(work, "reload.sock"))
    env = dict(os.environ, NOTIFY_SOCKET=os.path.join(work, "reload.sock"))
    d = start(path, work, "reload", env)
    try:
        check(notes.wait_for("STATUS="), "the first cycle ran")
        check(db_query(store, "SELECT count(*) FROM bugs")[0] == 1,
              "one component: one bug")
        conf("CA Certificate Compliance, Other Compliance")
        notes.got.clear()
        d.send_signal(signal.SIGHUP)
        check(notes.wait_for("READY=1"), "the reload was applied")
        # poll_interval is an hour: only the reset can start this cycle.
        check(notes.wait_for("STATUS="), "a cycle at once after the reload")
        check(db_query(store, "SELECT count(*) FROM bugs WHERE id = 1970002")[0] == 1,
              "the new component's bug is stored")
        rc, _ = term(d)
        text = open(os.path.join(work, "reload.log")).read()
        check(rc == 0 and text.count("sync: full") == 2, "the cycle after the reload was full")
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()
        fake.stop()


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-loop.")
    test_slow_delivery(work)
    test_slow_search(work)
    test_reload_component(work)
    if ccwtest.failures():
        for name in sorted(os.listdir(work)):
            if name.endswith(".log"):
                sys.stdout.write("--- %s ---\n%s" % (name, open(os.path.join(work, name)).read()[-3000:]))
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
