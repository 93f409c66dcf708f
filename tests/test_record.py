#!/usr/bin/python3
"""End-to-end test of the track record through the real programs.

A fake Bugzilla holds open bugs and resolved bugs that the poll never
stores with their threads.  `ccwatch sync --backfill` fetches them at the
request floor (counted in the fake's request log) and logs a line per
batch; run again it costs the search alone.  `ccwatch report` then gives
the same numbers as JSON and as CSV, a total that is the sum of the CAs,
and one CA by another spelling.  Last, ccwatchd with `[daemon] backfill =
yes` fetches the threads in the background after its first cycle, and
still answers a poll.  Every wait is bounded.
"""
import csv
import html
import io
import json
import os
import re
import shutil
import signal
import urllib.request
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CA, CCWATCH, CCWATCHD, SRC, Fake, check, corpus_bug,  # noqa: E402
                     free_port, iso, section, wait_until, write_conf, write_corpus)

NOW = int(time.time())
DAY = 86400
N_RESOLVED = 23
N_OPEN = 3
PAGE = 10


def corpus(path):
    """Open and resolved bugs of three CAs; the resolved ones with threads."""
    bugs = []
    names = ["Alpha Trust", "Beta CA", "Gamma PKI"]
    for i in range(N_RESOLVED + N_OPEN):
        created = NOW - (400 - i * 10) * DAY
        name = names[i % 3] if i % 5 else names[i % 3].upper()
        b = corpus_bug(5000 + i, "%s: incident %d" % (name, i), created, comments=[
            (CA, created + (1 + i % 5) * DAY, "We are looking into it."),
            ("ben@mozilla.com", created + 6 * DAY, "When is the full report due?"),
            (CA, created + (7 + i % 9) * DAY, "Soon."),
        ])
        if i < N_RESOLVED:
            closed = created + 30 * DAY
            b["status"], b["resolution"] = "RESOLVED", "FIXED"
            b["last_change_time"] = iso(closed)
            b["history"] = [{"when": iso(closed), "who": "ben@mozilla.com", "changes": [
                {"field_name": "status", "removed": "NEW", "added": "RESOLVED"},
                {"field_name": "resolution", "removed": "", "added": "FIXED"}]}]
        bugs.append(b)
    return write_corpus(path, bugs)


def conf(path, url, store, feed=None, **daemon):
    """A configuration for the fake, with [daemon] keys and an optional [feed]."""
    parts = [section("bugzilla", url=url, retries=0, timeout=5, connect_timeout=5,
                     page_size=PAGE),
             section("store", path=store),
             section("daemon", poll_interval=3600, backfill_pause=0, **daemon)]
    if feed is not None:
        parts.append(section("feed", **feed))
    write_conf(path, *parts)


def chromium(work, url):
    """Load url in headless Chromium: (the DOM, the console messages)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    check(exe is not None, "chromium is installed")
    if exe is None:
        return "", []
    prof = tempfile.mkdtemp(dir=work, prefix="chromium-")
    r = ccwtest.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--enable-logging=stderr", "--v=0",
                     "--user-data-dir=" + prof, "--dump-dom", url])
    return r.stdout, [line for line in r.stderr.splitlines() if ":CONSOLE" in line]


def charts(dom):
    """Each section's charts as the DOM shows them: {key: (months, buckets)}."""
    out = {}
    for sec in re.findall(r'<section class="ca" data-ca="([^"]*)">(.*?)</section>', dom, re.S):
        key, body = html.unescape(sec[0]), sec[1]
        months = {m: (int(a), int(b), int(c)) for m, a, b, c in re.findall(
            r'<g data-month="([0-9-]+)" data-on-time="(\d+)" data-late="(\d+)" '
            r'data-missed="(\d+)">', body)}
        buckets = {html.unescape(b): int(n) for b, n in re.findall(
            r'<g data-bucket="([^"]+)" data-count="(\d+)">', body)}
        out[key] = (months, buckets)
    return out


def charts_match(doc, seen, keys):
    """1 if every chart of keys shows the JSON's numbers (months absent are 0)."""
    ok = len(keys) > 0
    for key in keys:
        ca = doc["total"] if key == "" and "" not in [c["key"] for c in doc["cas"]] else \
            next(c for c in doc["cas"] if c["key"] == key)
        months, buckets = seen.get(key, ({}, {}))
        want = {m["month"]: (m["on_time"], m["late"], m["missed"]) for m in ca["months"]}
        ok = ok and len(months) == 24 and sum(sum(v) for v in months.values()) > 0
        ok = ok and all(want.get(m, (0, 0, 0)) == v for m, v in months.items())
        ok = ok and buckets == {b["bucket"]: b["count"] for b in ca["response_histogram"]}
    return ok


def requests(log, part):
    """Lines of the fake's request log holding part."""
    with open(log) as f:
        return [line for line in f if part in line]


def stored_threads(store):
    """Resolved bugs with a stored comment."""
    db = sqlite3.connect(store)
    try:
        return db.execute("SELECT count(DISTINCT b.id) FROM bugs b JOIN comments c"
                          " ON c.bug_id = b.id WHERE b.resolution != ''").fetchone()[0]
    finally:
        db.close()


def cli_part(work, fake, reqlog):
    """sync, backfill, report."""
    c = os.path.join(work, "cli.conf")
    store = os.path.join(work, "cli.db")
    conf(c, fake.url, store)
    out = ccwtest.run([CCWATCH, "-c", c, "sync"])
    check(out.returncode == 0, "sync: %s" % out.stderr.strip())
    check(stored_threads(store) == 0, "the poll stores no resolved bug's thread")
    n0 = len(requests(reqlog, " /rest/"))
    out = ccwtest.run([CCWATCH, "-c", c, "sync", "--backfill"])
    check(out.returncode == 0 and "%d of %d resolved bugs fetched" % (N_RESOLVED, N_RESOLVED)
          in out.stdout, "backfill: %s %s" % (out.stdout.strip(), out.stderr.strip()))
    lines = requests(reqlog, " /rest/")[n0:]
    pages = (N_RESOLVED + PAGE) // PAGE
    check(len(lines) == pages + 2, "backfill at the floor: %d search pages and 2 batch requests"
          " (%d requests)" % (pages, len(lines)))
    check("status=__closed__" in lines[0], "the search asks for resolved bugs: %s" % lines[0])
    check(out.stderr.count("backfill: %d/%d bugs" % (N_RESOLVED, N_RESOLVED)) == 1,
          "one log line per batch without a terminal: %r" % out.stderr)
    check(stored_threads(store) == N_RESOLVED, "every resolved bug's thread is stored")
    n0 = len(requests(reqlog, " /rest/"))
    out = ccwtest.run([CCWATCH, "-c", c, "sync", "--backfill"])
    check(out.returncode == 0 and len(requests(reqlog, " /rest/")) - n0 == pages,
          "a second backfill costs the search alone")
    out = ccwtest.run([CCWATCH, "-c", c, "report", "--format", "json"])
    check(out.returncode == 0, "report --format json: %s" % out.stderr.strip())
    doc = json.loads(out.stdout)
    check(doc["schema"] == "ccwatch.track-record/1", "the JSON's schema")
    check(doc["total"]["incidents"]["filed"] == N_RESOLVED + N_OPEN,
          "every bug filed is counted: %s" % doc["total"]["incidents"])
    check(doc["total"]["incidents"]["open"] == N_OPEN, "open now: %d" % N_OPEN)
    check(len(doc["cas"]) == 3, "three CAs, each by one key for two spellings: %s"
          % [c["ca"] for c in doc["cas"]])
    for member in ("came_due", "on_time", "late", "missed"):
        total = doc["total"]["deadlines"][member]
        check(total == sum(c["deadlines"][member] for c in doc["cas"]),
              "the total's %s is the sum of the CAs' (%d)" % (member, total))
    check(doc["total"]["deadlines"]["came_due"] > 0, "deadlines came due")
    missed = [c["deadlines"]["missed"] for c in doc["cas"]]
    check(missed == sorted(missed, reverse=True), "sorted by missed deadlines: %s" % missed)
    out = ccwtest.run([CCWATCH, "-c", c, "report", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    agree = len(rows) == 4 * 6
    for r in rows:
        ca = doc["total"] if r["total"] == "1" else next(
            (c for c in doc["cas"] if c["key"] == r["key"]), None)
        k = ca and ca["clocks"][r["clock"]]
        for m in ("came_due", "on_time", "late", "missed", "paused", "withdrawn"):
            agree = agree and k is not None and int(r[m]) == k[m]
    check(agree, "every CSV row holds the JSON's counts (%d rows)" % len(rows))
    out = ccwtest.run([CCWATCH, "-c", c, "report", "--ca", "beta ca", "--format", "json"])
    one = json.loads(out.stdout)
    check([c["ca"] for c in one["cas"]] == ["Beta CA"], "--ca by another spelling")
    out = ccwtest.run([CCWATCH, "-c", c, "report"])
    check(out.returncode == 0 and "ON TIME" in out.stdout and "total" in out.stdout,
          "the table")


def daemon_part(work, fake):
    """ccwatchd runs the backfill in the background."""
    c = os.path.join(work, "daemon.conf")
    store = os.path.join(work, "daemon.db")
    out_dir = os.path.join(work, "out")
    os.mkdir(out_dir)
    port = free_port()
    conf(c, fake.url, store, feed={"directory": out_dir, "listen": "127.0.0.1:%d" % port},
         backfill="yes")
    log = open(os.path.join(work, "ccwatchd.log"), "w+")
    daemon = subprocess.Popen([CCWATCHD, "-d", "-c", c], stderr=log, stdout=log)
    try:
        done = wait_until(lambda: os.path.exists(store) and stored_threads(store) == N_RESOLVED,
                          timeout=30)
        check(done, "the daemon's backfill stored every resolved thread")
        wait_until(lambda: "backfill: done" in open(log.name).read(), timeout=10)
        text = open(log.name).read()
        check("backfill: done: %d resolved bugs fetched" % N_RESOLVED in text,
              "the daemon logs the end of the backfill")
        cycles = text.count("sync: ")
        daemon.send_signal(signal.SIGUSR1)
        check(wait_until(lambda: open(log.name).read().count("sync: ") > cycles, timeout=15),
              "a poll still runs after the backfill")
        wait_until(lambda: "feed: " not in open(log.name).read() and os.path.exists(
            os.path.join(out_dir, "track-record.json")) and json.load(open(os.path.join(
                out_dir, "track-record.json")))["total"]["incidents"]["filed"] ==
            N_RESOLVED + N_OPEN, timeout=15)
        seen_part(work, c, out_dir, port)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
    check(daemon.returncode == 0, "SIGTERM ends the daemon with 0")
    # Restarted, it does not run the backfill again.
    log.seek(0, os.SEEK_END)
    start = log.tell()
    daemon = subprocess.Popen([CCWATCHD, "-d", "-c", c], stderr=log, stdout=log)
    try:
        wait_until(lambda: "sync: " in open(log.name).read()[start:], timeout=15)
        time.sleep(0.5)
    finally:
        daemon.terminate()
        daemon.wait(timeout=15)
    check("backfill: started" not in open(log.name).read()[start:],
          "a finished backfill is not started again")


def seen_part(work, c, out_dir, port):
    """track-record.json and .html beside the dashboard, served, and the metrics."""
    import jsonschema
    with open(os.path.join(out_dir, "track-record.json")) as f:
        doc = json.load(f)
    with open(os.path.join(SRC, "docs", "track-record.schema.json")) as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator(schema).validate(doc)
        valid = True
    except jsonschema.ValidationError as e:
        print("# %s" % str(e).splitlines()[0])
        valid = False
    check(valid, "track-record.json validates against docs/track-record.schema.json")
    check(doc["total"]["incidents"]["filed"] == N_RESOLVED + N_OPEN,
          "the written record holds the backfilled bugs")
    keys = [ca["key"] for ca in doc["cas"]]
    files = os.listdir(out_dir)
    check(all("track-record-%s.html" % k.replace(" ", "-") in files for k in keys),
          "a page per CA on disk: %s" % sorted(f for f in files if f.startswith("track-record")))
    index = open(os.path.join(out_dir, "index.html")).read()
    check('href="track-record.html"' in index, "the dashboard links to the track record")
    dom, console = chromium(work, "file://" + os.path.join(out_dir, "track-record.html"))
    check(console == [], "the page loads with no console message: %s" % console[:2])
    seen = charts(dom)
    check(sorted(seen) == sorted([""] + keys) and charts_match(doc, seen, keys),
          "every CA's charts show the JSON's numbers (%d sections)" % len(seen))
    total = seen.get("", ({}, {}))
    check(total[1] == {b["bucket"]: b["count"] for b in doc["total"]["response_histogram"]} and
          all(v == next(((m["on_time"], m["late"], m["missed"]) for m in doc["total"]["months"]
                         if m["month"] == k), (0, 0, 0)) for k, v in total[0].items()),
          "the total's charts show the JSON's total")
    dom, console = chromium(work, "file://" + os.path.join(
        out_dir, "track-record-%s.html" % keys[0].replace(" ", "-")))
    check(console == [] and sorted(charts(dom)) == [keys[0]] and
          charts_match(doc, charts(dom), [keys[0]]), "one CA's page from disk")
    # The console check itself: a page that breaks the CSP is caught.
    bad = os.path.join(work, "bad.html")
    with open(bad, "w") as f:
        f.write(open(os.path.join(out_dir, "track-record.html")).read().replace(
            "</main>", "</main><script>document.title = 1</script>"))
    check(chromium(work, "file://" + bad)[1] != [], "a script on the page is refused, and seen")
    base = "http://127.0.0.1:%d" % port
    with urllib.request.urlopen(base + "/track-record.html?ca=" +
                                urllib.parse.quote(keys[1].upper()), timeout=10) as r:
        body = r.read().decode()
        csp = r.headers.get("Content-Security-Policy", "")
    check("default-src 'none'" in csp and "script" not in csp.replace("script-src", ""),
          "served with the dashboard's CSP: %s" % csp)
    check(sorted(charts(body)) == [keys[1]], "?ca= by another spelling shows that CA alone")
    dom, console = chromium(work, base + "/track-record.html?ca=" + urllib.parse.quote(keys[1]))
    check(console == [] and charts_match(doc, charts(dom), [keys[1]]),
          "the served page loads in Chromium with no console message, charts as the JSON")
    with urllib.request.urlopen(base + "/track-record.json", timeout=10) as r:
        check(json.load(r)["total"] == doc["total"], "/track-record.json is the written one")
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        metrics = r.read().decode()
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 365 * DAY))
    out = ccwtest.run([CCWATCH, "-c", c, "report", "--since", since, "--format", "json"])
    year = json.loads(out.stdout)
    got = {(ca, k, o): int(v) for ca, k, o, v in re.findall(
        r'ccwatch_deadlines_total\{ca="([^"]*)",clock="([a-z-]+)",outcome="([a-z-]+)"\} (\d+)',
        metrics)}
    want = {}
    for ca in year["cas"]:
        for k, v in ca["clocks"].items():
            for o, m in (("on-time", "on_time"), ("late", "late"), ("missed", "missed")):
                want[(ca["ca"], k, o)] = v[m]
    check(got == want and sum(got.values()) > 0,
          "ccwatch_deadlines_total is the last 365 days of report --since (%d series)" % len(got))


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-record.")
    reqlog = os.path.join(work, "requests.log")
    fake = Fake(corpus=corpus(os.path.join(work, "corpus.json")),
                args=["-p", "0", "-l", reqlog])
    try:
        cli_part(work, fake, reqlog)
        daemon_part(work, fake)
    finally:
        fake.stop()
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
