#!/usr/bin/python3
"""End-to-end test of the oversight feed.

Builds a store with the real `ccwatch sync` against the fake Bugzilla (the
small corpus plus a bug with a hostile summary, a restricted bug and a
private question), then checks every output with an independent reader:
feed.json against docs/feed.schema.json (python3-jsonschema), the calendar
with python3-icalendar, the metrics with promtool (Debian's prometheus),
and the dashboard served by ccwatchd in headless Chromium.  HTTP rules
(HEAD, 405, 304, 404, the bearer token, no public bind without a token)
are checked with urllib.  The index.html the daemon writes, and one of the
demo corpus, are opened from file:// in Chromium: a probe page frames the
dashboard at 1400x1000, clicks a count tile and submits the filter form,
and reports what the page then shows.  Every wait is bounded; everything is on
127.0.0.1.
"""
import copy
import html
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, CCWATCHD, CORPUS, SRC, Fake, check, free_port, run,  # noqa: E402
                     write_file, write_secret)

NOW = "2024-06-15T00:00:00Z"
KEY = "feed-test-api-key"
HOSTILE = "Hostile CA: <script>document.title='pwned'</script> & \"quotes\""

def make_corpus(path):
    """The small corpus plus the three records the feed must handle."""
    with open(CORPUS) as f:
        c = json.load(f)
    base = c["bugs"][0]
    hostile = copy.deepcopy(base)
    hostile.update(id=1899001, summary=HOSTILE, whiteboard="[ca-compliance]",
                   creation_time="2024-06-01T10:00:00Z",
                   last_change_time="2024-06-01T10:00:00Z", flags=[],
                   history=[], groups=[])
    hostile["comments"] = [dict(base["comments"][0], id=90001, creation_time="2024-06-01T10:00:00Z",
                                text="We found a problem.")]
    secret = copy.deepcopy(hostile)
    secret.update(id=1899002, summary="Secret CA: RESTRICTED-MARKER",
                  groups=["ca-program-security"])
    secret["comments"] = [dict(hostile["comments"][0], id=90002)]
    c["bugs"] += [hostile, secret]
    first = c["bugs"][0]
    first["comments"].append({"id": 90003, "count": len(first["comments"]),
                              "creator": "rootstore@mozilla.test",
                              "creation_time": "2024-06-10T09:00:00Z",
                              "text": "PRIVATE-MARKER: why was this missed?",
                              "is_private": True})
    with open(path, "w") as f:
        json.dump(c, f)
    return len(first["comments"]) - 1


def write_conf(work, name, url, extra):
    """A configuration for the fake Bugzilla and the test's store."""
    return write_file(os.path.join(work, name),
                      "[bugzilla]\nurl = %s\napi_key_file = %s\npage_size = 100\n"
                      "[store]\npath = %s\n[feed]\n%s"
                      % (url, os.path.join(work, "key"), os.path.join(work, "ccwatch.db"), extra))


def ccwatch(conf, *args):
    """Run the CLI."""
    return run([CCWATCH, "-c", conf] + list(args))


def request(port, method, path, headers=None):
    """One request; returns (status, headers, body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


class Daemon:
    """ccwatchd -d with a configuration; waits for the feed to be served."""

    def __init__(self, work, conf, port, headers=None):
        self.log = open(os.path.join(work, "ccwatchd-%d.log" % port), "w+")
        self.proc = subprocess.Popen([CCWATCHD, "-d", "-c", conf],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.port = port
        deadline = time.monotonic() + 20
        self.up = False
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                st, _, body = request(port, "GET", "/metrics", headers)
                if st == 200 and b'ccwatch_sync_cycles_total{result="ok"} 1' in body:
                    self.up = True
                    break
            except OSError:
                pass
            time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.seek(0)
        return self.log.read()


def chromium(work, url, screenshot=None):
    """The DOM of url after loading in headless Chromium."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return None
    prof = tempfile.mkdtemp(dir=work, prefix="chromium-")
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + prof]
    if screenshot:
        args += ["--screenshot=" + screenshot, "--window-size=1280,900"]
    else:
        args += ["--dump-dom"]
    r = run(args + [url])
    return r.stdout


def test_cli_outputs(work, conf, conf_all, private_count):
    """feed --format json|ics|prom from the CLI, default and with restricted."""
    import jsonschema
    r = ccwatch(conf, "feed", "--format", "json", "--as-of", NOW)
    check(r.returncode == 0, "feed --format json exits 0")
    doc = json.loads(r.stdout)
    with open(os.path.join(SRC, "docs/feed.schema.json")) as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator(schema).validate(doc)
        ok = True
    except jsonschema.ValidationError as e:
        print("# " + str(e).splitlines()[0])
        ok = False
    check(ok, "feed.json validates against docs/feed.schema.json")
    check(doc["schema"] == "ccwatch.feed/2", "schema is ccwatch.feed/2")
    check(validates(ccwatch(conf, "feed", "--format", "json-v1", "--as-of", NOW).stdout,
                    "feed-v1.schema.json", "ccwatch.feed/1"),
          "feed --format json-v1 validates against docs/feed-v1.schema.json")
    ids = [b["id"] for b in doc["bugs"]]
    check(1899001 in ids and 1899002 not in ids, "restricted bug absent from JSON by default")
    check("RESTRICTED-MARKER" not in r.stdout and "#c%d" % private_count not in r.stdout,
          "private comment absent from JSON by default")
    hostile = [b for b in doc["bugs"] if b["id"] == 1899001][0]
    check(hostile["summary"] == HOSTILE, "hostile summary carried verbatim in JSON")
    ra = ccwatch(conf_all, "feed", "--format", "json", "--as-of", NOW)
    check("RESTRICTED-MARKER" in ra.stdout and "id=1800001#c%d" % private_count in ra.stdout,
          "include_restricted = yes shows the restricted bug and private question")

    import icalendar
    r = ccwatch(conf, "feed", "--format", "ics", "--as-of", NOW)
    cal = icalendar.Calendar.from_ical(r.stdout)
    events = [e for e in cal.walk("VEVENT")]
    uids = [str(e["UID"]) for e in events]
    check(len(events) > 0, "calendar has events (%d)" % len(events))
    check(len(set(uids)) == len(uids), "UIDs are unique")
    check(all(re.fullmatch(r"ccwatch-\d+-[a-z-]+-\d+@ccwatch", u) for u in uids),
          "UIDs look like ccwatch-BUG-CLOCK-N@ccwatch")
    check("ccwatch-1899001-full-report-0@ccwatch" in uids, "hostile bug's full report is an event")
    check(not any("1899002" in u for u in uids), "restricted bug absent from the calendar")
    ev = [e for e in events if str(e["UID"]).startswith("ccwatch-1899001-")][0]
    check(HOSTILE in str(ev["DESCRIPTION"]), "description reads back with , ; and quotes intact")
    check(ev.decoded("DTSTART").tzinfo is not None, "DTSTART is in UTC")
    raw = subprocess.run([CCWATCH, "-c", conf, "feed", "--format", "ics",
                          "--as-of", NOW], capture_output=True, timeout=60).stdout
    lines = raw.split(b"\r\n")
    check(lines[-1] == b"" and all(b"\n" not in l and len(l) <= 75 for l in lines),
          "CRLF line ends, lines folded at 75 octets")
    check(any(l.startswith(b" ") for l in lines), "some lines are folded")
    r2 = ccwatch(conf, "feed", "--format", "ics", "--as-of", NOW, "--ca", "Example CA")
    cal2 = icalendar.Calendar.from_ical(r2.stdout)
    e2 = list(cal2.walk("VEVENT"))
    check(0 < len(e2) < len(events) and all("Example CA" in str(e["SUMMARY"]) for e in e2),
          "--ca filters the calendar (%d of %d)" % (len(e2), len(events)))
    again = ccwatch(conf, "feed", "--format", "ics", "--as-of", NOW)
    uids2 = [str(e["UID"]) for e in icalendar.Calendar.from_ical(again.stdout).walk("VEVENT")]
    check(uids2 == uids, "UIDs stable between runs")

    r = ccwatch(conf, "feed", "--format", "prom", "--as-of", NOW)
    prom = os.path.join(work, "cli.prom")
    with open(prom, "w") as f:
        f.write(r.stdout)
    p = run(["promtool", "check", "metrics"], input=r.stdout)
    check(p.returncode == 0, "promtool check metrics passes the CLI's text " + p.stderr.strip())
    check("1899002" not in r.stdout, "metrics carry no bug ids")
    r = ccwatch(conf, "feed", "--format", "html", "--as-of", NOW)
    check("<script>document" not in r.stdout and "RESTRICTED-MARKER" not in r.stdout,
          "html: hostile summary escaped, restricted bug absent")

    # The operator's snooze shows on the dashboard: until when everywhere,
    # why (operator text) only where the feed shows private data.
    r = ccwatch(conf, "snooze", "1899001", "--until", "2030-01-01T00:00:00Z", "--reason",
                "SNOOZE-REASON <b>marker</b>")
    check(r.returncode == 0, "snooze 1899001: " + (r.stdout + r.stderr).strip())
    r = ccwatch(conf, "feed", "--format", "html", "--as-of", NOW)
    check('<div class="hold">snoozed until 2030-01-01T00:00:00Z</div>' in r.stdout and
          "SNOOZE-REASON" not in r.stdout,
          "html: the snooze shows until when, not the operator's reason")
    ra = ccwatch(conf_all, "feed", "--format", "html", "--as-of", NOW)
    check("snoozed until 2030-01-01T00:00:00Z: SNOOZE-REASON &lt;b&gt;marker&lt;/b&gt;"
          in ra.stdout, "html with include_restricted: the snooze's reason, escaped")


def validates(text, schema_file, version):
    """1 if the JSON text validates against docs/SCHEMA_FILE and is that version."""
    import jsonschema
    doc = json.loads(text)
    with open(os.path.join(SRC, "docs", schema_file)) as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator(schema).validate(doc)
    except jsonschema.ValidationError as e:
        print("# %s: %s" % (schema_file, str(e).splitlines()[0]))
        return False
    return doc["schema"] == version


def test_served(work, conf, port):
    """The daemon serves the feed and writes the files."""
    d = Daemon(work, conf, port)
    check(d.up, "ccwatchd serves /metrics after its first cycle")
    if not d.up:
        print(d.stop())
        return
    try:
        st, h, body = request(port, "GET", "/")
        check(st == 200 and h.get("content-type", "").startswith("text/html"), "GET / is the page")
        st2, h2, body2 = request(port, "HEAD", "/")
        check(st2 == 200 and body2 == b"" and h2.get("etag") == h.get("etag"),
              "HEAD / answers headers only, same ETag")
        st, h, _ = request(port, "POST", "/feed.json")
        check(st == 405 and h.get("allow") == "GET, HEAD", "POST is 405 with Allow: GET, HEAD")
        st, h, _ = request(port, "PUT", "/")
        check(st == 405, "PUT is 405")
        st, h, body = request(port, "GET", "/feed.json")
        etag = h.get("etag", "")
        check(re.fullmatch(r'"[0-9a-f]{32}"', etag) is not None, "strong ETag " + etag)
        st, h, body = request(port, "GET", "/feed.json", {"If-None-Match": etag})
        check(st == 304 and body == b"", "If-None-Match with the ETag is 304")
        st, h, body = request(port, "GET", "/feed.json", {"If-None-Match": '"nope"'})
        check(st == 200, "a different ETag gets the body")
        st, _, _ = request(port, "GET", "/nothing")
        check(st == 404, "unknown path is 404")
        st, h, body = request(port, "GET", "/deadlines.ics?ca=Example%20CA")
        check(st == 200 and b"ccwatch-1899001" not in body and b"BEGIN:VEVENT" in body,
              "/deadlines.ics?ca= filters by CA")
        st, h, body = request(port, "GET", "/metrics")
        p = run(["promtool", "check", "metrics"], input=body.decode())
        check(p.returncode == 0, "promtool check metrics passes /metrics " + p.stderr.strip())
        check(b"ccwatch_bugzilla_requests_total" in body, "/metrics has the request counter")
        check(re.search(rb"^ccwatch_bugzilla_clock_skew_seconds -?\d+$", body, re.M) is not None,
              "/metrics has Bugzilla's clock skew")
        cycles = sum(int(n) for n in re.findall(rb'\nccwatch_sync_cycles_total\{result="\w+"\} (\d+)', body))
        ev = re.search(rb'\nccwatch_evaluations_total (\d+)', body)
        check(cycles > 0 and ev is not None and int(ev.group(1)) == cycles,
              "one evaluation per cycle: %d cycles, %s" % (cycles, ev.group(0).strip() if ev else None))
        files = sorted(os.listdir(os.path.join(work, "out")))
        pages = [f for f in files if f.startswith("track-record-") and f.endswith(".html")]
        check([f for f in files if f not in pages] ==
              ["deadlines.ics", "feed-v1.json", "feed.json", "index.html", "metrics.prom",
               "track-record.html", "track-record.json"] and len(pages) > 0,
              "the daemon wrote the seven files and a track record page per CA: " + " ".join(files))
        st, h, body = request(port, "GET", "/feed/v1")
        check(st == 200 and validates(body.decode(), "feed-v1.schema.json", "ccwatch.feed/1"),
              "/feed/v1 serves ccwatch.feed/1, valid against its schema")
        with open(os.path.join(work, "out", "feed-v1.json")) as f:
            check(validates(f.read(), "feed-v1.schema.json", "ccwatch.feed/1"),
                  "the written feed-v1.json validates against docs/feed-v1.schema.json")

        url = "http://127.0.0.1:%d/" % port
        dom = chromium(work, url)
        if dom is None:
            check(False, "chromium is installed")
            return
        check("<title>ccwatch: CA incident deadlines</title>" in dom, "Chromium loads the page")
        check("pwned" not in dom.split("</title>")[0], "the hostile script did not run")
        check("&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom,
              "the hostile summary shows as text")
        states = re.findall(r'<tr class="s-[a-z-]+" data-state="([a-z-]+)"', dom)
        rank = {"overdue": 0, "due-soon": 1, "ok": 2, "paused": 3, "met": 4, "none": 5}
        check(len(states) > 0 and states[0] == "overdue", "the first row is overdue")
        check([rank[s] for s in states] == sorted(rank[s] for s in states), "overdue bugs first")
        row = re.search(r'<tr[^>]*data-bug="1899001".*?</tr>', dom, re.S)
        check(row is not None and "snoozed until 2030-01-01T00:00:00Z" in row.group(0) and
              "SNOOZE-REASON" not in dom,
              "Chromium shows the snooze on the snoozed bug's row, without its reason")
        dom = chromium(work, url + "?ca=Example%20CA")
        cas = re.findall(r'data-label="CA" class="ca"><a href="[^"]*">([^<]*)</a>', dom)
        check(len(cas) > 0 and set(cas) == {"Example CA"}, "?ca= filters the table: %s" % set(cas))
        dom = chromium(work, url + "?state=overdue")
        states = re.findall(r'<tr class="s-[a-z-]+" data-state="([a-z-]+)"', dom)
        check(len(states) > 0 and set(states) == {"overdue"}, "?state=overdue filters")
        shot = os.path.join(work, "dashboard.png")
        chromium(work, url, screenshot=shot)
        check(os.path.exists(shot) and os.path.getsize(shot) > 10000, "a screenshot was taken")
        if os.environ.get("CCWATCH_FEED_SHOT"):
            shutil.copy(shot, os.environ["CCWATCH_FEED_SHOT"])
    finally:
        d.stop()


# Frames index.html (beside it) at 1400x1000, then: clicks the "overdue"
# tile; submits the form for the CA of the first row, any state, sorted by
# bug.  After
# each load it records the rows shown, the tiles and how many rows end
# above the fold, and finally writes it all as JSON into <pre id="out">.
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="f" src="index.html"
style="width:1400px;height:1000px;border:0;display:block"></iframe>
<pre id="out">pending</pre><script>
var f = document.getElementById("f"), out = {}, step = 0;
function snap() {
  var d = f.contentDocument, rows = [].slice.call(d.querySelectorAll("tbody tr[data-state]"));
  var shown = rows.filter(function (r) { return !r.hidden && r.offsetParent !== null; });
  var tiles = {};
  [].forEach.call(d.querySelectorAll(".tile"), function (a) {
    tiles[a.getAttribute("data-state")] = [+a.querySelector("b").textContent,
                                           a.classList.contains("on")];
  });
  return {search: f.contentWindow.location.search,
          rows: shown.map(function (r) { return [+r.getAttribute("data-bug"),
                r.getAttribute("data-state"), r.getAttribute("data-ca")]; }),
          fold: shown.filter(function (r) {
                  return r.getBoundingClientRect().bottom <= 1000; }).length,
          tiles: tiles, empty: !d.getElementById("empty").hidden};
}
f.addEventListener("load", function () {
  var d = f.contentDocument;
  if (step === 0) {
    out.initial = snap(); step = 1;
    d.querySelector('.tile[data-state="overdue"]').click();
  } else if (step === 1) {
    out.tile = snap(); step = 2;
    var form = d.querySelector("form");
    form.elements.ca.value = out.initial.rows[0][2];
    form.elements.state.value = "";
    form.elements.sort.value = "bug";
    form.requestSubmit();
  } else {
    out.form = snap();
    document.getElementById("out").textContent = JSON.stringify(out);
  }
});
</script></body></html>
"""


def probe_file(work, page, tag):
    """Open a copy of the dashboard page from file:// under the probe; returns its report."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    d = tempfile.mkdtemp(dir=work, prefix="file-")
    shutil.copy(page, os.path.join(d, "index.html"))
    write_file(os.path.join(d, "probe.html"), PROBE)
    prof = tempfile.mkdtemp(dir=work, prefix="chromium-")
    r = run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--allow-file-access-from-files",
             "--virtual-time-budget=10000", "--user-data-dir=" + prof, "--dump-dom",
             "file://" + os.path.join(d, "probe.html")])
    m = re.search(r'<pre id="out">(\{.*?)</pre>', r.stdout, re.S)
    check(m is not None, "%s: the probe ran the page's tile and form from file://" % tag)
    return json.loads(html.unescape(m.group(1))) if m else None


def check_file_page(out, tag):
    """What a person sees from file:// is what the served page shows."""
    rows = out["initial"]["rows"]
    count = {}
    for _, st, _ in rows:
        count[st] = count.get(st, 0) + 1
    check(len(rows) > 0 and not out["initial"]["empty"] and
          all(out["initial"]["tiles"][s][0] == count.get(s, 0) for s in out["initial"]["tiles"]),
          "%s: every row shown, each tile counts its state: %s" % (tag, count))
    t = out["tile"]
    check(t["search"] == "?state=overdue" and len(t["rows"]) == count.get("overdue", -1) and
          {s for _, s, _ in t["rows"]} == {"overdue"} and t["tiles"]["overdue"] == [len(t["rows"]), True],
          "%s: the Overdue tile shows the %d overdue bugs only" % (tag, len(t["rows"])))
    ca = rows[0][2]
    mine = [r for r in rows if r[2] == ca]
    fm = out["form"]
    mine_count = {}
    for _, st, _ in mine:
        mine_count[st] = mine_count.get(st, 0) + 1
    check("sort=bug" in fm["search"] and "ca=" in fm["search"] and
          [r[0] for r in fm["rows"]] == sorted(r[0] for r in mine),
          "%s: the form filters on %s and sorts by bug: %s" % (tag, ca, [r[0] for r in fm["rows"]]))
    check(all(fm["tiles"][s][0] == mine_count.get(s, 0) for s in fm["tiles"]),
          "%s: the tiles count that CA's bugs: %s" % (tag, mine_count))


def test_file_pages(work, written):
    """index.html from disk: the daemon's, and one of the demo corpus."""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        check(False, "chromium is installed")
        return
    out = probe_file(work, written, "daemon's index.html")
    if out:
        check_file_page(out, "daemon's index.html")
    corpus = os.path.join(SRC, "data", "demo-corpus.json")
    with open(corpus) as f:
        anchor = re.search(r'"anchor":"([^"]+)"', f.readline()).group(1)
    fake = Fake(corpus, args=["--now", anchor])
    try:
        conf = write_file(os.path.join(work, "demo.conf"),
                          "[bugzilla]\nurl = %s\npage_size = 100\n[store]\npath = %s\n"
                          % (fake.url, os.path.join(work, "demo.db")))
        r = ccwatch(conf, "sync")
        check(r.returncode == 0, "the demo corpus syncs")
        r = ccwatch(conf, "feed", "--format", "html", "--as-of", anchor)
        page = write_file(os.path.join(work, "demo.html"), r.stdout)
    finally:
        fake.stop()
    out = probe_file(work, page, "demo index.html")
    if out:
        check_file_page(out, "demo index.html")
        fold = out["initial"]["fold"]
        check(fold >= 10, "at 1400x1000, %d bugs show above the fold (3 before denser rows)" % fold)
    # From file://, ?ca= names a CA in any spelling, as the server's filter does:
    # the page folds it into the CA key (case, punctuation, a legal form).
    with open(page) as f:
        text = f.read()
    keys = re.findall(r'data-ca="([^"]*)" data-cakey="([^"]*)"', text)
    name, key = keys[0]
    want = sorted({n for n, k in keys if k == key})
    spelled = name.upper().replace(" ", "-") + ", Ltd."
    dom = chromium(work, "file://%s?ca=%s" % (page, urllib.parse.quote(spelled)))
    shown = re.findall(r'<tr class="s-[a-z-]+" data-state="[a-z-]+" data-i="\d+" '
                       r'data-bug="\d+" data-due="-?\d+" data-ca="([^"]*)" '
                       r'data-cakey="[^"]*">', dom or "")
    check(len(shown) == sum(1 for n, k in keys if k == key) and sorted(set(shown)) == want,
          "file:// ?ca=%s shows the %d bugs of CA %s only" % (spelled, len(shown), key))


AI_NOW = "2026-03-10T00:00:00Z"
AI_HEAD = ("| Action Item | Kind | Corresponding Root Cause(s) | Evaluation Criteria | Due Date | Status |\n"
           "|---|---|---|---|---|---|\n")


def ai_bug(base, bug_id, summary, comments):
    """A bug of Example CA filed by its representative in 2026, with comments (time, text)."""
    b = copy.deepcopy(base)
    b.update(id=bug_id, summary=summary, whiteboard="[ca-compliance]", status="ASSIGNED",
             creation_time="2026-01-05T10:00:00Z", last_change_time=comments[-1][0],
             flags=[], history=[], groups=[])
    rep = base["assigned_to"]
    b["creator"] = b["assigned_to"] = rep
    b["comments"] = [dict(base["comments"][0], id=bug_id * 10 + k, count=k, creator=rep,
                          creation_time=t, text=text)
                     for k, (t, text) in enumerate([("2026-01-05T10:00:00Z", "Preliminary report.")] +
                                                   comments)]
    return b


def ai_corpus(path):
    """Three bugs: a plan with a completed, a slipped and an open item; a plan all done; a closure."""
    with open(CORPUS) as f:
        c = json.load(f)
    base = c["bugs"][0]
    row = "| AI-%d: %s | Prevent | RC%d | CT | %s | %s |\n"
    plan = [("2026-01-15T09:00:00Z", AI_HEAD + row % (1, "Add a lint", 1, "2026-02-10", "Ongoing") +
             row % (2, "Train staff", 2, "2026-03-20", "Ongoing") +
             row % (3, "Update the CPS", 3, "2026-02-01", "Ongoing")),
            ("2026-02-02T09:00:00Z", AI_HEAD + row % (1, "Add a lint", 1, "2026-02-10", "Ongoing") +
             row % (2, "Train staff", 2, "2026-03-20", "Ongoing") +
             row % (3, "Update the CPS", 3, "2026-02-01", "Complete")),
            ("2026-02-12T09:00:00Z", AI_HEAD +
             row % (1, "Add a lint", 1, "~~2026-02-10~~ 2026-03-01", "Delayed") +
             row % (2, "Train staff", 2, "2026-03-20", "Ongoing") +
             row % (3, "Update the CPS", 3, "2026-02-01", "Complete"))]
    done = [("2026-02-20T09:00:00Z", AI_HEAD + row % (1, "Revoke the rest", 1, "2026-02-15", "Complete") +
             row % (2, "Add monitoring", 2, "2026-02-18", "Canceled"))]
    closing = [("2026-02-01T09:00:00Z", "## Incident Closure Summary\n- Incident description: x\n")]
    c["bugs"] = [ai_bug(base, 1890001, "Example CA: a plan over time", plan),
                 ai_bug(base, 1890002, "Example CA: every item done", done),
                 ai_bug(base, 1890003, "Example CA: closure requested", closing)]
    with open(path, "w") as f:
        json.dump(c, f)


def ai_probe(work, page):
    """Open the page from file://, expand the first items list, report what shows."""
    probe = """<!DOCTYPE html><html><body><iframe id="f" src="index.html"
style="width:1400px;height:1000px;border:0"></iframe><pre id="out">pending</pre><script>
var f = document.getElementById("f");
f.addEventListener("load", function () {
  var d = f.contentDocument, det = d.querySelector("details.items");
  function seen(l) { return l.checkVisibility ? l.checkVisibility() : l.offsetParent !== null; }
  var before = det ? [].slice.call(det.querySelectorAll("li")).filter(seen).length : -1;
  if (det) det.querySelector("summary").click();
  setTimeout(function () {
    var items = det ? [].slice.call(det.querySelectorAll("li")).filter(seen) : [];
    document.getElementById("out").textContent = JSON.stringify({
      open: det ? det.open : null, before: before,
      shown: items.map(function (l) { return [l.getAttribute("data-item"),
        l.getAttribute("data-item-state"), getComputedStyle(l).fontWeight]; })});
  }, 50);
});
</script></body></html>"""
    d = tempfile.mkdtemp(dir=work, prefix="items-")
    shutil.copy(page, os.path.join(d, "index.html"))
    write_file(os.path.join(d, "probe.html"), probe)
    prof = tempfile.mkdtemp(dir=work, prefix="chromium-")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    r = run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--allow-file-access-from-files",
             "--virtual-time-budget=5000", "--user-data-dir=" + prof, "--dump-dom",
             "file://" + os.path.join(d, "probe.html")])
    m = re.search(r'<pre id="out">(\{.*?)</pre>', r.stdout, re.S)
    return json.loads(html.unescape(m.group(1))) if m else None


def test_action_items(work):
    """Action items through every output: feed/2 and feed/1, the calendar, metrics, page."""
    import icalendar
    corpus = os.path.join(work, "items.json")
    ai_corpus(corpus)
    fake = Fake(corpus, args=["--now", AI_NOW])
    try:
        conf = write_file(os.path.join(work, "items.conf"),
                          "[bugzilla]\nurl = %s\npage_size = 100\n[store]\npath = %s\n"
                          % (fake.url, os.path.join(work, "items.db")))
        r = ccwatch(conf, "sync")
        check(r.returncode == 0, "the action items corpus syncs")
    finally:
        fake.stop()
    r = ccwatch(conf, "feed", "--format", "json", "--as-of", AI_NOW)
    check(validates(r.stdout, "feed.schema.json", "ccwatch.feed/2"),
          "items: feed.json validates against docs/feed.schema.json")
    bugs = {b["id"]: b for b in json.loads(r.stdout)["bugs"]}
    items = {i["key"]: i for i in bugs[1890001]["action_items"]}
    check({k: i["state"] for k, i in items.items()} ==
          {"ai-1": "overdue", "ai-2": "open", "ai-3": "complete"},
          "items: states of the plan: %s" % {k: i["state"] for k, i in items.items()})
    check([(h["what"], h["comment"]) for h in items["ai-1"]["history"]] ==
          [("first-seen", 1), ("status", 3), ("due", 3)] and
          items["ai-1"]["due"]["date"] == "2026-03-01",
          "items: the slipped item's history: Delayed, 2026-02-10 -> 2026-03-01, by comment 3")
    clocks = [c for c in bugs[1890001]["clocks"] if c["kind"] == "action-item"]
    check(sorted((c["item"]["key"], c["state"], c["started_at"], c["stopped_by_comment"]) for c in clocks) ==
          [("ai-1", "met", "2026-02-10T23:59:59Z", 3), ("ai-1", "overdue", "2026-03-01T23:59:59Z", None),
           ("ai-3", "met", "2026-02-01T23:59:59Z", 2)],
          "items: the slip met the first clock and started a new one, now overdue; "
          "the completion met its own")
    check(bugs[1890002]["ready_for_closure"] is not None and
          bugs[1890002]["ready_for_closure"]["comment"] == 1 and
          bugs[1890001]["ready_for_closure"] is None, "items: readiness for closure names comment 1")
    w = bugs[1890003]["waiting_on_program"]
    check(len(w) == 1 and w[0]["kind"] == "closure-requested" and w[0]["comment"] == 1 and
          w[0]["since"] == "2026-02-01T09:00:00Z", "items: the root program owes the closure: %s" % w)
    r1 = ccwatch(conf, "feed", "--format", "json-v1", "--as-of", AI_NOW)
    v1 = json.loads(r1.stdout)
    check(validates(r1.stdout, "feed-v1.schema.json", "ccwatch.feed/1") and
          all(c["kind"] != "action-item" for b in v1["bugs"] for c in b["clocks"]) and
          "action_items" not in r1.stdout,
          "items: feed/1 validates, without the action items")

    r = ccwatch(conf, "feed", "--format", "ics", "--as-of", AI_NOW)
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(r.stdout).walk("VEVENT")}
    e1 = events.get("ccwatch-1890001-item-ai-1@ccwatch")
    e2 = events.get("ccwatch-1890001-item-ai-2@ccwatch")
    check(e1 is not None and e2 is not None and "ccwatch-1890001-item-ai-3@ccwatch" not in events,
          "items: one all-day event per open item, none for the completed one")
    if e1 is not None:
        import datetime
        start = e1.decoded("DTSTART")
        check(type(start) is datetime.date and str(start) == "2026-03-01" and
              str(e1.decoded("DTEND")) == "2026-03-02" and str(e1["SUMMARY"]).startswith("OVERDUE: "),
              "items: the overdue item is an all-day event on 2026-03-01, marked OVERDUE")
    check("ccwatch-1890001-action-item-ai-1@ccwatch" in events,
          "items: the running action-item clock is an event of its own")
    before = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(
        ccwatch(conf, "feed", "--format", "ics", "--as-of", "2026-02-05T00:00:00Z").stdout).walk("VEVENT")}
    b1 = before.get("ccwatch-1890001-item-ai-1@ccwatch")
    check(b1 is not None and str(b1.decoded("DTSTART")) == "2026-02-10",
          "items: the same UID before the slip, on the old date")

    r = ccwatch(conf, "feed", "--format", "prom", "--as-of", AI_NOW)
    p = run(["promtool", "check", "metrics"], input=r.stdout)
    check(p.returncode == 0 and 'ccwatch_action_items{ca="Example CA",state="overdue"} 1' in r.stdout and
          'ccwatch_action_items{ca="Example CA",state="complete"} 2' in r.stdout,
          "items: ccwatch_action_items by state, accepted by promtool")

    r = ccwatch(conf, "feed", "--format", "html", "--as-of", AI_NOW)
    page = write_file(os.path.join(work, "items.html"), r.stdout)
    check('<details class="items">' in r.stdout and 'data-item-state="overdue"' in r.stdout,
          "items: the page lists each bug's items in <details>, overdue marked")
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        check(False, "chromium is installed")
        return
    out = ai_probe(work, page)
    check(out is not None and out["before"] == 0 and out["open"] is True and
          [x[:2] for x in out["shown"]] == [["ai-1", "overdue"], ["ai-2", "open"], ["ai-3", "complete"]] and
          int(out["shown"][0][2]) > int(out["shown"][1][2]),
          "items: in Chromium the list opens on a click, the overdue item shown bold: %s" % out)


def test_token(work, url, port):
    """A token guards the server; a public address needs one."""
    conf = write_conf(work, "public.conf", url, "listen = 0.0.0.0:%d\n" % port)
    d = run([CCWATCHD, "-d", "-c", conf], timeout=30)
    check(d.returncode != 0 and "token_file" in d.stderr,
          "ccwatchd refuses a public address without token_file")
    tok = os.path.join(work, "token")
    write_secret(tok, "s3cret-token")
    conf = write_conf(work, "token.conf", url,
                      "listen = 127.0.0.1:%d\ntoken_file = %s\n" % (port, tok))
    dm = Daemon(work, conf, port, {"Authorization": "Bearer s3cret-token"})
    try:
        check(dm.up, "the server answers with the bearer token")
        st, h, _ = request(port, "GET", "/")
        check(st == 401 and "bearer" in h.get("www-authenticate", "").lower(),
              "no token is 401 with WWW-Authenticate")
        st, _, _ = request(port, "GET", "/", {"Authorization": "Bearer s3cret-tokeX"})
        check(st == 401, "a wrong token is 401")
    finally:
        dm.stop()


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-feed-test.")
    fake = None
    try:
        corpus = os.path.join(work, "corpus.json")
        private_count = make_corpus(corpus)
        write_secret(os.path.join(work, "key"), KEY)
        fake = Fake(corpus, args=["-k", KEY, "--now", NOW])
        url = fake.url
        os.mkdir(os.path.join(work, "out"))
        port = free_port()
        conf = write_conf(work, "ccwatch.conf", url, "listen = 127.0.0.1:%d\ndirectory = %s\n"
                          % (port, os.path.join(work, "out")))
        conf_all = write_conf(work, "all.conf", url, "include_restricted = yes\n")
        r = ccwatch(conf, "sync")
        check(r.returncode == 0, "ccwatch sync against the fake Bugzilla " + r.stderr.strip()[-200:])
        test_cli_outputs(work, conf, conf_all, private_count)
        test_served(work, conf, port)
        test_file_pages(work, os.path.join(work, "out", "index.html"))
        test_action_items(work)
        test_token(work, url, free_port())
    finally:
        if fake is not None:
            fake.stop()
        if os.environ.get("CCWATCH_TEST_KEEP"):
            print("# kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return ccwtest.summary()


if __name__ == "__main__":
    sys.exit(main())
