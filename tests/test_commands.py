#!/usr/bin/python3
"""The commands a person types, end to end, with the real programs.

The fake Bugzilla (tests/fakebz -m, changed through its stdin) serves bugs
dated from the wall clock on 127.0.0.1, and alerts go to a webhook receiver
in this process.  In order:

  * ccwatch whiteboard TEXT: the parse as JSON;
  * ccwatch config-check and ccwatchd -n: a good file passes, a bad one is
    refused with file:line by both;
  * ccwatch sync and its cursor: a quiet sync costs two requests and
    searches from the last cursor less five minutes, a change is fetched
    once and not again;
  * a needinfo from a root program becomes a response clock, due seven
    days later, that the CA's comment meets;
  * a third party's report (filed by a CT monitor, assigned to nobody) runs
    the 72-hour clock until the CA replies;
  * snooze (--until +3d), unsnooze and ack, seen through alerts --run at
    moments from PAST ago to now;
  * alerts --run --as-of a moment to come is a dry run that sends nothing.

The fake runs on its own clock (--now, then its "clock" command), hours
behind the wall clock and moved on by the test, so that a sync can come
more than the five minutes of overlap after a change.  Every wait is
bounded and nothing sleeps: each command has finished its work when it
returns.
"""
import calendar
import json
import os
import re
import sqlite3
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CA, CCWATCH, CCWATCHD, Fake, Webhook, check, hook_channel,  # noqa: E402
                     iso, run, section, write_conf, write_corpus, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"commands-webhook-secret"
ROOT = "bwilson@mozilla.com"
MONITOR = "jo@ctmonitor.example"
NOBODY = "nobody@mozilla.org"
ACKED, SNOOZED, UNSNOOZED, ASKED = 1910001, 1910002, 1910003, 1910004
H, D = 3600, 86400
# How long before now the snooze and ack scenario starts (alerts --run
# only runs at moments that have happened).
PAST = 80 * H


def parse_iso(s):
    """Seconds since the epoch of a YYYY-MM-DDTHH:MM:SSZ time."""
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


class Clock:
    """The fake's clock, moved on by the test."""

    def __init__(self, fake, start):
        self.fake, self.t = fake, int(start)

    def advance(self, seconds):
        """Move the fake's clock on; returns the new time."""
        self.t += seconds
        r = self.fake.do("clock", iso(self.t))
        if not r.startswith("ok"):
            raise RuntimeError("fakebz clock: %s" % r)
        return self.t


class Cli:
    """ccwatch with one configuration file."""

    def __init__(self, conf):
        self.conf = conf

    def __call__(self, *args):
        """Run ccwatch -c conf ARGS; returns (exit status, stdout, stderr)."""
        r = run([CCWATCH, "-c", self.conf] + [str(a) for a in args])
        return r.returncode, r.stdout, r.stderr

    def status(self, *args):
        """status --json as a dict of bug id to {clock kind: clock}."""
        rc, out, err = self("status", "--json", "--all", *args)
        if rc != 0:
            print("# status: %s" % err)
            return {}
        return {b["id"]: {c["kind"]: c for c in b["clocks"]} for b in json.loads(out)["bugs"]}


def test_whiteboard():
    """ccwatch whiteboard prints how a whiteboard is read."""
    r = run([CCWATCH, "whiteboard", "[ca-compliance] [dv-misissuance] Next update 3-1-2023"])
    doc = json.loads(r.stdout) if r.returncode == 0 else {}
    nu = doc.get("next_update") or {}
    check(doc.get("tags") == ["ca-compliance", "dv-misissuance"],
          "whiteboard: the tags: %s" % doc.get("tags"))
    check(nu.get("date") == "2023-01-03" and nu.get("ambiguous") is True and
          nu.get("alternatives") == ["2023-01-03", "2023-03-01"],
          "whiteboard: 3-1-2023 is ambiguous, the earlier reading used: %s" % nu)
    r = run([CCWATCH, "whiteboard", "[close on 2026-03-06] [ca-compliance]"])
    doc = json.loads(r.stdout) if r.returncode == 0 else {}
    check((doc.get("close_on") or {}).get("date") == "2026-03-06" and doc.get("next_update") is None,
          "whiteboard: [close on] read, no Next update: %s" % doc)
    r = run([CCWATCH, "whiteboard"])
    check(r.returncode == 2 and "usage" in r.stderr, "whiteboard without TEXT: usage, exit 2")


def test_config_check(work, good):
    """config-check and ccwatchd -n agree on a good and a bad file."""
    r = run([CCWATCH, "-c", good, "config-check"])
    check(r.returncode == 0, "config-check passes the test's file: %s" % r.stderr.strip())
    r = run([CCWATCHD, "-n", "-c", good])
    check(r.returncode == 0 and "configuration OK" in r.stdout,
          "ccwatchd -n passes it: %s" % (r.stdout + r.stderr).strip())
    with open(good) as f:
        lines = f.read().split("\n")
    bad = os.path.join(work, "bad.conf")
    at = next(i for i, l in enumerate(lines) if l.startswith("[store]")) + 2
    lines.insert(at - 1, "no_such_directive = 1")
    write_conf(bad, "\n".join(lines))
    want = "%s:%d:" % (bad, at)
    r = run([CCWATCH, "-c", bad, "config-check"])
    check(r.returncode != 0 and want in r.stderr and "no_such_directive" in r.stderr,
          "config-check refuses an unknown directive at %s: %s" % (want, r.stderr.strip()))
    r = run([CCWATCHD, "-n", "-c", bad])
    check(r.returncode != 0 and want in r.stderr,
          "ccwatchd -n refuses it at the same line: %s" % r.stderr.strip())


def requests(reqlog, since):
    """The request lines of the fake's log from line since on."""
    with open(reqlog) as f:
        return f.read().splitlines()[since:]


def cursor(store):
    """The stored cursor (db_time)."""
    db = sqlite3.connect(store)
    try:
        return db.execute("SELECT db_time FROM sync_state").fetchone()[0]
    finally:
        db.close()


def sync(cc, reqlog):
    """ccwatch sync; returns (exit status, the requests it made)."""
    n = len(requests(reqlog, 0))
    rc, _, err = cc("sync")
    if rc != 0:
        print("# sync: %s" % err)
    return rc, requests(reqlog, n)


def test_sync_cursor(cc, clock, reqlog, store):
    """The cursor: a quiet cycle costs two requests and starts from it."""
    rc, reqs = sync(cc, reqlog)
    first = cursor(store)
    check(rc == 0 and first == clock.t and len(reqs) >= 3,
          "the first sync is full and sets the cursor to the fake's clock (%d requests)"
          % len(reqs))
    clock.advance(60)
    rc, reqs = sync(cc, reqlog)
    since = [re.search(r"last_change_time=([^& ]+)", r) for r in reqs]
    since = [m.group(1).replace("%3A", ":") for m in since if m]
    check(rc == 0 and len(reqs) == 2 and reqs[0].startswith("GET /rest/time "),
          "a quiet sync costs two requests: %s" % reqs)
    check(since == [iso(first - 300)],
          "it searches from the cursor less five minutes: %s, cursor %s" % (since, iso(first)))
    check(cursor(store) == first + 60, "the cursor moves on with the fake's clock")


def test_needinfo(cc, fake, clock, reqlog, store):
    """A root program's needinfo is a question the CA has seven days to answer."""
    asked = clock.advance(600)
    r = fake.do("needinfo", ASKED, ROOT, CA)
    check(r.startswith("ok"), "fakebz -m: needinfo set: %s" % r)
    clock.advance(400)
    rc, reqs = sync(cc, reqlog)
    check(rc == 0 and len(reqs) == 4, "the change is fetched: %d requests" % len(reqs))
    resp = cc.status("--as-of", iso(clock.t)).get(ASKED, {}).get("response")
    check(resp is not None and resp["state"] == "ok" and
          parse_iso(resp["due"]) == asked + 7 * D,
          "a response clock due seven days after the needinfo: %s" % resp)
    rc, out, _ = cc("explain", ASKED, "--as-of", iso(clock.t))
    check(rc == 0 and "needinfo" in out and ROOT in out,
          "explain names the needinfo and who asked")
    clock.advance(60)
    rc, reqs = sync(cc, reqlog)
    check(rc == 0 and len(reqs) == 2 and cursor(store) == clock.t,
          "past the overlap, the next sync does not fetch it again: %d requests" % len(reqs))
    clock.advance(3600)
    r = fake.do("comment", ASKED, CA, 0, "We will answer by Friday.")
    clock.advance(60)
    rc, reqs = sync(cc, reqlog)
    check(rc == 0 and len(reqs) == 4, "the CA's answer is fetched: %d requests" % len(reqs))
    resp = cc.status("--as-of", iso(clock.t)).get(ASKED, {}).get("response")
    check(resp is not None and resp["state"] == "met",
          "the CA's comment meets the response clock: %s" % (resp and resp["state"]))


def test_third_party(cc, fake, clock, reqlog):
    """A CT monitor's report, assigned to nobody, runs the 72-hour clock."""
    clock.advance(60)
    r = fake.do("add-bug", "CA Program", "CA Certificate Compliance",
                "Example CA: precertificates with an invalid dNSName", MONITOR, NOBODY,
                "crt.sh lists 12 precertificates whose SAN holds an underscore.")
    bid = int(r[3:]) if r.startswith("ok ") else 0
    check(bid > 0, "fakebz -m: add-bug with a reporter and an assignee: %s" % r)
    got = fake.get("/rest/bug/%d" % bid)["bugs"][0] if bid else {}
    check(got.get("creator") == MONITOR and got.get("assigned_to") == NOBODY,
          "the fake serves it filed by the monitor, assigned to nobody")
    created = parse_iso(got["creation_time"]) if got else 0
    check(created == clock.t, "filed at the fake's clock")
    clock.advance(60)
    sync(cc, reqlog)
    ir = cc.status("--as-of", iso(created + 30 * H)).get(bid, {}).get("initial-report")
    check(ir is not None and ir["state"] == "due-soon" and
          parse_iso(ir["due"]) == created + 72 * H,
          "30 hours on, the initial report is due soon, at creation + 72 h: %s" % ir)
    ir = cc.status("--as-of", iso(created + 73 * H)).get(bid, {}).get("initial-report")
    check(ir is not None and ir["state"] == "overdue",
          "73 hours on, with no word from the CA, it is overdue")
    rc, out, _ = cc("explain", bid, "--as-of", iso(clock.t))
    check(rc == 0 and "72 hours" in out and MONITOR in out,
          "explain: filed by the monitor, due 72 hours later")
    clock.advance(2 * H)
    fake.do("comment", bid, CA, 0, "We are investigating and will report.")
    clock.advance(60)
    sync(cc, reqlog)
    ir = cc.status("--as-of", iso(clock.t)).get(bid, {}).get("initial-report")
    check(ir is not None and ir["state"] == "met" and not ir.get("late"),
          "the CA's reply meets it in time: %s" % (ir and ir["state"]))


def test_snooze_ack(cc, hook):
    """snooze +3d, unsnooze and ack, as alerts --run delivers them.

    alerts --run --as-of a moment to come is only a dry run, so the
    scenario lies in the past: its bugs were filed before PAST ago, and
    the runs step forward from then to now.
    """
    now = time.time() - PAST

    def delivered(bid):
        return sum(1 for _, a in hook.deliveries() if a.get("bug_id") == bid)

    def run_at(t):
        rc, out, err = cc("alerts", "--run", "--as-of", iso(t))
        if rc != 0:
            print("# alerts --run: %s" % err)
        return rc

    rc, out, err = cc("snooze", SNOOZED, "--until", "+3d", "--reason", "waiting for the audit letter")
    m = re.search(r"snoozed until (\S+)", out)
    until = parse_iso(m.group(1)) if m else 0
    check(rc == 0 and abs(until - (now + PAST + 3 * D)) < 120,
          "snooze --until +3d: until three days from now: %s" % out.strip())
    # The scenario's own snooze ends a few seconds from now, after every
    # run in the past.
    snooze_end = int(time.time()) + 4
    rc, out, _ = cc("snooze", SNOOZED, "--until", iso(snooze_end),
                    "--reason", "waiting for the audit letter")
    check(rc == 0, "snooze --until TIME: %s" % out.strip())
    rc, out, _ = cc("snooze", SNOOZED, "--until", "+3x", "--reason", "r")
    check(rc == 2, "snooze --until +3x: refused, exit 2")
    rc, out, err = cc("snooze", 9999999, "--until", "+3d", "--reason", "r")
    check(rc == 1 and "bug 9999999 is not in the store" in err,
          "snooze of a bug not in the store: an error: %s" % err.strip())
    rc, out, err = cc("snooze", SNOOZED, "--until", "+3d")
    check(rc == 2 and "snooze: --reason TEXT is required" in err,
          "snooze without --reason names it: %s" % err.strip()[:80])
    rc, out, err = cc("snooze", SNOOZED, "--reason", "r")
    check(rc == 2 and "snooze: --until TIME is required" in err,
          "snooze without --until names it: %s" % err.strip()[:80])
    rc, out, err = cc("ack", SNOOZED, "--clock", "revocation-update")
    check(rc == 1 and "has no revocation-update clock" in err,
          "ack of a clock the bug does not have: an error: %s" % err.strip())
    rc, out, err = cc("ack", 9999999)
    check(rc == 1 and "not in the store" in err, "ack of an unknown bug: an error")
    cc("snooze", UNSNOOZED, "--until", "+3d", "--reason", "by mistake")
    rc, out, _ = cc("unsnooze", UNSNOOZED)
    check(rc == 0 and "1 snooze removed" in out, "unsnooze removes it: %s" % out.strip())
    rc, out, _ = cc("unsnooze", UNSNOOZED)
    check(rc == 0 and "0 snoozes removed" in out, "a second unsnooze removes nothing")

    run_at(now)
    check(delivered(ACKED) == 1, "the overdue clock alerts once: %d" % delivered(ACKED))
    run_at(now + 2 * H)
    check(delivered(ACKED) == 2, "an hour later it repeats (repeat = 1h): %d" % delivered(ACKED))
    rc, out, _ = cc("ack", ACKED)
    check(rc == 0 and "1 alerting clock acknowledged" in out, "ack: %s" % out.strip())
    rc, out, _ = cc("status")
    check(rc == 0 and re.search(r"^snoozed: bug %d until \S+: waiting for the audit letter$"
                                % SNOOZED, out, re.M) is not None and
          re.search(r"^acknowledged: bug %d initial-report \(overdue level 1\)" % ACKED, out, re.M)
          is not None,
          "status shows the snooze (until, why) and the acknowledged clock: %s"
          % [line for line in out.splitlines() if line.startswith(("snoozed", "acknowledged"))])
    run_at(now + 5 * H)
    check(delivered(ACKED) == 2, "acknowledged: no more repeats: %d" % delivered(ACKED))
    check(delivered(UNSNOOZED) == 1, "the unsnoozed bug alerts when due soon: %d"
          % delivered(UNSNOOZED))
    check(delivered(SNOOZED) == 0, "the snoozed bug, due soon too, is silent")
    run_at(now + 73 * H)
    check(delivered(SNOOZED) == 0, "the snoozed bug, overdue, is silent")
    ccwtest.wait_until(lambda: time.time() > snooze_end + 1, 10)
    run_at(time.time())
    check(delivered(SNOOZED) == 1, "when the snooze ends, its alert goes out: %d"
          % delivered(SNOOZED))
    check(delivered(ACKED) == 2, "the acknowledged clock stays silent")
    before = len(hook.deliveries())
    rc, out, _ = cc("alerts", "--run", "--as-of", iso(now + PAST + 10 * D))
    check(rc == 0 and "dry run" in out and "would fire" in out,
          "alerts --run --as-of a moment to come: a dry run: %s" % out.strip()[:200])
    check(len(hook.deliveries()) == before, "the dry run sent nothing")
    check(hook.bad == 0, "every webhook signature valid")


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-commands.")
    write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
    hook = Webhook(SECRET)
    now = time.time()
    asked = bug(ASKED, "Example CA: audit statement late", now - 30 * D,
                [(CA, now - 29 * D, "Preliminary report: we are on it.")])
    corpus = write_corpus(os.path.join(work, "corpus.json"), [
        bug(ACKED, "Example CA: OCSP responder outage", now - PAST - 4 * D),
        bug(SNOOZED, "Example CA: CRL gap", now - PAST - 20 * H),
        bug(UNSNOOZED, "Example CA: wrong OU", now - PAST - 20 * H),
        asked])
    reqlog = os.path.join(work, "requests.log")
    store = os.path.join(work, "ccwatch.db")
    # The fake's clock starts four hours behind ours and moves by steps, so
    # that nothing it stamps lies in ccwatch's future.
    fake = Fake(corpus, args=["-l", reqlog, "--now", iso(now - 4 * H)], control=True)
    clock = Clock(fake, now - 4 * H)
    try:
        conf = write_conf(
            os.path.join(work, "ccwatch.conf"),
            section("bugzilla", url=fake.url, retries=0, timeout=5),
            section("store", path=store),
            section('ca "Example CA"', domains="example-ca.test"),
            section("alerts", escalation="0h:1"),
            section('route "team"', ca='"Example CA"', clock="initial-report",
                    channels="hook", repeat="1h"),
            hook_channel("hook", hook.port, os.path.join(work, "hook.secret")))
        cc = Cli(conf)
        test_whiteboard()
        test_config_check(work, conf)
        test_sync_cursor(cc, clock, reqlog, store)
        test_needinfo(cc, fake, clock, reqlog, store)
        test_snooze_ack(cc, hook)
        test_third_party(cc, fake, clock, reqlog)
    finally:
        fake.stop()
        hook.stop()
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
