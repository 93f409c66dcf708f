#!/usr/bin/python3
"""One validation, end to end, with the real programs.

  * Every configuration the daemon refuses is refused the same way, with
    the same file:line and message, by "ccwatch config-check", by
    "ccwatchd -n" and by ccwatchd itself when it starts; a file with all of
    them fixed is accepted by the three alike.
  * Messages for people: a busy [feed] listen port names the address; a
    store this user may not open says "Permission denied" with its path;
    "ccwatch COMMAND --help" works for every command "ccwatch --help"
    lists, without a configuration.
  * One broken channel does not stop the others: "ccwatch alerts --run"
    and the daemon deliver to a real SMTP server (aiosmtpd) and a webhook
    receiver while a second mail channel's server is down and a second
    webhook answers 500, and the failing ones are logged by name.
  * test-notify's link is the configured Bugzilla's.
  * docs/webhook.md's example payload is what ccwatch sends for the same
    bug, byte for byte as JSON.

Everything listens on 127.0.0.1; every wait is bounded.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, CCWATCHD, SRC, Fake, Webhook, check, free_port,  # noqa: E402
                     mails, run, section, sink, wait_until, write_conf, write_corpus,
                     write_file, write_secret)
from ccwtest import corpus_bug as bug  # noqa: E402

SECRET = b"validate-webhook-secret"
DAY = 86400


def line_of(path, marker):
    """The number of the first line of path holding marker."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n
    raise ValueError("%s: no line with %r" % (path, marker))


def daemon_refuses(conf):
    """Start ccwatchd -d on conf; returns (exit status or None, stderr)."""
    p = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(timeout=15)
        return p.returncode, err
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=15)
        return None, err


def test_refusals(work, fake):
    """Each file the daemon refuses, fed to the three, refused alike."""
    secret = write_secret(os.path.join(work, "hook.secret"), "s3cret")
    slack_http = write_secret(os.path.join(work, "slack-http.url"),
                              "http://hooks.slack.example/T/B/X")
    token = write_secret(os.path.join(work, "feed.token"), "t0ken")
    feed_dir = os.path.join(work, "feed")
    os.mkdir(feed_dir)
    port = free_port()
    head = section("bugzilla", url=fake.url, retries=0, timeout=5)
    base = (head + section("store", path=os.path.join(work, "ccwatch.db"))
            + section("alerts", dry_run="yes"))
    mail_ok = section('channel "mail"', type="smtp", url="smtp://127.0.0.1:%d" % port,
                      require_starttls="no", to="team@example-ca.test",
                      **{"from": "ccwatch@example.test"})
    # (what, the whole file, the marker of the line to blame, the message)
    cases = [
        ("[feed] listen on 0.0.0.0 without token_file",
         base + section("feed", listen="0.0.0.0:%d" % port),
         "listen = 0.0.0.0", "listen: 0.0.0.0:%d is not a loopback address: set token_file"
         % port),
        ("a webhook's http:// URL off loopback",
         base + section('channel "hook"', type="webhook", url="http://hooks.example.com/x",
                        secret_file=secret),
         "url = http://hooks", 'url: "http://hooks.example.com/x" must be https://'),
        ("a Slack webhook URL that is http:// off loopback",
         base + section('channel "slack"', type="slack", webhook_url_file=slack_http),
         "webhook_url_file", "webhook_url_file: the URL in %s must be https://" % slack_http),
        ("an smtp:// URL to a remote host without STARTTLS",
         base + section('channel "mail"', type="smtp", url="smtp://mx.example.com:25",
                        require_starttls="no", to="team@example-ca.test",
                        **{"from": "ccwatch@example.test"}),
         "require_starttls", 'require_starttls: "no" is for a mail server on this machine only'),
        ("a [feed] directory that does not exist",
         base + section("feed", directory=os.path.join(work, "no-such-dir")),
         "directory =", "directory: %s/no-such-dir: No such file or directory" % work),
        ("a [store] path in a directory that does not exist",
         head + section("store", path=os.path.join(work, "gone", "ccwatch.db")),
         "path =", "path: %s/gone/ccwatch.db: directory %s/gone: No such file or directory"
         % (work, work)),
        ("a route to a channel that is not defined",
         base + section('route "team"', channels="mail, pager") + mail_ok,
         "channels = mail, pager", 'channels: no [channel "pager"] in this file'),
        ("a mail channel without its recipients",
         base + section('channel "mail"', type="smtp", url="smtps://mx.example.com",
                        **{"from": "ccwatch@example.test"}),
         '[channel "mail"]', '[channel "mail"]: to is required for an smtp channel'),
        ("a section name in capitals",
         base + "[Daemon]\npoll_interval = 60\n",
         "[Daemon]", "section names are lower case: [daemon], not [Daemon]"),
        ("a directive the channel's type does not read",
         base + section('channel "hook"', type="webhook", url="http://127.0.0.1:%d/x" % port,
                        secret_file=secret, to="team@example-ca.test"),
         "to = team", "to: not used by a webhook channel"),
    ]
    for i, (what, text, marker, message) in enumerate(cases):
        conf = write_conf(os.path.join(work, "refused-%d.conf" % i), text)
        want = "%s:%d: %s" % (conf, line_of(conf, marker), message)
        r = run([CCWATCH, "-c", conf, "config-check"])
        check(r.returncode == 1 and want in r.stderr,
              "config-check refuses %s at %s: %s" % (what, want, r.stderr.strip()))
        r = run([CCWATCHD, "-n", "-c", conf])
        check(r.returncode == 1 and want in r.stderr,
              "ccwatchd -n refuses it alike: %s" % r.stderr.strip())
        rc, err = daemon_refuses(conf)
        check(rc == 1 and want in err,
              "ccwatchd refuses to start with it, alike: %s %s" % (rc, err.strip()[-300:]))

    # All of them fixed: the three accept it, and the daemon runs.
    good = os.path.join(work, "good.conf")
    slack_ok = write_secret(os.path.join(work, "slack-ok.url"),
                            "http://127.0.0.1:%d/slack" % port)
    write_conf(good, base,
               section("feed", listen="0.0.0.0:%d" % port, token_file=token,
                       directory=feed_dir),
               section('route "team"', channels="mail, hook, slack"), mail_ok,
               section('channel "hook"', type="webhook", url="http://127.0.0.1:%d/x" % port,
                       secret_file=secret),
               section('channel "slack"', type="slack", webhook_url_file=slack_ok))
    r = run([CCWATCH, "-c", good, "config-check"])
    check(r.returncode == 0 and "configuration OK" in r.stdout,
          "config-check accepts the file with every problem fixed: %s" % r.stderr.strip())
    r = run([CCWATCHD, "-n", "-c", good])
    check(r.returncode == 0 and "configuration OK" in r.stdout,
          "ccwatchd -n accepts it: %s" % r.stderr.strip())
    # The daemon's own run listens on loopback: tests bind nothing else.
    with open(good) as f:
        text = f.read().replace("0.0.0.0:%d" % port, "127.0.0.1:%d" % port)
    write_file(good, text)
    log = open(os.path.join(work, "good.log"), "w+")
    d = subprocess.Popen([CCWATCHD, "-d", "-c", good], stdout=log, stderr=log)
    try:
        started = wait_until(lambda: os.path.exists(os.path.join(feed_dir, "feed.json")), 30)
        check(started and d.poll() is None,
              "ccwatchd starts with it and writes the feed (%s)" % d.poll())
    finally:
        d.send_signal(signal.SIGTERM)
        rc = d.wait(timeout=20)
        log.seek(0)
        if not started:
            print("# " + log.read().replace("\n", "\n# "))
        log.close()
    check(rc == 0, "and stops with exit 0")


def as_other_user(args):
    """args run as nobody when this is root (root reads every file)."""
    if os.getuid() != 0:
        return args
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + args


def test_messages(work, fake):
    """A busy port, a store one may not open, --help for every command."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen(1)
    port = held.getsockname()[1]
    conf = write_conf(os.path.join(work, "busy.conf"),
                      section("bugzilla", url=fake.url, retries=0, timeout=5),
                      section("store", path=os.path.join(work, "busy.db")),
                      section("feed", listen="127.0.0.1:%d" % port))
    rc, err = daemon_refuses(conf)
    held.close()
    want = "feed: listen 127.0.0.1:%d: Address already in use" % port
    check(rc == 1 and want in err, "a busy listen port names the address: %s" % err.strip())

    # A store this user may not open.  Root may open anything, so the
    # commands run as nobody then; the files are made readable to it.
    priv = os.path.join(work, "private")
    os.mkdir(priv)
    os.chmod(work, 0o755)
    os.chmod(priv, 0o755)
    store = os.path.join(priv, "ccwatch.db")
    conf = write_conf(os.path.join(priv, "store.conf"),
                      section("bugzilla", url=fake.url, retries=0, timeout=5),
                      section("store", path=store))
    os.chmod(conf, 0o644)
    r = run([CCWATCH, "-c", conf, "sync"])
    check(r.returncode == 0, "sync makes the store: %s" % r.stderr.strip()[-200:])
    os.chmod(store, 0o600 if os.getuid() == 0 else 0o000)
    want = "store: %s: Permission denied" % store
    for args in (["status"], ["check"], ["ack", "1"], ["alerts", "--json"]):
        r = run(as_other_user([CCWATCH, "-c", conf] + args))
        out = r.stdout + r.stderr
        # A command that writes refuses another user's store first.
        w = want
        if args[0] == "ack" and os.getuid() == 0:
            w = "store: %s: refused: the store is owned by another user (uid 0)" % store
        check(r.returncode != 0 and w in out,
              "%s: a store one may not open says so: %s" % (args[0], out.strip()))
    r = run(as_other_user([CCWATCH, "-c", conf, "config-check"]))
    check(r.returncode == 1 and "%s:%d: path: %s" % (conf, line_of(conf, "path ="), store)
          in r.stderr and "Permission denied" in r.stderr,
          "config-check, as that user, too: %s" % r.stderr.strip())
    os.chmod(store, 0o600)

    # --help: every command of the usage, with no configuration at all.
    r = run([CCWATCH, "--help"])
    names = re.findall(r"^  ccwatch ([a-z-]+)", r.stdout, re.M)
    check(r.returncode == 0 and len(names) >= 14, "ccwatch --help lists %d commands" % len(names))
    bad = []
    for name in names:
        r = run([CCWATCH, "-c", os.path.join(work, "none.conf"), name, "--help"])
        lines = r.stdout.split("\n")
        if (r.returncode != 0 or not lines[0].startswith("usage: ccwatch [-v] [-c FILE] " + name)
                or len(lines[1]) < 10 or r.stderr):
            bad.append((name, r.returncode, r.stdout, r.stderr))
    check(names and not bad, "ccwatch COMMAND --help works for every command: %s" % bad)
    r = run([CCWATCH, "snooze", "1", "-h"])
    check(r.returncode == 0 and "--until" in r.stdout, "-h after a command's arguments too")
    r = run([CCWATCHD, "--help"])
    check(r.returncode == 0 and "-n" in r.stdout, "ccwatchd --help")


def test_broken_channels(work):
    """One broken channel of four: the other two still deliver."""
    good = Webhook(SECRET)
    broken = Webhook(SECRET)
    broken.status = 500
    secret = write_secret(os.path.join(work, "hook.secret"), SECRET.decode())
    smtp = sink("start", work)
    dead_port = free_port()
    now = time.time()
    corpus = write_corpus(os.path.join(work, "broken.json"),
                          [bug(1910001, "Example CA: OCSP outage", now - 4 * DAY)])
    fake = Fake(corpus)
    conf = write_conf(
        os.path.join(work, "broken.conf"),
        section("bugzilla", url=fake.url, retries=0, timeout=5),
        section("store", path=os.path.join(work, "broken.db")),
        section("daemon", poll_interval=1, poll_jitter=0),
        section('ca "Example CA"', domains="example-ca.test"),
        section("alerts", retry_base=3600),
        section('route "team"', ca='"Example CA"', clock="initial-report",
                channels="deadmail, mail, badhook, hook"),
        section('channel "deadmail"', type="smtp", url="smtp://127.0.0.1:%d" % dead_port,
                require_starttls="no", timeout=5, to="team@example-ca.test",
                **{"from": "ccwatch@example.test"}),
        section('channel "mail"', type="smtp", url="smtp://127.0.0.1:%d" % smtp,
                require_starttls="no", timeout=5, to="team@example-ca.test",
                **{"from": "ccwatch@example.test"}),
        section('channel "badhook"', type="webhook",
                url="http://127.0.0.1:%d/hook" % broken.port, secret_file=secret, timeout=5),
        section('channel "hook"', type="webhook",
                url="http://127.0.0.1:%d/hook" % good.port, secret_file=secret, timeout=5))
    d = None
    try:
        r = run([CCWATCH, "-c", conf, "sync"])
        check(r.returncode == 0, "broken channels: sync: %s" % r.stderr.strip()[-200:])
        r = run([CCWATCH, "-c", conf, "alerts", "--run"])
        check(r.returncode == 0 and "2 sent" in r.stdout and "2 failed" in r.stdout,
              "alerts --run: two sent, two failed: %s" % (r.stdout + r.stderr).strip()[-400:])
        check(len(mails(work)) == 1 and len(good.accepted()) == 1,
              "the working mail and webhook channels got the alert (%d, %d)"
              % (len(mails(work)), len(good.accepted())))
        check(len(broken.attempts()) == 1 and not broken.accepted(),
              "the failing webhook was tried once")
        check(re.search(r"to channel deadmail failed \(attempt 1\), retrying in 3600 s: "
                        r"deadmail: smtp: ", r.stderr) is not None
              and re.search(r"to channel badhook failed \(attempt 1\), retrying in 3600 s: "
                            r"badhook: webhook: .*HTTP 500", r.stderr) is not None,
              "each broken channel is logged by name, with why: %s" % r.stderr.strip())

        # The daemon: a new late bug; the two good channels get it too.
        fake.stop()
        write_corpus(corpus, [bug(1910001, "Example CA: OCSP outage", now - 4 * DAY),
                              bug(1910002, "Example CA: CRL gap", now - 5 * DAY)])
        fake = Fake(corpus)
        with open(conf) as f:
            text = re.sub(r"url = http://127\.0\.0\.1:\d+\n", "url = %s\n" % fake.url,
                          f.read(), count=1)
        write_file(conf, text)
        log = open(os.path.join(work, "broken-daemon.log"), "w+")
        d = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=log, stderr=log)
        check(wait_until(lambda: len(mails(work)) >= 2 and len(good.accepted()) >= 2, 30),
              "the daemon delivers through the working channels (%d mails, %d webhooks)"
              % (len(mails(work)), len(good.accepted())))
        check(wait_until(lambda: len(broken.attempts()) >= 2, 10),
              "and tries the failing webhook, which does not stop them")
        d.send_signal(signal.SIGTERM)
        check(d.wait(timeout=20) == 0, "the daemon stops with exit 0")
        d = None
        log.seek(0)
        text = log.read()
        check("to channel deadmail failed" in text and "to channel badhook failed" in text,
              "the daemon logs each broken channel by name")
        log.close()
    finally:
        if d is not None:
            d.kill()
            d.wait()
        fake.stop()
        sink("stop", work)
        good.stop()
        broken.stop()


def test_notify_link(work, fake):
    """test-notify links to the configured Bugzilla, not bugzilla.mozilla.org."""
    hook = Webhook(SECRET)
    secret = write_secret(os.path.join(work, "tn.secret"), SECRET.decode())
    try:
        for base_url, want in ((None, fake.url + "/"),
                               ("https://bmo.example.test", "https://bmo.example.test/")):
            conf = write_conf(
                os.path.join(work, "tn.conf"),
                section("bugzilla", url=fake.url, retries=0, timeout=5),
                section("store", path=os.path.join(work, "tn.db")),
                section("policy", base_url=base_url) if base_url else "",
                section('channel "hook"', type="webhook",
                        url="http://127.0.0.1:%d/hook" % hook.port, secret_file=secret))
            n = len(hook.deliveries())
            r = run([CCWATCH, "-c", conf, "test-notify", "hook"])
            got = hook.deliveries()[n:]
            link = got[0][1].get("bug_url") if got else None
            check(r.returncode == 0 and link == want,
                  "test-notify links to %s: %s %s" % (want, link, r.stderr.strip()))
    finally:
        hook.stop()


def doc_example(path, title):
    """The JSON block indented under the line holding title in a Markdown file."""
    with open(path) as f:
        lines = f.read().split("\n")
    i = next(n for n, line in enumerate(lines) if title in line) + 1
    while not lines[i].strip():
        i += 1
    block = []
    while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
        block.append(lines[i][4:])
        i += 1
    return json.loads("\n".join(block))


def test_webhook_doc(work):
    """docs/webhook.md's example is the payload ccwatch sends for its bug."""
    hook = Webhook(SECRET)
    secret = write_secret(os.path.join(work, "doc.secret"), SECRET.decode())
    t0 = 1772442000  # 2026-03-02T09:00:00Z
    corpus = write_corpus(os.path.join(work, "doc.json"), [
        bug(1890123, "Example CA: OCSP responder served stale responses", t0)])
    fake = Fake(corpus, args=["--now", "2026-03-20T12:00:00Z"])
    conf = write_conf(
        os.path.join(work, "doc.conf"),
        section("bugzilla", url=fake.url, retries=0, timeout=5),
        section("store", path=os.path.join(work, "doc.db")),
        section('ca "Example CA"', domains="example-ca.test"),
        section("policy", base_url="https://bugzilla.mozilla.org"),
        section('route "team"', ca='"Example CA"', clock="initial-report", state="overdue",
                channels="hook"),
        section('channel "hook"', type="webhook", url="http://127.0.0.1:%d/hook" % hook.port,
                secret_file=secret))
    try:
        r = run([CCWATCH, "-c", conf, "sync"])
        check(r.returncode == 0, "doc: sync: %s" % r.stderr.strip()[-200:])
        r = run([CCWATCH, "-c", conf, "alerts", "--run", "--as-of", "2026-03-13T11:59:00Z"])
        got = hook.documents()
        body = got[0] if len(got) == 1 else None
        doc = doc_example(os.path.join(SRC, "docs/webhook.md"), "`ccwatch.alert/")
        check(body is not None and body == doc,
              "docs/webhook.md's example is the payload sent for its bug%s"
              % ("" if body == doc else ":\n" + json.dumps(body, indent=2, ensure_ascii=False)))
    finally:
        fake.stop()
        hook.stop()


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-validate.")
    fake = Fake()
    try:
        test_refusals(work, fake)
        test_messages(work, fake)
        test_notify_link(work, fake)
    finally:
        fake.stop()
    test_broken_channels(work)
    test_webhook_doc(work)
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
