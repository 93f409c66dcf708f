#!/usr/bin/python3
"""Crash consistency of the real daemon: kill -9 at random moments.

ccwatchd -d runs against the fake Bugzilla (tests/fakebz -m, whose corpus
this test changes through its stdin between and during cycles) and
delivers to a real SMTP server on loopback (aiosmtpd through
tests/smtp-sink.sh) and to a webhook receiver in this process that checks
every HMAC.  Each cycle changes the corpus (CA answers, questions with
needinfo, Next update dates, revocation delays, closures and reopenings,
new bugs), lets the daemon run, polls it with SIGUSR1, and kills it with
SIGKILL at a random moment; the next cycle starts it again.

At the end the daemon runs undisturbed until its outbox is empty and stops
with SIGTERM.  Then:
  * the store passes PRAGMA integrity_check;
  * every alert of the ledger (table alerts) has an outbox row on each
    channel its routes give, every row is sent, none pending or dead, and
    each was received: by mail with Message-ID <ID@ccwatch>, by webhook
    with X-Ccwatch-Delivery ID, its signature valid;
  * nothing arrived that the ledger does not hold, and no two delivery ids
    carry the same transition (clock instance, state, level and the
    instance's transition number): a duplicate is only a resend with the
    same id (counted);
  * independently of the ledger, every clock that `ccwatch status --json`
    calls overdue or due-soon has had an alert of its instance received.

Seeded: the seed is fixed (1) unless CCWATCH_TEST_SEED gives another, and
printed (the mutations and the kill delays follow it; where a kill lands
in the daemon's work still depends on timing).  The webhook holds each
answer 0.3 s while the cycles run, and some cycles wait for a delivery in
flight before the kill: the kills that landed during a delivery are
counted, and at least one must have.  CCWATCH_CRASH_CYCLES sets the
number of cycles (default 50).  The last line before the totals is
"crash-result: {json}" with the figures.  Everything listens on 127.0.0.1.
"""
import json
import os
import random
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
from ccwtest import (CA, CCWATCH, CCWATCHD, COMMUNITY, Fake, Webhook, check,  # noqa: E402
                     daemon_sections, hook_channel, mail_channel, mails, section, sink,
                     wait_until, write_conf, write_corpus, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"crash-webhook-secret"
CA2 = "engineer@example-ca.test"
ROOT = "rootstore@mozilla.test"
FULL_REPORT = ("## Summary\nx\n## Impact\nx\n## Timeline\nx\n## Related Incidents\n"
               "x\n## Root Cause Analysis\nx\n## Lessons Learned\nx\n"
               "## Action Items\nx\n## Appendix\nx\n")

def day(t):
    """The UTC date of t, as a whiteboard writes it."""
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def corpus(now):
    """Bugs whose clocks are overdue, due soon and ok at the start."""
    h, d = 3600, 86400
    return [
        bug(1950001, "Example CA: OCSP outage", now - 4 * d),
        bug(1950002, "Example CA: CRL gap", now - 30 * h),
        bug(1950003, "Example CA: wrong EKU", now - 10 * d,
            [(CA, now - 9 * d, "We are investigating.")]),
        bug(1950004, "Example CA: late audit", now - 20 * d,
            [(CA, now - 19 * d, "Preliminary report."),
             (CA, now - 6 * d, FULL_REPORT)]),
        bug(1950005, "Example CA: serial entropy", now - 40 * h),
        bug(1950006, "Example CA: CPS mismatch", now - 9 * d,
            [(CA, now - 8 * d, "Acknowledged."),
             (CA, now - 5 * d, FULL_REPORT)]),
        bug(1950007, "Example CA: precertificate", now - 2 * h),
        bug(1950008, "Example CA: delayed revocation", now - 15 * d,
            [(CA, now - 14 * d, "Acknowledged."),
             (CA, now - 4 * d, FULL_REPORT)]),
    ]


def daemon_conf(work, url, smtp_port, hook_port):
    """The daemon's configuration: every alert by mail and webhook."""
    return write_conf(
        os.path.join(work, "ccwatch.conf"), daemon_sections(url, work),
        section("alerts", retry_base=1, retry_max=2, max_per_cycle=10000),
        # Every met is told, so that every alert of the ledger is delivered.
        section('route "team"', ca='"Example CA"', channels="mail, hook",
                notify_met="always"),
        section('route "overdue"', state="overdue", channels="hook"),
        mail_channel("mail", smtp_port),
        hook_channel("hook", hook_port, "%s/hook.secret" % work))


def ccwatch(conf, *args):
    """Run the CLI; returns its parsed JSON output, or None."""
    out = ccwtest.run([CCWATCH, "-c", conf] + list(args))
    if out.returncode != 0:
        print("ccwatch %s: exit %d: %s" % (" ".join(args), out.returncode, out.stderr))
        return None
    return json.loads(out.stdout)


class Mutator:
    """Seeded changes to the fake's corpus that keep clocks moving."""

    def __init__(self, rng, fake, bugs):
        self.rng = rng
        self.fake = fake
        self.open = set(bugs)
        self.closed = set()
        self.counts = {}

    def step(self):
        """Apply one random change; returns its name."""
        rng, now = self.rng, time.time()
        b = rng.choice(sorted(self.open)) if self.open else None
        kind = rng.choice(["ca-answer", "question", "needinfo-clear", "next-update",
                           "next-update", "revocation-delay", "close", "reopen",
                           "new-bug", "full-report"])
        if b is None or (kind == "reopen" and not self.closed):
            kind = "new-bug" if b is None else "ca-answer"
        if kind == "ca-answer":
            r = self.fake.do("comment", b, rng.choice([CA, CA2]), 0,
                             "Update: the remediation is on track.")
        elif kind == "full-report":
            r = self.fake.do("comment", b, CA, 0, FULL_REPORT)
        elif kind == "question":
            r = self.fake.do("comment", b, ROOT, 0, "When will the revocation finish?")
            if r.startswith("ok") and rng.random() < 0.7:
                r = self.fake.do("needinfo", b, ROOT, CA)
        elif kind == "needinfo-clear":
            r = self.fake.do("needinfo", b, COMMUNITY, CA)
            if r.startswith("ok"):
                r = self.fake.do("clear-needinfo", b, CA, CA)
        elif kind == "next-update":
            when = now + rng.choice([0, 86400, 10 * 86400, 30 * 86400])
            r = self.fake.do("whiteboard", b, ROOT,
                             "[ca-compliance] [Next update %s]" % day(when))
        elif kind == "revocation-delay":
            r = self.fake.do("whiteboard", b, ROOT, "[ca-compliance] [revocation-delay]")
        elif kind == "close":
            r = self.fake.do("status", b, ROOT, "RESOLVED", "FIXED")
            self.open.discard(b)
            self.closed.add(b)
        elif kind == "reopen":
            b = rng.choice(sorted(self.closed))
            r = self.fake.do("status", b, ROOT, "REOPENED")
            self.closed.discard(b)
            self.open.add(b)
        else:
            r = self.fake.do("add-bug", "CA Program", "CA Certificate Compliance",
                             "Example CA: new incident %d" % rng.randrange(10**6),
                             COMMUNITY, "nobody@mozilla.org",
                             "Something else went wrong.")
            if r.startswith("ok "):
                self.open.add(int(r[3:]))
        if not r.startswith("ok"):
            raise RuntimeError("fakebz %s on %s: %s" % (kind, b, r))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return kind


class Daemon:
    """ccwatchd -d, started and killed again and again."""

    def __init__(self, work, conf):
        self.conf = conf
        self.log = open(os.path.join(work, "ccwatchd.log"), "a")
        self.proc = None
        self.kills = self.early = self.crashes = self.in_delivery = 0

    def start(self):
        self.log.write("=== start\n")
        self.log.flush()
        self.proc = subprocess.Popen([CCWATCHD, "-d", "-c", self.conf],
                                     stdout=self.log, stderr=self.log)

    def poll_now(self):
        """SIGUSR1, if it still runs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)

    def kill(self, hook):
        """SIGKILL; counts how it ended, and whether a delivery was in flight."""
        if self.proc.poll() is None:
            if hook.inflight() > 0:
                self.in_delivery += 1
            self.proc.kill()
        rc = self.proc.wait(timeout=20)
        if rc == -signal.SIGKILL:
            self.kills += 1
        elif rc == -signal.SIGUSR1:
            self.early += 1  # SIGUSR1 before its handler: an abrupt end too
        else:
            self.crashes += 1
            print("# ccwatchd ended by itself: %s" % rc)
        self.proc = None

    def stop(self):
        """SIGTERM; returns the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.proc = None
        return rc


def test_control(fake):
    """The fake's -m interface changes what it serves, and refuses nonsense."""
    text = "control check\n\tescaped \\n"
    r = fake.do("comment", 1950007, CA, 0, text)
    cid = int(r[3:]) if r.startswith("ok ") else -1
    got = fake.get("/rest/bug/1950007/comment")
    texts = [c["text"] for c in got["bugs"]["1950007"]["comments"]]
    check(cid > 0 and texts[-1] == text, "fakebz -m: a comment appears: %s" % r)
    check(fake.do("whiteboard", 1950007, ROOT, "[ca-compliance] x").startswith("ok") and
          fake.get("/rest/bug/1950007")["bugs"][0]["whiteboard"] == "[ca-compliance] x",
          "fakebz -m: the whiteboard changes")
    check(fake.do("comment", 42, CA, 0, "x").startswith("error"), "fakebz -m: no such bug")
    check(fake.do("frobnicate", 1).startswith("error"), "fakebz -m: unknown command")
    fake.do("whiteboard", 1950007, ROOT, "[ca-compliance]")


def run_cycles(rng, cycles, fake, daemon, mut, hook):
    """Mutate, run and kill -9 the daemon cycles times."""
    for i in range(cycles):
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                mut.step()  # while the daemon is down
        daemon.start()
        mode = rng.choice(["after-start", "after-usr1", "after-usr1", "in-delivery"])
        if mode == "after-start":
            time.sleep(rng.uniform(0.0, 2.0))
        else:
            time.sleep(rng.uniform(0.3, 1.5))
            for _ in range(rng.randint(1, 3)):
                mut.step()
            daemon.poll_now()
            if mode == "in-delivery":
                # Kill while the webhook holds an answer, if one comes.
                wait_until(lambda: hook.inflight() > 0, 3.0, 0.01)
            else:
                time.sleep(rng.uniform(0.0, 1.0))
        daemon.kill(hook)


def drain(conf, daemon, timeout=60):
    """Run the daemon until no outbox row waits; stop it; returns the counts."""
    daemon.start()
    deadline = time.monotonic() + timeout
    counts = {}
    stable = 0
    while time.monotonic() < deadline:
        time.sleep(1.0)
        daemon.poll_now()
        a = ccwatch(conf, "alerts", "--json")
        counts = a["counts"] if a else {}
        stable = stable + 1 if counts.get("pending") == 0 and counts.get("held", 0) == 0 else 0
        if stable >= 3:
            break
    rc = daemon.stop()
    check(rc == 0, "the final daemon stops on SIGTERM with exit 0")
    return counts


def main():
    seed = int(os.environ.get("CCWATCH_TEST_SEED") or 1)
    cycles = int(os.environ.get("CCWATCH_CRASH_CYCLES") or 50)
    print("# seed %d (CCWATCH_TEST_SEED=%d reproduces it), %d cycles" % (seed, seed, cycles))
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="ccwatch-crash.")
    write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
    hook = Webhook(SECRET)
    smtp_port = sink("start", work)
    path = os.path.join(work, "corpus.json")
    bugs = corpus(time.time())
    write_corpus(path, bugs)
    fake = Fake(path, control=True)
    conf = daemon_conf(work, fake.url, smtp_port, hook.port)
    daemon = Daemon(work, conf)
    started = time.monotonic()
    try:
        test_control(fake)
        mut = Mutator(rng, fake, [b["id"] for b in bugs])
        hook.delay = 0.3
        run_cycles(rng, cycles, fake, daemon, mut, hook)
        hook.delay = 0.0
        counts = drain(conf, daemon)
        result = verify(work, conf, counts, hook)
        result.update(seed=seed, cycles=cycles, kills=daemon.kills,
                      early_usr1=daemon.early, crashes=daemon.crashes,
                      kills_in_delivery=daemon.in_delivery,
                      mutations=sum(mut.counts.values()),
                      seconds=round(time.monotonic() - started, 1))
        check(daemon.crashes == 0, "ccwatchd never ended by itself (%d)" % daemon.crashes)
        check(daemon.kills + daemon.early == cycles, "every cycle ended in a kill")
        check(daemon.in_delivery > 0,
              "kills landed during a webhook delivery: %d of %d" % (daemon.in_delivery, cycles))
        print("# mutations: %s" % json.dumps(mut.counts, sort_keys=True))
        print("crash-result: " + json.dumps(result, sort_keys=True))
    finally:
        if daemon.proc is not None:
            daemon.proc.kill()
            daemon.proc.wait(timeout=20)
        fake.stop()
        sink("stop", work)
        hook.stop()
    return ccwtest.summary(work)


def verify(work, conf, counts, hook):
    """Check the store, the ledger and what arrived at the sink and hook; returns the figures."""
    db = sqlite3.connect(os.path.join(work, "ccwatch.db"))
    ic = db.execute("PRAGMA integrity_check").fetchall()
    check(ic == [("ok",)], "PRAGMA integrity_check: %s" % ic)
    alerts = {r[0]: r[1:] for r in db.execute(
        "SELECT id, bug_id, kind, started_at, due, state, level, dry_run FROM alerts")}
    outbox = db.execute("SELECT delivery_id, channel, route, status FROM outbox").fetchall()
    db.close()
    check(len(alerts) > 0, "the ledger holds alerts: %d" % len(alerts))
    check(all(a[6] == 0 for a in alerts.values()), "no alert is a dry run")
    rows = {(d, c): s for d, c, _, s in outbox}
    # Route "team" takes every Example CA alert to mail and hook, "overdue"
    # takes overdue ones to hook: every alert belongs on both channels.
    missing = [(a, c) for a in alerts for c in ("mail", "hook") if (a, c) not in rows]
    check(not missing, "every alert has an outbox row on mail and hook: %d missing %s"
          % (len(missing), missing[:3]))
    stray = [d for d, _ in rows if d not in alerts]
    check(not stray, "every outbox row belongs to an alert of the ledger: %s" % stray[:3])
    unsent = [(k, s) for k, s in rows.items() if s != "sent"]
    check(not unsent, "every outbox row is sent: %s" % unsent[:5])
    check(counts.get("pending") == 0 and counts.get("dead") == 0,
          "ccwatch alerts: none pending, no dead letter: %s" % counts)

    got_mail = {}
    for m in mails(work):
        mid = str(m["Message-ID"]).strip("<>").rsplit("@", 1)[0]
        got_mail.setdefault(mid, []).append(m)
    got_hook = {}
    for did, alert in hook.deliveries():
        got_hook.setdefault(did, []).append(alert)
    bad = hook.bad
    lost_mail = [a for a in alerts if a not in got_mail]
    lost_hook = [a for a in alerts if a not in got_hook]
    check(not lost_mail, "every alert arrived by mail: %d lost %s" % (len(lost_mail), lost_mail[:3]))
    check(not lost_hook, "every alert arrived by webhook: %d lost %s" % (len(lost_hook), lost_hook[:3]))
    check(bad == 0, "every webhook signature valid, body id = header id (%d bad)" % bad)
    phantom = [d for d in list(got_mail) + list(got_hook) if d not in alerts]
    check(not phantom, "nothing arrived that the ledger does not hold: %s" % phantom[:3])

    # A duplicate is a resend: the same id and the same content.
    dup_mail = sum(len(v) - 1 for v in got_mail.values())
    dup_hook = sum(len(v) - 1 for v in got_hook.values())
    same = all(len({str(m["Subject"]) for m in v}) == 1 for v in got_mail.values()) and \
        all(len({json.dumps(a, sort_keys=True) for a in v}) == 1 for v in got_hook.values())
    check(same, "every duplicate is identical to its original")
    keys = {}
    for did, v in got_hook.items():
        a = v[0]
        # A state reached again (a closure, then a reopening) is a new
        # transition of the instance: its id carries the number (-tN).
        episode = re.search(r"-t(\d+)(?:-r\.|$)", did)
        k = (a.get("bug_id"), a.get("clock"), a.get("started_at"), a.get("due"),
             a.get("state"), a.get("level"), episode.group(1) if episode else "0")
        keys.setdefault(k, set()).add(did)
    twice = {k: ids for k, ids in keys.items() if len(ids) > 1}
    check(not twice, "no transition of a clock instance arrived under two ids: %s"
          % list(twice)[:2])

    # Independently of the ledger: what status calls late or near has alerted.
    st = ccwatch(conf, "status", "--json")
    seen = {(a.get("bug_id"), a.get("clock"), a.get("due"))
            for v in got_hook.values() for a in v}
    urgent = [(b["id"], c["kind"], c["due"]) for b in (st or {}).get("bugs", [])
              for c in b["clocks"] if c["state"] in ("overdue", "due-soon")]
    unalerted = [u for u in urgent if u not in seen]
    check(st is not None and not unalerted,
          "every overdue or due-soon clock of status has alerted: %d of %d unalerted %s"
          % (len(unalerted), len(urgent), unalerted[:3]))
    states = {}
    for a in alerts.values():
        states[a[4]] = states.get(a[4], 0) + 1
    return {"alerts": len(alerts), "alert_states": states, "deliveries": len(rows),
            "mail_received": sum(len(v) for v in got_mail.values()),
            "hook_received": sum(len(v) for v in got_hook.values()),
            "duplicates_mail_same_id": dup_mail, "duplicates_hook_same_id": dup_hook,
            "lost": len(lost_mail) + len(lost_hook), "dead": counts.get("dead"),
            "urgent_clocks_at_end": len(urgent), "integrity": ic[0][0] if ic else None}


if __name__ == "__main__":
    sys.exit(main())
