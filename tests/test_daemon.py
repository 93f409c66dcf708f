#!/usr/bin/python3
"""End-to-end test of ccwatchd under a stand-in for systemd.

Runs the real daemon against the fake Bugzilla with its own NOTIFY_SOCKET
and checks the service contract: READY=1, STATUS= after each cycle, watchdog
pings, SIGUSR1 polls, SIGHUP with a broken file keeps the old configuration,
SIGHUP with a good file takes effect, Bugzilla going away and coming back
(one line says it is reachable again, and after how long), SIGTERM exiting
0 with the store intact, and a time on every line of the -d log.  Every
wait is bounded.
"""
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import CCWATCHD, Fake, Notify, check, section, write_conf  # noqa: E402


WATCHDOG = 10.0  # seconds: every timeout is at most half of it


def daemon_conf(path, url, store, interval=3600):
    """Write a daemon configuration (nine lines: a tenth is line 10)."""
    write_conf(path, section("bugzilla", url=url, retries=0, timeout=5, connect_timeout=5),
               section("store", path=store), section("daemon", poll_interval=interval))


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-daemon.")
    conf = os.path.join(work, "ccwatch.conf")
    store = os.path.join(work, "ccwatch.db")
    notify = Notify(os.path.join(work, "notify.sock"))
    reqlog = os.path.join(work, "requests.log")
    fake = Fake(args=["-p", "0", "-l", reqlog])
    daemon_conf(conf, fake.url, store)
    env = dict(os.environ, NOTIFY_SOCKET=os.path.join(work, "notify.sock"),
               WATCHDOG_USEC=str(int(WATCHDOG * 1e6)))
    env.pop("WATCHDOG_PID", None)
    # Under a 1 s watchdog the 5 s timeouts are refused, with the reason.
    out = ccwtest.run([CCWATCHD, "-n", "-c", conf], env=dict(env, WATCHDOG_USEC="1000000"))
    check(out.returncode != 0 and ":4: timeout: 5 s is more than half the watchdog interval"
          in out.stderr, "a timeout above half the watchdog is refused: %s" % out.stderr.strip())
    log = open(os.path.join(work, "ccwatchd.log"), "w+")
    daemon = subprocess.Popen([CCWATCHD, "-d", "-c", conf],
                              env=env, stderr=log, stdout=log)
    try:
        i, _ = notify.wait_for("READY=1")
        check(i is not None, "READY=1 once the store is open")
        t_ready = notify.times[i] if i is not None else time.monotonic()
        i, status = notify.wait_for("STATUS=")
        check(status is not None and "last sync" in status and " overdue, " in status
              and " due soon" in status,
              "STATUS= after the first cycle: %s" % status)

        def polls():
            with open(reqlog) as f:
                return sum(1 for line in f if " /rest/time" in line)
        p0 = polls()
        n0 = len(notify.messages)
        daemon.send_signal(signal.SIGUSR1)
        i, status = notify.wait_for("STATUS=", after=n0)
        check(status is not None and polls() == p0 + 1,
              "SIGUSR1 runs a cycle (the fake saw %d new /rest/time)" % (polls() - p0))

        # A broken file is refused and the daemon goes on.
        with open(conf, "a") as f:
            f.write("no_such_directive = 1\n")
        n0 = len(notify.messages)
        daemon.send_signal(signal.SIGHUP)
        i, _ = notify.wait_for("READY=1", after=n0)
        log.flush()
        text = open(log.name).read()
        check(i is not None and daemon.poll() is None, "SIGHUP with a broken file: still running")
        check("has errors, not reloading" in text and ":10:" in text,
              "the refusal names file:line")

        # A good file takes effect: point at a second fake, stop the first.
        # A new url resets the cursor and polls the new server at once.
        fake2 = Fake(args=["-p", "0"])
        daemon_conf(conf, fake2.url, store)
        n0 = len(notify.messages)
        daemon.send_signal(signal.SIGHUP)
        notify.wait_for("READY=1", after=n0)
        i, status = notify.wait_for("STATUS=", after=n0)
        fake.stop()
        check(status is not None and "last sync" in status and "unreachable" not in status,
              "SIGHUP with a good file (a new url) takes effect at once: %s" % status)
        log.flush()
        check("the cursor is reset, a full resync starts now" in open(log.name).read(),
              "the new url reset the cursor")

        # Bugzilla goes away: the daemon reports it and stays up.
        port = fake2.port
        fake2.stop()
        n0 = len(notify.messages)
        daemon.send_signal(signal.SIGUSR1)
        i, status = notify.wait_for("STATUS=", after=n0)
        check(status is not None and "unreachable" in status and daemon.poll() is None,
              "Bugzilla unreachable is reported: %s" % status)
        fake3 = Fake(args=["-p", str(port)])
        n0 = len(notify.messages)
        daemon.send_signal(signal.SIGUSR1)
        i, status = notify.wait_for("STATUS=", after=n0)
        check(status is not None and "unreachable" not in status,
              "Bugzilla back: the next cycle succeeds")
        log.flush()
        text = open(log.name).read()
        back = re.findall(r"Bugzilla reachable again after \d+ s \(1 failed cycle\)", text)
        check(len(back) == 1, "one line says Bugzilla is reachable again, and after how "
              "long: %s" % back)

        # The pings came all along: never an interval without one.
        notify.drain(max(0.0, t_ready + 1.5 * WATCHDOG - time.monotonic()))
        pings = notify.pings()
        marks = [t_ready] + [t for t in pings if t >= t_ready] + [time.monotonic()]
        gap = max(b - a for a, b in zip(marks, marks[1:]))
        check(len(marks) >= 4 and gap <= WATCHDOG,
              "WATCHDOG=1 all along: %d pings, longest gap %.2f s (interval %.0f s)"
              % (len(marks) - 2, gap, WATCHDOG))

        n0 = len(notify.messages)
        t = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        try:
            rc = daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, "SIGTERM exits 0 (rc %s, %.1f s)" % (rc, time.monotonic() - t))
        i, _ = notify.wait_for("STOPPING=1", after=n0, timeout=1)
        check(i is not None, "STOPPING=1 on the way out")
        db = sqlite3.connect(store)
        check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
              "the store passes integrity_check")
        check(db.execute("SELECT count(*) FROM bugs").fetchone()[0] > 0,
              "the store holds the synced bugs")
        db.close()
        log.flush()
        lines = open(log.name).read().splitlines()
        stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ccwatchd: ")
        unstamped = [line for line in lines if not stamp.match(line)]
        check(len(lines) > 5 and not unstamped,
              "-d: each of the %d log lines starts with its UTC time: %s"
              % (len(lines), unstamped[:3]))
        fake3.stop()
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        log.seek(0)
        if ccwtest.failures():
            sys.stdout.write("--- ccwatchd log ---\n" + log.read())
    return ccwtest.summary()


if __name__ == "__main__":
    sys.exit(main())
