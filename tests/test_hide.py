#!/usr/bin/python3
"""What Bugzilla hides, ccwatch forgets: end to end through every output.

tests/fakebz (-m, changed between syncs) serves four open compliance bugs,
each with a question from the root program that is days overdue.  After a
first `ccwatch sync`, Bugzilla (the fake) changes:

  * bug 1's question is made private (the key is anonymous);
  * bug 2 is restricted to a security group;
  * bug 3 is moved to "CA Security Vulnerability";
  * bug 4 does not change.

`ccwatch sync --full` then runs, and `status --json`, `status`, `feed`
(JSON, iCalendar, HTML) must no longer show the private question (its link,
its asker, its overdue response clock), bug 2 or bug 3; bug 4 is still
there.  Then Bugzilla shows everything again and one more full sync brings
it all back.  Everything listens on 127.0.0.1; every wait is bounded.
"""
import json
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import CCWATCH, Fake, check, run, section, write_conf, write_corpus  # noqa: E402
from ccwtest import corpus_bug as bug  # noqa: E402

ASKER = "asker@mozilla.com"
BASE = 2040000


def corpus(now):
    """Four bugs, each with an unanswered root-program question (ids BASE+N)."""
    created = now - 20 * 86400
    bugs = []
    for n in range(1, 5):
        bugs.append(bug(BASE + n, "Example CA: incident %d" % n, created,
                        [(ASKER, created + 3600,
                          "Question %d: why did this happen? Please explain." % n)]))
    return bugs


def outputs(conf):
    """Every output as text: status JSON and table, feed JSON, ICS, HTML."""
    out = {}
    for name, args in (("status.json", ["status", "--json"]),
                       ("status", ["status"]),
                       ("feed.json", ["feed", "--format", "json"]),
                       ("feed.ics", ["feed", "--format", "ics"]),
                       ("feed.html", ["feed", "--format", "html"])):
        r = run([CCWATCH, "-c", conf] + args)
        check(r.returncode == 0, "%s runs (%s)" % (name, r.stderr.strip()[:200]))
        out[name] = r.stdout
    return out


def comment_link(bid):
    """The link of a bug's question (comment 1)."""
    return "show_bug.cgi?id=%d#c1" % bid


def sync(conf, full):
    """One sync that must succeed."""
    r = run([CCWATCH, "-c", conf, "sync"] + (["--full"] if full else []))
    check(r.returncode == 0, "sync%s succeeds (%s)" % (" --full" if full else "",
                                                        r.stderr.strip()[:200]))


def questions(out):
    """bug id -> the askers of its open questions, from status --json."""
    doc = json.loads(out["status.json"])
    bugs = doc.get("bugs", doc) if isinstance(doc, dict) else doc
    got = {}
    for b in bugs:
        got[b["id"]] = [q.get("asked_by") for q in b.get("questions", [])]
    return got


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-hide-")
    now = int(time.time())
    path = write_corpus(os.path.join(work, "corpus.json"), corpus(now))
    fake = Fake(path, control=True)
    try:
        conf = write_conf(os.path.join(work, "ccwatch.conf"),
                          section("bugzilla", url=fake.url, retries=0, timeout=5),
                          section("store", path=os.path.join(work, "ccwatch.db")),
                          section('ca "Example CA"', domains="example-ca.test"))
        sync(conf, False)
        before = outputs(conf)
        q = questions(before)
        check(all(q.get(BASE + n) == [ASKER] for n in range(1, 5)),
              "before: each bug has its open question (%r)" % q)
        for name in ("feed.json", "feed.ics", "feed.html"):
            check(comment_link(BASE + 1) in before[name],
                  "before: %s links bug 1's question" % name)

        check(fake.do("private", (BASE + 1) * 10 + 1, "1") == "ok 0",
              "the fake makes bug 1's question private")
        check(fake.do("restrict", BASE + 2, "ca-program-security") == "ok 0",
              "the fake restricts bug 2")
        check(fake.do("move", BASE + 3, ASKER, "CA Program", "CA Security Vulnerability")
              == "ok 0", "the fake moves bug 3")
        sync(conf, True)
        after = outputs(conf)
        q = questions(after)
        check(q.get(BASE + 1) == [], "after: bug 1 has no open question (%r)" % q)
        check(BASE + 2 not in q and BASE + 3 not in q,
              "after: the restricted and the moved bug are gone from status --json")
        check(q.get(BASE + 4) == [ASKER], "after: bug 4 keeps its question")
        for name, text in after.items():
            check(comment_link(BASE + 1) not in text,
                  "after: %s does not link bug 1's private question" % name)
            for bid in (BASE + 2, BASE + 3):
                check(str(bid) not in text, "after: %s does not show bug %d" % (name, bid))
            check(str(BASE + 4) in text, "after: %s still shows bug 4" % name)

        check(fake.do("private", (BASE + 1) * 10 + 1, "0") == "ok 0",
              "the fake makes the question public again")
        check(fake.do("restrict", BASE + 2, "-") == "ok 0", "the fake lifts the restriction")
        check(fake.do("move", BASE + 3, ASKER, "CA Program", "CA Certificate Compliance")
              == "ok 0", "the fake moves bug 3 back")
        sync(conf, True)
        back = outputs(conf)
        q = questions(back)
        check(all(q.get(BASE + n) == [ASKER] for n in range(1, 5)),
              "back: each bug has its open question again (%r)" % q)
        check(comment_link(BASE + 1) in back["feed.json"], "back: the feed links it again")
    finally:
        fake.stop()
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
